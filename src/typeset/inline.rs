//! Paragraph layout: styled text → shaped fragments → box/glue/penalty items
//! → Knuth–Plass breaks → positioned glyph runs, line by line.
//!
//! Break opportunities come from UAX #14 (`unicode-linebreak`). Interword
//! spaces stretch by 45 % and shrink by 19 % of their natural width, so a
//! justified line's spaces stay within 0.8–1.6× the font's space at the
//! breaker's tolerance. English text (`lang: en…`) is hyphenated with Liang
//! patterns; Vietnamese is never hyphenated (its syllables are words).
//! A soft hyphen (U+00AD) is a discretionary break in any language, as
//! TeX's `\-`: a hyphen is drawn only if the line breaks there, and the
//! character itself is neither drawn nor given back by the PDF's text (a
//! word broken there copies back like one broken by the patterns: its
//! first part ends in `-` at the line end, which text extractors such as
//! poppler's `pdftotext` join to the next line).
//! Words wider than the measure get emergency breaks between graphemes.

use crate::frame::{ArtifactKind, NodeId, Tag};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use hyphenation::{Hyphenator, Language as HyphLang, Load, Standard};
use unicode_linebreak::{BreakOpportunity, linebreaks};

use crate::fonts::{Face, FontSet, Role, Style};
use crate::frame::{
    Cluster, Clusters, FontId, Glyph, GlyphOffset, GlyphRun, Glyphs, Item, LinkArea, LinkTarget,
    Point, Positioned, Rgb, ThinVec,
};
use crate::typeset::linebreak::{self, Item as Lb, Params};
use crate::typeset::paginate::Keep;
use crate::typeset::shape::{Shaped, Shaper};
use crate::typeset::{codebreak, urlbreak};

/// Cost of breaking a URL at one of its own points ([`urlbreak`]): more
/// than a space, less than an emergency break.
const URL_PENALTY: f32 = 100.0;

/// A URL break in ragged text: `penalty(+inf)`, `glue(0, stretch)`,
/// `penalty(0, URL_PENALTY)`, `glue(0, -stretch)`, the pattern of
/// [`linebreak::ragged_right_hyphen`] without the hyphen.
fn url_break_ragged(stretch: f32) -> [Lb; 4] {
    [
        Lb::no_break(),
        Lb::glue(0.0, stretch, 0.0),
        Lb::penalty(0.0, URL_PENALTY, false),
        Lb::glue(0.0, -stretch, 0.0),
    ]
}

/// How a run of text looks.
#[derive(Clone, Debug, PartialEq)]
pub struct TextStyle {
    /// Family role.
    pub role: Role,
    /// Weight and slant.
    pub style: Style,
    /// Size in points.
    pub size: f32,
    /// Colour.
    pub color: Rgb,
    /// Raise above the baseline, in points (superscripts).
    pub rise: f32,
    /// Draw a line through the text.
    pub strike: bool,
    /// Draw a line under the text.
    pub underline: bool,
    /// Highlight the text (raw HTML `<mark>`): a light tint behind it.
    pub mark: bool,
    /// Where a click on the text goes.
    pub link: Option<LinkTarget>,
    /// Language tag of the text (hyphenation).
    pub lang: Arc<str>,
    /// The structure element the text is content of when it is not its
    /// block's own (a link, a code span, a note reference): its runs and
    /// link areas are tagged with it; `None`, the block's (set by the
    /// block builder, [`crate::typeset::blocks`]).
    pub node: Option<NodeId>,
}

/// A piece of paragraph content.
#[derive(Clone, Debug)]
pub enum Piece {
    /// Text in a style.
    Text(String, TextStyle),
    /// A forced line break.
    Break,
    /// A named destination at this point of the text.
    Anchor(String),
    /// The first reference to note `n` (zero-based): the note goes on the
    /// page of this point.
    NoteRef(usize),
    /// A box set like a word (an inline image), in the style of the text
    /// around it.
    Object(InlineObject, TextStyle),
}

/// Something drawn inline like a word: a fixed width, standing on the
/// baseline, with no text of its own.
#[derive(Clone, Debug)]
pub struct InlineObject {
    /// Advance width.
    pub width: f32,
    /// Height above the baseline.
    pub ascent: f32,
    /// Depth below the baseline.
    pub descent: f32,
    /// What is drawn, relative to the box's left end on the baseline.
    pub items: Vec<Positioned>,
    /// A piece of an inline formula: set like a letter of a word (no break
    /// before or after it but at spaces), and followed by this break when
    /// the formula goes on (its last piece has a [`MathJoin::END`]).
    pub math: Option<MathJoin>,
}

/// How a piece of an inline formula joins the next piece of the same
/// formula: after a relation or a binary operator (TeXbook, Appendix G
/// rule 20 and Chapter 18), a penalty (`\relpenalty` 500, `\binoppenalty`
/// 700) then the operator's space as glue (`\thickmuskip` 5mu plus 5mu,
/// `\medmuskip` 4mu plus 2mu minus 4mu), which a break there drops.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MathJoin {
    /// The penalty for breaking after the piece.
    pub penalty: f32,
    /// The space after the operator, pt.
    pub width: f32,
    /// Its stretch, pt.
    pub stretch: f32,
    /// Its shrink, pt.
    pub shrink: f32,
}

impl MathJoin {
    /// The last piece of a formula: nothing follows (an infinite width).
    pub const END: MathJoin = MathJoin {
        penalty: 0.0,
        width: f32::INFINITY,
        stretch: 0.0,
        shrink: 0.0,
    };
}

impl InlineObject {
    /// Scales the object down, in proportion, to at most `max` wide (an
    /// inline image wider than the measure it is set in).
    fn fit(&mut self, max: f32) {
        if self.width <= max || max <= 0.0 {
            return;
        }
        let f = max / self.width;
        self.width = max;
        self.ascent *= f;
        self.descent *= f;
        for it in &mut self.items {
            it.pos.x *= f;
            it.pos.y *= f;
            match &mut it.item {
                Item::Image(img) => {
                    img.width *= f;
                    img.height *= f;
                }
                Item::Link(area) => {
                    area.width *= f;
                    area.height *= f;
                }
                _ => {}
            }
        }
    }
}

/// The most an inline object adds to the minimum width of its text, in
/// points: 24 pt, the size of an icon (32 CSS px, see
/// [`crate::resolve::place::ICON_MAX_PX`]).
const OBJECT_MIN_WIDTH: f32 = 24.0;

/// The character that stands for an inline object in a paragraph's text.
const OBJECT: char = '\u{FFFC}';

/// The character that stands for a piece of an inline formula: a private
/// use character, which UAX #14 (rule LB1) takes as a letter, so a formula
/// breaks from the text around it only at spaces — never between `$x$` and
/// the comma after it, as U+FFFC's class CB would allow (rule LB20).
const MATH_OBJECT: char = '\u{E000}';

/// U+00AD SOFT HYPHEN: a discretionary break, as TeX's `\-` (TeXbook ch. 14):
/// if the line breaks there, a hyphen ends the line; otherwise nothing is
/// drawn and nothing is given back when the PDF's text is copied.
const SOFT_HYPHEN: char = '\u{AD}';

/// Horizontal setting of the lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Align {
    /// Justified, last line ragged.
    Justify,
    /// Flush left, ragged right.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// A laid-out line: items relative to the line's baseline origin (x = 0 at
/// the left of the measure).
#[derive(Clone, Debug, Default)]
pub struct LineBox {
    /// What is drawn (baseline at y = 0).
    pub items: Vec<Positioned>,
    /// Natural width used by the content.
    pub width: f32,
    /// Highest ascent of the line's text.
    pub ascent: f32,
    /// Deepest descent (positive down).
    pub descent: f32,
    /// Whether the line was justified to the full measure.
    pub justified: bool,
}

/// A shaped fragment: a piece of a word in one style.
struct Fragment {
    text: Range<usize>,
    style: usize,
    face: usize,
    shaped: Arc<Shaped>,
    /// Clusters of `shaped`, at least 1: the letters letter-spacing
    /// spreads over (counted once, read for every line the fragment is on).
    clusters: u32,
}

/// What each breaker item stands for.
#[derive(Clone, Copy)]
enum Slot {
    /// A fragment (box).
    Frag(usize),
    /// An interword space of a style (glue).
    Space(usize),
    /// A hyphenation point of a style (penalty): draws a hyphen if taken.
    Hyphen(usize),
    /// Layout-only item (indent, fill glue, plain penalties).
    Other,
    /// An anchor at this point.
    Anchor(usize),
    /// An inline object (index in the paragraph's objects).
    Object(usize),
    /// Letter-spacing glue of the fragment before it (justified text):
    /// its stretch or shrink is spread over the fragment's clusters.
    Tracking,
}

