//! Table captions, pandoc's `table_captions` extension (Pandoc User's
//! Guide, § Tables, "Extension: table_captions"): a paragraph beginning
//! with `Table:`, `table:` or just `:` (a colon not followed by
//! punctuation) directly before or after a table, at most a blank line
//! away, is that table's caption; the marker is stripped. A caption after
//! a table wins over one before it, as in pandoc: a caption between two
//! tables belongs to the first.
//!
//! pulldown-cmark reads the source differently from pandoc in two places,
//! mended here so that the author's caption is found wherever pandoc finds
//! it:
//! - a caption line right under a table's last row, with no blank line
//!   between, is read as one more row (a GFM table runs to the first blank
//!   line): trailing rows written without a `|`, the first opening with a
//!   marker, are the caption;
//! - `: Caption` under a paragraph is a definition list (a term and its
//!   definition): a list of one term with one one-paragraph definition,
//!   directly before a table, is that paragraph and the table's caption.
//!
//! A caption ending in `{#id}` (pandoc-crossref's `{#tbl:label}`) names
//! the table: links to `#id` reach it.

use crate::doc::{Block, BlockKind, Caption, Inline, InlineKind, Span};

/// Finds the captions of the tables in `blocks` (and in their containers),
/// taking the caption paragraphs out of the flow. `source` is the text the
/// spans index.
pub(super) fn table_captions(blocks: &mut Vec<Block>, source: &str) {
    for b in blocks.iter_mut() {
        match &mut b.kind {
            BlockKind::BlockQuote(bs)
            | BlockKind::Aligned { blocks: bs, .. }
            | BlockKind::Callout { blocks: bs, .. }
            | BlockKind::Details { blocks: bs, .. } => table_captions(bs, source),
            BlockKind::List { items, .. } => {
                for item in items {
                    table_captions(&mut item.blocks, source);
                }
            }
            BlockKind::DefinitionList(defs) => {
                for d in defs.iter_mut().flat_map(|d| d.details.iter_mut()) {
                    table_captions(d, source);
                }
            }
            _ => {}
        }
    }
    let mut i = 0;
    while i < blocks.len() {
        if !matches!(&blocks[i].kind, BlockKind::Table { caption: None, .. }) {
            i += 1;
            continue;
        }
        let mut found = if written(source, blocks[i].span.start, "|")
            || !written(source, blocks[i].span.start, "<")
        {
            trailing_rows(&mut blocks[i], source)
        } else {
            None
        };
        if found.is_none()
            && let Some(next) = blocks.get(i + 1)
            && adjacent(source, blocks[i].span.end, next.span.start)
            && let Some(c) = paragraph_caption(next, source)
        {
            blocks.remove(i + 1);
            found = Some(c);
        }
        if found.is_none()
            && i > 0
            && adjacent(source, blocks[i - 1].span.end, blocks[i].span.start)
        {
            if let Some(c) = paragraph_caption(&blocks[i - 1], source) {
                blocks.remove(i - 1);
                i -= 1;
                found = Some(c);
            } else if let Some((term, c)) = definition_caption(&blocks[i - 1], source) {
                blocks[i - 1] = term;
                found = Some(c);
            }
        }
        if let BlockKind::Table { caption, .. } = &mut blocks[i].kind {
            *caption = found;
        }
        i += 1;
    }
}

/// Whether the source at byte `at` opens with `what` (after white space
/// and quote markers): a block written in Markdown, not read from raw
/// HTML (whose nodes carry the HTML block's span), is captioned.
fn written(source: &str, at: usize, what: &str) -> bool {
    source.get(at..).is_some_and(|s| {
        s.trim_start_matches(|c: char| c.is_whitespace() || c == '>')
            .starts_with(what)
    })
}

/// Whether a block ending at byte `end` and one starting at `start` are at
/// most a blank line apart (quote markers `>` and indents do not count).
fn adjacent(source: &str, end: usize, start: usize) -> bool {
    let Some(gap) = source.get(end.min(start)..start) else {
        return false;
    };
    // A span that ends with its line's newline has one newline fewer in
    // the gap.
    let ended = source.get(..end).is_some_and(|s| s.ends_with('\n'));
    let newlines = gap.matches('\n').count() + usize::from(ended);
    gap.chars().all(|c| c.is_whitespace() || c == '>') && newlines <= 2
}

/// The length of the caption marker `text` opens with: `Table:`, `table:`,
/// or a `:` not followed by punctuation (pandoc's rule, so that `:)` is no
/// caption).
fn marker(text: &str) -> Option<usize> {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    if t.starts_with("Table:") || t.starts_with("table:") {
        return Some(lead + "Table:".len());
    }
    let rest = t.strip_prefix(':')?;
    match rest.chars().next() {
        Some(c) if c.is_ascii_punctuation() => None,
        _ => Some(lead + 1),
    }
}

