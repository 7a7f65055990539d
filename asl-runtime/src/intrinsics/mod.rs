//! The 18 `States.*` intrinsic functions of JSONPath-mode ASL.
//!
//! Generated code evaluates each argument (a literal, a path or a nested call) and then
//! calls one of these functions with the values. Nothing here parses an intrinsic
//! expression; that happens at build time.
//!
//! # Which behaviour, and why
//!
//! The target is what AWS Step Functions itself returns. The sources, strongest first:
//!
//! 1. The conformance corpus (`shared/conformance`): real AWS executions recorded by
//!    LocalStack's parity tests. Every intrinsic example in it is a unit test here.
//! 2. The AWS Developer Guide page "Intrinsic functions for JSONPath states".
//! 3. "AWS observations": a third-party conformance suite for a TypeScript Step
//!    Functions emulator (`tests/support/conformance/intrinsicCases/States.*.ts`) runs
//!    its cases on AWS and records, case by case, where AWS disagrees with its local
//!    engine and what AWS returned instead; and a Python integration test, run against
//!    AWS, that asserts the error of `States.MathAdd` on a string.
//! 4. LocalStack's implementation, only where nothing above says otherwise.
//!
//! Those observations add up to one picture: AWS evaluates intrinsics in Java, on plain
//! Java objects (`LinkedHashMap`, `ArrayList`, `String`, `Integer`/`Long`/`Double`,
//! `Boolean`, `null`). That explains the `{a=1, b=[x, y]}` rendering of `States.Format`,
//! `Math.round` in `States.MathAdd`, `java.util.Random` in a seeded `States.MathRandom`,
//! `HashSet` order in `States.ArrayUnique`, `HashMap` order in `States.JsonMerge` and the
//! string comparison in `States.ArrayContains`. The private `java` and `java_hash`
//! modules model those Java behaviours; each public function documents what it takes
//! from them.
//!
//! # Errors
//!
//! Every argument error fails with **`States.Runtime`** and the cause
//! `Invalid arguments in States.<Name>`, which is what AWS reports (the executor adds the
//! `An error occurred while executing the state ...` prefix, as for every
//! `States.Runtime`). AWS documents `States.IntrinsicFailure` for intrinsics, but both
//! AWS-run sources above observe `States.Runtime` with a cause containing that phrase
//! for wrong types, bad bounds and exceeded limits. Whether AWS appends anything after
//! it was not recorded, so nothing is appended here. Note that `States.ALL` does not
//! catch `States.Runtime`.

use serde_json::Value;

use crate::error::ExecutionError;

mod array;
pub(crate) mod encoding;
mod format;
mod java;
mod java_hash;
mod json;
mod math;
mod string;
mod uuid;

#[cfg(test)]
mod tests;

pub use array::{
    array, array_contains, array_get_item, array_length, array_partition, array_range, array_unique,
};
pub use encoding::{base64_decode, base64_encode, hash};
pub use format::format;
pub use json::{json_merge, json_to_string, string_to_json};
pub use math::{math_add, math_random};
pub use string::string_split;
pub use uuid::uuid;

/// The largest input, in characters, that `States.Base64Encode`, `States.Base64Decode`
/// and `States.Hash` accept (AWS Developer Guide). Characters are counted as Java counts
/// them, in UTF-16 code units, so a character outside the Basic Multilingual Plane
/// counts twice.
pub const MAX_INPUT_CHARS: usize = 10_000;

/// The most items `States.ArrayRange` may produce (AWS Developer Guide).
pub const MAX_RANGE_ITEMS: i128 = 1000;

/// The `States.Runtime` error AWS raises for any argument an intrinsic cannot use.
/// `function` is the full name, such as `States.MathAdd`.
fn invalid_arguments(function: &str) -> ExecutionError {
    ExecutionError::runtime(format!("Invalid arguments in {function}"))
}

/// A number argument truncated toward zero, as AWS treats the fractional integer
/// arguments of `States.ArrayPartition`, `States.ArrayRange`, `States.ArrayGetItem` and
/// `States.MathRandom` (a Java `(long)` cast: out-of-range values saturate). `None` for
/// anything that is not a number.
fn truncated(value: &Value) -> Option<i64> {
    let Value::Number(number) = value else {
        return None;
    };
    if let Some(integer) = number.as_i64() {
        Some(integer)
    } else if number.is_u64() {
        Some(i64::MAX)
    } else {
        // `as` saturates and truncates toward zero, like Java's cast.
        number.as_f64().map(|float| float as i64)
    }
}

/// The string argument of `function`, or its invalid-arguments error.
fn string_arg<'a>(value: &'a Value, function: &str) -> Result<&'a str, ExecutionError> {
    match value {
        Value::String(text) => Ok(text),
        _ => Err(invalid_arguments(function)),
    }
}

/// Whether `text` is at most [`MAX_INPUT_CHARS`] UTF-16 code units long. Counts only
/// when the byte length could be over: a string has no more UTF-16 units than bytes.
fn within_input_limit(text: &str) -> bool {
    text.len() <= MAX_INPUT_CHARS || text.encode_utf16().count() <= MAX_INPUT_CHARS
}