/// A break opportunity inside a word.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// A hyphenation point (English patterns) or a soft hyphen: draws a
    /// hyphen if the line breaks there.
    Hyphen,
    /// After a URL separator, or a code break ([`codebreak`]): no hyphen.
    Url,
    /// Between any two characters, used only when nothing else fits.
    Emergency,
}

/// Breaker items with what each stands for.
#[derive(Default)]
struct ItemList {
    items: Vec<Lb>,
    slots: Vec<Slot>,
}

impl ItemList {
    fn push(&mut self, item: Lb, slot: Slot) {
        self.items.push(item);
        self.slots.push(slot);
    }

    /// A break at one of a URL's own points ([`urlbreak`]), in text of
    /// `size` points; ragged lines get their slack there as at a space
    /// (see [`linebreak::ragged_right_space`]).
    fn push_url_break(&mut self, justified: bool, size: f32) {
        if justified {
            self.push(Lb::penalty(0.0, URL_PENALTY, false), Slot::Other);
        } else {
            for item in url_break_ragged(3.0 * size) {
                self.push(item, Slot::Other);
            }
        }
    }
}

/// Letter-spacing flexibility of justified words, per cluster, in ems: up to
/// 1/100 em more or 1/200 em less after each letter — about 2 % and 1 % of
/// a word's width, invisible at these amounts (pdfTeX's font expansion goes
/// further). It lets narrow measures justify without stretching interword
/// spaces beyond 1.6× their natural width. Being per letter rather than a
/// share of each word's width, the adjustment ratio gives every word of a
/// line the same letter-spacing (and the PDF writer one `Tc` per line).
///
/// These are also the bounds of the letter-spacing actually set (the
/// README's promise): a line looser than adjustment ratio 1 (underfull)
/// gets no more than `TRACKING_STRETCH_EM`, the rest going to its word
/// spaces — an underfull line is loose, not letter-spaced.
const TRACKING_STRETCH_EM: f32 = 0.01;
const TRACKING_SHRINK_EM: f32 = 0.005;

/// Largest change of letter-spacing between two neighbouring lines of a
/// paragraph, in ems: 3/1000 em (0.03 pt at 10 pt), below what the eye sees
/// as a change of texture, where the 15/1000 em swing of a loose line after a
/// tight one shows as a stripe. Each line's letter-spacing is smoothed
/// towards its neighbours' (see [`linebreak::lipschitz_smooth`]); its word
/// spaces take the difference.
const TRACKING_STEP_EM: f32 = 0.003;

/// How far a line's letter-spacing may move from the smoothed value to take
/// back the rounding of its word spaces to thousandths of an em
/// ([`LineSpacing`]), in ems: 1/10000 em. Lines are smoothed with a step
/// smaller by twice this, so that neighbours stay within
/// [`TRACKING_STEP_EM`] after rounding.
const TRACKING_ROUNDING_EM: f32 = 0.0001;

/// Glyphs a new run has room for before it grows (a line of body text
/// holds about 60).
const RUN_CAPACITY: usize = 64;

/// Shared state of the typesetter for paragraphs.
pub struct InlineEngine<'a> {
    /// The shaper (with its word cache).
    pub shaper: Shaper,
    /// The fonts.
    pub fonts: &'a FontSet,
    /// Face index in the shaper → font id in the layout.
    pub font_ids: Vec<FontId>,
    /// When `Some`, every paragraph handed to the line breaker is recorded
    /// here (the stage benchmark breaks them again on their own).
    pub recorded_breaks: Option<Vec<BreakInput>>,
    /// Setting a display line: words and names are tied
    /// ([`super::display::is_display_tie`]).
    display: bool,
    /// What the pass keeps of the runs of a set line: with
    /// [`Keep::All`] (the pages to print) their glyphs packed
    /// ([`crate::frame::Glyphs::pack`]) and their text; with
    /// [`Keep::Anchors`] (a pass whose pages are thrown away, such as a
    /// book's first pass, set only to learn the contents' folios) no
    /// glyphs and no text, since only where each line goes is read. A
    /// book of 4,200 chapter files held 750 MiB at its first pass's flow,
    /// more than at its second (benches/README.md, session 24). The same
    /// value the paginator reads ([`crate::typeset::paginate::paginate_keeping`]).
    pub keep: Keep,
}

/// One call of the line breaker: a paragraph's items, its measure and the
/// parameters it was broken with.
#[derive(Clone, Debug)]
pub struct BreakInput {
    /// Boxes, glue and penalties.
    pub items: Vec<linebreak::Item>,
    /// Width of the first line in points.
    pub width: f32,
    /// Width of the other lines in points (less than `width` under a
    /// hanging indent).
    pub rest_width: f32,
    /// The breaker's parameters.
    pub params: Params,
}

impl BreakInput {
    /// Runs the line breaker on this paragraph again.
    pub fn run(&self) -> linebreak::Breaks {
        let measure = |n: usize| if n == 0 { self.width } else { self.rest_width };
        linebreak::break_lines(&self.items, &measure, &self.params)
    }
}

/// The English hyphenation patterns (Liang's, US), read (1.2 M
/// instructions, 0.3 ms) at the first English word any engine of the
/// process hyphenates: a Vietnamese document never reads them, and the
/// engines of an archive's articles share one copy.
static ENGLISH: std::sync::LazyLock<Option<Standard>> =
    std::sync::LazyLock::new(|| Standard::from_embedded(HyphLang::EnglishUS).ok());

impl<'a> InlineEngine<'a> {
    /// An engine for a document in `lang`.
    pub fn new(fonts: &'a FontSet, lang: &str) -> Self {
        InlineEngine {
            shaper: Shaper::new(lang),
            fonts,
            font_ids: Vec::new(),
            recorded_breaks: None,
            display: false,
            keep: Keep::All,
        }
    }

    /// The shaper face index for a style.
    pub fn face_for(&mut self, style: &TextStyle) -> usize {
        let fonts = self.fonts;
        self.register(fonts.face(style.role, style.style))
    }

    /// The shaper face index of `face`, registering it (and giving it the
    /// next font id) on first use.
    pub fn register(&mut self, face: &Arc<Face>) -> usize {
        let i = self.shaper.face_index(face);
        while self.font_ids.len() <= i {
            self.font_ids.push(FontId(self.font_ids.len()));
        }
        i
    }

    /// The faces used so far, by [`FontId`]: the layout's font list.
    pub fn layout_fonts(&self) -> Vec<crate::frame::FontFace> {
        (0..self.font_ids.len())
            .map(|i| {
                let face = self.shaper.face(i);
                crate::frame::FontFace {
                    name: face.postscript_name.clone(),
                    data: face.data.clone(),
                    index: face.index,
                }
            })
            .collect()
    }

    /// Ends `line` with a space glyph of no advance in the font of its last
    /// text run (the break between two source lines of a code block, which
    /// draw nothing there): the structure tree's text keeps the words of
    /// consecutive lines apart, as [`Self::layout`] does at a word space.
    /// A line without text is left as it is.
    pub fn end_with_space(&mut self, line: &mut LineBox) {
        let Some(run) = line
            .items
            .iter_mut()
            .rev()
            .find_map(|it| match &mut it.item {
                Item::Text(run) => Some(run),
                _ => None,
            })
        else {
            return;
        };
        let Some(face) = self.font_ids.iter().position(|&f| f == run.font) else {
            return;
        };
        let space = self.shaper.shape(face, " ");
        append_clusters(run, " ", &space, 1.0, Some(0.0), 0.0);
    }

    /// Scale from font units to points for `face` at `size`.
    pub fn scale(&self, face: usize, size: f32) -> f32 {
        size / f32::from(self.shaper.face(face).metrics.units_per_em)
    }

    /// Natural width of `text` in `style`, in points (each piece in the
    /// face [`crate::fallback`] chose for it).
    pub fn measure(&mut self, text: &str, style: &TextStyle) -> f32 {
        let face = self.face_for(style);
        let shaped = self.shaper.shape(face, text);
        if !shaped.notdef {
            return shaped.advance as f32 * self.scale(face, style.size);
        }
        self.fallback_pieces(text, style)
            .iter()
            .map(|(_, face, shaped)| shaped.advance as f32 * self.scale(*face, style.size))
            .sum()
    }

    /// `text` in `style` cut where the face drawing it changes (see
    /// [`crate::fallback::runs`]), each piece shaped in its face: (byte
    /// range in `text`, shaper face index, shaping). Asked only for text
    /// the style's own face lacks a glyph for.
    fn fallback_pieces(
        &mut self,
        text: &str,
        style: &TextStyle,
    ) -> Vec<(Range<usize>, usize, Arc<Shaped>)> {
        crate::fallback::runs(self.fonts, style.role, style.style, text)
            .into_iter()
            .map(|run| {
                let face = self.register(&run.face);
                let shaped = self.shaper.shape(face, &text[run.range.clone()]);
                (run.range, face, shaped)
            })
            .collect()
    }

