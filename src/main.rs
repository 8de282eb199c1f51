//! The `trang` command: parse the CLI, run the pipeline, print diagnostics,
//! set the exit code (0 success, 1 input error, 2 usage error). `trang watch`
//! runs the same build again on every save (see [`trang::watch`]) until
//! Ctrl-C, which ends it with 0.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use trang::cli::{BuildArgs, Cli, Command, Format, InputArgs};
use trang::diag::Diagnostics;
use trang::progress::{Event, Spinner, Stage};
use trang::watch::{Trigger, Watched};
use trang::{BuildOptions, input};

/// jemalloc in place of the C library's allocator. A build frees much of
/// what it allocates on other threads than the ones that allocated it (the
/// flow is set on two threads, its pages written on others). glibc keeps
/// freed memory in the arena it came from and returns it to the system only
/// from the top of a heap; jemalloc purges freed pages, so the resident set
/// falls while the pages are written. Measured in benches/README.md
/// ("Session 18"): the book about 15 % faster, the 50 MB document's peak
/// 1,047 → 893 MiB; the article's start-up 0.7 ms and 2.3 MiB more.
#[cfg(unix)]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

// Messages go to stderr, which may be a pipe closed early (`trang build 2>&1
// | head`): std's `eprintln!` panics then. These print what they can and
// carry on, so the exit code stays the build's. Each message is formatted
// first and written in one call: stderr is unbuffered, and `write!` to it
// makes a system call per piece (each padding space of `{:>12}`: 38 calls
// for an article's three lines, where 3 do).
macro_rules! eprintln {
    () => {
        eprint!("\n")
    };
    ($($t:tt)*) => {
        eprint!("{}\n", format_args!($($t)*))
    };
}
macro_rules! eprint {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = std::io::stderr().write_all(format!($($t)*).as_bytes());
    }};
}

fn main() -> ExitCode {
    // This program starts no thread of its own while trang's build starts
    // one, so a new thread can be told apart (`trang::placement`).
    trang::placement::enable();
    let cli = Cli::parse();
    let (args, build) = match &cli.command {
        Command::Build(b) | Command::Watch(b) => (&b.input, Some(b)),
        Command::Check(c) => (&c.input, None),
        Command::Init(i) => return init(&i.dir),
        Command::Theme(t) => return print_theme(&t.preset),
    };
    if let Some(b) = build
        && let Err(e) = trang::pdf::Standards::from_list(&b.pdf_standard)
    {
        eprintln!("error: --pdf-standard: {e}");
        return ExitCode::from(2);
    }
    let watching = matches!(cli.command, Command::Watch(_));
    if watching && (args.each || args.jobs.is_some() || args.shard.is_some()) {
        eprintln!(
            "error: `trang watch` builds one book or article at a time; --each, --jobs and --shard are for `trang build`"
        );
        return ExitCode::from(2);
    }
    handle_signals(watching);
    let inputs = match resolve_inputs(args) {
        Ok(i) => i,
        Err(code) => return code,
    };
    if watching || (inputs.len() < 2 && !args.each && args.jobs.is_none() && args.shard.is_none()) {
        return match build {
            Some(b) if watching => watch(b, &inputs),
            _ => run(args, build, &inputs, &mut Vec::new()),
        };
    }
    let out_dir = build.map_or(Path::new("out"), |b| b.out_dir.as_path());
    match trang::archive::jobs(&inputs, args.each, out_dir, args.shard) {
        Ok(jobs) => run_archive(args, build, &jobs),
        Err(d) => {
            eprint!("{}", d.render());
            ExitCode::from(2)
        }
    }
}

