//! The layout's tags (issue 17, item 1): every item the typesetter draws is
//! content of a structure element or an artifact, and the structure tree
//! reads as the pages do (ISO 32000-1 §14.7–14.8, ISO 14289-1 §7).
//!
//! A tree is read as a PDF reader reads one: per element, its own content
//! items and its child elements interleaved in page order (a child at its
//! first item), children in the tree's order.

use std::collections::HashMap;
use std::path::Path;

mod common;

use common::root;
use trang::cli::Paper;
use trang::diag::{Diagnostics, SourceFile};
use trang::frame::{ArtifactKind, Item, Layout, NodeId, Scope, StructRole, StructTree, Tag};
use trang::typeset::TypesetOptions;

fn layout_file(path: &Path, columns: usize, paper: Paper) -> Layout {
    let mut diags = Diagnostics::default();
    let p = trang::prepare(path, None, &mut diags).unwrap_or_else(|| panic!("{diags:?}"));
    let opts = TypesetOptions {
        paper,
        duplex: false,
        columns,
        line_records: false,
        page_starts: false,
        deflate_runs: false,
    };
    trang::typeset::typeset_with(&p.doc, &p.fonts, &opts, 0).0
}

/// `md` typeset on A5, as if it were a file in `tests/fixtures` (so that
/// `images/…` resolves).
fn layout_md(md: &str) -> Layout {
    let path = root().join("tests/fixtures/tags-test.md");
    let mut diags = Diagnostics::default();
    let p = trang::prepare_source(SourceFile::new(path, md), &Default::default(), &mut diags)
        .unwrap_or_else(|| panic!("{diags:?}"));
    trang::typeset::typeset(&p.doc, &p.fonts, Paper::A5, 0).0
}

fn article() -> Layout {
    layout_file(&root().join("source/article.md"), 1, Paper::A5)
}

fn mixed() -> Layout {
    layout_file(&root().join("tests/fixtures/mixed.md"), 1, Paper::A5)
}

/// Each element's own items, as (page, index), in page order.
fn own_items(layout: &Layout) -> HashMap<NodeId, Vec<(usize, usize)>> {
    let mut own: HashMap<NodeId, Vec<(usize, usize)>> = HashMap::new();
    for (p, page) in layout.pages.iter().enumerate() {
        for (i, it) in page.items.iter().enumerate() {
            if let Tag::Content(n) = it.tag {
                assert!(
                    (n.0 as usize) < layout.structure.nodes.len(),
                    "page {p} item {i}: element {n:?} not in the tree"
                );
                own.entry(n).or_default().push((p, i));
            }
        }
    }
    own
}

fn text_of(layout: &Layout, (p, i): (usize, usize)) -> &str {
    match &layout.pages[p].items[i].item {
        Item::Text(run) => &run.text,
        _ => "",
    }
}

/// Whether `n` is `Note` or inside one.
fn in_note(tree: &StructTree, mut n: NodeId) -> bool {
    loop {
        if tree.node(n).role == StructRole::Note {
            return true;
        }
        match tree.node(n).parent {
            Some(p) => n = p,
            None => return false,
        }
    }
}

/// The text of the tree read in order (see the module docs), leaving out
/// notes when `notes` is false; with the element each piece belongs to.
fn tree_text(layout: &Layout, notes: bool) -> Vec<(NodeId, String)> {
    let tree = &layout.structure;
    let own = own_items(layout);
    // The first item of each element's subtree.
    fn first(
        tree: &StructTree,
        own: &HashMap<NodeId, Vec<(usize, usize)>>,
        n: NodeId,
        memo: &mut HashMap<NodeId, Option<(usize, usize)>>,
    ) -> Option<(usize, usize)> {
        if let Some(f) = memo.get(&n) {
            return *f;
        }
        let mine = own.get(&n).and_then(|v| v.first().copied());
        let kids = tree.node(n).children.clone();
        let f = kids
            .into_iter()
            .filter_map(|c| first(tree, own, c, memo))
            .chain(mine)
            .min();
        memo.insert(n, f);
        f
    }
    let mut memo = HashMap::new();
    let mut out = Vec::new();
    // Iterative walk: (element, next child, next own item).
    let mut stack = vec![(StructTree::ROOT, 0usize, 0usize)];
    while let Some((n, c, o)) = stack.pop() {
        let node = tree.node(n);
        let items = own.get(&n).map(Vec::as_slice).unwrap_or(&[]);
        if let Some(&child) = node.children.get(c) {
            let skip = !notes && tree.node(child).role == StructRole::Note;
            let at = first(tree, &own, child, &mut memo);
            let mut o = o;
            while let (Some(&item), Some(at)) = (items.get(o), at)
                && item < at
            {
                out.push((n, text_of(layout, item).to_string()));
                o += 1;
            }
            stack.push((n, c + 1, o));
            if !skip {
                stack.push((child, 0, 0));
            }
        } else {
            for &item in &items[o..] {
                out.push((n, text_of(layout, item).to_string()));
            }
        }
    }
    out.retain(|(_, t)| !t.is_empty());
    out
}

