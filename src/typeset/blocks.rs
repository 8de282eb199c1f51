//! Blocks → a vertical flow of lines and boxes, with keep constraints.
//!
//! Each body line carries its paragraph number, index and line count so that
//! the paginator can keep at least two lines of a paragraph together at a
//! page's foot (no orphans) and head (no widows); heading lines are kept with
//! what follows. Quote rules and code tints are drawn line by line, so they
//! split across pages with the text.
//!
//! The same walk builds the layout's structure tree (tagged PDF, ISO 32000-1
//! §14.8.4; PDF/UA-1, ISO 14289-1 §7) in reading order and tags each
//! item ([`crate::frame::Tag`]): a block's element is made before its
//! inlines are turned into pieces, so that links, code spans, note
//! references and language spans become its children in order; a line's
//! text and images are content of its block (or of the inline element their
//! style names, [`TextStyle::node`]); rules, tints and leaders stay layout
//! artifacts. Headings open a `Sect` nested by their Markdown level and get
//! an `H` level one below their parent section's, so levels never skip. A
//! footnote's `Note` follows the block holding its first reference. A
//! second half set on another thread builds its tree apart; `Builder::join`
//! hangs it under the sections open at the split.

mod code;
mod figures;
mod front;
mod inlines;
mod lists;
mod math;
mod notes;
mod tables;
mod title;
mod toc;

use crate::frame::{ArtifactKind, NodeId, Scope, StructRole, StructTree, Tag};
use std::sync::Arc;

use notes::note_refs;
pub use tables::column_widths;
pub use toc::{TocEntry, toc_entries};

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::{
    Align as DocAlign, Block, BlockKind, Caption, Document, Inline, InlineKind, ListItem,
    plain_text,
};
use crate::fonts::{Role, Style};
use crate::frame::{Fill, Image, ImageFormat, Item, Line, LinkTarget, Point, Positioned, Rgb};
use crate::resolve::Book;
use crate::runstore::RunStore;
use crate::theme::{Attribution, Theme};
use crate::typeset::inline::{Align, InlineEngine, InlineObject, LineBox, Piece, TextStyle};
use crate::typeset::paginate::Keep;
use crate::typeset::setup::PageSetup;

/// What a line belongs to, for the paginator's rules and its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Body text: paragraphs, list items, quotes, footnotes.
    Body,
    /// A heading (never left at a page's foot).
    Heading,
    /// The title block on page 1.
    Title,
    /// Code, table rows: kept as units.
    Other,
    /// A figure's image; the caption lines after it (up to the next space)
    /// belong to the figure, which may float to the next page.
    Figure,
}

/// One line (or unbreakable box) of the flow.
#[derive(Clone, Debug)]
pub struct FlowLine {
    /// Items relative to the slot's top-left corner (x = left of the text block).
    pub items: Vec<Positioned>,
    /// Height of the slot.
    pub height: f32,
    /// Do not break the page after this slot.
    pub keep_with_next: bool,
    /// Paragraph number (unique per paragraph). This and the next two are
    /// 32-bit ([`n32`]): a flow slot is 12 bytes smaller.
    pub para: u32,
    /// Index of the line in its paragraph.
    pub index: u32,
    /// Lines in the paragraph.
    pub count: u32,
    /// What the line is.
    pub kind: LineKind,
    /// Whether the text was justified to the full measure.
    pub justified: bool,
    /// An outline entry (heading text and level) starting at this slot.
    /// Boxed: few lines start one, and a large document's flow holds
    /// hundreds of thousands of slots (8 bytes each, not 32).
    pub outline: Option<Box<(String, u8)>>,
    /// Footnotes (zero-based numbers) first referenced on this line: they go
    /// to the foot of the page that holds the line.
    pub notes: Box<[usize]>,
    /// For a table body row: the header row, repeated at the top of a page
    /// that starts inside the table.
    pub header: Option<Box<FlowLine>>,
    /// In two columns: the slot spans both (title block, level-1 headings,
    /// tables and figures wider than a column); its items are laid out on
    /// the full measure.
    pub span: bool,
    /// The first line of a chapter's opening heading (a chapter the
    /// resolver split off after the first), or of a book's recto page
    /// (half-title, title page, contents, part, chapter): with two-sided
    /// pages it starts a right-hand page.
    pub chapter: bool,
    /// In a book: the slot starts a new page of this kind (the paginator
    /// breaks before it; running heads and folios follow the kind).
    pub opens: Option<Opener>,
}

/// The pages of a book (`Form::Book`) a flow slot may open; what the
/// paginator needs for running heads and folios.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opener {
    /// The half-title: the title alone, recto.
    HalfTitle,
    /// The title page, recto.
    Title,
    /// The copyright page, the title page's verso.
    Copyright,
    /// The contents, recto.
    Contents,
    /// A part's title page (index into `Book::parts`, 32-bit as [`n32`]
    /// gives it, to keep an `Option<Opener>` at 8 bytes), recto.
    Part(u32),
    /// A chapter's first page (index into `Book::chapters`).
    Chapter(u32),
}

