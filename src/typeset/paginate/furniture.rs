//! Page furniture: running heads and folios.
//!
//! An article: no running head on its first page (the title page); then,
//! when it has chapters (two or more `#` headings), its title on left-hand
//! pages and the chapter's on right-hand ones (one-sided: the chapter's),
//! none on a page a chapter opens at its top; with one chapter, its title.
//! A folio on every page but the first ([`crate::theme::Furniture`]). A book (*Chicago Manual of Style*, 17th ed.,
//! 1.5–1.11): on a left-hand page the book's title, on a right-hand page the
//! chapter's (one-sided: the chapter's on every page); no running head on
//! the front matter before the contents, on part and chapter openers, or on
//! blank pages; the contents' later pages are headed with its name. Folios:
//! lower-case roman numerals through the front matter (counted from the
//! half-title), arabic from 1 at the first part or chapter page; none
//! printed on the half-title, title, copyright, part and blank pages.
//! Two-sided, heads and folios stand at the outer side. A running head
//! too long for the measure is shortened at a word, with an ellipsis.
//! Heads and folios keep the theme's `min_from_trim` (10 mm) from the
//! trim, so that no printer's unprintable edge or guillotine takes them.

use super::{Flow, Page, PageSetup, Point, Positioned};
use crate::fonts::{Role, Style};
use crate::frame::{ArtifactKind, Tag};
use crate::frame::{NumberStyle, PageLabel};
use crate::resolve::{Book, Form};
use crate::theme::FolioPlace;
use crate::typeset::blocks::Opener;
use crate::typeset::inline::{Align, InlineEngine, LineBox, Piece, TextStyle};

/// What a page is, for its furniture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct PageState {
    /// The book page it opens or continues (`None`: an article's page).
    pub kind: Option<Opener>,
    /// It opens that page (its first slot is the opener).
    pub opener: bool,
    /// Left empty so that the next page is a right-hand one.
    pub blank: bool,
    /// An article's chapter the page's running head names: the first one
    /// opening on the page, else the one it continues (LaTeX's
    /// `\rightmark`); `None` for a book's page.
    pub section: Option<usize>,
    /// An article's chapter opens at the top of the page.
    pub section_opens: bool,
}

/// Each page's state, from the first body slot on it (`firsts`; `None` for
/// a page of footnotes carried over or a blank page).
pub(super) fn page_states(
    body: &[Flow],
    firsts: &[Option<usize>],
    blank: &[bool],
) -> Vec<PageState> {
    StateScan::default().states(body, firsts, blank)
}

/// What the page states carry from one piece of the body to the next (see
/// `super::unpack_pieces`): the kind of page the last opener began, and
/// how many chapters have begun.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct StateScan {
    current: Option<Opener>,
    /// An article's chapters after the first are marked on their first line.
    section: usize,
}

impl StateScan {
    /// [`page_states`] of the pages of one piece of the body (`firsts` index
    /// into `body`), after the pieces before it.
    pub(super) fn states(
        &mut self,
        body: &[Flow],
        firsts: &[Option<usize>],
        blank: &[bool],
    ) -> Vec<PageState> {
        let mut scanned = 0;
        firsts
            .iter()
            .enumerate()
            .zip(blank)
            .map(|((p, first), &blank)| {
                let opens = match first.and_then(|f| body.get(f)) {
                    Some(Flow::Line(l)) if !blank => l.opens,
                    _ => None,
                };
                if opens.is_some() {
                    self.current = opens;
                }
                // The page's slots: from its first to the next page's first.
                let end = firsts[p + 1..]
                    .iter()
                    .flatten()
                    .next()
                    .copied()
                    .unwrap_or(body.len());
                let (mut shown, mut section_opens) = (None, false);
                if let Some(f) = first.filter(|_| !blank) {
                    for (j, slot) in body.iter().enumerate().take(end).skip(scanned) {
                        if let Flow::Line(l) = slot
                            && l.chapter
                        {
                            self.section += 1;
                            if j >= f && shown.is_none() {
                                shown = Some(self.section);
                                section_opens =
                                    body[f..j].iter().all(|s| matches!(s, Flow::Space(_)));
                            }
                        }
                    }
                    scanned = scanned.max(end);
                }
                PageState {
                    kind: self.current,
                    opener: opens.is_some(),
                    blank,
                    section: Some(shown.unwrap_or(self.section)),
                    section_opens,
                }
            })
            .collect()
    }
}

