//! mdBook's file includes in code blocks (mdBook guide, "mdBook-specific
//! features": including files, portions by lines or anchors).

use std::path::Path;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::doc::{Block, BlockKind};

/// mdBook's file includes (mdBook guide, "mdBook-specific features"),
/// written in code blocks as mdBook books write them: `{{#include
/// file.rs}}`, a line `file.rs:2`, lines `:2:10`, `::10`, `:2:`, or an
/// anchored part `file.rs:name` (between `ANCHOR: name` and `ANCHOR_END:
/// name` lines; anchor lines inside are dropped); `{{#rustdoc_include}}` and
/// `{{#playground}}` print the same lines (mdBook hides the rest). The path
/// is relative to the chapter's folder. `\{{#include …}}` stays as written,
/// without its backslash. The block is highlighted again.
pub(super) fn expand_includes(
    blocks: &mut [Block],
    folder: &Path,
    source: &SourceFile,
    diags: &mut Diagnostics,
) {
    for b in blocks {
        let span = b.span;
        match &mut b.kind {
            BlockKind::CodeBlock { lang, text, tokens } if text.contains("{{#") => {
                let mut out = String::with_capacity(text.len());
                let mut rest = text.as_str();
                while let Some(i) = rest.find("{{#") {
                    let escaped = rest[..i].ends_with('\\');
                    out.push_str(&rest[..i - usize::from(escaped)]);
                    let after = &rest[i..];
                    let Some(end) = after.find("}}") else {
                        out.push_str(after);
                        rest = "";
                        break;
                    };
                    let directive = &after[3..end];
                    let (name, arg) = directive
                        .split_once(char::is_whitespace)
                        .unwrap_or((directive, ""));
                    let known = matches!(name, "include" | "rustdoc_include" | "playground");
                    if escaped || !known {
                        out.push_str(&after[..end + 2]);
                    } else {
                        match include(folder, arg.trim()) {
                            Ok(lines) => out.push_str(lines.strip_suffix('\n').unwrap_or(&lines)),
                            Err((why, help)) => {
                                out.push_str(&after[..end + 2]);
                                diags.push(
                                    Diagnostic::error(format!(
                                        "`{{{{#{name} {}}}}}`: {why}",
                                        arg.trim()
                                    ))
                                    .at(source, span)
                                    .help(help),
                                );
                            }
                        }
                    }
                    rest = &after[end + 2..];
                }
                out.push_str(rest);
                *text = crate::markdown::expand_tabs(&out);
                *tokens = lang
                    .as_deref()
                    .map(|l| crate::highlight::highlight(l, text))
                    .unwrap_or_default();
            }
            BlockKind::BlockQuote(blocks)
            | BlockKind::Aligned { blocks, .. }
            | BlockKind::Callout { blocks, .. }
            | BlockKind::Details { blocks, .. } => expand_includes(blocks, folder, source, diags),
            BlockKind::List { items, .. } => {
                for item in items {
                    expand_includes(&mut item.blocks, folder, source, diags);
                }
            }
            BlockKind::DefinitionList(defs) => {
                for d in defs {
                    for blocks in &mut d.details {
                        expand_includes(blocks, folder, source, diags);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The lines `{{#include ARG}}` names (see [`expand_includes`]), or why not
/// and a hint.
fn include(folder: &Path, arg: &str) -> Result<String, (String, String)> {
    let mut parts = arg.splitn(3, ':');
    let file = parts.next().unwrap_or_default();
    let (a, b) = (parts.next(), parts.next());
    let path = folder.join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        (
            format!("cannot read `{}`: {e}", path.display()),
            "the path is relative to the chapter file's folder, as in mdBook".to_string(),
        )
    })?;
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.lines().collect();
    let number = |s: Option<&str>| {
        s.filter(|s| !s.is_empty())
            .map(|s| s.trim().parse::<usize>())
    };
    let pick = |from: usize, to: usize| {
        let from = from.saturating_sub(1).min(lines.len());
        let to = to.min(lines.len()).max(from);
        lines[from..to].join("\n") + "\n"
    };
    // The word after `ANCHOR:` (or `ANCHOR_END:`) on line `l`, if it has one.
    let anchor = |l: &str, what: &str| -> Option<String> {
        let (_, rest) = l.split_once(what)?;
        let rest = rest.trim_start_matches(':').trim();
        rest.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .next()
            .map(str::to_string)
    };
    let is_anchor = |l: &str, what: &str| anchor(l, what).is_some_and(|n| !n.is_empty());
    match (a, b) {
        (None, _) => Ok(text.clone()),
        (Some(a), b) if a.trim().parse::<usize>().is_ok() || (a.is_empty() && b.is_some()) => {
            let from = number(Some(a)).transpose().ok().flatten().unwrap_or(1);
            let to = match b {
                None => from,
                Some(b) => number(Some(b))
                    .transpose()
                    .ok()
                    .flatten()
                    .unwrap_or(lines.len()),
            };
            Ok(pick(from, to))
        }
        (Some(name), _) => {
            let name = name.trim();
            let marks = |l: &str, what: &str| anchor(l, what).as_deref() == Some(name);
            let start = lines.iter().position(|l| marks(l, "ANCHOR:")).ok_or_else(|| {
                (
                    format!("`{file}` has no `ANCHOR: {name}` line"),
                    format!("mark the part with `ANCHOR: {name}` and `ANCHOR_END: {name}` comment lines"),
                )
            })?;
            let end = lines[start + 1..]
                .iter()
                .position(|l| marks(l, "ANCHOR_END:"))
                .map_or(lines.len(), |e| start + 1 + e);
            let kept: Vec<&str> = lines[start + 1..end]
                .iter()
                .copied()
                .filter(|l| !is_anchor(l, "ANCHOR:") && !is_anchor(l, "ANCHOR_END:"))
                .collect();
            Ok(kept.join("\n") + "\n")
        }
    }
}
