use super::*;
use crate::diag::SourceFile;

fn book(md: &str) -> (Book, Diagnostics) {
    let mut diags = Diagnostics::default();
    let doc = crate::markdown::parse(SourceFile::new("t.md", md), &mut diags);
    (resolve(doc, &mut diags), diags)
}

fn refs(book: &Book) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for b in &book.blocks {
        crate::doc::walk_block_inlines(b, &mut |inl| {
            if let InlineKind::NoteRef { number, nth } = inl.kind {
                out.push((number, nth));
            }
        });
    }
    out
}

#[test]
fn a_note_referenced_three_times_is_one_note_with_three_references() {
    let (b, _) = book(
        "---\ntitle: T\n---\n\nA.[^y] B.[^y]\n\n1. c[^z]\n2. d\n3. e[^y]\n\n[^y]: Y.\n[^z]: Z.\n[^unused]: U.\n",
    );
    assert_eq!(refs(&b), [(1, 1), (1, 2), (2, 1), (1, 3)]);
    assert_eq!(b.notes.len(), 2, "the unused note is not numbered");
    assert_eq!(b.notes[0].ref_ids, ["fnref-1", "fnref-1-2", "fnref-1-3"]);
    assert_eq!(b.notes[1].label, "z");
}

#[test]
fn a_heading_named_like_a_note_id_keeps_the_ids_apart() {
    let (b, _) = book("---\ntitle: T\n---\n\nA.[^a]\n\n# fnref 1\n\nB.\n\n# fn 1\n\n[^a]: Note.\n");
    let ids: Vec<&str> = b.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["fnref-1", "fn-1"]);
    assert_eq!(b.notes[0].id, "fn-1-2");
    assert_eq!(b.notes[0].ref_ids, ["fnref-1-2"]);
    assert_eq!(b.notes[0].chapter, 0, "the note belongs with its reference");
}

#[test]
fn both_slug_styles_resolve_and_missing_targets_become_text() {
    let (b, diags) = book(
        "---\ntitle: T\n---\n\n## A\n\n### Thay đổi\n\n## B\n\n### Thay đổi\n\n\
         [1](#thay-doi) [2](#thay-doi-1) [3](#thay-đổi) [4](#thay-đổi-1) [5](#khong) [6](/x/) [7](<https://example.com/a b>)\n",
    );
    let dump = b.dump();
    for line in [
        "link \"1\" -> #thay-doi\n",
        "link \"2\" -> #thay-doi-1\n",
        "link \"3\" -> #thay-doi\n",
        "link \"4\" -> #thay-doi-1\n",
        "link \"7\" -> https://example.com/a%20b\n",
    ] {
        assert!(dump.contains(line), "{line} in\n{dump}");
    }
    assert!(
        !dump.contains("link \"5\"") && !dump.contains("link \"6\""),
        "{dump}"
    );
    let warnings: Vec<String> = diags.items.iter().map(|d| d.render()).collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
}

#[test]
fn a_link_inside_a_link_is_unwrapped() {
    let (b, _) = book("---\ntitle: T\n---\n\n[![B](https://e.com/b.png)](https://e.com/l)\n");
    let dump = b.dump();
    assert_eq!(dump.matches("link ").count(), 1, "{dump}");
}

#[test]
fn the_heading_tree_keeps_document_order() {
    let (b, _) = book(
        "---\ntitle: Báo cáo\ntoc: true\n---\n\n## Mở đầu\n\nA.\n\n## Kết quả\n\nB.\n\n# Phụ lục\n\n## Bảng\n\nC.\n",
    );
    let tree: Vec<(u8, &str)> = b
        .headings
        .iter()
        .map(|h| (h.depth, h.text.as_str()))
        .collect();
    assert_eq!(
        tree,
        [(0, "Mở đầu"), (0, "Kết quả"), (0, "Phụ lục"), (1, "Bảng")]
    );
    assert_eq!(b.chapters.len(), 1);
    assert_eq!(b.chapters[0].title, "Báo cáo");
    assert_eq!(b.contents().count(), 4);
}

#[test]
fn chapters_split_at_level_one_headings() {
    let (b, _) = book("---\ntitle: T\n---\n\nIntro.\n\n# A\n\nx[^n]\n\n# B\n\ny\n\n[^n]: N.\n");
    let titles: Vec<&str> = b.chapters.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, ["T", "A", "B"]);
    assert_eq!(b.notes[0].chapter, 1);
    assert_eq!(b.href("fn-1", 2), "chapter-02.xhtml#fn-1");
    assert_eq!(b.href("fn-1", 1), "#fn-1");
}
