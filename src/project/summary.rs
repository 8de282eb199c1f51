//! mdBook's `SUMMARY.md`, read as mdBook reads it (mdBook guide,
//! "SUMMARY.md"): prefix chapters, numbered chapters with nesting, part
//! titles, separators, suffix chapters, drafts.

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::doc::Span;

use super::{Entry, Project, normalise};

/// mdBook's `SUMMARY.md` (mdBook guide, "SUMMARY.md"), read with the same
/// Markdown parser mdBook uses.
pub(super) fn read_summary(project: &mut Project, source: &SourceFile, diags: &mut Diagnostics) {
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
    let mut list_depth = 0usize;
    let mut seen_list = false;
    let mut seen_title = false;
    let mut part: Option<usize> = None;
    // The link being read: its destination, text and offset.
    let mut link: Option<(String, String, usize)> = None;
    let mut heading: Option<(String, usize)> = None;
    let mut anything = false;
    // Open list items: whether each holds a link, and where it starts.
    let mut items: Vec<(bool, usize)> = Vec::new();
    for (event, range) in Parser::new(&source.text()).into_offset_iter() {
        match event {
            Event::Start(Tag::Item) => items.push((false, range.start)),
            Event::End(TagEnd::Item) => {
                if let Some((false, at)) = items.pop() {
                    let line = source.location(at).line_text.unwrap_or_default();
                    let line = line.trim();
                    diags.push(
                        Diagnostic::warning(format!(
                            "`{line}` in SUMMARY.md names no chapter file; skipped"
                        ))
                        .at(source, Span::new(at, at))
                        .repeats(
                            "summary-item",
                            "SUMMARY.md items without a link are skipped",
                            format!("`{line}`"),
                        )
                        .help(
                            "write each chapter as a link to its file: `- [Tên chương](chuong.md)`",
                        ),
                    );
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((String::new(), range.start));
                if level != HeadingLevel::H1 {
                    anything = true;
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((text, _)) = heading.take() {
                    let text = crate::resolve::fold(&text);
                    if !seen_title && !anything {
                        // `# Summary`: the list's own title.
                        seen_title = true;
                    } else if !text.is_empty() {
                        project.parts.push(crate::markdown::nfc(&text));
                        part = Some(project.parts.len() - 1);
                    }
                }
                anything = true;
            }
            Event::Start(Tag::List(_)) => {
                list_depth += 1;
                seen_list = true;
                anything = true;
            }
            Event::End(TagEnd::List(_)) => list_depth -= 1,
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(item) = items.last_mut() {
                    item.0 = true;
                }
                link = Some((dest_url.to_string(), String::new(), range.start));
                anything = true;
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text, _)) = &mut link {
                    text.push_str(&t);
                } else if let Some((text, _)) = &mut heading {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Link) => {
                let Some((dest, text, at)) = link.take() else {
                    continue;
                };
                let title = crate::markdown::nfc(&crate::resolve::fold(&text));
                let dest = crate::input::percent_decode(dest.trim());
                if dest.is_empty() {
                    diags.push(
                        Diagnostic::warning(format!(
                            "draft chapter `{title}` has no file; skipped"
                        ))
                        .at(source, Span::new(at, at))
                        .repeats(
                            "draft-chapter",
                            "draft chapters (no file) are skipped",
                            format!("`{title}`"),
                        )
                        .help("link it to its file, `- [Tên](chuong.md)`, when it is written"),
                    );
                    continue;
                }
                // Prefix and suffix chapters stand outside the numbered list
                // and any part.
                let numbered = list_depth > 0;
                let depth = list_depth.saturating_sub(1).min(5) as u8;
                let file = dest.split('#').next().unwrap_or_default();
                project.entries.push(Entry {
                    file: normalise(file),
                    title: Some(title).filter(|t| !t.is_empty()),
                    depth: if numbered { depth } else { 0 },
                    part: if numbered || !seen_list {
                        part.filter(|_| numbered)
                    } else {
                        None
                    },
                    listed_at: Some(source.location(at)),
                });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Meta;
    use crate::project::Options;
    use std::path::PathBuf;

    #[test]
    fn summary_is_read_as_mdbook_reads_it() {
        let text = "# Summary\n\n[Lời nói đầu](loi-noi-dau.md)\n\n# Phần một\n\n- [Chương 1](a.md)\n  - [Mục 1.1](a/b.md)\n- [Bản nháp]()\n\n---\n\n# Phần hai\n\n- [Chương 2](c%20d.md)\n\n[Phụ lục](phu-luc.md)\n";
        let source = SourceFile::new("SUMMARY.md", text);
        let mut project = Project {
            root: PathBuf::from("."),
            src: PathBuf::from("."),
            manifest: None,
            meta: Meta::default(),
            options: Options::default(),
            entries: Vec::new(),
            parts: Vec::new(),
            listed_in: String::new(),
        };
        let mut diags = Diagnostics::default();
        read_summary(&mut project, &source, &mut diags);
        let got: Vec<(String, Option<String>, u8, Option<usize>)> = project
            .entries
            .iter()
            .map(|e| (e.file.clone(), e.title.clone(), e.depth, e.part))
            .collect();
        assert_eq!(
            got,
            [
                ("loi-noi-dau.md".into(), Some("Lời nói đầu".into()), 0, None),
                ("a.md".into(), Some("Chương 1".into()), 0, Some(0)),
                ("a/b.md".into(), Some("Mục 1.1".into()), 1, Some(0)),
                ("c d.md".into(), Some("Chương 2".into()), 0, Some(1)),
                ("phu-luc.md".into(), Some("Phụ lục".into()), 0, None),
            ]
        );
        assert_eq!(project.parts, ["Phần một", "Phần hai"]);
        assert_eq!(diags.items.len(), 1, "the draft chapter is warned about");
        assert!(diags.items[0].message.contains("Bản nháp"));
    }
}
