//! SIGINT, SIGTERM and SIGHUP turned into a flag while `--fix` writes files (unix), so that a
//! run stops between two files; the previous handlers come back when the guard is dropped.

use std::sync::atomic::{AtomicBool, Ordering};

static HIT: AtomicBool = AtomicBool::new(false);

/// Was a signal received while a [`Guard`] was held?
pub(super) fn hit() -> bool {
    HIT.load(Ordering::SeqCst)
}

/// While held, SIGINT, SIGTERM and SIGHUP only set a flag ([`hit`]).
pub(super) struct Guard {
    #[cfg(unix)]
    previous: Vec<(libc::c_int, libc::sighandler_t)>,
}

#[cfg(unix)]
extern "C" fn on_signal(_: libc::c_int) {
    // Only an atomic store: async-signal-safe.
    HIT.store(true, Ordering::SeqCst);
}

impl Guard {
    /// Catches the signals until dropped.
    pub(super) fn catch() -> Guard {
        #[cfg(unix)]
        {
            let handler = on_signal as extern "C" fn(libc::c_int);
            let mut previous = Vec::new();
            for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                // SAFETY: the handler only stores to an atomic.
                let old = unsafe { libc::signal(sig, handler as libc::sighandler_t) };
                if old == libc::SIG_IGN {
                    // Ignored (a background job): stay ignored.
                    // SAFETY: restoring the disposition just returned.
                    unsafe { libc::signal(sig, libc::SIG_IGN) };
                } else if old != libc::SIG_ERR {
                    previous.push((sig, old));
                }
            }
            Guard { previous }
        }
        #[cfg(not(unix))]
        Guard {}
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        #[cfg(unix)]
        for &(sig, old) in &self.previous {
            // SAFETY: restoring the disposition `signal` returned.
            unsafe { libc::signal(sig, old) };
        }
    }
}
