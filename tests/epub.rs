//! The EPUB writer end to end: EPUBCheck 5 on the article, on one book per
//! construct, on the constructs fixture and on every CommonMark spec example
//! (all checked by ONE JVM, see tests/epubcheck/BatchCheck.java); plus the
//! article's text against the seed, reproducibility, fonts in the package,
//! and raw HTML handling.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{commonmark_examples, epubcheck_jar, fix_images, root, unzip};
use trang::diag::{Diagnostics, Severity, SourceFile};
use trang::doc::Document;
use trang::epub::{EpubOptions, write_epub};
use trang::fonts::FontSet;

const MODIFIED: i64 = 1_656_979_200; // 2022-07-05

/// Cases of tests/fixtures/real-docs that build (check-raw-html-images is
/// refused; han-nom needs an installed CJK font and is checked in
/// tests/font_formats.rs): fallback faces embedded, SVG/WebP/GIF images,
/// figures split out of paragraphs, dialects, foreign front matter.
const REAL_DOCS: [&str; 11] = [
    "symbols-math",
    "emoji",
    "nul-entity",
    "images-svg-webp-gif",
    "big-image-in-paragraph",
    "inline-image-overlap",
    "raw-html-img",
    "dialects",
    "hugo-toc-mapping",
    "title-after-comment",
    "title-after-language-bar",
];

fn fonts() -> FontSet {
    FontSet::load(&FontSet::bundled_dir(), &mut Diagnostics::default()).unwrap()
}

/// Parses `md` as if it were the file `path` (images resolve beside it).
fn parse(md: &str, path: &Path) -> (Document, Diagnostics) {
    let mut diags = Diagnostics::default();
    let doc = trang::markdown::parse(SourceFile::new(path, md), &mut diags);
    (doc, diags)
}

fn build(md: &str, path: &Path, fonts: &FontSet) -> (Vec<u8>, Diagnostics) {
    common::epub_from_markdown(md, path, fonts)
}

fn text_of(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(files[name].clone()).unwrap()
}

/// The text content of XHTML (tags removed, the entities we write decoded).
fn strip_tags(xhtml: &str) -> String {
    common::tag_text(xhtml)
}

fn body_of(xhtml: &str) -> &str {
    let start = xhtml.find("<body").unwrap();
    let end = xhtml.rfind("</body>").unwrap();
    &xhtml[start..end]
}

/// EPUBCheck in two JVMs (one per core; C1 JIT only, which halves the CPU
/// time of a run this short) that check books as they are
/// written: [`Checker::send`] hands over a file, [`Checker::finish`] collects
/// name → (errors, warnings) and the log.
struct Checker {
    jvms: Vec<(
        std::process::ChildStdin,
        std::process::Child,
        std::thread::JoinHandle<String>,
    )>,
    sent: usize,
}

impl Checker {
    fn start() -> Checker {
        let jar = epubcheck_jar();
        let jvms = (0..2)
            .map(|_| {
                let mut child = Command::new("java")
                    .args(["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp"])
                    .arg(&jar)
                    .arg(root().join("tests/epubcheck/BatchCheck.java"))
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap_or_else(|e| panic!("cannot run java ({e}); run `bash .ci/test-deps`"));
                let stdin = child.stdin.take().unwrap();
                let mut stdout = child.stdout.take().unwrap();
                let reader = std::thread::spawn(move || {
                    let mut s = String::new();
                    stdout.read_to_string(&mut s).unwrap();
                    s
                });
                (stdin, child, reader)
            })
            .collect();
        Checker { jvms, sent: 0 }
    }

    fn send(&mut self, path: &Path) {
        use std::io::Write;
        let n = self.jvms.len();
        let stdin = &mut self.jvms[self.sent % n].0;
        writeln!(stdin, "{}", path.display()).expect("EPUBCheck stopped reading");
        self.sent += 1;
    }

