//! The compile matrix: every state type with every combination of the data-flow
//! fields it accepts (see `spec`), compiled by `build.rs` into one module per group
//! and run by `tests/matrix.rs` against a reference model.

pub mod spec;

use asl_runtime::{Dispatch, TaskContext, TaskError};
use serde_json::Value;

/// The matrix's machines, their states, and the states rejected by validation.
pub mod machines {
    include!(concat!(env!("OUT_DIR"), "/matrix.rs"));
}

/// The handler of every Task state of the matrix: returns its input.
#[derive(Debug, Clone, Copy, Default)]
pub struct Echo;

impl Dispatch for Echo {
    async fn call(&self, _task: TaskContext<'_>, input: Value) -> Result<Value, TaskError> {
        Ok(input)
    }
}
