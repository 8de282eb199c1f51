//! The math layout: a [`Formula`]'s MathML Core tree set as glyphs and
//! rules ([`MathBox`]) by the rules of the TeXbook's Appendix G, with the
//! font's parameters from its OpenType `MATH` table (as MathML Core §3
//! does): styles D, T, S, SS and their cramped forms, script sizes from
//! `ScriptPercentScaleDown`, rule 20's inter-atom spacing, fractions,
//! radicals, scripts, limits, accents, growing delimiters and operators,
//! and tables.
//!
//! Token text is shaped with harfrust in the math face (with the `ssty`
//! feature in script styles: STIX Two Math's script glyphs) and `<mtext>`
//! in the body face (so Vietnamese marks stack as in the text).
//!
//! Units are points; y is up (see [`super::boxes`]).

mod font;
mod frac;
mod script;
pub mod spacing;
mod stretch;
mod table;
mod token;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use super::boxes::{MathBox, MathBreak, MathItem};
use super::{Display, Element, Formula, Tag};
use crate::fonts::{Face, FontSet, Role, Style};

use font::{FaceData, K, MathFont};
use spacing::Class;

/// Where a display formula is set, for its equation numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    /// The line width, pt: a display formula's box is this wide.
    pub measure: f32,
    /// How the formula sits in the line.
    pub align: Align,
}

/// A display formula's alignment in its line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Align {
    /// Centred in the measure (TeX's `$$…$$`).
    Center,
    /// Flush left, indented by `indent` pt (LaTeX's `fleqn` with `\mathindent`).
    Left {
        /// The indent, pt.
        indent: f32,
    },
}

/// What the layout needs besides the formula.
#[derive(Clone, Debug)]
pub struct Context {
    /// The math face (with an OpenType `MATH` table).
    pub math: Arc<Face>,
    /// The body faces for `<mtext>`, in the order of [`Style::ALL`]
    /// (regular, italic, bold, bold italic).
    pub text: [Arc<Face>; 4],
    /// The font size, pt (text style; scripts are scaled from it).
    pub size: f32,
    /// For a display formula: its line (`None` for inline formulas, and for
    /// a display formula set at its own width).
    pub display: Option<Placement>,
}

impl Context {
    /// The context for formulas in `fonts` at `size` pt: the math face and
    /// the body faces; an error when the math face cannot be read.
    pub fn new(
        fonts: &FontSet,
        size: f32,
        display: Option<Placement>,
    ) -> Result<Context, crate::diag::Diagnostic> {
        Ok(Context {
            math: Arc::clone(fonts.math()?),
            text: Style::ALL.map(|s| Arc::clone(fonts.face(Role::Body, s))),
            size,
            display,
        })
    }

    /// The body face in `style`.
    pub fn text_face(&self, style: Style) -> &Arc<Face> {
        let i = Style::ALL.iter().position(|s| *s == style).unwrap_or(0);
        &self.text[i]
    }
}

/// Lays out `formula`: inline formulas in text style at their own width,
/// display formulas in display style, as wide as `ctx.display`'s measure
/// when given (the formula centred or indented, equation numbers flush
/// right; TeX's rule: a number that does not fit beside its row goes on a
/// line of its own below it).
pub fn layout(formula: &Formula, ctx: &Context) -> MathBox {
    let Some(engine) = Engine::new(ctx) else {
        // The face was checked for a MATH table when loaded.
        return MathBox::default();
    };
    let st = match formula.display {
        Display::Inline => St::TEXT,
        Display::Block => St::DISPLAY,
    };
    let inline = formula.display == Display::Inline;
    let root = &formula.root;
    // A numbered display: one `<mtable>` whose rows end in a label cell.
    let numbered = root.elements().count() == 1
        && root.elements().next().is_some_and(|t| {
            t.tag == Tag::Mtable && t.elements().any(|tr| super::tex::row_label(tr).is_some())
        });
    if numbered && let Some(table) = root.elements().next() {
        let (body, labels) = engine.numbered_table(table, st);
        return engine.place_display(body, labels, ctx);
    }
    let b = engine.row(&root.children, st, inline);
    if inline || ctx.display.is_none() {
        return b.into_math_box(inline);
    }
    engine.place_display(b, Vec::new(), ctx)
}

