//! Tagged PDF (issue 17): the writer turns the layout's structure tree and
//! item tags into the PDF's logical structure (ISO 32000-1 §14.7–14.8).
//! Layouts are built by hand here, with their tags; the PDF is read back by
//! the structure reader of `tests/common/structure.rs` and by poppler
//! (`pdfinfo -struct-text`).

mod common;

#[path = "../examples/common/book.rs"]
#[allow(dead_code)]
mod book;

use common::runs::{face, shape};
use common::structure::{self, Structure};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use trang::frame::*;
use trang::pdf::write_pdf;

fn at(x: f32, y: f32, item: Item, tag: Tag) -> Positioned {
    Positioned {
        pos: Point { x, y },
        item,
        tag,
    }
}

/// A page of items, set by [`Sample::text`] and friends.
struct Sample {
    layout: Layout,
    page: Vec<Positioned>,
}

const HEAD: Tag = Tag::Artifact(ArtifactKind::Pagination);
const RULE: Tag = Tag::Artifact(ArtifactKind::Layout);

impl Sample {
    fn node(&mut self, parent: NodeId, role: StructRole) -> NodeId {
        self.layout.structure.add(parent, role)
    }

    /// Sets `text` at (`x`, `y`) as content of `node` (or an artifact) and
    /// returns where it ends.
    fn text(&mut self, font: usize, text: &str, x: f32, y: f32, tag: Tag) -> f32 {
        let run = shape(&self.layout, font, text, 11.0, 0.0);
        let end = x + run.width();
        self.page.push(at(x, y, Item::text(run), tag));
        end
    }

    fn line(&mut self, x: f32, y: f32, width: f32) {
        let line = Line {
            to: Point { x: width, y: 0.0 },
            thickness: 0.5,
            color: Rgb(0.4, 0.4, 0.4),
        };
        self.page.push(at(x, y, Item::Line(line), RULE));
    }

