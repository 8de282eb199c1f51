//! The EPUB's page list matches the PDF built in the same run (issue 17,
//! item 4): a `pagebreak` marker where each PDF page begins, a `page-list`
//! nav listing every page, and the `pageBreakSource` metadata (EPUB 3.3
//! §7.4.2.3 and §D.4.1, EPUB Accessibility 1.1 §5.3, DPUB-ARIA 1.1).
//!
//! Page by page, the words right after the marker in the EPUB are the
//! words poppler reads first on the PDF page (`pdftotext -bbox`, in its own
//! reading order: column by column), below the running head and above the
//! folio (the page's text block, as the page setup places it).

mod common;

use std::path::{Path, PathBuf};

use common::{build_ok, decode_entities, epub_files, epubcheck_silent, root};
use trang::cli::Paper;
use trang::diag::Diagnostics;

/// How many letters and digits of each page's beginning are compared at
/// least.
const COMPARED: usize = 5;

/// Builds `input` to EPUB + PDF with `args`; returns the EPUB and PDF paths.
fn build_both(input: &Path, dir: &Path, args: &[&str]) -> (PathBuf, PathBuf) {
    let mut all = vec!["--format", "all"];
    all.extend(args);
    build_ok(input, dir, &all);
    let stem = input.file_stem().unwrap().to_str().unwrap();
    (
        dir.join(format!("{stem}.epub")),
        dir.join(format!("{stem}.pdf")),
    )
}

/// The nav's page list: (href, label) in order; empty without one.
fn page_list(nav: &str) -> Vec<(String, String)> {
    let Some(at) = nav.find("epub:type=\"page-list\"") else {
        return Vec::new();
    };
    let list = &nav[at..nav[at..].find("</nav>").unwrap() + at];
    list.split("<a href=\"")
        .skip(1)
        .map(|s| {
            let href = &s[..s.find('"').unwrap()];
            let label = &s[s.find('>').unwrap() + 1..s.find("</a>").unwrap()];
            (href.to_string(), decode_entities(label))
        })
        .collect()
}

/// The text of `xhtml` from the element with id `id` on, tags dropped.
fn text_after(xhtml: &str, id: &str) -> String {
    let at = xhtml
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element with id {id}"));
    let rest = &xhtml[at..];
    let rest = &rest[rest.find('>').unwrap() + 1..];
    decode_entities(&common::strip_tags(rest))
}

/// Whether the marker `id` is directly followed by another marker: its page
/// has no body text of its own.
fn shares_place(xhtml: &str, id: &str) -> bool {
    let at = xhtml.find(&format!("id=\"{id}\"")).unwrap();
    let rest = &xhtml[at..];
    let rest = &rest[rest.find("</span>").unwrap() + "</span>".len()..];
    rest.starts_with("<span epub:type=\"pagebreak\"")
}

/// The first `n` letters and digits of `s` (NFC).
fn letters(s: &str, n: usize) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().filter(|c| c.is_alphanumeric()).take(n).collect()
}

