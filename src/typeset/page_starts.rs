//! Where each page of the layout begins, in terms of the source, so that the
//! EPUB built in the same run can mark the PDF's page breaks
//! (`epub:type="pagebreak"`, EPUB 3.3 §D.4.1 and DPUB-ARIA `doc-pagebreak`)
//! and list them in its `page-list` nav. Decided once, here, from the final
//! layout; the EPUB writer only places what this reports.
//!
//! A page begins at its first body item in drawing order (column by column
//! in a two-column layout, since each column is drawn before the next):
//! the first text or image tagged as content of a *text block* (heading,
//! paragraph, code block, table, figure) that is not part of a footnote.
//! Its place is that block (by its source bytes) and the count of letters
//! and digits ([`counts`]) the block's text has drawn on the
//! earlier pages; the EPUB writer counts the same characters in the same
//! block and puts the marker before the next character that is not a space.
//!
//! Pages that begin with generated matter before any body text (the title
//! block, the contents), and pages with no body item:
//! - the cover pages → [`Place::Cover`] (the EPUB's cover document);
//! - pages before the first page with body text (title page, copyright
//!   page, contents) → [`Place::Front`] (the top of the EPUB's title page);
//! - later ones (a blank verso, a part page, a page that holds only the
//!   continuation of a footnote) → the place of the next page that has
//!   body text: the reader who turns to that page number in the EPUB finds
//!   the text that follows it in print; at the very end, [`Place::End`].

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::doc::{Block, BlockKind};
use crate::frame::{Item, Layout, NodeId, NumberStyle, StructRole, Tag};
use crate::resolve::Book;

/// Where one PDF page begins, for the EPUB.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageStart {
    /// The page's label: its printed folio, or the number it counts as when
    /// none is printed (the PDF's page labels, ISO 32000-1 §12.4.2: a
    /// book's front matter in roman numerals, its cover named as such).
    pub label: String,
    /// Where the page's first word is in the document.
    pub place: Place,
}

/// A place in the document, as the EPUB writer finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// Before the cover image.
    Cover,
    /// At the top of the title page.
    Front,
    /// In the text block whose source bytes are `block` (start, end), before
    /// the first character that is not a space once `letters` letters and
    /// digits of its text have been written.
    Text {
        /// The block's source byte range (`Block::span`), start and end.
        block: (usize, usize),
        /// Letters and digits of the block drawn on earlier pages.
        letters: usize,
    },
    /// After the last chapter's text.
    End,
}

/// Whether `c` is counted to find a place in a block: a letter or digit,
/// as [`char::is_alphanumeric`] says, with the answer for ASCII and for the
/// Latin blocks Vietnamese is written in (U+00C0–U+024F, all letters but
/// `×` and `÷`; U+1E00–U+1EFF, all letters) found without the Unicode
/// table search, which cost a tenth of a book's typesetting.
#[inline]
pub fn counts(c: char) -> bool {
    match c {
        '0'..='9' | 'a'..='z' | 'A'..='Z' => true,
        '\0'..='\u{7F}' | '\u{D7}' | '\u{F7}' => false,
        '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' => true,
        _ => c.is_alphanumeric(),
    }
}

/// Letters and digits of `text` ([`counts`]).
pub fn letters(text: &str) -> usize {
    text.chars().filter(|&c| counts(c)).count()
}

/// Whether a block's own text is counted: the blocks a page can begin in.
pub fn is_text_block(block: &Block) -> bool {
    matches!(
        block.kind,
        BlockKind::Heading { .. }
            | BlockKind::Paragraph(_)
            | BlockKind::CodeBlock { .. }
            | BlockKind::Table { .. }
            | BlockKind::Figure { .. }
    ) && block.span.start < block.span.end
}