/// `x` as a flow line's 32-bit paragraph number, index or count
/// ([`FlowLine::para`]); a document has far fewer than 2³² paragraphs.
pub fn n32(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

// What the boxed outline and the 32-bit openers are for: checked when
// compiling.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Flow>() <= 88);

/// The typeset flow: body slots and, per footnote, its lines.
pub struct FlowDoc {
    /// Title block and body.
    pub body: Vec<Flow>,
    /// Lines of footnote n (zero-based), in order of reference.
    pub notes: Vec<Vec<FlowLine>>,
    /// Warnings found while laying out.
    pub diags: Diagnostics,
    /// The structure elements the slots' items are tagged with
    /// ([`crate::frame::Tag`]), in reading order.
    pub structure: StructTree,
    /// The runs the slots' [`Item::Frozen`] items stand for (set with
    /// [`Keep::Deflated`]; else empty).
    pub runs: RunStore,
}

impl FlowLine {
    /// A slot that is not part of a paragraph (a rule, a space in a note):
    /// one line of kind [`LineKind::Other`], breakable after.
    pub fn unit(items: Vec<Positioned>, height: f32) -> FlowLine {
        FlowLine {
            items,
            height,
            keep_with_next: false,
            para: 0,
            index: 0,
            count: 1,
            kind: LineKind::Other,
            justified: false,
            outline: None,
            notes: Box::default(),
            header: None,
            span: false,
            chapter: false,
            opens: None,
        }
    }
}

/// An element of the vertical flow.
#[derive(Clone, Debug)]
pub enum Flow {
    /// A line or box.
    Line(FlowLine),
    /// Vertical space (dropped at the top of a page).
    Space(f32),
}

/// Horizontal context of nested blocks.
#[derive(Clone)]
struct Ctx {
    x: f32,
    width: f32,
    /// x positions of the rules of enclosing block quotes.
    quote_rules: Vec<f32>,
    /// Text size for body text here (smaller in footnotes).
    size: f32,
    list_depth: usize,
}

/// Builds the flow: title block (a book's front matter), contents (when
/// `doc.meta.toc`; `toc_pages` are the entries' folios from a previous
/// pass), body, then notes. `created` (Unix seconds) dates a book's
/// copyright notice when its metadata gives no date.
///
/// A long body is set in two halves at once, split at a top-level heading
/// (see `split_point`): the second half on its own thread with its own
/// engine, then joined to the first exactly as if it had been set after it
/// (paragraph numbers, font ids, the space between them, one warning per
/// HTML tag), so the flow is the same as when set in one go.
pub fn build_flow(
    doc: &Book,
    setup: &PageSetup,
    engine: &mut InlineEngine,
    toc_pages: Option<&[String]>,
    created: i64,
) -> FlowDoc {
    // An engine recording its paragraphs (the stage benchmarks) sets the
    // body in one go, so that it sees every paragraph and every word.
    let split = if engine.recorded_breaks.is_some() {
        None
    } else {
        split_point(doc)
    };
    build_flow_split(doc, setup, engine, toc_pages, split, created)
}

/// [`build_flow`] with the body split before top-level block `split`, or
/// set in one go.
fn build_flow_split(
    doc: &Book,
    setup: &PageSetup,
    engine: &mut InlineEngine,
    toc_pages: Option<&[String]>,
    split: Option<usize>,
    created: i64,
) -> FlowDoc {
    let (fonts, keep) = (engine.fonts, engine.keep);
    let mut b = Builder::new(doc, setup, engine);
    b.created = created;
    if doc.form == crate::resolve::Form::Book {
        b.front_matter(toc_pages);
    } else {
        b.title_block();
        // The contents and the body go in the title's section, if any.
        b.tags.container = b.tags.base.0;
        if doc.meta.toc {
            b.toc(toc_pages);
        }
    }
    b.tags.container = b.tags.base.0;
    // In two columns, what comes before the body spans both.
    b.span_from(0);
    let ctx = Ctx {
        x: 0.0,
        width: setup.column_width(),
        quote_rules: Vec::new(),
        size: setup.body_size,
        list_depth: 0,
    };
    match split.filter(|&k| k > 0 && k < doc.blocks.len()) {
        None => b.blocks(&doc.blocks, &ctx),
        Some(k) => {
            let (first, second) = doc.blocks.split_at(k);
            let half = std::thread::scope(|scope| {
                let worker = scope.spawn(|| {
                    let mut engine = InlineEngine::new(fonts, &doc.meta.lang);
                    engine.keep = keep;
                    let mut b2 = Builder::new(doc, setup, &mut engine);
                    // Stands for what the first half ends with, so that a
                    // space at the start is kept (see `Builder::join`).
                    b2.flow.push(Flow::Space(UNSET_SPACE));
                    b2.blocks(second, &ctx);
                    b2.freeze_set();
                    let tags = b2.tags.take();
                    let (flow, para, warnings, runs) = (b2.flow, b2.para, b2.warnings, b2.runs);
                    let faces = (0..engine.shaper.face_count())
                        .map(|i| Arc::clone(engine.shaper.face(i)))
                        .collect::<Vec<_>>();
                    SecondHalf {
                        flow,
                        runs,
                        para,
                        warnings,
                        faces,
                        tags,
                    }
                });
                b.blocks(first, &ctx);
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            });
            b.freeze_set();
            b.join(half);
        }
    }
    b.freeze_set();
    b.runs.seal();
    let notes = b.notes();
    FlowDoc {
        runs: std::mem::take(&mut b.runs),
        structure: std::mem::take(&mut b.tags.tree),
        body: b.flow,
        notes,
        diags: b
            .warnings
            .into_iter()
            .fold(Diagnostics::default(), |mut d, (_, w)| {
                d.push(w);
                d
            }),
    }
}

/// Source bytes of body text below which a document is set in one go (a
/// thread and a second engine cost more than they save).
const SPLIT_MIN_BYTES: usize = 64 * 1024;

/// Where to split a long body between two threads: the top-level heading
/// of level 1 or 2 nearest the middle of the source, if the document is long
/// enough and the machine has a second core. A heading starts afresh (no
/// indent carried over, no paragraph announcing it), which is what lets the
/// halves be set apart.
fn split_point(doc: &Document) -> Option<usize> {
    let parallel = crate::cores() > 1;
    let (first, last) = (doc.blocks.first()?, doc.blocks.last()?);
    let total = last.span.end.saturating_sub(first.span.start);
    if !parallel || total < SPLIT_MIN_BYTES {
        return None;
    }
    let middle = first.span.start + total / 2;
    doc.blocks
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, b)| matches!(b.kind, BlockKind::Heading { level, .. } if level <= 2))
        .min_by_key(|(_, b)| b.span.start.abs_diff(middle))
        .map(|(k, _)| k)
}

