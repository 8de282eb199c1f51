//! The document model: the contract between the Markdown reader and both writers.
//!
//! An owned tree of [`Block`]s and [`Inline`]s plus typed [`Meta`]data. Every
//! node keeps the byte [`Span`] of the source it came from, so any later stage
//! can report `file:line:col` through [`crate::diag::SourceFile`]. All text is
//! NFC-normalised by the reader.

use std::path::PathBuf;

use crate::diag::SourceFile;

/// A byte range in the source file (front matter included).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (bytes).
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// A calendar date (ISO 8601, proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year, e.g. 2022.
    pub year: i32,
    /// Month 1–12.
    pub month: u8,
    /// Day 1–31.
    pub day: u8,
}

impl Date {
    /// Builds a date after checking that it exists in the calendar.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(&self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Seconds since the Unix epoch at midnight UTC of this date.
    pub fn unix_seconds(&self) -> i64 {
        self.days_since_epoch() * 86_400
    }

    /// The date of a Unix timestamp (UTC).
    pub fn from_unix_seconds(secs: i64) -> Date {
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// ISO 8601 form, `YYYY-MM-DD`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Day of the week, 0 = Monday … 6 = Sunday.
    pub fn weekday(&self) -> u8 {
        (self.days_since_epoch() + 3).rem_euclid(7) as u8
    }

    /// The Vietnamese dateline form, e.g. `Thứ ba, 05/07/2022`.
    pub fn vietnamese_dateline(&self) -> String {
        const DAYS: [&str; 7] = [
            "Thứ hai",
            "Thứ ba",
            "Thứ tư",
            "Thứ năm",
            "Thứ sáu",
            "Thứ bảy",
            "Chủ nhật",
        ];
        format!(
            "{}, {:02}/{:02}/{:04}",
            DAYS[self.weekday() as usize],
            self.day,
            self.month,
            self.year
        )
    }
}

/// Typed front-matter metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct Meta {
    /// Document title (front matter, else the first `#` heading).
    pub title: Option<String>,
    /// Subtitle.
    pub subtitle: Option<String>,
    /// Authors, in order.
    pub authors: Vec<String>,
    /// Publication date.
    pub date: Option<Date>,
    /// Dateline printed above the title; defaults to the date in the document's language.
    pub dateline: Option<String>,
    /// BCP 47 language tag (default `vi`).
    pub lang: String,
    /// Publisher.
    pub publisher: Option<String>,
    /// The series the book belongs to (EPUB `belongs-to-collection`).
    pub series: Option<String>,
    /// Where the text comes from (e.g. `Dangcongsan.vn`).
    pub source: Option<String>,
    /// Rights statement.
    pub rights: Option<String>,
    /// Explicit identifier; when absent a content-derived UUID is used.
    pub identifier: Option<String>,
    /// Short description (EPUB `dc:description`, PDF subject).
    pub description: Option<String>,
    /// Keywords / subjects.
    pub keywords: Vec<String>,
    /// Cover image, relative to the source file's folder.
    pub cover: Option<PathBuf>,
    /// Whether to print a table of contents.
    pub toc: bool,
    /// Whether headings are numbered (`1.`, `1.1.`, …) in both outputs.
    pub number_headings: bool,
    /// Font folder named by the front matter (relative to the source file).
    pub fonts: Option<PathBuf>,
    /// Theme named by the front matter: a preset (`book`) or a TOML file
    /// relative to the source file.
    pub theme: Option<String>,
    /// The standards the PDF conforms to (`pdf-standard: a-2u, ua-1`).
    pub pdf_standard: Option<crate::pdf::Standards>,
    /// The keys of ours that this front matter set, in the order written
    /// (`author` for `authors`): a book tells a chapter's book-level keys
    /// by them, so a field added above needs no second list.
    pub keys: Vec<String>,
}

impl Default for Meta {
    fn default() -> Self {
        Meta {
            title: None,
            subtitle: None,
            authors: Vec::new(),
            date: None,
            dateline: None,
            lang: "vi".to_string(),
            publisher: None,
            series: None,
            source: None,
            rights: None,
            identifier: None,
            description: None,
            keywords: Vec::new(),
            cover: None,
            toc: false,
            number_headings: false,
            fonts: None,
            theme: None,
            pdf_standard: None,
            keys: Vec::new(),
        }
    }
}

