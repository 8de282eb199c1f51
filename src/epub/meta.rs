//! Book metadata: the title page, the identifier, the OPF metadata that
//! epub-builder has no key for (including the accessibility metadata), and
//! the few words the writer adds in the book's language.

use crate::doc::{Document, Span};
use crate::resolve::Book;

use super::xml;

/// The title page: dateline, title, subtitle, authors, source, publisher.
/// A book's has no dateline and no source line, like the PDF's title page
/// (its date is on the copyright page).
pub fn title_page(doc: &Book, title: &str) -> String {
    let m = &doc.meta;
    let article = doc.form == crate::resolve::Form::Article;
    let mut s = String::from("<section epub:type=\"titlepage\" class=\"titlepage\">\n");
    let p = |class: &str, text: &str| format!("<p class=\"{class}\">{}</p>\n", xml::text(text));
    if let Some(d) = doc
        .dateline()
        .filter(|_| article && doc.theme.article.dateline)
    {
        s.push_str(&p("dateline", &d));
    }
    s.push_str(&format!("<h1 class=\"title\">{}</h1>\n", xml::text(title)));
    if let Some(sub) = &m.subtitle {
        s.push_str(&p("subtitle", sub));
    }
    if !m.authors.is_empty() {
        s.push_str(&p("authors", &m.authors.join(", ")));
    }
    if let Some(src) = doc.source_line().filter(|_| article) {
        s.push_str(&p("source", &src));
    }
    if let Some(publ) = &m.publisher {
        s.push_str(&p("publisher", publ));
    }
    s.push_str("</section>");
    s
}

/// `dc:identifier` text and the UUID: the front matter's, else a v5 UUID
/// of the source. A UUID is written `urn:uuid:…` and an ISBN `urn:isbn:…`
/// (RFC 4122, RFC 3187: EPUB 3.3 §5.5.3.1 recommends a URN, and Calibre
/// and the stores read the ISBN from it); anything else as given.
pub fn identifier(doc: &Document) -> (String, uuid::Uuid) {
    let derived = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("trang:{}", doc.source.text).as_bytes(),
    );
    match &doc.meta.identifier {
        Some(id) => {
            let bare = id.trim().trim_start_matches("urn:uuid:");
            match uuid::Uuid::parse_str(bare) {
                Ok(u) => (format!("urn:uuid:{u}"), u),
                Err(_) => match crate::matter::isbn(id) {
                    Some(isbn) => (format!("urn:isbn:{isbn}"), derived),
                    None => (id.trim().to_string(), derived),
                },
            }
        }
        None => (format!("urn:uuid:{derived}"), derived),
    }
}

/// Metadata epub-builder has no key for, and the accessibility metadata.
pub fn extra_metadata(
    doc: &Document,
    visual: bool,
    missing_alt: bool,
    words: &Words,
) -> Vec<String> {
    let m = &doc.meta;
    let el = |name: &str, v: &str| format!("<{name}>{}</{name}>", xml::text(v));
    let meta = |prop: &str, v: &str| format!("<meta property=\"{prop}\">{}</meta>", xml::text(v));
    let mut out = Vec::new();
    if let Some(sub) = &m.subtitle {
        out.push(format!(
            "<dc:title id=\"subtitle\">{}</dc:title>",
            xml::text(sub)
        ));
        out.push("<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>".into());
    }
    // A series (EPUB 3.3 §D.3.1 `belongs-to-collection`, refined by
    // `collection-type` `series`; Calibre and Apple Books read it).
    if let Some(series) = m.series.as_ref().filter(|s| !s.trim().is_empty()) {
        out.push(format!(
            "<meta property=\"belongs-to-collection\" id=\"series\">{}</meta>",
            xml::text(series)
        ));
        out.push("<meta refines=\"#series\" property=\"collection-type\">series</meta>".into());
    }
    if let Some(d) = m.date {
        out.push(el("dc:date", &d.iso()));
    }
    if let Some(p) = &m.publisher {
        out.push(el("dc:publisher", p));
    }
    if let Some(s) = &m.source {
        out.push(el("dc:source", s));
    }
    out.push(meta("schema:accessMode", "textual"));
    if visual {
        out.push(meta("schema:accessMode", "visual"));
        out.push(meta("schema:accessModeSufficient", "textual,visual"));
    }
    if !missing_alt {
        out.push(meta("schema:accessModeSufficient", "textual"));
    }
    for f in [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ] {
        out.push(meta("schema:accessibilityFeature", f));
    }
    if visual && !missing_alt {
        out.push(meta("schema:accessibilityFeature", "alternativeText"));
    }
    out.push(meta("schema:accessibilityHazard", "none"));
    let summary = if missing_alt {
        words.summary_no_alt
    } else {
        words.summary
    };
    out.push(meta("schema:accessibilitySummary", summary));
    if !missing_alt {
        out.push(meta(
            "dcterms:conformsTo",
            "EPUB Accessibility 1.1 - WCAG 2.2 Level AA",
        ));
    }
    out
}

/// The accessibility metadata of a page list (EPUB Accessibility 1.1 §5.3:
/// `pageBreakSource` names the edition the page breaks come from, and
/// replaces `dc:source` refined by `source-of`; schema.org's
/// `accessibilityFeature` `pageNavigation` and `printPageNumbers`).
pub fn page_list_metadata(source: &str) -> Vec<String> {
    vec![
        format!(
            "<meta property=\"pageBreakSource\">{}</meta>",
            xml::text(source)
        ),
        "<meta property=\"schema:accessibilityFeature\">pageNavigation</meta>".into(),
        "<meta property=\"schema:accessibilityFeature\">printPageNumbers</meta>".into(),
    ]
}

/// The span of `key:` in the front matter, or of `key =` in a book's
/// `book.toml` (first in a book's source), for errors about a metadata value.
pub fn front_matter_key(doc: &Document, key: &str) -> Span {
    let text = &doc.source.text;
    let at = text
        .match_indices(key)
        .map(|(i, _)| i)
        .find(|&i| {
            let line_start = i == 0 || text.as_bytes()[i - 1] == b'\n';
            let rest = text[i + key.len()..].trim_start_matches([' ', '\t']);
            line_start && (rest.starts_with(':') || rest.starts_with('='))
        })
        .unwrap_or(0);
    Span::new(at, at + key.len())
}

pub use crate::words::Words;
