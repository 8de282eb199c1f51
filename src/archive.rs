//! Many inputs in one command (`trang build` over an archive): which inputs
//! and where their outputs go ([`jobs`]), and building them on every core
//! ([`run`]).
//!
//! Each input is built by one worker from start to end (reading, checking,
//! typesetting, writing its files), so an archive's memory is the fonts,
//! read once ([`crate::FontCache`]), and one document per worker. The
//! workers take the next input as they finish one; a failed input — an
//! error in its text, a panic in trang — is reported and the others go on.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::cli::Shard;
use crate::diag::{Diagnostic, Diagnostics};

/// One input and the folder its outputs go to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// A Markdown file or a book folder.
    pub input: PathBuf,
    /// `--out-dir`, or for a file found under a folder by `--each`, the
    /// same sub-folder of it.
    pub out_dir: PathBuf,
}

/// The jobs of `inputs`: with `each`, a folder stands for every `*.md`
/// file below it (hidden files and folders left out), each with the
/// sub-folder it is in under `out_dir`; without, a folder is one book.
/// All are in path order, then only those of `shard`. An error names an
/// unreadable folder, or two inputs that would write the same output.
pub fn jobs(
    inputs: &[PathBuf],
    each: bool,
    out_dir: &Path,
    shard: Option<Shard>,
) -> Result<Vec<Job>, Diagnostic> {
    let mut jobs = Vec::new();
    for input in inputs {
        if each && !input.exists() {
            return Err(
                Diagnostic::error(format!("no folder `{}`", input.display())).help(
                    "--each takes the folder of an archive, e.g. `trang build --each archive/`",
                ),
            );
        }
        if each && input.is_dir() {
            let mut files = Vec::new();
            markdown_under(input, &mut files).map_err(|e| {
                Diagnostic::error(format!("cannot list the folder `{}`: {e}", input.display()))
            })?;
            for file in files {
                let sub = file
                    .parent()
                    .and_then(|p| p.strip_prefix(input).ok())
                    .unwrap_or(Path::new(""));
                jobs.push(Job {
                    out_dir: match sub.as_os_str().is_empty() {
                        true => out_dir.to_path_buf(),
                        false => out_dir.join(sub),
                    },
                    input: file,
                });
            }
        } else {
            jobs.push(Job {
                input: input.clone(),
                out_dir: out_dir.to_path_buf(),
            });
        }
    }
    jobs.sort_by(|a, b| a.input.cmp(&b.input));
    jobs.dedup_by(|a, b| a.input == b.input);
    // Two inputs with one stem in one output folder would overwrite each
    // other's files.
    let mut targets: Vec<(PathBuf, &Path)> = jobs
        .iter()
        .map(|j| (j.out_dir.join(stem(&j.input)), j.input.as_path()))
        .collect();
    targets.sort();
    if let Some(w) = targets.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Diagnostic::error(format!(
            "`{}` and `{}` would both write `{}.*`",
            w[0].1.display(),
            w[1].1.display(),
            w[0].0.display()
        ))
        .help("build them into different --out-dir folders, or give their common folder with --each, which keeps their sub-folders under --out-dir"));
    }
    if let Some(shard) = shard {
        jobs = jobs
            .into_iter()
            .enumerate()
            .filter(|(i, _)| shard.has(*i))
            .map(|(_, j)| j)
            .collect();
    }
    Ok(jobs)
}

/// The file stem an input's outputs are named after (a book's may differ:
/// `[trang] output`; the check is for the common case of articles).
fn stem(input: &Path) -> String {
    let name = if input.is_dir() {
        input
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_owned()))
    } else {
        input.file_stem().map(|n| n.to_owned())
    };
    name.map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every `*.md` file below `dir`, hidden entries left out.
fn markdown_under(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            markdown_under(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// What building one input gave.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Its diagnostics; any error means it was not built.
    pub diags: Diagnostics,
    /// The files written (paths and sizes), `None` when it failed.
    pub written: Option<Vec<crate::Written>>,
}

/// Stack of a worker: as much as the main thread has, for deeply nested
/// Markdown.
const WORKER_STACK: usize = 8 << 20;

/// Builds every job with `build` on `workers` threads, giving each outcome
/// to `done` (on the calling thread, in the order they finish) with the
/// job's index. A panic while building a job is that job's error.
pub fn run<B, D>(jobs: &[Job], workers: usize, build: B, mut done: D)
where
    B: Fn(&Job) -> Outcome + Sync,
    D: FnMut(usize, Outcome),
{
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, jobs.len().max(1)) {
            let (tx, next, build) = (tx.clone(), &next, &build);
            let worker = std::thread::Builder::new()
                .name("trang-worker".into())
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        let outcome =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(job)))
                                .unwrap_or_else(|panic| panicked(job, panic));
                        if tx.send((i, outcome)).is_err() {
                            break;
                        }
                    }
                });
            if let Err(e) = worker {
                // Fewer workers than asked: those started do the work.
                eprintln_lossy(&format!("warning: cannot start a worker thread: {e}"));
                break;
            }
        }
        drop(tx);
        for (i, outcome) in rx {
            done(i, outcome);
        }
    });
}

