//! In-process tests of every IDE feature (`dep_ls::ide`), rust-analyzer style: each test is a
//! fixture (one or more files separated by `//- /path.md` lines, a `$0` cursor or a `$0…$0`
//! selection) run through one helper, in both modes — the cursor file on disk only, and open in
//! the editor. See `tests/engine/ide/support.rs`.

#[path = "ide/actions.rs"]
mod actions;
#[path = "ide/complete.rs"]
mod complete;
#[path = "ide/hierarchy.rs"]
mod hierarchy;
#[path = "ide/nav.rs"]
mod nav;
#[path = "ide/rename.rs"]
mod rename;
#[path = "ide/robustness.rs"]
mod robustness;
#[path = "ide/support.rs"]
mod support;
#[path = "ide/suppress.rs"]
mod suppress;
#[path = "ide/symbols.rs"]
mod symbols;
#[path = "ide/trace.rs"]
mod trace;
#[path = "ide/views.rs"]
mod views;
#[path = "ide/workspace.rs"]
mod workspace;
