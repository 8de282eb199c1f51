//! Front matter → typed [`Meta`].
//!
//! The block between a first line `---` and a closing `---` (or `...`) is
//! YAML, read with `saphyr`, which keeps the position of every node; a block
//! between `+++` lines is TOML (Hugo), read with `toml`. Both become one
//! [`value::Node`] tree, read here once.
//!
//! Front matter written for other tools builds (Jekyll, Hugo, MkDocs,
//! mdBook, pandoc):
//! - keys trang does not read (`layout`, `permalink`, `draft`, `weight`,
//!   `hide`…) are one warning naming them all;
//! - a key of ours whose value has another tool's shape (Hugo's `toc:` as a
//!   mapping, PaperMod's `cover:` as a mapping) is a warning and ignored;
//! - a value of the right shape that is wrong (`date: 32/13/2022`, `lang:
//!   tiếng`) is an error at its line, as before;
//! - `author` as a mapping (Jekyll's `author: {name: …}`) gives its `name`.

pub mod value;

use std::path::PathBuf;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::doc::{Date, Meta, Span};

pub use value::{Node, Value};

/// Where the front matter sits in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    /// Byte range of the front-matter text (between the fences).
    pub yaml: Span,
    /// Byte offset where the Markdown body begins.
    pub body_start: usize,
    /// Whether it is TOML between `+++` fences (else YAML between `---`).
    pub toml: bool,
}

/// The keys trang reads, for the hint of the unknown-key warning.
const KNOWN: &str = "title, subtitle, author, date, dateline, lang, publisher, series, source, rights, \
                     identifier, description, keywords, cover, toc, number-headings, fonts, pdf-standard";

/// Finds the front-matter block at the top of `text`, if any.
///
/// Returns `Ok(None)` when the file does not start with `---` or `+++`, and
/// an error when the opening fence is never closed.
pub fn split(source: &SourceFile) -> Result<Option<Split>, Diagnostic> {
    let text = source.text();
    let text = &*text;
    let first_line_end = text.find('\n').unwrap_or(text.len());
    let fence = text[..first_line_end].trim_end();
    let toml = fence == "+++";
    if fence != "---" && !toml {
        return Ok(None);
    }
    // `+++` never closed is a paragraph (CommonMark example 44), not TOML.
    let closes = |f: &str| text[first_line_end..].lines().any(|l| l.trim_end() == f);
    if toml && !closes(fence) {
        return Ok(None);
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == fence || (!toml && line == "...") {
            return Ok(Some(Split {
                yaml: Span::new(yaml_start, pos),
                body_start: (end + 1).min(text.len()),
                toml,
            }));
        }
        pos = end + 1;
    }
    Err(Diagnostic::error("front matter is not closed")
        .at(source, Span::new(0, 3))
        .help(format!(
            "end the front matter with a line holding only `{fence}`"
        )))
}

/// Parses the front matter at `split` into `Meta`; problems go to `diags`.
pub fn parse(source: &SourceFile, split: Split, diags: &mut Diagnostics) -> Meta {
    let meta = Meta::default();
    let whole = source.text();
    let text = &whole[split.yaml.start..split.yaml.end];
    let here = |at: usize| Span::new(at, at);
    let root = if split.toml {
        value::toml(split.yaml.start, text).map(Some)
    } else {
        value::yaml(source, split.yaml.start, text)
    };
    let root = match root {
        Ok(Some(root)) => root,
        Ok(None) => return meta,
        Err((message, at)) => {
            let help = if split.toml {
                "`+++` front matter is TOML: `key = \"value\"` per line"
            } else {
                "front matter is YAML: `key: value` per line; quote values holding `: ` or `#`"
            };
            diags.push(Diagnostic::error(message).at(source, here(at)).help(help));
            return meta;
        }
    };
    let map = match root.value {
        Value::Map(map) => map,
        Value::Null => return meta,
        _ => {
            diags.push(
                Diagnostic::error("front matter must be a mapping of `key: value` lines")
                    .at(source, here(root.at))
                    .help("write one `key: value` per line, e.g. `title: Tên bài`"),
            );
            return meta;
        }
    };
    read_map(source, map, "front-matter", diags)
}

