//! The command line (clap derive): the doc comments here are the `--help` text.

use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// trang — Markdown to an EPUB 3 e-book and a typeset PDF, with fonts that
/// cover every Vietnamese diacritic.
#[derive(Debug, Parser)]
#[command(name = "trang", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build EPUB and PDF from Markdown files or book folders.
    Build(BuildArgs),
    /// Check Markdown files (front matter, local images, glyph coverage) without writing anything.
    Check(CheckArgs),
    /// Build, then build again after every save; Ctrl-C stops.
    ///
    /// Watches the input's folder (the Markdown, its images, a book's
    /// `book.toml`, `SUMMARY.md` and chapters, a font folder inside it) and
    /// the `--fonts` and `--resource-path` folders; ignores the outputs,
    /// hidden files and editors' temporary files. Takes the options of `build`.
    Watch(BuildArgs),
    /// Print a preset theme as TOML (the start of your own `--theme` file).
    Theme(ThemeArgs),
    /// Write a small working book (book.toml, two chapters, an image) into DIR
    /// (default: the current folder); `trang build` there makes its EPUB and PDF.
    Init(InitArgs),
}

/// `trang theme`.
#[derive(Debug, Args)]
pub struct ThemeArgs {
    /// The preset to print: article, book or handout.
    #[arg(default_value = "article")]
    pub preset: String,
}

/// What the PDF is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Medium {
    /// Paper: print-safe colours.
    Print,
    /// Screens: links in colour.
    Screen,
}

/// `trang init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to write the book into (created if needed; nothing in it is overwritten).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

/// Options shared by `build` and `check`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Markdown files or book folders (holding `book.toml`, `SUMMARY.md` or
    /// chapter files) to read; without any, the book in the current folder
    /// if it has a `book.toml`, else every `*.md` directly in `source/`.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Font folder holding a `fonts.toml` (default: the bundled fonts).
    #[arg(long, value_name = "DIR")]
    pub fonts: Option<PathBuf>,

    /// Never draw characters from the fonts installed on this machine: only
    /// the font set and its fallback faces (hermetic, reproducible builds).
    #[arg(long)]
    pub no_system_fonts: bool,

    /// Allow images from this folder although it is outside the source folder (repeatable).
    #[arg(long, value_name = "PATH")]
    pub allow_outside: Vec<PathBuf>,

    /// Folder absolute image paths (`/assets/x.png`, as Jekyll and Hugo
    /// write them) are looked up in, also searched for relative ones after
    /// the Markdown file's folder (repeatable, in order).
    #[arg(long, value_name = "DIR")]
    pub resource_path: Vec<PathBuf>,

    /// Theme: a preset (`article`, `book`, `handout`) or a TOML theme file
    /// [default: front matter `theme:`, a book's `[trang] theme`, else
    /// `article` for a Markdown file and `book` for a book project].
    #[arg(long, value_name = "NAME|FILE")]
    pub theme: Option<String>,

    /// What the PDF is for: `print` (links in the text colour) or `screen`
    /// (links in the theme's screen colour) [default: print].
    #[arg(long = "for", value_enum, value_name = "MEDIUM")]
    pub medium: Option<Medium>,

    /// Print only errors and warnings.
    #[arg(short, long)]
    pub quiet: bool,

    /// List every place of a repeated warning (by default: the count and the
    /// first five); over many inputs, also every file written and each
    /// input's warnings in full.
    #[arg(short, long)]
    pub verbose: bool,

    /// Each Markdown file under a folder INPUT is an article of its own
    /// (an archive), not a chapter of one book: every `*.md` below it,
    /// in path order, its outputs in the same sub-folders of --out-dir.
    #[arg(long)]
    pub each: bool,

    /// Inputs built at once when there are several [default: one per core].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Build only share K of N of the inputs (K from 1 to N): those at
    /// positions K, K+N, K+2N… of the inputs in path order, so that N
    /// runs, on one machine or many, build every input once.
    #[arg(long, value_name = "K/N", value_parser = <Shard as FromStr>::from_str)]
    pub shard: Option<Shard>,
}

