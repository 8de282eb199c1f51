//! Writing outputs atomically: each file goes to a temporary file beside the
//! target (`.NAME.PID.tmp`) and is renamed over the target
//! (`rename(2)` replaces it in one step), so a failed or interrupted build
//! never leaves a half-written file or destroys the previous one. A build
//! stages each of its outputs ([`stage`]: written under the temporary name)
//! as soon as it is made, and renames them all once every one is staged
//! ([`commit`]).
//!
//! Durability against a power cut or a crash of the system is asked for
//! ([`Durability::Durable`], `trang build --fsync`): each file is then flushed to
//! the disk (`fsync`) before its rename and its folder after, so that after
//! a power cut the target is the previous file or the new one, whole, and
//! once the build ends, the new one (and the output folder's own entry in
//! its parent, should the build have made it). Builds do not ask by
//! default, as compilers and typesetters do not (make, cargo, LaTeX,
//! Typst): outputs are made again, byte for byte, from their sources, and
//! each flush waits for the disk: 0.5-1.1 ms of an article's 10-11 ms on
//! this project's machine (benches/README.md, session 28). Without it, a
//! system crash or power cut soon after a build can leave an output empty
//! or the previous one in place; a failed or stopped build cannot. Files
//! `trang init` writes are always flushed.
//!
//! Temporary files in flight are registered here: [`remove_temp_files`] (run
//! by the `trang` binary on SIGINT, SIGTERM and SIGHUP) deletes them before
//! the process exits. A build killed outright (SIGKILL, a power cut) cannot
//! clean up; its temporary file is deleted by the next build that writes the
//! same output, once the process that made it no longer runs.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Temporary files being written by this process.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn in_flight() -> MutexGuard<'static, Vec<PathBuf>> {
    IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner())
}

/// The temporary name for `name` written by process `pid`.
fn temp_name(name: &str, pid: u32) -> String {
    format!(".{name}.{pid}.tmp")
}

/// Whether staged files are flushed to the disk (see the module
/// documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// Renamed over the target once written; the kernel writes them back
    /// in its own time.
    #[default]
    Atomic,
    /// Each file `fsync`ed before its rename, its folder after.
    Durable,
}

/// Writes `bytes` to `path` atomically and durably (see the module
/// documentation).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_all_atomic(&[(path, bytes)]).map_err(|(_, e)| e)
}

/// Writes several files as one, durably: every temporary file is written
/// and synced first, and only when all are complete are they renamed over their
/// targets, so a failure while writing (a full disk, a size limit, no
/// permission) changes none of them. Only a rename can still fail after
/// that (the target became a folder); the files renamed before it stay new.
/// The error names the file that failed.
pub fn write_all_atomic<'a>(files: &[(&'a Path, &[u8])]) -> Result<(), (&'a Path, std::io::Error)> {
    let mut staged = Vec::with_capacity(files.len());
    for &(path, bytes) in files {
        // On failure, the files staged before are deleted as they drop.
        staged.push(stage(path, bytes, Durability::Durable).map_err(|e| (path, e))?);
    }
    commit(staged).map_err(|(failed, e)| {
        let path = files.iter().map(|f| f.0).find(|p| *p == failed);
        (path.unwrap_or(files[0].0), e)
    })
}

/// A file written in full (and synced, if asked) under its temporary name
/// beside its target, not yet renamed over it ([`commit`]). Dropped uncommitted (a
/// build that failed, or another file of the build that could not be
/// written), its temporary file is deleted and the target is unchanged.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    path: PathBuf,
    sync: Durability,
}

