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

/// Resolves the links of `block` and its descendants.
pub fn resolve_block(block: &mut Block, reg: &Registry, report: &mut Report, in_link: bool) {
    super::for_each_inlines_mut(block, &mut |inlines| {
        resolve_inlines(inlines, reg, report, in_link)
    });
}

/// Resolves the links of `inlines`; `in_link` when they are a link's text.
fn resolve_inlines(inlines: &mut Vec<Inline>, reg: &Registry, report: &mut Report, in_link: bool) {
    let mut i = 0;
    while i < inlines.len() {
        let span = inlines[i].span;
        if let InlineKind::Link { url, content, .. } = &mut inlines[i].kind {
            let keep = if in_link {
                None
            } else {
                match target(url, reg) {
                    Ok(resolved) => Some(resolved),
                    Err(kind) => {
                        report.drop(kind, url, span);
                        None
                    }
                }
            };
            resolve_inlines(content, reg, report, true);
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
            resolve_inlines(children, reg, report, in_link);
        }
        i += 1;
    }
}

/// The resolved URL of a link, or the kind of reason it is dropped.
fn target(url: &str, reg: &Registry) -> Result<String, &'static str> {
    match classify(url) {
        Url::Fragment(name) => {
            let found = reg.find(&name).or_else(|| reg.find(&percent_decode(&name)));
            found.map(|id| format!("#{id}")).ok_or("link-anchor")
        }
        Url::External(u) => Ok(u),
        Url::Script => Err("link-script"),
        Url::Unusable(_) => Err("link-unusable"),
        Url::Relative(_) => Err("link-relative"),
    }
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
        resolve_inlines(&mut inlines, &reg, &mut report, false);
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
