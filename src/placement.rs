//! Where a thread just started first runs: on another core than the thread
//! that started it, when there is one.
//!
//! A build of both formats writes the PDF on a second thread while the
//! calling thread writes the EPUB (`render` in `lib.rs`). Linux normally
//! starts a new thread on an idle core. Some virtual machines' kernels pack
//! waking threads onto the cores already running, so that idle virtual
//! cores stay halted (this project's machine: a Firecracker guest, Linux
//! 6.18, with `kernel.sched_vcpu_pack = 15`). There the PDF's thread waited
//! on the busy core until the idle one's next scheduler tick pulled it
//! over: in 12 of 60 article builds it first ran 3.2-7.2 ms after it was
//! started, against 0.33-0.66 ms otherwise, in a build of 8-10 ms
//! (benches/README.md, session 31).
//!
//! [`Apart`] keeps the new thread off the starting thread's current core
//! until it first runs (`sched_setaffinity(2)` on the new thread: every
//! core the thread may use but that one), and the new thread then takes
//! back the cores it was given ([`Started::started`]), so that it, and the
//! threads it starts in turn, are scheduled as any other from then on.
//!
//! What it costs the starting thread: two listings of `/proc/self/task`,
//! a read of `/proc/thread-self/stat` and one `sched_setaffinity` call; the
//! new thread, one more call. (Measured on the article: session 31.) On a
//! kernel that starts threads on idle cores, the new thread usually runs
//! before it would be placed, and is then left alone. On a machine whose
//! every core is busy, the new thread waits for a core other than the
//! starting thread's, where it would have waited for any.
//!
//! It is done only in a process that asked for it ([`enable`]: the `trang`
//! binary, where no other thread can start while a thread is placed; the
//! new thread is found as the one thread that was not there before), not
//! while an archive's workers keep every core busy ([`disable`]), and
//! never with one usable core, on another system than Linux, or when the
//! new thread cannot be found for sure (`/proc` not mounted, or mounted for
//! another PID namespace than the process's). The outputs never depend on
//! it.

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether [`Apart`] places threads in this process.
static ENABLED: AtomicBool = AtomicBool::new(false);

/// Lets [`Apart`] place threads in this process: for a program that starts
/// no thread of its own while `trang` starts one (the `trang` binary). A
/// library user's threads could start at that moment and be taken for
/// trang's.
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Stops [`Apart`] placing threads in this process: when every core is
/// busy by design (an archive's workers, one a core), there is no idle
/// core to start a thread on, and the workers' threads start at the same
/// time as the one placed. Placing would cost each input its `/proc` reads
/// (about 0.1 ms) for nothing.
pub fn disable() {
    ENABLED.store(false, Ordering::Relaxed);
}

/// A thread about to be started away from the calling thread's core: made
/// before it is started ([`Apart::before`]), then told about it
/// ([`Apart::started_by_us`], on the starting thread) and, in the new
/// thread, [`Started::started`].
pub struct Apart {
    #[cfg(target_os = "linux")]
    inner: Option<linux::Inner>,
}

/// The new thread's side of an [`Apart`]: what it calls first.
pub struct Started {
    #[cfg(target_os = "linux")]
    inner: Option<linux::Start>,
}

impl Apart {
    /// Notes this process's threads and the cores this thread may use,
    /// before a thread is started (nothing unless [`enable`]d). Returns the
    /// placement, and what the new thread calls when it starts.
    pub fn before() -> (Apart, Started) {
        #[cfg(target_os = "linux")]
        {
            let (inner, start) = match ENABLED.load(Ordering::Relaxed) {
                true => linux::before(),
                false => (None, None),
            };
            (Apart { inner }, Started { inner: start })
        }
        #[cfg(not(target_os = "linux"))]
        (Apart {}, Started {})
    }

    /// Just after the thread was started, on the thread that started it:
    /// keeps the new thread off this thread's current core until it runs.
    /// Returns whether it did (the new thread had not run yet, and was
    /// found).
    pub fn started_by_us(self) -> bool {
        #[cfg(target_os = "linux")]
        if let Some(inner) = self.inner {
            return inner.place();
        }
        false
    }
}