    /// Ascent and descent (positive) of a style, from the font metrics.
    pub fn extents(&mut self, style: &TextStyle) -> (f32, f32) {
        let face = self.face_for(style);
        let m = self.shaper.face(face).metrics;
        let s = self.scale(face, style.size);
        (f32::from(m.ascender) * s, -f32::from(m.descender) * s)
    }

    /// Lays out a paragraph of `pieces` in lines of `width` points, the first
    /// line indented by `indent`.
    pub fn layout(
        &mut self,
        pieces: &[Piece],
        width: f32,
        indent: f32,
        align: Align,
    ) -> Vec<LineBox> {
        self.layout_hanging(pieces, width, indent, 0.0, align)
    }

    /// [`Self::layout`] with every line after the first `hang` points
    /// narrower (a hanging indent: the caller places those lines `hang`
    /// further right, as a wrapped code line is).
    pub fn layout_hanging(
        &mut self,
        pieces: &[Piece],
        width: f32,
        indent: f32,
        hang: f32,
        align: Align,
    ) -> Vec<LineBox> {
        let mut para = self.collect(pieces);
        if para.text.is_empty() && para.anchors.is_empty() {
            return Vec::new();
        }
        for (_, obj) in &mut para.objects {
            obj.fit(width - indent);
        }
        let mut frags = Vec::new();
        let ItemList { items, slots } = self.items(&para, &mut frags, width, indent, align);
        let params = Params {
            emergency_stretch: if align == Align::Justify {
                0.15 * width
            } else {
                0.0
            },
            // The measure is the same from the second line on (from the
            // first without a hang): no need to probe it.
            uniform_width_from: Some(usize::from(hang > 0.0)),
            ..Params::default()
        };
        let rest_width = (width - hang).max(0.0);
        let measure = |n: usize| if n == 0 { width } else { rest_width };
        let breaks = linebreak::break_lines(&items, &measure, &params);
        if let Some(rec) = &mut self.recorded_breaks {
            rec.push(BreakInput {
                items: items.clone(),
                width,
                rest_width,
                params: params.clone(),
            });
        }
        let ctx = LineCtx {
            para: &para,
            frags: &frags,
            items: &items,
            slots: &slots,
        };
        let (tracking, stats) = paragraph_tracking(&ctx, &breaks.lines, &measure, align);
        let mut lines = Vec::with_capacity(breaks.lines.len());
        for (n, lb) in breaks.lines.iter().enumerate() {
            let last = n + 1 == breaks.lines.len();
            let setting = (tracking[n], stats.get(n));
            lines.push(self.render_line(&ctx, lb, measure(n), align, last, setting));
        }
        lines
    }

    /// The widths of `pieces` in points, from the boxes and glue [`Self::layout`]
    /// sets: `(min, max)`, where `max` is the widest line between forced
    /// breaks set at its natural width (CSS max-content: at that measure
    /// the text breaks only where it is forced to) and `min` the widest
    /// stretch between interword spaces, forced breaks and the unflagged
    /// breaks of URLs ([`urlbreak`]) and UAX #14 (the longest word or URL
    /// piece, with its note markers, inline code and images, unhyphenated).
    /// An image counts toward `min` for at most `OBJECT_MIN_WIDTH`: a
    /// wider one is scaled down to its measure (`InlineObject::fit`), as
    /// CSS sizes an image with `max-width: 100%` (CSS Sizing 3 § 5.2.2,
    /// compressible replaced elements), so a screenshot in a table cell
    /// does not starve the other columns.
    pub fn natural_widths(&mut self, pieces: &[Piece]) -> (f32, f32) {
        let para = self.collect(pieces);
        let mut frags = Vec::new();
        // Justified items: each interword space is one glue, a break when
        // a box precedes it (the natural widths are those of any alignment).
        let list = self.items(&para, &mut frags, f32::INFINITY, 0.0, Align::Justify);
        let (mut line, mut word, mut max, mut min) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
        for (k, (item, slot)) in list.items.iter().zip(&list.slots).enumerate() {
            match *item {
                Lb::Box { width } if matches!(slot, Slot::Object(_)) => {
                    line += width;
                    word += width.min(OBJECT_MIN_WIDTH);
                }
                Lb::Box { width } => {
                    line += width;
                    word += width;
                }
                Lb::Glue { width, .. } => {
                    line += width;
                    // A break unless tied: after a box, or after the
                    // penalty that carries a hanging mark's width.
                    let breaks = k > 0
                        && match list.items[k - 1] {
                            Lb::Box { .. } => true,
                            Lb::Penalty { penalty, .. } => penalty < linebreak::INFINITE_PENALTY,
                            _ => false,
                        };
                    if breaks && matches!(slot, Slot::Space(_)) {
                        min = min.max(word);
                        word = 0.0;
                    }
                }
                Lb::Penalty { penalty, .. } if penalty <= -linebreak::INFINITE_PENALTY => {
                    max = max.max(line);
                    min = min.max(word);
                    (line, word) = (0.0, 0.0);
                }
                // A break the text allows without a hyphen (a URL's own
                // points, UAX #14 breaks after a dash) also ends a piece
                // of the minimum width; hyphenation points do not.
                Lb::Penalty {
                    penalty,
                    flagged: false,
                    ..
                } if penalty < linebreak::INFINITE_PENALTY => {
                    min = min.max(word);
                    word = 0.0;
                }
                _ => {}
            }
        }
        (min.max(word), max.max(line))
    }

    /// Lays out ragged text (titles, headings) with lines of balanced length:
    /// the narrowest measure that needs no more lines than the full one, as
    /// CSS `text-wrap: balance` does, so a title never ends on a lone word.
    pub fn layout_balanced(&mut self, pieces: &[Piece], width: f32, align: Align) -> Vec<LineBox> {
        // Words and names kept whole, unless that leaves a line too wide.
        self.tied_display(width, |e| e.balanced(pieces, width, align))
    }

    /// A display line set unbalanced (a contents entry): [`InlineEngine::layout`]
    /// with words and names kept whole, unless that leaves a line too wide.
    pub fn layout_display(&mut self, pieces: &[Piece], width: f32, align: Align) -> Vec<LineBox> {
        self.tied_display(width, |e| e.layout(pieces, width, 0.0, align))
    }

    /// Runs `set` with words and names tied; again without the ties if that
    /// leaves a line wider than `width`.
    fn tied_display(
        &mut self,
        width: f32,
        mut set: impl FnMut(&mut Self) -> Vec<LineBox>,
    ) -> Vec<LineBox> {
        self.display = true;
        let lines = set(self);
        self.display = false;
        if lines.iter().all(|l| l.width <= width + 0.01) {
            return lines;
        }
        set(self)
    }