/// The elements of an article's title block, which the front matter fills
/// (no source span): the leading children of the tree's first element
/// (the title's `Sect`, or a `Div` without a title) that have no source.
fn title_block(tree: &StructTree) -> Vec<NodeId> {
    let Some(&first) = tree.node(StructTree::ROOT).children.first() else {
        return Vec::new();
    };
    if !matches!(tree.node(first).role, StructRole::Sect | StructRole::Div) {
        return Vec::new();
    }
    tree.node(first)
        .children
        .iter()
        .copied()
        .take_while(|&c| tree.node(c).source.is_none())
        .collect()
}

fn joined(pieces: &[(NodeId, String)]) -> String {
    pieces.iter().map(|(_, t)| t.as_str()).collect()
}

/// The text of every page's text items in drawing order, but running heads,
/// folios and repeated header rows (pagination artifacts), and, unless
/// `notes`, the footnotes.
fn page_text(layout: &Layout, notes: bool) -> String {
    let mut out = String::new();
    for page in &layout.pages {
        for it in &page.items {
            let Item::Text(run) = &it.item else { continue };
            match it.tag {
                Tag::Artifact(ArtifactKind::Pagination) => continue,
                Tag::Content(n) if !notes && in_note(&layout.structure, n) => continue,
                _ => out.push_str(&run.text),
            }
        }
    }
    out
}

fn roles(layout: &Layout) -> Vec<StructRole> {
    layout.structure.nodes.iter().map(|n| n.role).collect()
}

/// The elements of `role`.
fn all(layout: &Layout, role: StructRole) -> Vec<NodeId> {
    (0..layout.structure.nodes.len() as u32)
        .map(NodeId)
        .filter(|&n| layout.structure.node(n).role == role)
        .collect()
}

/// Heading levels in tree order.
fn heading_levels(layout: &Layout) -> Vec<u8> {
    let mut out = Vec::new();
    let mut stack = vec![StructTree::ROOT];
    while let Some(n) = stack.pop() {
        let node = layout.structure.node(n);
        if let StructRole::H(l) = node.role {
            out.push(l);
        }
        stack.extend(node.children.iter().rev());
    }
    out
}

#[test]
fn no_text_is_left_untagged_but_running_heads_and_folios() {
    let book = layout_file(&root().join("tests/fixtures/book"), 1, Paper::A5);
    for (name, layout) in [("article", article()), ("mixed", mixed()), ("book", book)] {
        let (mut content, mut pagination) = (0, 0);
        for (p, page) in layout.pages.iter().enumerate() {
            for it in &page.items {
                match (&it.item, it.tag) {
                    (Item::Text(_) | Item::Image(_), Tag::Content(_)) => content += 1,
                    (Item::Text(_), Tag::Artifact(ArtifactKind::Pagination)) => pagination += 1,
                    (Item::Text(r), tag) => {
                        panic!("{name}, page {}: `{}` tagged {tag:?}", p + 1, r.text)
                    }
                    (Item::Image(_), tag) => panic!("{name}, page {}: image {tag:?}", p + 1),
                    (Item::Line(_) | Item::Fill(_), tag) => assert_eq!(
                        tag,
                        Tag::Artifact(ArtifactKind::Layout),
                        "{name}, page {}: a rule or tint",
                        p + 1
                    ),
                    _ => {}
                }
            }
        }
        assert!(content > 30, "{name}: {content} content items");
        // A folio on most pages (a book's opening pages have none).
        assert!(
            pagination >= layout.pages.len() / 2,
            "{name}: {pagination} running heads and folios on {} pages",
            layout.pages.len()
        );
    }
}