/// A TeX style: D, T, S or SS (`level` 0–3), cramped or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct St {
    /// 0 display, 1 text, 2 script, 3 script-script.
    pub level: u8,
    /// Cramped (superscripts raised less).
    pub cramped: bool,
}

impl St {
    pub const DISPLAY: St = St {
        level: 0,
        cramped: false,
    };
    pub const TEXT: St = St {
        level: 1,
        cramped: false,
    };
    /// Display style.
    pub fn display(self) -> bool {
        self.level == 0
    }
    /// The script level: 0 in D and T, 1 in S, 2 in SS.
    pub fn script(self) -> u8 {
        self.level.saturating_sub(1)
    }
    /// The style of a superscript (TeXbook, Appendix G rule 18).
    pub fn sup(self) -> St {
        St {
            level: if self.level <= 1 { 2 } else { 3 },
            cramped: self.cramped,
        }
    }
    /// The style of a subscript: a superscript's, cramped.
    pub fn sub(self) -> St {
        self.sup().cramp()
    }
    /// The style of a numerator (rule 15).
    pub fn num(self) -> St {
        St {
            level: (self.level + 1).min(3),
            cramped: self.cramped,
        }
    }
    /// The style of a denominator: a numerator's, cramped.
    pub fn den(self) -> St {
        self.num().cramp()
    }
    /// This style, cramped.
    pub fn cramp(self) -> St {
        St {
            cramped: true,
            ..self
        }
    }
}

/// A box under construction: the hlist of one element.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bx {
    pub w: f32,
    pub h: f32,
    pub d: f32,
    pub items: Vec<MathItem>,
    /// Italic correction of its last glyph, pt.
    pub italic: f32,
    /// Its atom class in a row.
    pub class: Class,
    /// Explicit `lspace`/`rspace` of an operator (math-core's TeX spacing), pt.
    pub lspace: Option<f32>,
    pub rspace: Option<f32>,
    /// An operator (its default spacing applies).
    pub op: bool,
    /// One glyph of the math face (scripts attach to it by the font's
    /// shifts alone; accents by its attachment point).
    pub glyph: Option<u16>,
    /// x of the top accent attachment, pt.
    pub accent_x: Option<f32>,
    /// A large operator; `limits`: its limits go above and below
    /// (`movablelimits` ones only in display style).
    pub largeop: bool,
    pub movable: bool,
    /// Break points (top-level rows of inline formulas).
    pub breaks: Vec<MathBreak>,
}

impl Bx {
    /// An empty box `w` wide.
    pub fn space(w: f32) -> Bx {
        Bx { w, ..Bx::default() }
    }

    /// Adds `other`'s items at (`dx`, `dy`), growing height and depth
    /// (not the width: callers set it).
    pub fn put(&mut self, other: &Bx, dx: f32, dy: f32) {
        self.items
            .extend(other.items.iter().map(|i| shifted(i, dx, dy)));
        self.h = self.h.max(other.h + dy);
        self.d = self.d.max(other.d - dy);
    }

    /// Adds a rule.
    pub fn rule(&mut self, x: f32, y: f32, width: f32, height: f32) {
        self.items.push(MathItem::Rule {
            x,
            y,
            width,
            height,
        });
        self.h = self.h.max(y + height);
        self.d = self.d.max(-y);
    }

    /// The box as the layout's output.
    fn into_math_box(self, inline: bool) -> MathBox {
        MathBox {
            width: self.w,
            height: self.h,
            depth: self.d,
            items: self.items,
            breaks: if inline { self.breaks } else { Vec::new() },
        }
    }
}

