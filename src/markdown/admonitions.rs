//! MkDocs / Material admonitions (`!!! note "Tiêu đề"`, collapsible `???`
//! and `???+`, the body indented by four spaces), read as the call-outs
//! GFM alerts give: before parsing, each is rewritten into the alert it
//! means (`> [!NOTE]`, nested ones as nested quotes), with a map of offsets
//! back to the source so every span stays right; its title goes to the
//! call-out ([`Prepared::titles`]). A collapsible one is printed open, as
//! everything in print is. Lines inside code fences, or indented as code,
//! are left alone. (Python-Markdown's `admonition` extension and
//! pymdownx `details` define the syntax.)

use std::borrow::Cow;
use std::collections::HashMap;

use crate::doc::CalloutKind;

/// The body as pulldown-cmark reads it: admonitions rewritten as GFM
/// alerts, and the way back to the source's offsets.
pub struct Prepared<'a> {
    /// The text to parse.
    pub text: Cow<'a, str>,
    /// One entry per line of `text` when it was rewritten:
    /// (start in `text`, end of the line's prefix in `text`, source offset
    /// of the prefix, source offset of the content after it).
    lines: Vec<(usize, usize, usize, usize)>,
    /// Each admonition's title (`None`: the kind's label), by the source
    /// offset of its `!!!` — where its call-out's span starts.
    pub titles: HashMap<usize, Option<String>>,
}

impl Prepared<'_> {
    /// The offset in the body of offset `v` in [`Prepared::text`].
    pub fn source_offset(&self, v: usize) -> usize {
        if self.lines.is_empty() {
            return v;
        }
        let i = self.lines.partition_point(|l| l.0 <= v).saturating_sub(1);
        let (_, content, prefix_at, content_at) = self.lines[i];
        if v < content {
            prefix_at
        } else {
            content_at + (v - content)
        }
    }
}

/// An admonition's first line: `!!! type "title"`, `??? type`, `???+ type`.
fn admonition_header(line: &str) -> Option<(CalloutKind, Option<String>)> {
    let rest = line
        .strip_prefix("???+")
        .or_else(|| line.strip_prefix("???"))
        .or_else(|| line.strip_prefix("!!!"))?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim();
    let (words, title) = match rest.find('"') {
        Some(q) => {
            let t = rest[q + 1..].strip_suffix('"')?;
            (
                &rest[..q],
                Some(t.trim().to_string()).filter(|t| !t.is_empty()),
            )
        }
        None => (rest, None),
    };
    let mut words = words.split_whitespace();
    let kind = words.next()?;
    if !kind
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        || !words.all(|w| w.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        return None;
    }
    // Material for MkDocs' types and their aliases, as the five GFM alerts.
    let kind = match kind.to_ascii_lowercase().as_str() {
        "tip" | "hint" | "success" | "check" | "done" => CalloutKind::Tip,
        "important" => CalloutKind::Important,
        "warning" | "caution" | "attention" => CalloutKind::Warning,
        "danger" | "error" | "failure" | "fail" | "missing" | "bug" => CalloutKind::Caution,
        _ => CalloutKind::Note,
    };
    Some((kind, title))
}

/// Columns of leading white space (a tab to the next multiple of four) and
/// the byte length covering the first `need` of them.
fn indent(line: &str, need: usize) -> (usize, usize) {
    let (mut cols, mut strip) = (0, None);
    for (i, c) in line.char_indices() {
        if cols >= need && strip.is_none() {
            strip = Some(i);
        }
        match c {
            ' ' => cols += 1,
            '\t' => cols += 4 - cols % 4,
            _ => return (cols, strip.unwrap_or(i)),
        }
    }
    (cols, strip.unwrap_or(line.len()))
}

/// A code fence opening or closing line: its character and length.
fn fence(content: &str) -> Option<(char, usize)> {
    let t = content.trim_start_matches(' ');
    if content.len() - t.len() > 3 {
        return None;
    }
    let c = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = t.chars().take_while(|&x| x == c).count();
    (n >= 3).then_some((c, n))
}

