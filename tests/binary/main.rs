//! Tests of the real `dep-ls` binary (`CARGO_BIN_EXE_dep-ls`), over stdio as a language server
//! and on the command line: CLI output and exit codes, `--fix`, editor sessions (the example
//! workspace, the readiness command, Helix), and the reliability suites (edits, hostile
//! workspaces, protocol and server faults, stress). One test binary (each binary links the
//! whole crate); each file below is one module, so a test is named `module::test`.
//!
//! `RUN_SLOW_TESTS=1` runs the slowest cases at full size (`.ci/run` sets it); without it they
//! run reduced and say so on stderr (see `support::slow`).

#[path = "../support/mod.rs"]
mod support;

mod cli;
mod diff;
mod fix;
mod helix;
mod lsp_report;
mod lsp_session;
mod lsp_trace;
mod lsp_views;
mod mcp;
mod reliability_edits;
mod reliability_hostile;
mod reliability_protocol;
mod reliability_protocol_server;
mod reliability_stress;
