//! A layout whose glyph runs are held deflated between the builder and the
//! PDF writer (`TypesetOptions::deflate_runs`, module `trang::runstore`: a
//! large document's PDF) gives the same pages, the same EPUB page starts and
//! the same PDF bytes as one whose runs are held whole. The documents here
//! are far below the size at which `trang build` deflates them, so the option
//! is set by hand; between them they hold ligatures, marks drawn apart,
//! letter-spaced lines, formulas, emoji, broken URLs, tables, footnotes,
//! code, a contents, a book's chapter files and two columns.

mod common;

use common::{bundled_fonts, render_file, root};
use trang::cli::Paper;
use trang::frame::Item;
use trang::typeset::TypesetOptions;

const EPOCH: i64 = 1_700_000_000;

fn check(rel: &str, columns: usize) {
    let fonts = bundled_fonts();
    let path = root().join(rel);
    let rendered = render_file(&path, &fonts).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let doc = &rendered.doc;
    let opts = |deflate_runs| TypesetOptions {
        paper: Paper::A5,
        duplex: doc.form == trang::resolve::Form::Book,
        columns,
        line_records: false,
        page_starts: true,
        deflate_runs,
    };
    let (whole, whole_report) = trang::typeset::typeset_with(doc, &fonts, &opts(false), EPOCH);
    let (deflated, deflated_report) = trang::typeset::typeset_with(doc, &fonts, &opts(true), EPOCH);

    // The runs are held apart: every body run is a handle, the store is
    // smaller than the text it holds.
    let frozen = deflated
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter(|it| matches!(it.item, Item::Frozen(_)))
        .count();
    let text: usize = whole
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|it| match &it.item {
            Item::Text(run) => Some(run.text.len()),
            _ => None,
        })
        .sum();
    assert!(frozen > 0, "{rel}: no run frozen");
    assert!(
        whole.runs.is_empty(),
        "{rel}: a layout set whole holds no store"
    );
    assert!(
        deflated.runs.held() > 0 && deflated.runs.held() < 8 * text,
        "{rel}: store {} bytes for {text} bytes of text",
        deflated.runs.held()
    );

    // The same page starts for the EPUB (letters counted when frozen).
    assert_eq!(
        whole_report.page_starts, deflated_report.page_starts,
        "{rel}: page starts"
    );

    // The same pages once thawed: every item, position and run.
    let mut thawed = deflated.clone();
    trang::runstore::thaw_pages(&mut thawed.pages, &thawed.runs).expect("the runs read back");
    assert_eq!(whole.pages.len(), thawed.pages.len(), "{rel}: pages");
    for (p, (a, b)) in whole.pages.iter().zip(&thawed.pages).enumerate() {
        assert_eq!(a, b, "{rel}: page {p} differs once thawed");
    }

    // The same bytes: the borrowed writer and the owned one (which frees
    // each page's runs as it is drawn and the store after the last).
    let bytes = trang::pdf::write_pdf(&whole).unwrap();
    assert_eq!(
        trang::pdf::write_pdf(&deflated).unwrap(),
        bytes,
        "{rel}: write_pdf"
    );
    assert_eq!(
        trang::pdf::write_pdf_owned(deflated).unwrap(),
        bytes,
        "{rel}: write_pdf_owned"
    );
}

#[test]
fn a_mixed_document_prints_the_same_from_deflated_runs() {
    check("tests/fixtures/mixed.md", 1);
}

#[test]
fn constructs_and_two_columns_print_the_same_from_deflated_runs() {
    check("tests/fixtures/constructs.md", 1);
    check("tests/fixtures/constructs.md", 2);
}

#[test]
fn formulas_emoji_and_long_urls_print_the_same_from_deflated_runs() {
    check("tests/fixtures/math/handout.md", 1);
    check("tests/fixtures/real-docs/emoji.md", 1);
    check("tests/fixtures/typography/table-long-url.md", 1);
    check("tests/fixtures/cases/footnote-in-table.md", 1);
}

#[test]
fn a_book_folder_prints_the_same_from_deflated_runs() {
    check("tests/fixtures/book", 1);
}
