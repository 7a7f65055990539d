//! Unit tests of the intrinsic functions: one file per family, the Java models in
//! `java`, and every example of the conformance corpus in `corpus`.

use serde_json::Value;

use crate::error::ExecutionError;

mod array;
mod corpus;
mod encoding;
mod format;
mod java;
mod json;
mod math;
mod string;
mod uuid;

/// Asserts that `result` is the `States.Runtime` error AWS raises for bad arguments to
/// `function`.
#[track_caller]
fn assert_invalid(result: Result<Value, ExecutionError>, function: &str) {
    let error = result.expect_err("the call should fail");
    assert_eq!(error.name(), "States.Runtime");
    assert_eq!(
        error.cause_text(),
        format!("Invalid arguments in {function}")
    );
}
