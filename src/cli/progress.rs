//! The progress line `check` shows on a terminal while it indexes a large workspace
//! (`\rIndexing 1,234/5,000 files` on stderr, erased before the findings).

use crate::human::thousands;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Workspaces with more Markdown files than this show a progress line (on a terminal).
const PROGRESS_MIN_FILES: usize = 200;

/// The progress line on stderr (`\rIndexing 1,234/5,000 files`).
pub(super) struct Progress {
    enabled: bool,
    state: Mutex<ProgressState>,
    shown: AtomicBool,
}

#[derive(Default)]
struct ProgressState {
    done: usize,
    width: usize,
}

impl Progress {
    pub(super) fn new(enabled: bool) -> Self {
        Progress {
            enabled,
            state: Mutex::new(ProgressState::default()),
            shown: AtomicBool::new(false),
        }
    }

    pub(super) fn update(&self, done: usize, total: usize) {
        // `total` is 0 while the walk is still finding files.
        if !self.enabled || total.max(done) <= PROGRESS_MIN_FILES {
            return;
        }
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        // Parsing runs in parallel: ignore reports that arrive out of order.
        if done < st.done {
            return;
        }
        st.done = done;
        let msg = if total == 0 {
            format!("Indexing {} files…", thousands(done))
        } else {
            format!("Indexing {}/{} files", thousands(done), thousands(total))
        };
        st.width = st.width.max(msg.len());
        let mut err = io::stderr().lock();
        let _ = write!(err, "\r{msg}");
        let _ = err.flush();
        self.shown.store(true, Ordering::Relaxed);
    }

    /// Erases the progress line (if one was shown) and resets for the next workspace.
    pub(super) fn clear(&self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if self.shown.swap(false, Ordering::Relaxed) {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(st.width));
            let _ = err.flush();
        }
        *st = ProgressState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(5_000_000), "5,000,000");
    }
}