/// The first `n` words of `s`.
fn first_words(s: &str, n: usize) -> String {
    s.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

/// Each PDF page's first line and its text, in pdftotext's reading order
/// (the running head above the text block and the folio below it left
/// out). A line is a run of words at one height (in two columns, one
/// column's: poppler reads column by column). Lines that open a page and
/// were read on the page before are a table's repeated header row (a
/// pagination artifact; the EPUB's table has its header once): left out.
fn pdf_page_texts(pdf: &Path, input: &Path, paper: Paper, columns: usize) -> Vec<(String, String)> {
    let mut diags = Diagnostics::default();
    let p = trang::prepare(input, None, &mut diags).unwrap_or_else(|| panic!("{diags:?}"));
    let setup =
        trang::typeset::setup::PageSetup::themed(paper, false, columns, &p.fonts, &p.doc.theme);
    let pages = common::pdf_info(pdf).0;
    // Per page, its lines: (top, text).
    let mut lines: Vec<Vec<(f32, String)>> = vec![Vec::new(); pages];
    for w in common::words(pdf) {
        if w.y1 > setup.top && w.y0 < setup.top + setup.body_height {
            let page = &mut lines[w.page];
            match page.last_mut() {
                Some((y, text)) if (w.y0 - *y).abs() < 1.0 => {
                    text.push(' ');
                    text.push_str(&w.text);
                }
                _ => page.push((w.y0, w.text.clone())),
            }
        }
    }
    let mut before: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for page in lines {
        let texts: Vec<String> = page.into_iter().map(|(_, t)| t).collect();
        let skip = texts.iter().take_while(|t| before.contains(*t)).count();
        let first = texts.get(skip).cloned().unwrap_or_default();
        out.push((first, texts[skip..].join(" ")));
        before = texts;
    }
    out
}

/// One row of the page-by-page check: page number, its label, the PDF's
/// first words, the EPUB's words after the marker.
struct Row {
    page: usize,
    label: String,
    pdf: String,
    epub: String,
}

/// Builds `input` with `args` and compares every page's first words.
fn check(
    input: &Path,
    paper: Paper,
    columns: usize,
    extra: &[&str],
) -> (Vec<Row>, PathBuf, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let cols = columns.to_string();
    let paper_name = format!("{paper:?}").to_lowercase();
    let mut args = vec!["--paper", paper_name.as_str(), "--columns", cols.as_str()];
    args.extend(extra);
    let (epub, pdf) = build_both(input, &dir, &args);
    let files = epub_files(&std::fs::read(&epub).unwrap());
    let nav = &files["OEBPS/nav.xhtml"];
    let list = page_list(nav);
    let pages = pdf_page_texts(&pdf, input, paper, columns);
    assert_eq!(
        list.len(),
        pages.len(),
        "{}: one page-list entry per PDF page:\n{list:?}",
        input.display()
    );
    let mut rows = Vec::new();
    for (i, ((href, label), (line, pdf_text))) in list.iter().zip(&pages).enumerate() {
        let (file, id) = href.split_once('#').unwrap();
        let xhtml = &files[&format!("OEBPS/{file}")];
        let after = text_after(xhtml, id);
        rows.push(Row {
            page: i + 1,
            label: label.clone(),
            pdf: first_words(pdf_text, 6),
            epub: first_words(&after, 6),
        });
        // A book's front matter (marked at the cover and the top of the
        // title page) and its pages without body text (blank versos, part
        // pages: marked where the next page begins) are checked apart.
        if !file.starts_with("chapter-") || shares_place(xhtml, id) {
            continue;
        }
        // The page's first line, whole (a figure floated to the top of a
        // page is followed in the EPUB by the text it stood in, which the
        // PDF set on the page before), and at least a few words.
        // The punctuation that ends the line before stays before the marker.
        assert!(
            !after
                .trim_start()
                .starts_with([',', '.', ';', ':', ')', '»', '”']),
            "{} page {} ({label}) begins with the punctuation ending page {}: {}",
            input.display(),
            i + 1,
            i,
            first_words(&after, 6)
        );
        let n = letters(line, usize::MAX).chars().count().max(COMPARED);
        assert_eq!(
            letters(&after, n),
            letters(pdf_text, n),
            "{} page {} ({label}): the EPUB's marker is not where the PDF page begins\n  PDF:  {}\n  EPUB: {}",
            input.display(),
            i + 1,
            first_words(pdf_text, 12),
            first_words(&after, 12)
        );
    }
    (rows, epub, tmp)
}

fn print(name: &str, rows: &[Row]) {
    eprintln!("{name}: page | label | PDF's first words | EPUB's words after the marker");
    for r in rows {
        eprintln!("  {:>3} | {:>4} | {} | {}", r.page, r.label, r.pdf, r.epub);
    }
}

#[test]
fn the_article_marks_each_pdf_page_where_it_begins() {
    let input = root().join("source/article.md");
    let (rows, epub, _dir) = check(&input, Paper::A5, 1, &[]);
    print("article, A5", &rows);
    assert!(rows.len() >= 2, "the article fills more than one A5 page");
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let expected: Vec<String> = (1..=rows.len()).map(|n| n.to_string()).collect();
    assert_eq!(labels, expected, "an article's pages are labelled 1, 2, 3…");
    // The first page begins with the title block: its marker heads the title page.
    let files = epub_files(&std::fs::read(&epub).unwrap());
    assert!(
        files["OEBPS/title.xhtml"].contains("id=\"page-1\""),
        "page 1 (the title block) is marked on the title page"
    );
    let opf = &files["OEBPS/content.opf"];
    for meta in [
        "<meta property=\"pageBreakSource\">article.pdf (A5, ",
        "<meta property=\"schema:accessibilityFeature\">pageNavigation</meta>",
        "<meta property=\"schema:accessibilityFeature\">printPageNumbers</meta>",
    ] {
        assert!(
            opf.contains(meta),
            "{meta} missing from the package:\n{opf}"
        );
    }
    let nav = &files["OEBPS/nav.xhtml"];
    assert!(
        nav.contains("<nav epub:type=\"page-list\" role=\"doc-pagelist\"")
            && nav.contains("hidden=\"hidden\""),
        "{nav}"
    );
    epubcheck_silent(&[epub]);
}

#[test]
fn mixed_content_pages_begin_on_the_same_words() {
    let input = root().join("tests/fixtures/mixed.md");
    let (rows, epub, _dir) = check(&input, Paper::A5, 1, &[]);
    print("mixed.md, A5", &rows);
    assert!(rows.len() >= 4, "mixed.md fills several A5 pages");
    epubcheck_silent(&[epub]);
}

#[test]
fn two_columns_pages_begin_with_the_first_columns_first_words() {
    let input = root().join("tests/fixtures/mixed.md");
    let (rows, epub, _dir) = check(&input, Paper::A5, 2, &[]);
    print("mixed.md, A5, two columns", &rows);
    assert!(rows.len() >= 2);
    epubcheck_silent(&[epub]);
}

#[test]
fn an_epub_built_alone_has_no_page_list() {
    let input = root().join("source/article.md");
    let dir = tempfile::tempdir().unwrap();
    build_ok(&input, dir.path(), &["--format", "epub", "--paper", "a5"]);
    let files = epub_files(&std::fs::read(dir.path().join("article.epub")).unwrap());
    assert!(page_list(&files["OEBPS/nav.xhtml"]).is_empty());
    assert!(!files["OEBPS/nav.xhtml"].contains("page-list"));
    assert!(!files["OEBPS/content.opf"].contains("pageBreakSource"));
    assert!(!files["OEBPS/content.opf"].contains("pageNavigation"));
    for (name, text) in &files {
        assert!(!text.contains("doc-pagebreak"), "{name} has a page marker");
    }
}

#[test]
fn the_paged_epub_is_reproducible() {
    let input = root().join("tests/fixtures/mixed.md");
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (ea, _) = build_both(&input, a.path(), &["--paper", "a5"]);
    let (eb, _) = build_both(&input, b.path(), &["--paper", "a5"]);
    let (ea, eb) = (std::fs::read(ea).unwrap(), std::fs::read(eb).unwrap());
    assert!(
        epub_files(&ea)["OEBPS/nav.xhtml"].contains("page-list"),
        "built with its PDF, the EPUB has a page list"
    );
    assert!(ea == eb, "two builds of the same input differ");
}

/// Built beside its PDF, the EPUB's fonts are made while the PDF's pages
/// are set, from its documents written once without the page markers
/// (`epub::prepare_fonts`). The EPUB must be the one written in one pass
/// once the page breaks are known: the same subsets (a character missing
/// from one would fall back to a reader's font), the same documents and
/// markers, the same warnings given once. Inputs: the article (fallback
/// faces for its symbols), a book folder (generated cover, parts, notes),
/// a formula handout with MathML and with SVG formulas, emoji.
#[test]
fn the_epub_made_beside_the_pdf_is_the_one_made_after_it() {
    use trang::epub::{EpubMath, EpubOptions, PageList};
    let inputs = [
        ("source/article.md", EpubMath::Mathml),
        ("tests/fixtures/book", EpubMath::Mathml),
        ("tests/fixtures/math/handout.md", EpubMath::Mathml),
        ("tests/fixtures/math/handout.md", EpubMath::Svg),
        ("tests/fixtures/real-docs/emoji.md", EpubMath::Mathml),
    ];
    for (input, math) in inputs {
        let mut diags = Diagnostics::default();
        let p = trang::prepare(&root().join(input), None, &mut diags)
            .unwrap_or_else(|| panic!("{input}: {diags:?}"));
        let opts = trang::typeset::TypesetOptions {
            paper: Paper::A5,
            duplex: false,
            columns: 1,
            line_records: false,
            page_starts: true,
            deflate_runs: false,
        };
        let (layout, report) = trang::typeset::typeset_with(&p.doc, &p.fonts, &opts, 0);
        let pages = PageList {
            source: "t.pdf".into(),
            pages: report.page_starts,
        };
        assert_eq!(pages.pages.len(), layout.pages.len(), "{input}");
        let eopts = EpubOptions { modified: 0, math };
        let mut one = Diagnostics::default();
        let after = trang::epub::write_epub_paged(&p.doc, &p.fonts, &eopts, Some(&pages), &mut one)
            .unwrap_or_else(|e| panic!("{input}: {e:?}"));
        // The faces subset on one thread or two: the same files.
        let threads = match input.ends_with("article.md") {
            true => trang::epub::SubsetThreads::One,
            false => trang::epub::SubsetThreads::Cores,
        };
        let prepared = trang::epub::prepare_fonts(&p.doc, &p.fonts, &eopts, threads).unwrap();
        let mut two = Diagnostics::default();
        let beside = trang::epub::write_epub_prepared(
            &p.doc,
            &p.fonts,
            &eopts,
            Some(&pages),
            prepared,
            &mut two,
        )
        .unwrap();
        let files = epub_files(&beside);
        let markers: usize = files
            .values()
            .map(|t| t.matches("epub:type=\"pagebreak\"").count())
            .sum();
        assert_eq!(markers, layout.pages.len(), "{input}: a marker per page");
        assert!(
            files["OEBPS/stylesheet.css"].contains("url(fonts/"),
            "{input}: fonts embedded"
        );
        assert!(after == beside, "{input} ({math:?}): the EPUBs differ");
        assert_eq!(one.items, two.items, "{input}: the warnings differ");
    }
}

/// The PDF's page labels as poppler's sibling qpdf reads them
/// (`/PageLabels`, ISO 32000-1 §12.4.2), one per page.
fn pdf_page_labels(pdf: &Path, pages: usize) -> Vec<String> {
    let json = common::tool(
        "qpdf",
        &["--json=2", "--json-key=pagelabels", pdf.to_str().unwrap()],
    );
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let runs = json["pagelabels"].as_array().cloned().unwrap_or_default();
    (0..pages)
        .map(|p| {
            let Some(run) = runs
                .iter()
                .rev()
                .find(|r| r["index"].as_u64().unwrap() as usize <= p)
            else {
                return (p + 1).to_string();
            };
            let label = &run["label"];
            let n = label["/St"].as_u64().unwrap_or(1) as usize + p
                - run["index"].as_u64().unwrap() as usize;
            let prefix = label["/P"].as_str().unwrap_or("").trim_start_matches("u:");
            let number = match label["/S"].as_str() {
                Some("/D") => n.to_string(),
                Some("/r") => trang::typeset::paginate::roman(n),
                None => String::new(),
                Some(other) => panic!("unexpected label style {other}"),
            };
            format!("{prefix}{number}")
        })
        .collect()
}

#[test]
fn a_books_page_list_carries_the_pdfs_page_labels() {
    let input = root().join("tests/fixtures/book");
    let dir = tempfile::tempdir().unwrap();
    build_ok(&input, dir.path(), &["--format", "all", "--paper", "a5"]);
    let (epub, pdf) = (
        dir.path().join("so-tay.epub"),
        dir.path().join("so-tay.pdf"),
    );
    let files = epub_files(&std::fs::read(&epub).unwrap());
    let list = page_list(&files["OEBPS/nav.xhtml"]);
    let pages = common::pdf_info(&pdf).0;
    let labels: Vec<String> = list.iter().map(|(_, l)| l.clone()).collect();
    assert_eq!(labels, pdf_page_labels(&pdf, pages), "{list:?}");
    // The cover pages mark the cover; the front matter up to the first
    // chapter the top of the title page; the chapters their own files.
    for (href, label) in &list {
        let file = href.split('#').next().unwrap();
        let want = if label == "Bìa" {
            "cover.xhtml"
        } else if label.chars().all(|c| "ivxlcdm".contains(c)) {
            "title.xhtml"
        } else {
            assert!(
                file.starts_with("chapter-"),
                "page {label} marked in {file}"
            );
            continue;
        };
        assert_eq!(file, want, "page {label}");
    }
    // Every body page whose marker is its own begins on the PDF page's words.
    let texts = pdf_page_texts(&pdf, &input, Paper::A5, 1);
    let mut compared = 0;
    for ((href, label), (line, text)) in list.iter().zip(&texts) {
        let (file, id) = href.split_once('#').unwrap();
        let xhtml = &files[&format!("OEBPS/{file}")];
        if !file.starts_with("chapter-") || shares_place(xhtml, id) {
            continue;
        }
        let after = text_after(xhtml, id);
        let n = letters(line, usize::MAX).chars().count().max(COMPARED);
        assert_eq!(letters(&after, n), letters(text, n), "page {label}");
        compared += 1;
    }
    eprintln!(
        "book: {} pages, {compared} body pages compared word for word",
        list.len()
    );
    assert!(compared >= 6, "{compared} body pages compared");
    epubcheck_silent(&[epub]);
}
