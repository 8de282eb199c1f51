//! trang — Markdown to an EPUB 3 e-book and a typeset PDF, for Vietnamese.
//!
//! The pipeline, one module per stage:
//! ```text
//! input ─► markdown (+frontmatter) ─► doc::Document ─► resolve ─► resolve::Book ─┬─► epub ─► NAME.epub
//!                                                                               └─► typeset ─► frame::Layout ─► pdf ─► NAME.pdf
//! ```
//! [`prepare`] runs everything `trang check` checks; [`build`] then runs the
//! writers and writes each output atomically.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod alloc;
pub mod archive;
pub mod cli;
pub mod cover;
pub mod coverage;
pub mod deflate;
pub mod diag;
pub mod doc;
pub mod epub;
pub mod fallback;
pub mod fonts;
pub mod frame;
pub mod frontmatter;
pub mod highlight;
pub mod impose;
pub mod init;
pub mod input;
pub mod markdown;
pub mod math;
pub mod matter;
pub mod output;
pub mod pdf;
pub mod placement;
pub mod progress;
pub mod project;
pub mod resolve;
pub mod runstore;
pub mod theme;
pub mod typeset;
pub mod watch;
pub mod words;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diag::{Diagnostic, Diagnostics};
use fonts::FontSet;

/// A document that passed every check, with the fonts it will be drawn in.
pub struct Prepared {
    /// The parsed and resolved document (it dereferences to the
    /// [`Document`](crate::doc::Document) tree).
    pub doc: resolve::Book,
    /// The font set (bundled, `--fonts` or front matter `fonts:`).
    pub fonts: FontSet,
    /// How long reading, parsing and checking took.
    pub timings: Timings,
    /// The outputs' file stem: the Markdown file's, or the book's
    /// (`[trang] output`, else its folder's name).
    pub stem: String,
    /// A book project's build options (`[trang]` in `book.toml`); the
    /// command line wins over each. Empty for a Markdown file.
    pub options: project::Options,
}

/// Wall time of each stage of one input (`trang build --timings`).
///
/// The EPUB and the PDF are written in parallel (the EPUB on the build's
/// thread, the PDF on another); with the PDF, the EPUB makes its fonts while
/// the pages are set and writes the rest once they are (it marks their
/// breaks, see [`typeset::page_starts`]), so `epub` overlaps `typeset` and
/// `pdf`; `total` is the wall time from reading the input to the last
/// output written.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    /// Reading the file, front matter and Markdown → document model →
    /// resolved book (its images read and converted once).
    pub parse: Duration,
    /// Loading the fonts and the glyph coverage check.
    pub check: Duration,
    /// Typesetting (shaping, line breaking, pagination) → layout.
    pub typeset: Duration,
    /// Layout → PDF bytes.
    pub pdf: Duration,
    /// Document → EPUB bytes (in parallel with `pdf`, or with `typeset`
    /// and `pdf` when the EPUB is built without the PDF's page breaks).
    pub epub: Duration,
    /// Typesetting and writing the booklet (in parallel, like `epub`).
    pub booklet: Duration,
    /// Writing the outputs to disk.
    pub write: Duration,
    /// Everything, end to end.
    pub total: Duration,
}

