//! The flow → pages: page breaks that respect the keep constraints, running
//! heads after the first page, folios on every page, the outline.
//!
//! Pages are filled one at a time: slots are added while they fit; the page
//! then ends at the last slot after which a break is allowed (not inside the
//! first or last two lines of a paragraph, not after a heading). When a page
//! holds no allowed break at all (a huge unbreakable block), it breaks where
//! the page is full rather than overflowing. The bottom is ragged (as in
//! Typst and LaTeX's `\raggedbottom`), so body lines stay on their grid.
//! Linear in the number of slots.

use crate::doc::Document;
use crate::fonts::{Role, Style};
use crate::frame::{OutlineEntry, Page, Point, Positioned};
use crate::typeset::blocks::{Flow, FlowLine, LineKind};
use crate::typeset::inline::{Align, InlineEngine, Piece, TextStyle};
use crate::typeset::setup::PageSetup;

/// Where a body line ended up, for tests and checks.
#[derive(Clone, Debug, PartialEq)]
pub struct LineRecord {
    /// Zero-based page.
    pub page: usize,
    /// Paragraph number.
    pub para: usize,
    /// Index in the paragraph.
    pub index: usize,
    /// Lines in the paragraph.
    pub count: usize,
    /// What the line is.
    pub kind: LineKind,
    /// Whether it was justified to the full measure.
    pub justified: bool,
    /// Top of the line's slot on the page (points from the page top).
    pub top: f32,
    /// Height of the slot.
    pub height: f32,
}

/// What the paginator did: measured from the final placement.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Every slot in order with its page.
    pub lines: Vec<LineRecord>,
    /// Pages whose first line is the last line of a paragraph of 2+ lines.
    pub widows: usize,
    /// Pages whose last line is the first line of a paragraph of 2+ lines.
    pub orphans: usize,
    /// Pages that end with a heading while more content follows.
    pub headings_at_foot: usize,
}

/// Breaks the flow into pages and adds the page furniture.
pub fn paginate(
    flow: Vec<Flow>,
    doc: &Document,
    setup: &PageSetup,
    engine: &mut InlineEngine,
) -> (Vec<Page>, Vec<OutlineEntry>, Report) {
    let page_ranges = break_pages(&flow, setup.body_height);
    let mut pages = Vec::with_capacity(page_ranges.len());
    let mut outline = Vec::new();
    let mut report = Report::default();
    let mut slots = flow.into_iter().map(Some).collect::<Vec<_>>();
    for (p, range) in page_ranges.iter().enumerate() {
        let mut page = Page {
            width: setup.width,
            height: setup.height,
            items: Vec::new(),
        };
        let mut y = setup.top;
        let mut started = false;
        for slot in &mut slots[range.clone()] {
            match slot.take() {
                Some(Flow::Space(h)) if started => y += h,
                Some(Flow::Line(line)) => {
                    started = true;
                    if let Some((title, level)) = &line.outline {
                        outline.push(OutlineEntry {
                            title: title.clone(),
                            level: *level,
                            page: p,
                            y,
                        });
                    }
                    report.lines.push(LineRecord {
                        page: p,
                        para: line.para,
                        index: line.index,
                        count: line.count,
                        kind: line.kind,
                        justified: line.justified,
                        top: y,
                        height: line.height,
                    });
                    let FlowLine { items, height, .. } = line;
                    for mut it in items {
                        it.pos.x += setup.left;
                        it.pos.y += y;
                        page.items.push(it);
                    }
                    y += height;
                }
                Some(Flow::Space(_)) | None => {}
            }
        }
        pages.push(page);
    }
    // The title's outline entry is level 1; body headings are nested below it.
    furniture(&mut pages, doc, setup, engine);
    measure_report(&mut report);
    (pages, outline, report)
}

