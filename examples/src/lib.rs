//! The user guide's examples, tested.
//!
//! Each page of `docs/` (and the README) is included as the documentation of a module
//! below, so that `cargo test -p asl-examples --doc` compiles and runs every Rust
//! block in it. `tests/docs.rs` checks the rest: definitions, command lines, excerpts
//! and links.

#[doc = include_str!("../../README.md")]
mod readme {}

#[doc = include_str!("../../docs/README.md")]
mod guide {}

#[doc = include_str!("../../docs/workflows.md")]
// Its build.rs example shows the build script's `fn main` on purpose.
#[allow(clippy::needless_doctest_main)]
mod workflows {}

#[doc = include_str!("../../docs/task-bindings.md")]
mod task_bindings {}

#[doc = include_str!("../../docs/durable-executions.md")]
mod durable_executions {}

#[doc = include_str!("../../docs/semantics.md")]
mod semantics {}

#[doc = include_str!("../../docs/cli.md")]
mod cli {}

#[doc = include_str!("../../docs/speed.md")]
mod speed {}

#[doc = include_str!("../../docs/testing.md")]
mod testing {}
