//! The theme: every design number of both outputs in one typed value.
//!
//! Page geometry, type sizes and leading, spacing, colours, rules, list
//! markers, the heading scale, page furniture, the article's newspaper
//! conventions and the booklet's gatherings and printer's marks live here
//! and nowhere else: the typesetter reads them through
//! [`crate::typeset::setup::PageSetup`] (the imposition reads
//! [`BookletTheme`]), and the EPUB's stylesheet is
//! generated from the same values ([`crate::epub`]'s `css`), so that the
//! two outputs cannot drift apart.
//!
//! Three presets ([`Preset`]): `article` (the default for a Markdown file:
//! the Vietnamese press's dateline, bold sapo and the closing "Theo …"
//! attribution set flush right in italics), `book` (the default for a book
//! project) and `handout` (A4, 13 pt, the margins and page numbering of
//! Vietnamese official documents, Decree 30/2020/NĐ-CP, Appendix I: margins
//! top and bottom 20 mm, left 30 mm, right 15 mm; page numbers centred in the
//! top margin, none on the first page; a first-line indent of 1 cm).
//!
//! A theme file (`--theme FILE`, front matter `theme: FILE`, or `[trang]
//! theme` in `book.toml`) is TOML with the same sections and keys as
//! [`Theme`]; it names the preset it starts from with `extends = "book"`
//! (default: the document's own preset) and changes only the keys it sets
//! ([`load`]). Lengths are strings with a unit (`"12mm"`, `"10.5pt"`,
//! `"1.5em"`, `"8.5%"` of the paper's height or width); sizes relative to
//! the body text are plain numbers (`1.55` = 1.55 × the body size); colours
//! are `"#rrggbb"`.

pub mod derived;
mod length;
mod load;

use serde::{Deserialize, Serialize};

pub use length::{Colour, Length};
pub use load::{ThemeName, load, resolve_name};

/// Every design number of the PDF and the EPUB (see the module docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Theme {
    /// The preset this theme starts from (a file's `extends`).
    pub extends: Preset,
    /// Paper geometry: margins, measure, columns.
    pub page: PageTheme,
    /// Body text: size, leading, indent, the type scale.
    pub text: TextTheme,
    /// Headings, title block and the book's display pages.
    pub headings: HeadingTheme,
    /// Vertical space and the look of blocks (quotes, lists, code, tables,
    /// figures, notes).
    pub blocks: BlockTheme,
    /// Colours.
    pub colours: Colours,
    /// Running heads and folios.
    pub furniture: Furniture,
    /// The press conventions of an article.
    pub article: ArticleTheme,
    /// The booklet's gatherings and printer's marks.
    pub booklet: BookletTheme,
    /// How pages (and columns) are filled: keeps, holes, floats.
    pub pages: PagesTheme,
}

/// The built-in themes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// A newspaper article (the seed's style).
    Article,
    /// A book.
    Book,
    /// A school or office handout in the style of Vietnamese official documents.
    Handout,
}

impl Preset {
    /// Every preset, by name.
    pub const ALL: [(&'static str, Preset); 3] = [
        ("article", Preset::Article),
        ("book", Preset::Book),
        ("handout", Preset::Handout),
    ];
}

/// Page geometry. Margins not given are derived from the measure: the text
/// block is `measure_chars` characters of the body face wide (Bringhurst,
/// *The Elements of Typographic Style*, 2.1.2: 45–75 characters, 66 ideal),
/// centred, or set 40 % inside when two-sided.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PageTheme {
    /// Top margin: trim to the top of the text block (% of the paper height).
    pub top: Length,
    /// Bottom margin: the text block's foot to the trim (% of the paper height).
    pub bottom: Length,
    /// Inner (left, one-sided) margin; empty: from the measure.
    pub inner: Option<Length>,
    /// Outer (right, one-sided) margin; empty: from the measure.
    pub outer: Option<Length>,
    /// The measure in characters of the body face on A4 and Letter.
    pub measure_chars: f32,
    /// The measure in characters on A5 and Statement.
    pub measure_chars_small: f32,
    /// The least side margin (% of the paper width).
    pub min_side: Length,
    /// Two-sided: the inner margin's share of the two side margins.
    pub inner_share: f32,
    /// Two columns: the width of the text block (% of the paper width;
    /// 82 %: side margins of 9 %).
    pub columns_width: Length,
    /// Two columns: the space between them (in ems of the column size).
    pub gutter: Length,
    /// Two columns: characters per column line aimed at (average
    /// characters of the body face over Vietnamese text, spaces included);
    /// the column body size follows from it. Bringhurst 2.1.2 gives 40–50
    /// for multiple columns, but assumes hyphenation, and Vietnamese is
    /// never hyphenated, so a justified line can only stretch its spaces.
    /// Measured on the generated book on A4 (share of justified lines whose
    /// word spaces exceed 1.5× the natural space): 43 characters (11.5 pt)
    /// 25 %, 48 (10.5 pt) 15 %, 51 (10 pt) 6.3 %, 54 (9.5 pt) 1.2 %. So 54.
    pub column_chars: f32,
    /// Two columns holding fewer average characters than this (a small
    /// paper at `column_min_size`) are set ragged right, not justified.
    pub column_justify_min: f32,
    /// The smallest column body size, pt (newspaper body type: 8.5–10 pt).
    pub column_min_size: f32,
}

