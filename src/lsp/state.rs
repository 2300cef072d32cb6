//! The server's world now lives in the engine ([`crate::workspace::world`]); this path stays
//! until the server's modules import it from there.

pub use crate::workspace::world::*;
