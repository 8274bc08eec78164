//! Standard output and the signals that stop a headless job.
//!
//! SIGPIPE stays ignored for the whole process (Rust's default), so a peer that hangs up on a socket is an error
//! on that call, never the death of a job mid-write. Only stdout keeps the shell's convention: once the reader of
//! `offsetdeck describe ... | head` is gone, offsetdeck ends quietly as if killed by SIGPIPE. While a write job
//! runs it does not: the job stops before its next call, reads back what it sent and writes its closing record,
//! with stdout silent. SIGINT, SIGTERM and SIGHUP stop a running job the same way; a second one ends the process
//! at once (the journal already holds every call that was sent).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set to stop the running job before its next call (a signal, or stdout gone).
pub static STOP: AtomicBool = AtomicBool::new(false);
/// Whether a write job is running (its calls must not be cut short by a closed stdout).
static WRITING: AtomicBool = AtomicBool::new(false);
/// Whether stdout's reader has gone.
static GONE: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout. A closed stdout ends the process quietly, unless a write job is running, which is
/// then stopped before its next call and finishes silently.
pub fn write(text: &str) {
    if GONE.load(Ordering::SeqCst) {
        return;
    }
    let mut out = std::io::stdout().lock();
    let done = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    if let Err(e) = done
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        GONE.store(true, Ordering::SeqCst);
        if !WRITING.load(Ordering::SeqCst) {
            die_of_sigpipe();
        }
        STOP.store(true, Ordering::SeqCst);
    }
}

/// Writes `text` to stderr; a closed stderr is no reason to stop (nor to panic, as `eprintln!` would).
pub fn ewrite(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// Ends as the shell expects of a program whose reader left (status 141), with nothing on stderr.
fn die_of_sigpipe() -> ! {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition and raising the signal at our own process.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::raise(libc::SIGPIPE);
    }
    std::process::exit(141)
}

/// Runs a write job's future with the signals routed to [`STOP`]: the first SIGINT, SIGTERM or SIGHUP stops the
/// job before its next call (it still verifies and records what it sent); a second ends the process.
pub fn run_job<T>(rt: &tokio::runtime::Runtime, job: impl std::future::Future<Output = T>) -> T {
    WRITING.store(true, Ordering::SeqCst);
    let result = rt.block_on(async {
        let listener = tokio::spawn(listen());
        let result = job.await;
        listener.abort();
        result
    });
    WRITING.store(false, Ordering::SeqCst);
    result
}

async fn listen() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [SignalKind::interrupt(), SignalKind::terminate(), SignalKind::hangup()];
        let mut streams: Vec<_> = kinds.into_iter().filter_map(|k| signal(k).ok()).collect();
        let mut got = 0;
        loop {
            let any = futures_util::future::select_all(streams.iter_mut().map(|s| Box::pin(s.recv()))).await;
            drop(any);
            got += 1;
            if got > 1 {
                ewrite("stopped at once; the audit journal records which calls were sent\n");
                std::process::exit(130);
            }
            STOP.store(true, Ordering::SeqCst);
            ewrite(
                "stopping: the call in flight ends, nothing more is sent, and what was sent is read back and recorded (again to stop at once)\n",
            );
        }
    }
}

/// Whether the job was stopped by a signal or a closed stdout.
pub fn stopped() -> bool {
    STOP.load(Ordering::SeqCst)
}