/// Whether the words of `text` come in the order of `source`: each word
/// found in the source is found within `WINDOW` bytes after the previous
/// one (Markdown's syntax, a link's URL or a footnote's definition may
/// stand between); words the source does not hold (numbers of headings,
/// list labels, the dateline) and words without a letter are skipped. Returns the words matched.
fn in_source_order(name: &str, text: &[(NodeId, String)], source: &str) -> usize {
    const WINDOW: usize = 600;
    let mut cursor = 0;
    let mut matched = 0;
    let mut last = String::new();
    for (_, piece) in text {
        for word in piece.split_whitespace() {
            let word = word.trim_end_matches('-');
            // Numbers alone (a heading's number, a list's label) are
            // generated as often as they are read.
            if word.chars().count() < 2
                || !word.chars().any(char::is_alphabetic)
                || !source.contains(word)
            {
                continue;
            }
            let rest = &source[cursor..];
            match rest.find(word) {
                Some(at) if at <= WINDOW => {
                    cursor += at + word.len();
                    matched += 1;
                    last = word.to_string();
                }
                _ => panic!(
                    "{name}: `{word}` (in `{piece}`) not within {WINDOW} bytes after `{last}` \
                     at byte {cursor}"
                ),
            }
        }
    }
    matched
}

#[test]
fn the_tree_reads_in_the_order_of_the_document() {
    let two_columns = layout_file(&root().join("tests/fixtures/mixed.md"), 2, Paper::A4);
    // long.md is set in two halves on two threads: their trees join.
    let long = layout_file(&root().join("tests/fixtures/long.md"), 1, Paper::A5);
    for (name, file, layout) in [
        ("article", "source/article.md", article()),
        ("mixed", "tests/fixtures/mixed.md", mixed()),
        (
            "mixed in two columns",
            "tests/fixtures/mixed.md",
            two_columns,
        ),
        ("long", "tests/fixtures/long.md", long),
    ] {
        let source = std::fs::read_to_string(root().join(file)).unwrap();
        // The title block sets the front matter's fields in an order of
        // its own.
        let title = title_block(&layout.structure);
        let mut body = tree_text(&layout, false);
        body.retain(|(n, _)| {
            let mut n = *n;
            while !title.contains(&n)
                && let Some(p) = layout.structure.node(n).parent
            {
                n = p;
            }
            !title.contains(&n)
        });
        let words = in_source_order(name, &body, &source);
        let total = source.split_whitespace().count();
        assert!(
            words * 2 > total,
            "{name}: {words} of the source's {total} words read in order"
        );
        // Everything on the pages but running heads, folios and repeated
        // headers is in the tree, once.
        let mut tree: Vec<char> = joined(&tree_text(&layout, true)).chars().collect();
        let mut pages: Vec<char> = page_text(&layout, true).chars().collect();
        tree.sort_unstable();
        pages.sort_unstable();
        assert!(tree == pages, "{name}: the tree and the pages differ");
    }
}

#[test]
fn a_note_follows_the_block_that_calls_it() {
    let layout = mixed();
    let tree = &layout.structure;
    let notes = all(&layout, StructRole::Note);
    assert!(notes.len() >= 3, "{} notes", notes.len());
    for note in notes {
        let parent = tree.node(note).parent.unwrap();
        let kids = &tree.node(parent).children;
        let at = kids.iter().position(|&k| k == note).unwrap();
        // Past the notes before it, the block that references it.
        let block = kids[..at]
            .iter()
            .rev()
            .find(|&&k| tree.node(k).role != StructRole::Note)
            .copied()
            .unwrap_or(parent);
        let mut stack = vec![block];
        let mut refs = 0;
        while let Some(n) = stack.pop() {
            refs += usize::from(tree.node(n).role == StructRole::Reference);
            stack.extend(tree.node(n).children.iter().copied());
        }
        assert!(
            refs > 0,
            "note {note:?} follows {block:?}, which calls none"
        );
        assert!(
            tree.node(note)
                .children
                .iter()
                .any(|&c| tree.node(c).role == StructRole::P),
            "note {note:?} has no paragraph"
        );
    }
}

