//! Book projects (issue 15): many chapter files → one EPUB and one PDF.
//!
//! The fixture book `tests/fixtures/book/` lists its chapters in
//! `book.toml` (two parts, a preface and an appendix outside them);
//! `tests/fixtures/book-summary/` is the same chapter files listed by
//! mdBook's `SUMMARY.md`. What a reader sees is checked: the chapter order
//! and titles in the EPUB's navigation, the PDF's bookmarks and its
//! contents page; every link between files working in both outputs;
//! errors at the line and column of `book.toml` and `SUMMARY.md`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{build_ok, epub_files, root, tool};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The chapter titles of the fixture book, in reading order.
const CHAPTERS: [&str; 6] = [
    "Lời nói đầu",
    "Viết tin ngắn",
    "Phóng sự ở Mường Tè",
    "Phỏng vấn người trong cuộc",
    "Bình luận: giữ giọng riêng",
    "Phụ lục: Bảng thuật ngữ",
];

/// Runs `trang ARGS` in `dir`; returns (success, stderr).
fn trang(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_trang"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1656979200")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The outputs of a built book: (EPUB bytes, PDF path).
fn build_book(name: &str, out: &Path) -> (Vec<u8>, PathBuf, String) {
    let err = build_ok(&fixture(name), out, &["--no-system-fonts"]);
    let mut epub = None;
    let mut pdf = None;
    for e in std::fs::read_dir(out).unwrap() {
        let p = e.unwrap().path();
        match p.extension().and_then(|x| x.to_str()) {
            Some("epub") => epub = Some(std::fs::read(&p).unwrap()),
            Some("pdf") if !p.to_string_lossy().ends_with("-booklet.pdf") => pdf = Some(p),
            _ => {}
        }
    }
    (epub.expect("an EPUB"), pdf.expect("a PDF"), err)
}

/// Text of the elements matching `<tag …>…</tag>` in `html`, tags removed.
fn texts(html: &str, tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i..];
        let Some(gt) = after.find('>') else { break };
        let Some(end) = after.find(&close) else { break };
        let inner = &after[gt + 1..end];
        let mut plain = String::new();
        let mut in_tag = false;
        for c in inner.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => plain.push(c),
                _ => {}
            }
        }
        out.push(common::decode_entities(plain.trim()));
        rest = &after[end + close.len()..];
    }
    out
}

/// The titles of the PDF's bookmarks, depth first, with their depth.
fn outline(pdf: &Path) -> Vec<(usize, String)> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let mut out = Vec::new();
    let Ok(outlines) = catalog.get(b"Outlines") else {
        return out;
    };
    let outlines = doc
        .get_dictionary(outlines.as_reference().unwrap())
        .unwrap();
    fn walk(
        doc: &lopdf::Document,
        first: Option<lopdf::ObjectId>,
        depth: usize,
        out: &mut Vec<(usize, String)>,
    ) {
        let mut next = first;
        while let Some(id) = next {
            let item = doc.get_dictionary(id).unwrap();
            let title = item.get(b"Title").unwrap().as_str().unwrap();
            out.push((
                depth,
                lopdf::decode_text_string(&lopdf::Object::String(
                    title.to_vec(),
                    lopdf::StringFormat::Literal,
                ))
                .unwrap_or_default(),
            ));
            walk(
                doc,
                item.get(b"First").ok().and_then(|f| f.as_reference().ok()),
                depth + 1,
                out,
            );
            next = item.get(b"Next").ok().and_then(|n| n.as_reference().ok());
        }
    }
    walk(
        &doc,
        outlines
            .get(b"First")
            .ok()
            .and_then(|f| f.as_reference().ok()),
        0,
        &mut out,
    );
    out
}

/// The EPUB's navigation: (depth, title) of every entry of the nav's toc.
fn nav(epub: &[u8]) -> Vec<String> {
    let files = epub_files(epub);
    let nav = files
        .iter()
        .find(|(k, _)| k.ends_with("nav.xhtml"))
        .map(|(_, v)| v.clone())
        .expect("a nav document");
    let toc = &nav[..nav.find("</nav>").unwrap()];
    texts(toc, "a")
}