/// Sets the running heads and folios on `pages`; returns the folio each
/// page counts as (see [`super::Report::page_labels`]).
pub(super) fn furniture(
    pages: &mut [Page],
    states: &[PageState],
    book: &Book,
    setup: &PageSetup,
    engine: &mut InlineEngine,
) -> Vec<String> {
    let lang: std::sync::Arc<str> = std::sync::Arc::from(book.meta.lang.as_str());
    // Running heads and folios are set in the body face, as in books.
    let style = |size: f32| TextStyle {
        role: Role::Body,
        style: Style::REGULAR,
        size,
        color: setup.muted,
        rise: 0.0,
        strike: false,
        underline: false,
        mark: false,
        link: None,
        lang: lang.clone(),
        node: None,
    };
    let theme = &setup.theme.furniture;
    let size = setup.small();
    let is_book = book.form == Form::Book;
    let article_title = book.meta.title.clone().unwrap_or_default();
    // Baselines: the theme's gaps from the text block, but never nearer the
    // trim than `min_from_trim` (to the top of the head's letters, to the
    // foot of the folio's).
    let (ascent, descent) = engine.extents(&style(size));
    let min = theme.min_from_trim.pt(setup.body_size, setup.height);
    let head_y = (setup.top - setup.lines(theme.head_gap)).max(min + ascent);
    let foot_y = (setup.bottom() + setup.lines(theme.folio_gap)).min(setup.height - min - descent);
    // The body (folio 1) starts at the first part or chapter page.
    let body_start = if is_book {
        states
            .iter()
            .position(|s| matches!(s.kind, Some(Opener::Part(_) | Opener::Chapter(_))))
            .unwrap_or(pages.len())
    } else {
        0
    };
    let mut labels = Vec::with_capacity(pages.len());
    // Each running head is set once per alignment: most pages repeat one.
    let mut heads: std::collections::HashMap<(String, Align), Option<LineBox>> = Default::default();
    for (p, page) in pages.iter_mut().enumerate() {
        let state = states.get(p).copied().unwrap_or(PageState {
            kind: None,
            opener: false,
            blank: false,
            section: None,
            section_opens: false,
        });
        let label = if p < body_start {
            roman(p + 1)
        } else {
            (p + 1 - body_start).to_string()
        };
        labels.push(label.clone());
        if state.blank {
            continue;
        }
        let align = match (setup.duplex, p % 2) {
            (false, _) => Align::Center,
            (true, 0) => Align::Right,
            (true, _) => Align::Left,
        };
        let left = setup.left_on(p);
        let verso = setup.duplex && p % 2 == 1;
        let head = if !theme.running_heads {
            None
        } else if is_book {
            book_head(book, state, verso)
        } else {
            article_head(book, state, p, verso, &article_title)
        };
        // A folio in the head's place leaves no room for a running head.
        let folio_at_head = theme.folio == FolioPlace::Head;
        if let Some(head) = head.filter(|h| !h.is_empty() && !folio_at_head) {
            let line = heads
                .entry((head, align))
                .or_insert_with_key(|(head, align)| {
                    let st = style(size);
                    let line = fit_one_line(engine, head, &st, setup.measure);
                    let lines = engine.layout(&[Piece::Text(line, st)], setup.measure, 0.0, *align);
                    lines.into_iter().next()
                })
                .clone();
            place(page, line, left, head_y);
        }
        let shows_folio = !matches!(
            (state.kind, state.opener),
            (
                Some(Opener::HalfTitle | Opener::Title | Opener::Copyright),
                _
            ) | (Some(Opener::Part(_)), true)
        ) && (is_book || p > 0 || theme.folio_on_first);
        if shows_folio {
            let (align, y) = if folio_at_head {
                (Align::Center, head_y)
            } else {
                (align, foot_y)
            };
            let lines = engine.layout(
                &[Piece::Text(label, style(size))],
                setup.measure,
                0.0,
                align,
            );
            place(page, lines.into_iter().next(), left, y);
        }
    }
    labels
}

