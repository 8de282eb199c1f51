//! URLs as authors write them: classified once (an anchor in the book, an
//! external URL with a registered scheme (RFC 3986; IANA's URI schemes), a
//! script, an unusable or a relative one), percent-encoded for output.

use crate::epub::xml::clean;

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

/// Whether `s` is a well-formed BCP 47 language tag as far as XML's
/// `xml:lang` and PDF's `/Lang` need (subtags of 1–8 letters or digits,
/// the first letters only).
pub fn valid_lang(s: &str) -> bool {
    let mut parts = s.split('-');
    parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()))
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}
