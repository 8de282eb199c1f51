//! Book metadata: the title page, the identifier, the OPF metadata that
//! epub-builder has no key for (including the accessibility metadata), and
//! the few words the writer adds in the book's language.

use crate::doc::{Document, Span};
use crate::resolve::Book;

use super::xml;

/// The title page: dateline, title, subtitle, authors, source, publisher,
/// in that order in the markup as on the PDF's title page.
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
    // The title is a heading by its ARIA role, not an `h1`: converters
    // that read an AZW3 or MOBI back (Calibre's MOBI input, whose default
    // `--page-breaks-before` is every `h1` and `h2`) break the page before
    // each `h1`, which put the dateline above it on a page of its own.
    // `role="heading"` + `aria-level` is the same level-1 heading to
    // assistive technology (WAI-ARIA 1.2 §5.4 `heading`; axe's
    // page-has-heading-one counts it).
    s.push_str(&format!(
        "<p role=\"heading\" aria-level=\"1\" class=\"title\">{}</p>\n",
        xml::text(title)
    ));
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
    // Hashed only when wanted (a large source is read a block at a time).
    let derived = || derived_uuid(&doc.source);
    match &doc.meta.identifier {
        Some(id) => {
            let bare = id.trim().trim_start_matches("urn:uuid:");
            match uuid::Uuid::parse_str(bare) {
                Ok(u) => (format!("urn:uuid:{u}"), u),
                Err(_) => match crate::matter::isbn(id) {
                    Some(isbn) => (format!("urn:isbn:{isbn}"), derived()),
                    None => (id.trim().to_string(), derived()),
                },
            }
        }
        None => {
            let derived = derived();
            (format!("urn:uuid:{derived}"), derived)
        }
    }
}

/// The v5 UUID (RFC 4122 §4.3, SHA-1) of the name `trang:` + `source` in the
/// URL namespace: `Uuid::new_v5`'s, hashed from the source where it lies
/// rather than from a copy of it with the prefix (a 50 MB document's copy
/// was 50 MB more while the EPUB was written), a packed source's a block
/// at a time.
fn derived_uuid(source: &crate::diag::SourceFile) -> uuid::Uuid {
    let mut sha1 = sha1_smol::Sha1::new();
    sha1.update(uuid::Uuid::NAMESPACE_URL.as_bytes());
    sha1.update(b"trang:");
    for (_, block) in source.blocks() {
        sha1.update(block.as_bytes());
    }
    let digest = sha1.digest().bytes();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_sha1_bytes(bytes).into_uuid()
}

/// Metadata epub-builder has no key for, and the accessibility metadata.
pub fn extra_metadata(doc: &Document, facts: &A11yFacts, words: &Words) -> Vec<String> {
    let m = &doc.meta;
    let el = |name: &str, v: &str| format!("<{name}>{}</{name}>", xml::text(v));
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
    out.extend(accessibility_metadata(
        facts,
        doc.meta.publisher.as_deref(),
        words,
    ));
    out
}

/// What the accessibility metadata is computed from: facts of this book,
/// gathered while its content documents were written.
#[derive(Clone, Copy, Debug)]
pub struct A11yFacts {
    /// It has images (a cover counts).
    pub visual: bool,
    /// Some image moves (an animated PNG).
    pub animated: bool,
    /// Some image has no alternative text (empty `alt`).
    pub missing_alt: bool,
    /// WCAG 2.2 contrast ratio of the only colour the stylesheet gives text
    /// (the theme's muted colour, of datelines and source lines) against a
    /// white page.
    pub muted_contrast: f32,
    /// It has a page list of the PDF built with it (module `pagebreak`).
    pub page_list: bool,
}

/// The `schema:accessibilityFeature` values true of this book (schema.org
/// vocabulary, as the DAISY Knowledge Base explains each), in a fixed order.
/// Every book has them all but `alternativeText`, which needs images that
/// all have alternative text:
/// - `structuralNavigation`: sections and headings (`h1`–`h6`, the title
///   page's heading role) follow the document's outline, levels not skipped;
/// - `tableOfContents`: the nav's toc links every chapter and heading;
/// - `readingOrder`: the spine and the markup follow the source's order;
/// - `ARIA`: DPUB-ARIA roles (`doc-chapter`, `doc-toc`, `doc-noteref`,
///   `doc-footnote`, …) name the parts of the book;
/// - `displayTransformability`: reflowable, relative units only, no font
///   size or margins on the body: the reader's settings win.
///
/// A feature computed from something else (a page list's
/// `pageNavigation`/`printPageNumbers`, MathML) is pushed here too.
pub fn accessibility_features(f: &A11yFacts) -> Vec<&'static str> {
    let mut out = vec![
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "ARIA",
        "displayTransformability",
    ];
    if f.visual && !f.missing_alt {
        out.push("alternativeText");
    }
    if f.page_list {
        out.extend(["pageNavigation", "printPageNumbers"]);
    }
    out
}

