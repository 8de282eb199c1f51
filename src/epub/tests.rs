//! Unit tests of the EPUB writer's parts on small inputs.

use std::collections::BTreeSet;

use read_fonts::{FontRef, TableProvider};

use super::*;
use crate::diag::SourceFile;
use crate::fonts::{Role, Style};

fn doc(md: &str) -> Book {
    let mut diags = Diagnostics::default();
    let d = crate::markdown::parse(SourceFile::new("/nonexistent/t.md", md), &mut diags);
    crate::resolve::resolve(d, &mut diags)
}

/// The first chapter's XHTML of the book `md` makes, and the warnings.
fn chapter(md: &str) -> (String, Vec<String>) {
    let d = {
        let mut diags = Diagnostics::default();
        let d = crate::markdown::parse(SourceFile::new("/nonexistent/t.md", md), &mut diags);
        (crate::resolve::resolve(d, &mut diags), diags)
    };
    let (d, mut diags) = d;
    let fonts = FontSet::load(&FontSet::bundled_dir(), &mut diags).unwrap();
    let epub = write_epub(&d, &fonts, &EpubOptions::default(), &mut diags).unwrap();
    let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut chapter = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("OEBPS/chapter-01.xhtml").unwrap(),
        &mut chapter,
    )
    .unwrap();
    (
        chapter,
        diags.items.into_iter().map(|d| d.message).collect(),
    )
}

#[test]
fn raw_html_becomes_generated_xhtml() {
    let (x, _) = chapter("<div><p>x<p>y &amp; &eacute;<br>z</div>\n");
    assert!(x.contains("<p>x</p>\n<p>y &amp; é<br/>\nz</p>"), "{x}");
    // Misnested inline markup is repaired by the HTML parser.
    let (x, _) = chapter("<p><b>x<i>y</b>z</i></p>\n");
    assert!(
        x.contains("<p><strong>x<em>y</em></strong><em>z</em></p>"),
        "{x}"
    );
    // Stray text in a list becomes an item.
    let (x, _) = chapter("<ul>t<li>a</ul>\n");
    assert!(
        x.contains("<ul class=\"tight\">\n<li>t\n</li>\n<li>a\n</li>\n</ul>"),
        "{x}"
    );
}

#[test]
fn active_content_is_dropped_with_warnings() {
    let (x, w) = chapter(
        "<script>alert(1)</script><p onclick=\"x()\" class=\"c\">t<a href=\"javascript:y()\">l</a></p><style>p{}</style><iframe></iframe>\n",
    );
    assert!(x.contains("<p>tl</p>"), "{x}");
    assert!(!x.contains("alert") && !x.contains("onclick"), "{x}");
    for needle in ["<script>", "onclick", "javascript:", "<style>", "<iframe>"] {
        assert!(
            w.iter().any(|m| m.contains(needle)),
            "no warning for {needle}: {w:?}"
        );
    }
}

#[test]
fn attributes_become_model_nodes_and_are_escaped() {
    let (x, _) = chapter(
        "<p><span title='a\"b&lt;' id='1 2' style='color:red' data-x=1 lang=vi>s</span></p>\n",
    );
    assert!(
        x.contains("<p><span id=\"x1-2\"></span><span lang=\"vi\" xml:lang=\"vi\">s</span></p>"),
        "{x}"
    );
}

#[test]
fn inline_html_across_fragments_is_balanced() {
    let (x, _) = chapter("Nội <span class=\"a\">dòng <em>lồng</span> mở</em> và <b>không đóng\n");
    // An element still open when its parent closes is closed there; a
    // close tag with nothing open to match is dropped.
    assert!(
        x.contains("<p>Nội dòng <em>lồng</em> mở và <strong>không đóng</strong></p>"),
        "{x}"
    );
}

