//! XML text hygiene: escaping, characters XML 1.0 forbids, ids and URLs.
//!
//! Everything the user wrote reaches the XHTML through these functions, so
//! nothing in the source can make a content document ill-formed.

use std::collections::{HashMap, HashSet};

/// The private-use character that brackets link placeholders in generated
/// markup (see [`crate::epub::xhtml`]); removed from user text.
pub const MARK: char = '\u{E000}';

/// Whether `c` may appear in an XML 1.0 document (and is not our marker).
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E001}'..='\u{FFFD}' | '\u{10000}'..)
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

/// An id that is a valid XML name and HTML id: ASCII letters, digits, `-`,
/// `_`, `.`; starts with a letter. Empty input gives `x`.
pub fn id_base(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    match out.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => out,
        _ => format!("x{out}"),
    }
}

/// Every id used in the book (ids are unique across all files, which makes
/// fragment links easy to resolve), with the file each lives in.
#[derive(Default)]
pub struct Ids {
    used: HashSet<String>,
    /// Anchor names as the author wrote them → (final id, file index).
    anchors: HashMap<String, (String, usize)>,
}

impl Ids {
    /// Claims a unique id derived from `raw`.
    pub fn claim(&mut self, raw: &str) -> String {
        let base = id_base(raw);
        let mut id = base.clone();
        let mut n = 1;
        while !self.used.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        id
    }

    /// Claims an id for an anchor the author can link to as `#name`, in `file`.
    pub fn claim_anchor(&mut self, name: &str, file: usize) -> String {
        let id = self.claim(name);
        self.anchors
            .entry(name.to_string())
            .or_insert_with(|| (id.clone(), file));
        id
    }

    /// Where the author's anchor `name` went.
    pub fn anchor(&self, name: &str) -> Option<&(String, usize)> {
        self.anchors.get(name)
    }
}

/// What to do with a link or image URL.
#[derive(Debug, PartialEq, Eq)]
pub enum Url {
    /// `#name`: an anchor in the book (decoded).
    Fragment(String),
    /// An absolute URL with a scheme, percent-encoded where needed.
    External(String),
    /// A script URL: dropped.
    Script,
    /// A URL whose scheme is not registered, or which is malformed: dropped.
    Unusable(String),
    /// A relative reference (a local file).
    Relative(String),
}

/// Classifies a URL as the author wrote it.
pub fn classify(raw: &str) -> Url {
    let raw = clean(raw.trim());
    if let Some(frag) = raw.strip_prefix('#') {
        return Url::Fragment(percent_decode(frag));
    }
    let scheme_len = raw
        .char_indices()
        .take_while(|&(i, c)| {
            if i == 0 {
                c.is_ascii_alphabetic()
            } else {
                c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')
            }
        })
        .count();
    if scheme_len > 0 && raw[scheme_len..].starts_with(':') {
        let scheme = raw[..scheme_len].to_ascii_lowercase();
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if matches!(scheme.as_str(), "javascript" | "vbscript" | "data")
            || compact.to_ascii_lowercase().starts_with("javascript:")
        {
            return Url::Script;
        }
        if !SCHEMES.contains(&scheme.as_str()) {
            return Url::Unusable(format!(
                "the URL scheme `{scheme}:` is not a registered one"
            ));
        }
        let rest = &raw[scheme_len + 1..];
        if HOST_SCHEMES.contains(&scheme.as_str()) && !valid_authority(rest) {
            return Url::Unusable("the URL has no valid host name".into());
        }
        return Url::External(percent_encode(&raw));
    }
    if let Some(rest) = raw.strip_prefix("//") {
        if valid_authority(&raw) && rest.contains('.') {
            return Url::External(percent_encode(&format!("https:{raw}")));
        }
        return Url::Unusable("the URL has no valid host name".into());
    }
    Url::Relative(raw)
}

/// URL schemes kept in links (registered with IANA; EPUBCheck warns about others).
const SCHEMES: &[&str] = &[
    "http", "https", "mailto", "ftp", "tel", "sms", "news", "nntp", "irc", "ircs", "urn", "geo",
    "sip", "sips", "xmpp", "ws", "wss", "doi", "isbn",
];

/// Schemes whose URLs must have a host.
const HOST_SCHEMES: &[&str] = &["http", "https", "ftp", "ws", "wss"];

/// Whether `rest` (after `scheme:`) starts with `//host` where host is a
/// domain name with no empty label, an IPv4 or a bracketed IPv6 address.
fn valid_authority(rest: &str) -> bool {
    let Some(auth) = rest.strip_prefix("//") else {
        return false;
    };
    let auth = auth.split(['/', '?', '#']).next().unwrap_or("");
    let host = auth.rsplit('@').next().unwrap_or("");
    if let Some(v6) = host.strip_prefix('[') {
        return v6.contains(']');
    }
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    !host.is_empty()
        && host.split('.').enumerate().all(|(i, label)| {
            (!label.is_empty() || i > 0 && host.ends_with('.') && host.len() > 1)
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '%')
        })
        && !host.starts_with('.')
}

/// Percent-encodes what may not appear in a URL; keeps valid `%XX` escapes.
pub fn percent_encode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, &b) in bytes.iter().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || b"-._~:/?#@!$&'()*+,;=".contains(&b)
            || (b == b'%'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit));
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (invalid UTF-8 is replaced).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_forbidden_characters() {
        assert_eq!(text("a<b>&c\u{1}\u{FFFF}"), "a&lt;b&gt;&amp;c");
        assert_eq!(attr("\"x\"\n"), "&quot;x&quot;&#10;");
        assert_eq!(clean("a\u{E000}b\u{0}"), "ab");
    }

    #[test]
    fn ids_are_names_and_unique() {
        let mut ids = Ids::default();
        assert_eq!(ids.claim("1 x\"y"), "x1-x-y");
        assert_eq!(ids.claim("a"), "a");
        assert_eq!(ids.claim("a"), "a-2");
        assert_eq!(ids.claim_anchor("đ", 3), "x-");
        assert_eq!(ids.anchor("đ"), Some(&("x-".to_string(), 3)));
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
        assert_eq!(percent_encode("100%25 %zz"), "100%25%20%25zz");
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
