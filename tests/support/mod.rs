pub mod lsp;
pub mod slow;