#[test]
fn subsets_are_standalone_fonts_with_a_cmap() {
    let face = FontSet::bundled_dir().join("source-serif-4/SourceSerif4-Regular.ttf");
    let data = std::fs::read(face).unwrap();
    let chars: BTreeSet<char> = "Xin chào Việt Nam ệ“”".chars().collect();
    let sub = subset::subset_face(&data, 0, &chars).unwrap();
    assert!(sub.len() < data.len() / 5, "{} bytes", sub.len());
    let font = FontRef::new(&sub).unwrap();
    let cmap = font.cmap().unwrap();
    for c in chars {
        let g = cmap.map_codepoint(c).map(|g| g.to_u32()).unwrap_or(0);
        assert!(
            g != 0 || c == ' ' && cmap.map_codepoint(c).is_some(),
            "{c} not mapped"
        );
    }
    assert!(cmap.map_codepoint('q').is_none());
    assert!(font.os2().is_ok() && font.hhea().is_ok() && font.glyf().is_ok());
    assert_eq!(
        font.maxp().unwrap().num_glyphs() as usize,
        font.loca(None).unwrap().len()
    );
}

#[test]
fn chapters_split_at_first_level_headings() {
    let d = doc("Mở đầu\n\n# Một\n\na\n\n# Hai\n\nb\n");
    assert_eq!(d.chapters.len(), 3);
    let d = doc("# Một\n\n## Hai\n");
    assert_eq!(d.chapters.len(), 1);
}

#[test]
fn identifiers_are_derived_from_the_content() {
    let a = identifier(&doc("x"));
    assert_eq!(a, identifier(&doc("x")));
    assert_ne!(a, identifier(&doc("y")));
    assert!(a.0.starts_with("urn:uuid:"));
    let d = doc("---\ntitle: t\nidentifier: isbn:978-0\n---\n");
    assert_eq!(identifier(&d).0, "isbn:978-0");
    // The UUID `uuid` makes of the prefixed source, hashed without a copy.
    for text in ["x", "", "Tiếng Việt\n\n# Một\n"] {
        let name = format!("trang:{}", doc(text).source.text());
        let made = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes());
        assert_eq!(identifier(&doc(text)).1, made, "{text:?}");
    }
}

#[test]
fn a_packed_source_gives_the_same_identifier_and_key_places() {
    // Blocks of at least 8 bytes: the key `cover:` in the front matter and
    // the body's line `ghi = không` (found where no front matter has the
    // key) fall in blocks after the first.
    let text =
        "---\ntitle: Tiếng Việt\nauthor: Ai đó\ncover: anh.png\n---\n\nghi = không\n\nĐoạn.\n";
    let mut d = doc(text);
    let keys = |d: &Book| {
        let key = |k| front_matter_key(d, k);
        (identifier(d), key("cover"), key("ghi"), key("none"))
    };
    let whole = keys(&d);
    d.doc.source.pack_in(8);
    assert!(d.source.blocks().count() > 4);
    assert_eq!(keys(&d), whole);
    assert_eq!(&text[whole.1.start..whole.1.end + 1], "cover:");
    assert_eq!(&text[whole.2.start..whole.2.end + 2], "ghi =");
}

#[test]
fn deep_nesting_neither_overflows_nor_breaks_the_xhtml() {
    let (x, _) = chapter(&format!("{}d\n", "<div align=center>".repeat(1_000)));
    assert!(x.contains(">d</"), "{x}");
    let (x, _) = chapter(&format!("<p>{}t</p>\n", "<span><b>".repeat(500)));
    assert!(x.contains('t'));
    let md = format!("{}a\n\n{}b\n", "> ".repeat(99), "- ".repeat(60));
    let d = doc(&md);
    let mut diags = Diagnostics::default();
    let fonts = FontSet::load(&FontSet::bundled_dir(), &mut diags).unwrap();
    write_epub(&d, &fonts, &EpubOptions::default(), &mut diags).unwrap();
}

#[test]
fn nested_list_bullets_are_in_the_body_subset() {
    let xhtml = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>t</title></head>\
        <body><ul><li>một<ul><li>hai<ul><li>ba</li></ul></li></ul></li></ul></body></html>";
    let mut usage = usage::Usage::new();
    usage::scan(xhtml, &mut usage);
    let body = &usage[&(Role::Body, Style::REGULAR)];
    for c in ['•', '–', '◆', '·', '\u{A0}'] {
        assert!(body.contains(&c), "{c:?} missing from the body subset");
    }
}