    fn end_page(&mut self) {
        let items = std::mem::take(&mut self.page);
        self.layout.pages.push(Page {
            width: 420.0,
            height: 595.0,
            items,
        });
    }
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(8, 6, |x, y| {
        image::Rgb([(x * 30) as u8, (y * 40) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

const ALT: &str = "Biểu đồ cột màu xanh";

/// The tree's text of [`sample`]: blocks and lines on lines of their own.
const TEXT: &str = "Mở đầu
Đây là đoạn đầu, có một liên kết ở giữa.
Dòng hai có dấu q\u{323} ghép.
Hình 1. Biểu đồ.
Tên
Tuổi
An
30
•
Mục một
Như câu Hello world trong ngoặc.
Đoạn này sang
trang hai rồi hết.¹
¹ Ghi chú cuối trang.";

/// Two pages with a heading, a paragraph with a link and a mark placed by
/// GPOS, a figure with its caption, a table, a list, an English span, a
/// paragraph that runs onto page two and a footnote drawn before the text
/// it follows in the tree; running heads, folios and rules are artifacts.
fn sample() -> Layout {
    let mut s = Sample {
        layout: Layout {
            fonts: vec![
                face(
                    "source-serif-4/SourceSerif4-Regular.ttf",
                    "SourceSerif4-Regular",
                ),
                face(
                    "be-vietnam-pro/BeVietnamPro_700Bold.ttf",
                    "BeVietnamPro-Bold",
                ),
            ],
            info: DocInfo {
                title: "Thử cấu trúc".into(),
                lang: "vi".into(),
                producer: "trang test".into(),
                ..DocInfo::default()
            },
            ..Layout::default()
        },
        page: Vec::new(),
    };
    let root = StructTree::ROOT;
    let sect = s.node(root, StructRole::Sect);
    s.text(0, "Thử cấu trúc", 50.0, 30.0, HEAD);
    let h1 = s.node(sect, StructRole::H(1));
    s.text(1, "Mở đầu", 50.0, 80.0, Tag::Content(h1));

    let p = s.node(sect, StructRole::P);
    let link = s.node(p, StructRole::Link);
    let x = s.text(0, "Đây là đoạn đầu, có ", 50.0, 110.0, Tag::Content(p));
    let end = s.text(0, "một liên kết", x, 110.0, Tag::Content(link));
    let area = LinkArea {
        width: end - x,
        height: 13.0,
        target: LinkTarget::Uri("https://example.org/".into()),
    };
    s.page
        .push(at(x, 100.0, Item::link(area), Tag::Content(link)));
    s.text(0, " ở giữa.", end, 110.0, Tag::Content(p));
    s.text(
        0,
        "Dòng hai có dấu q\u{323} ghép.",
        50.0,
        124.0,
        Tag::Content(p),
    );

    let figure = s.node(sect, StructRole::Figure);
    s.layout.structure.node_mut(figure).texts_mut().alt = Some(ALT.into());
    let image = Image {
        data: Arc::new(png()),
        format: ImageFormat::Png,
        pixel_size: (8, 6),
        width: 80.0,
        height: 60.0,
    };
    s.page
        .push(at(50.0, 135.0, Item::image(image), Tag::Content(figure)));
    let caption = s.node(figure, StructRole::Caption);
    s.text(0, "Hình 1. Biểu đồ.", 50.0, 210.0, Tag::Content(caption));

    let table = s.node(sect, StructRole::Table);
    let head = s.node(table, StructRole::THead);
    let body = s.node(table, StructRole::TBody);
    for (group, cells, y) in [(head, ["Tên", "Tuổi"], 240.0), (body, ["An", "30"], 256.0)] {
        let tr = s.node(group, StructRole::Tr);
        for (i, cell) in cells.into_iter().enumerate() {
            let role = if group == head {
                StructRole::Th(Scope::Column)
            } else {
                StructRole::Td
            };
            let node = s.node(tr, role);
            s.text(
                usize::from(group == head),
                cell,
                50.0 + 100.0 * i as f32,
                y,
                Tag::Content(node),
            );
        }
        s.line(50.0, y + 4.0, 200.0);
    }

    let list = s.node(sect, StructRole::L);
    let item = s.node(list, StructRole::Li);
    let lbl = s.node(item, StructRole::Lbl);
    let lbody = s.node(item, StructRole::LBody);
    s.text(0, "•", 50.0, 290.0, Tag::Content(lbl));
    s.text(0, "Mục một", 62.0, 290.0, Tag::Content(lbody));

    let quote = s.node(sect, StructRole::P);
    let span = s.node(quote, StructRole::Span);
    s.layout.structure.node_mut(span).texts_mut().lang = Some("en".into());
    let x = s.text(0, "Như câu ", 50.0, 320.0, Tag::Content(quote));
    let x = s.text(0, "Hello world", x, 320.0, Tag::Content(span));
    s.text(0, " trong ngoặc.", x, 320.0, Tag::Content(quote));

    // An element with no content is left out of the PDF.
    s.node(sect, StructRole::Sect);

    let long = s.node(sect, StructRole::P);
    s.text(0, "Đoạn này sang", 50.0, 540.0, Tag::Content(long));
    s.text(0, "1", 200.0, 570.0, HEAD);
    s.end_page();

    // Page two draws the note and the folio before the text.
    let note = s.node(sect, StructRole::Note);
    s.text(0, "¹ Ghi chú cuối trang.", 50.0, 520.0, Tag::Content(note));
    s.text(0, "2", 200.0, 570.0, HEAD);
    s.text(0, "Thử cấu trúc", 50.0, 30.0, HEAD);
    let x = s.text(0, "trang hai rồi hết.", 50.0, 80.0, Tag::Content(long));
    let reference = s.node(long, StructRole::Reference);
    s.text(0, "¹", x, 76.0, Tag::Content(reference));
    s.end_page();
    s.layout
}

fn write(layout: &Layout, name: &str) -> (Vec<u8>, PathBuf) {
    let bytes = write_pdf(layout).expect("write_pdf");
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, &bytes).unwrap();
    (bytes, path)
}

fn assert_clean(s: &Structure) {
    assert!(s.problems.is_empty(), "{:#?}", s.problems);
    assert!(s.marked, "no /MarkInfo <</Marked true>>");
}

#[test]
fn structure_tree_reads_in_order_with_its_attributes() {
    let (bytes, _) = write(&sample(), "tags.pdf");
    let s = structure::read(&bytes);
    assert_clean(&s);
    assert_eq!(s.text, TEXT);
    // The reader adds no space where a line ends: the sample's lines hold
    // none (the typesetter's do), nor does the tree's content text.
    assert!(s.content.contains("sangtrang hai"), "{}", s.content);
    assert_eq!(
        s.outline(),
        "Document
  Sect
    H1
    P
      Link
    Figure
      Caption
    Table
      THead
        TR
          TH
          TH
      TBody
        TR
          TD
          TD
    L
      LI
        Lbl
        LBody
    P
      Span
    P
      Reference
    Note
"
    );
    assert_eq!(s.of("Figure")[0].alt.as_deref(), Some(ALT));
    assert!(
        s.of("TH")
            .iter()
            .all(|th| th.scope.as_deref() == Some("Column"))
    );
    assert_eq!(s.of("Span")[0].lang.as_deref(), Some("en"));
    assert_eq!(s.of("Note")[0].id.as_deref(), Some("note-1"));
    // The link's annotation is in the tree, next to its text.
    assert_eq!(s.of("Link")[0].objrs, 1);
    assert_eq!(s.untagged_annots, 0);
    // The paragraph across the page break has content on both pages.
    let long = s.of("P")[2];
    assert_eq!(long.mcids, [(0, long.mcids[0].1), (1, 1)], "{long:?}");
    // Marked-content ids are counted per page.
    assert_eq!(s.page_mcids[1], [0, 1, 2]);
    // Running heads and folios are artifacts, never in the tree.
    assert_eq!(s.artifact_text, ["Thử cấu trúc1", "2Thử cấu trúc"]);
}

#[test]
fn same_layout_same_bytes_and_qpdf_is_content() {
    let (a, path) = write(&sample(), "tags-a.pdf");
    let (b, _) = write(&sample(), "tags-b.pdf");
    assert!(a == b, "two writes of one layout differ");
    let out = std::process::Command::new("qpdf")
        .args(["--check", path.to_str().unwrap()])
        .output()
        .expect("qpdf: install the test tools with `bash .ci/test-deps`");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && !report.contains("WARNING"),
        "{report}"
    );
}

/// poppler reads the same tree: every element's text, in order.
#[test]
fn poppler_reads_the_tree() {
    let (_, path) = write(&sample(), "tags-poppler.pdf");
    let out = common::tool("pdfinfo", &["-struct-text", path.to_str().unwrap()]);
    // poppler 22.12 reads a sequence's glyphs in drawing order and leaves
    // its /ActualText out (`-struct-text` only; pdftotext takes it): the
    // mark drawn before its base is compared without marks.
    let unmarked = |s: &str| -> String {
        s.chars()
            .filter(|c| !('\u{300}'..='\u{36F}').contains(c))
            .collect()
    };
    // The quoted text of every element, in order, against the tree's text
    // (poppler puts no space between lines: compared without white space).
    let quoted: String = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"')?.strip_suffix('"'))
        .collect();
    let bare = |s: &str| -> String { unmarked(s).split_whitespace().collect() };
    assert_eq!(bare(&quoted), bare(TEXT), "pdfinfo -struct-text:\n{out}");
    for role in ["Figure", "Table", "TH:", "Link", "Note"] {
        let found = out.lines().any(|l| l.trim_start().starts_with(role));
        assert!(found, "no {role} in:\n{out}");
    }
    assert!(out.contains("/Scope /Column"), "{out}");
    assert!(
        !out.contains("Thử cấu trúc"),
        "a running head read as content:\n{out}"
    );
}

/// Each check of the reader finds what it checks for.
#[test]
fn the_reader_finds_what_breaks_the_rules() {
    let (bytes, _) = write(&sample(), "tags-broken.pdf");
    let edit = |f: &dyn Fn(&mut lopdf::Document)| {
        let mut doc = lopdf::Document::load_mem(&bytes).unwrap();
        f(&mut doc);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        structure::read(&out).problems.join("\n")
    };
    let first_page = |doc: &lopdf::Document| *doc.get_pages().get(&1).unwrap();
    let elem_of = |doc: &mut lopdf::Document, role: &[u8]| {
        doc.objects
            .iter()
            .find(|(_, o)| {
                o.as_dict()
                    .is_ok_and(|d| d.get(b"S").and_then(lopdf::Object::as_name).ok() == Some(role))
            })
            .map(|(&id, _)| id)
            .unwrap()
    };
    // Text drawn outside any marked content.
    let untagged = edit(&|doc| {
        let page = first_page(doc);
        let mut content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
        let first = content
            .operations
            .iter()
            .position(|o| o.operator == "BDC")
            .unwrap();
        content.operations.remove(first);
        let emc = content
            .operations
            .iter()
            .position(|o| o.operator == "EMC")
            .unwrap();
        content.operations.remove(emc);
        doc.change_page_content(page, content.encode().unwrap())
            .unwrap();
    });
    assert!(untagged.contains("inside 0 tagged sequences"), "{untagged}");
    // A marked-content id missing from the parent tree.
    let orphan = edit(&|doc| {
        let root = doc
            .catalog()
            .unwrap()
            .get(b"StructTreeRoot")
            .unwrap()
            .as_reference()
            .unwrap();
        let tree = doc
            .get_dictionary(root)
            .unwrap()
            .get(b"ParentTree")
            .unwrap()
            .as_reference()
            .unwrap();
        let nums = doc
            .get_dictionary_mut(tree)
            .unwrap()
            .get_mut(b"Nums")
            .unwrap();
        nums.as_array_mut().unwrap()[1]
            .as_array_mut()
            .unwrap()
            .pop();
    });
    assert!(orphan.contains("is not in the parent tree"), "{orphan}");
    // An MCID claimed by two elements.
    let twice = edit(&|doc| {
        let note = elem_of(doc, b"Note");
        let page = first_page(doc);
        let mcr = lopdf::Dictionary::from_iter([
            ("Type", lopdf::Object::Name(b"MCR".to_vec())),
            ("Pg", lopdf::Object::Reference(page)),
            ("MCID", lopdf::Object::Integer(0)),
        ]);
        let d = doc.get_dictionary_mut(note).unwrap();
        let k = d.get(b"K").unwrap().clone();
        d.set(
            "K",
            lopdf::Object::Array(vec![k, lopdf::Object::Dictionary(mcr)]),
        );
    });
    assert!(twice.contains("claimed by 2 elements"), "{twice}");
    // A figure without its description, a table without header cells.
    let bare = edit(&|doc| {
        let figure = elem_of(doc, b"Figure");
        doc.get_dictionary_mut(figure).unwrap().remove(b"Alt");
        for _ in 0..2 {
            let th = elem_of(doc, b"TH");
            doc.get_dictionary_mut(th)
                .unwrap()
                .set("S", lopdf::Object::Name(b"TD".to_vec()));
        }
    });
    assert!(bare.contains("Figure without /Alt"), "{bare}");
    // A note without its identifier (PDF/UA-1 7.9).
    let anonymous = edit(&|doc| {
        let note = elem_of(doc, b"Note");
        doc.get_dictionary_mut(note).unwrap().remove(b"ID");
    });
    assert!(anonymous.contains("Note without /ID"), "{anonymous}");
    assert!(bare.contains("Table without TH"), "{bare}");
}

/// A booklet puts two pages on a sheet side: marked-content ids are
/// counted per sheet side and the tree reads as the pages did.
#[test]
fn booklet_sheets_keep_the_tree() {
    let theme = trang::theme::Theme::default();
    let how = trang::impose::Imposition::default();
    let sheets = trang::impose::impose(sample(), (842.0, 595.0), &how, &theme.booklet);
    let (bytes, _) = write(&sheets, "tags-booklet.pdf");
    let s = structure::read(&bytes);
    assert_clean(&s);
    assert_eq!(s.text, TEXT);
    assert!(
        s.page_mcids
            .iter()
            .all(|ids| ids.iter().copied().eq(0..ids.len() as i64))
    );
}

/// A tree that is not a tree, or an item tagged with a missing element, is
/// refused with what is wrong.
#[test]
fn broken_trees_are_refused() {
    let mut missing = sample();
    missing.pages[0].items[1].tag = Tag::Content(NodeId(999));
    let err = write_pdf(&missing).unwrap_err().to_string();
    assert!(err.contains("page 1") && err.contains("#999"), "{err}");
    let mut twice = sample();
    let h1 = twice.structure.nodes[1].children[0];
    twice.structure.nodes[0].children.push(h1);
    let err = write_pdf(&twice).unwrap_err().to_string();
    assert!(err.contains("child"), "{err}");
}

/// The article through the whole program: whatever the typesetter tags,
/// every piece of every page is tagged or an artifact, every MCID is in the
/// parent tree once, poppler reads the tree.
#[test]
fn article_is_fully_marked() {
    let dir = tempfile::tempdir().unwrap();
    common::build_ok(&common::root().join("source/article.md"), dir.path(), &[]);
    let pdf = dir.path().join("article.pdf");
    let s = structure::read(&std::fs::read(&pdf).unwrap());
    assert_clean(&s);
    common::tool("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]);
    assert!(Path::new(&pdf).exists());
}

/// The cross-reference stream, an entry per object of the structure tree,
/// is compressed (lopdf writes it raw), and readers still find every object.
#[test]
fn cross_reference_stream_is_compressed() {
    let (bytes, path) = write(&sample(), "tags-xref.pdf");
    let at = bytes.windows(10).rposition(|w| w == b"/Type/XRef").unwrap();
    let dict = String::from_utf8_lossy(
        &bytes[bytes[..at].iter().rposition(|&b| b == b'<').unwrap()..at + 200],
    );
    assert!(
        dict.contains("/Filter/FlateDecode/DecodeParms<</Columns 7/Predictor 12>>"),
        "{dict}"
    );
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert!(doc.objects.len() > 30);
    let check = common::tool("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(!check.contains("WARNING"), "{check}");
}

/// Where two texts (as words) first differ: the word with 10 words of
/// context either side in each, the word in brackets.
fn word_difference(pdf: &str, epub: &str) -> Option<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (pdf.split(' ').collect(), epub.split(' ').collect());
    let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if at == a.len() && at == b.len() {
        return None;
    }
    let context = |w: &[&str]| {
        let from = at.saturating_sub(10);
        let to = (at + 11).min(w.len());
        let mut out: Vec<String> = w[from..at.min(to)].iter().map(|s| s.to_string()).collect();
        out.push(format!("[{}]", w.get(at).copied().unwrap_or("(end)")));
        if at < to {
            out.extend(w[at + 1..to].iter().map(|s| s.to_string()));
        }
        out.join(" ")
    };
    Some(format!(
        "word {at}:\n     PDF tree: …{}…\n         EPUB: …{}…",
        context(&a),
        context(&b)
    ))
}

/// The PDF's structure tree and the EPUB's content documents of `input`,
/// built in one run, hold the same text, white space runs folded to one
/// space and nothing else changed: what a screen reader reads from the
/// tree, with the words of two lines apart only where the PDF's content
/// holds a space, equals the e-book's text (ISO 32000-1 §14.8.2.5).
///
/// Like is compared with like: the EPUB's navigation document is not in its
/// spine's text (`common::epub_text` leaves it out); the documents compared
/// have no contents page in the PDF (a `TOC` with page numbers, which the
/// e-book has no use for: refused here rather than compared); an article's
/// title block is compared with the EPUB's title block, which holds the
/// same lines. The footnotes are compared apart: the PDF reads a
/// note after the block that calls it, the EPUB gathers them at the end of
/// its chapter. List markers are in both (`Lbl` in the PDF; the stylesheet's
/// markers, as `common::epub_text` renders them).
fn assert_tree_reads_as_the_epub(input: &Path, stem: &str, args: &[&str]) -> Structure {
    let dir = tempfile::tempdir().unwrap();
    common::build_ok(input, dir.path(), args);
    let pdf = std::fs::read(dir.path().join(format!("{stem}.pdf"))).unwrap();
    let epub = std::fs::read(dir.path().join(format!("{stem}.epub"))).unwrap();
    let s = structure::read(&pdf);
    assert_clean(&s);
    assert!(
        s.of("TOC").is_empty(),
        "{stem}: a contents page, not compared"
    );
    let body = s.content.clone();
    let (epub_body, epub_notes) = common::epub_text(&epub);
    // An author's soft hyphen (U+00AD) is a break opportunity, no text: the
    // EPUB keeps it for the reading system's lines, the PDF has broken
    // there or not (the hyphen drawn at the break is an artifact).
    let unsoft = |s: &str| common::fold(&s.replace('\u{AD}', ""));
    assert!(
        unsoft(&body).split(' ').count() > 20,
        "{stem}: the tree holds too little text to compare:\n{body}"
    );
    let mut found = Vec::new();
    for (what, tree, book) in [
        ("body", body, epub_body),
        ("notes", s.notes.clone(), epub_notes),
    ] {
        if let Some(d) = word_difference(&unsoft(&tree), &unsoft(&book)) {
            found.push(format!("{stem} {what}: {d}"));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    s
}

/// English set on A5 breaks long words with a hyphen (Liang's patterns and
/// an author's soft hyphen) and a line with a hard break: the hyphens are
/// drawn as artifacts, the words read whole, the hard break reads as a
/// space.
#[test]
fn hyphenated_words_read_whole_in_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("hyphens.md");
    std::fs::write(
        &md,
        "---\ntitle: Hyphenation\nlang: en\n---\n\n# Incidental hyphens\n\n\
         Characteristically, internationalization requirements notwithstanding, \
         extraordinarily incomprehensible administrative responsibilities overwhelmed \
         representatives, who nevertheless demonstrated considerable determination, \
         understanding, and professionalism throughout; the counter\u{AD}revolutionary \
         establishment's unquestionably disproportionate bureaucratization \
         notwithstanding, institutionalization proceeded uninterruptedly, \
         electroencephalographically monitored, and compartmentalization intensified.\n\n\
         Line one with a hard break\\\nline two after it.\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    common::build_ok(&md, out.path(), &["--paper", "a5"]);
    let pdf = out.path().join("hyphens.pdf");
    // pdftotext still sees the hyphenated lines (and joins their words).
    let plain = common::tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(plain.contains("notwithstanding,"), "{plain}");
    let s = assert_tree_reads_as_the_epub(&md, "hyphens", &["--paper", "a5"]);
    let hyphens = s.artifact_text.concat().matches('-').count();
    assert!(
        hyphens >= 2,
        "no hyphen drawn at a break: {:?}",
        s.artifact_text
    );
    assert!(s.content.contains("hard break line two"), "{}", s.content);
    // poppler reads the words whole too (a marked-content sequence a
    // quoted line: the hyphen's artifact ends one).
    let poppler = common::tool("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]);
    let read: String = poppler
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"')?.strip_suffix('"'))
        .collect();
    for word in ["notwithstanding, extra", "bureaucratization notwith"] {
        assert!(read.contains(word), "{word:?} in:\n{poppler}");
    }
}

/// The acceptance test of issue 17: tree text = EPUB text, for the article.
#[test]
fn the_article_s_tree_reads_as_its_epub() {
    assert_tree_reads_as_the_epub(&common::root().join("source/article.md"), "article", &[]);
}

/// … for `tests/fixtures/mixed.md` (lists, tables, code, notes, links).
#[test]
fn mixed_s_tree_reads_as_its_epub() {
    assert_tree_reads_as_the_epub(
        &common::root().join("tests/fixtures/mixed.md"),
        "mixed",
        &[],
    );
}

/// … for the generated book (`genbook --chapters 60 --seed 1`, 326 pages:
/// 60 chapters of sections, lists, tables, block quotes, 63 notes).
#[test]
fn the_book_s_tree_reads_as_its_epub() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("book.md");
    std::fs::write(&md, book::book(60, 1, false)).unwrap();
    assert_tree_reads_as_the_epub(&md, "book", &[]);
}