    fn finish(self) -> (BTreeMap<String, (u32, u32)>, String) {
        let mut results = BTreeMap::new();
        let mut log = String::new();
        for (stdin, child, reader) in self.jvms {
            drop(stdin);
            let stdout = reader.join().unwrap();
            let out = child.wait_with_output().unwrap();
            log.push_str(&format!(
                "{stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
            assert!(
                out.status.success(),
                "EPUBCheck batch run failed (tests/epubcheck/BatchCheck.java runs in Java's source-file mode, \
                 which needs a JDK 11+; set up with `bash .ci/test-deps`):\n{log}"
            );
            for line in stdout.lines() {
                let Some(rest) = line.strip_prefix("RESULT ") else {
                    continue;
                };
                let mut it = rest.split_whitespace();
                let name = it.next().unwrap().to_string();
                let num = |s: Option<&str>| {
                    s.and_then(|s| s.split('=').nth(1))
                        .unwrap()
                        .parse()
                        .unwrap()
                };
                results.insert(name, (num(it.next()), num(it.next())));
            }
        }
        (results, log)
    }
}

/// One small book per construct (front matter variants included).
const CONSTRUCTS: &[(&str, &str)] = &[
    (
        "headings",
        "# Một\n\n## Hai {#hai .lop}\n\n### Ba\n\n#### Bốn\n\n##### Năm\n\n###### Sáu\n\n## Hai\n",
    ),
    (
        "chapters",
        "---\ntitle: Sách\n---\nLời mở đầu.\n\n# Chương một\n\nMột.\n\n## Mục\n\n# Chương hai\n\nHai [về một](#chuong-mot) và [mục](#muc).\n",
    ),
    (
        "inline",
        "*nghiêng* **đậm** ***cả hai*** ~~gạch~~ `mã <b>` *lồng *nhau* đây*\\\nngắt cứng  \nvà mềm\n",
    ),
    ("quotes", "> một\n>\n> > hai\n> > > ba\n"),
    (
        "lists",
        "1. một\n2. hai\n   - con\n     - cháu\n\n7. bảy\n\n   đoạn hai\n8. tám\n\n- a\n\n- b\n",
    ),
    ("tasks", "- [ ] chưa làm\n- [x] đã xong\n  - [ ] lồng\n"),
    (
        "table",
        "| Trái | Giữa | Phải | Không |\n|:--|:-:|--:|---|\n| a | *b* | `c` | [d](https://e.vn) |\n| ệ | | 1 | 2 |\n",
    ),
    (
        "code",
        "```rust\nfn main() { println!(\"<&>\"); }\n```\n\n    thụt lề\n\n```\nkhông ngôn ngữ\n```\n",
    ),
    (
        "images",
        "![Ruộng bậc thang](images/ruong.png \"Mù Cang Chải\")\n\n![Hội An](images/hoi-an.jpg)\n\nẢnh nội dòng ![nhỏ](images/ruong.png) trong câu.\n",
    ),
    ("image-without-alt", "![](images/ruong.png)\n"),
    ("remote-image", "![xa](https://example.com/a.png)\n"),
    ("breaks", "a\n\n---\n\n***\n\nb\n"),
    (
        "links",
        "[ngoài](https://vi.wikipedia.org/wiki/Việt Nam \"tiêu đề\") <https://a.vn/?q=1&r=\"2\"> [neo](#neo) [mất](#khong-co) [tệp](tep.html) [js](javascript:alert(1)) <mailto:a@b.vn>\n\n## Neo\n",
    ),
    (
        "footnotes",
        "Một[^a] hai[^b] lại[^a].\n\n[^a]: Chú thích *một*.\n[^b]: Chú thích hai với[^c].\n\n    Đoạn hai.\n[^c]: Lồng.\n[^unused]: Không dùng.\n",
    ),
    (
        "raw-html",
        "<div class=\"x\" onclick=\"bad()\">Khối <b>đậm</b><br>xuống<p>đoạn</div>\n\nNội <span class=\"a\">dòng <em>lồng</span> mở</em> &amp; <a href=\"javascript:x()\">js</a> <i>không đóng\n\n<script>alert(1)</script>\n\n<table><tr><td>ô</table>\n\n<ul><li>a<li>b</ul>\n\n<custom-el>tùy</custom-el> <iframe src=x></iframe>\n",
    ),
    (
        "raw-html-model",
        "> [!NOTE]\n> Ghi chú.\n\n> [!WARNING]\n> Cảnh báo.\n\nThuật ngữ\n: Định nghĩa.\n\n<a name=\"neo-html\"></a>\n## Neo\n\n[tới neo](#neo-html) [giữa](#giua) <span id=\"giua\" lang=\"en\">mid</span> <u>u</u> <sup>2</sup> <sub>3</sub> <small>s</small> <kbd>Ctrl</kbd> <mark>m</mark> <i>*lồng*</i>\n\n<center>\n<b>1</b><i>. Trăm năm,<br></i>\n</center>\n\n<div align=\"right\">\n\nPhải\n\n</div>\n\n<details><summary>Tóm</summary><p>Nội dung</p></details>\n\n<figure><img src=\"images/ruong.png\" alt=\"Ruộng\" width=\"200\" height=\"100\"><figcaption>Hình <i>1</i></figcaption></figure>\n\n<dl><dt>T</dt><dd>D</dd><dd>E</dd><dt>U</dt></dl>\n\n<table><tr><th>A</th></tr><tr><td>1</td><td>2</td></tr></table>\n\n<p id=\"p1\">x</p><p id=\"p1\">trùng</p>\n",
    ),
    (
        "control-chars",
        "a\u{1}b \u{FFFF} c\u{E000}d [x](<a b\"c>) <span title=\"\u{7}\">t</span>\n",
    ),
    (
        "front-matter",
        "---\ntitle: \"Tiêu đề <&> \\\"x\\\"\"\nsubtitle: Phụ đề\nauthor: [A & B, C]\ndate: 2024-03-15\nlang: vi\npublisher: NXB\nsource: Nguồn\nrights: CC BY 4.0\ndescription: Mô tả\nkeywords: [a, b]\nidentifier: isbn-123\ncover: images/hoi-an.jpg\n---\nThân.\n",
    ),
    (
        "english",
        "---\ntitle: English\nlang: en-GB\nidentifier: urn:uuid:12345678-1234-5678-1234-567812345678\n---\nHello.\n",
    ),
    ("empty", ""),
];

#[test]
fn epubcheck_accepts_every_book() {
    let started = std::time::Instant::now();
    let fonts = fonts();
    let dir = tempfile::tempdir().unwrap();
    let keep = std::env::var_os("TRANG_KEEP_EPUBS").map(PathBuf::from); // debugging aid
    let fixtures = root().join("tests/fixtures");
    let mut checker = Checker::start();
    let mut store = |name: &str, epub: Vec<u8>| {
        let file = dir.path().join(format!("{name}.epub"));
        std::fs::write(&file, &epub).unwrap();
        if let Some(k) = &keep {
            std::fs::create_dir_all(k).unwrap();
            std::fs::write(k.join(format!("{name}.epub")), &epub).unwrap();
        }
        checker.send(&file);
    };
    let article = std::fs::read_to_string(root().join("source/article.md")).unwrap();
    store(
        "article",
        build(&article, &root().join("source/article.md"), &fonts).0,
    );
    let constructs = std::fs::read_to_string(fixtures.join("constructs.md")).unwrap();
    store(
        "constructs",
        build(&constructs, &fixtures.join("constructs.md"), &fonts).0,
    );
    // The mixed fixture of tests/blocks.rs, as is and with a contents page.
    let mixed = std::fs::read_to_string(fixtures.join("mixed.md")).unwrap();
    store("mixed", build(&mixed, &fixtures.join("mixed.md"), &fonts).0);
    let with_toc = mixed.replacen("lang: vi\n", "lang: vi\ntoc: true\n", 1);
    assert_ne!(with_toc, mixed);
    store(
        "mixed-toc",
        build(&with_toc, &fixtures.join("mixed.md"), &fonts).0,
    );
    for (name, md) in CONSTRUCTS {
        let path = fixtures.join(format!("{name}.md"));
        store(&format!("construct-{name}"), build(md, &path, &fonts).0);
    }
    // Real documents (fallback subsets, images in every format, dialects).
    for name in REAL_DOCS {
        let path = fixtures.join(format!("real-docs/{name}.md"));
        let md = std::fs::read_to_string(&path).unwrap();
        store(&format!("real-{name}"), build(&md, &path, &fonts).0);
    }
    // Book projects (issue 15): the fixture book by book.toml and by
    // SUMMARY.md, and the book `trang init` writes.
    let init = dir.path().join("init");
    trang::init::init(&init).unwrap();
    for (name, path) in [
        ("book", fixtures.join("book")),
        ("book-summary", fixtures.join("book-summary")),
        ("book-init", init),
    ] {
        let epub = common::render_file(&path, &fonts)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .epub;
        store(name, epub);
    }
    // The cases from real documents and other converters' bug reports.
    let mut cases: Vec<std::path::PathBuf> = std::fs::read_dir(fixtures.join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("README.md"))
        .collect();
    cases.sort();
    assert_eq!(
        cases.len(),
        16,
        "the one-model cases in tests/fixtures/cases"
    );
    for path in &cases {
        let md = std::fs::read_to_string(path).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy();
        store(&format!("case-{stem}"), build(&md, path, &fonts).0);
    }
    let examples = commonmark_examples();
    assert_eq!(
        examples.len(),
        655,
        "the corpus should hold the 655 spec examples"
    );
    let image = fixtures
        .join("images/ruong.png")
        .to_string_lossy()
        .into_owned();
    for (n, md) in &examples {
        let path = dir.path().join(format!("example-{n:03}.md"));
        let (mut doc, mut diags) = parse(md, &path);
        fix_images(&mut doc.blocks, &image);
        let doc = common::resolve_fixed(doc, &mut diags);
        let epub = write_epub(
            &doc,
            &fonts,
            &EpubOptions {
                modified: MODIFIED,
                ..Default::default()
            },
            &mut diags,
        )
        .unwrap_or_else(|e| panic!("example {n} failed:\n{md}\n{}", e.render()));
        store(&format!("example-{n:03}"), epub);
    }
    eprintln!(
        "built {} EPUBs in {:?}",
        4 + 3 + CONSTRUCTS.len() + REAL_DOCS.len() + cases.len() + 655,
        started.elapsed()
    );
    let (results, log) = checker.finish();
    eprintln!("EPUBCheck done after {:?}", started.elapsed());
    assert_eq!(
        results.len(),
        4 + 3 + CONSTRUCTS.len() + REAL_DOCS.len() + cases.len() + 655,
        "EPUBCheck did not report on every file:\n{log}"
    );
    let bad: Vec<_> = results.iter().filter(|(_, r)| **r != (0, 0)).collect();
    let count = |prefix: &str| {
        results
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .fold((0, 0), |(e, w), (_, r)| (e + r.0, w + r.1))
    };
    eprintln!(
        "EPUBCheck (errors, warnings): article {:?}, constructs {:?}, mixed {:?}, per-construct books {:?}, {} cases {:?}, 655 spec examples {:?}",
        count("article"),
        count("constructs."),
        count("mixed"),
        count("construct-"),
        cases.len(),
        count("case-"),
        count("example-")
    );
    assert!(
        bad.is_empty(),
        "EPUBCheck found problems in {bad:?}:\n{log}"
    );
}

#[test]
fn article_text_matches_the_seed() {
    let path = root().join("source/article.md");
    let (epub, diags) = build(&std::fs::read_to_string(&path).unwrap(), &path, &fonts());
    assert!(diags.items.is_empty(), "{:?}", diags.items);
    let files = unzip(&epub);
    let title = text_of(&files, "OEBPS/title.xhtml");
    let pick = |class: &str| {
        let open = title.find(&format!("class=\"{class}\">")).unwrap();
        let close = open + title[open..].find("</").unwrap();
        strip_tags(&title[open + class.len() + 9..close])
    };
    let mut text = format!("{} {} ", pick("dateline"), pick("title"));
    text.push_str(&strip_tags(body_of(&text_of(
        &files,
        "OEBPS/chapter-01.xhtml",
    ))));
    let seed_path = root().join("../shared/seed/article.txt");
    let seed = std::fs::read_to_string(&seed_path).unwrap_or_else(|e| {
        panic!(
            "the seed text is missing at {} ({e}); CI clones the project with shared/ beside it",
            seed_path.display()
        )
    });
    let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(words(&text), words(&seed));
}

#[test]
fn builds_are_byte_identical_and_mimetype_comes_first() {
    let path = root().join("tests/fixtures/constructs.md");
    let md = std::fs::read_to_string(&path).unwrap();
    let fonts = fonts();
    let (a, _) = build(&md, &path, &fonts);
    let (b, _) = build(&md, &path, &fonts);
    assert!(a == b, "two builds of the same input differ");
    assert_eq!(&a[0..4], b"PK\x03\x04");
    assert_eq!(
        u16::from_le_bytes([a[8], a[9]]),
        0,
        "mimetype must be stored"
    );
    assert_eq!(&a[30..38], b"mimetype");
    assert_eq!(&a[38..58], b"application/epub+zip");
    // Every entry carries the timestamp given by the caller (2022-07-05 00:00:00).
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&a)).unwrap();
    for i in 0..zip.len() {
        let t = zip.by_index(i).unwrap().last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day(), t.hour()), (2022, 7, 5, 0));
    }
    let opf = text_of(&unzip(&a), "OEBPS/content.opf");
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2022-07-05T00:00:00Z</meta>"),
        "{opf}"
    );
    assert!(opf.contains(">urn:uuid:"), "{opf}");
}

