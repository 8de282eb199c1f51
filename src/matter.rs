//! The text of a book's front matter pages that both writers print the
//! same: the copyright page, as lines with a role each, in the book's
//! language ([`crate::words::Words`]). The EPUB writer sets the
//! lines as paragraphs (`copyright.xhtml`); the typesetter can set the same
//! lines at the foot of the title page's verso, so both outputs carry the
//! same words.

use crate::resolve::Book;

/// One line of the copyright page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// What the line is: `title`, `authors`, `copyright`, `rights`,
    /// `publisher`, `date`, `identifier`, `description`, `series`,
    /// `colophon` (a CSS class in the EPUB).
    pub role: &'static str,
    /// Its text, labelled where a label is needed.
    pub text: String,
}

/// The lines of `book`'s copyright page, in the order books print them
/// (Chicago Manual of Style 17th ed., 1.19–1.20): the title (`Title:
/// Subtitle`), the authors, the copyright notice — `©`, the year of
/// publication, the holder (the authors, else the publisher) — then the
/// rights statement, the publisher, the date, the identifier (an ISBN as
/// `ISBN …`), the description, the series and a colophon naming the tool.
///
/// `year` is the year of the notice when the metadata has no `date`
/// (the build's `SOURCE_DATE_EPOCH` year, so the page stays reproducible).
/// Lines without a value are left out; the title, the notice and the
/// colophon are always there.
pub fn copyright(book: &Book, year: i32) -> Vec<Line> {
    let m = &book.meta;
    let w = &book.words;
    let given = |v: &Option<String>| {
        v.as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let mut out = Vec::new();
    let mut push = |role: &'static str, text: String| out.push(Line { role, text });
    push(
        "title",
        match given(&m.subtitle) {
            Some(sub) => format!("{}: {sub}", book.title),
            None => book.title.clone(),
        },
    );
    if !m.authors.is_empty() {
        push("authors", m.authors.join(", "));
    }
    let year = m.date.map_or(year, |d| d.year);
    let holder = if m.authors.is_empty() {
        given(&m.publisher).unwrap_or_default()
    } else {
        m.authors.join(", ")
    };
    push(
        "copyright",
        format!("© {year} {holder}").trim_end().to_string(),
    );
    if let Some(r) = given(&m.rights) {
        push("rights", r);
    }
    if let Some(p) = given(&m.publisher) {
        push("publisher", p);
    }
    if let Some(d) = m.date {
        let date = if book.lang.starts_with("vi") {
            format!("{:02}/{:02}/{:04}", d.day, d.month, d.year)
        } else {
            d.iso()
        };
        push("date", format!("{}: {date}", w.published));
    }
    if let Some(id) = given(&m.identifier) {
        let text = match isbn(&id) {
            Some(isbn) => format!("ISBN {isbn}"),
            None => format!("{}: {id}", w.identifier),
        };
        push("identifier", text);
    }
    if let Some(d) = given(&m.description) {
        push("description", d);
    }
    if let Some(s) = given(&m.series) {
        push("series", format!("{}: {s}", w.series));
    }
    push("colophon", w.colophon.to_string());
    out
}

/// The ISBN in an identifier (`urn:isbn:…`, `isbn:…`, `ISBN …` or the bare
/// number), as written without its prefix, when it has the 10 or 13 digits
/// of one and its check digit is right (ISO 2108: ISBN-13 weights 1, 3, 1…
/// modulo 10; ISBN-10 weights 10 … 1 modulo 11, its check digit may be `X`).
pub fn isbn(id: &str) -> Option<String> {
    let t = id.trim();
    let lower = t.to_ascii_lowercase();
    let rest = ["urn:isbn:", "isbn:", "isbn"]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| t[p.len()..].trim()))
        .unwrap_or(t);
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | 'X' | 'x'))
    {
        return None;
    }
    let digits: Vec<u32> = rest
        .chars()
        .filter_map(|c| match c {
            'X' | 'x' => Some(10),
            c => c.to_digit(10),
        })
        .collect();
    let ok = match digits.len() {
        13 if digits.iter().all(|&d| d < 10) => {
            let sum: u32 = digits
                .iter()
                .enumerate()
                .map(|(i, d)| if i % 2 == 0 { *d } else { 3 * d })
                .sum();
            sum.is_multiple_of(10)
        }
        10 if digits[..9].iter().all(|&d| d < 10) => {
            let sum: u32 = digits.iter().zip((1..=10).rev()).map(|(d, w)| d * w).sum();
            sum.is_multiple_of(11)
        }
        _ => false,
    };
    ok.then(|| rest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbns_are_recognised_with_or_without_a_prefix() {
        assert_eq!(
            isbn("978-604-1-00000-1").as_deref(),
            Some("978-604-1-00000-1")
        );
        assert_eq!(
            isbn("urn:isbn:9786041000001").as_deref(),
            Some("9786041000001")
        );
        assert_eq!(isbn("ISBN 0-306-40615-2").as_deref(), Some("0-306-40615-2"));
        assert_eq!(isbn("isbn:0-8044-2957-X").as_deref(), Some("0-8044-2957-X"));
        // A wrong check digit: not an ISBN.
        assert_eq!(isbn("978-604-1-00000-0"), None);
        assert_eq!(isbn("0-306-40615-X"), None);
        assert_eq!(isbn("urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"), None);
        assert_eq!(isbn("12345"), None);
    }
}
