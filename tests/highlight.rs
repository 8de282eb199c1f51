//! Highlighted code and tabs in code, in both outputs (issue 13): the PDF
//! draws a Rust or Python block in several palette colours and an unknown
//! language in one; the EPUB marks the same tokens with classes; tabs are
//! expanded to 4-column stops once, in the model, so the PDF draws no
//! `.notdef` box and puts every character in its column.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

mod common;

use common::{build_ok, fold, root, tool};
use trang::cli::Paper;
use trang::diag::{Diagnostics, SourceFile};
use trang::doc::BlockKind;
use trang::frame::Item;

/// Builds `md` (written to `DIR/NAME.md`) as EPUB and PDF; returns the paths.
fn build(dir: &Path, name: &str, md: &str) -> (PathBuf, PathBuf) {
    let input = dir.join(format!("{name}.md"));
    std::fs::write(&input, md).unwrap();
    build_ok(&input, dir, &["-q"]);
    (
        dir.join(format!("{name}.epub")),
        dir.join(format!("{name}.pdf")),
    )
}

/// A document with one fenced block of `lang` holding `code`.
fn one_block(lang: &str, code: &str) -> String {
    format!("---\ntitle: Mã\nlang: vi\n---\n\nĐoạn mã:\n\n```{lang}\n{code}```\n")
}

/// The fill colours (sRGB in thousandths) of the text the PDF draws in the
/// code face at the code size (the language label is set smaller).
fn code_colours(pdf: &Path) -> BTreeSet<[i64; 3]> {
    use lopdf::Object;
    let doc = lopdf::Document::load(pdf).unwrap();
    let mut by_size: Vec<(f32, [i64; 3])> = Vec::new();
    for (_, page) in doc.get_pages() {
        let resources = match doc.get_dictionary(page).unwrap().get(b"Resources").unwrap() {
            Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
            o => o.as_dict().unwrap(),
        };
        let fonts = match resources.get(b"Font").unwrap() {
            Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
            o => o.as_dict().unwrap(),
        };
        let is_code = |name: &[u8]| {
            let font = doc
                .get_dictionary(fonts.get(name).unwrap().as_reference().unwrap())
                .unwrap();
            let base = font.get(b"BaseFont").unwrap().as_name().unwrap();
            String::from_utf8_lossy(base).contains("SourceCodePro")
        };
        let content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
        let num = |o: &Object| o.as_float().unwrap();
        let mut fill = [0i64; 3];
        let mut font = (false, 0.0f32);
        for op in content.operations {
            match op.operator.as_str() {
                "rg" => {
                    for (k, o) in op.operands.iter().enumerate() {
                        fill[k] = (num(o) * 1000.0).round() as i64;
                    }
                }
                "g" => fill = [(num(&op.operands[0]) * 1000.0).round() as i64; 3],
                "Tf" => {
                    font = (
                        is_code(op.operands[0].as_name().unwrap()),
                        num(&op.operands[1]),
                    )
                }
                "TJ" | "Tj" if font.0 => by_size.push((font.1, fill)),
                _ => {}
            }
        }
    }
    let size = by_size.iter().map(|p| p.0).fold(0.0, f32::max);
    by_size
        .into_iter()
        .filter(|p| p.0 == size)
        .map(|p| p.1)
        .collect()
}

/// The text of the EPUB's content documents (all `.xhtml` but nav and title page).
fn epub_xhtml(epub: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut out = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().to_string();
        if name.ends_with(".xhtml") && !name.contains("nav") && !name.contains("title") {
            f.read_to_string(&mut out).unwrap();
        }
    }
    out
}

