//! Panic containment at the file boundary.
//!
//! Parsing and checking one document must never take down `check` or the language server: a
//! bug that panics on one file costs that file its findings and nothing else. [`catch`] runs a
//! closure and turns a panic into its message; callers turn the message into an
//! `internal-error` finding on the file (see `check::internal_error`).

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`; a panic becomes `Err(message)`.
///
/// `AssertUnwindSafe`: the closures given here compute a fresh value from shared, read-only
/// inputs (a text, an index, a configuration); whatever they had half-built is dropped with
/// the unwind, and nothing they borrow mutably outlives the call.
///
/// Under the fuzz build (`--cfg fuzzing`, fuzz/rustc-wrapper.sh) nothing is caught: a contained
/// panic is still a bug, and the fuzzers must see it as a crash.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    if cfg!(fuzzing) {
        return Ok(f());
    }
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| message(payload.as_ref()))
}

/// The text of a panic payload (`panic!("…")` gives a `&str` or a `String`).
pub fn message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// The message a request that panicked is answered with.
pub const INTERNAL_ERROR: &str = "internal error, please report";

/// Test hook: `DEP_LS_TEST_PANIC_ON`, read once at startup, a comma-separated list of points
/// that panic on purpose (nothing panics once parsing and checking are panic-safe, and the
/// tests must still prove the catching): an LSP method name (the server's handler panics when
/// it runs), `index:NAME` (reading a file whose path ends with NAME panics while a folder is
/// indexed). Unset, it costs one check of an empty list. Here the points, read once.
fn test_panic_points() -> &'static [String] {
    static POINTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    POINTS.get_or_init(|| {
        std::env::var("DEP_LS_TEST_PANIC_ON")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// Is `method` a `DEP_LS_TEST_PANIC_ON` point?
pub fn test_panic(method: &str) -> bool {
    let points = test_panic_points();
    !points.is_empty() && points.iter().any(|p| p == method)
}

/// Does the test hook make indexing `rel` panic (`index:NAME`, `rel` ending with NAME)?
pub fn test_panic_indexing(rel: &str) -> bool {
    test_panic_points()
        .iter()
        .filter_map(|p| p.strip_prefix("index:"))
        .any(|name| !name.is_empty() && rel.ends_with(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_a_value_passes_through() {
        assert_eq!(catch(|| 7), Ok(7));
        let e = catch(|| -> u8 { panic!("boom {}", 1) }).unwrap_err();
        assert_eq!(e, "boom 1");
        let e = catch(|| -> u8 { std::panic::panic_any(3u32) }).unwrap_err();
        assert_eq!(e, "a panic without a message");
    }
}
