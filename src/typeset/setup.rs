//! Page geometry: paper, margins, body size and leading.
//!
//! The measure is chosen in characters of the body font (about 70 on A4 and
//! Letter, 62 on A5 — inside the 60–80 that reads well), from the font's real
//! average advance over Vietnamese text; the leading comes from the font's
//! ascender, descender and line gap; the text block holds a whole number of
//! lines so that every body line sits on the same grid.

use crate::cli::Paper;
use crate::fonts::{FontSet, Role, Style};
use crate::frame::Rgb;

/// Sample text used to measure the body font's average character width.
const SAMPLE: &str = "Trong 5 năm qua, Ban Chỉ đạo Tây Bắc và Ban Dân vận Trung ương đã bám sát \
nội dung quy chế phối hợp, triển khai thực hiện nhiệm vụ cụ thể, sát với kế hoạch của hai cơ quan.";

/// The geometry and base sizes of every page.
#[derive(Clone, Debug)]
pub struct PageSetup {
    /// Paper width in points.
    pub width: f32,
    /// Paper height in points.
    pub height: f32,
    /// Left edge of the text block.
    pub left: f32,
    /// Top edge of the text block.
    pub top: f32,
    /// Width of the text block (the measure).
    pub measure: f32,
    /// Height of the text block: a whole number of body lines.
    pub body_height: f32,
    /// Body font size.
    pub body_size: f32,
    /// Baseline-to-baseline distance of body text.
    pub leading: f32,
    /// Ascent of the body font at body size (first baseline below a line top).
    pub body_ascent: f32,
    /// Paragraph indent.
    pub indent: f32,
    /// Colour of secondary text (datelines, running heads, folios).
    pub muted: Rgb,
    /// Two-sided: mirrored margins (`left` is the inner margin of right-hand
    /// pages, the outer one of left-hand pages), folios at the outer corners.
    pub duplex: bool,
    /// Columns of body text (1 or 2).
    pub columns: usize,
    /// Space between two columns.
    pub gutter: f32,
    /// Body paragraphs set ragged right, not justified (columns too narrow
    /// to justify: see [`crate::typeset::paginate::columns::JUSTIFY_MIN_CHARS`]).
    pub ragged: bool,
}

impl PageSetup {
    /// The geometry for `paper` and the body face of `fonts`.
    pub fn new(paper: Paper, fonts: &FontSet) -> PageSetup {
        let (width, height) = paper.size_pt();
        let (body_size, chars) = match paper {
            Paper::A5 | Paper::Statement => (10.5, 62.0),
            Paper::A4 | Paper::Letter => (11.5, 70.0),
        };
        let face = fonts.face(Role::Body, Style::REGULAR);
        let m = face.metrics;
        let upem = f32::from(m.units_per_em);
        let avg_em = average_char_em(face);
        let min_margin = width * 0.12;
        let measure = (chars * avg_em * body_size)
            .min(width - 2.0 * min_margin)
            .round();
        let natural = f32::from(m.ascender) - f32::from(m.descender) + f32::from(m.line_gap);
        let leading = (body_size * (natural / upem).clamp(1.25, 1.45) * 4.0).round() / 4.0;
        let top = (height * 0.085).round();
        let bottom = (height * 0.11).round();
        let lines = ((height - top - bottom) / leading).floor();
        PageSetup {
            width,
            height,
            left: ((width - measure) / 2.0).round(),
            top,
            measure,
            body_height: lines * leading,
            body_size,
            leading,
            body_ascent: f32::from(m.ascender) / upem * body_size,
            indent: (body_size * 1.25).round(),
            muted: Rgb(0.33, 0.33, 0.33),
            duplex: false,
            columns: 1,
            gutter: 0.0,
            ragged: false,
        }
    }

    /// The geometry for `paper`, two-sided or not, in `columns` columns (two
    /// columns: a wider text block and a smaller body, see
    /// [`crate::typeset::paginate::columns::fit_setup`]);
    /// two-sided pages give 40 % of the side margins to the inner one.
    pub fn with(paper: Paper, duplex: bool, columns: usize, fonts: &FontSet) -> PageSetup {
        let mut s = PageSetup::new(paper, fonts);
        s.columns = columns.clamp(1, 2);
        if s.columns == 2 {
            crate::typeset::paginate::columns::fit_setup(&mut s, fonts);
        }
        if duplex {
            s.duplex = true;
            s.left = ((s.width - s.measure) * 0.4).round();
        }
        s
    }

    /// Left edge of the text block on page `p` (zero-based; even pages are
    /// right-hand pages when two-sided).
    pub fn left_on(&self, p: usize) -> f32 {
        if self.duplex && p % 2 == 1 {
            self.width - self.measure - self.left
        } else {
            self.left
        }
    }

    /// Width of one column: the measure when there is one.
    pub fn column_width(&self) -> f32 {
        if self.columns == 2 {
            ((self.measure - self.gutter) / 2.0).floor()
        } else {
            self.measure
        }
    }

    /// Bottom edge of the text block.
    pub fn bottom(&self) -> f32 {
        self.top + self.body_height
    }
}

/// Average advance per character of `face` over Vietnamese sample text, in ems.
pub(crate) fn average_char_em(face: &crate::fonts::Face) -> f32 {
    use read_fonts::TableProvider;
    let font = face.font_ref();
    let Ok(hmtx) = font.hmtx() else {
        return 0.5;
    };
    let mut total = 0u32;
    let mut n = 0u32;
    for c in SAMPLE.chars() {
        if let Some(g) = face.glyph_id(c) {
            total += u32::from(
                hmtx.advance(read_fonts::types::GlyphId::new(u32::from(g)))
                    .unwrap_or(0),
            );
            n += 1;
        }
    }
    if n == 0 {
        return 0.5;
    }
    total as f32 / n as f32 / f32::from(face.metrics.units_per_em)
}