#[test]
fn the_package_lists_every_font_as_font_ttf_and_the_article_is_small() {
    let path = root().join("source/article.md");
    let (epub, _) = build(&std::fs::read_to_string(&path).unwrap(), &path, &fonts());
    assert!(
        epub.len() <= 150 * 1024,
        "article.epub is {} bytes",
        epub.len()
    );
    let files = unzip(&epub);
    let opf = text_of(&files, "OEBPS/content.opf");
    let fonts: Vec<_> = files.keys().filter(|k| k.ends_with(".ttf")).collect();
    assert!(
        fonts.len() >= 2,
        "expected body and heading faces, got {fonts:?}"
    );
    for f in &fonts {
        let href = f.trim_start_matches("OEBPS/");
        let item = opf
            .lines()
            .find(|l| l.contains(&format!("href=\"{href}\"")))
            .unwrap_or_else(|| panic!("{href} not in the manifest"));
        assert!(item.contains("media-type=\"font/ttf\""), "{item}");
        assert!(
            files[*f].len() < 60 * 1024,
            "{f} is not subset: {} bytes",
            files[*f].len()
        );
    }
    let css = text_of(&files, "OEBPS/stylesheet.css");
    assert!(
        css.contains("@font-face") && css.contains("hyphens: auto"),
        "{css}"
    );
    for key in [
        "dc:source",
        "dc:date",
        "schema:accessMode",
        "dcterms:conformsTo",
        "schema:accessibilityHazard",
    ] {
        assert!(opf.contains(key), "{key} missing:\n{opf}");
    }
}