impl Started {
    /// The first thing the new thread does: it takes back the cores it
    /// was given if the starting thread has placed it (and, should it run
    /// while being placed, waits for the one system call that places it).
    /// If it runs before the starting thread comes to place it, it is left
    /// alone.
    pub fn started(self) {
        #[cfg(target_os = "linux")]
        if let Some(start) = self.inner {
            start.run();
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use rustix::thread::{CpuSet, Pid, gettid, sched_getaffinity, sched_setaffinity};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU8, Ordering};

    /// Where the new thread stands: not started, nor placed yet.
    const NEITHER: u8 = 0;
    /// It runs: it is left where the kernel put it.
    const RUNNING: u8 = 1;
    /// The starting thread is placing it.
    const PLACING: u8 = 2;
    /// Placed: it takes back its cores when it runs.
    const PLACED: u8 = 3;
    /// Not placed (not found, or the kernel refused).
    const LEFT: u8 = 4;

    /// The starting thread's side.
    pub struct Inner {
        /// The process's threads before the new one, ascending.
        threads: Vec<i32>,
        /// The cores the starting thread may use (the new one inherits
        /// them).
        cores: CpuSet,
        state: Arc<AtomicU8>,
    }

    /// The new thread's side.
    pub struct Start {
        cores: CpuSet,
        state: Arc<AtomicU8>,
    }

    /// This thread's id and the core it runs on, as `/proc` gives them:
    /// fields 1 and 39 of `/proc/thread-self/stat`, `proc(5)`. (Not
    /// rustix's `sched_getcpu`, which reads the vDSO's ELF image: under
    /// valgrind, which maps none, that crashed.)
    fn this_thread() -> Option<(i32, usize)> {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
        let tid = stat.split(' ').next()?.parse().ok()?;
        // After the command name, in parentheses (which may hold spaces
        // and parentheses), come the fields from the third on.
        let rest = &stat[stat.rfind(')')? + 1..];
        let core = rest.split_ascii_whitespace().nth(39 - 3)?.parse().ok()?;
        Some((tid, core))
    }

    /// The process's threads, ascending.
    fn threads() -> Option<Vec<i32>> {
        let dir = std::fs::read_dir("/proc/self/task").ok()?;
        let mut tids: Vec<i32> = dir
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        tids.sort_unstable();
        Some(tids)
    }

    pub fn before() -> (Option<Inner>, Option<Start>) {
        let Ok(cores) = sched_getaffinity(None) else {
            return (None, None);
        };
        if cores.count() < 2 {
            return (None, None);
        }
        let Some(threads) = threads() else {
            return (None, None);
        };
        let state = Arc::new(AtomicU8::new(NEITHER));
        let start = Start {
            cores,
            state: Arc::clone(&state),
        };
        let inner = Inner {
            threads,
            cores,
            state,
        };
        (Some(inner), Some(start))
    }

    impl Inner {
        /// The new thread's id: the one thread not there before (if
        /// exactly one), provided `/proc` is this process's PID namespace's
        /// (its id for this thread is the kernel's), and the core this
        /// thread runs on.
        fn find(&self) -> Option<(Pid, usize)> {
            let (me, here) = this_thread()?;
            if me != gettid().as_raw_nonzero().get() {
                return None;
            }
            let now = threads()?;
            let mut new = now
                .iter()
                .filter(|t| self.threads.binary_search(t).is_err());
            let (Some(&tid), None) = (new.next(), new.next()) else {
                return None;
            };
            Some((Pid::from_raw(tid)?, here))
        }

        pub fn place(self) -> bool {
            let found = self.find().and_then(|(pid, here)| {
                let mut elsewhere = self.cores;
                (here < CpuSet::MAX_CPU).then(|| elsewhere.unset(here))?;
                (elsewhere.count() > 0).then_some((pid, elsewhere))
            });
            let Some((pid, elsewhere)) = found else {
                self.state.store(LEFT, Ordering::Release);
                return false;
            };
            // Already running (where the kernel starts threads on idle
            // cores, it usually is by now): nothing to do.
            let placing =
                self.state
                    .compare_exchange(NEITHER, PLACING, Ordering::AcqRel, Ordering::Acquire);
            if placing.is_err() {
                return false;
            }
            let placed = sched_setaffinity(Some(pid), &elsewhere).is_ok();
            self.state
                .store(if placed { PLACED } else { LEFT }, Ordering::Release);
            placed
        }
    }

    impl Start {
        pub fn run(self) {
            let mut state = match self.state.compare_exchange(
                NEITHER,
                RUNNING,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return,
                Err(state) => state,
            };
            // Being placed: for the length of one system call.
            while state == PLACING {
                std::thread::yield_now();
                state = self.state.load(Ordering::Acquire);
            }
            if state == PLACED {
                // (Refused only if the process's cores changed meanwhile,
                // a cpuset made smaller: the thread then keeps the cores
                // it was placed on, all but one of those it had.)
                let restored = sched_setaffinity(None, &self.cores);
                debug_assert!(restored.is_ok(), "{restored:?}");
            }
        }
    }
}