/// One share of the inputs (`--shard K/N`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which share, from 1.
    pub k: usize,
    /// How many shares.
    pub n: usize,
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `K/N` with 1 ≤ K ≤ N.
    fn from_str(s: &str) -> Result<Shard, String> {
        let (k, n) = s.split_once('/').ok_or_else(|| {
            format!("`{s}` is not K/N, e.g. `2/8` for the second of eight shares")
        })?;
        let num = |t: &str| {
            t.trim()
                .parse::<usize>()
                .map_err(|_| format!("`{t}` in `{s}` is not a whole number"))
        };
        let (k, n) = (num(k)?, num(n)?);
        if n == 0 || k == 0 || k > n {
            return Err(format!("`{s}`: K must be from 1 to N, and N at least 1"));
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    /// Whether the input at `index` (from 0, in path order) is in this share.
    pub fn has(&self, index: usize) -> bool {
        index % self.n == self.k - 1
    }
}

/// `trang build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Inputs, fonts, verbosity.
    #[command(flatten)]
    pub input: InputArgs,

    /// Folder the outputs are written to (`<stem>.epub`, `<stem>.pdf`, `<stem>-booklet.pdf`).
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub out_dir: PathBuf,

    /// Which outputs to write, as a comma list (`pdf,booklet`); `all` is `epub,pdf`.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "all")]
    pub format: Vec<Format>,

    /// Paper size of the PDF [default: a4, or a book's `[trang] paper`].
    #[arg(long, value_enum)]
    pub paper: Option<Paper>,

    /// Also write `<stem>-booklet.pdf`: pages of half the sheet, imposed two-up
    /// in saddle-stitch order (print two-sided, flip on the short edge, fold).
    #[arg(long)]
    pub booklet: bool,

    /// Sheet the booklet is printed on (its pages are half of it) [default: a4].
    #[arg(long, value_enum)]
    pub sheet: Option<Sheet>,

    /// Sheets folded together into one gathering of the booklet (4 pages a
    /// sheet); gatherings are stacked in order. `0` or `all`: one fold of
    /// every sheet [default: one fold up to 8 sheets, else the fewest
    /// balanced gatherings of at most 8, or a book's `[trang] signature`].
    #[arg(long, value_name = "N|all", value_parser = crate::impose::Signature::from_str)]
    pub signature: Option<crate::impose::Signature>,

    /// Creep compensation in millimetres: the innermost sheet of each
    /// gathering has its pages moved this much towards the spine, the
    /// outermost none, the sheets between in proportion (about the paper's
    /// thickness times the sheets; ask the printer) [default: 0].
    #[arg(long, value_name = "MM", value_parser = crate::impose::parse_creep)]
    pub creep: Option<f32>,

    /// Crop marks at the trim corners and fold marks at the spine on every
    /// booklet sheet, outside the trim; the sheet grows to hold them (A4 →
    /// SRA4, A3 → SRA3, Letter → 12 × 9 in, Tabloid → 18 × 12 in).
    #[arg(long)]
    pub marks: bool,

    /// Two-sided layout for the PDF: mirrored margins, folios at the outer
    /// corners, chapters on right-hand pages (always on in the booklet, and
    /// for a book project unless `[trang] duplex = false`).
    #[arg(long, overrides_with = "no_duplex")]
    pub duplex: bool,

    /// One-sided layout, also for the booklet.
    #[arg(long, overrides_with = "duplex")]
    pub no_duplex: bool,

    /// Columns of body text (1 or 2) in the PDF and the booklet [default: 1].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub columns: Option<u8>,

    /// Standards the PDF conforms to, as a comma list: `ua-1` (PDF/UA-1,
    /// accessible), `a-2b`, `a-2u` or `a-3u` (PDF/A, archival; one of
    /// them), e.g. `a-2u,ua-1`. The build refuses, with the place, what a
    /// standard does not allow (an image without alternate text under
    /// `ua-1`) [default: front matter `pdf-standard:`, a book's `[trang]
    /// pdf_standard`, else none].
    #[arg(long, value_delimiter = ',', value_name = "STANDARD", value_parser = pdf_standard)]
    pub pdf_standard: Vec<crate::pdf::PdfStandard>,

    /// How the EPUB writes formulas: `mathml` (MathML with the TeX as an
    /// annotation, for reading systems that draw MathML: Apple Books,
    /// Thorium, Kobo, browsers) or `svg` (each formula drawn by trang's own
    /// math layout, as in the PDF, with `role="math"` and its text as
    /// `aria-label`: for readers without MathML, such as Kindle).
    #[arg(long, value_enum, value_name = "FORM", default_value = "mathml")]
    pub epub_math: crate::epub::EpubMath,

    /// Print the time each stage took (parse, check, typeset, PDF write,
    /// EPUB write, writing files, total) to stderr.
    #[arg(long)]
    pub timings: bool,

    /// Flush each output to the disk before it replaces the previous one,
    /// and its folder after, so that a power cut leaves the old file or the
    /// new one, whole (costs a disk flush per file; without it, outputs are
    /// still replaced in one step, never left half-written by a failed or
    /// stopped build).
    #[arg(long)]
    pub fsync: bool,
}