#[test]
fn book_toml_and_summary_md_give_the_same_chapters_everywhere() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (epub_a, pdf_a, err_a) = build_book("book", a.path());
    let (epub_b, pdf_b, err_b) = build_book("book-summary", b.path());
    // The chapter list written in book.toml builds silently but for the
    // link to a file outside the book; SUMMARY.md also has a draft chapter.
    assert_eq!(err_a.matches("warning").count(), 1, "{err_a}");
    assert!(
        err_a.contains("`../../README.md` is not one of the book's chapter files"),
        "{err_a}"
    );
    assert!(
        err_b.contains("draft chapter `Chương đang viết` has no file; skipped"),
        "{err_b}"
    );
    assert!(err_b.contains("SUMMARY.md:14:3"), "{err_b}");
    // EPUB navigation: every chapter, in order, in both.
    let (nav_a, nav_b) = (nav(&epub_a), nav(&epub_b));
    let order = |entries: &[String]| -> Vec<String> {
        entries
            .iter()
            .filter(|e| CHAPTERS.contains(&e.as_str()))
            .cloned()
            .collect()
    };
    assert_eq!(order(&nav_a), CHAPTERS, "{nav_a:?}");
    assert_eq!(order(&nav_b), CHAPTERS, "{nav_b:?}");
    for part in ["Phần một: Đi và viết", "Phần hai: Hỏi và nghĩ"] {
        assert!(nav_a.iter().any(|e| e == part), "{part} in {nav_a:?}");
        assert!(nav_b.iter().any(|e| e == part), "{part} in {nav_b:?}");
    }
    // PDF bookmarks: the same chapters in the same order.
    let (out_a, out_b) = (outline(&pdf_a), outline(&pdf_b));
    let titles = |o: &[(usize, String)]| -> Vec<String> {
        o.iter()
            .map(|(_, t)| t.clone())
            .filter(|t| CHAPTERS.contains(&t.as_str()))
            .collect()
    };
    assert_eq!(titles(&out_a), CHAPTERS, "{out_a:?}");
    assert_eq!(titles(&out_b), CHAPTERS, "{out_b:?}");
    // The printed contents: the chapters in order (with their folios).
    for pdf in [&pdf_a, &pdf_b] {
        let text = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
        let start = text.find("Mục lục").expect("a contents page");
        let mut at = start;
        for title in CHAPTERS {
            let found = text[at..].find(title).unwrap_or_else(|| {
                panic!("{title} after {at} in the contents of {}", pdf.display())
            });
            at += found + title.len();
        }
    }
}

/// Cross-file links of the fixture book as the model resolved them:
/// (target id, chapter of the link, chapter of the target).
fn cross_links(book: &trang::resolve::Book) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for (c, chapter) in book.chapters.iter().enumerate() {
        for block in &book.blocks[chapter.blocks.clone()] {
            trang::doc::walk_block_inlines(block, &mut |inl| {
                if let trang::doc::InlineKind::Link { url, .. } = &inl.kind
                    && let Some(id) = url.strip_prefix('#')
                    && let Some(&t) = book.targets.get(id)
                    && t != c
                    && !id.starts_with("fn")
                {
                    out.push((id.to_string(), c, t));
                }
            });
        }
    }
    out
}

#[test]
fn links_between_chapter_files_work_in_both_outputs() {
    let fonts = common::bundled_fonts();
    let model = common::render_file(&fixture("book"), &fonts).unwrap().doc;
    let links = cross_links(&model);
    // Written in the fixture: 5 in the preface, 2 in "tin ngắn", 1 in
    // "phóng sự", 1 in "phỏng vấn", 1 in "bình luận" (the one in its note
    // is in a note, counted below with the EPUB).
    assert_eq!(links.len(), 10, "{links:?}");
    let dir = tempfile::tempdir().unwrap();
    let (epub, pdf, _) = build_book("book", dir.path());
    // EPUB: each is an href to the target chapter's file, where the id is.
    let files = epub_files(&epub);
    let mut hrefs = 0;
    for (name, text) in &files {
        if !name.contains("chapter-") {
            continue;
        }
        let mut rest = text.as_str();
        while let Some(i) = rest.find("href=\"chapter-") {
            let href = &rest[i + 6..];
            let href = &href[..href.find('"').unwrap()];
            let (file, id) = href.split_once('#').unwrap();
            let target = files
                .iter()
                .find(|(k, _)| k.ends_with(file))
                .unwrap_or_else(|| panic!("{href}: no {file}"))
                .1;
            assert!(target.contains(&format!("id=\"{id}\"")), "{href} in {name}");
            hrefs += 1;
            rest = &rest[i + 6..];
        }
    }
    assert!(
        hrefs >= 11,
        "{hrefs} hrefs to other chapter files (10 in the text, 1 in a note)"
    );
    // PDF: each is a link annotation whose named destination is on the
    // page that shows the target heading.
    let doc = lopdf::Document::load(&pdf).unwrap();
    let dests = named_destinations(&doc);
    let pages: BTreeMap<lopdf::ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let mut annotated: BTreeMap<String, usize> = BTreeMap::new();
    for (_, page) in doc.get_pages() {
        let page = doc.get_dictionary(page).unwrap();
        let Ok(annots) = page.get(b"Annots").and_then(lopdf::Object::as_array) else {
            continue;
        };
        for a in annots {
            let a = doc.get_dictionary(a.as_reference().unwrap()).unwrap();
            if let Ok(dest) = a.get(b"Dest").and_then(lopdf::Object::as_str) {
                *annotated
                    .entry(String::from_utf8_lossy(dest).into_owned())
                    .or_default() += 1;
            }
        }
    }
    let mut landed = 0;
    for (id, _, _) in &links {
        assert!(
            annotated.get(id).is_some_and(|&n| n > 0),
            "no link annotation to {id}"
        );
        let page = pages[&dests[id]];
        let heading = model
            .headings
            .iter()
            .find(|h| &h.id == id)
            .map(|h| h.text.clone())
            .unwrap_or_else(|| panic!("{id} is a heading"));
        let text = tool(
            "pdftotext",
            &[
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
                pdf.to_str().unwrap(),
                "-",
            ],
        );
        assert!(
            common::fold(&text).contains(&common::fold(&heading)),
            "{id} lands on page {page}, which does not show `{heading}`"
        );
        landed += 1;
    }
    eprintln!(
        "{} cross-file links: {hrefs} EPUB hrefs resolved, {landed} PDF destinations on the heading's page",
        links.len()
    );
}

