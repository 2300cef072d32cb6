//! In-process tests of the engine (`dep_ls` as a library): the checks, the two parse paths, the
//! generator's properties, incremental editing, positions, suppressions, the readiness report,
//! the IDE features and the workspace model. One test binary (each binary links the whole
//! crate); each file below is one module, so a test is named `module::test`.
//!
//! Property tests replay the cases persisted in `tests/proptest-regressions/<module>.txt`
//! (proptest's default place for a test crate with a `main.rs`).

#[path = "../support/mod.rs"]
mod support;

mod checks;
mod diff;
mod differential;
mod fixture;
mod generated;
mod hardening;
mod ide;
mod incremental;
mod reliability_properties;
mod report;
mod suppress_edits;
mod text_positions;
