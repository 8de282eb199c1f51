//! Links resolved once for both writers.
//!
//! After this step a [`InlineKind::Link`]'s `url` is either `#id` (an id
//! of the book, see [`super::ids::Registry`]) or an external URL with a
//! registered scheme, percent-encoded. Anything else — a missing anchor, a
//! relative path (a file that is not part of the book), a script or an
//! unusable URL — is replaced by the link's text, and reported once per
//! kind with a count and the first places. A link inside a link is
//! unwrapped: HTML does not allow `<a>` in `<a>` (HTML §4.5.1), and a
//! reader cannot follow two targets from one word.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::doc::{Block, Inline, InlineKind, Span};

use super::ids::Registry;
use super::url::{Url, classify, percent_decode};

/// What could not be kept, grouped by kind: kind → (target, place) list.
#[derive(Default)]
pub struct Report {
    dropped: BTreeMap<&'static str, Vec<(String, Span)>>,
}

/// The kinds of dropped link, with the sentence that explains each.
const KINDS: &[(&str, &str, &str)] = &[
    (
        "link-anchor",
        "not an anchor in the document",
        "link to a heading's id (`#ten-muc`, or GitHub's `#tên-mục`), or put `<a id=\"…\"></a>` where the link should go",
    ),
    (
        "link-relative",
        "not part of the book",
        "a single-file build holds one document: link with a full `https://` URL to reach another page",
    ),
    (
        "link-outside-book",
        "not one of the book's chapter files",
        "link to a chapter file named in the chapter list (`chuong-2.md`, `chuong-2.md#muc`), or with a full `https://` URL",
    ),
    (
        "link-script",
        "a script URL",
        "scripts never run in an e-book or a PDF",
    ),
    (
        "link-unusable",
        "not a usable URL",
        "write the URL with a registered scheme and a host, e.g. `https://example.com/…`",
    ),
];

impl Report {
    fn drop(&mut self, kind: &'static str, target: &str, span: Span) {
        self.dropped
            .entry(kind)
            .or_default()
            .push((target.to_string(), span));
    }

    /// Reports each dropped link; [`Diagnostics::push`] folds each kind
    /// into one warning with the count, the first places and a hint.
    pub fn emit(self, source: &SourceFile, diags: &mut Diagnostics) {
        for (kind, why, help) in KINDS {
            for (target, span) in self.dropped.get(kind).into_iter().flatten() {
                diags.push(
                    Diagnostic::warning(format!(
                        "link target `{target}` is {why}; only the link text is kept"
                    ))
                    .at(source, *span)
                    .repeats(
                        kind,
                        format!("link targets are {why}; only their text is kept"),
                        format!("`{target}`"),
                    )
                    .help(*help),
                );
            }
        }
    }
}

/// Where links are resolved from: the chapter they are written in, and
/// a book's chapter files.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scope<'a> {
    /// The chapter the links are in.
    pub chapter: usize,
    /// A book's chapter files, relative to its source folder with `/`
    /// separators, by chapter; empty for an article (one file).
    pub files: &'a [String],
    /// The id of each chapter's opening heading (where `file.md` leads).
    pub heads: &'a [String],
}

/// Resolves the links of `block` and its descendants.
pub fn resolve_block(block: &mut Block, reg: &Registry, scope: &Scope, report: &mut Report) {
    super::for_each_inlines_mut(block, &mut |inlines| {
        resolve_inlines(inlines, reg, scope, report, false)
    });
}

/// Resolves the links of `inlines`; `in_link` when they are a link's text.
fn resolve_inlines(
    inlines: &mut Vec<Inline>,
    reg: &Registry,
    scope: &Scope,
    report: &mut Report,
    in_link: bool,
) {
    let mut i = 0;
    while i < inlines.len() {
        let span = inlines[i].span;
        if let InlineKind::Link { url, content, .. } = &mut inlines[i].kind {
            let keep = if in_link {
                None
            } else {
                match target(url, reg, scope) {
                    Ok(resolved) => Some(resolved),
                    Err(kind) => {
                        report.drop(kind, url, span);
                        None
                    }
                }
            };
            resolve_inlines(content, reg, scope, report, true);
            match keep {
                Some(resolved) => *url = resolved,
                None => {
                    let content = std::mem::take(content);
                    let n = content.len();
                    inlines.splice(i..=i, content);
                    i += n;
                    continue;
                }
            }
        } else if let Some(children) = inlines[i].kind.children_mut() {
            resolve_inlines(children, reg, scope, report, in_link);
        }
        i += 1;
    }
}