/// A book page's running head: none on openers and the front matter before
/// the contents; the contents' name on its later pages; in a chapter, the
/// book's title on a left-hand page (`verso`), else the chapter's.
fn book_head(book: &Book, state: PageState, verso: bool) -> Option<String> {
    if state.opener {
        return None;
    }
    match state.kind? {
        Opener::HalfTitle | Opener::Title | Opener::Copyright => None,
        Opener::Contents => Some(book.words.toc.to_string()),
        Opener::Part(p) => book.parts.get(p as usize).map(|p| p.title.clone()),
        Opener::Chapter(_) if verso => Some(book.title.clone()),
        Opener::Chapter(c) => book.chapters.get(c as usize).map(|c| c.title.clone()),
    }
}

/// An article page's running head: none on the first page (the title
/// page); with chapters, the article's title on a left-hand page and the
/// chapter's on a right-hand one (one-sided: the chapter's), none where a
/// chapter opens at the top of the page; else the article's title.
fn article_head(
    book: &Book,
    state: PageState,
    p: usize,
    verso: bool,
    title: &str,
) -> Option<String> {
    if p == 0 {
        return None;
    }
    if book.chapters.len() < 2 {
        return Some(title.to_string());
    }
    if state.section_opens {
        return None;
    }
    if verso {
        return Some(title.to_string());
    }
    state
        .section
        .and_then(|c| book.chapters.get(c))
        .map(|c| c.title.clone())
}

/// A book's page labels for the PDF viewer, matching its folios: the
/// `covers` pages in front labelled with the cover's name, the front
/// matter in roman numerals from i, the body in arabic from 1 (`labels`:
/// [`super::Report::page_labels`], the pages after the covers). None for
/// an article, whose viewer numbers already match its folios.
pub fn label_runs(book: &Book, covers: usize, labels: &[String]) -> Vec<PageLabel> {
    if book.form != Form::Book {
        return Vec::new();
    }
    let mut runs = Vec::new();
    if covers > 0 {
        runs.push(PageLabel {
            start: 0,
            style: None,
            prefix: book.words.cover.to_string(),
            first: 1,
        });
    }
    let body = labels.iter().position(|l| l.parse::<usize>().is_ok());
    if body != Some(0) && !labels.is_empty() {
        runs.push(PageLabel {
            start: covers,
            style: Some(NumberStyle::LowerRoman),
            prefix: String::new(),
            first: 1,
        });
    }
    if let Some(b) = body {
        runs.push(PageLabel {
            start: covers + b,
            style: Some(NumberStyle::Decimal),
            prefix: String::new(),
            first: 1,
        });
    }
    runs
}

/// `n` in lower-case roman numerals (`iv`, `xii`), as front matter is
/// numbered.
pub fn roman(mut n: usize) -> String {
    const DIGITS: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

fn place(page: &mut Page, line: Option<LineBox>, x: f32, baseline: f32) {
    if let Some(line) = line {
        for mut it in line.items {
            it.pos = Point {
                x: it.pos.x + x,
                y: it.pos.y + baseline,
            };
            page.items.push(Positioned {
                pos: it.pos,
                item: it.item,
                // Running heads and folios (ISO 32000-1 §14.8.2.2.2).
                tag: Tag::Artifact(ArtifactKind::Pagination),
            });
        }
    }
}

/// `text`, shortened at a word boundary with an ellipsis if it does not fit on one line.
fn fit_one_line(engine: &mut InlineEngine, text: &str, style: &TextStyle, width: f32) -> String {
    if engine.measure(text, style) <= width {
        return text.to_string();
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    for n in (1..words.len()).rev() {
        let candidate = format!("{} …", words[..n].join(" "));
        if engine.measure(&candidate, style) <= width {
            return candidate;
        }
    }
    words.first().map_or(String::new(), |w| w.to_string())
}

#[cfg(test)]
mod tests {
    use super::roman;

    #[test]
    fn roman_numerals() {
        let got: Vec<String> = [1, 4, 5, 9, 14, 40, 90, 1999].map(roman).to_vec();
        assert_eq!(got, ["i", "iv", "v", "ix", "xiv", "xl", "xc", "mcmxcix"]);
    }
}
