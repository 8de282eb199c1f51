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
//! only once [`large_build`] was called, and never when the user has
//! configured jemalloc themselves (`_RJEM_MALLOC_CONF`, `MALLOC_CONF`): their
//! setting stands. Elsewhere than on Unix (no jemalloc) it does nothing.

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether [`give_back`] purges.
static PURGING: AtomicBool = AtomicBool::new(false);

/// Marks this process as building a large document (from
/// [`crate::typeset::DEFLATE_RUNS_AT`] of source): [`give_back`] purges from
/// now on, unless jemalloc is configured by the environment.
pub fn large_build() {
    let configured = ["_RJEM_MALLOC_CONF", "MALLOC_CONF"]
        .iter()
        .any(|v| std::env::var_os(v).is_some());
    if !configured {
        PURGING.store(true, Ordering::Relaxed);
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
        let _ = dirty.write(d);
        let _ = muzzy.write(m);
    }
}
