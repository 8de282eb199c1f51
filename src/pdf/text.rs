//! Glyph runs: what each glyph gives back on extraction, and the `TJ`
//! operators that place every glyph at exactly the layout's position.

use super::content::{Content, TjArray};
use super::fonts::FontUse;
use crate::frame::{Glyph, GlyphRun};
use std::borrow::Cow;
use std::ops::Range;

/// Offsets smaller than this (points) count as "not positioned".
const EPS: f32 = 0.005;

/// A cluster as the PDF writer sees it: some source text and the glyphs
/// that draw it (never empty: clusters without glyphs are merged).
pub(crate) struct Unit<'a> {
    text: Cow<'a, str>,
    glyphs: &'a [Glyph],
    /// The whole run had to be taken as one unit (inconsistent clusters).
    fallback: bool,
}

impl Unit<'_> {
    /// Whether this unit's text can come from 1:1 glyph-to-character maps.
    pub fn one_to_one(&self) -> bool {
        self.text.chars().count() == self.glyphs.len()
    }

    /// What each glyph's ToUnicode entry should be for this unit: one
    /// character each, or the whole text on the first glyph and nothing on
    /// the others.
    pub fn proposals(&self) -> Vec<(u16, &str)> {
        if self.one_to_one() {
            let text: &str = &self.text;
            let chars = text.char_indices().map(|(i, c)| &text[i..i + c.len_utf8()]);
            self.glyphs.iter().map(|g| g.id).zip(chars).collect()
        } else {
            let texts = std::iter::once(&*self.text).chain(std::iter::repeat(""));
            self.glyphs.iter().map(|g| g.id).zip(texts).collect()
        }
    }

    /// Whether extraction needs an `/ActualText` span for this unit, given
    /// the font's final ToUnicode map.
    fn needs_actual_text(&self, font: &FontUse) -> bool {
        self.fallback
            || self
                .glyphs
                .iter()
                .any(|g| g.x_offset.abs() > EPS || g.y_offset.abs() > EPS)
            // Glyphs that give back nothing but take room would read as a gap.
            || (!self.one_to_one() && self.glyphs[1..].iter().any(|g| g.x_advance.abs() > EPS))
            || self.proposals().into_iter().any(|(g, t)| !font.maps_to(g, t))
    }
}

fn valid_clusters(run: &GlyphRun) -> bool {
    let mut next_glyph = 0;
    run.clusters.iter().all(|c| {
        let ok = c.glyphs.start == next_glyph
            && c.glyphs.end >= c.glyphs.start
            && c.glyphs.end <= run.glyphs.len()
            && c.text.start <= c.text.end
            && run.text.get(c.text.clone()).is_some();
        next_glyph = c.glyphs.end;
        ok
    }) && next_glyph == run.glyphs.len()
}

/// Splits a run into units. Clusters without glyphs give their text to the
/// previous unit (or the next one); inconsistent cluster data makes the
/// whole run one unit that is always extracted through `/ActualText`.
pub(crate) fn units(run: &GlyphRun) -> Vec<Unit<'_>> {
    if run.glyphs.is_empty() {
        return Vec::new();
    }
    if !valid_clusters(run) {
        return vec![Unit {
            text: Cow::Borrowed(&run.text),
            glyphs: &run.glyphs,
            fallback: true,
        }];
    }
    let mut out: Vec<Unit> = Vec::new();
    let mut pending = String::new();
    for c in &run.clusters {
        let text = &run.text[c.text.clone()];
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
            glyphs: &run.glyphs[c.glyphs.clone()],
            fallback: false,
        });
    }
    out
}

/// Writes one glyph run with its first glyph's baseline origin at `(x, y)`
/// (PDF coordinates, y up).
pub(crate) fn write_run(c: &mut Content, run: &GlyphRun, x: f32, y: f32, font: &FontUse) {
    let units = units(run);
    if units.is_empty() || run.size <= 0.0 {
        return;
    }
    c.begin_text();
    c.set_font(&font.res_name, run.size);
    c.set_fill(run.color);
    c.move_text_to(x, y);

    let actual: Vec<bool> = units.iter().map(|u| u.needs_actual_text(font)).collect();
    let mut tj = TjArray::default();
    let (mut pen, mut pdf_x) = (0.0f32, 0.0f32);
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
        let width = |g: &Glyph| font.widths.get(&g.id).copied().unwrap_or(0.0) * run.size / 1000.0;
        let mut placed: Vec<(f32, &Glyph)> = Vec::new();
        for g in units[span.clone()].iter().flat_map(|u| u.glyphs) {
            placed.push((pen + g.x_offset, g));
            pen += g.x_advance;
        }
        if actual[i] {
            // Extractors take an ActualText span's extent from its last
            // glyph: draw the glyph that reaches furthest right last, so a
            // mark moved back over its base does not open a word gap.
            placed.sort_by(|a, b| (a.0 + width(a.1)).total_cmp(&(b.0 + width(b.1))));
        }
        for (target, g) in placed {
            if (g.y_offset - c.rise).abs() > EPS {
                tj.flush(c);
                c.set_rise(g.y_offset);
            }
            let adj = ((pdf_x - target) * 1000.0 / run.size).round() as i32;
            if adj != 0 {
                tj.adjust(adj);
                pdf_x -= adj as f32 * run.size / 1000.0;
            }
            tj.glyph(font.code_of(g.id));
            pdf_x += width(g);
        }
        if actual[i] {
            tj.flush(c);
            c.end_marked_content();
        }
        i = span.end;
    }
    tj.flush(c);
    if c.rise != 0.0 {
        c.set_rise(0.0);
    }
}