/// Many inputs (`--each`, `--jobs`, `--shard`, or more than one INPUT):
/// built on every core by [`trang::archive::run`], the fonts read once.
/// Prints a progress bar on a terminal, the errors of the first failed
/// inputs in full as they come, the warnings grouped across inputs, and a
/// summary: what was built, each failed input with its first error.
/// Exits with 0 when every input was built, else 1.
fn run_archive(
    args: &InputArgs,
    build: Option<&BuildArgs>,
    jobs: &[trang::archive::Job],
) -> ExitCode {
    use std::collections::BTreeMap;
    use std::io::IsTerminal;
    /// Failed inputs whose errors are printed in full; the summary lists all.
    const SHOWN_IN_FULL: usize = 10;
    let started = Instant::now();
    if build.is_some_and(|b| b.timings) {
        eprintln!(
            "warning: --timings times one input; over many inputs only the summary's rate is printed"
        );
    }
    let workers = args
        .jobs
        .map(usize::from)
        .unwrap_or_else(trang::cores)
        .min(jobs.len())
        .max(1);
    ARCHIVE_TOTAL.store(jobs.len(), std::sync::atomic::Ordering::Relaxed);
    // A worker a core: no core left idle for an input's PDF thread.
    trang::placement::disable();
    let cache = std::sync::Arc::new(trang::FontCache::default());
    let prepare = prepare_options(args, Some(cache));
    let bar = (!args.quiet && std::io::stderr().is_terminal() && !jobs.is_empty()).then(|| {
        let bar = indicatif::ProgressBar::new(jobs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{prefix:>12.cyan.bold} [{bar:20}] {pos}/{len} inputs · {elapsed}{msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_prefix(if build.is_some() {
            "Building"
        } else {
            "Checking"
        });
        bar
    });
    let say = |text: &str| match &bar {
        Some(bar) => bar.suspend(|| eprint!("{text}")),
        None => eprint!("{text}"),
    };
    let (mut built, mut files, mut bytes) = (0usize, 0usize, 0usize);
    let mut failed: Vec<(usize, String)> = Vec::new();
    // Warning message → the inputs it came from.
    let mut warnings: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    trang::archive::run(
        jobs,
        workers,
        |job| {
            let mut diags = Diagnostics::default();
            let prepared = trang::prepare_with(&job.input, &prepare, &mut diags);
            let written = match (prepared, build) {
                (Some(p), Some(b)) => {
                    let opts = build_options(&p, b, Default::default(), &job.out_dir, &mut diags);
                    trang::build(p, &opts, &mut diags)
                }
                (Some(_), None) => Some(Vec::new()),
                (None, _) => None,
            };
            trang::archive::Outcome { diags, written }
        },
        |i, outcome| {
            let job = &jobs[i];
            match &outcome.written {
                Some(written) => {
                    built += 1;
                    files += written.len();
                    bytes += written.iter().map(|w| w.size).sum::<usize>();
                    if args.verbose {
                        for w in written {
                            say(&format!(
                                "{:>12} {} ({})\n",
                                "Wrote",
                                w.path.display(),
                                human_size(w.size)
                            ));
                        }
                    }
                }
                None => {
                    let first = outcome
                        .diags
                        .items
                        .iter()
                        .find(|d| d.is_error())
                        .map(|d| one_line(d, &job.input))
                        .unwrap_or_else(|| format!("{}: not built", job.input.display()));
                    if failed.len() < SHOWN_IN_FULL || args.verbose {
                        let full: String = outcome
                            .diags
                            .items
                            .iter()
                            .filter(|d| d.is_error())
                            .map(|d| d.render())
                            .collect();
                        say(&full);
                    }
                    failed.push((i, first));
                }
            }
            for d in outcome.diags.items.iter().filter(|d| !d.is_error()) {
                if args.verbose {
                    say(&d.render_verbose());
                } else {
                    warnings.entry(d.message.clone()).or_default().push(i);
                }
            }
            let done = ARCHIVE_DONE.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if let Some(bar) = &bar {
                let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
                let failures = match failed.len() {
                    0 => String::new(),
                    n => format!(" · {n} failed"),
                };
                bar.set_message(format!(" · {rate:.1} inputs/s{failures}"));
                bar.inc(1);
            }
        },
    );
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !args.verbose {
        for (message, inputs) in &warnings {
            let mut names: Vec<String> = inputs
                .iter()
                .take(5)
                .map(|&i| jobs[i].input.display().to_string())
                .collect();
            if inputs.len() > 5 {
                names.push(format!("and {} more", inputs.len() - 5));
            }
            eprintln!(
                "warning: {message}\n  = in {} input(s): {}\n  = help: `--verbose` prints each with its places and hints",
                inputs.len(),
                names.join(", ")
            );
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let verb = if build.is_some() { "Built" } else { "Checked" };
    if !args.quiet || !failed.is_empty() {
        let written = if build.is_some() {
            format!(" ({files} files, {})", human_size(bytes))
        } else {
            String::new()
        };
        let shard = args
            .shard
            .map(|s| format!(" of shard {}/{}", s.k, s.n))
            .unwrap_or_default();
        eprintln!(
            "{verb:>12} {built} of {} input(s){shard}{written} in {secs:.2}s: {:.1} inputs/s, {workers} at once",
            jobs.len(),
            jobs.len() as f64 / secs.max(1e-9)
        );
    }
    if failed.is_empty() {
        return ExitCode::SUCCESS;
    }
    failed.sort();
    eprintln!(
        "{:>12} {} input(s), each with its first error:",
        "Failed",
        failed.len()
    );
    for (_, line) in &failed {
        eprintln!("             {line}");
    }
    ExitCode::from(1)
}

/// Inputs of an archive build finished so far, and in all: what an
/// interrupted archive build says it leaves.
static ARCHIVE_DONE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static ARCHIVE_TOTAL: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// `path:line:col: message` of a diagnostic (its file, else `input`).
fn one_line(d: &trang::diag::Diagnostic, input: &Path) -> String {
    let message = d.message.lines().next().unwrap_or_default();
    match (d.locations.first(), &d.file) {
        (Some(l), _) => format!("{}:{}:{}: {message}", l.path.display(), l.line, l.col),
        (None, Some(f)) => format!("{}: {message}", f.display()),
        (None, None) => format!("{}: {message}", input.display()),
    }
}

/// `trang build` (with `build`) or `trang check` (without) of `inputs`:
/// prints the diagnostics and what was written (also added to `wrote`),
/// returns the exit code.
fn run(
    args: &InputArgs,
    build: Option<&BuildArgs>,
    inputs: &[PathBuf],
    wrote: &mut Vec<PathBuf>,
) -> ExitCode {
    let started = Instant::now();
    let mut failed = false;
    let mut count = 0;
    for path in inputs {
        let mut diags = Diagnostics::default();
        // On a terminal, a build longer than a second shows its stages.
        let spinner = if args.quiet {
            None
        } else {
            Spinner::on_terminal()
        };
        let hook = spinner.as_ref().map(Spinner::progress).unwrap_or_default();
        hook.report(Event::Start(Stage::Parse));
        let prepare = prepare_options(args, None);
        let prepared = trang::prepare_with(path, &prepare, &mut diags);
        hook.report(Event::End(Stage::Parse));
        let written = match (prepared, build) {
            (Some(p), Some(b)) => {
                let opts = build_options(&p, b, hook, &b.out_dir, &mut diags);
                let (written, timings) = trang::build_timed(p, &opts, &mut diags);
                if b.timings {
                    print_timings(path, &timings, opts.booklet.is_some());
                }
                written
            }
            (Some(_), None) => Some(Vec::new()),
            (None, _) => None,
        };
        drop(spinner);
        report(&diags, args.verbose);
        match written {
            Some(files) => {
                wrote.extend(files.iter().map(|f| f.path.clone()));
                for f in &files {
                    count += 1;
                    if !args.quiet {
                        eprintln!(
                            "{:>12} {} ({})",
                            "Wrote",
                            f.path.display(),
                            human_size(f.size)
                        );
                    }
                }
                if build.is_none() && !args.quiet {
                    eprintln!("{:>12} {}", "Checked", path.display());
                }
            }
            None => failed = true,
        }
    }
    if failed {
        if build.is_some() {
            eprintln!("error: could not build; nothing was written for the inputs with errors");
        } else {
            eprintln!("error: the check found errors");
        }
        return ExitCode::from(1);
    }
    if !args.quiet {
        let what = if build.is_some() {
            format!("{count} file(s)")
        } else {
            format!("{} input(s)", inputs.len())
        };
        eprintln!(
            "{:>12} {what} in {:.2}s",
            "Finished",
            started.elapsed().as_secs_f64()
        );
    }
    ExitCode::SUCCESS
}

/// What preparing an input may use, from the command line; `font_cache`
/// shares the font sets between the inputs of an archive build.
fn prepare_options(
    args: &InputArgs,
    font_cache: Option<std::sync::Arc<trang::FontCache>>,
) -> trang::PrepareOptions {
    trang::PrepareOptions {
        fonts: args.fonts.clone(),
        allow_outside: args.allow_outside.clone(),
        no_system_fonts: args.no_system_fonts,
        resource_paths: args.resource_path.clone(),
        theme: args
            .theme
            .as_deref()
            .map(|t| trang::theme::resolve_name(t, Path::new("."))),
        screen: args.medium == Some(trang::cli::Medium::Screen),
        font_cache,
    }
}

/// How to build `p` into `out_dir`: the command line wins over a book's
/// `[trang]` options.
fn build_options(
    p: &trang::Prepared,
    b: &BuildArgs,
    hook: trang::progress::Progress,
    out_dir: &Path,
    diags: &mut Diagnostics,
) -> BuildOptions {
    let o = &p.options;
    let book = p.doc.form == trang::resolve::Form::Book;
    let opts = BuildOptions {
        out_dir: out_dir.to_path_buf(),
        epub: b.wants(Format::Epub),
        pdf: b.wants(Format::Pdf),
        paper: b.paper.or(o.paper).unwrap_or(trang::cli::Paper::A4),
        duplex: match (b.duplex, b.no_duplex) {
            (true, _) => true,
            (_, true) => false,
            _ => o.duplex.unwrap_or(book),
        },
        columns: usize::from(b.columns.or(o.columns).unwrap_or(1)),
        booklet: (b.wants(Format::Booklet) || o.booklet == Some(true))
            .then_some(b.sheet.or(o.sheet).unwrap_or(trang::cli::Sheet::A4)),
        booklet_duplex: !b.no_duplex,
        imposition: trang::impose::Imposition {
            signature: b.signature.or(o.signature).unwrap_or_default(),
            creep: b.creep.or(o.creep).unwrap_or(0.0),
            marks: b.marks || o.marks == Some(true),
        },
        pdf_standards: if b.pdf_standard.is_empty() {
            o.pdf_standard
                .or(p.doc.meta.pdf_standard)
                .unwrap_or_default()
        } else {
            trang::pdf::Standards::from_list(&b.pdf_standard).unwrap_or_default()
        },
        progress: hook,
        epub_math: b.epub_math,
        durability: match b.fsync {
            true => trang::output::Durability::Durable,
            false => trang::output::Durability::Atomic,
        },
    };
    if opts.booklet.is_none() && (b.signature.is_some() || b.creep.is_some() || b.marks) {
        diags.push(
            trang::diag::Diagnostic::warning(
                "--signature, --creep and --marks shape the booklet, and no booklet is built",
            )
            .help("add --booklet (or `booklet` to --format)"),
        );
    }
    opts
}

/// `trang watch`: builds `inputs` now and after every save (see
/// [`trang::watch`]); returns only when the watcher cannot run.
fn watch(build: &BuildArgs, inputs: &[PathBuf]) -> ExitCode {
    let args = &build.input;
    let extra: Vec<PathBuf> = args
        .fonts
        .iter()
        .chain(&args.resource_path)
        .cloned()
        .collect();
    let mut watched = match Watched::new(inputs, &extra, &build.out_dir) {
        Ok(w) => w,
        Err(d) => {
            eprint!("{}", d.render());
            return ExitCode::from(1);
        }
    };
    let here = std::env::current_dir().unwrap_or_default();
    let shown = |p: &std::path::Path| match p.strip_prefix(&here) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => rel.display().to_string(),
        Err(_) => p.display().to_string(),
    };
    // Without INPUT, the inputs are looked up again before each build, so a
    // file added to the source folder is built too.
    // Returns the files written, which the watcher then ignores.
    let rebuild = || {
        let mut wrote = Vec::new();
        if args.inputs.is_empty() {
            if let Ok(now) = resolve_inputs(args) {
                run(args, Some(build), &now, &mut wrote);
            }
        } else {
            run(args, Some(build), inputs, &mut wrote);
        }
        wrote
    };
    let folders: Vec<String> = watched.roots.iter().map(|r| shown(r)).collect();
    let folders = folders.join(", ");
    let result = trang::watch::watch(&mut watched, |trigger| match trigger {
        Trigger::Start => {
            let wrote = rebuild();
            if !args.quiet {
                eprintln!("{:>12} {folders} (Ctrl-C stops)", "Watching");
            }
            wrote
        }
        Trigger::Changed(paths) => {
            if !args.quiet {
                let more = match paths.len() {
                    1 => String::new(),
                    n => format!(" and {} more", n - 1),
                };
                eprintln!("{:>12} {}{more}", "Changed", shown(&paths[0]));
            }
            rebuild()
        }
        Trigger::Problem(d) => {
            eprint!("{}", d.render());
            Vec::new()
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(d) => {
            eprint!("{}", d.render());
            ExitCode::from(1)
        }
    }
}

/// `trang theme NAME`: the preset as a TOML theme file.
fn print_theme(name: &str) -> ExitCode {
    use trang::theme::{Preset, Theme};
    match Preset::ALL.iter().find(|(n, _)| *n == name) {
        Some(&(_, p)) => match toml::to_string(&Theme::preset(p)) {
            Ok(text) => {
                println!("# trang theme `{name}`: every key a theme file may set.");
                println!(
                    "# Keep the keys you change; `extends` names the preset the rest comes from."
                );
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write the theme: {e}");
                ExitCode::FAILURE
            }
        },
        None => {
            eprintln!(
                "error: no preset is named `{name}`\n  = help: presets: article, book, handout"
            );
            ExitCode::from(2)
        }
    }
}

/// `trang init DIR`: the new book's files, or the error.
fn init(dir: &std::path::Path) -> ExitCode {
    match trang::init::init(dir) {
        Ok(files) => {
            for f in files {
                eprintln!("{:>12} {}", "Wrote", f.display());
            }
            let build = if dir == std::path::Path::new(".") {
                "trang build".to_string()
            } else {
                format!("cd {} && trang build", dir.display())
            };
            eprintln!(
                "{:>12} a new book: `{build}` makes its EPUB and PDF",
                "Created"
            );
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprint!("{}", d.render());
            ExitCode::from(1)
        }
    }
}

/// On SIGINT, SIGTERM or SIGHUP: delete the temporary files being written
/// (the previous outputs stay intact) and exit with 128 + the signal number;
/// when `watching`, a signal is how the user ends `trang watch`, so it exits
/// with 0. SIGXFSZ (a file-size limit reached) is caught and ignored so that
/// the write fails with an error, reported like a full disk, instead of
/// killing trang.
fn handle_signals(watching: bool) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGXFSZ};
    let mut signals = match signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP, SIGXFSZ])
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "warning: cannot install signal handlers ({e}); an interrupted build may leave a temporary file"
            );
            return;
        }
    };
    std::thread::spawn(move || {
        for signal in signals.forever() {
            if signal == SIGXFSZ {
                continue;
            }
            let _held = trang::output::remove_temp_files();
            trang::progress::clear_spinner();
            let name = signal_hook::low_level::signal_name(signal).unwrap_or("a signal");
            if watching {
                eprintln!(
                    "{:>12} watching ({name}); the outputs are those of the last build that succeeded",
                    "Stopped"
                );
                std::process::exit(0);
            }
            let total = ARCHIVE_TOTAL.load(std::sync::atomic::Ordering::Relaxed);
            if total > 0 {
                let done = ARCHIVE_DONE.load(std::sync::atomic::Ordering::Relaxed);
                eprintln!(
                    "error: interrupted by {name} after {done} of {total} inputs; their outputs are written, and those being built are unchanged"
                );
            } else {
                eprintln!("error: interrupted by {name}; the previous outputs are unchanged");
            }
            std::process::exit(128 + signal);
        }
    });
}