/// Column alignment of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// No alignment given.
    None,
    /// `:--`
    Left,
    /// `:-:`
    Center,
    /// `--:`
    Right,
}

/// A block-level node with its source span.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Where it came from.
    pub span: Span,
}

/// One item of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct ListItem {
    /// `Some(checked)` for a task-list item.
    pub task: Option<bool>,
    /// The item's content.
    pub blocks: Vec<Block>,
    /// Where it came from.
    pub span: Span,
}

/// A table cell: inline content.
pub type Cell = Vec<Inline>;

/// A table's caption: pandoc's `table_captions` (a paragraph `Table: …`,
/// `table: …` or `: …` directly before or after a pipe table, read by
/// [`crate::markdown`]) or a raw HTML `<caption>`. Both writers print it
/// above the table with its number (Chicago 3.52: a table's number and
/// title go above it).
#[derive(Clone, Debug, PartialEq)]
pub struct Caption {
    /// The caption's text, without its `Table:` / `:` marker and `{#id}`.
    pub content: Vec<Inline>,
    /// The id written at its end (`{#tbl:id}`, as pandoc-crossref writes
    /// it): links to `#tbl:id` reach the table.
    pub id: Option<String>,
    /// The table's number among the document's captioned tables, counted
    /// by the resolver from 1 (0 before).
    pub number: usize,
    /// Where it came from (the whole paragraph, marker included).
    pub span: Span,
}

/// The kinds of block.
#[derive(Clone, Debug, PartialEq)]
pub enum BlockKind {
    /// `#`–`######` heading.
    Heading {
        /// 1–6.
        level: u8,
        /// Stable id (explicit `{#id}` or derived from the text).
        id: String,
        /// Extra classes from `{.class}` attributes.
        classes: Vec<String>,
        /// Heading text.
        content: Vec<Inline>,
    },
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A displayed formula: `$$…$$` (alone, or among a paragraph's text,
    /// which it then splits as TeX does) or a ```` ```math ```` block.
    Math(std::sync::Arc<crate::math::Formula>),
    /// A block quote.
    BlockQuote(Vec<Block>),
    /// A fenced or indented code block.
    CodeBlock {
        /// Info-string language, if any (its first word, as written).
        lang: Option<String>,
        /// The literal code, ending in a newline, tabs expanded to tab stops
        /// (see [`crate::markdown::expand_tabs`]).
        text: String,
        /// Highlighting, one list of tokens per line of `text` (the final
        /// newline ends the last line; it does not start another). Empty
        /// when the code is plain: no language, an unknown one, or one
        /// whose highlighting was given up (see [`crate::highlight`]).
        tokens: Vec<Vec<CodeToken>>,
    },
    /// An ordered (`start` is `Some`) or bullet list.
    List {
        /// First number of an ordered list.
        start: Option<u64>,
        /// Tight lists have no blank lines between items.
        tight: bool,
        /// The items.
        items: Vec<ListItem>,
    },
    /// A GFM table.
    Table {
        /// One per column.
        aligns: Vec<Align>,
        /// The header row.
        header: Vec<Cell>,
        /// Body rows.
        rows: Vec<Vec<Cell>>,
        /// Its caption, if it has one.
        caption: Option<Caption>,
    },
    /// `***`, `---`, `___`.
    ThematicBreak,
    /// A container whose lines are aligned: raw HTML `<center>`, or `<div>`
    /// / `<p>` with `align=` or `style="text-align: …"`.
    Aligned {
        /// How each line of the content is set (never [`Align::None`]).
        align: Align,
        /// The content.
        blocks: Vec<Block>,
    },
    /// Raw HTML `<details>`: the `<summary>` is its title; the content is
    /// always shown (in print nothing can be folded).
    Details {
        /// The summary line (may be empty).
        summary: Vec<Inline>,
        /// The content.
        blocks: Vec<Block>,
    },
    /// Raw HTML `<figure>` holding an image, with its `<figcaption>`.
    Figure {
        /// The image (an [`InlineKind::Image`]).
        image: Inline,
        /// The caption (may be empty).
        caption: Vec<Inline>,
    },
    /// A definition list (Markdown `Term` / `: definition`, or raw HTML `<dl>`).
    DefinitionList(Vec<Definition>),
    /// A GFM alert (`> [!NOTE]` …) or an MkDocs admonition (`!!! note`): a
    /// call-out titled in the document's language
    /// ([`crate::words::Words::callouts`]) unless it has a title of its own.
    Callout {
        /// Which of the five alerts.
        kind: CalloutKind,
        /// A title of its own (an MkDocs admonition's `!!! note "Tiêu đề"`);
        /// without one, the kind's label in the document's language.
        title: Option<String>,
        /// The content, without the `[!KIND]` line.
        blocks: Vec<Block>,
    },
}

/// The five GFM alerts (GitHub Docs, "Basic writing and formatting syntax",
/// § Alerts), in the order of [`crate::words::Words::callouts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalloutKind {
    /// `[!NOTE]`
    Note,
    /// `[!TIP]`
    Tip,
    /// `[!IMPORTANT]`
    Important,
    /// `[!WARNING]`
    Warning,
    /// `[!CAUTION]`
    Caution,
}