/// The outcome of a job whose build panicked: an error naming the input.
fn panicked(job: &Job, panic: Box<dyn std::any::Any + Send>) -> Outcome {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    let mut diags = Diagnostics::default();
    diags.push(
        Diagnostic::error(format!(
            "trang failed on this input (internal error: {what})"
        ))
        .in_file(&job.input)
        .help(
            "this is a bug in trang: please report it with the input; the other inputs were built",
        ),
    );
    Outcome {
        diags,
        written: None,
    }
}

fn eprintln_lossy(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "# x\n").unwrap();
        }
        dir
    }

    #[test]
    fn each_lists_the_articles_below_a_folder_in_path_order() {
        let dir = tree(&[
            "b.md",
            "a/z.md",
            "a/y.md",
            ".hidden/x.md",
            "a/.h.md",
            "notes.txt",
        ]);
        let out = Path::new("out");
        let jobs = jobs(&[dir.path().to_path_buf()], true, out, None).unwrap();
        let got: Vec<(String, String)> = jobs
            .iter()
            .map(|j| {
                let rel = j.input.strip_prefix(dir.path()).unwrap();
                (rel.display().to_string(), j.out_dir.display().to_string())
            })
            .collect();
        assert_eq!(
            got,
            [("a/y.md", "out/a"), ("a/z.md", "out/a"), ("b.md", "out")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
    }

    #[test]
    fn shards_split_the_inputs_between_them_once_each() {
        let names: Vec<String> = (0..10).map(|i| format!("a{i}.md")).collect();
        let dir = tree(&names.iter().map(String::as_str).collect::<Vec<_>>());
        let all = jobs(&[dir.path().to_path_buf()], true, Path::new("o"), None).unwrap();
        let mut seen = Vec::new();
        for k in 1..=3 {
            let shard = <Shard as std::str::FromStr>::from_str(&format!("{k}/3")).unwrap();
            let part = jobs(
                &[dir.path().to_path_buf()],
                true,
                Path::new("o"),
                Some(shard),
            )
            .unwrap();
            assert!((3..=4).contains(&part.len()), "{}", part.len());
            seen.extend(part);
        }
        seen.sort_by(|a, b| a.input.cmp(&b.input));
        assert_eq!(seen, all);
        assert!(<Shard as std::str::FromStr>::from_str("0/3").is_err());
        assert!(<Shard as std::str::FromStr>::from_str("4/3").is_err());
        assert!(<Shard as std::str::FromStr>::from_str("2").is_err());
    }

    #[test]
    fn two_inputs_writing_one_output_are_refused() {
        let dir = tree(&["a/x.md", "b/x.md"]);
        let inputs = [dir.path().join("a/x.md"), dir.path().join("b/x.md")];
        let e = jobs(&inputs, false, Path::new("out"), None).unwrap_err();
        assert!(e.message.contains("would both write"), "{}", e.message);
        // Under --each their folders keep them apart.
        assert_eq!(
            jobs(&[dir.path().to_path_buf()], true, Path::new("out"), None)
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn a_panic_is_the_error_of_its_input_only() {
        let jobs: Vec<Job> = (0..20)
            .map(|i| Job {
                input: PathBuf::from(format!("{i}.md")),
                out_dir: PathBuf::from("out"),
            })
            .collect();
        let mut outcomes = Vec::new();
        run(
            &jobs,
            3,
            |job| {
                if job.input == Path::new("7.md") {
                    panic!("boom");
                }
                Outcome {
                    diags: Diagnostics::default(),
                    written: Some(Vec::new()),
                }
            },
            |i, o| outcomes.push((i, o)),
        );
        assert_eq!(outcomes.len(), 20);
        let failed: Vec<usize> = outcomes
            .iter()
            .filter(|(_, o)| o.written.is_none())
            .map(|(i, _)| *i)
            .collect();
        assert_eq!(failed, [7]);
        let (_, o) = outcomes.iter().find(|(i, _)| *i == 7).unwrap();
        assert!(o.diags.items[0].message.contains("boom"));
    }
}
