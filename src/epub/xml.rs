//! XML text hygiene: escaping, characters XML 1.0 forbids, ids and URLs.
//!
//! Everything the user wrote reaches the XHTML through these functions, so
//! nothing in the source can make a content document ill-formed.

/// Whether `c` may appear in an XML 1.0 document (XML 1.0 §2.2 `Char`).
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `s` without the characters XML 1.0 forbids.
pub fn clean(s: &str) -> String {
    s.chars().filter(|&c| allowed(c)).collect()
}

/// Appends `s` as element content: `&`, `<`, `>` escaped, forbidden characters dropped.
pub fn push_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
}

/// `s` escaped as element content.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_text(&mut out, s);
    out
}

/// `s` escaped for a double-quoted attribute value (newlines and tabs as
/// character references so that attribute normalisation keeps them).
pub fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
    out
}

pub use crate::resolve::url::{Url, classify};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_forbidden_characters() {
        assert_eq!(text("a<b>&c\u{1}\u{FFFF}"), "a&lt;b&gt;&amp;c");
        assert_eq!(attr("\"x\"\n"), "&quot;x&quot;&#10;");
        assert_eq!(clean("a\u{E000}b\u{0}"), "a\u{E000}b");
    }

    #[test]
    fn urls_are_classified_and_encoded() {
        assert_eq!(classify("#a%20b"), Url::Fragment("a b".into()));
        assert_eq!(
            classify("https://vi.wikipedia.org/wiki/Việt Nam\"x"),
            Url::External("https://vi.wikipedia.org/wiki/Vi%E1%BB%87t%20Nam%22x".into())
        );
        assert_eq!(classify(" JavaScript:alert(1)"), Url::Script);
        assert_eq!(
            classify("java\nscript:x"),
            Url::Relative("java\nscript:x".into())
        );
        assert_eq!(classify("/url"), Url::Relative("/url".into()));
        assert_eq!(
            crate::resolve::url::percent_encode("100%25 %zz"),
            "100%25%20%25zz"
        );
        assert!(matches!(classify("https://../"), Url::Unusable(_)));
        assert!(matches!(classify("a+b+c:d"), Url::Unusable(_)));
        assert!(matches!(classify("MAILTO:a@b.vn"), Url::External(_)));
        assert!(matches!(classify("http://[::1]:80/x"), Url::External(_)));
        assert!(matches!(
            classify("https://user@dân.vn:8080/a?b#c"),
            Url::External(_)
        ));
    }
}