impl Staged {
    /// The file it will be.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Committed: renamed or deleted already, and deregistered.
        if self.tmp.as_os_str().is_empty() {
            return;
        }
        let mut registry = in_flight();
        registry.retain(|p| p != &self.tmp);
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Writes `bytes` to a temporary file beside `path` (`.NAME.PID.tmp`),
/// flushed to the disk when `sync` is [`Durability::Durable`]; the folder must
/// exist. A build stages each output as soon as it is made (the EPUB while
/// the PDF is still being written) and commits them together.
pub fn stage(path: &Path, bytes: &[u8], sync: Durability) -> std::io::Result<Staged> {
    use std::io::Write;
    let (dir, name) = split(path);
    remove_stale_temp_files(dir);
    let tmp = dir.join(temp_name(&name, std::process::id()));
    in_flight().push(tmp.clone());
    let staged = Staged {
        tmp,
        path: path.to_path_buf(),
        sync,
    };
    let mut file = std::fs::File::create(&staged.tmp)?;
    file.write_all(bytes)?;
    if sync == Durability::Durable {
        file.sync_all()?;
    }
    Ok(staged)
}

/// Renames every staged file over its target, then syncs the folders of
/// the durable ones (a rename is durable only once the folder's entry is
/// on disk). A rename
/// that fails stops there: the files renamed before it stay new, the
/// others keep their previous contents.
pub fn commit(mut staged: Vec<Staged>) -> Result<(), (PathBuf, std::io::Error)> {
    let mut failure = None;
    {
        // Held while renaming: a signal's clean-up waits (see
        // [`remove_temp_files`]), so no rename is cut off half way.
        let mut registry = in_flight();
        registry.retain(|p| !staged.iter().any(|s| &s.tmp == p));
        for s in &mut staged {
            if failure.is_some() {
                // Not renamed: deleted before a signal could find it
                // deregistered.
                let _ = std::fs::remove_file(&s.tmp);
            } else if let Err(e) = std::fs::rename(&s.tmp, &s.path) {
                let _ = std::fs::remove_file(&s.tmp);
                failure = Some((s.path.clone(), e));
            }
            // Done with: its drop has nothing left to do.
            s.tmp = PathBuf::new();
        }
    }
    if let Some(f) = failure {
        return Err(f);
    }
    let mut synced: Vec<&Path> = Vec::new();
    let durable = staged.iter().filter(|s| s.sync == Durability::Durable);
    for path in durable.map(|s| s.path.as_path()) {
        let dir = split(path).0;
        if synced.contains(&dir) {
            continue;
        }
        synced.push(dir);
        // The folder, then its own entry in its parent (a folder the build
        // made is durable only then).
        let parent = dir.parent().map(|p| match p.as_os_str().is_empty() {
            true => Path::new("."),
            false => p,
        });
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .and_then(|()| match parent {
                Some(p) => std::fs::File::open(p).and_then(|p| p.sync_all()),
                None => Ok(()),
            })
            .map_err(|e| (path.to_path_buf(), e))?;
    }
    Ok(())
}

/// The folder of `path` and its file name.
fn split(path: &Path) -> (&Path, String) {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (dir, name)
}

/// Deletes the temporary files this process is writing; the previous outputs
/// stay as they were. Holds the registry afterwards so that no write starts
/// or finishes a rename while the process exits.
pub fn remove_temp_files() -> MutexGuard<'static, Vec<PathBuf>> {
    let mut registry = in_flight();
    for tmp in registry.drain(..) {
        let _ = std::fs::remove_file(tmp);
    }
    registry
}

