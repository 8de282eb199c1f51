//! The typesetter: document model → [`crate::frame::Layout`].
//!
//! The steps, each in its own file:
//! 1. [`setup`]: page geometry from the paper and the body font (a measure of
//!    60–80 characters, leading from the font's metrics, a whole number of
//!    lines per page);
//! 2. [`shape`]: harfrust shaping with a word cache;
//! 3. [`inline`]: paragraphs → items → [`linebreak`] (Knuth–Plass) → lines;
//! 4. [`blocks`]: the document's blocks → a vertical flow of lines and boxes
//!    with keep constraints (widows, orphans, keep-with-next);
//! 5. [`paginate`]: the flow → pages, with running heads and folios.

pub mod blocks;
pub mod codebreak;
pub mod display;
pub mod inline;
pub mod linebreak;
pub mod page_starts;
pub mod paginate;
pub mod setup;
pub mod shape;
pub mod urlbreak;

use crate::cli::Paper;
use crate::fonts::FontSet;
use crate::frame::{DocInfo, Layout};
use crate::resolve::Book;

pub use paginate::Report;

/// How the pages are laid out beyond their paper size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypesetOptions {
    /// Page size.
    pub paper: Paper,
    /// Two-sided layout: mirrored margins, folios at the outer corners,
    /// chapters on right-hand pages.
    pub duplex: bool,
    /// Columns of body text (1 or 2).
    pub columns: usize,
    /// Whether the report keeps a record of every placed line
    /// ([`Report::lines`], 28 bytes a line: for tests and checks of the
    /// placement; a build does without).
    pub line_records: bool,
    /// Whether the report lists where each page starts in the text
    /// ([`Report::page_starts`]): wanted only by an EPUB built beside the
    /// PDF, which marks the PDF's page breaks. Finding them walks the
    /// document's blocks and every page's lines once (170 ms of the 50 MB
    /// document's 4.5 s of typesetting, 2 ms of the book's 75 ms:
    /// benches/README.md, session 25).
    pub page_starts: bool,
    /// Whether the glyph runs are held deflated from the moment their block
    /// is set until the PDF writer draws them ([`paginate::Keep::Deflated`],
    /// module [`crate::runstore`]): for a large document, whose runs are
    /// most of its memory. The pages and the PDF's bytes are the same
    /// either way.
    pub deflate_runs: bool,
}

/// Source bytes from which a PDF's glyph runs are held deflated between the
/// builder and the writer ([`TypesetOptions::deflate_runs`]). The 50 MB
/// document's runs were about 220 MB of its 547 MiB peak; holding them
/// deflated costs the serializing and deflating of every run and its
/// inflating twice in the writer (benches/README.md, session 26), which a
/// document of a few hundred pages does not need to pay.
pub const DEFLATE_RUNS_AT: usize = 8 << 20;

/// Typesets `doc` on `paper`, one-sided, one column, every line and page
/// start recorded; see [`typeset_with`].
pub fn typeset(doc: &Book, fonts: &FontSet, paper: Paper, created: i64) -> (Layout, Report) {
    let opts = TypesetOptions {
        paper,
        duplex: false,
        columns: 1,
        line_records: true,
        page_starts: true,
        deflate_runs: false,
    };
    typeset_with(doc, fonts, &opts, created)
}

/// Typesets `doc` as `opts` say, returning the layout and a report of what
/// the paginator did (for tests and `--timings`-style diagnostics).
pub fn typeset_with(
    doc: &Book,
    fonts: &FontSet,
    opts: &TypesetOptions,
    created: i64,
) -> (Layout, Report) {
    let setup = setup::PageSetup::themed(opts.paper, opts.duplex, opts.columns, fonts, &doc.theme);
    let mut engine = inline::InlineEngine::new(fonts, &doc.meta.lang);
    // With a table of contents, pages are set again until the folios the
    // contents print are the ones the headings land on (twice, as a rule).
    let mut toc_pages: Option<Vec<String>> = None;
    let mut pass = 0;
    let mut structure;
    let mut runs;
    let (pages, outline, report) = loop {
        pass += 1;
        // Without the contents' folios (the first pass) the pass is never
        // the last: only where the anchors land is wanted of its pages.
        let keep = if doc.meta.toc && toc_pages.is_none() {
            paginate::Keep::Anchors
        } else if opts.deflate_runs {
            paginate::Keep::Deflated
        } else {
            paginate::Keep::All
        };
        engine.keep = keep;
        let mut flow = blocks::build_flow(doc, &setup, &mut engine, toc_pages.as_deref(), created);
        let tree = std::mem::take(&mut flow.structure);
        runs = std::mem::take(&mut flow.runs);
        let (pages, outline, report) =
            paginate::paginate_keeping(flow, doc, &setup, &mut engine, opts.line_records);
        structure = tree;
        if !doc.meta.toc {
            break (pages, outline, report);
        }
        // The folio each entry's page counts as (a book's body from 1).
        let pages_of = anchor_pages(&pages);
        let found: Vec<String> = blocks::toc_entries(doc)
            .iter()
            .map(|e| {
                pages_of
                    .get(e.id.as_str())
                    .and_then(|&p| report.page_labels.get(p).cloned())
                    .unwrap_or_else(|| "0".into())
            })
            .collect();
        if toc_pages.as_ref() == Some(&found) || pass >= 4 {
            break (pages, outline, report);
        }
        toc_pages = Some(found);
    };
    // The cover (given or generated) in front, outside the folios.
    let (mut pages, mut outline) = (pages, outline);
    let size = (setup.width, setup.height);
    let covers = crate::cover::insert(
        doc,
        &mut engine,
        opts.duplex,
        size,
        &mut pages,
        &mut outline,
        &mut structure,
    );
    let page_labels = paginate::label_runs(doc, covers, &report.page_labels);
    let fonts = engine.layout_fonts();
    let info = DocInfo {
        title: doc.title.clone(),
        // Without an author, the source or publisher answers "who wrote this".
        authors: if doc.meta.authors.is_empty() {
            doc.meta
                .source
                .iter()
                .chain(&doc.meta.publisher)
                .take(1)
                .cloned()
                .collect()
        } else {
            doc.meta.authors.clone()
        },
        subject: doc.meta.description.clone(),
        keywords: doc.meta.keywords.clone(),
        lang: doc.lang.clone(),
        created,
        producer: format!("trang {}", env!("CARGO_PKG_VERSION")),
    };
    let layout = Layout {
        fonts,
        pages,
        outline,
        info,
        page_labels,
        structure,
        runs,
    };
    let mut report = report;
    if opts.page_starts {
        report.page_starts = page_starts::page_starts(doc, &layout, covers);
    }
    (layout, report)
}

/// The index of the first page holding each anchor. Made once per pass:
/// looking each contents entry up by scanning the pages took time in the
/// product of the entries and the pages (a book of 1,000 chapters spent
/// 10 of its 13 s there).
fn anchor_pages(pages: &[crate::frame::Page]) -> std::collections::HashMap<&str, usize> {
    let mut first = std::collections::HashMap::new();
    for (p, page) in pages.iter().enumerate() {
        for it in &page.items {
            if let crate::frame::Item::Anchor(a) = &it.item {
                first.entry(a.as_str()).or_insert(p);
            }
        }
    }
    first
}