#[test]
fn raw_script_is_dropped_with_its_line_and_br_becomes_xhtml() {
    let md =
        "Đoạn một.\n\n<script>alert(1)</script>\n\nDòng<br>hai <span onclick=\"x()\">ba</span>\n";
    let path = root().join("tests/fixtures/raw.md");
    let (epub, diags) = build(md, &path, &fonts());
    let chapter = text_of(&unzip(&epub), "OEBPS/chapter-01.xhtml");
    assert!(
        !chapter.contains("script") && !chapter.contains("alert"),
        "{chapter}"
    );
    assert!(!chapter.contains("onclick"), "{chapter}");
    assert!(chapter.contains("Dòng<br/>\nhai"), "{chapter}");
    let script = diags
        .items
        .iter()
        .find(|d| d.message.contains("<script>"))
        .unwrap_or_else(|| panic!("no warning for <script>: {:?}", diags.items));
    assert_eq!(script.severity, Severity::Warning);
    assert_eq!(script.locations[0].line, 3, "{}", script.render());
    assert!(script.render().contains("raw.md:3:"), "{}", script.render());
    let onclick = diags
        .items
        .iter()
        .find(|d| d.message.contains("onclick"))
        .unwrap();
    assert_eq!(onclick.locations[0].line, 5);
}

