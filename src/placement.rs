//! Where a thread just started first runs: on another core than the thread
//! that started it, when there is one.
//!
//! A build of both formats writes the PDF on a second thread while the
//! calling thread writes the EPUB (`render` in `lib.rs`). Linux normally
//! starts a new thread on an idle core. Some virtual machines' kernels pack
//! waking threads onto the cores already running, so that idle virtual
//! cores stay halted (this project's machine: a Firecracker guest with a
//! `kernel.sched_vcpu_pack` setting). There the PDF's thread waited on the
//! busy core until the idle one's next scheduler tick pulled it over: in 8
//! of 30 article builds it first ran 3-7 ms after it was started, against
//! 0.4-0.6 ms otherwise, in a build of 9-10 ms (benches/README.md, session
//! 31).
//!
//! [`Apart`] keeps the new thread off the starting thread's current core
//! until it first runs (`sched_setaffinity(2)` on the new thread: every
//! core the process may use but that one), and the new thread then takes
//! back the cores it was given ([`Started::started`]), so that it, and the
//! threads it starts in turn, are scheduled as any other from then on.
//! Where the kernel places new threads on idle cores anyway, this changes
//! nothing. The outputs never depend on it. With one usable core, on
//! another system than Linux, or when the new thread cannot be found
//! (`/proc` not mounted), nothing is done.

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
    /// Notes this process's threads and the cores it may use, before a
    /// thread is started. Returns the placement, and what the new thread
    /// calls when it starts.
    pub fn before() -> (Apart, Started) {
        #[cfg(target_os = "linux")]
        {
            let (inner, start) = linux::before();
            (Apart { inner }, Started { inner: start })
        }
        #[cfg(not(target_os = "linux"))]
        (Apart {}, Started {})
    }

    /// Just after the thread was started, on the thread that started it:
    /// keeps the new thread off this thread's current core until it runs.
    pub fn started_by_us(self) {
        #[cfg(target_os = "linux")]
        if let Some(inner) = self.inner {
            inner.place();
        }
    }
}

impl Started {
    /// The first thing the new thread does: it takes back the cores it
    /// was given if the starting thread has placed it (and, should it run
    /// while being placed, waits for the one system call that places it).
    /// If it runs before the starting thread comes to place it, as it
    /// usually does where Linux starts threads on idle cores, it is left
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
    use rustix::thread::{CpuSet, Pid, sched_getaffinity, sched_setaffinity};
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
        /// The process's threads before the new one.
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

    /// The core this thread runs on: field 39 of `/proc/thread-self/stat`,
    /// `proc(5)`. (Not rustix's `sched_getcpu`, which reads the vDSO's ELF
    /// image: under valgrind, which maps none, that crashed.)
    fn this_core() -> Option<usize> {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
        // After the command name, in parentheses (which may hold spaces),
        // come the fields from the third on.
        let rest = &stat[stat.rfind(')')? + 1..];
        rest.split_ascii_whitespace().nth(39 - 3)?.parse().ok()
    }

    fn threads() -> Option<Vec<i32>> {
        let dir = std::fs::read_dir("/proc/self/task").ok()?;
        Some(
            dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect(),
        )
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
        pub fn place(self) {
            let new: Vec<i32> = threads()
                .unwrap_or_default()
                .into_iter()
                .filter(|t| !self.threads.contains(t))
                .collect();
            // Exactly one new thread, or none is placed (another thread of
            // the process started meanwhile: which one is ours is unknown).
            let ([tid], Some(here)) = (new.as_slice(), this_core()) else {
                self.state.store(LEFT, Ordering::Release);
                return;
            };
            let mut elsewhere = self.cores;
            elsewhere.unset(here);
            let Some(pid) = Pid::from_raw(*tid).filter(|_| elsewhere.count() > 0) else {
                self.state.store(LEFT, Ordering::Release);
                return;
            };
            // Already running (where the kernel starts threads on idle
            // cores, it usually is by now): nothing to do.
            let placing =
                self.state
                    .compare_exchange(NEITHER, PLACING, Ordering::AcqRel, Ordering::Acquire);
            if placing.is_err() {
                return;
            }
            let placed = sched_setaffinity(Some(pid), &elsewhere).is_ok();
            self.state
                .store(if placed { PLACED } else { LEFT }, Ordering::Release);
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
                let _ = sched_setaffinity(None, &self.cores);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Apart;

    /// The new thread ends up free to run on every core the process may
    /// use, whichever of the two threads comes first: a thread left on
    /// fewer cores would run the rest of its work, and the threads it
    /// starts, there.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_new_thread_gets_back_every_core() {
        let all = rustix::thread::sched_getaffinity(None)
            .expect("affinity")
            .count();
        for _ in 0..50 {
            let (apart, started) = Apart::before();
            let thread = std::thread::spawn(move || {
                started.started();
                rustix::thread::sched_getaffinity(None)
                    .expect("affinity")
                    .count()
            });
            apart.started_by_us();
            assert_eq!(thread.join().expect("the thread ran"), all);
        }
    }
}
