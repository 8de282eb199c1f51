//! Ids and slugs: every link target of the book gets one id, unique across
//! the whole book, that is a valid XML name and HTML id (EPUB 3.3 §6.1,
//! XML 1.0 `Name`) and a PDF named destination.
//!
//! Two slug schemes name headings: trang's own ASCII slug (`thay-doi`, the
//! id written to both outputs) and GitHub's, which keeps letters
//! (`thay-đổi`; github-slugger: lower-cased, punctuation removed, spaces to
//! `-`, repeats numbered `-1`, `-2`). A link written in either resolves.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

/// trang's ASCII slug of heading text: diacritics dropped (đ → d), lower
/// case, words joined by `-`; starts with a letter (`h-` is put before a
/// digit), `section` when nothing is left.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.nfd() {
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_')
            && !out.ends_with('-')
            && !out.is_empty()
        {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    match out.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => out,
        Some(_) => format!("h-{out}"),
        None => "section".to_string(),
    }
}

/// GitHub's slug of heading text (github-slugger): lower case, letters,
/// marks, digits, `-` and `_` kept, each space a `-`, everything else dropped.
pub fn github_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().nfc().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '-' || c == '_' || is_mark(c) {
            out.push(c);
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

/// Combining marks (Unicode general category M, the blocks Vietnamese and
/// Latin text use), which GitHub's slugger keeps.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}')
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

/// The ids of the book and the names links may use for them.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    used: HashSet<String>,
    /// A name as an author may write it after `#` → the id it reaches.
    names: HashMap<String, String>,
    /// The same, per scope: a book's chapter file, where `#name` and
    /// `file.md#name` mean that file's `name` first.
    scoped: HashMap<(usize, String), String>,
    /// The scope names are recorded in now (0 for an article).
    pub scope: usize,
}

impl Registry {
    /// Claims a unique id made from `raw` (made valid, then numbered
    /// `-2`, `-3`, … if taken) and records `raw` as a name for it (the
    /// first claim of a name keeps it).
    pub fn claim(&mut self, raw: &str) -> String {
        let base = id_base(raw);
        let mut id = base.clone();
        let mut n = 1;
        while !self.used.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.alias(raw, &id);
        id
    }

    /// Records `name` as another way to reach `id`, unless it names
    /// something already (in the book, and in the current scope).
    pub fn alias(&mut self, name: &str, id: &str) {
        self.names
            .entry(name.to_string())
            .or_insert_with(|| id.to_string());
        self.scoped
            .entry((self.scope, name.to_string()))
            .or_insert_with(|| id.to_string());
    }

    /// The id `name` reaches in scope `scope` (a chapter file), if any,
    /// with the same spellings as [`Registry::find`].
    pub fn find_in(&self, scope: usize, name: &str) -> Option<&String> {
        let nfc: String = name.nfc().collect();
        let get = |n: &str| self.scoped.get(&(scope, n.to_string()));
        get(name)
            .or_else(|| get(&nfc))
            .or_else(|| get(&nfc.to_lowercase()))
    }

    /// The id a link `#name` reaches, if any: the name as written, then
    /// Unicode-normalised (NFC), then lower-cased.
    pub fn find(&self, name: &str) -> Option<&String> {
        let nfc: String = name.nfc().collect();
        self.names
            .get(name)
            .or_else(|| self.names.get(&nfc))
            .or_else(|| self.names.get(&nfc.to_lowercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_slug_schemes() {
        assert_eq!(slug("Thay đổi"), "thay-doi");
        assert_eq!(github_slug("Thay đổi"), "thay-đổi");
        assert_eq!(github_slug("1. Giới thiệu"), "1-giới-thiệu");
        assert_eq!(slug("1. Giới thiệu"), "h-1-gioi-thieu");
        assert_eq!(github_slug("C++ & Rust?"), "c--rust");
    }

    #[test]
    fn claims_are_unique_and_valid() {
        let mut r = Registry::default();
        assert_eq!(r.claim("fn-1"), "fn-1");
        assert_eq!(r.claim("fn-1"), "fn-1-2");
        assert_eq!(r.claim("2 words"), "x2-words");
        assert_eq!(r.find("fn-1").unwrap(), "fn-1");
        r.alias("thay-đổi", "fn-1");
        assert_eq!(r.find("thay-đổi").unwrap(), "fn-1");
    }
}