    /// [`InlineEngine::layout_balanced`] with the current ties.
    fn balanced(&mut self, pieces: &[Piece], width: f32, align: Align) -> Vec<LineBox> {
        let full = self.layout(pieces, width, 0.0, align);
        if full.len() < 2 {
            return full;
        }
        // No narrower than its widest inline image, which would shrink.
        let widest = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Object(o, _) => Some(o.width),
                _ => None,
            })
            .fold(0.0f32, f32::max)
            .min(width);
        let (mut lo, mut hi) = ((width * 0.4).max(widest), width);
        let mut best = full;
        for _ in 0..8 {
            let mid = (lo + hi) / 2.0;
            let lines = self.layout(pieces, mid, 0.0, align);
            if lines.len() <= best.len() && lines.iter().all(|l| l.width <= mid + 0.01) {
                best = lines;
                hi = mid;
            } else {
                lo = mid;
            }
        }
        best
    }

    fn collect(&mut self, pieces: &[Piece]) -> Para {
        let mut para = Para::default();
        for piece in pieces {
            match piece {
                Piece::Text(t, style) => {
                    // Soft hyphens leave the text and become discretionary
                    // breaks at their places (see `Para::soft_hyphens`).
                    let start = para.text.len();
                    for (i, part) in t.split(SOFT_HYPHEN).enumerate() {
                        if i > 0 && para.soft_hyphens.last() != Some(&para.text.len()) {
                            para.soft_hyphens.push(para.text.len());
                        }
                        para.text.push_str(part);
                    }
                    if para.text.len() == start {
                        continue;
                    }
                    let si = para.style_index(style);
                    para.spans.push((start..para.text.len(), si));
                }
                Piece::Break => {
                    let start = para.text.len();
                    para.text.push('\n');
                    let si = para.spans.last().map_or(0, |s| s.1);
                    if para.styles.is_empty() {
                        continue;
                    }
                    para.spans.push((start..para.text.len(), si));
                }
                Piece::Anchor(name) => para
                    .anchors
                    .push((para.text.len(), Item::Anchor(name.clone()))),
                Piece::NoteRef(n) => para.anchors.push((para.text.len(), Item::NoteRef(*n))),
                Piece::Object(obj, style) => {
                    let si = para.style_index(style);
                    let start = para.text.len();
                    para.text.push(if obj.math.is_some() {
                        MATH_OBJECT
                    } else {
                        OBJECT
                    });
                    para.spans.push((start..para.text.len(), si));
                    para.objects.push((start, obj.clone()));
                }
            }
        }
        para.urls = urlbreak::Tokens::of(&para.text);
        para
    }

    fn items(
        &mut self,
        para: &Para,
        frags: &mut Vec<Fragment>,
        width: f32,
        indent: f32,
        align: Align,
    ) -> ItemList {
        let mut list = ItemList::default();
        let ragged = 3.0 * para.styles.first().map_or(10.0, |s| s.size);
        // Opening marks hang at the left of justified lines; not in the
        // natural widths (measured at an infinite width), which are those of
        // any alignment, as CSS's min- and max-content know no protrusion.
        let hang_left = align == Align::Justify && width.is_finite();
        if indent > 0.0 {
            list.push(Lb::boxed(indent), Slot::Other);
        } else if hang_left {
            self.push_left_hang(para, 0, false, &mut list);
        }
        let text = &para.text;
        let mut next_anchor = 0;
        let mut prev = 0;
        // The interword space of each style, measured once per paragraph.
        let mut space_widths = vec![f32::NAN; para.styles.len()];
        let opportunities: Vec<(usize, BreakOpportunity)> = linebreaks(text).collect();
        for (i, &(at, opportunity)) in opportunities.iter().enumerate() {
            let segment = &text[prev..at];
            let word_len = segment.trim_end_matches([' ', '\n', '\t']).len();
            let word = prev..prev + word_len;
            // Anchors that fall in this segment go before its word.
            while next_anchor < para.anchors.len() && para.anchors[next_anchor].0 < at {
                list.push(Lb::boxed(0.0), Slot::Anchor(next_anchor));
                next_anchor += 1;
            }
            let tracking = align == Align::Justify;
            // Spaces inside a segment are ones UAX #14 forbids a break at
            // (before U+2060 WORD JOINER, U+FEFF or U+200B, after an
            // opening quote…): glue that stretches like any interword space
            // but is no break, being preceded by a penalty (TeX's tie `~`).
            let mut part = word.start;
            for (i, _) in text[word.clone()].match_indices(' ') {
                let at = word.start + i;
                if at > part {
                    self.word_items(para, frags, part..at, width, tracking, &mut list);
                }
                if at >= part {
                    let si = para.style_at(at);
                    let run =
                        text[at..word.end].len() - text[at..word.end].trim_start_matches(' ').len();
                    let w = self.space_width(&mut space_widths, para, si) * run as f32;
                    list.push(Lb::no_break(), Slot::Other);
                    let glue = if tracking {
                        Lb::glue(w, 0.45 * w, 0.19 * w)
                    } else {
                        Lb::glue(w, 0.0, 0.0)
                    };
                    list.push(glue, Slot::Space(si));
                    part = at + run;
                }
            }
            self.word_items(para, frags, part..word.end, width, tracking, &mut list);
            let spaces = &text[word.end..at];
            let style = para.style_at(word.end.min(text.len().saturating_sub(1)));
            if spaces.contains('\n') {
                list.push(Lb::glue(0.0, linebreak::FILL_STRETCH, 0.0), Slot::Other);
                list.push(Lb::forced_break(), Slot::Other);
                if hang_left {
                    self.push_left_hang(para, at, false, &mut list);
                }
            } else if !spaces.is_empty() && at < text.len() {
                let w = self.space_width(&mut space_widths, para, style)
                    * spaces.chars().count() as f32;
                // A tie (a dash, a number's noun, an abbreviation's name):
                // the same space, but no break (TeX's `~`).
                let next_end = opportunities.get(i + 1).map_or(text.len(), |o| o.0);
                let before = &text[word.clone()];
                let before =
                    memchr::memrchr(b' ', before.as_bytes()).map_or(before, |k| &before[k + 1..]);
                let after = &text[at..next_end];
                let after =
                    memchr::memchr2(b' ', b'\n', after.as_bytes()).map_or(after, |k| &after[..k]);
                let tie = linebreak::is_tie(before, after)
                    || (self.display && super::display::is_display_tie(before, after));
                if tie {
                    list.push(Lb::no_break(), Slot::Other);
                }
                match align {
                    Align::Justify => {
                        // Hanging punctuation: if the line breaks here, its
                        // last mark sticks out into the margin, so the line
                        // is measured without it (pdfTeX's protrusion). The
                        // break moves to a penalty of that negative width;
                        // the glue after it is then no break.
                        let hang = if tie {
                            0.0
                        } else {
                            self.right_hang(para, word.clone())
                        };
                        if hang > 0.0 {
                            list.push(Lb::penalty(-hang, 0.0, false), Slot::Other);
                        }
                        list.push(Lb::glue(w, 0.45 * w, 0.19 * w), Slot::Space(style));
                        if !tie && hang_left {
                            self.push_left_hang(para, at, true, &mut list);
                        }
                    }
                    _ if tie => list.push(Lb::glue(w, 0.0, 0.0), Slot::Space(style)),
                    _ => {
                        for (k, item) in linebreak::ragged_right_space(w, ragged)
                            .into_iter()
                            .enumerate()
                        {
                            list.push(
                                item,
                                if k == 2 {
                                    Slot::Space(style)
                                } else {
                                    Slot::Other
                                },
                            );
                        }
                    }
                }
            } else if opportunity == BreakOpportunity::Allowed && at < text.len() && word_len > 0 {
                // Inside a URL only its own break points are breaks; inside
                // code, only its own ([`codebreak`]).
                let st = &para.styles[para.style_at(at)];
                match urlbreak::is_break_in_url(text, &para.urls, at, st.link.is_some()) {
                    None if st.role == Role::Code && !codebreak::is_code_break(text, at) => {}
                    None => list.push(Lb::penalty(0.0, 50.0, false), Slot::Other),
                    Some(true) => list.push_url_break(tracking, st.size),
                    Some(false) => {}
                }
            }
            prev = at;
        }
        for i in next_anchor..para.anchors.len() {
            list.push(Lb::boxed(0.0), Slot::Anchor(i));
        }
        linebreak::finish_paragraph(&mut list.items);
        list.slots.resize(list.items.len(), Slot::Other);
        list
    }

    /// The interword space of style `si` of `para` (points), from `cache`
    /// (one per style, NaN until measured).
    fn space_width(&mut self, cache: &mut [f32], para: &Para, si: usize) -> f32 {
        if cache[si].is_nan() {
            cache[si] = self.measure(" ", &para.styles[si]);
        }
        cache[si]
    }

    /// How far the last character of `word` hangs into the right margin at
    /// a line end, in points ([`linebreak::right_protrusion`] of its advance
    /// in its style); 0 for code, whose characters keep their cells.
    fn right_hang(&mut self, para: &Para, word: Range<usize>) -> f32 {
        let Some(c) = para.text[word.clone()].chars().next_back() else {
            return 0.0;
        };
        let factor = linebreak::right_protrusion(c);
        let style = &para.styles[para.style_at(word.end - c.len_utf8())];
        if factor == 0.0 || style.role == Role::Code {
            return 0.0;
        }
        let style = style.clone();
        self.measure(c.encode_utf8(&mut [0; 4]), &style) * factor / 1000.0
    }

    /// Left protrusion of the word starting at byte `at`: if a line starts
    /// there with an opening mark (`“ ‘ « (`…, [`linebreak::left_protrusion`]),
    /// the mark hangs into the left margin and the line is measured without
    /// it, as [`Self::right_hang`] does at the right (pdfTeX's `\lpcode`).
    /// Items: `box(0) penalty(+inf) glue(−hang)`, which only a line starting
    /// here keeps (glue and penalties after a break are discarded up to the
    /// first box; the empty box stops that before the negative glue). Between
    /// words (`compensate`) a `glue(+hang)` before them, discarded at a
    /// break too, takes the negative glue back when the line goes on.
    fn push_left_hang(&mut self, para: &Para, at: usize, compensate: bool, list: &mut ItemList) {
        // Most words start with an ASCII letter or digit: no decoding.
        if para
            .text
            .as_bytes()
            .get(at)
            .is_none_or(u8::is_ascii_alphanumeric)
        {
            return;
        }
        let Some(c) = para.text.get(at..).and_then(|t| t.chars().next()) else {
            return;
        };
        let factor = linebreak::left_protrusion(c);
        if factor == 0.0 {
            return;
        }
        let style = &para.styles[para.style_at(at)];
        if style.role == Role::Code {
            return;
        }
        let style = style.clone();
        let hang = self.measure(c.encode_utf8(&mut [0; 4]), &style) * factor / 1000.0;
        if compensate {
            list.push(Lb::glue(hang, 0.0, 0.0), Slot::Other);
        }
        list.push(Lb::boxed(0.0), Slot::Other);
        list.push(Lb::no_break(), Slot::Other);
        list.push(Lb::glue(-hang, 0.0, 0.0), Slot::Other);
    }

    /// Boxes for one word (split at style changes and, for English, at
    /// hyphenation points; emergency breaks inside words wider than `width`).
    fn word_items(
        &mut self,
        para: &Para,
        frags: &mut Vec<Fragment>,
        word: Range<usize>,
        width: f32,
        tracking: bool,
        list: &mut ItemList,
    ) {
        if word.is_empty() {
            return;
        }
        // Pieces of the word with one style each.
        let mut parts: Vec<(Range<usize>, usize)> = Vec::new();
        for (span, si) in &para.spans {
            let s = span.start.max(word.start);
            let e = span.end.min(word.end);
            if s < e {
                parts.push((s..e, *si));
            }
        }
        let total: f32 = parts
            .iter()
            .map(|(r, si)| self.measure(&para.text[r.clone()], &para.styles[*si]))
            .sum();
        let emergency = total > width;
        // Soft hyphens in or at the ends of the word. A word with one is not
        // hyphenated by the patterns: the author chose its break points (as
        // in TeX, which hyphenates no word followed by a discretionary,
        // tex.web §899; and CSS `hyphens: manual`).
        let soft = para.soft_hyphens_in(word.start..word.end + 1);
        // Code breaks after punctuation and never inside an operator
        // ([`codebreak`]), offsets from the word's start.
        let code = parts
            .iter()
            .any(|(_, si)| para.styles[*si].role == Role::Code)
            .then(|| codebreak::cuts_in(&para.text, word.clone()));
        let mut prev_style = None;
        for (range, si) in parts {
            let is_code = para.styles[si].role == Role::Code;
            // A soft hyphen where the style changes inside the word.
            if let Some(prev) = prev_style
                && soft.contains(&range.start)
            {
                let hw = self.measure("-", &para.styles[prev]);
                list.push(Lb::penalty(hw, 50.0, true), Slot::Hyphen(prev));
            } else if prev_style.is_some()
                && is_code
                && let Some((breaks, _)) = &code
                && breaks.contains(&(range.start - word.start))
            {
                // A code break where the highlighter's colour changes.
                list.push_url_break(tracking, para.styles[si].size);
            }
            prev_style = Some(si);
            if let Some(oi) = para.objects.iter().position(|o| o.0 == range.start) {
                let obj = &para.objects[oi].1;
                list.push(Lb::boxed(obj.width), Slot::Object(oi));
                if let Some(join) = obj.math.filter(|j| j.width.is_finite()) {
                    list.push(Lb::penalty(0.0, join.penalty, false), Slot::Other);
                    list.push(Lb::glue(join.width, join.stretch, join.shrink), Slot::Other);
                }
                continue;
            }
            let style = &para.styles[si];
            let text = &para.text[range.clone()];
            // Byte offset in text → kind; the first kind found for an offset
            // wins (soft hyphen, then pattern hyphen, then URL, then
            // emergency). A map keeps a 1 MB word with a cut between every
            // two characters O(n log n).
            let mut cuts: BTreeMap<usize, Cut> = BTreeMap::new();
            for &at in soft {
                if at > range.start && at < range.end {
                    cuts.insert(at - range.start, Cut::Hyphen);
                }
            }
            if soft.is_empty()
                && style.lang.starts_with("en")
                && style.role != Role::Code
                && let Some(h) = ENGLISH.as_ref()
            {
                let lower = text.to_lowercase();
                if lower.len() == text.len() && text.chars().count() >= 5 {
                    for b in h.hyphenate(&lower).breaks {
                        cuts.entry(b).or_insert(Cut::Hyphen);
                    }
                }
            }
            // URLs break at their own points, without a hyphen.
            for b in urlbreak::cuts_in(&para.text, &para.urls, range.clone(), style.link.is_some())
            {
                cuts.entry(b).or_insert(Cut::Url);
            }
            // Offsets in this part inside an operator: never a break.
            let mut operator = Vec::new();
            if is_code && let Some((breaks, inside)) = &code {
                let local = |b: &usize| {
                    (word.start + b > range.start && word.start + b < range.end)
                        .then(|| word.start + b - range.start)
                };
                for b in breaks.iter().filter_map(local) {
                    cuts.entry(b).or_insert(Cut::Url);
                }
                operator.extend(inside.iter().filter_map(local));
            }
            if emergency {
                for (b, _) in text.char_indices().skip(1) {
                    if !is_mark_at(text, b) && !operator.contains(&b) {
                        cuts.entry(b).or_insert(Cut::Emergency);
                    }
                }
            }
            let mut start = 0;
            for (cut, kind) in cuts
                .into_iter()
                .chain(std::iter::once((text.len(), Cut::Emergency)))
            {
                if cut <= start {
                    continue;
                }
                let sub = range.start + start..range.start + cut;
                let st = &para.styles[si];
                let face = self.face_for(st);
                let shaped = self.shaper.shape(face, &para.text[sub.clone()]);
                let tracked = tracking && st.role != Role::Code;
                let mut letters = 0.0;
                if shaped.notdef {
                    // Pieces the style's face lacks come from fallback
                    // faces: one box each, side by side (no break between).
                    let st = st.clone();
                    for (r, face, shaped) in self.fallback_pieces(&para.text[sub.clone()], &st) {
                        let w = shaped.advance as f32 * self.scale(face, st.size);
                        let clusters = count_clusters(&shaped);
                        letters += clusters as f32 * st.size;
                        list.push(Lb::boxed(w), Slot::Frag(frags.len()));
                        frags.push(Fragment {
                            text: sub.start + r.start..sub.start + r.end,
                            style: si,
                            face,
                            shaped,
                            clusters: clusters.max(1) as u32,
                        });
                    }
                } else {
                    let w = shaped.advance as f32 * self.scale(face, st.size);
                    let clusters = count_clusters(&shaped);
                    letters = clusters as f32 * st.size;
                    list.push(Lb::boxed(w), Slot::Frag(frags.len()));
                    frags.push(Fragment {
                        text: sub,
                        style: si,
                        face,
                        shaped,
                        clusters: clusters.max(1) as u32,
                    });
                }
                if tracked {
                    // The fragment's letter-spacing glue follows it (so the
                    // first word of a line is spaced like the others);
                    // penalty(+inf) keeps the glue from being a break, and
                    // an empty box after it keeps the interword glue that
                    // may follow a legal one (glue breaks only after a box).
                    list.push(Lb::no_break(), Slot::Other);
                    list.push(
                        Lb::glue(
                            0.0,
                            TRACKING_STRETCH_EM * letters,
                            TRACKING_SHRINK_EM * letters,
                        ),
                        Slot::Tracking,
                    );
                    list.push(Lb::boxed(0.0), Slot::Other);
                }
                if cut < text.len() {
                    match kind {
                        Cut::Hyphen => {
                            let hw = self.measure("-", style);
                            list.push(Lb::penalty(hw, 50.0, true), Slot::Hyphen(si));
                        }
                        Cut::Url => list.push_url_break(tracking, style.size),
                        Cut::Emergency => list.push(Lb::emergency_break(0.0, 1000.0), Slot::Other),
                    }
                }
                start = cut;
            }
        }
    }

    fn render_line(
        &mut self,
        ctx: &LineCtx,
        lb: &linebreak::LineBreak,
        width: f32,
        align: Align,
        last: bool,
        (tracking, stats): (f32, Option<&LineStats>),
    ) -> LineBox {
        let LineCtx {
            para,
            frags,
            items,
            slots,
        } = *ctx;
        let (justify, ratio) = line_setting(items, lb, align, last);
        let mut out = LineBox {
            justified: justify,
            ..LineBox::default()
        };
        let mut x = 0.0f32;
        let mut runs: Vec<(Positioned, usize)> = Vec::new(); // run + style index
        let mut decorations: Vec<(f32, f32, usize)> = Vec::new(); // x0, x1, style
        // The items of each inline object, by its x: they go among the runs
        // in reading order, so that a formula's glyphs come between the
        // words around it in the content stream, as in the structure tree.
        let mut objects: Vec<(f32, Vec<Positioned>)> = Vec::new();
        let end = lb.end.min(items.len());
        let spacing = LineSpacing::plan(ctx, lb.start..end, ratio, justify, tracking, stats);
        let mut spaces_seen = 0;
        // Set after an inline object: the text that follows starts a new
        // run at its own x (a run's glyphs advance by their own widths
        // only, so continuing the run before the object would draw the
        // next word over it).
        let after_object = std::cell::Cell::new(false);
        let mut push_glyphs = |this: &mut Self,
                               x: &mut f32,
                               si: usize,
                               face: usize,
                               text: &str,
                               shaped: &Shaped,
                               space_width: Option<f32>,
                               tracking: f32| {
            let st = &para.styles[si];
            let scale = this.scale(face, st.size);
            let font = this.font_ids[face];
            let start_x = *x;
            let run_fits = !after_object.replace(false)
                && matches!(runs.last(), Some((Positioned { item: Item::Text(r), .. }, s))
                if r.font == font && para.styles[*s].size == st.size && para.styles[*s].color == st.color
                    && para.styles[*s].rise == st.rise && para.styles[*s].node == st.node);
            if !run_fits {
                runs.push((
                    Positioned {
                        pos: Point { x: *x, y: -st.rise },
                        item: Item::text(GlyphRun {
                            font,
                            size: st.size,
                            color: st.color,
                            // Room for a typical line, trimmed when the
                            // line is done: grown a glyph at a time, these
                            // vectors were the typesetter's main cost.
                            glyphs: crate::frame::Glyphs::Plain(Vec::with_capacity(RUN_CAPACITY)),
                            offsets: crate::frame::ThinVec::new(),
                            text: String::with_capacity(2 * RUN_CAPACITY),
                            clusters: Clusters::OnePerChar,
                            letter_spacing: 0.0,
                        }),
                        tag: st
                            .node
                            .map_or(Tag::Artifact(ArtifactKind::Layout), Tag::Content),
                    },
                    si,
                ));
            }
            let Some((
                Positioned {
                    item: Item::Text(run),
                    ..
                },
                _,
            )) = runs.last_mut()
            else {
                unreachable!()
            };
            // The line's letter-spacing, from its first letter-spaced
            // fragment (all of a line's are spaced alike, per em of one
            // size); a space (`space_width`) carries its own.
            if tracking != 0.0 && run.letter_spacing == 0.0 {
                run.letter_spacing = tracking;
            }
            *x += append_clusters(run, text, shaped, scale, space_width, tracking);
            if (st.strike || st.underline || st.mark || st.link.is_some()) && *x > start_x {
                // One rule, one link area per stretch of a style on the line.
                match decorations.last_mut() {
                    Some(last) if last.2 == si && (last.1 - start_x).abs() < 0.01 => last.1 = *x,
                    _ => decorations.push((start_x, *x, si)),
                }
            }
        };
        for k in lb.start..end {
            match (items[k], slots[k]) {
                (Lb::Box { .. }, Slot::Frag(fi)) => {
                    let f = &frags[fi];
                    let clusters = f.clusters as f32;
                    // Letter-spacing if the fragment's glue (two items
                    // on) is in the line.
                    let tracked = matches!(slots.get(k + 2), Some(Slot::Tracking)) && k + 2 < end;
                    let tracking = match &spacing {
                        Some(plan) if tracked => plan.per_em * para.styles[f.style].size * clusters,
                        _ => 0.0,
                    };
                    push_glyphs(
                        self,
                        &mut x,
                        f.style,
                        f.face,
                        &para.text[f.text.clone()],
                        &f.shaped,
                        None,
                        tracking / clusters,
                    );
                }
                (Lb::Box { width: w }, Slot::Object(oi)) => {
                    let obj = &para.objects[oi].1;
                    out.ascent = out.ascent.max(obj.ascent);
                    out.descent = out.descent.max(obj.descent);
                    let placed = obj.items.iter().map(|it| {
                        let mut it = it.clone();
                        it.pos.x += x;
                        it
                    });
                    objects.push((x, placed.collect()));
                    x += w;
                    after_object.set(true);
                }
                (Lb::Box { width: w }, _) => {
                    if let Slot::Anchor(i) = slots[k] {
                        out.items.push(Positioned {
                            pos: Point { x, y: 0.0 },
                            item: para.anchors[i].1.clone(),
                            tag: Tag::Artifact(ArtifactKind::Layout),
                        });
                    }
                    x += w;
                }
                (
                    Lb::Glue {
                        width: w,
                        stretch,
                        shrink,
                    },
                    Slot::Space(si),
                ) => {
                    // A real space glyph, so text extraction sees the word boundary.
                    let set = match &spacing {
                        Some(plan) => {
                            spaces_seen += 1;
                            w + plan.space_extra(spaces_seen - 1, para.styles[si].size)
                        }
                        None if ratio > 0.0 => w + ratio * stretch,
                        None if ratio < 0.0 => w + ratio * shrink,
                        None => w,
                    };
                    let st = &para.styles[si];
                    let face = self.face_for(st);
                    let space = self.shaper.shape(face, " ");
                    push_glyphs(self, &mut x, si, face, " ", &space, Some(set), 0.0);
                }
                (Lb::Glue { width: w, .. }, _) if k + 1 < end => x += w,
                _ => {}
            }
        }
        // A hyphen at a flagged break: a run of its own, a layout artifact
        // (ISO 32000-1 §14.8.2.2): it is drawn, and text extraction by
        // position (pdftotext) still sees a hyphenated line, but it is not
        // part of the word the structure tree reads ("hy" + "phen").
        if lb.hyphenated
            && let Some(Slot::Hyphen(si)) = slots.get(lb.end)
        {
            let st = &para.styles[*si];
            let face = self.face_for(st);
            let hyphen = self.shaper.shape(face, "-");
            after_object.set(true);
            push_glyphs(self, &mut x, *si, face, "-", &hyphen, None, 0.0);
            if let Some((run, _)) = runs.last_mut() {
                run.tag = Tag::Artifact(ArtifactKind::Hyphen);
            }
        } else if let Some(si) = line_end_space(items, slots, lb.end, last).and_then(|si| {
            // A hard break's space takes the style of the line's last word.
            si.or_else(|| {
                (lb.start..end).rev().find_map(|k| match slots[k] {
                    Slot::Frag(fi) => Some(frags[fi].style),
                    _ => None,
                })
            })
        }) {
            // The word space the line breaks at (or a hard line break),
            // kept as a space glyph of no advance at the line's end: the
            // structure tree's text then reads "phối hợp Ban", not "phối
            // hợpBan", as the spaces a line keeps (ISO 32000-1 §14.8.2.5:
            // word breaks are spaces in the content, not inferred from
            // positions). It draws nothing and moves no glyph.
            let st = &para.styles[si];
            let face = self.face_for(st);
            let space = self.shaper.shape(face, " ");
            push_glyphs(self, &mut x, si, face, " ", &space, Some(0.0), 0.0);
        }
        out.width = x;
        let shift = match align {
            Align::Center => ((width - x) / 2.0).max(0.0),
            Align::Right => (width - x).max(0.0),
            _ => 0.0,
        };
        // An object's filled rectangles (a formula's fraction bars) are
        // drawn after the line's text: a path ends the text object, and
        // with it the marked content (and `/ActualText`) of a formula whose
        // glyphs go on after it.
        let mut late: Vec<Positioned> = Vec::new();
        let mut place = |items: Vec<Positioned>, out: &mut LineBox| {
            for mut it in items {
                it.pos.x += shift;
                if matches!(it.item, Item::Fill(_)) {
                    late.push(it);
                } else {
                    out.items.push(it);
                }
            }
        };
        let mut objects = objects.into_iter().peekable();
        for (mut run, si) in runs {
            while let Some((_, items)) = objects.next_if(|o| o.0 <= run.pos.x) {
                place(items, &mut out);
            }
            if let Item::Text(r) = &mut run.item {
                if self.keep.draws() {
                    // The layout holds every run until the PDF is written
                    // (with `Keep::Deflated` the run is serialized packed
                    // once its block is set, the builder's `freeze_set`;
                    // the runs it keeps live, a table's repeated header,
                    // the notes, are packed like any).
                    r.glyphs.pack();
                    r.offsets.shrink_to_fit();
                    if let Clusters::Listed(list) = &mut r.clusters {
                        list.shrink_to_fit();
                    }
                    r.text.shrink_to_fit();
                } else {
                    // A pass whose pages are thrown away reads where each
                    // line goes, never what it draws: the run keeps its
                    // font, size and place, not its glyphs and text.
                    r.glyphs = Glyphs::default();
                    r.offsets = ThinVec::new();
                    r.clusters = Clusters::OnePerChar;
                    r.text = String::new();
                }
            }
            let st = &para.styles[si];
            let (a, d) = self.extents(st);
            out.ascent = out.ascent.max(a + st.rise);
            out.descent = out.descent.max(d - st.rise);
            run.pos.x += shift;
            out.items.push(run);
        }
        for (_, items) in objects {
            place(items, &mut out);
        }
        out.items.append(&mut late);
        for (x0, x1, si) in decorations {
            let st = &para.styles[si];
            let (x0, x1) = (x0 + shift, x1 + shift);
            let thick = (st.size * 0.06).max(0.4);
            if st.strike {
                out.items.push(line_item(
                    x0,
                    x1,
                    -st.size * 0.28 - st.rise,
                    thick,
                    st.color,
                ));
            }
            if st.underline {
                out.items
                    .push(line_item(x0, x1, st.size * 0.12 - st.rise, thick, st.color));
            }
            if st.mark {
                // Behind the text: first in the line's items, which are
                // drawn in order. From the ascender to the descender of
                // a typical Latin face (0.8 em up, 0.25 em down).
                out.items.insert(
                    0,
                    Positioned {
                        pos: Point {
                            x: x0,
                            y: -st.size * 0.8 - st.rise,
                        },
                        item: Item::Fill(crate::frame::Fill {
                            width: x1 - x0,
                            height: st.size * 1.05,
                            color: MARK_TINT,
                        }),
                        tag: Tag::Artifact(ArtifactKind::Layout),
                    },
                );
            }
            if let Some(target) = &st.link {
                out.items.push(Positioned {
                    pos: Point {
                        x: x0,
                        y: -st.size * 0.9 - st.rise,
                    },
                    item: Item::link(LinkArea {
                        width: x1 - x0,
                        height: st.size * 1.2,
                        target: target.clone(),
                    }),
                    tag: st
                        .node
                        .map_or(Tag::Artifact(ArtifactKind::Layout), Tag::Content),
                });
            }
        }
        for it in &mut out.items {
            if matches!(it.item, Item::Anchor(_) | Item::NoteRef(_)) {
                it.pos.x += shift;
            }
        }
        out
    }
}