#[test]
fn heading_levels_never_skip() {
    let layout = layout_md(
        "---\ntitle: Cấp\nlang: vi\n---\n\n# Một\n\nChữ.\n\n### Ba\n\nChữ.\n\n\
         ##### Năm\n\nChữ.\n\n## Hai\n\nChữ.\n\n# Lại một\n\n### Lại ba\n\nChữ.\n",
    );
    // The title is the `H1`; the Markdown's headings nest under it.
    assert_eq!(heading_levels(&layout), [1, 2, 3, 4, 3, 2, 3]);
    let first = layout.structure.node(StructTree::ROOT).children[0];
    let title = layout.structure.node(first).children[0];
    assert_eq!(layout.structure.node(first).role, StructRole::Sect);
    assert_eq!(layout.structure.node(title).role, StructRole::H(1));
    // Each heading in a section of its own, nested as its level says.
    let tree = &layout.structure;
    for h in (0..tree.nodes.len() as u32).map(NodeId) {
        let StructRole::H(level) = tree.node(h).role else {
            continue;
        };
        let mut depth = 0;
        let mut n = tree.node(h).parent.unwrap();
        while let Some(p) = tree.node(n).parent {
            assert_eq!(tree.node(n).role, StructRole::Sect);
            depth += 1;
            n = p;
        }
        assert_eq!(depth, level, "H{level} in {depth} sections");
    }
    for (name, layout) in [
        ("mixed", mixed()),
        (
            "long",
            layout_file(&root().join("tests/fixtures/long.md"), 1, Paper::A5),
        ),
        (
            "book",
            layout_file(&root().join("tests/fixtures/book"), 1, Paper::A5),
        ),
    ] {
        let levels = heading_levels(&layout);
        assert!(levels.len() > 3, "{name}: {levels:?}");
        let mut prev = 0;
        for l in levels {
            assert!(l <= prev + 1, "{name}: H{l} after H{prev}");
            prev = l;
        }
    }
}

#[test]
fn a_table_has_its_header_cells_once() {
    let mut md =
        String::from("---\ntitle: Bảng\nlang: vi\n---\n\n| Tỉnh | Diện tích |\n|:--|--:|\n");
    for i in 0..80 {
        md.push_str(&format!("| Tỉnh số {i} | {} ha |\n", i * 7));
    }
    let layout = layout_md(&md);
    assert!(layout.pages.len() >= 3, "{} pages", layout.pages.len());
    let tree = &layout.structure;
    let tables = all(&layout, StructRole::Table);
    assert_eq!(tables.len(), 1);
    let groups: Vec<StructRole> = tree
        .node(tables[0])
        .children
        .iter()
        .map(|&c| tree.node(c).role)
        .collect();
    assert_eq!(groups, [StructRole::THead, StructRole::TBody]);
    let th = all(&layout, StructRole::Th(Scope::Column));
    assert_eq!(th.len(), 2);
    assert_eq!(all(&layout, StructRole::Td).len(), 160);
    assert_eq!(all(&layout, StructRole::Tr).len(), 81);
    let text = tree_text(&layout, true);
    let heads: String = text
        .iter()
        .filter(|(n, _)| th.contains(n))
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(heads, "TỉnhDiện tích");
    // Repeated on the later pages, as artifacts.
    let repeated = layout
        .pages
        .iter()
        .skip(1)
        .flat_map(|p| &p.items)
        .filter(|it| {
            matches!(&it.item, Item::Text(r) if r.text == "Tỉnh")
                && it.tag == Tag::Artifact(ArtifactKind::Pagination)
        })
        .count();
    assert!(repeated >= 2, "{repeated} repeated headers");
}

