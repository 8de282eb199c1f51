//! `trang watch`: build once, then again after every save of a file the
//! build reads.
//!
//! What is watched: the folder of each input (a Markdown file's folder, or
//! the project folder itself), recursively, so the Markdown, its images,
//! `book.toml`, `SUMMARY.md`, chapter files and a font folder inside it are
//! all seen, plus any folder named on the command line outside it (`--fonts`,
//! `--resource-path`). What is not: the outputs (the output folder when it is
//! a folder of its own; only the `.epub`/`.pdf` files when it is a source
//! folder), hidden files and folders (`.git`, editors' swap and lock files
//! such as `.x.md.swp` and `.#x.md`), and the other names editors write
//! while saving (`x.md~`, `#x.md#`, `4913`, JetBrains' `___jb_tmp___`).
//! Reading a file (an `Access` event: inotify reports opens) is not a change,
//! so the build itself never triggers the next one.
//!
//! Saves are debounced ([`notify_debouncer_full`], [`DEBOUNCE`]): the events
//! of one save (an editor's write, rename and attribute change) make one
//! build. The debouncer lets each event go on its own once it is
//! [`DEBOUNCE`] old, checking a quarter of that apart, so a save whose write
//! and close straddle one of its checks (a loaded machine) comes in two
//! batches: batches that follow each other within [`SETTLE`] are one
//! change. Saves that arrive while a build runs are queued and all make one
//! more build after it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::diag::Diagnostic;

/// How long a file must stay quiet after an event before a build starts:
/// long enough to gather one save's events, short enough not to be felt.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// How long after one batch of events the next still belongs to the same
/// change: two of the debouncer's checks (`DEBOUNCE / 4` apart).
pub const SETTLE: Duration = Duration::from_millis(75);

/// What the watcher asks its caller to do.
#[derive(Debug)]
pub enum Trigger {
    /// The first build, before any change.
    Start,
    /// A build, because these files changed (sorted, without duplicates).
    Changed(Vec<PathBuf>),
    /// The watcher reported a problem (a change may have been missed); no build.
    Problem(Diagnostic),
}

/// The folders to watch and what in them to ignore.
#[derive(Clone, Debug)]
pub struct Watched {
    /// Folders watched recursively (canonical, none inside another).
    pub roots: Vec<PathBuf>,
    /// The input files themselves (canonical): never ignored, even when hidden.
    inputs: Vec<PathBuf>,
    /// The output folder, as given (`-o`).
    out_dir: PathBuf,
    /// The files the builds wrote (canonical), wherever they are.
    written: BTreeSet<PathBuf>,
}

impl Watched {
    /// The folders for `inputs` (Markdown files or project folders) and the
    /// `extra` folders the build reads (font folder, resource paths), with
    /// `out_dir` ignored. An input that does not exist yet is watched through
    /// its folder; a folder that does not exist is an error.
    pub fn new(inputs: &[PathBuf], extra: &[PathBuf], out_dir: &Path) -> Result<Self, Diagnostic> {
        let mut roots: Vec<PathBuf> = Vec::new();
        let mut files = Vec::new();
        let folders = inputs
            .iter()
            .map(|input| {
                if input.is_dir() {
                    input.clone()
                } else {
                    files.push(canonical(input));
                    match input.parent() {
                        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                        _ => PathBuf::from("."),
                    }
                }
            })
            .chain(extra.iter().filter(|d| d.is_dir()).cloned());
        for folder in folders {
            let folder = folder.canonicalize().map_err(|e| {
                Diagnostic::error(format!("cannot watch `{}`: {e}", folder.display()))
                    .help("name an existing Markdown file or book folder")
            })?;
            if roots.iter().any(|r| folder.starts_with(r)) {
                continue;
            }
            roots.retain(|r| !r.starts_with(&folder));
            roots.push(folder);
        }
        Ok(Watched {
            roots,
            inputs: files,
            out_dir: out_dir.to_path_buf(),
            written: BTreeSet::new(),
        })
    }

    /// Whether a change to `path` (absolute, as the watcher reports it)
    /// should rebuild; `out` is the output folder, canonical.
    fn matters(&self, path: &Path, out: &Path) -> bool {
        if self.inputs.iter().any(|i| i == path) {
            return true;
        }
        if self.written.contains(path) {
            return false;
        }
        if path.starts_with(out) {
            // An output folder of its own is ignored whole; a source folder
            // that also takes the outputs loses only them.
            let holds_sources = self.roots.iter().any(|r| r.starts_with(out));
            if !holds_sources {
                return false;
            }
            let is_output = path.parent() == Some(out)
                && path.extension().is_some_and(|e| {
                    e.eq_ignore_ascii_case("epub") || e.eq_ignore_ascii_case("pdf")
                });
            if is_output {
                return false;
            }
        }
        let Some(root) = self.roots.iter().find(|r| path.starts_with(r)) else {
            return true;
        };
        let inside = path.strip_prefix(root).unwrap_or(path);
        !inside
            .components()
            .any(|c| ignored_name(&c.as_os_str().to_string_lossy()))
    }

    /// The output folder, canonical when it exists (the first build makes it).
    fn out(&self) -> PathBuf {
        canonical(&self.out_dir)
    }
}

/// Whether a file or folder called `name` is hidden or an editor's
/// temporary file (vim's `4913` probe and `x~` backup, emacs's `#x#`
/// autosave, JetBrains' safe-write copies).
pub fn ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

/// `path` made absolute and, where it exists, free of `..` and symbolic
/// links: a missing file is its folder's canonical path joined with its name.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(c) = path.canonicalize() {
        return c;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map(|d| d.join(name))
            .unwrap_or(absolute.clone()),
        _ => absolute,
    }
}