/// The caption a paragraph `Table: …` / `: …` is, if it is one (written
/// so in the Markdown source, not a raw HTML `<p>`).
fn paragraph_caption(block: &Block, source: &str) -> Option<Caption> {
    let BlockKind::Paragraph(content) = &block.kind else {
        return None;
    };
    let text = source.get(block.span.start..block.span.end)?;
    marker(text)?;
    let first = match &content.first()?.kind {
        InlineKind::Text(t) => t,
        _ => return None,
    };
    let cut = marker(first)?;
    let mut content = content.clone();
    strip_front(&mut content, cut);
    caption(content, block.span)
}

/// Drops the first `cut` bytes of the first inline (a text) and the white
/// space after them.
fn strip_front(content: &mut Vec<Inline>, cut: usize) {
    if let Some(Inline {
        kind: InlineKind::Text(t),
        span,
    }) = content.first_mut()
    {
        let rest = t[cut..].trim_start();
        let dropped = t.len() - rest.len();
        *t = rest.to_string();
        if span.end - span.start == t.len() + dropped {
            span.start += dropped;
        }
        if t.is_empty() {
            content.remove(0);
        }
    }
}

/// A caption of `content` (its `{#id}` taken off the end), unless nothing
/// is left.
fn caption(mut content: Vec<Inline>, span: Span) -> Option<Caption> {
    while matches!(
        content.last().map(|i| &i.kind),
        Some(InlineKind::SoftBreak | InlineKind::HardBreak)
    ) {
        content.pop();
    }
    let mut id = None;
    if let Some(InlineKind::Text(t)) = content.last_mut().map(|i| &mut i.kind) {
        let trimmed = t.trim_end();
        if let Some(open) = trimmed.rfind("{#")
            && let Some(name) = trimmed[open + 2..].strip_suffix('}')
            && !name.is_empty()
            && !name.contains(|c: char| c.is_whitespace() || c == '{' || c == '}')
        {
            id = Some(name.to_string());
            *t = trimmed[..open].trim_end().to_string();
            if t.is_empty() {
                content.pop();
            }
        }
    }
    let empty = crate::doc::plain_text(&content).trim().is_empty()
        && !content
            .iter()
            .any(|i| matches!(i.kind, InlineKind::Image { .. }));
    (!empty).then_some(Caption {
        content,
        id,
        number: 0,
        span,
    })
}

/// A caption line the table read as its last rows (see the module docs):
/// taken out of the rows.
fn trailing_rows(table: &mut Block, source: &str) -> Option<Caption> {
    let BlockKind::Table { rows, .. } = &mut table.kind else {
        return None;
    };
    // The source line of a row, found from its first inline.
    let line_of = |row: &Vec<Vec<Inline>>| -> Option<&str> {
        let at = row.iter().flatten().next()?.span.start;
        let start = source.get(..at)?.rfind('\n').map_or(0, |n| n + 1);
        let end = source
            .get(at..)?
            .find('\n')
            .map_or(source.len(), |n| at + n);
        source.get(start..end)
    };
    let loose = |row: &Vec<Vec<Inline>>| {
        row.iter().skip(1).all(|c| c.is_empty()) && line_of(row).is_some_and(|l| !l.contains('|'))
    };
    let tail = rows.iter().rev().take_while(|r| loose(r)).count();
    // The caption starts at the first of those rows that opens with a marker.
    let from = (rows.len() - tail..rows.len()).find(|&k| {
        matches!(rows[k].first().and_then(|c| c.first()).map(|i| &i.kind),
            Some(InlineKind::Text(t)) if marker(t).is_some())
    })?;
    let taken: Vec<Vec<Vec<Inline>>> = rows.drain(from..).collect();
    let start = taken
        .iter()
        .flatten()
        .flatten()
        .map(|i| i.span.start)
        .min()?;
    let end = taken.iter().flatten().flatten().map(|i| i.span.end).max()?;
    let mut content = Vec::new();
    for row in taken {
        let cell = row.into_iter().next().unwrap_or_default();
        if !content.is_empty() {
            content.push(Inline {
                kind: InlineKind::SoftBreak,
                span: Span::new(cell.first().map_or(end, |i| i.span.start), end),
            });
        }
        content.extend(cell);
    }
    if let Some(InlineKind::Text(t)) = content.first().map(|i| &i.kind) {
        let cut = marker(t)?;
        strip_front(&mut content, cut);
    }
    caption(content, Span::new(start, end))
}