/// Reads the keys of a front-matter mapping (or of a book's `[book]`
/// table: `what` names it in messages, e.g. `book.toml`) into a [`Meta`].
pub fn read_map(
    source: &SourceFile,
    map: Vec<(String, usize, Node)>,
    what: &str,
    diags: &mut Diagnostics,
) -> Meta {
    let mut meta = Meta::default();
    let here = |at: usize| Span::new(at, at);
    let mut unknown: Vec<(String, usize)> = Vec::new();
    for (key, key_at, node) in map {
        let at = here(node.at);
        let wrong = |expected: &str| {
            Diagnostic::error(format!("`{key}` must be {expected}"))
                .at(source, at)
                .help(format!("e.g. `{key}: {}`", example(&key)))
        };
        // The shapes each key of ours is read from: anything else is
        // another tool's value, a warning.
        let expects = match key.as_str() {
            "title" | "subtitle" | "publisher" | "series" | "source" | "rights" | "identifier"
            | "description" | "dateline" | "date" | "lang" | "cover" | "fonts" | "theme" => {
                "a text"
            }
            "author" | "authors" => "a text, a list of texts or a mapping with a `name`",
            "keywords" | "subject" | "pdf-standard" => "a text or a list of texts",
            "toc" | "number-headings" => "true/false",
            _ => {
                unknown.push((key, key_at));
                continue;
            }
        };
        // A mapping is another tool's settings under a name of ours (Hugo's
        // `toc: {auto: false}`); a list where a text is meant stays an error.
        let fits = match &node.value {
            Value::Map(_) => key.starts_with("author"),
            Value::Null => false,
            _ => true,
        };
        if !fits {
            diags.push(
                Diagnostic::warning(format!(
                    "`{key}` is {} here, trang reads it as {expects}; ignored",
                    node.value.shape()
                ))
                .at(source, here(key_at))
                .repeats(
                    "front-matter-shape",
                    "front-matter keys have values trang does not read; ignored",
                    format!("`{key}` ({})", node.value.shape()),
                )
                .help(format!(
                    "written for another tool, perhaps; trang reads e.g. `{key}: {}`",
                    example(&key)
                )),
            );
            continue;
        }
        let text = || node.value.text().filter(|s| !s.trim().is_empty());
        let name = if key == "authors" {
            "author"
        } else {
            key.as_str()
        };
        meta.keys.push(name.to_string());
        match key.as_str() {
            "title" | "subtitle" | "publisher" | "series" | "source" | "rights" | "identifier"
            | "description" | "dateline" => match text() {
                Some(s) => {
                    let s = Some(crate::markdown::nfc(s.trim()));
                    match key.as_str() {
                        "title" => meta.title = s,
                        "subtitle" => meta.subtitle = s,
                        "publisher" => meta.publisher = s,
                        "series" => meta.series = s,
                        "source" => meta.source = s,
                        "rights" => meta.rights = s,
                        "identifier" => meta.identifier = s,
                        "description" => meta.description = s,
                        _ => meta.dateline = s,
                    }
                }
                None => diags.push(wrong("a text")),
            },
            "author" | "authors" | "keywords" | "subject" => match string_list(&node) {
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
            "pdf-standard" => match string_list(&node).map(|l| l.join(",")) {
                Some(list) => match crate::pdf::Standards::parse(&list) {
                    Ok(s) => meta.pdf_standard = Some(s),
                    Err(why) => diags.push(
                        Diagnostic::error(format!("`pdf-standard`: {why}"))
                            .at(source, at)
                            .help(format!("e.g. `pdf-standard: {}`", example(&key))),
                    ),
                },
                None => diags.push(wrong("a text or a list of texts")),
            },
            "date" => match text().and_then(|s| parse_date(s.trim())) {
                Some(d) => meta.date = Some(d),
                None => diags.push(
                    Diagnostic::error(format!(
                        "`date` must be a calendar date in ISO 8601 form, found `{}`",
                        node.value.text().unwrap_or_default()
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
            "theme" => match text() {
                Some(s) => meta.theme = Some(s.trim().to_string()),
                None => diags.push(wrong("a preset's name or a theme file")),
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
            _ => match node.value {
                Value::Bool(b) if key == "toc" => meta.toc = b,
                Value::Bool(b) => meta.number_headings = b,
                _ => diags.push(wrong("`true` or `false`")),
            },
        }
    }
    if let Some((_, first)) = unknown.first() {
        let names: Vec<String> = unknown.iter().map(|(k, _)| format!("`{k}`")).collect();
        let message = match names.as_slice() {
            [one] => format!("unknown {what} key {one} is ignored"),
            _ => format!(
                "{} unknown {what} keys are ignored: {}",
                names.len(),
                names.join(", ")
            ),
        };
        // A book's chapters report theirs in one warning.
        diags.push(
            Diagnostic::warning(message)
                .at(source, here(*first))
                .repeats(
                    "unknown-keys",
                    format!("{what} blocks have keys trang does not read; ignored"),
                    names.join(", "),
                )
                .help(format!(
                    "keys of other tools are left to them; trang reads {KNOWN}"
                )),
        );
    }
    meta
}

fn example(key: &str) -> &'static str {
    match key {
        "author" | "authors" => "[Nguyễn Văn A, Trần Thị B]",
        "keywords" | "subject" => "[dân vận, Tây Bắc]",
        "cover" => "images/cover.jpg",
        "fonts" => "../my-fonts",
        "theme" => "book",
        "pdf-standard" => "a-2u, ua-1",
        "toc" | "number-headings" => "true",
        "date" => "2022-07-05",
        "lang" => "vi",
        _ => "…",
    }
}

/// A text, a list of texts, or Jekyll's `{name: …}` mapping(s), as a list.
fn string_list(node: &Node) -> Option<Vec<String>> {
    let one = |n: &Node| {
        match &n.value {
            Value::Map(fields) => fields
                .iter()
                .find(|(k, _, _)| k == "name")
                .and_then(|(_, _, v)| v.value.text()),
            v => v.text(),
        }
        .filter(|s| !s.trim().is_empty())
    };
    match &node.value {
        Value::List(items) => items.iter().map(one).collect(),
        _ => one(node).map(|s| vec![s]),
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
        assert!(rendered[1].contains("`toc` must be"), "{}", rendered[1]);
        // Unknown keys come last, in one warning.
        assert!(rendered[2].starts_with("warning: unknown front-matter key `foo`"));
        assert!(rendered[2].contains("t.md:5:1"), "{}", rendered[2]);
    }

    /// The rendered diagnostics of `text`'s front matter, and its `Meta`.
    fn read(text: &str) -> (Meta, Vec<String>) {
        let src = SourceFile::new("t.md", text);
        let split = split(&src).unwrap().unwrap();
        let mut diags = Diagnostics::default();
        let meta = parse(&src, split, &mut diags);
        (meta, diags.items.iter().map(|d| d.render()).collect())
    }

    #[test]
    fn jekyll_front_matter_builds() {
        let (meta, d) = read(
            "---\nlayout: post\ntitle: \"Bài Jekyll\"\ndate: 2023-03-14 09:30:00 +0700\n\
             categories: [ghi-chu, rust]\ntags:\n  - a\n  - b\npermalink: /bai/\n\
             author:\n  name: Nguyễn Văn A\n  url: https://example.com\n---\nx\n",
        );
        assert_eq!(meta.title.as_deref(), Some("Bài Jekyll"));
        assert_eq!(meta.date, Date::new(2023, 3, 14));
        assert_eq!(meta.authors, ["Nguyễn Văn A"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].starts_with(
                "warning: 4 unknown front-matter keys are ignored: `layout`, `categories`, `tags`, `permalink`"
            ),
            "{}",
            d[0]
        );
        assert!(d[0].contains("t.md:2:1"), "{}", d[0]);
    }

    #[test]
    fn hugo_yaml_front_matter_builds() {
        let (meta, d) = read(
            "---\ntitle: Bài Hugo\ndraft: false\nweight: 10\nslug: bai-hugo\n\
             aliases: [/cu/]\ndate: 2024-01-02T08:00:00+07:00\ntoc:\n  auto: false\n\
             params:\n  math: true\ncover:\n  image: anh.png\n---\nx\n",
        );
        assert_eq!(meta.title.as_deref(), Some("Bài Hugo"));
        assert_eq!(meta.date, Date::new(2024, 1, 2));
        assert!(!meta.toc);
        assert_eq!(meta.cover, None);
        assert_eq!(d.len(), 2, "{d:?}");
        // `toc` and `cover` have Hugo's shapes: one grouped warning.
        assert!(
            d[0].starts_with("warning: 2 front-matter keys have values trang does not read"),
            "{}",
            d[0]
        );
        assert!(
            d[0].contains("`toc` (a mapping) (8:1), `cover` (a mapping) (12:1)"),
            "{}",
            d[0]
        );
        assert!(d[1].contains("5 unknown front-matter keys"), "{}", d[1]);
    }

    #[test]
    fn a_foreign_shape_alone_says_what_trang_reads() {
        let (meta, d) = read("---\ntitle: Bài Hugo\ntoc:\n  auto: false\n---\nx\n");
        assert_eq!(meta.title.as_deref(), Some("Bài Hugo"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].starts_with(
                "warning: `toc` is a mapping here, trang reads it as true/false; ignored"
            ),
            "{}",
            d[0]
        );
        assert!(d[0].contains("t.md:3:1"), "{}", d[0]);
    }

    #[test]
    fn hugo_toml_front_matter_builds() {
        let (meta, d) = read(
            "+++\ntitle = \"Bài TOML\"\ndate = 2024-05-06T10:00:00+07:00\ndraft = true\n\
             toc = true\nauthors = [\"A\", \"B\"]\n\n[params]\nmath = true\n+++\nx\n",
        );
        assert_eq!(meta.title.as_deref(), Some("Bài TOML"));
        assert_eq!(meta.date, Date::new(2024, 5, 6));
        assert!(meta.toc);
        assert_eq!(meta.authors, ["A", "B"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("2 unknown front-matter keys"), "{}", d[0]);
        assert!(
            d[0].contains("`draft`") && d[0].contains("`params`"),
            "{}",
            d[0]
        );
        let (_, d) = read("+++\ntitle = \"x\"\ndate = 32\n+++\nx\n");
        assert!(
            d[0].contains("`date` must be") && d[0].contains("t.md:3:8"),
            "{d:?}"
        );
        let (_, d) = read("+++\ntitle = x\n+++\n");
        assert!(
            d[0].starts_with("error: front matter is not valid TOML"),
            "{d:?}"
        );
        assert!(d[0].contains("t.md:2:"), "{d:?}");
    }

    #[test]
    fn mkdocs_and_mdbook_front_matter_build() {
        let (meta, d) = read(
            "---\ntitle: Trang MkDocs\ndescription: Mô tả\nhide:\n  - navigation\n  - toc\n\
             search:\n  exclude: true\ntags: [a]\n---\nx\n",
        );
        assert_eq!(meta.title.as_deref(), Some("Trang MkDocs"));
        assert_eq!(meta.description.as_deref(), Some("Mô tả"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("3 unknown front-matter keys are ignored: `hide`, `search`, `tags`"));
        // mdBook chapters have no front matter of their own; a pandoc-style
        // block (which mdBook passes through) with an empty value:
        let (meta, d) = read("---\ntitle: Chương 1\nsubtitle:\nauthor: [A]\n---\nx\n");
        assert_eq!(meta.subtitle, None);
        assert_eq!(meta.authors, ["A"]);
        assert!(
            d[0].starts_with("warning: `subtitle` is empty here"),
            "{d:?}"
        );
    }

    #[test]
    fn unterminated_front_matter_is_an_error() {
        let src = SourceFile::new("t.md", "---\ntitle: x\n\nbody\n");
        let err = split(&src).unwrap_err();
        assert!(err.render().contains("t.md:1:1"));
    }
}
