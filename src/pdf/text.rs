//! Glyph runs: what each glyph gives back on extraction, and the `TJ`
//! operators that place every glyph at exactly the layout's position.

use super::content::{CHAR_SPACING_DECIMALS, Content, TjArray};
use super::fonts::FontUse;
use crate::frame::{Glyph, GlyphOffset, GlyphRun};
use std::borrow::Cow;
use std::ops::Range;

/// Offsets smaller than this (points) count as "not positioned".
const EPS: f32 = 0.005;

/// A cluster as the PDF writer sees it: some source text and the glyphs
/// that draw it (never empty: clusters without glyphs are merged).
pub(crate) struct Unit<'a> {
    text: Cow<'a, str>,
    glyphs: &'a [Glyph],
    /// The glyphs' offsets: empty if none is moved, else one each.
    offsets: &'a [GlyphOffset],
    /// The whole run had to be taken as one unit (inconsistent clusters).
    fallback: bool,
}

impl Unit<'_> {
    /// Whether this unit's text can come from 1:1 glyph-to-character maps.
    pub fn one_to_one(&self) -> bool {
        self.text.chars().count() == self.glyphs.len()
    }

    /// Calls `f` with what each glyph's ToUnicode entry should be for this
    /// unit: one character each, or the whole text on the first glyph and
    /// nothing on the others.
    pub fn for_each_proposal<'s>(&'s self, mut f: impl FnMut(u16, &'s str)) {
        let text: &'s str = &self.text;
        if self.one_to_one() {
            for (g, t) in self.glyphs.iter().zip(char_strs(text)) {
                f(g.id, t);
            }
        } else {
            for (i, g) in self.glyphs.iter().enumerate() {
                f(g.id, if i == 0 { text } else { "" });
            }
        }
    }

    /// Whether extraction needs an `/ActualText` span for this unit, given
    /// the font's final ToUnicode map.
    fn needs_actual_text(&self, font: &FontUse) -> bool {
        if self.fallback || self.offsets.iter().any(moved) {
            return true;
        }
        // The common case: one glyph for one character.
        if let [g] = self.glyphs {
            return !font.maps_to(g.id, &self.text);
        }
        // Glyphs that give back nothing but take room would read as a gap.
        if !self.one_to_one() && self.glyphs[1..].iter().any(|g| g.x_advance.abs() > EPS) {
            return true;
        }
        let mut differs = false;
        self.for_each_proposal(|g, t| differs |= !font.maps_to(g, t));
        differs
    }
}

fn valid_clusters(run: &GlyphRun, glyph_count: usize) -> bool {
    let mut next_glyph = 0;
    run.clusters().all(|c| {
        let glyphs = c.glyph_range();
        let ok = glyphs.start == next_glyph
            && glyphs.end >= glyphs.start
            && glyphs.end <= glyph_count
            && c.text.start <= c.text.end
            && run.text.get(c.text_range()).is_some();
        next_glyph = glyphs.end;
        ok
    }) && next_glyph == glyph_count
}

/// Whether an offset moves a glyph visibly.
fn moved(o: &GlyphOffset) -> bool {
    o.x.abs() > EPS || o.y.abs() > EPS
}

/// The offsets of the glyphs `range` of `run` (empty: none moved).
fn offsets_of(run: &GlyphRun, range: Range<usize>) -> &[GlyphOffset] {
    run.offsets.get(range).unwrap_or(&[])
}

/// Splits a run into units. Clusters without glyphs give their text to the
/// previous unit (or the next one); inconsistent cluster data makes the
/// whole run one unit that is always extracted through `/ActualText`.
/// `glyphs` are the run's, listed in full ([`crate::frame::Glyphs::as_slice`]).
pub(crate) fn units<'a>(run: &'a GlyphRun, glyphs: &'a [Glyph]) -> Vec<Unit<'a>> {
    if glyphs.is_empty() {
        return Vec::new();
    }
    if !valid_clusters(run, glyphs.len()) {
        return vec![Unit {
            text: Cow::Borrowed(&run.text),
            glyphs,
            offsets: &run.offsets,
            fallback: true,
        }];
    }
    let mut out: Vec<Unit> = Vec::new();
    let mut pending = String::new();
    for c in run.clusters() {
        let text = &run.text[c.text_range()];
        if c.glyphs.is_empty() {
            match out.last_mut() {
                Some(last) => last.text.to_mut().push_str(text),
                None => pending.push_str(text),
            }
            continue;
        }
        let text = if pending.is_empty() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(std::mem::take(&mut pending) + text)
        };
        out.push(Unit {
            text,
            glyphs: &glyphs[c.glyph_range()],
            offsets: offsets_of(run, c.glyph_range()),
            fallback: false,
        });
    }
    out
}

/// The character spacing (`Tc`, points, as written): the run's
/// letter-spacing ([`GlyphRun::letter_spacing`], the line's), rounded as
/// the content stream writes it. Glyphs whose advance differs (word spaces,
/// kerned pairs, the untracked last word of a line) keep a number in the
/// `TJ` array. Guessing it from the advances instead (the most common
/// difference from the font's widths) picked a kern or a word space in
/// short runs: −27/1000 em on an italic run of `mixed.md`.
fn char_spacing(run: &GlyphRun) -> f32 {
    super::content::round(run.letter_spacing, CHAR_SPACING_DECIMALS)
}