/// Whether the body of `doc` is set on two threads (see `split_point`):
/// then typesetting keeps both cores of a two-core machine busy, and other
/// work started beside it only slows it.
pub fn sets_in_parallel(doc: &Document) -> bool {
    split_point(doc).is_some()
}

/// Slots moved between two looks at whether the second half's emptying
/// list should give back its room ([`Builder::join`]).
const JOIN_SHRINK_EVERY: usize = 4096;

/// A space no block asks for: marks the start of a second half's flow.
const UNSET_SPACE: f32 = -1.0;

/// What the thread setting the second half of the body gives back.
struct SecondHalf {
    flow: Vec<Flow>,
    /// The runs its frozen items stand for.
    runs: RunStore,
    para: usize,
    warnings: Vec<(String, Diagnostic)>,
    /// Its engine's faces, in the order of its font ids.
    faces: Vec<Arc<crate::fonts::Face>>,
    /// Its structure elements, under a root of its own.
    tags: Tags,
}

/// The structure tree as the builder grows it: where the next block's
/// element goes and which element the next lines' items are content of.
struct Tags {
    tree: StructTree,
    /// The element new block elements are added to (a `Sect`, an `LBody`,
    /// a `BlockQuote`…).
    container: NodeId,
    /// The element the lines pushed next are content of.
    node: NodeId,
    /// Open sections, innermost last: the heading's level in the Markdown,
    /// its `Sect`, and the level of its `H` in the tree.
    sects: Vec<(u8, NodeId, u8)>,
    /// What sections go under (the `Document`, or a book's `Part`) and the
    /// tree level of a heading there.
    base: (NodeId, u8),
    /// The `Sect` elements, with their heading's level in the Markdown (for
    /// joining a second half's tree).
    sect_levels: Vec<(NodeId, u8)>,
    /// Per footnote (zero-based), the `Reference` of its first reference.
    first_refs: Vec<Option<NodeId>>,
}

impl Default for Tags {
    fn default() -> Self {
        Tags {
            tree: StructTree::default(),
            container: StructTree::ROOT,
            node: StructTree::ROOT,
            sects: Vec::new(),
            base: (StructTree::ROOT, 0),
            sect_levels: Vec::new(),
            first_refs: Vec::new(),
        }
    }
}

impl Tags {
    fn take(&mut self) -> Tags {
        std::mem::take(self)
    }

    /// Where a section of Markdown level `level` goes: closes the open
    /// sections of that level or deeper; returns the parent and the tree
    /// level of its heading (one below its parent's: levels never skip).
    fn open_level(&mut self, level: u8) -> (NodeId, u8) {
        while self.sects.last().is_some_and(|s| s.0 >= level) {
            self.sects.pop();
        }
        match self.sects.last() {
            Some(&(_, sect, h)) => (sect, h + 1),
            None => (self.base.0, self.base.1 + 1),
        }
    }

    /// The innermost open section (or the base).
    fn top(&self) -> NodeId {
        self.sects.last().map_or(self.base.0, |s| s.1)
    }

    /// A new element of `role` in the container, from source bytes `span`.
    fn add(&mut self, role: StructRole, span: Option<std::ops::Range<usize>>) -> NodeId {
        let id = self.tree.add(self.container, role);
        self.tree.node_mut(id).source = span;
        id
    }

    /// [`Tags::add`], and the lines pushed next are its content.
    fn leaf(&mut self, role: StructRole, span: Option<std::ops::Range<usize>>) -> NodeId {
        self.node = self.add(role, span);
        self.node
    }
}

/// Makes the items not yet claimed by an element (text, images, anchors;
/// not the rules and tints, which stay layout artifacts) content of `node`.
fn claim(items: &mut [Positioned], node: NodeId) {
    for it in items {
        if it.tag == Tag::Artifact(ArtifactKind::Layout)
            && !matches!(it.item, Item::Line(_) | Item::Fill(_))
        {
            it.tag = Tag::Content(node);
        }
    }
}

/// Moves a second half's element ids up by `offset` (its root becomes
/// `root`).
fn shift_tag(tag: &mut Tag, offset: u32, root: NodeId) {
    if let Tag::Content(n) = tag {
        *n = shift_id(*n, offset, root);
    }
}

fn shift_id(n: NodeId, offset: u32, root: NodeId) -> NodeId {
    if n == StructTree::ROOT {
        root
    } else {
        NodeId(n.0 - 1 + offset)
    }
}

