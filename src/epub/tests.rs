//! Unit tests of the EPUB writer's parts on small inputs.

use std::collections::BTreeSet;

use read_fonts::{FontRef, TableProvider};

use super::cx::Cx;
use super::*;
use crate::diag::SourceFile;
use crate::fonts::{Role, Style};

fn doc(md: &str) -> Book {
    let mut diags = Diagnostics::default();
    let d = crate::markdown::parse(SourceFile::new("/nonexistent/t.md", md), &mut diags);
    crate::resolve::resolve(d, &mut diags)
}

/// Sanitises `html` in a `context` element; returns XHTML and warning messages.
fn clean(html: &str, context: &str, phrasing: bool) -> (String, Vec<String>) {
    let d = doc("");
    let mut diags = Diagnostics::default();
    let mut cx = Cx::new(&d, &mut diags);
    let (x, w) = html::sanitize(&mut cx, html, context, phrasing);
    (x, w.into_iter().map(|(_, m)| m).collect())
}

#[test]
fn raw_html_becomes_well_formed_xhtml() {
    assert_eq!(
        clean("a<br>b &amp; &eacute;", "p", true).0,
        "a<br/>b &amp; é"
    );
    assert_eq!(
        clean("<div><p>x<p>y", "div", false).0,
        "<div><p>x</p><p>y</p></div>"
    );
    // A block inside a paragraph is unwrapped, its text kept.
    assert_eq!(clean("a <div>b</div> c", "p", true).0, "a b c");
    // Misnested inline markup is repaired by the HTML parser.
    assert_eq!(
        clean("<b>x<i>y</b>z</i>", "p", true).0,
        "<b>x<i>y</i></b><i>z</i>"
    );
    // Lists hold only items; an item outside a list is unwrapped.
    assert_eq!(
        clean("<ul>t<li>a</ul><li>b", "div", false).0,
        "<ul><li>t</li><li>a</li></ul>b"
    );
    // Invalid definition lists become divs.
    assert_eq!(
        clean("<dl><dd>x</dd></dl>", "div", false).0,
        "<div><div>x</div></div>"
    );
}

#[test]
fn active_content_is_dropped_with_warnings() {
    let (x, w) = clean(
        "<script>alert(1)</script><p onclick=\"x()\" class=\"c\">t<a href=\"javascript:y()\">l</a></p><style>p{}</style><iframe></iframe>",
        "div",
        false,
    );
    assert_eq!(x, "<p class=\"c\">t<a>l</a></p>");
    for needle in ["<script>", "onclick", "javascript:", "<style>", "<iframe>"] {
        assert!(
            w.iter().any(|m| m.contains(needle)),
            "no warning for {needle}: {w:?}"
        );
    }
    let (x, w) = clean("<center>c</center><font color=red>f</font>", "div", false);
    assert_eq!(x, "cf");
    assert_eq!(w.len(), 2, "{w:?}");
}

#[test]
fn attributes_are_whitelisted_and_escaped() {
    let (x, _) = clean(
        "<span title='a\"b&lt;' id='1 2' style='color:red' data-x=1 lang=vi>s</span><img src=nowhere.png>",
        "p",
        true,
    );
    assert_eq!(
        x,
        "<span title=\"a&quot;b&lt;\" id=\"x1-2\" lang=\"vi\">s</span>"
    );
}

#[test]
fn inline_html_across_fragments_is_balanced() {
    let d = doc("Nội <span class=\"a\">dòng <em>lồng</span> mở</em> và <b>không đóng\n");
    let mut diags = Diagnostics::default();
    let fonts = FontSet::load(&FontSet::bundled_dir(), &mut diags).unwrap();
    let epub = write_epub(&d, &fonts, &EpubOptions::default(), &mut diags).unwrap();
    let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut chapter = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("OEBPS/chapter-01.xhtml").unwrap(),
        &mut chapter,
    )
    .unwrap();
    assert!(
        chapter.contains("<p>Nội <span class=\"a\">dòng <em>lồng</em></span><em> mở</em> và <b>không đóng</b></p>"),
        "{chapter}"
    );
}

#[test]
fn subsets_are_standalone_fonts_with_a_cmap() {
    let face = FontSet::bundled_dir().join("source-serif-4/SourceSerif4-Regular.ttf");
    let data = std::fs::read(face).unwrap();
    let chars: BTreeSet<char> = "Xin chào Việt Nam ệ“”".chars().collect();
    let sub = subset::subset_face(&data, &chars).unwrap();
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
}

#[test]
fn deep_nesting_neither_overflows_nor_breaks_the_xhtml() {
    let (x, _) = clean(&"<div>".repeat(1_000), "div", false);
    assert!(x.starts_with("<div><div>") && x.ends_with("</div></div>"));
    let (x, _) = clean(&format!("{}t", "<span><b>".repeat(500)), "p", true);
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
