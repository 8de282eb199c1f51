//! Kindle formats, as Calibre's `ebook-convert` makes them from our EPUB:
//! the article and `mixed.md` are converted to AZW3 and to MOBI (one
//! conversion per format per document, all at once), and
//!
//! - no conversion prints a warning: a line of Calibre's output holding
//!   "warn", "error", "fail", "could not", "unable", "invalid" or "ignor"
//!   (any case) — what its logger prints for a CSS it cannot parse, a link
//!   it cannot resolve, a font or an image it cannot use, a split it cannot
//!   make;
//! - the title page stays one page: each AZW3 is read back to EPUB
//!   (`ebook-convert x.azw3 x.epub`, Calibre's MOBI input, which breaks the
//!   page before every `h1` and `h2` by default) and the dateline, the
//!   title, the authors and the source line are found in one content file.
//!   With the title an `h1` after the dateline, the dateline came out on a
//!   page of its own.
//!
//! `bash .ci/test-deps` installs Calibre.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

mod common;

use common::{bundled_fonts, root, unzip};

/// The words that make a line of Calibre's output a warning.
const WARNING_WORDS: &[&str] = &[
    "warn",
    "error",
    "fail",
    "could not",
    "unable",
    "invalid",
    "ignor",
];

/// The lines of `log` that are warnings.
fn warnings(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            let l = l.to_lowercase();
            WARNING_WORDS.iter().any(|w| l.contains(w))
        })
        .collect()
}

/// Starts `ebook-convert from to`, with a private Qt runtime folder (Qt
/// otherwise says it is defaulting to one, on every run).
fn convert(from: &Path, to: &Path, runtime: &Path) -> Child {
    Command::new("ebook-convert")
        .arg(from)
        .arg(to)
        .env("XDG_RUNTIME_DIR", runtime)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run `ebook-convert` ({e}): install Calibre with `bash .ci/test-deps`")
        })
}

/// Waits for a conversion; its whole output, or a panic with it.
fn finish(what: &str, child: Child) -> String {
    let out = child.wait_with_output().unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "ebook-convert {what} failed:\n{log}");
    log
}

/// The text of an XHTML file, tags dropped and white space folded.
fn text(xhtml: &str) -> String {
    common::tag_text(xhtml)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The texts of the title page's lines in our EPUB, by class.
fn title_page_lines(epub: &[u8]) -> Vec<(String, String)> {
    let files = unzip(epub);
    let page = String::from_utf8(files["OEBPS/title.xhtml"].clone()).unwrap();
    page.split("class=\"")
        .skip(1)
        .filter_map(|rest| {
            let class = &rest[..rest.find('"')?];
            let inner = &rest[rest.find('>')? + 1..rest.find("</")?];
            (class != "titlepage").then(|| (class.to_string(), text(inner)))
        })
        .collect()
}

#[test]
fn calibre_converts_to_azw3_and_mobi_without_a_warning_and_keeps_the_title_page_whole() {
    let fonts = bundled_fonts();
    let dir = tempfile::tempdir().unwrap();
    let runtime = dir.path().join("runtime");
    std::fs::create_dir(&runtime).unwrap();
    let docs = [
        ("article", root().join("source/article.md")),
        ("mixed", root().join("tests/fixtures/mixed.md")),
    ];
    let mut epubs = Vec::new();
    for (name, path) in &docs {
        let md = std::fs::read_to_string(path).unwrap();
        let (epub, _) = common::epub_from_markdown(&md, path, &fonts);
        let file = dir.path().join(format!("{name}.epub"));
        std::fs::write(&file, &epub).unwrap();
        epubs.push((*name, file, epub));
    }
    let started = Instant::now();
    let runs: Vec<(String, PathBuf, Child)> = epubs
        .iter()
        .flat_map(|(name, file, _)| {
            ["azw3", "mobi"].map(|format| {
                let to = dir.path().join(format!("{name}.{format}"));
                (
                    format!("{name}.epub → {format}"),
                    to.clone(),
                    convert(file, &to, &runtime),
                )
            })
        })
        .collect();
    let mut noisy = Vec::new();
    let mut azw3 = Vec::new();
    for (what, to, child) in runs {
        let log = finish(&what, child);
        eprintln!(
            "{what}: {} bytes, done {:.1} s after the start, {} warning(s)",
            std::fs::metadata(&to).unwrap().len(),
            started.elapsed().as_secs_f64(),
            warnings(&log).len()
        );
        noisy.extend(warnings(&log).into_iter().map(|l| format!("{what}: {l}")));
        if to.extension().is_some_and(|e| e == "azw3") {
            azw3.push(to);
        }
    }
    assert!(noisy.is_empty(), "Calibre warned:\n{}", noisy.join("\n"));

    // Read each AZW3 back and find the title page's lines together.
    let started = Instant::now();
    let backs: Vec<_> = azw3
        .iter()
        .map(|from| {
            let to = from.with_extension("back.epub");
            let child = convert(from, &to, &runtime);
            (from.clone(), to, child)
        })
        .collect();
    for ((from, to, child), (name, _, epub)) in backs.into_iter().zip(&epubs) {
        finish(&format!("{} → epub", from.display()), child);
        eprintln!(
            "{name}.azw3 → epub: done {:.1} s after the start",
            started.elapsed().as_secs_f64()
        );
        let lines = title_page_lines(epub);
        let classes: Vec<&str> = lines.iter().map(|(c, _)| c.as_str()).collect();
        // What each document's title page must show, in this order.
        let expected: &[&str] = match *name {
            "article" => &["dateline", "title", "source"],
            _ => &[
                "dateline",
                "title",
                "subtitle",
                "authors",
                "source",
                "publisher",
            ],
        };
        assert_eq!(classes, expected, "{name}: {lines:?}");
        let back = unzip(&std::fs::read(&to).unwrap());
        // Each content file's body text (every file's `<title>` is the book's).
        let bodies: Vec<(&String, String)> = back
            .iter()
            .filter(|(n, _)| n.ends_with(".html") || n.ends_with(".xhtml"))
            .map(|(n, bytes)| {
                let html = String::from_utf8_lossy(bytes);
                let body = html.find("<body").map_or(&html[..], |at| &html[at..]);
                (n, text(body))
            })
            .collect();
        let whole = bodies
            .iter()
            .any(|(_, t)| lines.iter().all(|(_, line)| t.contains(line.as_str())));
        assert!(
            whole,
            "{name}: no file of the AZW3 read back holds all of the title page {lines:?}:\n{}",
            bodies
                .iter()
                .filter(|(_, t)| lines.iter().any(|(_, line)| t.contains(line.as_str())))
                .map(|(n, t)| format!("{n}: {}", t.chars().take(300).collect::<String>()))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