#[test]
fn rust_and_python_are_drawn_in_several_colours_and_unknown_code_in_one() {
    let dir = tempfile::tempdir().unwrap();
    // The fixture's Rust block.
    let fixture = root().join("tests/fixtures/mixed.md");
    build_ok(&fixture, dir.path(), &["-q", "--format", "pdf"]);
    let rust = code_colours(&dir.path().join("mixed.pdf"));
    assert!(rust.len() >= 3, "mixed.md's Rust block: {rust:?}");

    let python =
        "def dien_tich(ruong):\n    # diện tích, ha\n    return sum(r.ha for r in ruong) / 2.5\n";
    let (epub, pdf) = build(dir.path(), "python", &one_block("python", python));
    let colours = code_colours(&pdf);
    assert!(colours.len() >= 3, "Python: {colours:?}");
    let xhtml = epub_xhtml(&epub);
    assert!(
        xhtml.contains("<div class=\"code-lang\">python</div>"),
        "{xhtml}"
    );
    assert!(
        xhtml.contains("<code class=\"language-python\">"),
        "{xhtml}"
    );
    assert!(
        xhtml.contains("<span class=\"hl-kw\">def</span>"),
        "{xhtml}"
    );
    assert!(
        xhtml.contains("<span class=\"hl-com\"># diện tích, ha</span>"),
        "{xhtml}"
    );
    assert!(
        xhtml.contains("<span class=\"hl-num\">2.5</span>"),
        "{xhtml}"
    );
    // The PDF prints the label and the code, in order.
    let text = tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    assert!(
        fold(&text).contains(&fold(&format!("python {python}"))),
        "{text}"
    );

    // An unknown language and no language: one colour, no spans.
    for (name, lang) in [("unknown", "no-such-language"), ("none", "")] {
        let (epub, pdf) = build(dir.path(), name, &one_block(lang, python));
        let colours = code_colours(&pdf);
        assert_eq!(colours.len(), 1, "{name}: {colours:?}");
        let xhtml = epub_xhtml(&epub);
        assert!(!xhtml.contains("hl-"), "{name}: {xhtml}");
        assert_eq!(xhtml.contains("code-lang"), !lang.is_empty(), "{name}");
    }
}

/// The case `one-model/tabs-in-code.md`, with a code span holding a tab.
const TABS: &str = "---\ntitle: t\nlang: vi\n---\n\n```\nx\t/y\n)\tb\nx;\tb\nx\t-b\nx\t(b\n\"a\"\tb\nA\t1\nx\t#b\n```\n\nMột `a\t/b` ở giữa câu.\n";

/// The code lines of [`TABS`] with tabs expanded to 4-column stops.
const EXPANDED: [&str; 8] = [
    "x   /y", ")   b", "x;  b", "x   -b", "x   (b", "\"a\" b", "A   1", "x   #b",
];

