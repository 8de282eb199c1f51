//! Progress of a build, reported as events for a front end to draw.
//!
//! The stages draw nothing: [`crate::build`] calls the [`Progress`] hook in
//! [`crate::BuildOptions`] as each stage starts and ends; with no hook (the
//! default) reporting costs one branch. The EPUB, the PDF and the booklet are
//! made in parallel (the PDF and the booklet on threads of their own), so
//! events come from several threads and stages overlap: a hook keeps the set
//! of stages running, not a single current one. The `trang` binary draws them with [`Spinner`]: on a
//! terminal only, and only once a build has taken longer than a second.

use std::fmt;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A stage of a build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading and checking the input (Markdown, images, fonts, coverage).
    Parse,
    /// Typesetting the PDF's pages: shaping, line breaking, pagination.
    Typeset {
        /// Chapters in the document.
        chapters: usize,
    },
    /// Serialising the typeset pages as PDF.
    Pdf {
        /// Pages typeset.
        pages: usize,
    },
    /// Making the EPUB (in parallel with the PDF).
    Epub,
    /// Typesetting and imposing the booklet (in parallel with the PDF).
    Booklet,
    /// Writing the outputs to disk.
    Write {
        /// Files to write.
        files: usize,
    },
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Stage::Parse => f.write_str("parsing"),
            Stage::Typeset { chapters: 1 } => f.write_str("typesetting 1 chapter"),
            Stage::Typeset { chapters } => write!(f, "typesetting {chapters} chapters"),
            Stage::Pdf { pages: 1 } => f.write_str("writing the PDF, 1 page"),
            Stage::Pdf { pages } => write!(f, "writing the PDF, {pages} pages"),
            Stage::Epub => f.write_str("EPUB"),
            Stage::Booklet => f.write_str("booklet"),
            Stage::Write { files: 1 } => f.write_str("writing 1 file"),
            Stage::Write { files } => write!(f, "writing {files} files"),
        }
    }
}

/// A progress event: a stage started or ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The stage began.
    Start(Stage),
    /// The stage ended (also when it failed).
    End(Stage),
}

/// The hook a build reports its [`Event`]s to; by default none.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Fn(Event) + Send + Sync>>);

impl Progress {
    /// A hook calling `f` with each event, from whichever thread the stage runs on.
    pub fn new(f: impl Fn(Event) + Send + Sync + 'static) -> Self {
        Progress(Some(Arc::new(f)))
    }

    /// Reports `event` to the hook, if any.
    pub fn report(&self, event: Event) {
        if let Some(f) = &self.0 {
            f(event);
        }
    }

    /// Runs `work` between the `Start` and `End` events of `stage`.
    pub fn stage<T>(&self, stage: Stage, work: impl FnOnce() -> T) -> T {
        self.report(Event::Start(stage));
        let r = work();
        self.report(Event::End(stage));
        r
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(hook)"
        } else {
            "Progress(none)"
        })
    }
}

/// The spinner on screen, if any: the signal handler clears it before the
/// process exits ([`clear_spinner`]).
static ON_SCREEN: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// A one-line spinner on stderr naming the stages running, shown only after
/// [`Spinner::DELAY`] (a quick build prints nothing more than before) and
/// erased when the build ends, before its results are printed.
pub struct Spinner {
    bar: ProgressBar,
    running: Arc<Mutex<Vec<Stage>>>,
    stop: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
}

impl Spinner {
    /// How long a build runs before the spinner appears ("about a second").
    pub const DELAY: Duration = Duration::from_secs(1);

    /// A spinner when stderr is a terminal; `None` otherwise, so tests, pipes
    /// and CI logs see the same output as without one.
    pub fn on_terminal() -> Option<Spinner> {
        use std::io::IsTerminal;
        std::io::stderr().is_terminal().then(Spinner::start)
    }

    fn start() -> Spinner {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{prefix:>12.cyan.bold} {spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix("Building");
        let (tx, rx) = mpsc::channel::<()>();
        let shown = bar.clone();
        let thread = std::thread::spawn(move || {
            // `TRANG_SPINNER_DELAY_MS` changes the delay (the tests show the
            // spinner on a build of any length with 0).
            let delay = std::env::var("TRANG_SPINNER_DELAY_MS")
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .map_or(Spinner::DELAY, Duration::from_millis);
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(delay) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(100));
                *ON_SCREEN.lock().unwrap_or_else(|e| e.into_inner()) = Some(shown);
            }
        });
        Spinner {
            bar,
            running: Arc::new(Mutex::new(Vec::new())),
            stop: Some((tx, thread)),
        }
    }

    /// The hook to put in [`crate::BuildOptions::progress`] (and to report
    /// [`Stage::Parse`] to before [`crate::prepare_with`]).
    pub fn progress(&self) -> Progress {
        let bar = self.bar.clone();
        let running = Arc::clone(&self.running);
        Progress::new(move |event| {
            let mut running = running.lock().unwrap_or_else(|e| e.into_inner());
            match event {
                Event::Start(stage) => running.push(stage),
                Event::End(stage) => running.retain(|s| *s != stage),
            }
            let line: Vec<String> = running.iter().map(ToString::to_string).collect();
            // Between two stages (the outputs being gathered): say so.
            bar.set_message(if line.is_empty() {
                "finishing".to_string()
            } else {
                line.join(" · ")
            });
        })
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some((tx, thread)) = self.stop.take() {
            let _ = tx.send(());
            let _ = thread.join();
        }
        ON_SCREEN.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.bar.finish_and_clear();
    }
}

/// Erases the spinner if one is on screen (the process is about to exit).
pub fn clear_spinner() {
    if let Some(bar) = ON_SCREEN.lock().unwrap_or_else(|e| e.into_inner()).take() {
        bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn stage_reports_start_then_end_around_the_work() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let p = Progress::new(move |e| log.lock().unwrap().push(e));
        let r = p.stage(Stage::Epub, || {
            seen.lock().unwrap().push(Event::Start(Stage::Booklet));
            7
        });
        assert_eq!(r, 7);
        assert_eq!(
            *seen.lock().unwrap(),
            [
                Event::Start(Stage::Epub),
                Event::Start(Stage::Booklet),
                Event::End(Stage::Epub)
            ]
        );
        // No hook: nothing to call, the work still runs.
        assert_eq!(Progress::default().stage(Stage::Parse, || 3), 3);
    }

    #[test]
    fn stages_read_as_a_status_line() {
        assert_eq!(
            Stage::Typeset { chapters: 12 }.to_string(),
            "typesetting 12 chapters"
        );
        assert_eq!(
            Stage::Pdf { pages: 1 }.to_string(),
            "writing the PDF, 1 page"
        );
    }
}