#[test]
fn a_figure_has_its_alt_and_caption() {
    let layout = layout_md(
        "---\ntitle: Hình\nlang: vi\n---\n\nTrước hình.\n\n\
         ![Ruộng bậc thang mùa lúa chín](images/ruong.png \"Mù Cang Chải\")\n\n\
         Một hình nhỏ <img src=\"images/ruong.png\" width=\"24\" alt=\"ruộng\"> trong dòng.\n",
    );
    let tree = &layout.structure;
    let figures = all(&layout, StructRole::Figure);
    assert_eq!(figures.len(), 2, "{:?}", roles(&layout));
    let own = own_items(&layout);
    let alts: Vec<&str> = figures
        .iter()
        .map(|&f| tree.node(f).alt().unwrap_or(""))
        .collect();
    assert_eq!(alts, ["Ruộng bậc thang mùa lúa chín", "ruộng"]);
    for &f in &figures {
        let images = own[&f]
            .iter()
            .filter(|&&(p, i)| matches!(layout.pages[p].items[i].item, Item::Image(_)))
            .count();
        assert_eq!(images, 1, "figure {f:?}");
    }
    // The block figure's caption inside it; the inline one inside its P.
    let caption: Vec<StructRole> = tree
        .node(figures[0])
        .children
        .iter()
        .map(|&c| tree.node(c).role)
        .collect();
    assert_eq!(caption, [StructRole::Caption]);
    let text = tree_text(&layout, true);
    let cap: String = text
        .iter()
        .filter(|(n, _)| *n == tree.node(figures[0]).children[0])
        .map(|(_, t)| t.as_str())
        .collect();
    assert!(cap.contains("Mù Cang Chải"), "{cap}");
    assert_eq!(
        tree.node(tree.node(figures[1]).parent.unwrap()).role,
        StructRole::P
    );
}

#[test]
fn a_link_s_text_and_area_share_its_element() {
    let layout = mixed();
    let tree = &layout.structure;
    let own = own_items(&layout);
    let links = all(&layout, StructRole::Link);
    assert!(links.len() >= 5, "{} links", links.len());
    // Every link area is content of a Link element.
    for page in &layout.pages {
        for it in &page.items {
            if let Item::Link(_) = it.item {
                let Tag::Content(n) = it.tag else {
                    panic!("a link area tagged {:?}", it.tag)
                };
                assert_eq!(tree.node(n).role, StructRole::Link);
            }
        }
    }
    let text = tree_text(&layout, true);
    let mut found = false;
    for &l in &links {
        let items = own.get(&l).map(Vec::as_slice).unwrap_or(&[]);
        let areas = items
            .iter()
            .filter(|&&(p, i)| matches!(layout.pages[p].items[i].item, Item::Link(_)))
            .count();
        let words: String = text
            .iter()
            .filter(|(n, _)| *n == l)
            .map(|(_, t)| t.as_str())
            .collect();
        assert!(areas >= 1, "link {l:?} `{words}` without an area");
        assert!(!words.is_empty(), "link {l:?} without text");
        found |= words.replace(' ', "") == "ditíchquốcgiađặcbiệt";
    }
    assert!(found, "the link to Mù Cang Chải");
}

#[test]
fn lists_code_and_quotes_have_their_elements() {
    let layout = mixed();
    let tree = &layout.structure;
    let kids = |n: NodeId| -> Vec<StructRole> {
        tree.node(n)
            .children
            .iter()
            .map(|&c| tree.node(c).role)
            .collect()
    };
    let text = tree_text(&layout, true);
    let text_of = |n: NodeId| -> String {
        text.iter()
            .filter(|(m, _)| *m == n)
            .map(|(_, t)| t.as_str())
            .collect()
    };
    let items = all(&layout, StructRole::Li);
    assert!(items.len() >= 8, "{} list items", items.len());
    for &li in &items {
        assert_eq!(kids(li), [StructRole::Lbl, StructRole::LBody], "{li:?}");
    }
    let first_label = text_of(tree.node(items[0]).children[0]);
    assert_eq!(first_label, "1.");
    // Nested lists: an L inside an LBody.
    assert!(
        all(&layout, StructRole::L)
            .iter()
            .any(|&l| tree.node(tree.node(l).parent.unwrap()).role == StructRole::LBody)
    );
    let code: Vec<NodeId> = all(&layout, StructRole::Code);
    assert!(
        code.iter().any(|&c| text_of(c) == "mã nội dòng"
            && tree.node(tree.node(c).parent.unwrap()).role == StructRole::P),
        "the inline code span"
    );
    assert!(
        code.iter().any(
            |&c| tree.node(tree.node(c).parent.unwrap()).role != StructRole::P
                && text_of(c).len() > 40
        ),
        "a code block"
    );
    let quotes = all(&layout, StructRole::BlockQuote);
    assert!(
        quotes
            .iter()
            .any(|&q| tree.node(tree.node(q).parent.unwrap()).role == StructRole::BlockQuote),
        "the nested quote"
    );
    // Each element of the source's blocks knows its bytes.
    for &li in &items {
        assert!(tree.node(li).parent.is_some());
    }
    let title = title_block(tree);
    for &p in &all(&layout, StructRole::P) {
        if !in_note(tree, p) && !title.contains(&p) {
            assert!(tree.node(p).source.is_some(), "P {p:?} `{}`", text_of(p));
        }
    }
}