/// The `/Dests` name tree: name → page object.
fn named_destinations(doc: &lopdf::Document) -> BTreeMap<String, lopdf::ObjectId> {
    let names = doc.catalog().unwrap().get(b"Names").unwrap();
    let names = match names {
        lopdf::Object::Reference(r) => doc.get_dictionary(*r).unwrap(),
        o => o.as_dict().unwrap(),
    };
    let tree = doc
        .get_dictionary(names.get(b"Dests").unwrap().as_reference().unwrap())
        .unwrap();
    let mut out = BTreeMap::new();
    let list = tree.get(b"Names").unwrap().as_array().unwrap();
    for pair in list.chunks(2) {
        let name = String::from_utf8_lossy(pair[0].as_str().unwrap()).into_owned();
        let dest = match &pair[1] {
            lopdf::Object::Reference(r) => doc.get_object(*r).unwrap().clone(),
            o => o.clone(),
        };
        let dest = match dest {
            lopdf::Object::Dictionary(d) => d.get(b"D").unwrap().clone(),
            o => o,
        };
        let page = dest.as_array().unwrap()[0].as_reference().unwrap();
        out.insert(name, page);
    }
    out
}

/// Builds the EPUB of the book in `dir` (no INPUT: the book there) and
/// returns it.
fn build_epub(dir: &Path) -> Vec<u8> {
    let (ok, err) = trang(
        dir,
        &[
            "build",
            "--no-system-fonts",
            "--format",
            "epub",
            "-o",
            "out",
        ],
    );
    assert!(ok, "{err}");
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read(dir.join(format!("out/{name}.epub"))).unwrap()
}

/// Writes a project from (path, text) pairs.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

