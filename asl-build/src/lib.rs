//! Compiling generated workflow modules into standalone binaries, through a cache
//! keyed on everything a binary is built from: what `asl run` and `asl build` do,
//! and what `asl serve` does for each state machine it hosts.
//!
//! - [`compile`]: a generated module -> the path of its binary, built with cargo
//!   unless the cache holds it already.
//! - [`compile_many`]: several generated modules -> one binary hosting them all as
//!   a worker of `asl serve`, in one cargo build (bounded in time); [`build_key`]
//!   says whether a binary compiled before was built from what a compile would
//!   use now.
//! - [`Cache`]: where the crates and their shared target directory live.
#![deny(missing_docs)]

mod cache;
mod compile;
mod fingerprint;
mod scaffold;

pub use cache::Cache;
pub use compile::{CompileError, Profile, build_key, compile, compile_many};
pub use scaffold::Durability;
