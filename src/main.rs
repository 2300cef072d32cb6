//! `dep-ls`: the command-line entry point. All the work is in [`dep_ls::cli`]; what is decided
//! here is process-wide: the allocator, and the page size of the language server's memory.

use std::ffi::OsString;

// Parsing a workspace makes millions of small allocations (IDs, keys, values, spans);
// mimalloc serves them faster than the system allocator and returns memory as well.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<OsString> = std::env::args_os().collect();
    if serves_lsp(&args) {
        small_pages_only();
    }
    std::process::exit(dep_ls::cli::run_from(args))
}

/// Does this command line run the language server (`dep-ls`, `dep-ls --stdio`, `dep-ls lsp`)?
/// Decided by the CLI's own parser, so that it cannot disagree with what `run_from` runs.
fn serves_lsp(args: &[OsString]) -> bool {
    use clap::Parser;
    use dep_ls::cli::{Cli, Command};
    Cli::try_parse_from(args)
        .is_ok_and(|cli| matches!(cli.command, None | Some(Command::Lsp { .. })))
}

/// Turns transparent huge pages off for this process (Linux; elsewhere nothing to do).
///
/// The allocator asks for huge pages on its arenas. Then the first touch of fresh or purged
/// arena memory makes the kernel clear a whole 2 MiB page in the fault. A keystroke that
/// lands on such memory (shortly after opening a big document, or after a pause, when the
/// allocator has returned what it freed) took 12–27 ms instead of 3–5 ms on the benchmark
/// machine, nearly all in `clear_page_erms`. With 4 KiB pages the same first touches cost a few
/// microseconds each, and peak memory drops from about 320 to 270 MB on 5,000 files. The batch
/// checker keeps huge pages: there only throughput counts. The setting is process-wide, so it
/// is made here, before the server starts, and not by the server module.
fn small_pages_only() {
    #[cfg(target_os = "linux")]
    {
        // It fails only on kernels without the option (before 3.15): huge pages then stay on,
        // which costs time, never correctness. Logging is not set up yet: nothing is said.
        // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag of the calling
        // process; no memory is passed to the kernel.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}
