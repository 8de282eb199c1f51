//! YAML front matter → typed [`Meta`].
//!
//! The block between a first line `---` and a closing `---` (or `...`) is read
//! with `saphyr`, which keeps the position of every node, so an unknown key is a
//! warning and a value of the wrong type an error, each pointing at its line.

use std::path::PathBuf;

use saphyr::{LoadableYamlNode, MarkedYamlOwned, ScalarOwned, YamlDataOwned};

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::doc::{Date, Meta, Span};

/// Where the front matter sits in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    /// Byte range of the YAML text (between the fences).
    pub yaml: Span,
    /// Byte offset where the Markdown body begins.
    pub body_start: usize,
}

/// Finds the front-matter block at the top of `text`, if any.
///
/// Returns `Ok(None)` when the file does not start with `---`, and an error
/// when the opening fence is never closed.
pub fn split(source: &SourceFile) -> Result<Option<Split>, Diagnostic> {
    let text = &*source.text;
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return Ok(None);
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            return Ok(Some(Split {
                yaml: Span::new(yaml_start, pos),
                body_start: (end + 1).min(text.len()),
            }));
        }
        pos = end + 1;
    }
    Err(Diagnostic::error("front matter is not closed")
        .at(source, Span::new(0, 3))
        .help("end the front matter with a line holding only `---`"))
}

/// Parses the front matter at `split` into `Meta`; problems go to `diags`.
pub fn parse(source: &SourceFile, split: Split, diags: &mut Diagnostics) -> Meta {
    let mut meta = Meta::default();
    let yaml_text = &source.text[split.yaml.start..split.yaml.end];
    let (first_line, _) = source.line_col(split.yaml.start);
    // Byte offset in the file of a saphyr marker (1-based line, 0-based char column).
    let offset = |line: usize, col: usize| -> usize {
        let file_line = first_line + line.max(1) - 1;
        let line_text = source.line_text(file_line);
        source.line_start(file_line)
            + line_text
                .char_indices()
                .nth(col)
                .map_or(line_text.len(), |(i, _)| i)
    };
    let span_of = |node: &MarkedYamlOwned| {
        let o = offset(node.span.start.line(), node.span.start.col());
        Span::new(o, o)
    };
    let docs = match MarkedYamlOwned::load_from_str(yaml_text) {
        Ok(docs) => docs,
        Err(e) => {
            let m = e.marker();
            let o = offset(m.line(), m.col());
            diags.push(
                Diagnostic::error(format!("front matter is not valid YAML: {}", e.info()))
                    .at(source, Span::new(o, o))
                    .help("front matter is YAML: `key: value` per line; quote values holding `: ` or `#`"),
            );
            return meta;
        }
    };
    let Some(root) = docs.into_iter().next() else {
        return meta;
    };
    let YamlDataOwned::Mapping(map) = &root.data else {
        if !matches!(root.data, YamlDataOwned::Value(ScalarOwned::Null)) {
            diags.push(
                Diagnostic::error("front matter must be a mapping of `key: value` lines")
                    .at(source, span_of(&root))
                    .help("write one `key: value` per line, e.g. `title: Tên bài`"),
            );
        }
        return meta;
    };
    for (key_node, value) in map {
        let Some(key) = scalar_string(key_node) else {
            diags.push(
                Diagnostic::error("front-matter keys must be plain words")
                    .at(source, span_of(key_node)),
            );
            continue;
        };
        let at = span_of(value);
        let wrong = |expected: &str| {
            Diagnostic::error(format!("`{key}` must be {expected}"))
                .at(source, at)
                .help(format!("e.g. `{key}: {}`", example(&key)))
        };
        let text = || scalar_string(value).filter(|s| !s.trim().is_empty());
        match key.as_str() {
            "title" | "subtitle" | "publisher" | "source" | "rights" | "identifier"
            | "description" | "dateline" => match text() {
                Some(s) => {
                    let s = Some(crate::markdown::nfc(s.trim()));
                    match key.as_str() {
                        "title" => meta.title = s,
                        "subtitle" => meta.subtitle = s,
                        "publisher" => meta.publisher = s,
                        "source" => meta.source = s,
                        "rights" => meta.rights = s,
                        "identifier" => meta.identifier = s,
                        "description" => meta.description = s,
                        _ => meta.dateline = s,
                    }
                }
                None => diags.push(wrong("a text")),
            },
            "author" | "authors" | "keywords" | "subject" => match string_list(value) {
                Some(list) => {
                    let list = list
                        .iter()
                        .map(|s| crate::markdown::nfc(s.trim()))
                        .collect();
                    if key.starts_with("author") {
                        meta.authors = list;
                    } else {
                        meta.keywords = list;
                    }
                }
                None => diags.push(wrong("a text or a list of texts")),
            },
            "date" => match text().and_then(|s| parse_date(s.trim())) {
                Some(d) => meta.date = Some(d),
                None => diags.push(
                    Diagnostic::error(format!(
                        "`date` must be a calendar date in ISO 8601 form, found `{}`",
                        scalar_string(value).unwrap_or_default()
                    ))
                    .at(source, at)
                    .help("write the date as YYYY-MM-DD, e.g. `date: 2022-07-05`"),
                ),
            },
            "lang" => match text() {
                Some(s) if is_bcp47(s.trim()) => meta.lang = s.trim().to_string(),
                Some(s) => diags.push(
                    Diagnostic::error(format!("`lang: {s}` is not a BCP 47 language tag"))
                        .at(source, at)
                        .help("use a tag such as `vi`, `en` or `en-GB`"),
                ),
                None => diags.push(wrong("a language tag")),
            },
            "cover" | "fonts" => match text() {
                Some(s) => {
                    let p = Some(PathBuf::from(s.trim()));
                    if key == "cover" {
                        meta.cover = p;
                    } else {
                        meta.fonts = p;
                    }
                }
                None => diags.push(wrong("a file path")),
            },
            "toc" => match &value.data {
                YamlDataOwned::Value(ScalarOwned::Boolean(b)) => meta.toc = *b,
                _ => diags.push(wrong("`true` or `false`")),
            },
            "number-headings" => match &value.data {
                YamlDataOwned::Value(ScalarOwned::Boolean(b)) => meta.number_headings = *b,
                _ => diags.push(wrong("`true` or `false`")),
            },
            _ => diags.push(
                Diagnostic::warning(format!("unknown front-matter key `{key}` is ignored"))
                    .at(source, span_of(key_node))
                    .help(
                        "known keys: title, subtitle, author, date, dateline, lang, publisher, \
                         source, rights, identifier, description, keywords, cover, toc, \
                         number-headings, fonts",
                    ),
            ),
        }
    }
    meta
}