/// Each glyph of a run that is one glyph per character
/// ([`GlyphRun::one_glyph_per_char`], the common case for Vietnamese text in
/// NFC: such a run needs no units to be worked out) with its character:
/// `glyphs` are the run's, listed in full, and `text` its text.
pub(crate) fn glyph_chars<'a>(
    glyphs: &'a [Glyph],
    text: &'a str,
) -> impl Iterator<Item = (&'a Glyph, &'a str)> {
    glyphs.iter().zip(char_strs(text))
}

/// Each character of `text` as the string slice that holds it.
fn char_strs(text: &str) -> impl Iterator<Item = &str> {
    text.char_indices()
        .map(|(at, c)| &text[at..at + c.len_utf8()])
}

/// Whether `run` can be written glyph by glyph: one glyph per character,
/// each at its pen position, each giving its own character back through
/// the font's ToUnicode map (so no `/ActualText` is needed).
fn plain(run: &GlyphRun, glyphs: &[Glyph], font: &FontUse) -> bool {
    run.one_glyph_per_char()
        && !run.offsets.iter().any(moved)
        && glyph_chars(glyphs, &run.text).all(|(g, t)| font.maps_to(g.id, t))
}

/// `v` rounded half away from zero, as `f32::round` does, without the call
/// to libm that `round` costs on baseline x86-64 (where every glyph of the
/// document passes through here).
fn round_i32(v: f32) -> i32 {
    let v = f64::from(v);
    if v >= 0.0 {
        (v + 0.5) as i32
    } else {
        (v - 0.5) as i32
    }
}

/// Writes glyphs at their places in one `TJ` array: the pen of the viewer
/// (`pdf_x`, advanced by `/W` widths and `Tc`) is brought to each glyph's
/// place in the layout with an adjustment in thousandths of an em.
struct Placer<'f> {
    font: &'f FontUse,
    size: f32,
    spacing: f32,
    pdf_x: f32,
}

impl Placer<'_> {
    fn width(&self, g: &Glyph) -> f32 {
        self.font.width(g.id) * self.size / 1000.0
    }

    fn place(&mut self, tj: &mut TjArray, target: f32, g: &Glyph) {
        let adj = round_i32((self.pdf_x - target) * 1000.0 / self.size);
        if adj != 0 {
            tj.adjust(adj);
            self.pdf_x -= adj as f32 * self.size / 1000.0;
        }
        tj.glyph(self.font.code_of(g.id), self.font.one_byte);
        self.pdf_x += self.width(g) + self.spacing;
    }
}

/// Writes one glyph run with its first glyph's baseline origin at `(x, y)`
/// (PDF coordinates, y up).
pub(crate) fn write_run(c: &mut Content, run: &GlyphRun, x: f32, y: f32, font: &FontUse) {
    if run.glyphs.is_empty() || run.size <= 0.0 {
        return;
    }
    c.begin_text();
    c.set_font(&font.res_name, run.size);
    c.set_fill(run.color);
    c.move_text_to(x, y);

    let mut placer = Placer {
        font,
        size: run.size,
        spacing: 0.0,
        pdf_x: 0.0,
    };
    placer.spacing = char_spacing(run);
    c.set_char_spacing(placer.spacing);
    let mut tj = TjArray::default();
    // Listed in full once (a finished run stores them packed).
    let glyphs = run.glyphs.as_slice();
    if plain(run, &glyphs, font) {
        let mut pen = 0.0f32;
        for g in glyphs.iter() {
            placer.place(&mut tj, pen, g);
            pen += g.x_advance;
        }
        tj.flush(c);
        return;
    }
    let units = units(run, &glyphs);
    let actual: Vec<bool> = units
        .iter()
        .map(|u| !c.covered && u.needs_actual_text(font))
        .collect();
    let mut pen = 0.0f32;
    let mut i = 0;
    while i < units.len() {
        // A span of consecutive units with the same need for ActualText.
        let span: Range<usize> = i..(i..units.len())
            .find(|&j| actual[j] != actual[i])
            .unwrap_or(units.len());
        if actual[i] {
            tj.flush(c);
            let text: String = units[span.clone()].iter().map(|u| &*u.text).collect();
            c.begin_actual_text(&text);
        }
        // Where each glyph goes, and where its advance (as the viewer
        // knows it, from /W) ends.
        let mut placed: Vec<(f32, &Glyph, f32)> = Vec::new();
        for u in &units[span.clone()] {
            for (k, g) in u.glyphs.iter().enumerate() {
                let offset = u.offsets.get(k).copied().unwrap_or_default();
                placed.push((pen + offset.x, g, offset.y));
                pen += g.x_advance;
            }
        }
        if actual[i] {
            // Extractors take an ActualText span's extent from its last
            // glyph: draw the glyph that reaches furthest right last, so a
            // mark moved back over its base does not open a word gap.
            placed.sort_by(|a, b| (a.0 + placer.width(a.1)).total_cmp(&(b.0 + placer.width(b.1))));
        }
        for (target, g, rise) in placed {
            if (rise - c.rise).abs() > EPS {
                tj.flush(c);
                c.set_rise(rise);
            }
            placer.place(&mut tj, target, g);
        }
        if actual[i] {
            tj.flush(c);
            c.end_actual_text();
        }
        i = span.end;
    }
    tj.flush(c);
    if c.rise != 0.0 {
        c.set_rise(0.0);
    }
}