/// The source spans of every text block of `blocks`, nested ones included.
fn text_blocks(blocks: &[Block], out: &mut HashSet<(usize, usize)>) {
    for b in blocks {
        if is_text_block(b) {
            out.insert((b.span.start, b.span.end));
        }
        match &b.kind {
            BlockKind::BlockQuote(inner)
            | BlockKind::Aligned { blocks: inner, .. }
            | BlockKind::Callout { blocks: inner, .. }
            | BlockKind::Details { blocks: inner, .. } => text_blocks(inner, out),
            BlockKind::List { items, .. } => {
                for item in items {
                    text_blocks(&item.blocks, out);
                }
            }
            BlockKind::DefinitionList(defs) => {
                for d in defs {
                    for inner in &d.details {
                        text_blocks(inner, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The label of page `index` under the layout's page label runs (none: 1, 2, 3…).
pub fn page_label(layout: &Layout, index: usize) -> String {
    let Some(run) = layout.page_labels.iter().rev().find(|r| r.start <= index) else {
        return (index + 1).to_string();
    };
    let n = run.first + index - run.start;
    let number = match run.style {
        None => String::new(),
        Some(NumberStyle::Decimal) => n.to_string(),
        Some(NumberStyle::LowerRoman) => super::paginate::roman(n),
    };
    format!("{}{number}", run.prefix)
}

/// Where each page of `layout` begins; `covers` is how many cover pages
/// [`crate::cover::insert`] put in front.
pub fn page_starts(doc: &Book, layout: &Layout, covers: usize) -> Vec<PageStart> {
    let mut spans = HashSet::new();
    text_blocks(&doc.blocks, &mut spans);
    let tree = &layout.structure;
    // The text block each element's text belongs to (`None`: not counted —
    // footnotes, list labels, note references, captions, title matter).
    let mut block_of: HashMap<NodeId, Option<(usize, usize)>> = HashMap::new();
    let mut find = |n: NodeId| -> Option<(usize, usize)> {
        *block_of.entry(n).or_insert_with(|| {
            let mut at = Some(n);
            while let Some(id) = at {
                let node = tree.node(id);
                match node.role {
                    StructRole::Document
                    | StructRole::Part
                    | StructRole::Sect
                    | StructRole::Div
                    | StructRole::Note
                    | StructRole::Reference
                    | StructRole::Caption
                    | StructRole::Lbl
                    | StructRole::L
                    | StructRole::Li
                    | StructRole::BlockQuote
                    | StructRole::Toc
                    | StructRole::Toci => return None,
                    _ => {}
                }
                if let Some(s) = &node.source
                    && spans.contains(&(s.start, s.end))
                {
                    return Some((s.start, s.end));
                }
                at = node.parent;
            }
            None
        })
    };
    // Whether an element is generated matter: no element from the source
    // above it (the title block, the contents, a cover).
    let generated = |mut at: Option<NodeId>| {
        while let Some(id) = at {
            if tree.node(id).source.is_some() {
                return false;
            }
            at = tree.node(id).parent;
        }
        true
    };
    let mut drawn: HashMap<(usize, usize), usize> = HashMap::new();
    let mut places: Vec<Option<Place>> = Vec::with_capacity(layout.pages.len());
    // Whether body text was drawn yet: generated matter before it (title
    // block, contents) begins a page of front matter; after it (a
    // chapter's label), it is passed over.
    let mut body_seen = false;
    for (p, page) in layout.pages.iter().enumerate() {
        // `Some(None)`: the page begins with front matter.
        let mut first: Option<Option<Place>> = None;
        // The block of the last element met (items of one element come in
        // runs), and the letters drawn since in it, added to `drawn` when
        // the block changes and at the page's end.
        let mut last: Option<(NodeId, Option<(usize, usize)>)> = None;
        let mut run_of: Option<((usize, usize), usize)> = None;
        for it in &page.items {
            let Tag::Content(n) = it.tag else { continue };
            if !matches!(it.item, Item::Text(_) | Item::Frozen(_) | Item::Image(_)) {
                continue;
            }
            let found = match last {
                Some((m, b)) if m == n => b,
                _ => {
                    let b = find(n);
                    last = Some((n, b));
                    b
                }
            };
            let Some(block) = found else {
                if first.is_none() && !body_seen && generated(Some(n)) {
                    first = Some(None);
                }
                continue;
            };
            body_seen = true;
            if run_of.is_none_or(|(b, _)| b != block) {
                if let Some((b, k)) = run_of {
                    *drawn.entry(b).or_default() += k;
                }
                run_of = Some((block, 0));
                if first.is_none() {
                    first = Some(Some(Place::Text {
                        block,
                        letters: drawn.get(&block).copied().unwrap_or(0),
                    }));
                }
            }
            match (&it.item, run_of.as_mut()) {
                (Item::Text(run), Some((_, k))) => *k += letters(&run.text),
                // (Counted as it was frozen.)
                (Item::Frozen(f), Some((_, k))) => *k += f.letters as usize,
                _ => {}
            }
        }
        if let Some((b, k)) = run_of {
            *drawn.entry(b).or_default() += k;
        }
        let first = first.flatten();
        places.push(match first {
            None if p < covers => Some(Place::Cover),
            other => other,
        });
    }
    // Pages without body text: the front matter before the first body page,
    // else the next body page's place.
    let first_body = places
        .iter()
        .position(|p| matches!(p, Some(Place::Text { .. })));
    let mut next = Place::End;
    let mut out = vec![Place::End; places.len()];
    for (i, place) in places.into_iter().enumerate().rev() {
        out[i] = match place {
            Some(p) => p,
            None if first_body.is_none_or(|f| i < f) => Place::Front,
            None => next.clone(),
        };
        if matches!(out[i], Place::Text { .. }) {
            next = out[i].clone();
        }
    }
    out.into_iter()
        .enumerate()
        .map(|(i, place)| PageStart {
            label: page_label(layout, i),
            place,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::counts;

    /// The fast paths answer as the Unicode table does, for every character.
    #[test]
    fn counts_is_is_alphanumeric() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(counts(c), c.is_alphanumeric(), "U+{:04X}", c as u32);
        }
    }
}