/// Whether the line ending at break item `end` ends at a word space or a
/// hard line break inside its paragraph (not after its `last` line): then
/// `Some` with the space's style (`None` for a hard break, which has none).
/// The space is the first [`Slot::Space`] among the items the break
/// discards before the next line's first box.
fn line_end_space(items: &[Lb], slots: &[Slot], end: usize, last: bool) -> Option<Option<usize>> {
    if last || end >= items.len() {
        return None;
    }
    for (item, slot) in items[end..].iter().zip(&slots[end..]) {
        match (item, slot) {
            (Lb::Box { .. }, _) => return None,
            (_, Slot::Space(si)) => return Some(Some(*si)),
            (Lb::Penalty { penalty, .. }, _) if *penalty <= -linebreak::INFINITE_PENALTY => {
                return Some(None);
            }
            _ => {}
        }
    }
    None
}

/// The highlight of `<mark>`: a pale yellow that stays light in greyscale
/// (luminance ≈ 0.94), so that black text on it keeps its contrast.
const MARK_TINT: Rgb = Rgb(1.0, 0.95, 0.66);

fn line_item(x0: f32, x1: f32, y: f32, thickness: f32, color: Rgb) -> Positioned {
    Positioned {
        pos: Point { x: x0, y },
        item: Item::Line(crate::frame::Line {
            to: Point { x: x1 - x0, y: 0.0 },
            thickness,
            color,
        }),
        tag: Tag::Artifact(ArtifactKind::Layout),
    }
}