impl CalloutKind {
    /// Index into [`crate::words::Words::callouts`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The lowercase name, as GitHub writes it (`note`, `tip`, …): the EPUB class.
    pub fn name(self) -> &'static str {
        ["note", "tip", "important", "warning", "caution"][self.index()]
    }
}

/// One group of a definition list: a term and its definitions.
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    /// The term (empty when a definition comes without one).
    pub term: Vec<Inline>,
    /// Its definitions, each a list of blocks.
    pub details: Vec<Vec<Block>>,
    /// Where it came from.
    pub span: Span,
}

/// What a piece of highlighted code is, for its colour and weight (the
/// palette is [`crate::highlight::palette`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenClass {
    /// Anything not classified below: identifiers, white space.
    Plain,
    /// Keywords and storage modifiers (`fn`, `if`, `def`, `pub`).
    Keyword,
    /// String and character literals, their quotes included.
    String,
    /// Comments, their markers included.
    Comment,
    /// Numeric literals.
    Number,
    /// Names of functions and types where they are defined or called.
    Function,
    /// Language constants (`true`, `None`, `nullptr`) and escapes.
    Constant,
    /// Operators and punctuation.
    Operator,
}

/// A run of code of one [`TokenClass`]: bytes `start..end` of its line (the
/// line without its newline). The tokens of a line cover it exactly, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeToken {
    /// First byte, in the line.
    pub start: usize,
    /// One past the last byte, in the line.
    pub end: usize,
    /// What the run is.
    pub class: TokenClass,
}

/// The lines of a code block's `text` (without the final newline), each as
/// its pieces of text with their classes, from the block's `tokens`. A line
/// without tokens is one [`TokenClass::Plain`] piece (none when empty). Both
/// writers draw a code block from this.
pub fn code_lines<'a>(text: &'a str, tokens: &[Vec<CodeToken>]) -> Vec<Vec<(&'a str, TokenClass)>> {
    text.strip_suffix('\n')
        .unwrap_or(text)
        .split('\n')
        .enumerate()
        .map(|(i, line)| match tokens.get(i) {
            Some(toks) if toks.last().is_some_and(|t| t.end == line.len()) => toks
                .iter()
                .filter(|t| t.start < t.end)
                .filter_map(|t| line.get(t.start..t.end).map(|s| (s, t.class)))
                .collect(),
            _ if line.is_empty() => Vec::new(),
            _ => vec![(line, TokenClass::Plain)],
        })
        .collect()
}

/// An inline node with its source span.
#[derive(Clone, Debug, PartialEq)]
pub struct Inline {
    /// What the inline is.
    pub kind: InlineKind,
    /// Where it came from.
    pub span: Span,
}

