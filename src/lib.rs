//! dep-ls: the engine behind the `dep-ls` language server and command-line checker for
//! release plans written as DEP- entries in Markdown.

pub mod check;
pub mod cli;
pub mod codes;
pub mod config;
pub mod diff;
pub mod document;
pub mod fix;
pub mod fsread;
#[doc(hidden)]
pub mod gen;
pub mod guard;
pub mod human;
pub mod ide;
pub mod index;
pub mod lsp;
pub mod mcp;
pub mod report;
pub mod root;
pub mod schema;
pub mod suggest;
pub mod syntax;
pub mod text;
pub mod trace;
pub mod workspace;