/// Body text and the type scale. Every size of running text is the body
/// size or the `small` size (tables, captions, notes, datelines, running
/// heads, folios), rounded to half points: two sizes, as a book page has.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TextTheme {
    /// Body size on A4 and Letter, in pt.
    pub size: f32,
    /// Body size on A5 and Statement, in pt.
    pub size_small_paper: f32,
    /// Leading, as a multiple of the body size: the face's own line height
    /// (ascender − descender + line gap), kept within these bounds.
    pub leading_min: f32,
    /// See `leading_min`.
    pub leading_max: f32,
    /// First-line indent of paragraphs after the first (TeX's \parindent).
    pub indent: Length,
    /// The second size of running text, × body size.
    pub small: f32,
    /// Superscripts and subscripts, × the surrounding size.
    pub script: f32,
    /// Code: its x-height matched to the body's, then × this, then rounded.
    pub code: f32,
    /// Justify body paragraphs (else ragged right).
    pub justify: bool,
}

/// Display type: headings, the title block, book openers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HeadingTheme {
    /// Sizes of heading levels 1–6, × body size.
    pub scale: [f32; 6],
    /// Leading of headings, × their size.
    pub leading: f32,
    /// Space above a level-1 or level-2 heading, in body lines.
    pub before_major: f32,
    /// Space above a heading of level 3 or lower, in body lines.
    pub before_minor: f32,
    /// Space below a heading, in body lines.
    pub after: f32,
    /// The document title, × body size.
    pub title: f32,
    /// Leading of the title, × its size.
    pub title_leading: f32,
    /// The subtitle, × body size.
    pub subtitle: f32,
    /// The authors on a book's title page, × body size.
    pub authors: f32,
    /// A book's part title, × body size.
    pub part: f32,
    /// Thickness of the rule closing an article's title block, in pt (0: none).
    pub title_rule: f32,
    /// Leading of the book's display lines (half-title, subtitle and
    /// authors on the title page), × their size.
    pub display_leading: f32,
    /// The sink above a book chapter's opening heading: the share of the
    /// text block left empty, in whole lines (books drop chapter openers;
    /// Chicago 1.47 leaves the depth to the designer, one fifth is common).
    pub chapter_sink: f32,
    /// The same above a part title and the half-title.
    pub part_sink: f32,
    /// The same above the title on the title page.
    pub title_sink: f32,
    /// The space above the subtitle on a book's title page, in body lines.
    pub subtitle_gap: f32,
    /// The space above the authors on a book's title page, in body lines.
    pub authors_gap: f32,
}

/// Blocks: vertical rhythm and the look of each kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BlockTheme {
    /// Space above and below lists, quotes, code, tables and figures, in body lines.
    pub space: f32,
    /// Indent of a block quote and of each list level.
    pub quote_indent: Length,
    /// The rule beside a block quote, in pt.
    pub quote_rule: f32,
    /// List markers by depth (bullet, en dash, diamond, middle dot).
    pub bullets: Vec<String>,
    /// The least hang of a list item's text.
    pub list_hang: Length,
    /// Padding inside a code block.
    pub code_pad: Length,
    /// Line height of code, × body leading.
    pub code_leading: f32,
    /// Continuation indent of a wrapped code line, in code characters
    /// (spaces), added to the source line's own indentation (VS Code's
    /// `editor.wrappingIndent: "indent"`, with a 2-space step).
    pub code_wrap_indent: f32,
    /// Padding inside table cells, in ems of the table's size (the
    /// `small` size): half of it above and below a cell's text, all of it
    /// on each side of a column (the outer sides have none, so the rules
    /// line up with the text block).
    pub cell_pad: Length,
    /// Table rules above and below a table, in pt.
    pub table_rule_outer: f32,
    /// A table row cut at a page's foot keeps at least this many of its
    /// lines on each page (its cells' lines; a paragraph's widow and
    /// orphan rule); a row of fewer than twice as many is never cut.
    pub row_keep_lines: u32,
    /// Thin rules: under a table's header row, between body rows, the
    /// footnote rule, thematic breaks; in pt.
    pub rule: f32,
    /// A figure's image at most this share of the text block's height.
    pub figure_max_height: f32,
    /// The footnote rule's length, × the measure.
    pub note_rule: f32,
    /// The hang of a footnote's number.
    pub note_hang: Length,
    /// A thematic break's rule length, × the measure.
    pub break_rule: f32,
}