fn example(key: &str) -> &'static str {
    match key {
        "author" | "authors" => "[Nguyễn Văn A, Trần Thị B]",
        "keywords" | "subject" => "[dân vận, Tây Bắc]",
        "cover" => "images/cover.jpg",
        "fonts" => "../my-fonts",
        _ => "…",
    }
}

fn scalar_string(node: &MarkedYamlOwned) -> Option<String> {
    match &node.data {
        YamlDataOwned::Value(ScalarOwned::String(s)) => Some(s.clone()),
        YamlDataOwned::Value(ScalarOwned::Integer(i)) => Some(i.to_string()),
        YamlDataOwned::Value(ScalarOwned::FloatingPoint(f)) => Some(f.to_string()),
        YamlDataOwned::Value(ScalarOwned::Boolean(b)) => Some(b.to_string()),
        YamlDataOwned::Representation(s, _, _) => Some(s.clone()),
        YamlDataOwned::Tagged(_, inner) => scalar_string(inner),
        _ => None,
    }
}

fn string_list(node: &MarkedYamlOwned) -> Option<Vec<String>> {
    match &node.data {
        YamlDataOwned::Sequence(items) => items
            .iter()
            .map(|i| scalar_string(i).filter(|s| !s.trim().is_empty()))
            .collect(),
        _ => scalar_string(node)
            .filter(|s| !s.trim().is_empty())
            .map(|s| vec![s]),
    }
}