fn ends_forced(items: &[Lb], end: usize) -> bool {
    matches!(items.get(end), Some(Lb::Penalty { penalty, .. }) if *penalty <= -linebreak::INFINITE_PENALTY)
}

fn is_mark_at(text: &str, byte: usize) -> bool {
    text[byte..].chars().next().is_some_and(|c| {
        matches!(u32::from(c), 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
    })
}

/// Whether a line is justified, and the adjustment ratio it is set at: a
/// justified paragraph's last line (and a line ending at a forced break) is
/// set at its natural width, but it may have been shrunk (as in TeX) to fit
/// the measure.
fn line_setting(items: &[Lb], lb: &linebreak::LineBreak, align: Align, last: bool) -> (bool, f32) {
    let justify = align == Align::Justify && !last && !ends_forced(items, lb.end);
    let ratio = match align {
        Align::Justify if justify => lb.ratio,
        Align::Justify => lb.ratio.min(0.0),
        _ => 0.0,
    };
    (justify, ratio)
}

/// `stretch` or `shrink` as spent at adjustment ratio `ratio`.
fn spend(ratio: f32, stretch: f32, shrink: f32) -> f32 {
    if ratio > 0.0 {
        ratio * stretch
    } else {
        ratio * shrink
    }
}

/// The letter-spacing a line asks for at adjustment ratio `ratio`, per em:
/// its share of the line's stretch or shrink, no more than at ratio ±1.
fn tracking_wanted(ratio: f32) -> f32 {
    spend(
        ratio.clamp(-1.0, 1.0),
        TRACKING_STRETCH_EM,
        TRACKING_SHRINK_EM,
    )
}

/// What a line is made of, for sharing out its stretch or shrink.
#[derive(Clone, Copy, Default)]
struct LineStats {
    /// Font size × clusters of the letter-spaced fragments, in points: the
    /// width one em of letter-spacing adds.
    letters: f32,
    /// Width of the line before adjustment, in points.
    natural: f32,
    /// Stretch or shrink of the whole line spent at its ratio, in points.
    adjust: f32,
}

impl LineStats {
    fn of(ctx: &LineCtx, range: Range<usize>, ratio: f32) -> Self {
        let (para, frags, items, slots) = (ctx.para, ctx.frags, ctx.items, ctx.slots);
        let mut st = LineStats::default();
        for k in range.clone() {
            match (items[k], slots[k]) {
                (Lb::Box { width }, _) => st.natural += width,
                (
                    Lb::Glue {
                        width,
                        stretch,
                        shrink,
                    },
                    slot,
                ) if k + 1 < range.end => {
                    st.natural += width;
                    if matches!(slot, Slot::Space(_) | Slot::Tracking) {
                        st.adjust += spend(ratio, stretch, shrink);
                    }
                    if let Slot::Tracking = slot
                        && k >= range.start + 2
                        && let Slot::Frag(fi) = slots[k - 2]
                    {
                        let f = &frags[fi];
                        st.letters += para.styles[f.style].size * f.clusters as f32;
                    }
                }
                _ => {}
            }
        }
        if let Some(Lb::Penalty { width, .. }) = items.get(range.end) {
            st.natural += width;
        }
        st
    }
}

/// The letter-spacing of each line of a paragraph, per em: what each
/// justified line asks for ([`tracking_wanted`]), smoothed so that
/// neighbouring lines differ by at most [`TRACKING_STEP_EM`]; a ragged line
/// (the last, or one ending at a forced break) follows its neighbours but
/// never grows past the measure, its neighbours coming down towards it
/// instead. Always within [`TRACKING_STRETCH_EM`] and −[`TRACKING_SHRINK_EM`];
/// zero for text that is not justified. With it, each justified line's
/// [`LineStats`] (none for other text), which setting the line reads again.
fn paragraph_tracking(
    ctx: &LineCtx,
    lines: &[linebreak::LineBreak],
    measure: &dyn Fn(usize) -> f32,
    align: Align,
) -> (Vec<f32>, Vec<LineStats>) {
    if align != Align::Justify {
        return (vec![0.0; lines.len()], Vec::new());
    }
    let mut wanted = Vec::with_capacity(lines.len());
    let mut stats = Vec::with_capacity(lines.len());
    for (n, lb) in lines.iter().enumerate() {
        let (justify, ratio) = line_setting(ctx.items, lb, align, n + 1 == lines.len());
        let st = LineStats::of(ctx, lb.start..lb.end.min(ctx.items.len()), ratio);
        wanted.push((justify && st.letters > 0.0).then(|| tracking_wanted(ratio)));
        stats.push((justify, ratio, st));
    }
    // A ragged line may not grow beyond its measure: its own shrink, plus
    // what is left of the measure.
    let caps: Vec<f32> = stats
        .iter()
        .enumerate()
        .map(|(n, (justify, ratio, st))| {
            let room = measure(n) - (st.natural + st.adjust);
            if *justify || st.letters <= 0.0 {
                TRACKING_STRETCH_EM
            } else {
                (tracking_wanted(*ratio) + room.max(0.0) / st.letters)
                    .clamp(-TRACKING_SHRINK_EM, TRACKING_STRETCH_EM)
            }
        })
        .collect();
    let step = TRACKING_STEP_EM - 2.0 * TRACKING_ROUNDING_EM;
    let mut tracking = linebreak::lipschitz_smooth(&wanted, &caps, step);
    for t in &mut tracking {
        *t = t.clamp(-TRACKING_SHRINK_EM, TRACKING_STRETCH_EM);
    }
    (tracking, stats.into_iter().map(|(_, _, st)| st).collect())
}

/// How a line's stretch or shrink is spent: letter-spacing of `per_em` ×
/// the font size after every tracked cluster and space, and each interword
/// space widened by a whole number of thousandths of its em.
///
/// A justified line's letter-spacing is chosen for the paragraph
/// ([`paragraph_tracking`]); its word spaces take the rest of what the
/// breaker's adjustment ratio says the line must grow or shrink, shared in
/// proportion to their stretch (shrink). Rounding the spaces to thousandths
/// moves under 1/2000 em per space between word and letter spaces. What it
/// buys: in the PDF every space of a line carries the same `TJ` number and
/// every letter none (one `Tc` per line), which keeps the content streams
/// small (the book's PDF shrinks by a few percent) without moving anything
/// by more than 1/2000 em.
struct LineSpacing {
    /// Letter-spacing per em of font size.
    per_em: f32,
    /// Each space's extra width beyond letter-spacing, in 1/1000 em.
    thousandths: Vec<f32>,
}

impl LineSpacing {
    /// The plan for the items `range` of a line set at `ratio` with
    /// letter-spacing `tracking` per em; `None` when the line has no tracked
    /// letters, or is neither adjusted nor letter-spaced (its spaces then
    /// take the whole adjustment, unrounded). `stats`: the line's
    /// [`LineStats`] at `ratio` if known.
    fn plan(
        ctx: &LineCtx,
        range: Range<usize>,
        ratio: f32,
        justify: bool,
        tracking: f32,
        stats: Option<&LineStats>,
    ) -> Option<Self> {
        if ratio == 0.0 && tracking == 0.0 {
            return None;
        }
        let (para, items, slots) = (ctx.para, ctx.items, ctx.slots);
        let st = match stats {
            Some(st) => *st,
            None => LineStats::of(ctx, range.clone(), ratio),
        };
        if st.letters <= 0.0 {
            return None;
        }
        // (size, own stretch or shrink spent) of each space.
        let spaces: Vec<(f32, f32)> = range
            .filter_map(|k| match (items[k], slots[k]) {
                (
                    Lb::Glue {
                        stretch, shrink, ..
                    },
                    Slot::Space(si),
                ) => Some((para.styles[si].size, spend(ratio, stretch, shrink))),
                _ => None,
            })
            .collect();
        // What each space adds, letter-spacing included.
        let extra: Vec<f32> = if justify {
            let rest = st.adjust - tracking * st.letters;
            let weight: f32 = spaces.iter().map(|s| s.1).sum();
            let sizes: f32 = spaces.iter().map(|s| s.0).sum();
            spaces
                .iter()
                .map(|&(size, own)| {
                    if weight != 0.0 {
                        rest * own / weight
                    } else {
                        rest * size / sizes
                    }
                })
                .collect()
        } else {
            // A ragged line's spaces keep their own width.
            spaces.iter().map(|&(_, own)| own).collect()
        };
        let ems = st.letters + spaces.iter().map(|s| s.0).sum::<f32>();
        let exact: Vec<f32> = spaces
            .iter()
            .zip(&extra)
            .map(|(&(size, _), e)| (e - tracking * size) * 1000.0 / size)
            .collect();
        let rounded: Vec<f32> = exact.iter().map(|q| q.round()).collect();
        let moved: f32 = spaces
            .iter()
            .zip(exact.iter().zip(&rounded))
            .map(|(&(size, _), (q, r))| (q - r) * size / 1000.0)
            .sum();
        // The rounding is taken back by the letter-spacing, unless that
        // would move it too far or cross its bounds.
        let per_em = tracking + moved / ems;
        Some(
            if (moved / ems).abs() <= TRACKING_ROUNDING_EM
                && (-TRACKING_SHRINK_EM..=TRACKING_STRETCH_EM).contains(&per_em)
            {
                LineSpacing {
                    per_em,
                    thousandths: rounded,
                }
            } else {
                LineSpacing {
                    per_em: tracking,
                    thousandths: exact,
                }
            },
        )
    }

    /// The extra width of the line's `i`-th space at font size `size`.
    fn space_extra(&self, i: usize, size: f32) -> f32 {
        let q = self.thousandths.get(i).copied().unwrap_or(0.0);
        (self.per_em + q / 1000.0) * size
    }
}

/// Appends shaped glyphs (scaled to points) and their clusters to a run;
/// returns the width added. `space_width` overrides the advance of a single
/// justified space; `tracking` is added after each cluster (letter-spacing).
fn append_clusters(
    run: &mut GlyphRun,
    text: &str,
    shaped: &Shaped,
    scale: f32,
    space_width: Option<f32>,
    tracking: f32,
) -> f32 {
    let base = run.text.len();
    let first_glyph = run.glyphs.len();
    run.text.push_str(text);
    if shaped.glyphs.is_empty() {
        // Text that draws nothing (default-ignorable characters alone): a
        // cluster without glyphs, whose text the PDF writer gives to a
        // neighbouring glyph so that it is still extracted.
        if !text.is_empty() {
            run.listed_clusters(base, first_glyph).push(Cluster {
                text: base as u32..(base + text.len()) as u32,
                glyphs: first_glyph as u32..first_glyph as u32,
            });
        }
        return 0.0;
    }
    for g in &shaped.glyphs {
        run.push_glyph(
            Glyph {
                id: g.id,
                x_advance: space_width.unwrap_or(g.advance as f32 * scale),
            },
            GlyphOffset {
                x: g.x_offset as f32 * scale,
                y: g.y_offset as f32 * scale,
            },
        );
    }
    let glyphs = &shaped.glyphs;
    let mut added = 0.0;
    let mut i = 0;
    while i < glyphs.len() {
        let c = glyphs[i].cluster;
        let mut j = i + 1;
        while j < glyphs.len() && glyphs[j].cluster == c {
            j += 1;
        }
        let text_end = glyphs
            .get(j)
            .map_or(text.len(), |g| g.cluster as usize)
            .max(c as usize);
        // The first cluster also takes any text before it (removed
        // default-ignorable characters at the start).
        let text_start = if i == 0 { 0 } else { c as usize };
        // A cluster of one glyph for one character stays implied while
        // all of the run's are (`Clusters::OnePerChar`).
        let single = j == i + 1
            && text[text_start..]
                .chars()
                .next()
                .is_some_and(|ch| text_start + ch.len_utf8() == text_end);
        if !(single && run.clusters == Clusters::OnePerChar) {
            // Offsets within a run, which is at most one line: far below 4 GiB.
            run.listed_clusters(base + text_start, first_glyph + i)
                .push(Cluster {
                    text: (base + text_start) as u32..(base + text_end) as u32,
                    glyphs: (first_glyph + i) as u32..(first_glyph + j) as u32,
                });
        }
        if tracking != 0.0 {
            run.glyphs.make_mut()[first_glyph + j - 1].x_advance += tracking;
        }
        i = j;
    }
    for g in &run.glyphs.as_slice()[first_glyph..] {
        added += g.x_advance;
    }
    added
}

/// Number of clusters in a shaped fragment.
fn count_clusters(shaped: &Shaped) -> usize {
    let mut n = 0;
    let mut last = None;
    for g in &shaped.glyphs {
        if last != Some(g.cluster) {
            n += 1;
            last = Some(g.cluster);
        }
    }
    n
}

/// A paragraph's text with style spans and shaped fragments.
#[derive(Default)]
struct Para {
    /// The text, without soft hyphens.
    text: String,
    /// Byte offsets in `text` where a soft hyphen stood (ascending, each
    /// once): discretionary breaks that draw a hyphen when taken.
    soft_hyphens: Vec<usize>,
    styles: Vec<TextStyle>,
    spans: Vec<(Range<usize>, usize)>,
    /// Marks at text offsets: named destinations and note references.
    anchors: Vec<(usize, Item)>,
    /// Inline objects by the byte offset of their placeholder.
    objects: Vec<(usize, InlineObject)>,
    /// The tokens of `text` that may be URLs.
    urls: urlbreak::Tokens,
}

/// What a line is rendered from.
#[derive(Clone, Copy)]
struct LineCtx<'p> {
    para: &'p Para,
    frags: &'p [Fragment],
    items: &'p [Lb],
    slots: &'p [Slot],
}

impl Para {
    fn style_index(&mut self, style: &TextStyle) -> usize {
        if let Some(i) = self.styles.iter().position(|s| s == style) {
            return i;
        }
        self.styles.push(style.clone());
        self.styles.len() - 1
    }

    /// The soft hyphens at byte offsets in `range`.
    fn soft_hyphens_in(&self, range: Range<usize>) -> &[usize] {
        let from = self.soft_hyphens.partition_point(|&b| b < range.start);
        let to = self.soft_hyphens.partition_point(|&b| b < range.end);
        &self.soft_hyphens[from..to]
    }

    fn style_at(&self, byte: usize) -> usize {
        self.spans
            .iter()
            .find(|(r, _)| r.contains(&byte))
            .or(self.spans.last())
            .map_or(0, |s| s.1)
    }
}