/// Colours. Print-safe by default: text and links black, secondary text
/// in a grey that photocopies; `--for screen` uses `link_screen` for links.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Colours {
    /// Body text.
    pub text: Colour,
    /// Secondary text: datelines, source lines, running heads, folios.
    pub muted: Colour,
    /// Links in print.
    pub link: Colour,
    /// Links on screen (`--for screen`).
    pub link_screen: Colour,
    /// Rules (title rule, table rules, footnote rule).
    pub rule: Colour,
    /// The rule beside a block quote.
    pub quote_rule: Colour,
    /// Contents leaders and code continuation marks.
    pub faint: Colour,
}

/// Where a folio stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FolioPlace {
    /// Under the text block, at the outer corner when two-sided, else centred.
    Foot,
    /// Centred in the top margin, as Vietnamese official documents number pages.
    Head,
}

/// Running heads and folios.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Furniture {
    /// Print running heads.
    pub running_heads: bool,
    /// The running head's baseline above the text block, in body lines.
    pub head_gap: f32,
    /// The folio's baseline below the text block, in body lines.
    pub folio_gap: f32,
    /// The least distance from the trim to running heads and folios.
    pub min_from_trim: Length,
    /// Where folios stand.
    pub folio: FolioPlace,
    /// A folio on the first page of an article (its title page).
    pub folio_on_first: bool,
}

/// How an article's closing attribution ("Theo Dangcongsan.vn") is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Attribution {
    /// As the paragraph it is.
    Paragraph,
    /// Flush right in italics, as the Vietnamese press sets it.
    Right,
}

/// The press conventions of an article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArticleTheme {
    /// Print the dateline above the title.
    pub dateline: bool,
    /// The closing attribution.
    pub attribution: Attribution,
}

/// The booklet's gatherings and printer's marks ([`crate::impose`]).
///
/// Gatherings: common bookbinding practice folds 4 to 8 sheets (16 to 32
/// pages) into one saddle-stitched signature on offset paper; more sheets
/// make the fold too thick to lie flat and push the inner pages out at the
/// fore-edge (the Chicago Manual of Style's glossary: a signature is a
/// folded sheet, usually of 16 or 32 pages). Marks follow the print shop's
/// convention (InDesign's and Acrobat's printer marks): hairlines of
/// 0.25 pt, outside the trim and clear of a 3 mm bleed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BookletTheme {
    /// The most sheets one gathering holds when `--signature` is not given
    /// (sheets; a longer document is cut into balanced gatherings).
    pub signature_max: usize,
    /// Crop and fold marks start this far outside the trim (mm, pt or in; `%`: of the
    /// sheet's height).
    pub mark_offset: Length,
    /// Crop and fold marks are this long (shortened to what the sheet's
    /// margin outside the trim holds; mm, pt or in; `%`: of the sheet's height).
    pub mark_length: Length,
    /// The marks' stroke width, in points.
    pub mark_weight: f32,
}

