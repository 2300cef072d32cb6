//! The request and notification handlers, by feature. Each takes the session (or its state)
//! and the request's params, calls into [`crate::ide`] under the world's lock, and converts
//! the answer with [`super::to_proto`]; [`super::server`] maps each LSP method to one of them.

pub(super) mod editing;
pub(super) mod hierarchy;
pub(super) mod lifecycle;
pub(super) mod navigation;
pub(super) mod readiness;
pub(super) mod symbols;
pub(super) mod sync;
