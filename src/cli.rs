//! The command line (clap derive): the doc comments here are the `--help` text.

use std::path::PathBuf;

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
    /// Build EPUB and PDF from Markdown files.
    Build(BuildArgs),
    /// Check Markdown files (front matter, local images, glyph coverage) without writing anything.
    Check(CheckArgs),
}

/// Options shared by `build` and `check`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Markdown files to read; without any, every `*.md` directly in `source/`.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Font folder holding a `fonts.toml` (default: the bundled fonts).
    #[arg(long, value_name = "DIR")]
    pub fonts: Option<PathBuf>,

    /// Allow images from this folder although it is outside the source folder (repeatable).
    #[arg(long, value_name = "PATH")]
    pub allow_outside: Vec<PathBuf>,

    /// Print only errors and warnings.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `trang build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Inputs, fonts, verbosity.
    #[command(flatten)]
    pub input: InputArgs,

    /// Folder the outputs are written to (`<stem>.epub`, `<stem>.pdf`).
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub out_dir: PathBuf,

    /// Which outputs to write.
    #[arg(long, value_enum, default_value_t = Format::All)]
    pub format: Format,

    /// Paper size of the PDF.
    #[arg(long, value_enum, default_value_t = Paper::A4)]
    pub paper: Paper,

    /// Print the time each stage took (parse, check, typeset, PDF write,
    /// EPUB write, writing files, total) to stderr.
    #[arg(long)]
    pub timings: bool,
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
    /// The typeset PDF only.
    Pdf,
    /// Both.
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
}

impl Paper {
    /// Width and height in points.
    pub fn size_pt(self) -> (f32, f32) {
        const MM: f32 = 72.0 / 25.4;
        match self {
            Paper::A4 => (210.0 * MM, 297.0 * MM),
            Paper::A5 => (148.0 * MM, 210.0 * MM),
            Paper::Letter => (612.0, 792.0),
        }
    }
}