/// The kinds of inline.
#[derive(Clone, Debug, PartialEq)]
pub enum InlineKind {
    /// Plain text (NFC).
    Text(String),
    /// `*emphasis*`.
    Emphasis(Vec<Inline>),
    /// `**strong**`.
    Strong(Vec<Inline>),
    /// `~~strikethrough~~`.
    Strikethrough(Vec<Inline>),
    /// `` `code` ``.
    Code(String),
    /// A formula in the line: `$…$`, or `$$…$$` inside a table cell, a
    /// heading or a link (a `$$…$$` among a paragraph's text becomes a
    /// [`BlockKind::Math`] of its own, see [`crate::markdown`]).
    Math(std::sync::Arc<crate::math::Formula>),
    /// A link (inline, reference or autolink).
    Link {
        /// Destination URL.
        url: String,
        /// Optional title.
        title: String,
        /// Link text.
        content: Vec<Inline>,
    },
    /// An image.
    Image {
        /// Source path or URL.
        src: String,
        /// Optional title.
        title: String,
        /// Alternative text.
        alt: Vec<Inline>,
        /// Width asked for by raw HTML `width=`, in CSS px (1/96 in).
        width: Option<u32>,
        /// Height asked for by raw HTML `height=`, in CSS px (1/96 in).
        height: Option<u32>,
        /// Width as a fraction of the measure (pandoc's `{width=30%}`),
        /// in (0, 1]; it wins over `width`/`height`.
        scale: Option<f32>,
    },
    /// A footnote reference `[^label]` as the reader found it; the resolver
    /// turns it into [`InlineKind::NoteRef`] (or text when no note has the label).
    FootnoteRef(String),
    /// A resolved reference to note `number` (1-based, in order of first
    /// reference); `nth` counts the references to that note (1 = the first,
    /// which places the note).
    NoteRef {
        /// The note's number.
        number: usize,
        /// 1 for the first reference to the note, 2 for the second, ….
        nth: usize,
    },
    /// A soft line break (a space when rendered).
    SoftBreak,
    /// A hard line break.
    HardBreak,
    /// A link target the author placed (`<a name>`, `id` in raw HTML): its id.
    Anchor(String),
    /// Raw HTML `<u>`, `<ins>`: underlined.
    Underline(Vec<Inline>),
    /// Raw HTML `<sup>`: raised and smaller.
    Superscript(Vec<Inline>),
    /// Raw HTML `<sub>`: lowered and smaller.
    Subscript(Vec<Inline>),
    /// Raw HTML `<small>`: smaller.
    Small(Vec<Inline>),
    /// Raw HTML `<kbd>`: keys, in the code face.
    Kbd(Vec<Inline>),
    /// Raw HTML `<mark>`: highlighted.
    Mark(Vec<Inline>),
    /// Text in another language (raw HTML `lang=` on an inline element).
    Lang {
        /// A well-formed BCP 47 tag.
        lang: String,
        /// The text.
        content: Vec<Inline>,
    },
}

impl BlockKind {
    /// A table's inline sequences in the order they are printed: the
    /// caption's, then each cell's, the header row first (none for other
    /// blocks).
    pub fn table_inlines(&self) -> impl Iterator<Item = &Vec<Inline>> {
        let (caption, header, rows) = match self {
            BlockKind::Table {
                caption,
                header,
                rows,
                ..
            } => (caption.as_ref(), header.as_slice(), rows.as_slice()),
            _ => (None, &[][..], &[][..]),
        };
        caption
            .map(|c| &c.content)
            .into_iter()
            .chain(header)
            .chain(rows.iter().flatten())
    }

    /// [`BlockKind::table_inlines`], mutable.
    pub fn table_inlines_mut(&mut self) -> impl Iterator<Item = &mut Vec<Inline>> {
        let (caption, header, rows) = match self {
            BlockKind::Table {
                caption,
                header,
                rows,
                ..
            } => (caption.as_mut(), header.as_mut_slice(), rows.as_mut_slice()),
            _ => (None, &mut [][..], &mut [][..]),
        };
        caption
            .map(|c| &mut c.content)
            .into_iter()
            .chain(header)
            .chain(rows.iter_mut().flatten())
    }
}