impl BuildArgs {
    /// Whether `format` (or `--booklet`) asks for `which`.
    pub fn wants(&self, which: Format) -> bool {
        self.format.iter().any(|f| {
            *f == which || (*f == Format::All && matches!(which, Format::Epub | Format::Pdf))
        }) || (which == Format::Booklet && self.booklet)
    }
}

/// `trang check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Inputs, fonts, verbosity.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The EPUB 3 e-book only.
    Epub,
    /// The typeset PDF (`<stem>.pdf`).
    Pdf,
    /// The imposed booklet PDF (`<stem>-booklet.pdf`), like `--booklet`.
    Booklet,
    /// The EPUB and the PDF.
    All,
}

/// Paper sizes for the PDF.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Paper {
    /// ISO A4, 210 × 297 mm (office printers).
    A4,
    /// ISO A5, 148 × 210 mm (booklets, small handouts).
    A5,
    /// US Letter, 8.5 × 11 in.
    Letter,
    /// US Statement, 5.5 × 8.5 in (half a Letter sheet).
    Statement,
}

impl Paper {
    /// Width and height in points.
    pub fn size_pt(self) -> (f32, f32) {
        const MM: f32 = 72.0 / 25.4;
        match self {
            Paper::A4 => (210.0 * MM, 297.0 * MM),
            Paper::A5 => (148.0 * MM, 210.0 * MM),
            Paper::Letter => (612.0, 792.0),
            Paper::Statement => (396.0, 612.0),
        }
    }
}

/// Sheet sizes a booklet is printed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Sheet {
    /// ISO A4 (pages A5).
    A4,
    /// ISO A3 (pages A4).
    A3,
    /// US Letter (pages Statement, 5.5 × 8.5 in).
    Letter,
    /// US Tabloid, 11 × 17 in (pages Letter).
    Tabloid,
}

impl Sheet {
    /// The paper of one booklet page: half the sheet.
    pub fn page(self) -> Paper {
        match self {
            Sheet::A4 => Paper::A5,
            Sheet::A3 => Paper::A4,
            Sheet::Letter => Paper::Statement,
            Sheet::Tabloid => Paper::Letter,
        }
    }

    /// Width and height of the sheet in points, landscape (two pages side by side).
    pub fn size_pt(self) -> (f32, f32) {
        const MM: f32 = 72.0 / 25.4;
        match self {
            Sheet::A4 => (297.0 * MM, 210.0 * MM),
            Sheet::A3 => (420.0 * MM, 297.0 * MM),
            Sheet::Letter => (792.0, 612.0),
            Sheet::Tabloid => (1224.0, 792.0),
        }
    }

    /// The press sheet a booklet with crop and fold marks is printed on,
    /// landscape, in points: the sheet with a margin all round for the marks,
    /// trimmed off after folding. ISO 217's SRA4 (320 × 225 mm) and SRA3
    /// (450 × 320 mm), made for printing A4 and A3 with bleed and marks; for
    /// Letter, the 9 × 12 in sheet (ANSI Arch A), and for Tabloid the
    /// 12 × 18 in "Tabloid Extra": the US sheets one size up.
    pub fn with_marks_pt(self) -> (f32, f32) {
        const MM: f32 = 72.0 / 25.4;
        match self {
            Sheet::A4 => (320.0 * MM, 225.0 * MM),
            Sheet::A3 => (450.0 * MM, 320.0 * MM),
            Sheet::Letter => (864.0, 648.0),
            Sheet::Tabloid => (1296.0, 864.0),
        }
    }
}

/// One `--pdf-standard` value; spaces around it are allowed, as in the
/// front matter's `pdf-standard: a-2u, ua-1`.
fn pdf_standard(text: &str) -> Result<crate::pdf::PdfStandard, String> {
    use clap::ValueEnum;
    crate::pdf::PdfStandard::from_str(text.trim(), true).map_err(|_| {
        format!(
            "`{}` is not a PDF standard trang writes (ua-1, a-2b, a-2u, a-3u)",
            text.trim()
        )
    })
}