struct Builder<'a, 'e, 'f> {
    doc: &'a Book,
    /// The first block of each chapter after the first, by address, in
    /// order: a heading that is one opens its chapter. (Found by comparing
    /// each heading with every chapter, it took time in the product of the
    /// two: 2.9 s of a 32,000-chapter article.)
    chapter_starts: Vec<*const Block>,
    setup: &'a PageSetup,
    engine: &'e mut InlineEngine<'f>,
    flow: Vec<Flow>,
    /// The runs of the flow's set blocks, with [`Keep::Deflated`]
    /// ([`Builder::freeze_set`]).
    runs: RunStore,
    /// The flow's slots before this index have their runs frozen.
    frozen_to: usize,
    /// How deep in [`Builder::blocks`] the builder is (1: the top level).
    depth: usize,
    para: usize,
    lang: Arc<str>,
    /// Warnings for the user (inline HTML the PDF cannot render), each with
    /// the tag it is about.
    warnings: Vec<(String, Diagnostic)>,
    /// Tags already warned about (one warning per tag name).
    warned: std::collections::BTreeSet<String>,
    /// The alignment of an enclosing aligned container (`<center>`…).
    align: Option<Align>,
    /// The build's time (Unix seconds), for a book's copyright year.
    created: i64,
    /// The structure tree being built.
    tags: Tags,
    /// Per face (shaper index) that drew a formula: glyph id → the
    /// character it is the glyph of (its `cmap`, read on first need).
    math_chars: std::collections::HashMap<usize, std::collections::HashMap<u16, char>>,
    /// The math face's space glyph and its advance in em, read on the first
    /// formula (the marks of a formula's ends).
    math_space: Option<(u16, f32)>,
}

impl<'a, 'e, 'f> Builder<'a, 'e, 'f> {
    fn new(doc: &'a Book, setup: &'a PageSetup, engine: &'e mut InlineEngine<'f>) -> Self {
        let mut chapter_starts: Vec<*const Block> = doc
            .chapters
            .iter()
            .skip(1)
            .filter_map(|c| doc.blocks.get(c.blocks.start).map(std::ptr::from_ref))
            .collect();
        chapter_starts.sort_unstable();
        Builder {
            doc,
            chapter_starts,
            setup,
            engine,
            flow: Vec::new(),
            runs: RunStore::default(),
            frozen_to: 0,
            depth: 0,
            para: 0,
            lang: Arc::from(doc.meta.lang.as_str()),
            warnings: Vec::new(),
            warned: Default::default(),
            align: None,
            created: 0,
            tags: Tags {
                first_refs: vec![None; doc.notes.len()],
                ..Tags::default()
            },
            math_chars: Default::default(),
            math_space: None,
        }
    }
}