impl InlineKind {
    /// The inlines a container holds (an image's are its alternative text).
    pub fn children(&self) -> Option<&Vec<Inline>> {
        match self {
            InlineKind::Emphasis(c)
            | InlineKind::Strong(c)
            | InlineKind::Strikethrough(c)
            | InlineKind::Underline(c)
            | InlineKind::Superscript(c)
            | InlineKind::Subscript(c)
            | InlineKind::Small(c)
            | InlineKind::Kbd(c)
            | InlineKind::Mark(c)
            | InlineKind::Lang { content: c, .. }
            | InlineKind::Link { content: c, .. }
            | InlineKind::Image { alt: c, .. } => Some(c),
            _ => None,
        }
    }

    /// [`InlineKind::children`], mutable.
    pub fn children_mut(&mut self) -> Option<&mut Vec<Inline>> {
        match self {
            InlineKind::Emphasis(c)
            | InlineKind::Strong(c)
            | InlineKind::Strikethrough(c)
            | InlineKind::Underline(c)
            | InlineKind::Superscript(c)
            | InlineKind::Subscript(c)
            | InlineKind::Small(c)
            | InlineKind::Kbd(c)
            | InlineKind::Mark(c)
            | InlineKind::Lang { content: c, .. }
            | InlineKind::Link { content: c, .. }
            | InlineKind::Image { alt: c, .. } => Some(c),
            _ => None,
        }
    }
}

/// A footnote definition `[^label]: …`.
#[derive(Clone, Debug, PartialEq)]
pub struct Footnote {
    /// The label used by references.
    pub label: String,
    /// Its content.
    pub blocks: Vec<Block>,
    /// Where it came from.
    pub span: Span,
}

/// A parsed document: metadata, body, footnotes and the source it came from.
#[derive(Clone, Debug)]
pub struct Document {
    /// Front-matter metadata (title filled from the first heading if absent).
    pub meta: Meta,
    /// Body blocks, in order. A first `#` heading equal to the title is removed.
    pub blocks: Vec<Block>,
    /// Footnote definitions, in definition order.
    pub footnotes: Vec<Footnote>,
    /// The source file, for diagnostics.
    pub source: SourceFile,
}

impl Document {
    /// Footnote labels in order of first reference; footnote *n* is `order[n-1]`.
    /// Definitions never referenced are not listed.
    pub fn footnote_order(&self) -> Vec<String> {
        let mut order: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut collect = |blocks: &[Block], order: &mut Vec<String>| {
            for block in blocks {
                walk_block_inlines(block, &mut |inl| {
                    if let InlineKind::FootnoteRef(label) = &inl.kind
                        && seen.insert(label.clone())
                    {
                        order.push(label.clone());
                    }
                });
            }
        };
        collect(&self.blocks, &mut order);
        // References inside footnotes come after, in the order those notes
        // appear. (The first definition of a label is the one, as in
        // [`Document::footnote`]; looked up in a map, not a list, so that
        // the order takes time linear in the notes.)
        let mut defined = std::collections::HashMap::new();
        for f in &self.footnotes {
            defined.entry(f.label.as_str()).or_insert(f);
        }
        let mut i = 0;
        while i < order.len() {
            if let Some(f) = defined.get(order[i].as_str()) {
                collect(&f.blocks, &mut order);
            }
            i += 1;
        }
        order
    }

    /// The footnote defined with `label`, if any.
    pub fn footnote(&self, label: &str) -> Option<&Footnote> {
        self.footnotes.iter().find(|f| f.label == label)
    }
}

impl Span {
    /// The span `by` bytes later (a chapter's spans moved into a book's
    /// joined source, see [`crate::diag::SourceFile::joined`]).
    pub fn shifted(self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }
}

