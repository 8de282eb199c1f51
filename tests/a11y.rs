//! Accessibility of the EPUB, as DAISY Ace checks it: the article and the
//! mixed fixture built with their PDFs (so with the PDF's page list), and the
//! mixed fixture with a contents page (`toc: true`), EPUB only, are built
//! and each is checked by one Ace process (its puppeteer runner,
//! `ace-puppeteer`, driving Debian's Chromium), all three at once. Ace runs
//! axe-core on every content document plus its own EPUB checks; the test
//! prints the violations per impact and fails on any, whatever its impact
//! (the package claims WCAG 2.2 AA, `src/epub/meta.rs` `conformance`).
//! The generated book (`cargo run --release --example genbook -- --chapters
//! 60 --seed 1`) is left to a manual run: Ace takes 50 s on it, against 7 s
//! on each of these. `bash .ci/test-deps` installs Chromium and Ace.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::root;
use trang::diag::Diagnostics;
use trang::fonts::FontSet;

/// The browser Ace's puppeteer runner is told to use (`PUPPETEER_EXECUTABLE_PATH`).
const CHROMIUM: &str = "/usr/bin/chromium";

fn build(md: &str, path: &Path, fonts: &FontSet) -> Vec<u8> {
    common::epub_from_markdown(md, path, fonts).0
}

/// Violations of one Ace report: impact → (rule → count), and where.
struct Findings {
    by_impact: BTreeMap<String, BTreeMap<String, usize>>,
    places: Vec<String>,
}

/// Reads Ace's `report.json` (EARL: `assertions[]` per content document, each
/// with `assertions[]` of failed tests carrying `earl:test.earl:impact`).
fn findings(report: &Path) -> Findings {
    let text = std::fs::read_to_string(report)
        .unwrap_or_else(|e| panic!("Ace wrote no report at {} ({e})", report.display()));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut f = Findings {
        by_impact: BTreeMap::new(),
        places: Vec::new(),
    };
    let docs = json["assertions"]
        .as_array()
        .unwrap_or_else(|| panic!("no `assertions` in {}", report.display()));
    for doc in docs {
        let url = doc["earl:testSubject"]["url"].as_str().unwrap_or("?");
        for a in doc["assertions"].as_array().into_iter().flatten() {
            let test = &a["earl:test"];
            let impact = test["earl:impact"].as_str().unwrap_or("unknown");
            let rule = test["dct:title"].as_str().unwrap_or("?");
            *f.by_impact
                .entry(impact.to_string())
                .or_default()
                .entry(rule.to_string())
                .or_default() += 1;
            let html = a["earl:result"]["html"].as_str().unwrap_or("");
            f.places.push(format!(
                "{url}: {impact} {rule}: {}",
                html.chars().take(160).collect::<String>()
            ));
        }
    }
    f
}

/// Starts `ace-puppeteer` on `epub`, writing its reports to `out`.
fn start_ace(epub: &Path, out: &Path) -> std::process::Child {
    let browser = std::env::var_os("PUPPETEER_EXECUTABLE_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(CHROMIUM));
    assert!(
        browser.is_file(),
        "no Chromium at {}: install the test tools with `bash .ci/test-deps`",
        browser.display()
    );
    Command::new("ace-puppeteer")
        .args(["--force", "--silent", "--outdir"])
        .arg(out)
        .arg(epub)
        .env("PUPPETEER_EXECUTABLE_PATH", &browser)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run `ace-puppeteer` ({e}): install DAISY Ace and Chromium with `bash .ci/test-deps`")
        })
}