/// `item` moved by (`dx`, `dy`).
fn shifted(item: &MathItem, dx: f32, dy: f32) -> MathItem {
    match *item {
        MathItem::Glyph {
            x,
            y,
            face,
            size,
            gid,
            advance,
        } => MathItem::Glyph {
            x: x + dx,
            y: y + dy,
            face,
            size,
            gid,
            advance,
        },
        MathItem::Rule {
            x,
            y,
            width,
            height,
        } => MathItem::Rule {
            x: x + dx,
            y: y + dy,
            width,
            height,
        },
    }
}

/// The faces parsed for one layout, and the context.
pub(crate) struct Engine<'a> {
    pub font: MathFont<'a>,
    pub text: Vec<FaceData<'a>>,
    pub ctx: &'a Context,
    /// Script and script-script scale factors.
    pub scales: (f32, f32),
}

impl<'a> Engine<'a> {
    fn new(ctx: &'a Context) -> Option<Engine<'a>> {
        let font = MathFont::new(&ctx.math)?;
        let scales = font.script_scales();
        Some(Engine {
            text: ctx.text.iter().map(FaceData::new).collect(),
            font,
            ctx,
            scales,
        })
    }

    /// The font size in style `st`, pt.
    pub fn size(&self, st: St) -> f32 {
        self.ctx.size
            * match st.script() {
                0 => 1.0,
                1 => self.scales.0,
                _ => self.scales.1,
            }
    }

    /// Font units of the math face → pt in style `st`.
    pub fn pt(&self, st: St, units: f32) -> f32 {
        units * self.size(st) / self.font.data.upem
    }

    /// A `MATH` constant in pt in style `st`.
    pub fn k(&self, st: St, k: K) -> f32 {
        self.pt(st, self.font.k(k))
    }

    /// One em in style `st`, pt.
    pub fn em(&self, st: St) -> f32 {
        self.size(st)
    }

    /// Lays out one element in style `st`.
    pub fn node(&self, e: &Element, st: St) -> Bx {
        let st = self.restyle(e, st);
        match e.tag {
            // A `\big…` delimiter (`minsize`) wherever it stands, e.g. as
            // the base of `\Big|_0^1`: grown to its size. (In a row, the
            // row's stretch pass grows it with the other fences.)
            Tag::Mo if e.attr("minsize").is_some() => self.stretched_mo(e, st, 0.0),
            Tag::Mi | Tag::Mn | Tag::Mo | Tag::Mtext | Tag::Ms => self.token(e, st),
            Tag::Mspace => {
                let em = self.em(st);
                let mut b = Bx::space(length(e.attr("width"), em).unwrap_or(0.0));
                b.h = length(e.attr("height"), em).unwrap_or(0.0);
                b.d = length(e.attr("depth"), em).unwrap_or(0.0);
                b
            }
            Tag::Mfrac => self.frac(e, st),
            Tag::Msqrt | Tag::Mroot => self.radical(e, st),
            Tag::Msub | Tag::Msup | Tag::Msubsup => self.scripts(e, st),
            Tag::Munder | Tag::Mover | Tag::Munderover => self.underover(e, st),
            Tag::Mmultiscripts => self.multiscripts(e, st),
            Tag::Mtable => self.table(e, st),
            Tag::Mphantom => {
                let b = self.row(&e.children, st, false);
                Bx {
                    w: b.w,
                    h: b.h,
                    d: b.d,
                    ..Bx::default()
                }
            }
            Tag::Mpadded => self.padded(e, st),
            Tag::Semantics => e
                .elements()
                .next()
                .map_or_else(Bx::default, |c| self.node(c, st)),
            Tag::Annotation | Tag::Mprescripts => Bx::default(),
            _ => {
                let mut b = self.row(&e.children, st, false);
                // A row that is one operator (an embellished operator in a
                // row) keeps its class; a fenced row is Inner.
                let kids: Vec<&Element> = e.elements().collect();
                if kids.len() == 1 {
                    return b;
                }
                b.class = if kids.len() >= 2
                    && kids.first().is_some_and(|k| {
                        k.tag == Tag::Mo && spacing::class_of(&k.text()) == Class::Open
                    }) {
                    Class::Inner
                } else {
                    Class::Ord
                };
                b.op = false;
                b.lspace = None;
                b.rspace = None;
                b.glyph = None;
                b.largeop = false;
                b
            }
        }
    }

    /// The style inside `e`: `displaystyle` and `scriptlevel` attributes
    /// (`<mstyle>`, `<mtable>`, `<mfrac>` is handled by [`Engine::frac`]).
    fn restyle(&self, e: &Element, st: St) -> St {
        if e.tag == Tag::Mfrac {
            return st;
        }
        let mut st = st;
        if let Some(level) = e.attr("scriptlevel") {
            let script = match level.trim() {
                l if l.starts_with('+') => st.script() as i32 + l[1..].parse::<i32>().unwrap_or(0),
                l if l.starts_with('-') => st.script() as i32 - l[1..].parse::<i32>().unwrap_or(0),
                l => l.parse::<i32>().unwrap_or(st.script() as i32),
            }
            .clamp(0, 2) as u8;
            if script > 0 {
                st.level = script + 1;
            } else if st.level > 1 {
                st.level = 1;
            }
        }
        match e.attr("displaystyle") {
            Some("true") => st.level = 0,
            Some("false") if st.level == 0 => st.level = 1,
            _ => {}
        }
        st
    }

    /// A row: its children set side by side with rule 20's spaces, stretchy
    /// fences grown to cover the rest (rule 19: `\delimiterfactor` 901,
    /// `\delimitershortfall` 5pt), and (for an inline formula's outer row)
    /// its break points after relations and binary operators.
    pub fn row(&self, children: &[super::Node], st: St, top: bool) -> Bx {
        let kids: Vec<&Element> = children
            .iter()
            .filter_map(|n| match n {
                super::Node::Element(e) => Some(e),
                super::Node::Text(_) => None,
            })
            .collect();
        let mut boxes: Vec<Bx> = kids.iter().map(|k| self.node(k, st)).collect();
        let n = kids.len();
        // Stretchy operators: fences by default, or `stretchy="true"`.
        let stretchy: Vec<bool> = kids
            .iter()
            .enumerate()
            .map(|(i, k)| {
                if k.tag != Tag::Mo {
                    return false;
                }
                match k.attr("stretchy") {
                    Some("true") => true,
                    Some(_) => k.attr("minsize").is_some(),
                    None => {
                        spacing::is_fence(&k.text()) && (i == 0 || i + 1 == n)
                            || k.attr("minsize").is_some()
                    }
                }
            })
            .collect();
        if stretchy.iter().any(|s| *s) {
            let axis = self.k(st, K::AxisHeight);
            let (mut h, mut d) = (0.0f32, 0.0f32);
            for (b, s) in boxes.iter().zip(&stretchy) {
                if !s {
                    h = h.max(b.h);
                    d = d.max(b.d);
                }
            }
            let delta = (h - axis).max(d + axis);
            let size = (2.0 * delta * 0.901).max(2.0 * delta - 5.0 * self.ctx.size / 10.0);
            for (i, k) in kids.iter().enumerate() {
                if stretchy[i] {
                    boxes[i] = self.stretched_mo(k, st, size);
                }
            }
        }
        // Classes, with bars as fences at the ends, then rules 5 and 6.
        let mut classes: Vec<Class> = boxes.iter().map(|b| b.class).collect();
        for (i, k) in kids.iter().enumerate() {
            if k.tag == Tag::Mo && spacing::is_bar(&k.text()) && k.attr("stretchy") != Some("false")
            {
                if i == 0 && n > 1 {
                    classes[i] = Class::Open;
                } else if i + 1 == n && n > 1 {
                    classes[i] = Class::Close;
                }
            }
        }
        spacing::resolve_bins(&mut classes);
        let script = st.script() > 0;
        let mu = self.em(st) / 18.0;
        let mut out = Bx {
            class: Class::Ord,
            ..Bx::default()
        };
        let mut x = 0.0;
        for i in 0..n {
            let b = &boxes[i];
            out.put(b, x, 0.0);
            x += b.w;
            out.italic = b.italic;
            if i + 1 < n {
                let next = &boxes[i + 1];
                let gap = if b.rspace.is_some() || next.lspace.is_some() {
                    let right = b
                        .rspace
                        .unwrap_or_else(|| default_space(b, classes[i], script, false) * mu);
                    let left = next
                        .lspace
                        .unwrap_or_else(|| default_space(next, classes[i + 1], script, true) * mu);
                    right + left
                } else {
                    spacing::space_mu(classes[i], classes[i + 1], script) * mu
                };
                if top {
                    let penalty = match classes[i] {
                        Class::Rel if classes[i + 1] != Class::Rel => Some(500),
                        Class::Bin => Some(700),
                        _ => None,
                    };
                    if let Some(penalty) = penalty {
                        out.breaks.push(MathBreak {
                            item: out.items.len(),
                            x_end: x,
                            x_resume: x + gap,
                            penalty,
                        });
                    }
                }
                x += gap;
            }
        }
        out.w = x;
        if n == 1 {
            let b = &boxes[0];
            out.class = b.class;
            out.op = b.op;
            out.lspace = b.lspace;
            out.rspace = b.rspace;
            out.glyph = b.glyph;
            out.accent_x = b.accent_x;
            out.largeop = b.largeop;
            out.movable = b.movable;
        }
        out
    }

    /// `<mpadded>`: its row with the widths, heights, depths and offsets
    /// of its attributes (absolute lengths; `+`/`-` relative to the row's).
    fn padded(&self, e: &Element, st: St) -> Bx {
        let inner = self.row(&e.children, st, false);
        let em = self.em(st);
        let adjust = |attr: &str, current: f32| -> f32 {
            match e.attr(attr).map(str::trim) {
                Some(v) if v.starts_with('+') => current + length(Some(&v[1..]), em).unwrap_or(0.0),
                Some(v) if v.starts_with('-') => current - length(Some(&v[1..]), em).unwrap_or(0.0),
                Some(v) => length(Some(v), em).unwrap_or(current),
                None => current,
            }
        };
        let lspace = adjust("lspace", 0.0);
        let voffset = adjust("voffset", 0.0);
        let mut b = Bx::default();
        b.put(&inner, lspace, voffset);
        b.w = adjust("width", inner.w);
        b.h = adjust("height", inner.h);
        b.d = adjust("depth", inner.d);
        b
    }
}

/// The space an operator has on one side when the other side's was
/// written explicitly, in mu: MathML's operator dictionary defaults
/// (relations 5, binary operators 4, large operators 3; none in scripts
/// for the first two; punctuation 3 after).
fn default_space(b: &Bx, class: Class, script: bool, left: bool) -> f32 {
    if !b.op {
        return 0.0;
    }
    match class {
        Class::Rel if !script => 5.0,
        Class::Bin if !script => 4.0,
        Class::Op => 3.0,
        Class::Punct if !left => 3.0,
        _ => 0.0,
    }
}

/// A CSS/MathML length in pt: `em`, `ex` (0.43 em), `pt`, `px` (0.75 pt),
/// `mu` (1/18 em), `in`, `cm`, `mm`, or a bare number (pt).
pub(crate) fn length(value: Option<&str>, em: f32) -> Option<f32> {
    let v = value?.trim();
    let units: [(&str, f32); 9] = [
        ("em", em),
        ("ex", 0.43 * em),
        ("pt", 1.0),
        ("px", 0.75),
        ("mu", em / 18.0),
        ("in", 72.0),
        ("cm", 72.0 / 2.54),
        ("mm", 72.0 / 25.4),
        ("pc", 12.0),
    ];
    for (unit, scale) in units {
        if let Some(n) = v.strip_suffix(unit) {
            return n.trim().parse::<f32>().ok().map(|n| n * scale);
        }
    }
    v.parse::<f32>().ok()
}