/// How the paginator fills pages (see [`crate::typeset::paginate`]):
/// what it keeps together and what each fault costs. Costs are in the unit
/// of the page costs: a page `s` lines short costs `s²` (TeX's page builder
/// picks the least costly break the same way, TeXbook ch. 15).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PagesTheme {
    /// Lines a heading keeps on its page under it (Chicago 2.116 on heads
    /// at a page foot; LaTeX's `\@afterheading` \clubpenalty).
    pub heading_keep_lines: usize,
    /// Code blocks of at most this many printed lines (the language label
    /// counted) are never split.
    pub code_keep_lines: usize,
    /// How far a page may run past its text block to avoid a hole, a runt
    /// or unequal facing pages, in body lines (`\enlargethispage`).
    pub long_page_lines: f32,
    /// Cost of a page that runs long.
    pub long_page_cost: f32,
    /// Weight of the cost of a page ending short before a chapter-level
    /// heading (the hole reads as the chapter's end).
    pub before_heading_weight: f32,
    /// A page ending short may end this many body lines short as it is
    /// (the bottom is ragged within it, so body lines stay on their grid);
    /// beyond it, the spaces between its blocks stretch (TeX's
    /// `\flushbottom` with finite stretch).
    pub ragged_lines: f32,
    /// Share of its own height by which each space between blocks
    /// (around headings, lists, quotes, figures) may stretch: LaTeX's
    /// section and list skips stretch by 20–30 % of themselves, and
    /// `\flushbottom` stretches them further when it must (an underfull
    /// page); here at most this much (1: a space may double).
    pub space_stretch: f32,
    /// A page that, stretched, still ends more than this many body lines
    /// short inside a chapter is a hole and costs `hole_cost` more (a book
    /// page other than a chapter's last should not end > 2 lines short).
    pub hole_lines: f32,
    /// See `hole_lines`.
    pub hole_cost: f32,
    /// Two-sided, the shallower page of a spread is stretched to the other's
    /// depth when they differ by at most this many body lines.
    pub spread_stretch_lines: f32,
    /// Cost per line of difference between the two pages of a spread.
    pub spread_mismatch_cost: f32,
    /// A chapter's last page with at most this many lines is a runt.
    pub runt_lines: f32,
    /// Cost of a runt page.
    pub runt_cost: f32,
    /// A table that does not fit the rest of a page floats to the next one
    /// when fewer than this many of its rows would stay (rows).
    pub table_split_min_rows: usize,
    /// Least space under a float at the top of a page, in body lines
    /// (rounded up so the text stays on the baseline grid).
    pub float_gap_lines: f32,
    /// Two columns: largest share of a space that the baseline grid may
    /// take away (else the space grows to the next grid line).
    pub column_space_shrink: f32,
    /// Two columns: the column body size is rounded down to a multiple of
    /// this, in pt.
    pub column_size_step: f32,
}

impl Theme {
    /// The preset `p`.
    pub fn preset(p: Preset) -> Theme {
        let book = Theme::book();
        match p {
            Preset::Book => book,
            // A newspaper page: a shorter foot margin (9 % of the height,
            // 27 mm on A4) and a headline of 1.7 × the body, so that the
            // seed article fits one A4 page as it would in print.
            Preset::Article => Theme {
                extends: Preset::Article,
                page: PageTheme {
                    bottom: Length::Percent(9.0),
                    ..book.page.clone()
                },
                headings: HeadingTheme {
                    title: 1.7,
                    ..book.headings.clone()
                },
                article: ArticleTheme {
                    dateline: true,
                    attribution: Attribution::Right,
                },
                ..book
            },
            Preset::Handout => Theme::handout(book),
        }
    }

