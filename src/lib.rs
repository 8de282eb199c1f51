//! trang — Markdown to an EPUB 3 e-book and a typeset PDF, for Vietnamese.
//!
//! The pipeline, one module per stage:
//! ```text
//! input ─► markdown (+frontmatter) ─► doc::Document ─┬─► epub ─► NAME.epub
//!                                                    └─► typeset ─► frame::Layout ─► pdf ─► NAME.pdf
//! ```
//! [`prepare`] runs everything `trang check` checks; [`build`] then runs the
//! writers and writes each output atomically.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod coverage;
pub mod diag;
pub mod doc;
pub mod epub;
pub mod fonts;
pub mod frame;
pub mod frontmatter;
pub mod input;
pub mod markdown;
pub mod pdf;
pub mod typeset;

use std::path::{Path, PathBuf};

use diag::{Diagnostic, Diagnostics};
use doc::Document;
use fonts::FontSet;

/// A document that passed every check, with the fonts it will be drawn in.
pub struct Prepared {
    /// The parsed document.
    pub doc: Document,
    /// The font set (bundled, `--fonts` or front matter `fonts:`).
    pub fonts: FontSet,
}

/// What [`prepare_with`] may use beyond the input file.
#[derive(Clone, Debug, Default)]
pub struct PrepareOptions {
    /// Font folder (`--fonts`); else front matter `fonts:`, else the bundled set.
    pub fonts: Option<PathBuf>,
    /// Folders outside the source folder that images may come from (`--allow-outside`).
    pub allow_outside: Vec<PathBuf>,
}

/// Reads, parses and checks one input with the bundled defaults; see [`prepare_with`].
pub fn prepare(path: &Path, fonts_dir: Option<&Path>, diags: &mut Diagnostics) -> Option<Prepared> {
    let opts = PrepareOptions {
        fonts: fonts_dir.map(Path::to_path_buf),
        allow_outside: Vec::new(),
    };
    prepare_with(path, &opts, diags)
}

/// Reads, parses and checks one input: front matter, local images, fonts and
/// glyph coverage. Returns `None` when an error was reported to `diags`.
pub fn prepare_with(
    path: &Path,
    opts: &PrepareOptions,
    diags: &mut Diagnostics,
) -> Option<Prepared> {
    match input::read_source(path) {
        Ok(source) => prepare_source(source, opts, diags),
        Err(e) => {
            diags.push(e);
            None
        }
    }
}

/// As [`prepare_with`], for a source already in memory (nothing is read but
/// the fonts and the images it names, which resolve beside `source.path`).
/// The fuzz target and tests use it to run the pipeline without files.
pub fn prepare_source(
    source: diag::SourceFile,
    opts: &PrepareOptions,
    diags: &mut Diagnostics,
) -> Option<Prepared> {
    // Stage 1: Markdown and front matter → document model.
    let doc = markdown::parse(source, diags);
    // Stage 2: local images exist.
    input::check_images(&doc, &opts.allow_outside, diags);
    // Stage 3: fonts: --fonts, else front matter `fonts:`, else the bundled set.
    let dir = match (&opts.fonts, &doc.meta.fonts) {
        (Some(dir), _) => dir.to_path_buf(),
        (None, Some(dir)) => input::base_dir(&doc).join(dir),
        (None, None) => FontSet::bundled_dir(),
    };
    let fonts = match FontSet::load(&dir, diags) {
        Ok(f) => f,
        Err(e) => {
            diags.push(e);
            return None;
        }
    };
    // Stage 4: every character has a glyph in the face that draws it.
    coverage::check(&doc, &fonts, diags);
    if diags.has_errors() {
        return None;
    }
    Some(Prepared { doc, fonts })
}

/// Which outputs to build, and how.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Folder for the outputs.
    pub out_dir: PathBuf,
    /// Write the EPUB.
    pub epub: bool,
    /// Write the PDF.
    pub pdf: bool,
    /// PDF paper size.
    pub paper: cli::Paper,
}

/// A file written by [`build`].
#[derive(Clone, Debug)]
pub struct Written {
    /// Where.
    pub path: PathBuf,
    /// Size in bytes.
    pub size: usize,
}

/// One output produced in memory by [`render`].
#[derive(Clone, Debug)]
pub struct Rendered {
    /// The file extension: `epub` or `pdf`.
    pub ext: &'static str,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Produces the outputs `opts` asks for (its `out_dir` is not used) in
/// memory, dated `epoch` (Unix seconds). Returns `None` when an error was
/// reported to `diags`; nothing is written anywhere.
pub fn render(
    prepared: &Prepared,
    opts: &BuildOptions,
    epoch: i64,
    diags: &mut Diagnostics,
) -> Option<Vec<Rendered>> {
    let doc = &prepared.doc;
    // Stage 5: the two writers share only the document, so they run in parallel.
    let (epub, pdf) = std::thread::scope(|scope| {
        let epub = opts.epub.then(|| {
            scope.spawn(|| {
                let mut d = Diagnostics::default();
                let r = epub::write_epub(
                    doc,
                    &prepared.fonts,
                    &epub::EpubOptions { modified: epoch },
                    &mut d,
                );
                (r, d)
            })
        });
        let pdf = opts.pdf.then(|| {
            let (layout, report) = typeset::typeset(doc, &prepared.fonts, opts.paper, epoch);
            let r = pdf::write_pdf(&layout).map_err(|e| {
                Diagnostic::error(format!("cannot write the PDF: {e}")).in_file(&doc.source.path)
            });
            (r, report.diags)
        });
        (
            epub.map(|h| h.join().expect("the EPUB writer does not panic")),
            pdf,
        )
    });
    let mut outputs = Vec::new();
    for (ext, result) in [("epub", epub), ("pdf", pdf)] {
        let Some((result, warnings)) = result else {
            continue;
        };
        diags.extend(warnings);
        match result {
            Ok(bytes) => outputs.push(Rendered { ext, bytes }),
            Err(e) => diags.push(e),
        }
    }
    (!diags.has_errors()).then_some(outputs)
}

/// Produces the outputs of one prepared document in memory ([`render`]),
/// then writes them atomically. Nothing is written when any output fails.
pub fn build(
    prepared: &Prepared,
    opts: &BuildOptions,
    diags: &mut Diagnostics,
) -> Option<Vec<Written>> {
    let doc = &prepared.doc;
    let stem = doc
        .source
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let epoch = input::build_epoch(doc, diags);
    let outputs = render(prepared, opts, epoch, diags)?;
    if let Err(e) = std::fs::create_dir_all(&opts.out_dir) {
        diags.push(
            Diagnostic::error(format!(
                "cannot create the output folder `{}`: {e}",
                opts.out_dir.display()
            ))
            .help("choose another folder with -o/--out-dir"),
        );
        return None;
    }
    let mut written = Vec::new();
    for Rendered { ext, bytes } in outputs {
        let path = opts.out_dir.join(format!("{stem}.{ext}"));
        if let Err(e) = input::write_atomic(&path, &bytes) {
            diags.push(
                Diagnostic::error(format!("cannot write `{}`: {e}", path.display()))
                    .help("check that the output folder is writable and the disk has space; the previous file is unchanged"),
            );
            return None;
        }
        written.push(Written {
            path,
            size: bytes.len(),
        });
    }
    Some(written)
}
