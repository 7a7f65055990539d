//! The 18 intrinsic functions (`States.*`), called directly by generated code with
//! their arguments already evaluated. Failures are `States.IntrinsicFailure` (what
//! AWS documents), with a cause naming the function.

mod array;
mod encoding;
mod format;
mod json;
mod math;
mod string;
#[cfg(test)]
mod tests;

pub use array::{
    array, array_contains, array_get_item, array_length, array_partition, array_range, array_unique,
};
pub use encoding::{base64_decode, base64_encode, hash};
pub use format::format;
pub use json::{json_merge, json_to_string, string_to_json};
pub use math::{math_add, math_random};
pub use string::{string_split, uuid};

use serde_json::Value;

use crate::error::ExecutionError;

/// The most characters Base64Encode, Base64Decode and Hash accept.
pub const MAX_INPUT_CHARS: usize = 10_000;

fn failure(function: &str, message: impl std::fmt::Display) -> ExecutionError {
    ExecutionError::intrinsic_failure(format!("{function}: {message}"))
}

/// `value` as a string argument of `function`.
fn text<'v>(function: &str, name: &str, value: &'v Value) -> Result<&'v str, ExecutionError> {
    value.as_str().ok_or_else(|| {
        failure(
            function,
            format!("the {name} must be a string, but was {}", kind(value)),
        )
    })
}

/// `value` as an array argument of `function`.
fn items<'v>(function: &str, value: &'v Value) -> Result<&'v [Value], ExecutionError> {
    value.as_array().map(Vec::as_slice).ok_or_else(|| {
        failure(
            function,
            format!(
                "the first argument must be an array, but was {}",
                kind(value)
            ),
        )
    })
}

/// `value` as an integer argument of `function`.
fn integer(function: &str, name: &str, value: &Value) -> Result<i64, ExecutionError> {
    value
        .as_i64()
        .or_else(|| {
            value
                .as_f64()
                .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
                .map(|n| n as i64)
        })
        .ok_or_else(|| {
            failure(
                function,
                format!("the {name} must be an integer, but was {value}"),
            )
        })
}

/// The JSON type of `value`, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
