//! Helpers shared by the integration tests that read PDFs through poppler.
#![allow(dead_code)] // each test crate uses a different subset

use std::path::{Path, PathBuf};
use std::process::Command;

use trang::doc::{Block, BlockKind, Inline, InlineKind};

/// Runs `trang build ARGS -o DIR INPUT` with a fixed SOURCE_DATE_EPOCH,
/// asserts it succeeds, and returns its stderr.
pub fn build_ok(input: &Path, dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_trang"))
        .arg("build")
        .args(args)
        .arg("-o")
        .arg(dir)
        .arg(input)
        .env("SOURCE_DATE_EPOCH", "1656979200")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    err
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs a checker; a missing tool fails the test with the set-up command.
pub fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run `{name}` ({e}): install the test tools with `bash .ci/test-deps`")
    });
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// NFC, then white space folded to single spaces.
pub fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug)]
pub struct Word {
    pub page: usize,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub text: String,
}

/// Words with their boxes, in pdftotext's reading order.
pub fn words(pdf: &Path) -> Vec<Word> {
    let html = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let mut out = Vec::new();
    let mut page = 0;
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            page += 1;
        }
        if let Some(rest) = line.strip_prefix("<word ") {
            let attr = |name: &str| -> f32 {
                let key = format!("{name}=\"");
                let s = &rest[rest.find(&key).unwrap() + key.len()..];
                s[..s.find('"').unwrap()].parse().unwrap()
            };
            let text = &rest[rest.find('>').unwrap() + 1..rest.rfind("</word>").unwrap()];
            out.push(Word {
                page: page - 1,
                x0: attr("xMin"),
                y0: attr("yMin"),
                x1: attr("xMax"),
                y1: attr("yMax"),
                text: text
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"),
            });
        }
    }
    out
}

/// Checks that every font of `pdf` is embedded, subset (with a subset tag)
/// and has a ToUnicode map, as `pdffonts` reports; returns how many there are.
pub fn assert_fonts_subset(pdf: &Path) -> usize {
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "emb/sub/uni: {row}"
        );
        assert!(cols[0].as_bytes()[6] == b'+', "subset tag: {row}");
    }
    rows.len()
}

/// The CommonMark spec examples: (number, Markdown).
pub fn commonmark_examples() -> Vec<(usize, String)> {
    let path = root().join("../shared/corpus/commonmark-spec.txt");
    let spec = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the CommonMark corpus is missing at {} ({e}); CI clones the project with shared/ beside it",
            path.display()
        )
    });
    let fence = format!("{} example", "`".repeat(32));
    let close = "`".repeat(32);
    let mut examples = Vec::new();
    let mut lines = spec.lines();
    while let Some(line) = lines.next() {
        if line != fence {
            continue;
        }
        let mut md = String::new();
        for l in lines.by_ref() {
            if l == "." {
                break;
            }
            md.push_str(l);
            md.push('\n');
        }
        for l in lines.by_ref() {
            if l == close {
                break;
            }
        }
        examples.push((examples.len() + 1, md.replace('→', "\t")));
    }
    examples
}

/// Points image sources that name no file at a fixture image (the spec's
/// examples use made-up paths such as `/url`), keeping remote URLs.
pub fn fix_images(blocks: &mut [Block], image: &str) {
    fn inlines(list: &mut [Inline], image: &str) {
        for inl in list {
            match &mut inl.kind {
                InlineKind::Image { src, alt, .. } => {
                    if !src.contains("://") {
                        *src = image.to_string();
                    }
                    inlines(alt, image);
                }
                InlineKind::Emphasis(c) | InlineKind::Strong(c) | InlineKind::Strikethrough(c) => {
                    inlines(c, image)
                }
                InlineKind::Link { content, .. } => inlines(content, image),
                _ => {}
            }
        }
    }
    for b in blocks {
        match &mut b.kind {
            BlockKind::Heading { content, .. } | BlockKind::Paragraph(content) => {
                inlines(content, image)
            }
            BlockKind::BlockQuote(c) => fix_images(c, image),
            BlockKind::List { items, .. } => items
                .iter_mut()
                .for_each(|i| fix_images(&mut i.blocks, image)),
            BlockKind::Table { header, rows, .. } => {
                header.iter_mut().for_each(|c| inlines(c, image));
                rows.iter_mut().flatten().for_each(|c| inlines(c, image));
            }
            _ => {}
        }
    }
}
