//! Issue 14, items 5–7: front matter of other tools, the title after a
//! preamble, the Markdown dialects people write, diagnostics at real-world
//! volume. Each test runs the release binary in an empty temporary folder
//! on a case of `tests/fixtures/real-docs/` (copies of
//! `../shared/cases/real-docs/`) or on a document written here, and checks
//! what a user sees: the exit code, stderr, `pdftotext`, `pdfimages -list`
//! and the EPUB's XHTML.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{epub_files, root, tool};

/// A build's exit code, stderr, EPUB files and PDF text.
struct Built {
    code: Option<i32>,
    stderr: String,
    /// The content documents (`chapter-*.xhtml`), joined.
    xhtml: String,
    /// The package document.
    opf: String,
    /// `pdftotext` of the PDF.
    text: String,
    pdf: PathBuf,
    _dir: tempfile::TempDir,
}

/// Copies `files` of the real-docs fixtures (and writes `extra`) into an
/// empty folder and runs `trang build ARGS NAME` there.
fn build(name: &str, files: &[&str], extra: &[(&str, &str)], args: &[&str]) -> Built {
    let dir = tempfile::tempdir().unwrap();
    for f in files {
        let from = root().join("tests/fixtures/real-docs").join(f);
        let to = dir.path().join(f);
        std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    }
    for (f, text) in extra {
        std::fs::write(dir.path().join(f), text).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_trang"))
        .current_dir(dir.path())
        .arg("build")
        .arg("-q")
        .args(args)
        .arg(name)
        .env("SOURCE_DATE_EPOCH", "1656979200")
        .output()
        .unwrap();
    let stem = Path::new(name).file_stem().unwrap().to_str().unwrap();
    let out_dir = dir.path().join("out");
    let epub = std::fs::read(out_dir.join(format!("{stem}.epub"))).unwrap_or_default();
    let files = if epub.is_empty() {
        Default::default()
    } else {
        epub_files(&epub)
    };
    let xhtml: String = files
        .iter()
        .filter(|(k, _)| k.contains("chapter-"))
        .map(|(_, v)| v.as_str())
        .collect();
    let opf = files
        .iter()
        .find(|(k, _)| k.ends_with(".opf"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let pdf = out_dir.join(format!("{stem}.pdf"));
    let text = if pdf.exists() {
        tool("pdftotext", &[pdf.to_str().unwrap(), "-"])
    } else {
        String::new()
    };
    Built {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        xhtml,
        opf,
        text,
        pdf,
        _dir: dir,
    }
}

/// Asserts that `haystack` holds `needle`, showing it when not.
fn has(haystack: &str, needle: &str) {
    assert!(haystack.contains(needle), "no `{needle}` in:\n{haystack}");
}

/// Source syntax no output may show.
const SOURCE_ONLY: &[&str] = &[
    "{%", "%}", "{{<", ">}}", "!!!", "^2^", "~2~", "[[", "]]", "{width=",
];

#[test]
fn dialects_case_reads_as_its_author_meant() {
    let b = build("dialects.md", &["dialects.md", "hinh.png"], &[], &[]);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    for s in SOURCE_ONLY {
        assert!(!b.xhtml.contains(s), "EPUB shows `{s}`:\n{}", b.xhtml);
        assert!(!b.text.contains(s), "PDF shows `{s}`:\n{}", b.text);
    }
    for (output, needle) in [
        // Bare URLs and `www.` addresses are links.
        (
            &b.xhtml,
            "<a href=\"https://vi.wikipedia.org/wiki/Hu%E1%BA%BF\">https://vi.wikipedia.org/wiki/Huế</a>",
        ),
        (
            &b.xhtml,
            "<a href=\"http://www.example.com\">www.example.com</a> để",
        ),
        // H~2~O and a^2^.
        (&b.xhtml, "H<sub>2</sub>O"),
        (&b.xhtml, "a<sup>2</sup>."),
        (&b.text, "H2O"),
        // `{width=30%}`: a figure of 30 % of the text's width.
        (&b.xhtml, "style=\"width: 30%\""),
        // `{#muc-rieng .quan-trong}` on the heading.
        (
            &b.xhtml,
            "<h2 id=\"muc-rieng\" class=\"quan-trong\">Mục có mã riêng</h2>",
        ),
        // The admonition is a call-out with its own title, in both outputs.
        (
            &b.xhtml,
            "<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Lưu ý khi in</p>\n<p>In hai mặt",
        ),
        (&b.text, "Lưu ý khi in\nIn hai mặt"),
        // The wikilink's page is not in this one-file book: its text.
        (&b.xhtml, "Đọc thêm ở Trang chính."),
        (&b.text, "Đọc thêm ở Trang chính."),
    ] {
        has(output, needle);
    }
    // Two warnings: the unresolved wikilink, and the template tags grouped.
    let warnings: Vec<&str> = b
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", b.stderr);
    has(
        &b.stderr,
        "warning: 2 template tags of site generators (Jekyll, Hugo, mdBook) are left out\n  --> dialects.md:19:1",
    );
    has(
        &b.stderr,
        "= at: `{% include chu-thich.html %}` (19:1), `{{< youtube abc123 >}}` (20:1)",
    );
    has(&b.stderr, "`#trang-chinh`");
    has(&b.stderr, "dialects.md:17:12");
    assert!(b.stderr.lines().count() <= 20, "{}", b.stderr);
}

/// The pixels per inch `pdfimages -list` reports for the first image.
fn ppi(pdf: &Path) -> f32 {
    let list = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    let row = list.lines().nth(2).unwrap_or_else(|| panic!("{list}"));
    row.split_whitespace().nth(12).unwrap().parse().unwrap()
}

#[test]
fn image_width_in_percent_is_a_share_of_the_measure_in_the_pdf() {
    let doc = |w: &str| format!("---\ntitle: Ảnh\n---\n\n![Sơ đồ](hinh.png){{width={w}}}\n");
    let narrow = build("a.md", &["hinh.png"], &[("a.md", &doc("30%"))], &[]);
    let wide = build("a.md", &["hinh.png"], &[("a.md", &doc("60%"))], &[]);
    assert_eq!(narrow.code, Some(0), "{}", narrow.stderr);
    assert_eq!(wide.code, Some(0), "{}", wide.stderr);
    // Half the width: twice the pixels per inch.
    let ratio = ppi(&narrow.pdf) / ppi(&wide.pdf);
    assert!((ratio - 2.0).abs() < 0.05, "ppi ratio {ratio}");
    assert!(
        wide.xhtml.contains("style=\"width: 60%\""),
        "{}",
        wide.xhtml
    );
    // A length: CSS px in the EPUB.
    let cm = build("a.md", &["hinh.png"], &[("a.md", &doc("2.54cm"))], &[]);
    assert!(cm.xhtml.contains(" width=\"96\""), "{}", cm.xhtml);
    assert!(cm.stderr.is_empty(), "{}", cm.stderr);
    let bad = build("a.md", &["hinh.png"], &[("a.md", &doc("3em"))], &[]);
    assert!(
        bad.stderr
            .contains("warning: image width `3em` is not a size trang reads; ignored"),
        "{}",
        bad.stderr
    );
    assert!(!bad.text.contains("{width"), "{}", bad.text);
}

#[test]
fn wikilinks_and_heading_ids_link_inside_the_book() {
    let md = "---\ntitle: Sổ tay\n---\n\n## Trang chính\n\nXem [[Trang chính]], \
              [[Trang chính|trang đầu]], [[Sổ tay#Mục riêng]] và [đây](#muc-rieng).\n\n\
              ## Mục có mã {#muc-rieng .c}\n\nChữ.\n\n![[anh-nhung.png]]\n";
    let b = build("wiki.md", &[], &[("wiki.md", md)], &[]);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    assert!(b.stderr.is_empty(), "{}", b.stderr);
    for link in [
        "<a href=\"#trang-chinh\">Trang chính</a>",
        "<a href=\"#trang-chinh\">trang đầu</a>",
        "<a href=\"#muc-rieng\">Sổ tay &gt; Mục riêng</a>",
        "<a href=\"#muc-rieng\">đây</a>",
    ] {
        assert!(b.xhtml.contains(link), "no {link}:\n{}", b.xhtml);
    }
    // An Obsidian embed is not a link: it stays as written.
    assert!(b.text.contains("![[anh-nhung.png]]"), "{}", b.text);
}

#[test]
fn code_and_links_keep_what_looks_like_a_dialect() {
    let md = "---\ntitle: Mã\n---\n\nChạy `{% raw %}` và `https://a.example/x` hoặc \
              [trang](https://b.example/) https://c.example/d.\n\n\
              ```\n{{< youtube x >}}\n!!! note\nH~2~O\n```\n\n\
              ~~gạch~~ và ~dưới~ và www.d.example, (https://e.example/f).\n";
    let b = build("code.md", &[], &[("code.md", md)], &[]);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    assert!(b.stderr.is_empty(), "{}", b.stderr);
    // Inside code: kept, no link.
    assert!(b.xhtml.contains("<code>{% raw %}</code>"), "{}", b.xhtml);
    assert!(
        b.xhtml.contains("<code>https://a.example/x</code>"),
        "{}",
        b.xhtml
    );
    assert!(
        b.text.contains("{{< youtube x >}}\n!!! note\nH~2~O"),
        "{}",
        b.text
    );
    // Trailing punctuation and parentheses are not part of a bare URL.
    assert!(
        b.xhtml
            .contains("<a href=\"https://c.example/d\">https://c.example/d</a>."),
        "{}",
        b.xhtml
    );
    assert!(
        b.xhtml
            .contains("(<a href=\"https://e.example/f\">https://e.example/f</a>)."),
        "{}",
        b.xhtml
    );
    assert!(
        b.xhtml.contains("<a href=\"http://www.d.example\">"),
        "{}",
        b.xhtml
    );
    // `~~…~~` stays a strikethrough; a single `~` is a subscript.
    assert!(
        b.xhtml.contains("<del>gạch</del>") || b.xhtml.contains("<s>gạch</s>"),
        "{}",
        b.xhtml
    );
    assert!(b.xhtml.contains("<sub>dưới</sub>"), "{}", b.xhtml);
}

#[test]
fn collapsible_admonitions_without_title_take_the_kinds_label() {
    let md = "---\ntitle: Hộp\nlang: vi\n---\n\n???+ tip\n    Mẹo gấp giấy.\n\n\
              ??? danger \"Nguy hiểm\"\n    Đừng.\n\n    !!! warning\n        Lồng.\n\nSau.\n";
    let b = build("hop.md", &[], &[("hop.md", md)], &[]);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    assert!(
        b.xhtml.contains(
            "callout-tip\" role=\"note\">\n<p class=\"callout-title\">Mẹo</p>\n<p>Mẹo gấp giấy.</p>"
        ),
        "{}",
        b.xhtml
    );
    assert!(
        b.xhtml
            .contains("callout-caution\" role=\"note\">\n<p class=\"callout-title\">Nguy hiểm</p>"),
        "{}",
        b.xhtml
    );
    assert!(
        b.xhtml.contains("callout-warning\" role=\"note\">\n<p class=\"callout-title\">Cảnh báo</p>\n<p>Lồng.</p>\n</div>\n</div>\n<p>Sau.</p>"),
        "{}",
        b.xhtml
    );
    assert!(b.text.contains("Mẹo\nMẹo gấp giấy."), "{}", b.text);
    assert!(!b.text.contains("???"), "{}", b.text);
}

#[test]
fn hugo_toc_mapping_is_a_warning_and_the_book_builds() {
    let b = build("hugo-toc-mapping.md", &["hugo-toc-mapping.md"], &[], &[]);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    assert!(
        b.stderr.starts_with(
            "warning: `toc` is a mapping here, trang reads it as true/false; ignored\n --> hugo-toc-mapping.md:3:1"
        ),
        "{}",
        b.stderr
    );
    assert_eq!(b.stderr.lines().count(), 6, "{}", b.stderr);
    assert!(b.text.contains("Bài Hugo") && b.text.contains("Nội dung."));
}

#[test]
fn toml_front_matter_of_hugo_builds() {
    let md = "+++\ntitle = \"Bài TOML\"\ndate = 2024-05-06T10:00:00+07:00\ndraft = false\n\
              weight = 3\n[params]\nmath = true\n+++\n\nNội dung.\n";
    let b = build("toml.md", &[], &[("toml.md", md)], &[]);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    assert!(b.opf.contains("Bài TOML"), "{}", b.opf);
    assert!(b.opf.contains("2024-05-06"), "{}", b.opf);
    assert!(
        b.stderr.starts_with(
            "warning: 3 unknown front-matter keys are ignored: `draft`, `params`, `weight`"
        ),
        "{}",
        b.stderr
    );
    assert!(
        !b.text.contains("+++") && !b.text.contains("draft"),
        "{}",
        b.text
    );
}

#[test]
fn the_lone_heading_is_the_title_after_a_comment_or_a_language_bar() {
    for case in ["title-after-comment.md", "title-after-language-bar.md"] {
        let b = build(case, &[case], &[], &[]);
        assert_eq!(b.code, Some(0), "{case}: {}", b.stderr);
        assert!(!b.stderr.contains("no title"), "{case}: {}", b.stderr);
        assert!(
            b.opf.contains(">Công cụ ghi chú</dc:title>"),
            "{case}: {}",
            b.opf
        );
        // Printed once, as the title, and not again as a heading.
        assert_eq!(
            b.text.matches("Công cụ ghi chú").count(),
            1,
            "{case}: {}",
            b.text
        );
        assert!(
            !b.xhtml.contains("<h1>Công cụ ghi chú</h1>"),
            "{case}: {}",
            b.xhtml
        );
    }
    // The language bar stays, under the title.
    let b = build(
        "title-after-language-bar.md",
        &["title-after-language-bar.md"],
        &[],
        &[],
    );
    assert!(
        b.text.starts_with("Công cụ ghi chú\nEnglish · Tiếng Việt"),
        "{}",
        b.text
    );
    // Text before the `#`: not a preamble, the file name titles the book.
    let b = build(
        "x.md",
        &[],
        &[("x.md", "Một câu trước.\n\n# Tiêu đề\n\nChữ.\n")],
        &[],
    );
    assert!(b.stderr.contains("no title; using `x`"), "{}", b.stderr);
}

#[test]
fn repeated_warnings_are_one_block_and_verbose_lists_every_place() {
    let mut md = String::from("---\ntitle: Nhiều\n");
    for k in 1..=11 {
        md.push_str(&format!("khoa{k:02}: {k}\n"));
    }
    md.push_str("---\n\n");
    for i in 1..=224 {
        md.push_str(&format!(
            "Xem [trang {i}](p{i}.md) {{% include t{i}.html %}}.\n\n"
        ));
    }
    let b = build("many.md", &[], &[("many.md", &md)], &[]);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    let lines = b.stderr.lines().count();
    assert!(lines <= 20, "{lines} lines:\n{}", b.stderr);
    assert!(
        b.stderr.contains(
            "warning: 224 link targets are not part of the book; only their text is kept"
        ),
        "{}",
        b.stderr
    );
    assert!(
        b.stderr
            .contains("`p5.md` (24:5) and 219 more (`--verbose` lists them all)"),
        "{}",
        b.stderr
    );
    assert!(
        b.stderr.contains("warning: 224 template tags"),
        "{}",
        b.stderr
    );
    assert!(
        b.stderr
            .contains("warning: 11 unknown front-matter keys are ignored: `khoa01`"),
        "{}",
        b.stderr
    );
    has(&b.stderr, "`khoa11`");
    assert_eq!(b.stderr.matches("warning:").count(), 3, "{}", b.stderr);
    let v = build("many.md", &[], &[("many.md", &md)], &["--verbose"]);
    has(&v.stderr, "= all 224 places:");
    has(&v.stderr, "`p224.md` (462:5)");
    has(&v.stderr, "`{% include t224.html %}`");
}