/// Parses an ISO 8601 calendar date `YYYY-MM-DD` (a time part after `T` or a
/// space is allowed and ignored).
pub fn parse_date(s: &str) -> Option<Date> {
    let day_part = s.split(['T', ' ']).next()?;
    let mut parts = day_part.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(y) && all_digits(m) && all_digits(d)) {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Whether `tag` is a well-formed BCP 47 language tag (RFC 5646 syntax:
/// language, then optional script, region, variants, extensions, private use).
pub fn is_bcp47(tag: &str) -> bool {
    let subtags: Vec<&str> = tag.split('-').collect();
    let alpha = |s: &str| s.bytes().all(|b| b.is_ascii_alphabetic());
    let digit = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let alnum = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric());
    let Some(first) = subtags.first() else {
        return false;
    };
    if first.eq_ignore_ascii_case("x") {
        return subtags.len() > 1
            && subtags[1..]
                .iter()
                .all(|s| (1..=8).contains(&s.len()) && alnum(s));
    }
    if !((2..=3).contains(&first.len()) || (5..=8).contains(&first.len())) || !alpha(first) {
        return false;
    }
    let mut i = 1;
    // Extended language subtags (up to three 3-letter ones).
    while i < subtags.len() && i <= 3 && subtags[i].len() == 3 && alpha(subtags[i]) {
        i += 1;
    }
    if i < subtags.len() && subtags[i].len() == 4 && alpha(subtags[i]) {
        i += 1; // script
    }
    if i < subtags.len()
        && ((subtags[i].len() == 2 && alpha(subtags[i]))
            || (subtags[i].len() == 3 && digit(subtags[i])))
    {
        i += 1; // region
    }
    while i < subtags.len() {
        let s = subtags[i];
        let variant = ((5..=8).contains(&s.len()) && alnum(s))
            || (s.len() == 4 && s.as_bytes()[0].is_ascii_digit() && alnum(s));
        if variant {
            i += 1;
            continue;
        }
        if s.len() == 1 && alnum(s) {
            // Extension or private use: the rest must be 1–8 alnum subtags, at least one.
            let rest = &subtags[i + 1..];
            return !rest.is_empty() && rest.iter().all(|r| (1..=8).contains(&r.len()) && alnum(r));
        }
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in [
            "vi",
            "en",
            "en-GB",
            "zh-Hant-TW",
            "vi-VN",
            "sr-Latn-RS",
            "de-CH-1996",
            "x-private",
        ] {
            assert!(is_bcp47(ok), "{ok}");
        }
        for bad in [
            "",
            "v",
            "vietnamese-language",
            "en_GB",
            "vi-",
            "12",
            "en-GB-",
            "tiếng",
        ] {
            assert!(!is_bcp47(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2022-07-05"), Date::new(2022, 7, 5));
        assert_eq!(parse_date("2022-07-05T10:00:00Z"), Date::new(2022, 7, 5));
        assert_eq!(parse_date("32/13/2022"), None);
        assert_eq!(parse_date("2022-13-01"), None);
        assert_eq!(parse_date("2022-7-5"), None);
    }

    #[test]
    fn fields_types_and_positions() {
        let text =
            "---\ntitle: Tiêu đề\nauthor: [A, B]\ndate: 32/13/2022\nfoo: 1\ntoc: yes\n---\nbody\n";
        let src = SourceFile::new("t.md", text);
        let split = split(&src).unwrap().unwrap();
        assert_eq!(&text[split.body_start..], "body\n");
        let mut diags = Diagnostics::default();
        let meta = parse(&src, split, &mut diags);
        assert_eq!(meta.title.as_deref(), Some("Tiêu đề"));
        assert_eq!(meta.authors, ["A", "B"]);
        let rendered: Vec<String> = diags.items.iter().map(|d| d.render()).collect();
        assert!(rendered[0].contains("t.md:4:7"), "{}", rendered[0]);
        assert!(rendered[0].starts_with("error: `date`"), "{}", rendered[0]);
        assert!(rendered[1].starts_with("warning: unknown front-matter key `foo`"));
        assert!(rendered[1].contains("t.md:5:1"), "{}", rendered[1]);
        assert!(rendered[2].contains("`toc` must be"), "{}", rendered[2]);
    }

    #[test]
    fn unterminated_front_matter_is_an_error() {
        let src = SourceFile::new("t.md", "---\ntitle: x\n\nbody\n");
        let err = split(&src).unwrap_err();
        assert!(err.render().contains("t.md:1:1"));
    }
}