/// A definition list of one term with one one-paragraph definition (`Text`
/// then `: Caption`, in Markdown, not a raw HTML `<dl>`): the term as a
/// paragraph, and the caption.
fn definition_caption(block: &Block, source: &str) -> Option<(Block, Caption)> {
    let BlockKind::DefinitionList(defs) = &block.kind else {
        return None;
    };
    let [def] = defs.as_slice() else {
        return None;
    };
    let [details] = def.details.as_slice() else {
        return None;
    };
    let [para] = details.as_slice() else {
        return None;
    };
    let BlockKind::Paragraph(content) = &para.kind else {
        return None;
    };
    // The definition's `:` opens the paragraph's line.
    let line = source.get(..para.span.start)?;
    let line = &line[line.rfind('\n').map_or(0, |n| n + 1)..];
    if line.trim_matches(|c: char| c.is_whitespace() || c == '>') != ":" {
        return None;
    }
    let caption = caption(content.clone(), para.span)?;
    let term_end = def.term.last().map_or(block.span.start, |i| i.span.end);
    let term = Block {
        kind: BlockKind::Paragraph(def.term.clone()),
        span: Span::new(block.span.start, term_end.max(block.span.start)),
    };
    Some((term, caption))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostics, SourceFile};

    fn parse(md: &str) -> Vec<Block> {
        let src = SourceFile::new("t.md", md.to_string());
        crate::markdown::parse(src, &mut Diagnostics::default()).blocks
    }

    fn captions(blocks: &[Block]) -> Vec<(String, Option<String>)> {
        blocks
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Table {
                    caption: Some(c), ..
                } => Some((crate::doc::plain_text(&c.content), c.id.clone())),
                _ => None,
            })
            .collect()
    }

    fn kinds(blocks: &[Block]) -> Vec<&'static str> {
        blocks
            .iter()
            .map(|b| match &b.kind {
                BlockKind::Table { .. } => "table",
                BlockKind::Paragraph(_) => "p",
                BlockKind::DefinitionList(_) => "dl",
                _ => "other",
            })
            .collect()
    }

    const T: &str = "| a | b |\n|---|---|\n| 1 | 2 |\n";

    #[test]
    fn a_caption_after_the_table_with_or_without_a_blank_line() {
        for md in [
            format!("{T}\n: Dân số {{#tbl:dan-so}}\n"),
            format!("{T}Table: Dân số {{#tbl:dan-so}}\n"),
            format!("{T}: Dân số {{#tbl:dan-so}}\n"),
        ] {
            let b = parse(&md);
            assert_eq!(kinds(&b), ["table"], "{md}");
            assert_eq!(
                captions(&b),
                [("Dân số".to_string(), Some("tbl:dan-so".to_string()))],
                "{md}"
            );
            let BlockKind::Table { rows, .. } = &b[0].kind else {
                unreachable!()
            };
            assert_eq!(rows.len(), 1, "{md}");
        }
    }

    #[test]
    fn a_caption_before_the_table_after_a_paragraph_or_alone() {
        let b = parse(&format!("Mở đầu.\n\n: Dân số\n\n{T}"));
        assert_eq!(kinds(&b), ["p", "table"]);
        assert_eq!(captions(&b), [("Dân số".to_string(), None)]);
        let b = parse(&format!("table: Dân số\n{T}"));
        assert_eq!(kinds(&b), ["table"]);
        assert_eq!(captions(&b), [("Dân số".to_string(), None)]);
    }

    #[test]
    fn a_caption_between_two_tables_is_the_first_ones() {
        let b = parse(&format!("{T}\n: Một\n\n{T}"));
        assert_eq!(kinds(&b), ["table", "table"]);
        assert_eq!(captions(&b), [("Một".to_string(), None)]);
    }

    #[test]
    fn raw_html_is_not_read_for_caption_lines() {
        let b = parse(
            "<dl><dt>Từ</dt><dd>Nghĩa</dd></dl>\n\n<table><tr><th>A</th></tr><tr><td>: x</td></tr></table>\n",
        );
        assert!(captions(&b).is_empty());
        let b = parse("<table><caption>Bảng <i>HTML</i></caption><tr><th>A</th></tr></table>\n");
        assert_eq!(captions(&b), [("Bảng HTML".to_string(), None)]);
    }

    #[test]
    fn caption_like_text_away_from_a_table_stays_text() {
        let b = parse(&format!("{T}\n\n\n: Xa bảng\n\nTừ\n: Nghĩa\n"));
        assert_eq!(kinds(&b), ["table", "p", "dl"]);
        assert!(captions(&b).is_empty());
        let b = parse(&format!(":) cười\n\n{T}"));
        assert!(captions(&b).is_empty());
    }
}
