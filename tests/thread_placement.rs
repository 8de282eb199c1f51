//! Starting a thread away from the starting thread's core
//! (`src/placement.rs`), in both orders the two threads can take: the new
//! thread placed before it runs, then given back every core; or running
//! first, and left alone. A thread left on fewer cores would run the PDF's
//! writer, and the page writers it starts, on fewer cores than the
//! process may use. (One test in its own process: no other thread starts
//! while one is placed, as in the `trang` binary.)

#[cfg(target_os = "linux")]
#[test]
fn a_thread_placed_apart_gets_back_every_core() {
    use std::sync::mpsc::channel;
    use trang::placement::{Apart, enable};
    let cores = || {
        rustix::thread::sched_getaffinity(None)
            .expect("the thread's cores")
            .count()
    };
    let all = cores();
    enable();
    for _ in 0..20 {
        // Placed first: the new thread waits to be told before it starts.
        let (apart, started) = Apart::before();
        let (go, wait) = channel();
        let thread = std::thread::spawn(move || {
            wait.recv().expect("told to go");
            let placed_on = cores();
            started.started();
            (placed_on, cores())
        });
        let placed = apart.started_by_us();
        go.send(()).expect("the thread waits");
        let (placed_on, after) = thread.join().expect("the thread ran");
        if all >= 2 {
            assert!(placed, "a thread not yet running is placed");
            assert_eq!(placed_on, all - 1, "placed off this thread's core");
        } else {
            assert!(!placed, "with one core there is nowhere else");
            assert_eq!(placed_on, all);
        }
        assert_eq!(after, all, "every core given back");

        // Running first: left alone.
        let (apart, started) = Apart::before();
        let (ran, has_run) = channel();
        let thread = std::thread::spawn(move || {
            started.started();
            ran.send(()).expect("the starting thread waits");
            cores()
        });
        has_run.recv().expect("the thread ran");
        assert!(!apart.started_by_us(), "a running thread is left alone");
        assert_eq!(thread.join().expect("the thread ran"), all);
    }
}
