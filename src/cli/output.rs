//! Where the CLI writes besides a format's output: lines on stderr (`err_line!`) and whole
//! texts to stdout or a file ([`emit`]).

use super::EXIT_USAGE;
use std::io::{self, Write};
use std::path::Path;

/// Writes one line to stderr (a failed write to stderr has nowhere to be reported).
pub(super) fn stderr_line(msg: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{msg}");
}

/// `err_line!("error: {msg}")`: one line on stderr, formatted like `println!`.
macro_rules! err_line {
    ($($t:tt)*) => { $crate::cli::output::stderr_line(format_args!($($t)*)) };
}

/// Writes `text` to stdout or to `output`; on failure says so and gives the exit code. A closed
/// stdout (`dep-ls report | head`) is no failure.
pub(super) fn emit(text: &str, output: Option<&Path>) -> Result<(), i32> {
    let r = match output {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => {
            let mut out = io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                    Err(format!("cannot write the output: {e}"))
                }
                _ => Ok(()),
            }
        }
    };
    r.map_err(|msg| {
        err_line!("error: {msg}");
        EXIT_USAGE
    })
}