/// Rewrites the admonitions of `body` as GFM alerts.
pub fn prepare(body: &str) -> Prepared<'_> {
    let unchanged = Prepared {
        text: Cow::Borrowed(body),
        lines: Vec::new(),
        titles: HashMap::new(),
    };
    if !body.contains("!!!") && !body.contains("???") {
        return unchanged;
    }
    let raw: Vec<(usize, &str)> = body
        .split_inclusive('\n')
        .scan(0, |at, l| {
            let start = *at;
            *at += l.len();
            Some((start, l))
        })
        .collect();
    let mut out = String::with_capacity(body.len() + 64);
    let mut lines = Vec::with_capacity(raw.len());
    let mut titles = HashMap::new();
    // Body indentation (columns) of each open admonition.
    let mut open: Vec<usize> = Vec::new();
    // An open code fence: its character, length and depth.
    let mut code: Option<(char, usize, usize)> = None;
    let depth_of = |line: &str, open: &[usize]| {
        let (cols, _) = indent(line, 0);
        open.iter().take_while(|&&need| cols >= need).count()
    };
    for (k, &(start, whole)) in raw.iter().enumerate() {
        let line = whole.trim_end_matches('\n');
        let blank = line.trim().is_empty();
        let depth = if blank {
            // A blank line belongs to the admonitions the next line is in.
            let next = raw[k + 1..]
                .iter()
                .map(|(_, l)| l.trim_end_matches('\n'))
                .find(|l| !l.trim().is_empty());
            next.map_or(0, |l| depth_of(l, &open))
        } else {
            depth_of(line, &open)
        };
        if !blank {
            open.truncate(depth);
        }
        if code.is_some_and(|(_, _, d)| d > depth) {
            code = None;
        }
        let need = if depth == 0 { 0 } else { open[depth - 1] };
        let (_, strip) = indent(line, need);
        let content = if blank { "" } else { &line[strip..] };
        let v_start = out.len();
        for _ in 0..depth {
            out.push_str("> ");
        }
        let header = if code.is_none() && !content.starts_with("    ") {
            admonition_header(content.trim_start())
        } else {
            None
        };
        match (header, fence(content), code) {
            (Some((kind, title)), _, _) => {
                let at = start + strip + (content.len() - content.trim_start().len());
                out.push_str("> [!");
                out.push_str(&kind.name().to_ascii_uppercase());
                out.push(']');
                lines.push((v_start, out.len(), at, start + line.len()));
                titles.insert(at, title);
                open.truncate(depth);
                open.push(indent(line, 0).0 + 4);
            }
            (None, f, c) => {
                match (f, c) {
                    (Some((ch, n)), None) => code = Some((ch, n, depth)),
                    (Some((ch, n)), Some((och, on, _))) if ch == och && n >= on => code = None,
                    _ => {}
                }
                let content_at = if blank {
                    start + line.len()
                } else {
                    start + strip
                };
                lines.push((v_start, out.len(), start, content_at));
                out.push_str(content);
            }
        }
        if whole.ends_with('\n') {
            out.push('\n');
        }
    }
    if titles.is_empty() {
        return unchanged;
    }
    Prepared {
        text: Cow::Owned(out),
        lines,
        titles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admonitions_become_alerts_with_offsets_back() {
        let body = "Trước.\n\n!!! note \"Lưu ý\"\n    Dòng một.\n\n    Dòng hai.\n\nSau.\n";
        let p = prepare(body);
        assert_eq!(
            p.text,
            "Trước.\n\n> [!NOTE]\n> Dòng một.\n> \n> Dòng hai.\n\nSau.\n"
        );
        let header = body.find("!!!").unwrap();
        assert_eq!(p.titles[&header].as_deref(), Some("Lưu ý"));
        let v = p.text.find("Dòng hai").unwrap();
        assert_eq!(p.source_offset(v), body.find("Dòng hai").unwrap());
        let v = p.text.find("Sau").unwrap();
        assert_eq!(p.source_offset(v), body.find("Sau").unwrap());
        assert_eq!(p.source_offset(p.text.find("> [!").unwrap()), header);
    }

    #[test]
    fn admonition_kinds_nesting_and_code() {
        let body = "??? danger\n    Ngoài.\n\n    !!! tip \"Trong\"\n        Sâu.\n";
        let p = prepare(body);
        assert_eq!(p.text, "> [!CAUTION]\n> Ngoài.\n> \n> > [!TIP]\n> > Sâu.\n");
        assert_eq!(p.titles.len(), 2);
        // Inside a code fence, or indented as code, nothing changes.
        for body in [
            "```\n!!! note\n    x\n```\n",
            "Text.\n\n    !!! note\n        x\n",
        ] {
            let p = prepare(body);
            assert!(matches!(p.text, Cow::Borrowed(_)), "{}", p.text);
        }
        assert_eq!(admonition_header("!!!note"), None);
        assert_eq!(
            admonition_header("???+ warning inline end \"T\""),
            Some((CalloutKind::Warning, Some("T".into())))
        );
    }
}