impl Timings {
    /// The stages as `(name, duration)` pairs, in pipeline order.
    pub fn stages(&self) -> [(&'static str, Duration); 8] {
        [
            ("parse", self.parse),
            ("check", self.check),
            ("typeset", self.typeset),
            ("pdf write", self.pdf),
            ("epub write", self.epub),
            ("booklet", self.booklet),
            ("write files", self.write),
            ("total", self.total),
        ]
    }
}

/// What [`prepare_with`] may use beyond the input file.
#[derive(Clone, Debug, Default)]
pub struct PrepareOptions {
    /// Font folder (`--fonts`); else front matter `fonts:`, else the bundled set.
    pub fonts: Option<PathBuf>,
    /// Folders outside the source folder that images may come from (`--allow-outside`).
    pub allow_outside: Vec<PathBuf>,
    /// Never draw from the machine's fonts (`--no-system-fonts`).
    pub no_system_fonts: bool,
    /// Folders absolute and relative image paths are looked up in (`--resource-path`).
    pub resource_paths: Vec<PathBuf>,
    /// Theme (`--theme`); else `[trang] theme`, else front matter `theme:`,
    /// else the form's preset (`article` or `book`).
    pub theme: Option<theme::ThemeName>,
    /// Colours for screens (`--for screen`): links in colour.
    pub screen: bool,
    /// Font sets already read, shared by the inputs of one command (an
    /// archive build reads each set once); none: each input reads its own.
    pub font_cache: Option<std::sync::Arc<FontCache>>,
}

/// Font sets read once and shared by many inputs: by folder (`None`: the
/// bundled set). Each input gets a [`FontSet::fork`] of the loaded set, so
/// what its fallback decides stays its own.
#[derive(Debug, Default)]
pub struct FontCache(
    std::sync::Mutex<std::collections::HashMap<Option<PathBuf>, std::sync::Arc<FontSet>>>,
);

impl FontCache {
    /// The set in `dir` (`None`: bundled), read on first call; an error is
    /// not kept, so each input needing the set reports it.
    pub fn load(&self, dir: Option<&Path>, diags: &mut Diagnostics) -> Result<FontSet, Diagnostic> {
        let mut sets = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let key = dir.map(Path::to_path_buf);
        if let Some(set) = sets.get(&key) {
            return Ok(set.fork());
        }
        let set = std::sync::Arc::new(load_fonts(dir, diags)?);
        let fork = set.fork();
        sets.insert(key, set);
        Ok(fork)
    }
}

/// The font set in `dir`, else the bundled one.
fn load_fonts(dir: Option<&Path>, diags: &mut Diagnostics) -> Result<FontSet, Diagnostic> {
    match dir {
        Some(dir) => FontSet::load(dir, diags),
        None => FontSet::load_bundled(diags),
    }
}

/// The cores this process may use (`std::thread::available_parallelism`,
/// which honours CPU affinity and cgroup quotas; 1 if it cannot tell),
/// asked once: each asking reads the cgroup files again, and a build asks
/// in every stage that decides whether to use a second thread.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Reads, parses and checks one input with the bundled defaults; see [`prepare_with`].
pub fn prepare(path: &Path, fonts_dir: Option<&Path>, diags: &mut Diagnostics) -> Option<Prepared> {
    let opts = PrepareOptions {
        fonts: fonts_dir.map(Path::to_path_buf),
        allow_outside: Vec::new(),
        no_system_fonts: false,
        resource_paths: Vec::new(),
        theme: None,
        screen: false,
        font_cache: None,
    };
    prepare_with(path, &opts, diags)
}

/// Reads, parses and checks one input: front matter, local images, fonts and
/// glyph coverage. A folder (or a `book.toml`) is a book project
/// ([`project`]): its chapter files become one book. Returns `None` when an
/// error was reported to `diags`.
pub fn prepare_with(
    path: &Path,
    opts: &PrepareOptions,
    diags: &mut Diagnostics,
) -> Option<Prepared> {
    let started = Instant::now();
    if project::is_project(path) {
        let project = project::load(path, diags)?;
        let (doc, plan) = project.read(diags)?;
        let opts = PrepareOptions {
            fonts: opts.fonts.clone().or(project.options.fonts.clone()),
            theme: opts.theme.clone().or(project.options.theme.clone()),
            ..opts.clone()
        };
        let mut prepared = check(doc, Some(&plan), started, &opts, diags)?;
        prepared.stem = project.stem();
        prepared.options = project.options;
        return Some(prepared);
    }
    match input::read_source(path) {
        Ok(source) => prepare_timed(source, started, opts, diags),
        Err(e) => {
            diags.push(e);
            None
        }
    }
}

/// As [`prepare_with`], for a source already in memory (nothing is read but
/// the fonts and the images it names, which resolve beside `source.path`).
/// The fuzz target uses it to run the pipeline without files.
pub fn prepare_source(
    source: diag::SourceFile,
    opts: &PrepareOptions,
    diags: &mut Diagnostics,
) -> Option<Prepared> {
    prepare_timed(source, Instant::now(), opts, diags)
}

/// Parses and checks `source`; `started` is when reading it began.
fn prepare_timed(
    source: diag::SourceFile,
    started: Instant,
    opts: &PrepareOptions,
    diags: &mut Diagnostics,
) -> Option<Prepared> {
    if source.text().trim().is_empty() {
        // Decision (issue 6): an empty input builds an empty but valid book.
        diags.push(
            Diagnostic::warning(format!(
                "input `{}` is empty; the outputs hold only a title page named after the file",
                source.path.display()
            ))
            .help("write some Markdown in it, or leave it out of the build"),
        );
    }
    // Stage 1: Markdown and front matter → document model.
    let stem = source
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let doc = markdown::parse(source, diags);
    let mut prepared = check(doc, None, started, opts, diags)?;
    prepared.stem = stem;
    Some(prepared)
}

/// Resolves and checks a parsed document (a book's when `plan` is given).
fn check(
    doc: doc::Document,
    plan: Option<&project::Plan>,
    started: Instant,
    opts: &PrepareOptions,
    diags: &mut Diagnostics,
) -> Option<Prepared> {
    // Stage 2: the model resolved: chapters, ids, notes, links, headings,
    // words, and every local image read once.
    let assets = resolve::assets::AssetOptions {
        allow_outside: opts.allow_outside.clone(),
        resource_paths: opts.resource_paths.clone(),
    };
    let doc = match plan {
        Some(plan) => resolve::resolve_book(doc, plan, &assets, diags),
        None => resolve::resolve_with(doc, &assets, diags),
    };
    let parsed = Instant::now();
    // Stage 2b: the theme: --theme, else `[trang] theme`, else front matter
    // `theme:`, else the form's preset.
    let mut doc = doc;
    let named = opts.theme.clone().or_else(|| {
        doc.meta
            .theme
            .as_deref()
            .map(|t| theme::resolve_name(t, &input::base_dir(&doc)))
    });
    let preset = match doc.form {
        resolve::Form::Book => theme::Preset::Book,
        resolve::Form::Article => theme::Preset::Article,
    };
    doc.theme = theme::load(named.as_ref(), preset, diags)?;
    if opts.screen {
        doc.theme = doc.theme.clone().for_screen();
    }
    // Stage 3: fonts: --fonts, else front matter `fonts:`, else the bundled set.
    // The bundled set is the copy compiled into the binary.
    let dir = match (&opts.fonts, &doc.meta.fonts) {
        (Some(dir), _) => Some(dir.clone()),
        (None, Some(dir)) => Some(input::base_dir(&doc).join(dir)),
        (None, None) => None,
    };
    let loaded = match &opts.font_cache {
        Some(cache) => cache.load(dir.as_deref(), diags),
        None => load_fonts(dir.as_deref(), diags),
    };
    let mut fonts = match loaded {
        Ok(f) => f,
        Err(e) => {
            diags.push(e);
            return None;
        }
    };
    fonts.fallback.set_system_fonts(!opts.no_system_fonts);
    // Stage 4: every character has a glyph in the face that draws it (its
    // own, or a fallback face: see `fallback`).
    coverage::check(&doc, &fonts, diags);
    for problem in fonts.fallback.problems() {
        diags.push(
            Diagnostic::warning(problem)
                .in_file(fonts.dir.join(fonts::MANIFEST))
                .help("fix its `file` under [[fallback]] in fonts.toml"),
        );
    }
    // Characters drawn from the machine's fonts make the output depend on
    // the machine: say which faces and for what.
    let system = fonts.fallback.system_report();
    if !system.is_empty() {
        diags.push(
            Diagnostic::warning(format!(
                "characters drawn from fonts installed on this machine:\n  {}",
                system.join("\n  ")
            ))
            .help("another machine may draw them otherwise; --no-system-fonts forbids this, --fonts names a font set covering them"),
        );
    }
    if diags.has_errors() {
        return None;
    }
    // From here on the source's text is read only for the places of late
    // warnings and the EPUB's identifier: a large one is kept deflated.
    doc.doc.source.pack();
    let timings = Timings {
        parse: parsed - started,
        check: parsed.elapsed(),
        ..Timings::default()
    };
    Some(Prepared {
        doc,
        fonts,
        timings,
        stem: String::new(),
        options: project::Options::default(),
    })
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
    /// Two-sided layout for the PDF.
    pub duplex: bool,
    /// Columns of body text in the PDF and the booklet (1 or 2).
    pub columns: usize,
    /// Write `<stem>-booklet.pdf` imposed on this sheet.
    pub booklet: Option<cli::Sheet>,
    /// Two-sided layout for the booklet (the default).
    pub booklet_duplex: bool,
    /// The booklet's gatherings, creep and marks.
    pub imposition: impose::Imposition,
    /// The standards the PDF conforms to (`--pdf-standard`); the booklet,
    /// an imposition for the printer, claims only the PDF/A one.
    pub pdf_standards: pdf::Standards,
    /// How the EPUB writes formulas (`--epub-math`).
    pub epub_math: epub::EpubMath,
    /// Where to report the stages as they run (none by default).
    pub progress: progress::Progress,
    /// Whether the outputs are flushed to the disk before they replace the
    /// previous ones (`--fsync`; see [`output`]).
    pub durability: output::Durability,
}

/// A file written by [`build`].
#[derive(Clone, Debug)]
pub struct Written {
    /// Where.
    pub path: PathBuf,
    /// Size in bytes.
    pub size: usize,
}

/// Produces the outputs of one prepared document and writes them
/// atomically: each is staged under a temporary name as soon as it is made
/// (into a folder that exists), and all are renamed over their targets once
/// every one is made. No output is replaced when any fails.
///
/// `prepared` is taken: its document is freed once no output reads it
/// any more (see [`render`]).
pub fn build(
    prepared: Prepared,
    opts: &BuildOptions,
    diags: &mut Diagnostics,
) -> Option<Vec<Written>> {
    build_timed(prepared, opts, diags).0
}

/// [`build`], also returning how long each stage took (the `parse` and
/// `check` times come from [`Prepared::timings`]; `total` adds them to the
/// time spent here).
pub fn build_timed(
    prepared: Prepared,
    opts: &BuildOptions,
    diags: &mut Diagnostics,
) -> (Option<Vec<Written>>, Timings) {
    let started = Instant::now();
    let mut timings = prepared.timings;
    let written = build_outputs(prepared, opts, diags, &mut timings);
    timings.total = timings.parse + timings.check + started.elapsed();
    (written, timings)
}

/// One output produced in memory by [`render`].
#[derive(Clone, Debug)]
pub struct Rendered {
    /// The file name: `<stem>.epub`, `<stem>.pdf` or `<stem>-booklet.pdf`.
    pub file: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Produces the outputs `opts` asks for (its `out_dir` is not used) in
/// memory, dated `epoch` (Unix seconds). Returns `None` when an error was
/// reported to `diags`; nothing is written anywhere.
///
/// `prepared` is taken so that its document, most of the memory of a long
/// one, is freed as soon as no output reads it any more: the PDF and the
/// booklet let go of it once their pages are set, the EPUB once it is
/// written. Built alone, the PDF is written without it; built with the
/// EPUB, it is freed when the EPUB is done, which on a long document comes
/// before the PDF writer's own peak (its page tree, outline and parent
/// tree, the file's bytes): benches/README.md, session 21.
pub fn render(
    prepared: Prepared,
    opts: &BuildOptions,
    epoch: i64,
    diags: &mut Diagnostics,
) -> Option<Vec<Rendered>> {
    let made = render_timed(prepared, opts, epoch, None, diags, &mut Timings::default())?;
    let rendered = made.into_iter().map(|(file, made)| match made {
        Made::Bytes(bytes) => Rendered { file, bytes },
        // Nothing is staged without a folder to stage in.
        Made::Staged(..) => unreachable!("render stages nothing"),
    });
    Some(rendered.collect())
}

/// An output made by [`render_timed`]: its bytes, or, built into a folder
/// that exists, the bytes staged beside their target already
/// ([`output::stage`]) and their length.
enum Made {
    Bytes(Vec<u8>),
    Staged(output::Staged, usize),
}

impl Made {
    /// `bytes`, staged as `dir/file` when there is a `dir` to stage in;
    /// kept in memory if that fails (the final write reports why).
    fn of(bytes: Vec<u8>, dir: Option<&Path>, file: &str, sync: output::Durability) -> Made {
        match dir.map(|d| output::stage(&d.join(file), &bytes, sync)) {
            Some(Ok(staged)) => Made::Staged(staged, bytes.len()),
            _ => Made::Bytes(bytes),
        }
    }
}

fn build_outputs(
    prepared: Prepared,
    opts: &BuildOptions,
    diags: &mut Diagnostics,
    timings: &mut Timings,
) -> Option<Vec<Written>> {
    let epoch = input::build_epoch(&prepared.doc, diags);
    // Into a folder that is there already, each output is staged as soon as
    // it is made (its temporary file written and synced while the others
    // are still being made); into a new one, all at the end, so that a
    // failed build creates no folder.
    let stage_in = opts.out_dir.is_dir().then_some(opts.out_dir.as_path());
    let outputs = render_timed(prepared, opts, epoch, stage_in, diags, timings)?;
    let writing = Instant::now();
    let stage = progress::Stage::Write {
        files: outputs.len(),
    };
    opts.progress.report(progress::Event::Start(stage));
    let written = write_outputs(outputs, &opts.out_dir, opts.durability, diags);
    opts.progress.report(progress::Event::End(stage));
    timings.write = writing.elapsed();
    written
}

/// Writes `outputs` into `out_dir` atomically, all or none: those not
/// staged yet are staged, then all are renamed over their targets.
fn write_outputs(
    outputs: Vec<(String, Made)>,
    out_dir: &Path,
    sync: output::Durability,
    diags: &mut Diagnostics,
) -> Option<Vec<Written>> {
    if let Err(e) = std::fs::create_dir_all(out_dir) {
        diags.push(
            Diagnostic::error(format!(
                "cannot create the output folder `{}`: {e}",
                out_dir.display()
            ))
            .help("choose another folder with -o/--out-dir"),
        );
        return None;
    }
    let cannot = |path: &Path, e: std::io::Error| {
        Diagnostic::error(format!("cannot write `{}`: {e}", path.display()))
            .help("check that the output folder is writable and the disk has space; the previous files are unchanged")
    };
    let mut staged = Vec::with_capacity(outputs.len());
    let mut written = Vec::with_capacity(outputs.len());
    for (file, made) in outputs {
        let path = out_dir.join(&file);
        let (s, size) = match made {
            Made::Staged(s, size) => (s, size),
            // The ones staged already are deleted as they drop.
            Made::Bytes(bytes) => match output::stage(&path, &bytes, sync) {
                Ok(s) => (s, bytes.len()),
                Err(e) => {
                    diags.push(cannot(&path, e));
                    return None;
                }
            },
        };
        staged.push(s);
        written.push(Written { path, size });
    }
    if let Err((path, e)) = output::commit(staged) {
        diags.push(cannot(&path, e));
        return None;
    }
    Some(written)
}

/// [`render`], recording the stages' times in `timings`.
fn render_timed(
    prepared: Prepared,
    opts: &BuildOptions,
    epoch: i64,
    stage_in: Option<&Path>,
    diags: &mut Diagnostics,
    timings: &mut Timings,
) -> Option<Vec<(String, Made)>> {
    let Prepared {
        doc, fonts, stem, ..
    } = prepared;
    let (fonts, stem) = (&fonts, &stem);
    let hook = &opts.progress;
    // Typesets and writes one PDF; the booklet is the same layout imposed.
    // Returns the PDF, its warnings and the typeset and write times. The
    // booklet reports itself as one stage (see its spawn below), so only the
    // PDF's typesetting and writing go to `hook`.
    let no_hook = progress::Progress::default();
    let how = &opts.imposition;
    let standards = opts.pdf_standards;
    let durability = opts.durability;
    if opts.pdf || opts.booklet.is_some() {
        pdf::check_document(&doc, &opts.pdf_standards, diags);
        if diags.has_errors() {
            return None;
        }
    }
    // Each output holds the document only while it reads it; the last to
    // let go frees it (see [`render`]).
    if doc.source.len() >= typeset::DEFLATE_RUNS_AT {
        alloc::large_build();
    }
    let doc = std::sync::Arc::new(doc);
    let path = doc.source.path.clone();
    let booklet_theme = doc.theme.booklet.clone();
    // `pages`: where the PDF's page breaks go to, for the EPUB built beside
    // it; sent as soon as the pages are set, before the PDF is written.
    let pdf_with = |doc: std::sync::Arc<resolve::Book>,
                    opts: typeset::TypesetOptions,
                    sheet: Option<cli::Sheet>,
                    pages: Option<std::sync::mpsc::Sender<epub::PageList>>| {
        let hook = if sheet.is_some() { &no_hook } else { hook };
        // The page starts are found only for the EPUB that reads them; a
        // large document's runs are held deflated until the PDF draws them
        // (not for a booklet, nor for a PDF checked against a standard,
        // whose checks read every page's text at once).
        let opts = typeset::TypesetOptions {
            page_starts: pages.is_some(),
            deflate_runs: sheet.is_none()
                && standards.is_empty()
                && doc.source.len() >= typeset::DEFLATE_RUNS_AT,
            ..opts
        };
        let started = Instant::now();
        let chapters = doc.chapters.len();
        let (layout, mut report) = hook.stage(progress::Stage::Typeset { chapters }, || {
            typeset::typeset_with(&doc, fonts, &opts, epoch)
        });
        if let Some(tx) = pages {
            let list = epub::PageList {
                source: format!(
                    "{stem}.pdf ({:?}, {} pages), typeset by trang from the same source",
                    opts.paper,
                    layout.pages.len()
                ),
                pages: std::mem::take(&mut report.page_starts),
            };
            // The EPUB writer may have failed and gone: then no one needs it.
            let _ = tx.send(list);
        }
        // Of the report, only the warnings are wanted from here on (its
        // folios and page starts are let go before the writer).
        let layout_warnings = std::mem::take(&mut report.diags);
        drop(report);
        let typeset = started.elapsed();
        // The layout holds all the PDF needs of the document (freed here if
        // this is the last output reading it, outside the stages' times);
        // what the typesetting freed goes back to the system (a large
        // document's: module `alloc`).
        drop(doc);
        alloc::give_back();
        let writing = Instant::now();
        let layout = match sheet {
            Some(sheet) => {
                let size = if how.marks {
                    sheet.with_marks_pt()
                } else {
                    sheet.size_pt()
                };
                impose::impose(layout, size, how, &booklet_theme)
            }
            None => layout,
        };
        let pages = layout.pages.len();
        let standards = match sheet {
            Some(_) => pdf::Standards {
                ua1: false,
                ..standards
            },
            None => standards,
        };
        let r = hook.stage(progress::Stage::Pdf { pages }, || {
            pdf::write_pdf_as(layout, &standards)
                .map_err(|e| Diagnostic::error(format!("cannot write the PDF: {e}")).in_file(&path))
        });
        let file = match sheet {
            Some(_) => format!("{stem}-booklet.pdf"),
            None => format!("{stem}.pdf"),
        };
        let r = r.map(|bytes| Made::of(bytes, stage_in, &file, durability));
        (r, layout_warnings, typeset, writing.elapsed())
    };
    // Stage 5: the writers share only the document, so they run in parallel.
    // With the PDF, the EPUB marks its page breaks: the EPUB's writer makes
    // its fonts while the pages are set (`epub::prepare_fonts`), then waits
    // for the breaks (sent once the pages are set) and writes its
    // documents and package while the PDF is written.
    let (pages_tx, pages_rx) = match opts.epub && opts.pdf {
        true => {
            let (tx, rx) = std::sync::mpsc::channel();
            (Some(tx), Some(rx))
        }
        false => (None, None),
    };
    let (epub, booklet, pdf) = std::thread::scope(|scope| {
        // The EPUB is written on this thread and the PDF on another when
        // both are built. On the 50 MB document this holds 367 MiB at the
        // peak against 377 the other way round; on the article, where a
        // thread's start and the wake-up of a thread waiting for another
        // each cost 0.2-1 ms on this machine (an idle virtual core sleeps),
        // it took the EPUB, then the longer writer, off both (14.4 -> 13.1
        // ms); with the later changes the two orders measure the same
        // (benches/README.md, session 28). The same bytes either way.
        let pdf_opts = typeset::TypesetOptions {
            paper: opts.paper,
            duplex: opts.duplex,
            columns: opts.columns,
            line_records: false,
            // (Set by `pdf_with` from `pages_tx`.)
            page_starts: false,
            deflate_runs: false,
        };
        // The PDF's thread, when both are built, takes the page breaks'
        // sender (`Some` only then); otherwise it is dropped here, unused,
        // and the EPUB's `recv` cannot wait for it.
        let pdf_thread = (opts.pdf && opts.epub).then(|| {
            let doc = std::sync::Arc::clone(&doc);
            // The main thread's stack (Linux's default 8 MiB) for the
            // typesetting, which recurses with the document's nesting.
            // Started on the other core, where the kernel would leave it
            // on this busy one (module `placement`).
            let (apart, started) = placement::Apart::before();
            let thread = std::thread::Builder::new()
                .name("trang-pdf".into())
                .stack_size(8 << 20)
                .spawn_scoped(scope, move || {
                    started.started();
                    pdf_with(doc, pdf_opts, None, pages_tx)
                })
                // As `scope.spawn` does: a thread that cannot start is the
                // build's panic, before any other work.
                .expect("a thread can be started");
            apart.started_by_us();
            thread
        });
        let booklet = opts.booklet.map(|sheet| {
            let o = typeset::TypesetOptions {
                paper: sheet.page(),
                duplex: opts.booklet_duplex,
                columns: opts.columns,
                line_records: false,
                // (Set by `pdf_with` from its sender: none here.)
                page_starts: false,
                deflate_runs: false,
            };
            let doc = std::sync::Arc::clone(&doc);
            scope.spawn(move || {
                hook.stage(progress::Stage::Booklet, || {
                    pdf_with(doc, o, Some(sheet), None)
                })
            })
        });
        // This thread's hold on the document goes to the EPUB, else to a
        // PDF built alone; with neither (a booklet alone) it is let go
        // here, so that the last writer reading the document frees it.
        let mut pdf_here = None;
        let epub = if opts.epub {
            let eopts = epub::EpubOptions {
                modified: epoch,
                math: opts.epub_math,
            };
            // While the PDF's pages are set, the fonts are made (they
            // do not depend on the page breaks), when typesetting
            // leaves a core to it: else they would only slow it (a
            // body set on two threads, on two cores: benches/README.md,
            // sessions 14 and 23), and the memory this thread freed
            // would still be held at typesetting's peak (jemalloc keeps
            // a thread's freed pages for seconds).
            let started = Instant::now();
            let typesetting = match typeset::blocks::sets_in_parallel(&doc) {
                true => 2,
                false => 1,
            } + usize::from(opts.booklet.is_some());
            // Subset on a second thread only if a core is still spare.
            let threads = match cores() > typesetting + 1 {
                true => epub::SubsetThreads::Cores,
                false => epub::SubsetThreads::One,
            };
            let prepared = (pages_rx.is_some() && typesetting < cores())
                .then(|| epub::prepare_fonts(&doc, fonts, &eopts, threads));
            let mut took = started.elapsed();
            let pages = pages_rx.and_then(|rx| rx.recv().ok());
            let started = Instant::now();
            let mut d = Diagnostics::default();
            // Without fonts made early (or when making them failed),
            // in one pass: its warnings come before the error, as they
            // would have. The document is let go before the archive is
            // assembled (freed then if the PDF is set).
            let prepared = prepared.and_then(Result::ok);
            let r = hook.stage(progress::Stage::Epub, || {
                epub::write_epub_owned(doc, fonts, &eopts, pages.as_ref(), prepared, &mut d)
            });
            let r = r.map(|bytes| Made::of(bytes, stage_in, &format!("{stem}.epub"), durability));
            took += started.elapsed();
            timings.epub = took;
            Some((r, d))
        } else {
            match opts.pdf {
                true => pdf_here = Some(pdf_with(doc, pdf_opts, None, None)),
                false => drop(doc),
            }
            None
        };
        // A panic of the PDF's writer is raised here with its own message.
        let pdf = match pdf_thread {
            Some(h) => Some(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))),
            None => pdf_here,
        };
        let pdf = pdf.map(|(r, d, typeset, took)| {
            timings.typeset = typeset;
            timings.pdf = took;
            (r, d)
        });
        let booklet = booklet.map(|h| {
            let (r, d, typeset, pdf) = h
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            timings.booklet = typeset + pdf;
            (r, d)
        });
        (epub, booklet, pdf)
    });
    let mut outputs = Vec::new();
    for (file, result) in [
        (format!("{stem}.epub"), epub),
        (format!("{stem}.pdf"), pdf),
        (format!("{stem}-booklet.pdf"), booklet),
    ] {
        let Some((result, warnings)) = result else {
            continue;
        };
        // The PDF and the booklet report the same layout warnings: once is enough.
        for w in warnings.items {
            if !diags.items.contains(&w) {
                diags.push(w);
            }
        }
        match result {
            Ok(made) => outputs.push((file, made)),
            Err(e) => diags.push(e),
        }
    }
    if diags.has_errors() {
        return None;
    }
    Some(outputs)
}