#[test]
fn book_toml_errors_point_at_their_line_and_column() {
    let dir = project(&[
        (
            "book.toml",
            "[book]\ntitle = \"Sách\"\ndate = \"05/07/2022\"\n\n[trang]\npaper = \"b5\"\n",
        ),
        ("a.md", "# A\n\nx\n"),
    ]);
    let (ok, err) = trang(
        dir.path(),
        &["build", "--no-system-fonts", "-o", "out", "."],
    );
    assert!(!ok, "{err}");
    assert!(
        err.contains("book.toml:3:8"),
        "date error at its value: {err}"
    );
    assert!(
        err.contains("book.toml:6:9") && err.contains("`paper` in [trang]"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists(), "nothing written");
    // Broken TOML: the parser's place.
    let dir = project(&[
        ("book.toml", "[book]\ntitle = \"Sách\nx\n"),
        ("a.md", "# A\n"),
    ]);
    let (ok, err) = trang(dir.path(), &["build", "-o", "out", "."]);
    assert!(!ok && err.contains("book.toml:3:2"), "{err}");
    assert!(err.contains("help:"), "{err}");
}

#[test]
fn a_missing_chapter_file_is_an_error_where_the_list_names_it() {
    let dir = project(&[
        (
            "book.toml",
            "[book]\ntitle = \"Sách\"\nchapters = [\n  \"a.md\",\n  \"khong-co.md\",\n]\n",
        ),
        ("src/a.md", "# A\n"),
    ]);
    let (ok, err) = trang(
        dir.path(),
        &["build", "--no-system-fonts", "-o", "out", "."],
    );
    assert!(!ok, "{err}");
    assert!(err.contains("chapter file `khong-co.md`"), "{err}");
    assert!(err.contains("book.toml:5:3"), "{err}");
    assert!(!dir.path().join("out").exists(), "nothing written");
}

#[test]
fn chapter_files_report_their_own_lines_and_front_matter_beyond_title_once() {
    let dir = project(&[
        ("book.toml", "[book]\ntitle = \"Sách\"\n"),
        ("01.md", "---\ntitle: Một\nauthor: Ai đó\n---\n\nx\n"),
        (
            "02.md",
            "---\nlang: en\n---\n# Hai\n\n![ảnh](khong-co.png)\n",
        ),
        // Every key of ours but `title` is the book's, `keywords` too.
        ("03.md", "---\ntitle: Ba\nkeywords: [x]\n---\n\ny\n"),
    ]);
    let (ok, err) = trang(
        dir.path(),
        &["build", "--no-system-fonts", "-o", "out", "."],
    );
    // The missing image is reported in 02.md at its own line.
    assert!(!ok, "{err}");
    assert!(err.contains("02.md:6:1"), "{err}");
    // Book-level keys in chapters: one warning for both files.
    assert_eq!(err.matches("chapter front matter").count(), 1, "{err}");
    assert!(
        err.contains("01.md")
            && err.contains("`author`")
            && err.contains("`lang`")
            && err.contains("`keywords`"),
        "{err}"
    );
}

#[test]
fn a_folder_without_a_list_builds_its_files_in_name_order() {
    let dir = project(&[
        ("b.md", "# Chương hai\n\nHai.\n"),
        ("a.md", "Không có tiêu đề.\n"),
        ("book.toml", "[book]\ntitle = \"Sách\"\nauthors = [\"A\"]\n"),
    ]);
    let epub = build_epub(dir.path());
    let n = nav(&epub);
    let a = n
        .iter()
        .position(|e| e == "a")
        .expect("a.md titled by its name");
    let b = n.iter().position(|e| e == "Chương hai").unwrap();
    assert!(a < b, "{n:?}");
}

#[test]
fn init_writes_a_book_that_builds_without_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, err) = trang(dir.path(), &["init", "sach"]);
    assert!(ok, "{err}");
    let book = dir.path().join("sach");
    let (ok, err) = trang(&book, &["build", "--no-system-fonts"]);
    assert!(ok, "{err}");
    assert!(!err.contains("warning"), "{err}");
    for f in ["out/sach-dau-tay.epub", "out/sach-dau-tay.pdf"] {
        assert!(book.join(f).is_file(), "{f}: {err}");
    }
    // A second init in the same folder writes nothing.
    let before = std::fs::read(book.join("src/chuong-1.md")).unwrap();
    let (ok, err) = trang(dir.path(), &["init", "sach"]);
    assert!(
        !ok && err.contains("writes nothing over existing files"),
        "{err}"
    );
    assert_eq!(std::fs::read(book.join("src/chuong-1.md")).unwrap(), before);
}

#[test]
fn mdbook_includes_in_code_blocks_print_the_lines_they_name() {
    let dir = project(&[
        ("book.toml", "[book]\ntitle = \"Sách\"\n"),
        (
            "src/ma/main.rs",
            "// ANCHOR: all\nfn main() {\n    // ANCHOR: body\n    let x = 5;\n    // ANCHOR_END: body\n    println!(\"{}\", x);\n}\n// ANCHOR_END: all\n",
        ),
        (
            "src/a.md",
            "# Chương\n\n```rust\n{{#include ma/main.rs:body}}\n```\n\n```rust\n{{#rustdoc_include ma/main.rs:6:6}}\n```\n\n```\n\\{{#include ma/main.rs}}\n```\n",
        ),
    ]);
    let epub = build_epub(dir.path());
    let files = epub_files(&epub);
    let chapter = files
        .iter()
        .find(|(k, _)| k.contains("chapter-01"))
        .unwrap()
        .1;
    let code = common::decode_entities(&texts(chapter, "pre").join("\n"));
    assert!(code.contains("let x = 5;"), "{code}");
    assert!(
        !code.contains("ANCHOR"),
        "anchor lines are not printed: {code}"
    );
    assert!(code.contains("println!(\"{}\", x);"), "{code}");
    assert!(
        code.contains("{{#include ma/main.rs}}"),
        "an escaped include stays: {code}"
    );
    // A missing file: an error at the code block, in the chapter file.
    std::fs::write(
        dir.path().join("src/a.md"),
        "# A\n\n```rust\n{{#include khong-co.rs}}\n```\n",
    )
    .unwrap();
    let (ok, err) = trang(dir.path(), &["build", "--no-system-fonts", "-o", "out"]);
    assert!(
        !ok && err.contains("a.md:3:1") && err.contains("khong-co.rs"),
        "{err}"
    );
}