#[test]
fn ace_finds_no_violation() {
    let fonts = FontSet::load(&FontSet::bundled_dir(), &mut Diagnostics::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fixtures = root().join("tests/fixtures");
    let article = root().join("source/article.md");
    let mixed_path = fixtures.join("mixed.md");
    let mixed = std::fs::read_to_string(&mixed_path).unwrap();
    let with_toc = mixed.replacen("lang: vi\n", "lang: vi\ntoc: true\n", 1);
    assert_ne!(with_toc, mixed, "mixed.md should set `lang: vi`");
    // The article and mixed.md are built with their PDFs (A5: the article
    // has two pages), so their EPUBs carry the page list of the PDF
    // (`pagebreak` markers, the `page-list` nav, `pageBreakSource`).
    let with_pdf = |input: &Path, stem: &str| {
        let out = dir.path().join(format!("{stem}-with-pdf"));
        common::build_ok(input, &out, &["--paper", "a5"]);
        let epub = std::fs::read(out.join(format!("{stem}.epub"))).unwrap();
        let nav = common::epub_files(&epub)
            .into_iter()
            .find(|(name, _)| name.ends_with("nav.xhtml"))
            .map(|(_, text)| text)
            .unwrap_or_default();
        assert!(
            nav.contains("epub:type=\"page-list\""),
            "{stem}: no page list in the EPUB built with its PDF"
        );
        epub
    };
    let books = [
        ("article", with_pdf(&article, "article")),
        ("mixed", with_pdf(&mixed_path, "mixed")),
        ("mixed-toc", build(&with_toc, &mixed_path, &fonts)),
    ];
    // One Ace process per book, all running at once.
    let started = Instant::now();
    let runs: Vec<_> = books
        .iter()
        .map(|(name, epub)| {
            let file = dir.path().join(format!("{name}.epub"));
            std::fs::write(&file, epub).unwrap();
            let out = dir.path().join(format!("ace-{name}"));
            (*name, out.clone(), start_ace(&file, &out))
        })
        .collect();
    let mut failures = Vec::new();
    for (name, out, child) in runs {
        let result = child.wait_with_output().unwrap();
        let took: Duration = started.elapsed();
        assert!(
            result.status.success(),
            "Ace failed on {name} ({}); is Chromium at {CHROMIUM}? `bash .ci/test-deps` installs both:\n{}{}",
            result.status,
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr)
        );
        let f = findings(&out.join("report.json"));
        let count = |impact: &str| f.by_impact.get(impact).map_or(0, |r| r.values().sum());
        eprintln!(
            "Ace on {name} (done {:.1} s after the start): critical {}, serious {}, moderate {}, minor {}; {:?}",
            took.as_secs_f64(),
            count("critical"),
            count("serious"),
            count("moderate"),
            count("minor"),
            f.by_impact
        );
        if !f.places.is_empty() {
            failures.push(format!("{name}:\n  {}", f.places.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "Ace found violations:\n{}",
        failures.join("\n")
    );
}

/// What Ace cannot see: the nav's toc carries its DPUB-ARIA role (Ace only
/// rates its absence `moderate`), and links in running text are underlined
/// by the stylesheet, not left to the reading system.
#[test]
fn the_nav_has_its_role_and_links_in_text_are_underlined() {
    use std::io::Read;
    let fonts = FontSet::load(&FontSet::bundled_dir(), &mut Diagnostics::default()).unwrap();
    let path = root().join("tests/fixtures/mixed.md");
    let epub = build(&std::fs::read_to_string(&path).unwrap(), &path, &fonts);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let nav = read("OEBPS/nav.xhtml");
    assert!(
        nav.contains("<nav epub:type=\"toc\" id=\"toc\" role=\"doc-toc\">"),
        "{nav}"
    );
    let css = read("OEBPS/stylesheet.css");
    assert!(
        css.contains("a[href] { text-decoration: underline; }"),
        "{css}"
    );
    assert!(
        !css.contains("overflow-x"),
        "a scroll wrapper cuts long tables in paginated readers"
    );
}

/// One run of `tests/reader/paginate.cjs` on table `table` of `epub`.
fn page_through(epub: &Path, shots: &Path, table: usize) -> std::process::Child {
    Command::new("node")
        .arg(root().join("tests/reader/paginate.cjs"))
        .arg(epub)
        .arg(shots)
        .arg(table.to_string())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): set up with `bash .ci/test-deps`"))
}

/// A 40-row table in a paginated Chromium reader (epub.js in headless
/// Chromium): every row is shown, in full, on some page, and a table of
/// eight columns with a URL and a long identifier fits its column. With the
/// old `overflow-x: auto` wrapper epub.js showed rows 1–17 and never 18–40,
/// and the wide table stuck out 180 px.
#[test]
fn a_long_table_flows_across_pages_in_a_paginated_reader() {
    let fonts = FontSet::load(&FontSet::bundled_dir(), &mut Diagnostics::default()).unwrap();
    let path = root().join("tests/reader/long-table.md");
    let epub = build(&std::fs::read_to_string(&path).unwrap(), &path, &fonts);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long-table.epub");
    std::fs::write(&file, epub).unwrap();
    let started = Instant::now();
    let runs: Vec<_> = [0, 1]
        .into_iter()
        .map(|t| {
            (
                t,
                page_through(&file, &dir.path().join(format!("shots-{t}")), t),
            )
        })
        .collect();
    for (table, child) in runs {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "the reader check failed on table {table} (playwright-core, epubjs and jszip come from \
             `bash .ci/test-deps`, Chromium at {CHROMIUM}):\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        let rows = report["rows"].as_u64().unwrap();
        let seen: Vec<u64> = report["seen"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        eprintln!(
            "epub.js, table {table}: {} of {rows} rows seen on {} pages, {} px wider than its column ({:.1} s)",
            seen.len(),
            report["pages"].as_array().unwrap().len(),
            report["overflow"],
            started.elapsed().as_secs_f64()
        );
        assert_eq!(rows, [40, 2][table], "{report}");
        assert_eq!(seen, (1..=rows).collect::<Vec<_>>(), "{report}");
        assert_eq!(report["overflow"].as_u64(), Some(0), "{report}");
    }
}

/// Every glyph Chromium draws comes from the embedded subsets: no element's
/// text falls back to a system font (`tests/reader/fonts.cjs` asks the
/// DevTools protocol which fonts drew each element's text). Before the usage
/// scan followed the stylesheet's rules, the contents page's bold entries
/// ("1. Mở đầu") took 3 glyphs each from DejaVu Serif Bold.
#[test]
fn chromium_draws_every_glyph_from_the_embedded_subsets() {
    let fonts = FontSet::load(&FontSet::bundled_dir(), &mut Diagnostics::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fixtures = root().join("tests/fixtures");
    let mixed_path = fixtures.join("mixed.md");
    let mixed = std::fs::read_to_string(&mixed_path).unwrap();
    let with_toc = mixed.replacen("lang: vi\n", "lang: vi\ntoc: true\n", 1);
    let constructs = fixtures.join("constructs.md");
    let article = root().join("source/article.md");
    let books = [
        ("mixed-toc", build(&with_toc, &mixed_path, &fonts)),
        (
            "constructs",
            build(
                &std::fs::read_to_string(&constructs).unwrap(),
                &constructs,
                &fonts,
            ),
        ),
        (
            "article",
            build(
                &std::fs::read_to_string(&article).unwrap(),
                &article,
                &fonts,
            ),
        ),
    ];
    let runs: Vec<_> = books
        .iter()
        .map(|(name, epub)| {
            let file = dir.path().join(format!("{name}.epub"));
            std::fs::write(&file, epub).unwrap();
            let child = Command::new("node")
                .arg(root().join("tests/reader/fonts.cjs"))
                .arg(&file)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!("cannot run `node` ({e}): set up with `bash .ci/test-deps`")
                });
            (*name, child)
        })
        .collect();
    let mut fallbacks = Vec::new();
    for (name, child) in runs {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "the font check failed on {name} (playwright-core and jszip come from \
             `bash .ci/test-deps`, Chromium at {CHROMIUM}):\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        let fallback = report["fallback"].as_array().unwrap();
        eprintln!(
            "{name}: {} documents, {} elements with text, {} drawn partly by a system font; glyphs per face {}",
            report["files"],
            report["elements"],
            fallback.len(),
            report["faces"]
        );
        assert!(report["elements"].as_u64().unwrap() > 10, "{report}");
        fallbacks.extend(fallback.iter().map(|f| format!("{name}: {f}")));
    }
    assert!(
        fallbacks.is_empty(),
        "text drawn with a system font:\n{}",
        fallbacks.join("\n")
    );
}