#[test]
fn a_missing_image_is_an_error_at_its_place() {
    let path = root().join("tests/fixtures/missing.md");
    let (doc, mut diags) = parse("Chữ.\n\n![ảnh](khong-co.png)\n", &path);
    let doc = trang::resolve::resolve(doc, &mut diags);
    let err = write_epub(&doc, &fonts(), &EpubOptions::default(), &mut diags).unwrap_err();
    assert!(err.is_error());
    assert_eq!(err.locations[0].line, 3, "{}", err.render());
    assert!(err.message.contains("khong-co.png"), "{}", err.render());
}

/// The accessibility metadata of a package document, `(property, value)`
/// in document order (`schema:…`, `dcterms:conformsTo`, `a11y:…`).
fn a11y_metadata(opf: &str) -> Vec<(String, String)> {
    opf.split("<meta property=\"")
        .skip(1)
        .filter_map(|m| {
            let prop = &m[..m.find('"')?];
            let value = &m[m.find('>')? + 1..m.find("</meta>")?];
            ["schema:", "dcterms:conformsTo", "a11y:"]
                .iter()
                .any(|p| prop.starts_with(p))
                .then(|| (prop.to_string(), common::decode_entities(value)))
        })
        .collect()
}

/// EPUB Accessibility 1.1 metadata computed from the book: access modes
/// from its images, `alternativeText` only when every image has it, the
/// summary in the book's language saying what is true, hazards `none` but
/// for an animated PNG, and the WCAG 2.2 AA claim (with its certifier) only
/// without an image lacking alternative text, an animated PNG or a theme
/// colour below 4.5:1 on white.
#[test]
fn accessibility_metadata_says_what_is_true_of_the_book() {
    let fonts = fonts();
    let at = root().join("tests/fixtures/x.md");
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(p, v)| (p.to_string(), v.to_string()))
            .collect()
    };
    let features = [
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityFeature", "ARIA"),
        ("schema:accessibilityFeature", "displayTransformability"),
    ];
    let claim = [
        (
            "dcterms:conformsTo",
            "EPUB Accessibility 1.1 - WCAG 2.2 Level AA",
        ),
        ("a11y:certifiedBy", "trang"),
    ];
    let opf_of = |epub: &[u8]| text_of(&unzip(epub), "OEBPS/content.opf");

    // Text only (the article): textual, no alternativeText, the claim.
    let path = root().join("source/article.md");
    let (article, _) = build(&std::fs::read_to_string(&path).unwrap(), &path, &fonts);
    let mut want = pairs(&[
        ("schema:accessMode", "textual"),
        ("schema:accessModeSufficient", "textual"),
    ]);
    want.extend(pairs(&features));
    want.extend(pairs(&[
        ("schema:accessibilityHazard", "none"),
        (
            "schema:accessibilitySummary",
            "Văn bản có cấu trúc đề mục, mục lục và thứ tự đọc; phông chữ và cỡ chữ đổi được; \
             đáp ứng EPUB Accessibility 1.1 và WCAG 2.2 mức AA.",
        ),
    ]));
    want.extend(pairs(&claim));
    assert_eq!(a11y_metadata(&opf_of(&article)), want);

    // Every image with alternative text, in English.
    let (with_alt, _) = build(
        "---\nlang: en\n---\n\n![Terraces](images/ruong.png)\n",
        &at,
        &fonts,
    );
    let mut want = pairs(&[
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual,visual"),
        ("schema:accessModeSufficient", "textual"),
    ]);
    want.extend(pairs(&features));
    want.extend(pairs(&[
        ("schema:accessibilityFeature", "alternativeText"),
        ("schema:accessibilityHazard", "none"),
        (
            "schema:accessibilitySummary",
            "Structured text with headings, a table of contents and a logical reading order; \
             every image has a text alternative; fonts and sizes can be changed; \
             meets EPUB Accessibility 1.1 and WCAG 2.2 Level AA.",
        ),
    ]));
    want.extend(pairs(&claim));
    assert_eq!(a11y_metadata(&opf_of(&with_alt)), want);

    // An image without: visual needed, no alternativeText, no claim.
    let (no_alt, _) = build("![](images/ruong.png)\n", &at, &fonts);
    let mut want = pairs(&[
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual,visual"),
    ]);
    want.extend(pairs(&features));
    want.extend(pairs(&[
        ("schema:accessibilityHazard", "none"),
        (
            "schema:accessibilitySummary",
            "Văn bản có cấu trúc đề mục, mục lục và thứ tự đọc; có hình ảnh thiếu văn bản thay thế; \
             phông chữ và cỡ chữ đổi được.",
        ),
    ]));
    assert_eq!(a11y_metadata(&opf_of(&no_alt)), want);

    // A theme whose datelines are too light to read (#aaaaaa: 2.3:1): no claim.
    let (doc, mut diags) = parse(&std::fs::read_to_string(&path).unwrap(), &path);
    let mut book = trang::resolve::resolve(doc, &mut diags);
    book.theme.colours.muted = trang::theme::Colour::rgb8(0xaa, 0xaa, 0xaa);
    let light = write_epub(&book, &fonts, &EpubOptions::default(), &mut diags).unwrap();
    let got = a11y_metadata(&opf_of(&light));
    assert!(
        !got.iter()
            .any(|(p, _)| p == "dcterms:conformsTo" || p == "a11y:certifiedBy"),
        "{got:?}"
    );
    // An animated PNG (APNG, two frames): flashing and motion unknown, no claim.
    let dir = tempfile::tempdir().unwrap();
    let apng = dir.path().join("moving.png");
    {
        let mut enc = png::Encoder::new(std::fs::File::create(&apng).unwrap(), 8, 8);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_animated(2, 0).unwrap();
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[0u8; 8 * 8 * 4]).unwrap();
        w.write_image_data(&[255u8; 8 * 8 * 4]).unwrap();
        w.finish().unwrap();
    }
    let (moving, _) = build(
        "![Đèn nhấp nháy](moving.png)\n",
        &dir.path().join("x.md"),
        &fonts,
    );
    let got = a11y_metadata(&opf_of(&moving));
    let hazards: Vec<&str> = got
        .iter()
        .filter(|(p, _)| p == "schema:accessibilityHazard")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(
        hazards,
        [
            "unknownFlashingHazard",
            "unknownMotionSimulationHazard",
            "noSoundHazard"
        ]
    );
    assert!(
        !got.iter().any(|(p, _)| p == "dcterms:conformsTo"),
        "{got:?}"
    );
    // A publisher certifies its own book.
    let md = std::fs::read_to_string(&path).unwrap().replacen(
        "---\n",
        "---\npublisher: Nhà xuất bản Thử Nghiệm\n",
        1,
    );
    let (published, _) = build(&md, &path, &fonts);
    let got = a11y_metadata(&opf_of(&published));
    assert_eq!(
        got.last(),
        Some(&(
            "a11y:certifiedBy".to_string(),
            "Nhà xuất bản Thử Nghiệm".to_string()
        )),
        "{got:?}"
    );
}