fn resolve_inputs(args: &InputArgs) -> Result<Vec<PathBuf>, ExitCode> {
    if !args.inputs.is_empty() {
        return Ok(args.inputs.clone());
    }
    if args.each {
        eprintln!("error: --each needs a folder INPUT, e.g. `trang build --each archive/`");
        return Err(ExitCode::from(2));
    }
    if std::path::Path::new(trang::project::MANIFEST).is_file() {
        return Ok(vec![PathBuf::from(".")]);
    }
    input::default_inputs().map_err(|d| {
        eprint!("{}", d.render());
        ExitCode::from(1)
    })
}

/// Prints every diagnostic (`--quiet` silences only the progress lines); a
/// repeated one with all its places when `verbose`.
fn report(diags: &Diagnostics, verbose: bool) {
    for d in &diags.items {
        if verbose {
            eprint!("{}", d.render_verbose());
        } else {
            eprint!("{}", d.render());
        }
    }
}

/// `--timings`: one line per stage, in milliseconds.
/// The booklet line is shown only when a booklet was built.
fn print_timings(path: &std::path::Path, t: &trang::Timings, booklet: bool) {
    eprintln!("{:>12} {}", "Timings", path.display());
    for (name, d) in t.stages() {
        if name == "booklet" && !booklet {
            continue;
        }
        eprintln!("{:>12} {:>9.1} ms", name, d.as_secs_f64() * 1e3);
    }
    eprintln!(
        "{:>12} (epub write runs in parallel: its fonts while the pages are set, the rest with pdf write, once it has the page breaks to mark{})",
        "",
        if booklet {
            "; the booklet in parallel with typeset + pdf write"
        } else {
            ""
        }
    );
}

fn human_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
}