#[test]
fn the_contents_are_a_toc_of_links() {
    let layout = layout_md(
        "---\ntitle: Mục lục\nlang: vi\ntoc: true\n---\n\n# Một\n\nChữ.\n\n## Hai\n\nChữ.\n\n# Ba\n\nChữ.\n",
    );
    let tree = &layout.structure;
    let tocs = all(&layout, StructRole::Toc);
    assert_eq!(tocs.len(), 1, "{:?}", roles(&layout));
    let entries = &tree.node(tocs[0]).children;
    assert_eq!(entries.len(), 3);
    let text = tree_text(&layout, true);
    for (&e, want) in entries.iter().zip(["Một", "Hai", "Ba"]) {
        assert_eq!(tree.node(e).role, StructRole::Toci);
        let link = tree.node(e).children[0];
        assert_eq!(tree.node(link).role, StructRole::Link);
        let words: String = text
            .iter()
            .filter(|(n, _)| *n == link)
            .map(|(_, t)| t.as_str())
            .collect();
        assert!(words.contains(want), "entry `{words}`");
    }
}

/// The order check above can fail: the pages' drawing order, which sets
/// the rows of a tall table line by line across its cells, is not the
/// document's.
#[test]
fn drawing_order_is_not_reading_order() {
    let layout = mixed();
    let source = std::fs::read_to_string(root().join("tests/fixtures/mixed.md")).unwrap();
    let drawn: Vec<(NodeId, String)> = layout
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter(|it| !matches!(it.tag, Tag::Artifact(ArtifactKind::Pagination)))
        .filter(|it| !matches!(it.tag, Tag::Content(n) if in_note(&layout.structure, n)))
        .filter_map(|it| match &it.item {
            Item::Text(r) => Some((StructTree::ROOT, r.text.clone())),
            _ => None,
        })
        .skip_while(|(_, t)| !t.contains("Mở đầu"))
        .collect();
    let checked = std::panic::catch_unwind(|| in_source_order("drawn", &drawn, &source));
    assert!(
        checked.is_err(),
        "the drawing order passed as reading order"
    );
}

/// A book's parts are `Part`s, their titles `H1`, their chapters' headings
/// from `H2`; a chapter outside the parts (the appendix after them) is a
/// section of the document again, from `H1`.
#[test]
fn a_book_s_parts_hold_their_chapters() {
    let layout = layout_file(&root().join("tests/fixtures/book"), 1, Paper::A5);
    let tree = &layout.structure;
    let parts = all(&layout, StructRole::Part);
    assert_eq!(parts.len(), 2, "{:?}", roles(&layout));
    for &p in &parts {
        let kids = &tree.node(p).children;
        assert_eq!(tree.node(kids[0]).role, StructRole::H(1));
        let chapters: Vec<NodeId> = kids[1..]
            .iter()
            .copied()
            .filter(|&c| tree.node(c).role == StructRole::Sect)
            .collect();
        assert!(
            chapters.len() >= 2,
            "part {p:?}: {} chapters",
            chapters.len()
        );
        for c in chapters {
            let first = tree.node(c).children[0];
            assert_eq!(tree.node(first).role, StructRole::H(2), "chapter {c:?}");
        }
    }
    let last = *tree.node(StructTree::ROOT).children.last().unwrap();
    assert_eq!(tree.node(last).role, StructRole::Sect, "the appendix");
    let first = tree.node(last).children[0];
    assert_eq!(tree.node(first).role, StructRole::H(1));
}
