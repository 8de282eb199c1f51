//! The allocator's freed pages, given back to the system between the stages
//! of a large build.
//!
//! jemalloc (the binary's allocator, `src/main.rs`) keeps the pages a build
//! frees, for reuse, and gives them back to the system over about ten
//! seconds (its `dirty_decay_ms`, `mallctl(3)`); each arena keeps its own,
//! for the threads that use it. A small build ends before that matters. A
//! large document's stages each free hundreds of megabytes that the next
//! stage, often on another thread, does not reuse, so that its resident set
//! was nearly the sum of its stages: on the 50 MB document, 480 MiB resident
//! for at most 300 in use (benches/README.md, session 27).
//!
//! [`give_back`] purges every arena at the end of such a stage, by setting
//! its decay times to 0, which purges at once, then back to what they were
//! (`arena.<i>.muzzy_decay_ms`, `arena.<i>.dirty_decay_ms`: with the muzzy
//! time 0, the dirty pages go straight back to the system rather than
//! being marked reusable, which Linux still counts as resident). It does so
//! only once [`large_build`] was called (from then on, for the rest of the
//! process: a later build in `trang watch` or an archive purges too, at a
//! cost of milliseconds), and never when the user has configured jemalloc
//! themselves (`_RJEM_MALLOC_CONF`, the name this build of jemalloc reads):
//! their setting stands. Purges are made one at a time: one reads the decay
//! times another has set to 0 for a moment, and would restore those.
//! Elsewhere than on Unix (no jemalloc) it does nothing. (jemalloc 5.3's
//! muzzy time is 0 by default; it is set all the same, in case it is not.)

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether [`give_back`] purges.
static PURGING: AtomicBool = AtomicBool::new(false);

/// Held while a purge sets and restores the decay times (the PDF's, the
/// booklet's and the EPUB's writers each purge, on their own threads).
static PURGE: Mutex<()> = Mutex::new(());

/// Marks this process as building a large document (from
/// [`crate::typeset::DEFLATE_RUNS_AT`] of source): [`give_back`] purges from
/// now on and, on Linux, memory is no longer mapped in huge pages (see
/// below); neither when jemalloc is configured by the environment
/// (`_RJEM_MALLOC_CONF`: the user's setting stands).
///
/// On Linux, jemalloc is built asking for transparent huge pages
/// (`thp:always`, `.cargo/config.toml`: it marks its memory `MADV_HUGEPAGE`, which Linux
/// honours unless huge pages are turned off, `never` in
/// `/sys/kernel/mm/transparent_hugepage/enabled`). A small build then
/// faults its heap in 2 MiB at a time instead of 4 KiB: on the article,
/// 1,093 page faults become about 480 and a run takes 0.5 ms less (median
/// of 200 alternating runs), for 1.6 MiB more resident (benches/README.md,
/// session 30). A large build frees and purges its memory stage by stage,
/// and a huge page stays resident while any of it is in use: the 50 MB
/// document's peak went from 367 to 384-386 MiB, and its time up by a
/// tenth. So from here on this process's new memory comes in 4 KiB pages
/// again (`prctl(PR_SET_THP_DISABLE)`; the huge pages it has keep), for
/// the rest of the process, as the purges are. (On a machine whose free
/// memory is fragmented, Linux may compact memory to find a huge page when
/// it is first touched, `defrag` = `madvise` in the same folder, its
/// default: a cost this project's machine, with free memory to spare, did
/// not show.)
pub fn large_build() {
    if std::env::var_os("_RJEM_MALLOC_CONF").is_none() {
        PURGING.store(true, Ordering::Relaxed);
        // (Refused only by a kernel older than 3.15: nothing to undo.)
        #[cfg(target_os = "linux")]
        let _ = rustix::thread::disable_transparent_huge_pages(true);
    }
}

/// Gives the pages the allocator holds freed back to the system, in every
/// arena, when [`large_build`] asked for it; else does nothing. Costs a
/// system call per freed run of pages (about 10 ms on the 50 MB document's
/// largest purge).
pub fn give_back() {
    if PURGING.load(Ordering::Relaxed) {
        #[cfg(unix)]
        purge();
    }
}

#[cfg(unix)]
fn purge() {
    use tikv_jemalloc_ctl::{Access, AsName, arenas};
    // (A purge that panicked left the times restored or at 0 in one arena
    // at most; the next goes on.)
    let _one_at_a_time = PURGE.lock().unwrap_or_else(|e| e.into_inner());
    let Ok(arenas) = arenas::narenas::read() else {
        return;
    };
    for i in 0..arenas {
        let muzzy = format!("arena.{i}.muzzy_decay_ms\0");
        let dirty = format!("arena.{i}.dirty_decay_ms\0");
        let (muzzy, dirty) = (muzzy.as_bytes().name(), dirty.as_bytes().name());
        // (An arena not made yet has no decay to read: nothing to purge.)
        let (Ok(m), Ok(d)) = (Access::<isize>::read(muzzy), Access::<isize>::read(dirty)) else {
            continue;
        };
        // Muzzy first, so that the dirty pages purged are not made muzzy.
        let _ = muzzy.write(0isize);
        let _ = dirty.write(0isize);
        // (Values just read back: jemalloc takes them.)
        let restored = (dirty.write(d), muzzy.write(m));
        debug_assert!(restored.0.is_ok() && restored.1.is_ok());
    }
}
