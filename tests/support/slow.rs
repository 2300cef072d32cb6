//! `RUN_SLOW_TESTS=1`: the slowest cases (the 100,000-file workspace, the 10,000-operation
//! stress session) run at full size; CI sets it (`.ci/run`). Without it they run at a reduced
//! size — never skipped — and say so on stderr.
#![allow(dead_code)]

use std::io::Write;

/// Whether `RUN_SLOW_TESTS=1` is set.
pub fn enabled() -> bool {
    std::env::var_os("RUN_SLOW_TESTS").is_some_and(|v| v == "1")
}

/// `full` under `RUN_SLOW_TESTS=1`, else `reduced`, announced on stderr as
/// `note: TEST runs REDUCED WHAT instead of FULL …`. Written to the stderr handle itself, not
/// through `eprintln!`, which the test harness captures: `cargo test` shows the note.
pub fn size(test: &str, full: usize, reduced: usize, what: &str) -> usize {
    if enabled() {
        return full;
    }
    let _ = writeln!(
        std::io::stderr(),
        "note: {test} runs {reduced} {what} instead of {full} (RUN_SLOW_TESTS=1 for the full size)"
    );
    reduced
}