/// Deletes the `.NAME.PID.tmp` files (NAME an output: `*.pdf`, `*.epub`)
/// in `dir` left by builds that were killed outright: only those whose
/// process no longer runs (checked in `/proc`; where there is no `/proc`,
/// nothing is deleted). Each folder is looked through once per process,
/// so that writing many outputs into one folder (an archive) does not list
/// it again for each.
fn remove_stale_temp_files(dir: &Path) {
    static SCANNED: Mutex<std::collections::BTreeSet<PathBuf>> =
        Mutex::new(std::collections::BTreeSet::new());
    let proc = Path::new("/proc/self");
    if !proc.exists() {
        return;
    }
    let first = SCANNED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(dir.to_path_buf());
    if !first {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some((name, pid)) = file
            .to_str()
            .and_then(|f| f.strip_prefix('.'))
            .and_then(|f| f.strip_suffix(".tmp"))
            .and_then(|f| f.rsplit_once('.'))
            .and_then(|(name, pid)| Some((name, pid.parse::<u32>().ok()?)))
        else {
            continue;
        };
        let output = name.ends_with(".pdf") || name.ends_with(".epub");
        if output && pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists()
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temp_files_of_dead_processes_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // Pid numbers above the kernel's maximum (4194304) never run.
        let dead = dir.path().join(temp_name("a.pdf", 4_194_305));
        let live = dir.path().join(temp_name("a.pdf", 1));
        let other = dir.path().join(temp_name("b.epub", 4_194_305));
        let foreign = dir.path().join(temp_name("notes.txt", 4_194_305));
        for p in [&dead, &live, &other, &foreign] {
            std::fs::write(p, b"partial").unwrap();
        }
        write_atomic(&dir.path().join("a.pdf"), b"new").unwrap();
        assert!(!dead.exists(), "a dead build's temporary file is removed");
        assert!(!other.exists(), "so is one of another output");
        assert!(live.exists(), "a running process's file is kept");
        assert!(foreign.exists(), "only temporary outputs are cleaned");
        assert_eq!(std::fs::read(dir.path().join("a.pdf")).unwrap(), b"new");
    }

    #[test]
    fn when_one_file_fails_none_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("a.epub");
        std::fs::write(&good, b"old").unwrap();
        let blocked = dir.path().join("b.pdf");
        // The second temporary file cannot be created: a folder has its name.
        std::fs::create_dir(dir.path().join(temp_name("b.pdf", std::process::id()))).unwrap();
        let err = write_all_atomic(&[(&good, b"new"), (&blocked, b"new")]).unwrap_err();
        assert_eq!(err.0, blocked.as_path());
        assert_eq!(std::fs::read(&good).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file_and_nothing_registered() {
        let dir = tempfile::tempdir().unwrap();
        // Renaming a file over a non-empty folder fails.
        let target = dir.path().join("out.pdf");
        std::fs::create_dir_all(target.join("x")).unwrap();
        assert!(write_atomic(&target, b"data").is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "only the folder remains: {names:?}");
        // Only this test's entries are looked at: other tests write in
        // parallel, and draining the registry would delete their files.
        assert!(!in_flight().iter().any(|p| p.starts_with(dir.path())));
    }

    #[test]
    fn a_staged_file_replaces_nothing_until_committed_and_is_gone_if_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let (epub, pdf) = (dir.path().join("a.epub"), dir.path().join("a.pdf"));
        std::fs::write(&epub, b"old epub").unwrap();
        std::fs::write(&pdf, b"old pdf").unwrap();
        let tmp = dir.path().join(temp_name("a.epub", std::process::id()));
        // Staged early (the EPUB while the PDF is written), then the build
        // fails: the staged file is dropped.
        let staged = stage(&epub, b"new epub", Durability::Atomic).unwrap();
        assert_eq!(staged.path(), epub.as_path());
        assert_eq!(std::fs::read(&tmp).unwrap(), b"new epub", "written in full");
        assert!(
            in_flight().contains(&tmp),
            "registered for a signal's clean-up"
        );
        assert_eq!(std::fs::read(&epub).unwrap(), b"old epub");
        drop(staged);
        assert!(!tmp.exists(), "the temporary file is deleted");
        assert!(!in_flight().contains(&tmp));
        assert_eq!(std::fs::read(&epub).unwrap(), b"old epub");
        // Staged at different times, committed together.
        let first = stage(&epub, b"new epub", Durability::Atomic).unwrap();
        let second = stage(&pdf, b"new pdf", Durability::Durable).unwrap();
        commit(vec![first, second]).unwrap();
        assert_eq!(std::fs::read(&epub).unwrap(), b"new epub");
        assert_eq!(std::fs::read(&pdf).unwrap(), b"new pdf");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 2, "no temporary file left: {names:?}");
        assert!(!in_flight().iter().any(|p| p.starts_with(dir.path())));
    }
}