#[test]
fn tabs_expand_to_stops_in_the_model_and_both_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tabs.md");
    // The model: no tab left, every character in its column.
    let mut diags = Diagnostics::default();
    let doc = trang::markdown::parse(SourceFile::new(&path, TABS), &mut diags);
    let code = doc
        .blocks
        .iter()
        .find_map(|b| match &b.kind {
            BlockKind::CodeBlock { text, .. } => Some(text.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(code, EXPANDED.join("\n") + "\n");
    let para = format!("{:?}", doc.blocks.last().unwrap().kind);
    assert!(para.contains("Code(\"a   /b\")"), "{para}");

    // The layout: no .notdef glyph, no tab, and each code character at
    // its column (Source Code Pro: every glyph one advance wide).
    let mut diags = Diagnostics::default();
    std::fs::write(&path, TABS).unwrap();
    let p = trang::prepare(&path, None, &mut diags).unwrap();
    let (layout, _) = trang::typeset::typeset(&p.doc, &p.fonts, Paper::A5, 0);
    // Per baseline: (x, first character, advance) of every cluster, and
    // whether all of the line is in the code face.
    type Line = (Vec<(f32, char, f32)>, bool);
    let mut lines: std::collections::BTreeMap<i64, Line> = Default::default();
    for page in &layout.pages {
        for it in &page.items {
            let Item::Text(run) = &it.item else { continue };
            assert!(!run.text.contains('\t'), "{:?}", run.text);
            assert!(
                run.glyphs.iter().all(|g| g.id != 0),
                ".notdef in {:?}",
                run.text
            );
            let code = layout.fonts[run.font.0].name.contains("SourceCode");
            let line = lines
                .entry((it.pos.y * 10.0).round() as i64)
                .or_insert((Vec::new(), true));
            line.1 &= code;
            let mut x = it.pos.x;
            for c in run.clusters() {
                let ch = run.text[c.text_range()].chars().next().unwrap();
                let advance: f32 = c.glyph_range().map(|k| run.glyphs[k].x_advance).sum();
                line.0.push((x, ch, advance));
                x += advance;
            }
        }
    }
    let drawn: Vec<&Vec<(f32, char, f32)>> = lines
        .values()
        .filter(|(glyphs, code)| *code && glyphs.len() > 1)
        .map(|(glyphs, _)| glyphs)
        .collect();
    assert_eq!(drawn.len(), EXPANDED.len(), "{drawn:?}");
    for (glyphs, expected) in drawn.into_iter().zip(EXPANDED) {
        // Every line starts with a character; code is monospace.
        let (x0, _, width) = glyphs[0];
        let found: Vec<(usize, char)> = glyphs
            .iter()
            .filter(|g| g.1 != ' ')
            .map(|&(x, c, _)| {
                let col = ((x - x0) / width).round() as usize;
                assert!(
                    ((x - x0) - col as f32 * width).abs() < 0.05,
                    "`{expected}`: `{c}` off its column"
                );
                (col, c)
            })
            .collect();
        let want: Vec<(usize, char)> = expected
            .chars()
            .enumerate()
            .filter(|p| p.1 != ' ')
            .collect();
        assert_eq!(found, want, "`{expected}`");
    }

    // The PDF: what is copied is the code, nothing drawn in between.
    let (epub, pdf) = build(dir.path(), "tabs-pdf", TABS);
    let text = tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    assert!(fold(&text).contains(&fold(&EXPANDED.join("\n"))), "{text}");
    assert!(fold(&text).contains("Một a /b ở giữa câu."), "{text}");
    // The EPUB holds the same expanded code.
    let xhtml = epub_xhtml(&epub);
    assert!(xhtml.contains("x   /y\n)   b\nx;  b"), "{xhtml}");
    assert!(!xhtml.contains('\t'));
}

#[test]
fn code_over_the_budget_is_plain_with_one_warning() {
    let big = "let x = 1;\n".repeat(trang::highlight::BUDGET / 11 + 1);
    let md = format!(
        "---\ntitle: t\n---\n\n```rust\nfn a() {{}}\n```\n\n```rust\n{big}```\n\n```rust\n{big}```\n"
    );
    let mut diags = Diagnostics::default();
    let doc = trang::markdown::parse(
        SourceFile::new(Path::new("big.md"), md.as_str()),
        &mut diags,
    );
    let tokens: Vec<usize> = doc
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::CodeBlock { tokens, .. } => Some(tokens.len()),
            _ => None,
        })
        .collect();
    assert_eq!(tokens, [1, 0, 0]);
    let warnings: Vec<String> = diags.items.iter().map(|d| d.message.clone()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("2 code blocks ("), "{warnings:?}");
}

#[test]
fn code_inside_quotes_lists_and_notes_is_highlighted() {
    let md = "---\ntitle: t\n---\n\n> ```rust\n> fn a() {}\n> ```\n\n- mục\n\n  ```py\n  x = 1\n  ```\n\nChú thích[^n].\n\n[^n]: Ghi chú:\n\n    ```sh\n    echo hi\n    ```\n";
    let mut diags = Diagnostics::default();
    let doc = trang::markdown::parse(SourceFile::new(Path::new("nested.md"), md), &mut diags);
    let mut found = Vec::new();
    let mut blocks: Vec<&trang::doc::Block> = doc.blocks.iter().collect();
    blocks.extend(doc.footnotes.iter().flat_map(|f| f.blocks.iter()));
    while let Some(b) = blocks.pop() {
        match &b.kind {
            BlockKind::BlockQuote(c) => blocks.extend(c),
            BlockKind::List { items, .. } => blocks.extend(items.iter().flat_map(|i| &i.blocks)),
            BlockKind::CodeBlock { lang, tokens, .. } => {
                found.push((lang.clone().unwrap(), tokens.iter().flatten().count() > 1))
            }
            _ => {}
        }
    }
    found.sort();
    assert_eq!(
        found,
        [
            ("py".into(), true),
            ("rust".into(), true),
            ("sh".into(), true)
        ]
    );
}