/// The nav's table of contents lists the chapters and their headings, not
/// the cover and the title page (a reader's contents is for finding the
/// text); the landmarks nav and the OPF guide still name both (EPUB 3.3
/// §7.4.3 `cover`, `titlepage`; Calibre's MOBI writer reads the guide), and
/// the NCX lists what the nav lists, in the same order.
#[test]
fn the_contents_list_the_chapters_and_the_landmarks_the_front_pages() {
    let path = root().join("tests/fixtures/mixed.md");
    let md = std::fs::read_to_string(&path).unwrap().replacen(
        "lang: vi\n",
        "lang: vi\ncover: images/ruong.png\n",
        1,
    );
    let (epub, _) = build(&md, &path, &fonts());
    let files = unzip(&epub);
    let nav = text_of(&files, "OEBPS/nav.xhtml");
    let attrs = |s: &str, name: &str| -> Vec<String> {
        s.split(&format!("{name}=\""))
            .skip(1)
            .map(|r| r[..r.find('"').unwrap()].to_string())
            .collect()
    };
    let split = nav.find("epub:type=\"landmarks\"").unwrap();
    let toc = attrs(&nav[nav.find("epub:type=\"toc\"").unwrap()..split], "href");
    assert_eq!(
        toc,
        [
            "chapter-01.xhtml",
            "chapter-01.xhtml#nhung-dieu-can-chuan-bi",
            "chapter-01.xhtml#so-lieu-cac-tinh",
            "chapter-01.xhtml#ma-nguon",
            "chapter-01.xhtml#hinh-anh",
            "chapter-02.xhtml",
        ],
        "{nav}"
    );
    let landmarks = &nav[split..];
    let kinds: Vec<(String, String)> = attrs(landmarks, "epub:type")
        .into_iter()
        .skip(1) // the nav's own
        .zip(attrs(landmarks, "href"))
        .collect();
    let pair = |k: &str, h: &str| (k.to_string(), h.to_string());
    assert_eq!(
        kinds,
        [
            pair("cover", "cover.xhtml"),
            pair("titlepage", "title.xhtml"),
            pair("bodymatter", "chapter-01.xhtml"),
        ],
        "{landmarks}"
    );
    assert!(
        landmarks.contains(">Bìa</a>") && landmarks.contains(">Trang tên sách</a>"),
        "{landmarks}"
    );
    let opf = text_of(&files, "OEBPS/content.opf");
    let guide = &opf[opf.find("<guide>").unwrap()..opf.find("</guide>").unwrap()];
    let types: Vec<(String, String)> = attrs(guide, "type")
        .into_iter()
        .zip(attrs(guide, "href"))
        .collect();
    for want in [
        pair("cover", "cover.xhtml"),
        pair("title-page", "title.xhtml"),
        pair("text", "chapter-01.xhtml"),
    ] {
        assert!(types.contains(&want), "{want:?} not in the guide: {guide}");
    }
    let ncx = text_of(&files, "OEBPS/toc.ncx");
    assert_eq!(attrs(&ncx, "src"), toc, "{ncx}");
}