/// Moves every span of `blocks` and their descendants `by` bytes later.
pub fn shift_spans(blocks: &mut [Block], by: usize) {
    for b in blocks {
        b.span = b.span.shifted(by);
        match &mut b.kind {
            BlockKind::Heading { content, .. } | BlockKind::Paragraph(content) => {
                shift_inline_spans(content, by)
            }
            BlockKind::BlockQuote(blocks)
            | BlockKind::Aligned { blocks, .. }
            | BlockKind::Callout { blocks, .. } => shift_spans(blocks, by),
            BlockKind::List { items, .. } => {
                for item in items {
                    item.span = item.span.shifted(by);
                    shift_spans(&mut item.blocks, by);
                }
            }
            kind @ BlockKind::Table { .. } => {
                if let BlockKind::Table {
                    caption: Some(c), ..
                } = kind
                {
                    c.span = c.span.shifted(by);
                }
                for cell in kind.table_inlines_mut() {
                    shift_inline_spans(cell, by);
                }
            }
            BlockKind::Details { summary, blocks } => {
                shift_inline_spans(summary, by);
                shift_spans(blocks, by);
            }
            BlockKind::Figure { image, caption } => {
                shift_inline_spans(std::slice::from_mut(image), by);
                shift_inline_spans(caption, by);
            }
            BlockKind::DefinitionList(defs) => {
                for def in defs {
                    def.span = def.span.shifted(by);
                    shift_inline_spans(&mut def.term, by);
                    for blocks in &mut def.details {
                        shift_spans(blocks, by);
                    }
                }
            }
            BlockKind::CodeBlock { .. } | BlockKind::Math(_) | BlockKind::ThematicBreak => {}
        }
    }
}

/// Moves every span of `inlines` and their descendants `by` bytes later.
pub fn shift_inline_spans(inlines: &mut [Inline], by: usize) {
    for inl in inlines {
        inl.span = inl.span.shifted(by);
        if let Some(c) = inl.kind.children_mut() {
            shift_inline_spans(c, by);
        }
    }
}

/// Calls `f` on every inline of `block` and its descendants, depth first, in order.
pub fn walk_block_inlines(block: &Block, f: &mut dyn FnMut(&Inline)) {
    let mut stack: Vec<&Block> = vec![block];
    while let Some(b) = stack.pop() {
        match &b.kind {
            BlockKind::Heading { content, .. } | BlockKind::Paragraph(content) => {
                walk_inlines(content, f)
            }
            BlockKind::BlockQuote(blocks)
            | BlockKind::Aligned { blocks, .. }
            | BlockKind::Callout { blocks, .. } => stack.extend(blocks.iter().rev()),
            BlockKind::List { items, .. } => {
                for item in items.iter().rev() {
                    stack.extend(item.blocks.iter().rev());
                }
            }
            kind @ BlockKind::Table { .. } => {
                for cell in kind.table_inlines() {
                    walk_inlines(cell, f);
                }
            }
            BlockKind::Details { summary, blocks } => {
                walk_inlines(summary, f);
                stack.extend(blocks.iter().rev());
            }
            BlockKind::Figure { image, caption } => {
                walk_inlines(std::slice::from_ref(image), f);
                walk_inlines(caption, f);
            }
            BlockKind::DefinitionList(defs) => {
                // Terms and definitions in order: the blocks go on the stack,
                // so walk this list's inlines in full here.
                for def in defs {
                    walk_inlines(&def.term, f);
                    for blocks in &def.details {
                        for b in blocks {
                            walk_block_inlines(b, f);
                        }
                    }
                }
            }
            BlockKind::CodeBlock { .. } | BlockKind::Math(_) | BlockKind::ThematicBreak => {}
        }
    }
}

/// Calls `f` on every inline in `inlines` and their descendants, depth first, in order.
pub fn walk_inlines(inlines: &[Inline], f: &mut dyn FnMut(&Inline)) {
    let mut stack: Vec<&Inline> = inlines.iter().rev().collect();
    while let Some(inl) = stack.pop() {
        f(inl);
        if let Some(c) = inl.kind.children() {
            stack.extend(c.iter().rev());
        }
    }
}

/// The plain text of inlines: text, code, link text and image alt text;
/// breaks become spaces.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    walk_inlines(inlines, &mut |inl| match &inl.kind {
        InlineKind::Text(t) | InlineKind::Code(t) => out.push_str(t),
        InlineKind::Math(f) => out.push_str(&f.text),
        InlineKind::SoftBreak | InlineKind::HardBreak => out.push(' '),
        _ => {}
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_know_their_weekday() {
        let d = Date::new(2022, 7, 5).unwrap();
        assert_eq!(Date::from_unix_seconds(d.unix_seconds()), d);
        assert_eq!(d.vietnamese_dateline(), "Thứ ba, 05/07/2022");
        assert_eq!(Date::new(1970, 1, 1).unwrap().unix_seconds(), 0);
        assert!(Date::new(2022, 13, 32).is_none());
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
    }
}
