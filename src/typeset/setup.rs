//! Page geometry: paper, margins, body size and leading, from the
//! [`Theme`] (which the setup carries for every later step).
//!
//! The measure is chosen in characters of the body font (about 70 on A4 and
//! Letter, 62 on A5 — inside the 60–80 that reads well), from the font's real
//! average advance over Vietnamese text; the leading comes from the font's
//! ascender, descender and line gap; the text block holds a whole number of
//! lines so that every body line sits on the same grid.

use crate::cli::Paper;
use crate::fonts::{FontSet, Role, Style};
use crate::frame::Rgb;
use crate::theme::Theme;

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
    /// Every other design number (sizes, spacing, colours, furniture).
    pub theme: Theme,
    /// Body paragraphs set ragged right, not justified (columns too narrow
    /// to justify: the theme's `page.column_justify_min`).
    pub ragged: bool,
}

impl PageSetup {
    /// The geometry for `paper` and the body face of `fonts`, one-sided and
    /// in one column, in the article preset (see [`PageSetup::themed`]).
    pub fn new(paper: Paper, fonts: &FontSet) -> PageSetup {
        PageSetup::one(paper, fonts, &Theme::default())
    }

    /// [`PageSetup::themed`] in the article preset.
    pub fn with(paper: Paper, duplex: bool, columns: usize, fonts: &FontSet) -> PageSetup {
        PageSetup::themed(paper, duplex, columns, fonts, &Theme::default())
    }

    /// One-sided, one column, as `theme` sets it.
    fn one(paper: Paper, fonts: &FontSet, theme: &Theme) -> PageSetup {
        let (width, height) = paper.size_pt();
        let t = &theme.text;
        let small_paper = matches!(paper, Paper::A5 | Paper::Statement);
        let (body_size, chars) = if small_paper {
            (t.size_small_paper, theme.page.measure_chars_small)
        } else {
            (t.size, theme.page.measure_chars)
        };
        let face = fonts.face(Role::Body, Style::REGULAR);
        let m = face.metrics;
        let upem = f32::from(m.units_per_em);
        let pg = &theme.page;
        let (left, measure) = match (pg.inner, pg.outer) {
            (Some(inner), Some(outer)) => {
                let inner = inner.pt(body_size, width).round();
                let outer = outer.pt(body_size, width).round();
                (inner, (width - inner - outer).max(width * 0.25))
            }
            _ => {
                let min_margin = pg.min_side.pt(body_size, width);
                let measure = (chars * average_char_em(face) * body_size)
                    .min(width - 2.0 * min_margin)
                    .round();
                (((width - measure) / 2.0).round(), measure)
            }
        };
        let leading =
            (body_size * crate::theme::derived::leading_ratio(theme, fonts) * 4.0).round() / 4.0;
        let top = pg.top.pt(body_size, height).round();
        let bottom = pg.bottom.pt(body_size, height).round();
        let lines = ((height - top - bottom) / leading).floor();
        PageSetup {
            width,
            height,
            left,
            top,
            measure,
            body_height: lines * leading,
            body_size,
            leading,
            body_ascent: f32::from(m.ascender) / upem * body_size,
            indent: t.indent.pt(body_size, width).round(),
            muted: theme.colours.muted.0,
            duplex: false,
            columns: 1,
            gutter: 0.0,
            theme: theme.clone(),
            ragged: false,
        }
    }

    /// The geometry for `paper`, two-sided or not, in `columns` columns (two
    /// columns: a wider text block and a smaller body, see
    /// `crate::typeset::paginate::columns::fit_setup`);
    /// two-sided pages give the inner margin its `inner_share` (40 %) of the
    /// side margins, unless the theme sets the margins.
    pub fn themed(
        paper: Paper,
        duplex: bool,
        columns: usize,
        fonts: &FontSet,
        theme: &Theme,
    ) -> PageSetup {
        let mut s = PageSetup::one(paper, fonts, theme);
        s.columns = columns.clamp(1, 2);
        let fixed = theme.page.inner.is_some() && theme.page.outer.is_some();
        if s.columns == 2 {
            crate::typeset::paginate::columns::fit_setup(&mut s, fonts, fixed);
        }
        if duplex {
            s.duplex = true;
            if !fixed {
                s.left = ((s.width - s.measure) * theme.page.inner_share).round();
            }
        }
        s
    }

    /// `factor` × the body size, rounded to half points (see
    /// [`Theme::scaled`]).
    pub fn scaled(&self, factor: f32) -> f32 {
        Theme::scaled(self.body_size, factor)
    }

    /// The second size of running text: tables, captions, notes, datelines,
    /// running heads and folios.
    pub fn small(&self) -> f32 {
        self.scaled(self.theme.text.small)
    }

    /// The indent of a block quote, a call-out or a definition.
    pub fn quote_indent(&self) -> f32 {
        self.theme
            .blocks
            .quote_indent
            .pt(self.body_size, self.measure)
            .round()
    }

    /// `lines` × the body leading.
    pub fn lines(&self, lines: f32) -> f32 {
        self.leading * lines
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
