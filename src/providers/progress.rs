//! How far a long listing got: a 10,000-group listing paced at the service's rate takes tens of seconds, and a
//! command that prints nothing meanwhile looks hung. Told at most once a second, from the second second on.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Who is told (the command line prints it on stderr, the dashboard shows it).
#[derive(Clone)]
pub struct ListingWatcher(pub Arc<dyn Fn(&Listed) + Send + Sync>);

impl std::fmt::Debug for ListingWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ListingWatcher")
    }
}

/// One listing's progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub op: &'static str,
    pub got: usize,
    pub total: usize,
    pub elapsed: Duration,
}

impl std::fmt::Display for Listed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "listing ({}): {} of {} item(s)", self.op, self.got, self.total)?;
        if self.got > 0 && self.total > self.got {
            let left = self.elapsed.as_secs_f64() * (self.total - self.got) as f64 / self.got as f64;
            write!(f, ", about {} s left", left.ceil() as u64)?;
        }
        Ok(())
    }
}

/// One listing followed page by page.
pub struct Listing {
    op: &'static str,
    started: Instant,
    last: Option<Instant>,
}

/// How long a listing runs before it says how far it got, and how often after that.
const FIRST: Duration = Duration::from_secs(1);
const EVERY: Duration = Duration::from_secs(1);

impl Listing {
    pub fn new(op: &'static str) -> Self {
        Self { op, started: Instant::now(), last: None }
    }

    /// After a page: tells `watcher` when it is time to.
    pub fn page(&mut self, watcher: Option<&ListingWatcher>, got: usize, total: usize) {
        let Some(w) = watcher else { return };
        let now = Instant::now();
        let due = match self.last {
            None => now.duration_since(self.started) >= FIRST,
            Some(at) => now.duration_since(at) >= EVERY,
        };
        if due && got < total {
            self.last = Some(now);
            (w.0)(&Listed { op: self.op, got, total, elapsed: now.duration_since(self.started) });
        }
    }
}

/// The watcher a client holds.
pub type Slot = Mutex<Option<ListingWatcher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_how_far_with_an_estimate() {
        let l = Listed { op: "ListGroups", got: 50, total: 200, elapsed: Duration::from_secs(2) };
        assert_eq!(l.to_string(), "listing (ListGroups): 50 of 200 item(s), about 6 s left");
    }

    #[test]
    fn tells_only_from_the_first_second_and_once_a_second() {
        let told = Arc::new(Mutex::new(Vec::new()));
        let sink = told.clone();
        let w = ListingWatcher(Arc::new(move |l: &Listed| sink.lock().unwrap().push(l.got)));
        let mut l = Listing::new("op");
        l.page(Some(&w), 10, 100);
        assert!(told.lock().unwrap().is_empty(), "not in its first second");
        l.started -= Duration::from_secs(2);
        l.page(Some(&w), 20, 100);
        l.page(Some(&w), 30, 100);
        assert_eq!(*told.lock().unwrap(), [20], "once a second");
        l.last = Some(Instant::now() - Duration::from_secs(2));
        l.page(Some(&w), 100, 100);
        assert_eq!(*told.lock().unwrap(), [20], "not when it is done");
    }
}
