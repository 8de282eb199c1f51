//! What only a book ([`Form::Book`]) has in the EPUB: a page per part, a
//! copyright page after the title page, the navigation levels of parts,
//! chapters and mdBook sub-chapters, and their styles.
//!
//! Navigation levels (epub-builder's `TocElement::level`: 1 is the top of
//! the nav's `ol` and the NCX's `navMap`): a part is at level 1; a chapter
//! at level 1 outside any part and 2 inside one, plus its
//! [`Chapter::depth`] (mdBook's indented `SUMMARY.md` entries nest under
//! the chapter above them); a chapter's sections below the chapter.

use crate::matter;
use crate::resolve::{Book, Chapter, Form, Part as BookPart};

use super::xml;

/// The navigation level of chapter `c` (1 = top).
pub fn chapter_level(book: &Book, c: &Chapter) -> i32 {
    if book.form != Form::Book {
        return 1;
    }
    let in_part = c.part.and_then(|p| book.parts.get(p)).is_some_and(has_page);
    1 + i32::from(in_part) + i32::from(c.depth)
}

/// Whether a part gets a page (and a navigation entry): a part without a
/// title only gathers chapters outside any part (`[[book.parts]]` without
/// `title`, back matter).
pub fn has_page(p: &BookPart) -> bool {
    !p.title.trim().is_empty()
}

/// The parts whose page comes before chapter `i` (a part with no chapters
/// comes where its chapters would start).
pub fn parts_before(book: &Book, i: usize) -> impl Iterator<Item = &BookPart> {
    book.parts
        .iter()
        .filter(move |p| has_page(p) && p.chapters.start == i)
}

/// The body of a part's page: its title as the page's `h1`
/// (EPUB 3 Structural Semantics `part`, DPUB-ARIA `doc-part`).
pub fn part_page(p: &BookPart) -> String {
    format!(
        "<section epub:type=\"part\" role=\"doc-part\" class=\"part\" aria-labelledby=\"{id}\">\n<h1 id=\"{id}\" class=\"part-title\">{}</h1>\n</section>",
        xml::text(&p.title),
        id = xml::attr(&p.id),
    )
}

/// The body of the copyright page: the lines of [`matter::copyright`] as
/// paragraphs, each with its role as its class.
pub fn copyright_page(book: &Book, year: i32) -> String {
    let mut s = format!(
        "<section epub:type=\"copyright-page\" class=\"copyright\" aria-label=\"{}\">\n",
        xml::attr(book.words.copyright)
    );
    for line in matter::copyright(book, year) {
        s.push_str(&format!(
            "<p class=\"{}\">{}</p>\n",
            line.role,
            xml::text(&line.text)
        ));
    }
    s.push_str("</section>");
    s
}

/// Styles of the book-only pages, added to the stylesheet of a book only
/// (an article's stays as it was). No font properties: those come from
/// the cascade (see `css.rs`).
pub const STYLE: &str = "\
section.part { text-align: center; margin-top: 30%; }
section.part h1.part-title { text-align: center; }
section.copyright { margin-top: 40%; }
section.copyright p { text-align: left; text-indent: 0; margin: 0 0 0.4em 0; -webkit-hyphens: manual; -epub-hyphens: manual; hyphens: manual; }
section.copyright p.title { font-size: 1.15em; }
section.copyright p.copyright, section.copyright p.colophon { margin-top: 1em; }
ol.contents li.part { margin-top: 1em; font-size: 1.15em; }
ol.contents li.level-2 { margin-left: 3em; }
";