/// The changed paths of one batch of debounced events that matter to the build.
fn changes(
    watched: &Watched,
    result: DebounceEventResult,
    out: &mut BTreeSet<PathBuf>,
) -> Vec<String> {
    let events = match result {
        Ok(events) => events,
        Err(errors) => return errors.iter().map(ToString::to_string).collect(),
    };
    let out_dir = watched.out();
    for e in events {
        if e.need_rescan() {
            // Events were lost (the kernel's queue overflowed): rebuild.
            out.extend(watched.roots.iter().cloned());
            continue;
        }
        // Only a file closed after writing is a change among the accesses.
        let write_closed = matches!(
            e.kind,
            EventKind::Access(AccessKind::Close(AccessMode::Write))
        );
        if matches!(e.kind, EventKind::Access(_) | EventKind::Other) && !write_closed {
            continue;
        }
        out.extend(
            e.paths
                .iter()
                .filter(|p| watched.matters(p, &out_dir))
                .cloned(),
        );
    }
    Vec::new()
}

/// Watches `watched` and calls `on` with [`Trigger::Start`], then with each
/// batch of changes; `on` returns the files it wrote, which are never a
/// change. Returns only when the watcher cannot be set up or stops (the
/// process ends on Ctrl-C, see `main.rs`).
pub fn watch(
    watched: &mut Watched,
    mut on: impl FnMut(Trigger) -> Vec<PathBuf>,
) -> Result<(), Diagnostic> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let cannot = |e: notify::Error| {
        let hint = match e.kind {
            notify::ErrorKind::MaxFilesWatch => {
                "the system's limit of watched folders is reached: raise fs.inotify.max_user_watches, or watch a smaller folder"
            }
            _ => "check that the folder exists and can be read",
        };
        Diagnostic::error(format!("cannot watch for changes: {e}")).help(hint)
    };
    let mut debouncer = new_debouncer(DEBOUNCE, None, tx).map_err(cannot)?;
    for root in &watched.roots {
        debouncer
            .watch(root, RecursiveMode::Recursive)
            .map_err(cannot)?;
    }
    let wrote = on(Trigger::Start);
    watched.written.extend(wrote.iter().map(|p| canonical(p)));
    while let Ok(first) = rx.recv() {
        // Everything queued while the last build ran makes one build.
        let mut changed = BTreeSet::new();
        let mut problems = changes(watched, first, &mut changed);
        // and so does a batch that follows within SETTLE (for at most a
        // second, so that a file written without pause still gets built).
        let since = std::time::Instant::now();
        while since.elapsed() < Duration::from_secs(1) {
            let Ok(more) = rx.recv_timeout(SETTLE) else {
                break;
            };
            problems.extend(changes(watched, more, &mut changed));
        }
        for p in problems {
            let _ = on(Trigger::Problem(
                Diagnostic::warning(format!("while watching for changes: {p}"))
                    .help("a change may have been missed: save the file again"),
            ));
        }
        if !changed.is_empty() {
            let wrote = on(Trigger::Changed(changed.into_iter().collect()));
            watched.written.extend(wrote.iter().map(|p| canonical(p)));
        }
    }
    Err(Diagnostic::error("the file watcher stopped").help("run `trang watch` again"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored_and_sources_are_not() {
        for name in [
            ".x.md.swp",
            ".#x.md",
            "x.md~",
            "4913",
            "#x.md#",
            "x.md___jb_tmp___",
            ".git",
        ] {
            assert!(ignored_name(name), "{name}");
        }
        for name in ["x.md", "book.toml", "SUMMARY.md", "anh.png", "#", "49130"] {
            assert!(!ignored_name(name), "{name}");
        }
    }

    #[test]
    fn outputs_are_ignored_in_their_own_folder_and_beside_the_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("a.md"), "# A\n").unwrap();
        std::fs::create_dir(root.join("out")).unwrap();
        std::fs::create_dir(root.join("images")).unwrap();
        let w = Watched::new(&[root.join("a.md")], &[], &root.join("out")).unwrap();
        assert_eq!(w.roots, std::slice::from_ref(&root));
        let out = w.out();
        assert!(w.matters(&root.join("a.md"), &out));
        assert!(w.matters(&root.join("images/b.png"), &out));
        assert!(!w.matters(&root.join("out/a.pdf"), &out));
        assert!(!w.matters(&root.join("out/.a.pdf.12.tmp"), &out));
        assert!(!w.matters(&root.join(".git/index"), &out));
        assert!(!w.matters(&root.join(".a.md.swp"), &out));
        // `-o .`: the outputs sit beside the Markdown.
        let w = Watched::new(&[root.join("a.md")], &[], &root).unwrap();
        let out = w.out();
        assert!(w.matters(&root.join("a.md"), &out));
        assert!(!w.matters(&root.join("a.epub"), &out));
        assert!(!w.matters(&root.join(".a.epub.12.tmp"), &out));
        assert!(w.matters(&root.join("images/a.pdf"), &out));
        // Outputs written anywhere else (a book's own `out/`) once reported.
        let mut w = Watched::new(&[root.join("a.md")], &[], Path::new("elsewhere")).unwrap();
        let out = w.out();
        assert!(w.matters(&root.join("out/a.pdf"), &out));
        w.written.insert(root.join("out/a.pdf"));
        assert!(!w.matters(&root.join("out/a.pdf"), &out));
    }

    #[test]
    fn nested_folders_are_watched_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("fonts")).unwrap();
        let w = Watched::new(
            std::slice::from_ref(&root),
            &[root.join("fonts")],
            Path::new("out"),
        )
        .unwrap();
        assert_eq!(w.roots, [root]);
        assert!(
            Watched::new(
                &[PathBuf::from("/no/such/folder/x.md")],
                &[],
                Path::new("out")
            )
            .is_err()
        );
    }
}