    fn book() -> Theme {
        Theme {
            extends: Preset::Book,
            page: PageTheme {
                top: Length::Percent(8.5),
                bottom: Length::Percent(11.0),
                inner: None,
                outer: None,
                measure_chars: 70.0,
                measure_chars_small: 62.0,
                min_side: Length::Percent(12.0),
                inner_share: 0.4,
                columns_width: Length::Percent(82.0),
                gutter: Length::Em(1.5),
                column_chars: 54.0,
                column_justify_min: 50.0,
                column_min_size: 9.0,
            },
            text: TextTheme {
                size: 11.5,
                size_small_paper: 10.5,
                leading_min: 1.25,
                leading_max: 1.45,
                indent: Length::Em(1.25),
                small: 0.9,
                script: 0.62,
                code: 0.92,
                justify: true,
            },
            headings: HeadingTheme {
                scale: [1.55, 1.3, 1.12, 1.0, 1.0, 1.0],
                leading: 1.25,
                before_major: 1.5,
                before_minor: 1.0,
                after: 0.5,
                title: 1.9,
                title_leading: 1.22,
                subtitle: 1.3,
                authors: 1.15,
                part: 1.6,
                title_rule: 0.6,
                display_leading: 1.3,
                chapter_sink: 0.2,
                part_sink: 0.3,
                title_sink: 0.12,
                subtitle_gap: 0.5,
                authors_gap: 2.0,
            },
            blocks: BlockTheme {
                space: 0.5,
                quote_indent: Length::Em(1.5),
                quote_rule: 1.2,
                bullets: ["•", "–", "◆", "·"].map(String::from).to_vec(),
                list_hang: Length::Em(1.4),
                code_pad: Length::Em(0.6),
                code_leading: 0.92,
                code_wrap_indent: 2.0,
                cell_pad: Length::Em(0.5),
                table_rule_outer: 0.9,
                row_keep_lines: 2,
                rule: 0.5,
                figure_max_height: 0.6,
                note_rule: 0.3,
                note_hang: Length::Em(1.8),
                break_rule: 0.25,
            },
            colours: Colours {
                text: Colour::rgb8(0, 0, 0),
                muted: Colour::rgb8(0x55, 0x55, 0x55),
                link: Colour::rgb8(0, 0, 0),
                link_screen: Colour::rgb8(0x14, 0x33, 0x73),
                rule: Colour::rgb8(0, 0, 0),
                quote_rule: Colour::rgb8(0x99, 0x99, 0x99),
                faint: Colour::rgb8(0x73, 0x73, 0x73),
            },
            furniture: Furniture {
                running_heads: true,
                head_gap: 1.6,
                folio_gap: 2.2,
                min_from_trim: Length::Mm(10.0),
                folio: FolioPlace::Foot,
                folio_on_first: false,
            },
            article: ArticleTheme {
                dateline: true,
                attribution: Attribution::Paragraph,
            },
            booklet: BookletTheme {
                signature_max: 8,
                mark_offset: Length::Mm(3.0),
                mark_length: Length::Mm(3.0),
                mark_weight: 0.25,
            },
            pages: PagesTheme {
                heading_keep_lines: 2,
                code_keep_lines: 6,
                long_page_lines: 1.0,
                long_page_cost: 5.0,
                before_heading_weight: 0.25,
                ragged_lines: 1.0,
                space_stretch: 1.0,
                hole_lines: 2.0,
                hole_cost: 20.0,
                spread_stretch_lines: 1.0,
                spread_mismatch_cost: 3.0,
                runt_lines: 2.0,
                runt_cost: 6.0,
                table_split_min_rows: 3,
                float_gap_lines: 0.5,
                column_space_shrink: 0.5,
                column_size_step: 0.25,
            },
        }
    }

    fn handout(book: Theme) -> Theme {
        Theme {
            extends: Preset::Handout,
            page: PageTheme {
                top: Length::Mm(20.0),
                bottom: Length::Mm(20.0),
                inner: Some(Length::Mm(30.0)),
                outer: Some(Length::Mm(15.0)),
                ..book.page
            },
            text: TextTheme {
                size: 13.0,
                size_small_paper: 11.0,
                indent: Length::Mm(10.0),
                ..book.text
            },
            furniture: Furniture {
                running_heads: false,
                folio: FolioPlace::Head,
                folio_on_first: false,
                ..book.furniture
            },
            article: ArticleTheme {
                dateline: true,
                attribution: Attribution::Right,
            },
            ..book
        }
    }

    /// Links in screen colours (`--for screen`).
    pub fn for_screen(mut self) -> Theme {
        self.colours.link = self.colours.link_screen;
        self
    }

    /// `size` × `factor`, rounded to half points: every size of running text
    /// and display type is a whole or half point.
    pub fn scaled(size: f32, factor: f32) -> f32 {
        (size * factor * 2.0).round() / 2.0
    }
}

/// Each section's default is the base preset's (see [`load`]): a theme
/// file changes only the keys it sets.
macro_rules! section_defaults {
    ($($ty:ident => $field:ident),* $(,)?) => {$(
        impl Default for $ty {
            fn default() -> $ty {
                Theme::preset(load::base()).$field
            }
        }
    )*};
}

section_defaults!(
    PageTheme => page,
    TextTheme => text,
    HeadingTheme => headings,
    BlockTheme => blocks,
    Colours => colours,
    Furniture => furniture,
    ArticleTheme => article,
    BookletTheme => booklet,
    PagesTheme => pages,
);

impl Default for Theme {
    /// The base preset (the article's outside [`load`]).
    fn default() -> Theme {
        Theme::preset(load::base())
    }
}

impl Default for Preset {
    fn default() -> Preset {
        load::base()
    }
}

#[cfg(test)]
mod tests;