/// Page ranges of slot indices.
fn break_pages(flow: &[Flow], body_height: f32) -> Vec<std::ops::Range<usize>> {
    let mut pages = Vec::new();
    let mut i = 0;
    let n = flow.len();
    while i < n {
        // Spaces at the top of a page are dropped.
        while i < n && matches!(flow[i], Flow::Space(_)) {
            i += 1;
        }
        if i >= n {
            break;
        }
        let start = i;
        let mut y = 0.0f32;
        let mut last_break: Option<usize> = None;
        let mut j = i;
        let mut keep = false;
        while j < n {
            let h = match &flow[j] {
                Flow::Space(h) => *h,
                Flow::Line(l) => l.height,
            };
            let is_line = matches!(flow[j], Flow::Line(_));
            if is_line && y + h > body_height + 0.01 && j > start {
                break;
            }
            if !is_line && !keep && j > start {
                // A break before this space is allowed.
                last_break = Some(j);
            }
            y += h;
            if let Flow::Line(l) = &flow[j] {
                keep = l.keep_with_next;
                if !keep {
                    last_break = Some(j + 1);
                }
            }
            j += 1;
        }
        let end = if j >= n {
            n
        } else {
            last_break.filter(|&b| b > start).unwrap_or(j)
        };
        pages.push(start..end);
        i = end;
    }
    if pages.is_empty() {
        pages.push(0..0);
    }
    pages
}

/// Running heads (the title, on pages after the first) and folios.
fn furniture(pages: &mut [Page], doc: &Document, setup: &PageSetup, engine: &mut InlineEngine) {
    let lang: std::sync::Arc<str> = std::sync::Arc::from(doc.meta.lang.as_str());
    let style = |size: f32| TextStyle {
        role: Role::Heading,
        style: Style::REGULAR,
        size,
        color: setup.muted,
        rise: 0.0,
        strike: false,
        underline: false,
        link: None,
        lang: lang.clone(),
    };
    let head_size = (setup.body_size * 0.8 * 4.0).round() / 4.0;
    let title = doc.meta.title.clone().unwrap_or_default();
    let head_line = fit_one_line(engine, &title, &style(head_size), setup.measure);
    for (p, page) in pages.iter_mut().enumerate() {
        if p > 0 && !title.is_empty() {
            let lines = engine.layout(
                &[Piece::Text(head_line.clone(), style(head_size))],
                setup.measure,
                0.0,
                Align::Center,
            );
            place(
                page,
                lines.into_iter().next(),
                setup.left,
                setup.top - setup.leading * 1.6,
            );
        }
        let folio = (p + 1).to_string();
        let lines = engine.layout(
            &[Piece::Text(folio, style(setup.body_size * 0.85))],
            setup.measure,
            0.0,
            Align::Center,
        );
        place(
            page,
            lines.into_iter().next(),
            setup.left,
            setup.bottom() + setup.leading * 2.2,
        );
    }
}

fn place(page: &mut Page, line: Option<crate::typeset::inline::LineBox>, x: f32, baseline: f32) {
    if let Some(line) = line {
        for mut it in line.items {
            it.pos = Point {
                x: it.pos.x + x,
                y: it.pos.y + baseline,
            };
            page.items.push(Positioned {
                pos: it.pos,
                item: it.item,
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

/// Counts widows, orphans and headings at a page foot from the placement
/// (one pass: the records are in page order).
fn measure_report(report: &mut Report) {
    let lines = &report.lines;
    let mut i = 0;
    while i < lines.len() {
        let p = lines[i].page;
        let mut j = i;
        while j < lines.len() && lines[j].page == p {
            j += 1;
        }
        let (first, last, more_follows) = (&lines[i], &lines[j - 1], j < lines.len());
        if p > 0
            && first.kind == LineKind::Body
            && first.count >= 2
            && first.index + 1 == first.count
        {
            report.widows += 1;
        }
        if more_follows && last.kind == LineKind::Body && last.count >= 2 && last.index == 0 {
            report.orphans += 1;
        }
        if more_follows && matches!(last.kind, LineKind::Heading | LineKind::Title) {
            report.headings_at_foot += 1;
        }
        i = j;
    }
}