/// The conformance claim (EPUB Accessibility 1.1 §2.1 conformance
/// statement), or `None` when it would not be true. The writer meets the
/// WCAG 2.2 AA success criteria that depend on its markup (language,
/// headings, reading order, link underlines, table headers, notes' roles);
/// the author's content can break three: an image without alternative text
/// (1.1.1 Non-text Content), an animated PNG, which plays on its own and
/// may flash (2.2.2 Pause, Stop, Hide; 2.3.1 Three Flashes: not checked
/// here), and a theme colour too light to read (1.4.3 Contrast (Minimum),
/// 4.5:1 for text). Without any of them the claim is made;
/// the test suite holds it to DAISY Ace reporting no violation at all on
/// the article and `mixed.md`, each with its page list, and `mixed.md` with
/// a contents page (`tests/a11y.rs`; the generated book, 50 s in Ace, was
/// checked by hand: 0 violations).
pub fn conformance(f: &A11yFacts) -> Option<&'static str> {
    (!f.missing_alt && !f.animated && f.muted_contrast >= 4.5)
        .then_some("EPUB Accessibility 1.1 - WCAG 2.2 Level AA")
}

/// Whether PNG `data` is an animation: an APNG `acTL` chunk, before the
/// image data, announcing more than one frame (APNG 1.0 §4.1; PNG files are
/// copied into the EPUB as they are, while GIFs become their first frame).
pub fn animated_png(data: &[u8]) -> bool {
    let mut at = 8; // the signature
    while let Some(head) = data.get(at..at + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        match &head[4..8] {
            b"acTL" => {
                return data
                    .get(at + 8..at + 12)
                    .is_some_and(|n| u32::from_be_bytes([n[0], n[1], n[2], n[3]]) > 1);
            }
            b"IDAT" | b"IEND" => return false,
            _ => at += 12 + len,
        }
    }
    false
}

/// The accessibility metadata (EPUB Accessibility 1.1 §2, schema.org
/// properties as the DAISY Knowledge Base's "Accessibility metadata" page
/// describes them): access modes, sufficient access modes, features,
/// hazards (`none`, or unknown flashing and motion with an animated PNG),
/// a summary in the book's language (the summary is prose for a
/// reader of the book, as the KB advises; a Vietnamese book's is
/// Vietnamese), and the conformance claim with its certifier when it holds.
fn accessibility_metadata(f: &A11yFacts, publisher: Option<&str>, words: &Words) -> Vec<String> {
    let meta = |prop: &str, v: &str| format!("<meta property=\"{prop}\">{}</meta>", xml::text(v));
    let mut out = vec![meta("schema:accessMode", "textual")];
    if f.visual {
        out.push(meta("schema:accessMode", "visual"));
        out.push(meta("schema:accessModeSufficient", "textual,visual"));
    }
    if !f.missing_alt {
        out.push(meta("schema:accessModeSufficient", "textual"));
    }
    for feature in accessibility_features(f) {
        out.push(meta("schema:accessibilityFeature", feature));
    }
    // Text and still images: nothing flashes, moves or sounds. An animated
    // PNG may flash or simulate motion, which trang cannot tell; it has no
    // sound.
    if f.animated {
        for hazard in [
            "unknownFlashingHazard",
            "unknownMotionSimulationHazard",
            "noSoundHazard",
        ] {
            out.push(meta("schema:accessibilityHazard", hazard));
        }
    } else {
        out.push(meta("schema:accessibilityHazard", "none"));
    }
    let mut summary = vec![words.summary_structure];
    if f.visual {
        summary.push(if f.missing_alt {
            words.summary_no_alt
        } else {
            words.summary_alt
        });
    }
    summary.push(words.summary_display);
    let claim = conformance(f);
    if claim.is_some() {
        summary.push(words.summary_conforms);
    }
    out.push(meta(
        "schema:accessibilitySummary",
        &format!("{}.", summary.join("; ")),
    ));
    if let Some(claim) = claim {
        out.push(meta("dcterms:conformsTo", claim));
        // Self-certification: the publisher's, else trang's, the program
        // that checked the book (EPUB Accessibility 1.1 §2.3 `certifiedBy`).
        let by = publisher
            .filter(|p| !p.trim().is_empty())
            .unwrap_or("trang");
        out.push(meta("a11y:certifiedBy", by));
    }
    out
}

/// The `pageBreakSource` of a page list (EPUB Accessibility 1.1 §5.3): it
/// names the edition the page breaks come from, and replaces `dc:source`
/// refined by `source-of`. Its features, `pageNavigation` and
/// `printPageNumbers`, are in [`accessibility_features`].
pub fn page_break_source(source: &str) -> String {
    format!(
        "<meta property=\"pageBreakSource\">{}</meta>",
        xml::text(source)
    )
}

/// The span of `key:` in the front matter, or of `key =` in a book's
/// `book.toml` (first in a book's source), for errors about a metadata value.
pub fn front_matter_key(doc: &Document, key: &str) -> Span {
    // The source's blocks hold whole lines, and a key and what follows it
    // on its line are all that is read.
    let at = doc
        .source
        .blocks()
        .find_map(|(from, text)| {
            text.match_indices(key)
                .map(|(i, _)| i)
                .find(|&i| {
                    let line_start = i == 0 || text.as_bytes()[i - 1] == b'\n';
                    let rest = text[i + key.len()..].trim_start_matches([' ', '\t']);
                    line_start && (rest.starts_with(':') || rest.starts_with('='))
                })
                .map(|i| from + i)
        })
        .unwrap_or(0);
    Span::new(at, at + key.len())
}

pub use crate::words::Words;