/// The resolved URL of a link, or the kind of reason it is dropped.
fn target(url: &str, reg: &Registry, scope: &Scope) -> Result<String, &'static str> {
    // A name in the link's own chapter first, then anywhere in the book.
    let find = |chapter: usize, name: &str| {
        let decoded = percent_decode(name);
        reg.find_in(chapter, name)
            .or_else(|| reg.find_in(chapter, &decoded))
            .or_else(|| reg.find(name))
            .or_else(|| reg.find(&decoded))
    };
    match classify(url) {
        Url::Fragment(name) => find(scope.chapter, &name)
            .map(|id| format!("#{id}"))
            .ok_or("link-anchor"),
        Url::External(u) => Ok(u),
        Url::Script => Err("link-script"),
        Url::Unusable(_) => Err("link-unusable"),
        Url::Relative(_) if scope.files.is_empty() => Err("link-relative"),
        Url::Relative(rel) => {
            let (path, fragment) = match rel.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (rel.as_str(), None),
            };
            let from = scope.files.get(scope.chapter).map_or("", String::as_str);
            let file = crate::project::link_file(from, &percent_decode(path));
            let chapter = chapter_file(scope.files, &file).ok_or("link-outside-book")?;
            match fragment.filter(|f| !f.is_empty()) {
                Some(name) => find(chapter, name)
                    .map(|id| format!("#{id}"))
                    .ok_or("link-anchor"),
                None => Ok(format!("#{}", scope.heads[chapter])),
            }
        }
    }
}

/// The chapter whose file a link names: the file as written, or as mdBook
/// publishes it (`x.html` for `x.md`, `index.html` for `README.md`, a
/// folder for its `README.md`/`index.md`).
fn chapter_file(files: &[String], file: &str) -> Option<usize> {
    let stem = file
        .strip_suffix(".html")
        .or_else(|| file.strip_suffix(".htm"))
        .unwrap_or(file);
    let dir = |name: &str| {
        if stem.is_empty() {
            name.to_string()
        } else {
            format!("{stem}/{name}")
        }
    };
    let readme = |dir: &str| match dir.rsplit_once('/') {
        Some((d, "index")) => format!("{d}/README.md"),
        None if dir == "index" => "README.md".to_string(),
        _ => String::new(),
    };
    let candidates = [
        file.to_string(),
        format!("{stem}.md"),
        readme(stem),
        dir("README.md"),
        dir("index.md"),
    ];
    candidates
        .iter()
        .filter(|c| !c.is_empty())
        .find_map(|c| files.iter().position(|f| f == c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline {
            kind: InlineKind::Text(s.into()),
            span: Span::default(),
        }
    }

    fn link(url: &str, content: Vec<Inline>) -> Inline {
        Inline {
            kind: InlineKind::Link {
                url: url.into(),
                title: String::new(),
                content,
            },
            span: Span::default(),
        }
    }

    #[test]
    fn links_resolve_or_become_their_text() {
        let mut reg = Registry::default();
        let id = reg.claim("thay-doi");
        reg.alias("thay-đổi", &id);
        let mut inlines = vec![
            link("#thay-đổi", vec![text("a")]),
            link("#thay-doi", vec![text("b")]),
            link("/bai-truoc/", vec![text("c")]),
            link("#khong-co", vec![text("d")]),
            link(
                "https://example.com/license",
                vec![link("https://example.com/badge", vec![text("e")])],
            ),
        ];
        let mut report = Report::default();
        resolve_inlines(&mut inlines, &reg, &Scope::default(), &mut report, false);
        let urls: Vec<String> = inlines
            .iter()
            .map(|i| match &i.kind {
                InlineKind::Link { url, content, .. } => {
                    assert!(
                        content
                            .iter()
                            .all(|c| matches!(c.kind, InlineKind::Text(_)))
                    );
                    url.clone()
                }
                InlineKind::Text(t) => format!("text {t}"),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(
            urls,
            [
                "#thay-doi",
                "#thay-doi",
                "text c",
                "text d",
                "https://example.com/license"
            ]
        );
        assert_eq!(report.dropped["link-relative"].len(), 1);
        assert_eq!(report.dropped["link-anchor"].len(), 1);
    }
}
