//! Compiling generated workflow modules into standalone binaries, through a cache
//! keyed on everything a binary is built from: what `asl run` and `asl build` do,
//! and what `asl serve` does for each state machine it hosts.
//!
//! - [`compile`]: a generated module -> the path of its binary, built with cargo
//!   unless the cache holds it already.
//! - [`Cache`]: where the crates and their shared target directory live.
#![deny(missing_docs)]

mod cache;
mod compile;
mod fingerprint;
mod scaffold;

pub use cache::Cache;
pub use compile::{CompileError, Profile, compile};
pub use scaffold::Durability;