impl Builder<'_, '_, '_> {
    /// Appends a second half set on another thread as if this builder had
    /// set it: its paragraph numbers follow on, its font ids become this
    /// engine's (faces registered in the order it first used them, as one
    /// engine would have), its opening space merges with a space this flow
    /// ends with, and its warnings about tags already warned about go.
    fn join(&mut self, half: SecondHalf) {
        let ids: Vec<crate::frame::FontId> = half
            .faces
            .iter()
            .map(|face| {
                let i = self.engine.register(face);
                self.engine.font_ids[i]
            })
            .collect();
        let offset = self.para;
        let (tag_offset, tag_root) = self.join_tags(half.tags);
        let shift = self.runs.append(half.runs);
        let renumber = |line: &mut FlowLine| {
            // 0 is no paragraph (a rule, a unit slot).
            if line.para != 0 {
                line.para = n32(line.para as usize + offset);
            }
            for it in &mut line.items {
                match &mut it.item {
                    Item::Text(run) => run.font = ids[run.font.0],
                    Item::Frozen(f) => {
                        *f = f.shifted(shift);
                        f.font = ids[f.font.0];
                    }
                    _ => {}
                }
                shift_tag(&mut it.tag, tag_offset, tag_root);
            }
        };
        // The second half's slots are taken off its end (it is reversed in
        // place), and its list gives back its room as it empties, so that
        // the two lists are not both held whole beside the joined one: on
        // the 50 MB document, where the first half's list was grown into a
        // copy while the second's was still whole, the join was the
        // build's peak, 63 MiB above the halves (benches/README.md,
        // session 24).
        let mut rest = half.flow;
        rest.reverse();
        match rest.pop() {
            Some(Flow::Space(s)) if s == UNSET_SPACE => {}
            Some(Flow::Space(s)) => self.space(s),
            other => self.flow.extend(other),
        }
        self.flow.reserve_exact(rest.len());
        while let Some(mut f) = rest.pop() {
            if let Flow::Line(line) = &mut f {
                renumber(line);
                if let Some(header) = &mut line.header {
                    renumber(header);
                }
            }
            self.flow.push(f);
            if rest.len().is_multiple_of(JOIN_SHRINK_EVERY) {
                super::paginate::give_back_room(&mut rest);
            }
        }
        self.para += half.para;
        for (tag, warning) in half.warnings {
            if self.warned.insert(tag.clone()) {
                self.warnings.push((tag, warning));
            }
        }
    }

    /// Appends a second half's structure tree to this one as if this
    /// builder had built it: its top-level sections go under the open
    /// section their level belongs to, their headings' levels follow on
    /// from there; returns how its ids moved (see [`shift_id`]).
    fn join_tags(&mut self, half: Tags) -> (u32, NodeId) {
        let t = &mut self.tags;
        let offset = t.tree.nodes.len() as u32;
        let root = t.container;
        let map = |n: NodeId| shift_id(n, offset, root);
        let mut nodes = half.tree.nodes;
        let tops = std::mem::take(&mut nodes[0].children);
        for mut node in nodes.into_iter().skip(1) {
            node.parent = node.parent.map(map);
            node.children = node.children.into_iter().map(map).collect();
            t.tree.nodes.push(node);
        }
        let levels: std::collections::HashMap<NodeId, u8> =
            half.sect_levels.iter().map(|&(n, l)| (map(n), l)).collect();
        t.sect_levels
            .extend(half.sect_levels.iter().map(|&(n, l)| (map(n), l)));
        let mut shift = 0;
        for top in tops.into_iter().map(map) {
            let role = t.tree.node(top).role;
            let parent = if let Some(&level) = levels.get(&top) {
                let (parent, h) = t.open_level(level);
                t.sects.push((level, top, h));
                shift = h - 1;
                parent
            } else if role == StructRole::Part {
                t.base = (top, 1);
                t.sects.clear();
                shift = 0;
                StructTree::ROOT
            } else {
                shift = t.sects.last().map_or(t.base.1, |s| s.2);
                t.top()
            };
            t.tree.node_mut(top).parent = Some(parent);
            t.tree.node_mut(parent).children.push(top);
            // Its headings one level below the section it joins.
            let mut stack = vec![top];
            while let Some(n) = stack.pop() {
                let node = t.tree.node_mut(n);
                if let StructRole::H(l) = node.role {
                    node.role = StructRole::H((l + shift).min(6));
                }
                stack.extend(node.children.iter().copied());
            }
        }
        if half.base.0 == StructTree::ROOT {
            t.sects.extend(
                half.sects
                    .iter()
                    .skip(1)
                    .map(|&(l, n, h)| (l, map(n), h + shift)),
            );
        } else {
            t.base = (map(half.base.0), half.base.1);
            t.sects = half.sects.iter().map(|&(l, n, h)| (l, map(n), h)).collect();
        }
        t.container = map(half.container);
        t.node = map(half.node);
        for (mine, theirs) in t.first_refs.iter_mut().zip(half.first_refs) {
            if mine.is_none() {
                *mine = theirs.map(map);
            }
        }
        (offset, root)
    }

    /// The full-measure context for a block that spans both columns, when
    /// `ctx` is the top level of a two-column body.
    fn spanning(&self, ctx: &Ctx) -> Option<Ctx> {
        let s = self.setup;
        (s.columns == 2 && ctx.x == 0.0 && ctx.width == s.column_width() && ctx.list_depth == 0)
            .then(|| Ctx {
                width: s.measure,
                ..ctx.clone()
            })
    }

    /// In two columns, marks the slots from `start` on as spanning both.
    fn span_from(&mut self, start: usize) {
        if self.setup.columns != 2 {
            return;
        }
        for f in &mut self.flow[start..] {
            if let Flow::Line(l) = f {
                l.span = true;
            }
        }
    }

    fn style(&self, role: Role, style: Style, size: f32) -> TextStyle {
        TextStyle {
            role,
            style,
            size,
            color: Rgb::BLACK,
            rise: 0.0,
            strike: false,
            underline: false,
            mark: false,
            link: None,
            lang: Arc::clone(&self.lang),
            node: None,
        }
    }

    fn space(&mut self, amount: f32) {
        if let Some(Flow::Space(s)) = self.flow.last_mut() {
            *s = s.max(amount);
        } else if !self.flow.is_empty() {
            self.flow.push(Flow::Space(amount));
        }
    }

    /// Appends laid-out lines as flow slots of `height` each.
    #[allow(clippy::too_many_arguments)]
    fn push_lines(
        &mut self,
        lines: Vec<LineBox>,
        ctx: &Ctx,
        height: f32,
        kind: LineKind,
        keep_all: bool,
        outline: Option<(String, u8)>,
        mut marker: Option<Vec<Positioned>>,
    ) {
        self.para += 1;
        let count = lines.len();
        for (index, line) in lines.into_iter().enumerate() {
            let h = height.max(line.ascent + line.descent);
            let baseline = (h + line.ascent - line.descent) / 2.0;
            // Room for exactly the items below: a line is held until its page
            // is set, and a spare item is 144 bytes. A caller that adds more
            // (the contents' link) reserves its own.
            let extra = marker.as_ref().map_or(0, Vec::len) + ctx.quote_rules.len();
            let mut items: Vec<Positioned> = Vec::with_capacity(line.items.len() + extra);
            for mut it in line.items {
                it.pos.x += ctx.x;
                it.pos.y += baseline;
                items.push(it);
            }
            if let Some(m) = marker.take() {
                for mut it in m {
                    it.pos.x += ctx.x;
                    it.pos.y += baseline;
                    items.push(it);
                }
            }
            claim(&mut items, self.tags.node);
            for &rx in &ctx.quote_rules {
                items.push(Positioned {
                    pos: Point { x: rx, y: 0.0 },
                    item: Item::Line(Line {
                        to: Point { x: 0.0, y: h },
                        thickness: self.setup.theme.blocks.quote_rule,
                        color: self.setup.theme.colours.quote_rule.0,
                    }),
                    tag: Tag::Artifact(ArtifactKind::Layout),
                });
            }
            let keep =
                keep_all || (count >= 2 && (index == 0 || index + 2 == count)) && index + 1 < count;
            let notes = note_refs(&items);
            self.flow.push(Flow::Line(FlowLine {
                items,
                height: h,
                keep_with_next: keep || (keep_all && index + 1 == count),
                para: n32(self.para),
                index: n32(index),
                count: n32(count),
                kind,
                justified: line.justified,
                outline: if index == 0 {
                    outline.clone().map(Box::new)
                } else {
                    None
                },
                notes: notes.into(),
                header: None,
                span: false,
                chapter: false,
                opens: None,
            }));
        }
    }

    fn blocks(&mut self, blocks: &[Block], ctx: &Ctx) {
        self.depth += 1;
        let mut prev_para = false;
        for (i, block) in blocks.iter().enumerate() {
            // The blocks before this one are set: nothing changes their
            // runs any more (a later block may still mark a slot's keep).
            if self.depth == 1 {
                self.freeze_set();
            }
            self.chapter_opening(block);
            prev_para = self.block(block, ctx, prev_para, None);
            // A paragraph that ends with a colon introduces what follows: it
            // stays on the page of the table, code or list it announces.
            let introduces = matches!(&block.kind, BlockKind::Paragraph(c)
                if plain_text(c).trim_end().ends_with(':'));
            let announced = blocks.get(i + 1).is_some_and(|n| {
                matches!(
                    n.kind,
                    BlockKind::Table { .. }
                        | BlockKind::CodeBlock { .. }
                        | BlockKind::List { .. }
                        | BlockKind::Math(_)
                )
            });
            if introduces
                && announced
                && let Some(Flow::Line(l)) = self.flow.last_mut()
            {
                l.keep_with_next = true;
            }
        }
        self.depth -= 1;
    }

    /// With [`Keep::Deflated`], holds the runs of the slots set since the
    /// last call in [`Builder::runs`], each item's run replaced by its
    /// handle ([`Item::Frozen`]); a table's repeated header keeps its runs.
    fn freeze_set(&mut self) {
        if self.engine.keep != Keep::Deflated {
            return;
        }
        let from = self.frozen_to.min(self.flow.len());
        let (flow, runs) = (&mut self.flow, &mut self.runs);
        for f in &mut flow[from..] {
            let Flow::Line(line) = f else { continue };
            for it in &mut line.items {
                if let Item::Text(run) = &it.item {
                    let letters = crate::typeset::page_starts::letters(&run.text);
                    it.item = Item::Frozen(runs.freeze(run, letters));
                }
            }
        }
        self.frozen_to = self.flow.len();
    }

    /// Lays out one block; returns whether it was a paragraph (for indents).
    fn block(
        &mut self,
        block: &Block,
        ctx: &Ctx,
        prev_para: bool,
        marker: Option<Vec<Positioned>>,
    ) -> bool {
        let first = self.tags.tree.nodes.len();
        let para = self.block_kind(block, ctx, prev_para, marker);
        // The first element a block makes is the block's.
        if let Some(node) = self.tags.tree.nodes.get_mut(first)
            && node.source.is_none()
        {
            node.source = Some(block.span.start..block.span.end);
        }
        para
    }

    fn block_kind(
        &mut self,
        block: &Block,
        ctx: &Ctx,
        prev_para: bool,
        marker: Option<Vec<Positioned>>,
    ) -> bool {
        let s = self.setup;
        let theme = &s.theme;
        let half = s.lines(theme.blocks.space);
        match &block.kind {
            BlockKind::Paragraph(content) => {
                self.tags.leaf(StructRole::P, None);
                // An article's closing attribution, flush right in italics
                // when the theme says so (the Vietnamese press's "Theo …").
                let attribution = theme.article.attribution == Attribution::Right
                    && self
                        .doc
                        .attribution
                        .is_some_and(|i| std::ptr::eq(block, &self.doc.blocks[i]));
                let base = self.style(
                    Role::Body,
                    Style {
                        bold: false,
                        italic: attribution,
                    },
                    ctx.size,
                );
                let pieces = self.pieces(content, &base);
                let indent = if prev_para && self.align.is_none() && !attribution {
                    s.indent
                } else {
                    0.0
                };
                let align = match self.align {
                    Some(a) => a,
                    None if attribution => Align::Right,
                    None if s.ragged || !theme.text.justify || ctx.width < s.body_size * 18.0 => {
                        Align::Left
                    }
                    None => Align::Justify,
                };
                let lines = self.engine.layout(&pieces, ctx.width, indent, align);
                let lead = if ctx.size < s.body_size {
                    (s.leading * ctx.size / s.body_size).round()
                } else {
                    s.leading
                };
                self.push_lines(lines, ctx, lead, LineKind::Body, false, None, marker);
                true
            }
            BlockKind::Heading {
                level, id, content, ..
            } => {
                let level = *level;
                let h = &theme.headings;
                let size = s.scaled(h.scale[usize::from(level.clamp(1, 6)) - 1]);
                self.space(s.lines(if level <= 2 {
                    h.before_major
                } else {
                    h.before_minor
                }));
                let base = self.style(
                    Role::Heading,
                    Style {
                        bold: true,
                        italic: false,
                    },
                    size,
                );
                self.heading_tag(level, block);
                let mut pieces = vec![Piece::Anchor(id.clone())];
                pieces.extend(self.pieces(content, &base));
                // In two columns, a level-1 heading spans both.
                let wide = if level == 1 { self.spanning(ctx) } else { None };
                let hctx = wide.as_ref().unwrap_or(ctx);
                let lines = self.engine.layout_balanced(
                    &pieces,
                    hctx.width,
                    self.align.unwrap_or(Align::Left),
                );
                let text = plain_text(content);
                let before = self.flow.len();
                // An article's chapters after the first start a recto page
                // when two-sided; a book's open at `chapter_opening`.
                let book = self.doc.form == crate::resolve::Form::Book;
                let opens_chapter = !book
                    && self
                        .chapter_starts
                        .binary_search(&std::ptr::from_ref(block))
                        .is_ok();
                // In the outline, an article's headings stand under its
                // title; a book's chapters under their part, if any, and
                // sub-chapters (mdBook's nested entries) under theirs.
                let outline_level = if book {
                    let chapter = self
                        .doc
                        .targets
                        .get(id.as_str())
                        .and_then(|&c| self.doc.chapters.get(c));
                    let in_part = chapter
                        .and_then(|c| c.part)
                        .and_then(|p| self.doc.parts.get(p))
                        .is_some_and(|p| !p.title.trim().is_empty());
                    let depth = chapter.map_or(0, |c| c.depth);
                    level
                        .saturating_add(u8::from(in_part))
                        .saturating_add(depth)
                } else {
                    level + 1
                };
                self.push_lines(
                    lines,
                    hctx,
                    (size * theme.headings.leading).round(),
                    LineKind::Heading,
                    true,
                    Some((text, outline_level)),
                    marker,
                );
                if opens_chapter && let Some(Flow::Line(first)) = self.flow.get_mut(before) {
                    first.chapter = true;
                }
                if wide.is_some() {
                    self.span_from(before);
                }
                self.space(s.lines(theme.headings.after));
                false
            }
            BlockKind::BlockQuote(children) => {
                self.space(half);
                let mut inner = ctx.clone();
                let step = s.quote_indent();
                inner.quote_rules.push(ctx.x + step * 0.3);
                inner.x += step;
                inner.width -= step;
                if let Some(m) = marker {
                    self.marker_line(m, ctx);
                }
                let outer = self.tags.container;
                self.tags.container = self.tags.add(StructRole::BlockQuote, None);
                self.blocks(children, &inner);
                self.tags.container = outer;
                self.space(half);
                false
            }
            BlockKind::List {
                start,
                tight,
                items,
            } => {
                self.space(if ctx.list_depth == 0 { half } else { 0.0 });
                if let Some(m) = marker {
                    self.marker_line(m, ctx);
                }
                self.list(*start, *tight, items, ctx);
                self.space(if ctx.list_depth == 0 { half } else { 0.0 });
                false
            }
            BlockKind::CodeBlock { lang, text, tokens } => {
                if let Some(m) = marker {
                    self.marker_line(m, ctx);
                }
                self.code_block(lang.as_deref(), text, tokens, ctx);
                false
            }
            BlockKind::Math(f) => {
                // Without a math face, the formula prints as its TeX.
                if !self.display_math(f, block.span, ctx) {
                    self.code_block(None, &format!("{}\n", f.tex), &[], ctx);
                }
                false
            }
            BlockKind::Table {
                aligns,
                header,
                rows,
                caption,
            } => {
                if let Some(m) = marker {
                    self.marker_line(m, ctx);
                }
                self.table(aligns, header, rows, caption.as_ref(), ctx);
                false
            }
            BlockKind::ThematicBreak => {
                self.space(half);
                let w = (ctx.width * theme.blocks.break_rule).round();
                self.flow.push(Flow::Line(self.rule_slot(
                    ctx.x + (ctx.width - w) / 2.0,
                    w,
                    s.leading,
                )));
                self.space(half);
                false
            }
            BlockKind::Aligned { align, blocks } => {
                let outer = self.align;
                self.align = Some(match align {
                    DocAlign::Center => Align::Center,
                    DocAlign::Right => Align::Right,
                    _ => Align::Left,
                });
                if let Some(m) = marker {
                    self.marker_line(m, ctx);
                }
                self.blocks(blocks, ctx);
                self.align = outer;
                false
            }
            BlockKind::Details { summary, blocks } => {
                self.space(half);
                if let Some(m) = marker {
                    self.marker_line(m, ctx);
                }
                let outer = self.tags.container;
                self.tags.container = self.tags.add(StructRole::Div, None);
                if !summary.is_empty() {
                    self.label_line(summary, ctx);
                }
                self.blocks(blocks, ctx);
                self.tags.container = outer;
                self.space(half);
                false
            }
            BlockKind::Figure { image, caption } => {
                let mut marker = marker;
                if self.figure(image, caption, ctx, &mut marker) {
                    return false;
                }
                // An image the PDF cannot draw: its text, and the caption
                // unless it is that same alternative text (see
                // `crate::resolve::place`).
                let mut content = vec![image.clone()];
                let alt = match &image.kind {
                    InlineKind::Image { alt, .. } => plain_text(alt),
                    _ => String::new(),
                };
                if !caption.is_empty() && plain_text(caption).trim() != alt.trim() {
                    content.push(Inline {
                        kind: InlineKind::HardBreak,
                        span: image.span,
                    });
                    content.extend(caption.iter().cloned());
                }
                let para = Block {
                    kind: BlockKind::Paragraph(content),
                    span: block.span,
                };
                self.block(&para, ctx, false, marker)
            }
            BlockKind::DefinitionList(defs) => {
                self.space(half);
                if let Some(m) = marker {
                    self.marker_line(m, ctx);
                }
                let step = s.quote_indent();
                let mut inner = ctx.clone();
                inner.x += step;
                inner.width -= step;
                let outer = self.tags.container;
                self.tags.container = self.tags.add(StructRole::Div, None);
                for def in defs {
                    // The term in bold, each definition indented below it.
                    if !def.term.is_empty() {
                        self.label_line(&def.term, ctx);
                    }
                    for details in &def.details {
                        self.blocks(details, &inner);
                    }
                }
                self.tags.container = outer;
                self.space(half);
                false
            }
            BlockKind::Callout {
                kind,
                title,
                blocks,
            } => {
                // A titled call-out: a rule at the left, as a block quote
                // has, and a bold label line in the document's language.
                self.space(half);
                if let Some(m) = marker {
                    self.marker_line(m, ctx);
                }
                let mut inner = ctx.clone();
                let step = s.quote_indent();
                inner.quote_rules.push(ctx.x + step * 0.3);
                inner.x += step;
                inner.width -= step;
                let words = crate::words::Words::for_lang(&self.doc.meta.lang);
                let label = Inline {
                    kind: InlineKind::Text(
                        title
                            .clone()
                            .unwrap_or_else(|| words.callouts[kind.index()].to_string()),
                    ),
                    span: block.span,
                };
                let outer = self.tags.container;
                self.tags.container = self.tags.add(StructRole::Div, None);
                self.label_line(std::slice::from_ref(&label), &inner);
                self.blocks(blocks, &inner);
                self.tags.container = outer;
                self.space(half);
                false
            }
        }
    }

    /// A bold line of its own, kept with what follows: a definition's term,
    /// a call-out's label, a `<details>` summary.
    fn label_line(&mut self, content: &[Inline], ctx: &Ctx) {
        let base = self.style(
            Role::Body,
            Style {
                bold: true,
                italic: false,
            },
            ctx.size,
        );
        self.tags.leaf(StructRole::P, None);
        let pieces = self.pieces(content, &base);
        let lines = self
            .engine
            .layout(&pieces, ctx.width, 0.0, self.align.unwrap_or(Align::Left));
        let lead = self.setup.leading;
        self.push_lines(lines, ctx, lead, LineKind::Body, true, None, None);
    }

    /// A heading's elements: at the top of the flow a `Sect` (closing the
    /// sections of its level or deeper) holding an `H` one level below
    /// its parent's, so that the tree's levels never skip whatever the
    /// Markdown's do; inside a quote or list, an `H` alone.
    fn heading_tag(&mut self, level: u8, block: &Block) {
        let t = &mut self.tags;
        let span = Some(block.span.start..block.span.end);
        let h = if t.container == t.top() {
            let (parent, h) = t.open_level(level);
            let sect = t.tree.add(parent, StructRole::Sect);
            t.tree.node_mut(sect).source = span.clone();
            t.sects.push((level, sect, h));
            t.sect_levels.push((sect, level));
            t.container = sect;
            h
        } else {
            t.sects.last().map_or(t.base.1, |s| s.2) + 1
        };
        t.leaf(StructRole::H(h.clamp(1, 6)), span);
    }

    fn rule_slot(&self, x: f32, width: f32, height: f32) -> FlowLine {
        let rule = Positioned {
            pos: Point { x, y: height / 2.0 },
            item: Item::Line(Line {
                to: Point { x: width, y: 0.0 },
                thickness: self.setup.theme.blocks.rule,
                color: self.setup.theme.colours.rule.0,
            }),
            tag: Tag::Artifact(ArtifactKind::Layout),
        };
        FlowLine::unit(vec![rule], height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Paper;

    /// Everything a flow holds, as text (floats written exactly), with the
    /// font ids the engine handed out, the faces behind them in order, the
    /// structure tree, and the warnings.
    fn snapshot(
        doc: &Book,
        setup: &PageSetup,
        fonts: &crate::fonts::FontSet,
        split: Option<usize>,
    ) -> String {
        let mut engine = InlineEngine::new(fonts, &doc.meta.lang);
        let flow = build_flow_split(doc, setup, &mut engine, None, split, 0);
        let faces: Vec<&str> = (0..engine.shaper.face_count())
            .map(|i| engine.shaper.face(i).postscript_name.as_str())
            .collect();
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            flow.body, flow.notes, engine.font_ids, faces, flow.structure, flow.diags
        )
    }

    /// Setting the body as two halves on two threads gives the very flow
    /// that setting it in one go gives, wherever it is split at a heading.
    #[test]
    fn two_halves_give_the_same_flow_as_one() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut sources: Vec<crate::diag::SourceFile> = ["long.md", "mixed.md", "booklet-18.md"]
            .iter()
            .map(|f| {
                let path = root.join(f);
                let text = std::fs::read_to_string(&path).unwrap();
                crate::diag::SourceFile::new(path, text)
            })
            .collect();
        // Unknown tags on both sides of every heading: their text is set
        // in either half.
        let mut tags = String::from("---\ntitle: Thẻ\n---\n\n");
        for i in 0..6 {
            tags.push_str(&format!(
                "# Phần {i}\n\nMột <blink>hai</blink> ba <marquee{i}>bốn</marquee{i}>.\n\n"
            ));
        }
        sources.push(crate::diag::SourceFile::new(root.join("tags.md"), tags));
        for source in sources {
            let name = source.path.display().to_string();
            let mut diags = Diagnostics::default();
            let prepared = crate::prepare_source(source, &Default::default(), &mut diags)
                .unwrap_or_else(|| panic!("{name}: {diags:?}"));
            let doc = &prepared.doc;
            let headings: Vec<usize> = doc
                .blocks
                .iter()
                .enumerate()
                .skip(1)
                .filter(|(_, b)| matches!(b.kind, BlockKind::Heading { .. }))
                .map(|(k, _)| k)
                .collect();
            assert!(headings.len() >= 2, "{name}: {} headings", headings.len());
            for setup in [
                PageSetup::new(Paper::A5, &prepared.fonts),
                PageSetup::with(Paper::A4, true, 2, &prepared.fonts),
            ] {
                let whole = snapshot(doc, &setup, &prepared.fonts, None);
                assert!(
                    whole.len() > 2_000,
                    "{name}: a flow of {} bytes",
                    whole.len()
                );
                for k in [
                    headings[0],
                    headings[headings.len() / 2],
                    headings[headings.len() - 1],
                ] {
                    let halves = snapshot(doc, &setup, &prepared.fonts, Some(k));
                    assert!(
                        whole == halves,
                        "{name}, {} column(s): split before block {k} gives another flow",
                        setup.columns
                    );
                }
                if name.ends_with("tags.md") {
                    // The reader reports unknown tags once, grouped, and
                    // keeps their text; the typesetter meets no tag.
                    assert!(whole.ends_with("Diagnostics { items: [] }"), "{whole}");
                    let grouped: Vec<&str> = diags
                        .items
                        .iter()
                        .map(|d| d.message.as_str())
                        .filter(|m| m.contains("no equivalent"))
                        .collect();
                    assert_eq!(grouped.len(), 1, "{grouped:?}");
                    assert!(grouped[0].contains("`<blink>` (6×"), "{}", grouped[0]);
                    assert_eq!(whole.matches("bốn").count(), 6);
                }
            }
        }
    }
}
