//! `States.MathAdd` and `States.MathRandom`.

use rand::{RngExt as _, SeedableRng as _};
use serde_json::Value;

use crate::error::ExecutionError;

use super::failure;

/// `States.MathAdd(a, b)`: the sum of two integers. A number with a fraction is
/// first rounded as Java's `Math.round` does (half up: 2.5 → 3, -2.5 → -2), which is
/// what AWS returns.
pub fn math_add(a: &Value, b: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.MathAdd";
    let (a, b) = (round(NAME, a)?, round(NAME, b)?);
    a.checked_add(b)
        .map(Value::from)
        .ok_or_else(|| failure(NAME, format!("{a} + {b} overflows a 64-bit integer")))
}

fn round(function: &str, value: &Value) -> Result<i64, ExecutionError> {
    if let Some(n) = value.as_i64() {
        return Ok(n);
    }
    match value.as_f64() {
        Some(n) if n.is_finite() && n.abs() < 9.2e18 => Ok((n + 0.5).floor() as i64),
        _ => Err(failure(
            function,
            format!("the arguments must be numbers, but one was {value}"),
        )),
    }
}

/// `States.MathRandom(start, end[, seed])`: a random integer from `start` to `end`,
/// both included (LocalStack's reading of AWS's documentation). With a seed the
/// result is the same on every call with that seed.
pub fn math_random(
    start: &Value,
    end: &Value,
    seed: Option<&Value>,
) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.MathRandom";
    let start = super::integer(NAME, "start", start)?;
    let end = super::integer(NAME, "end", end)?;
    if start > end {
        return Err(failure(
            NAME,
            format!("the start ({start}) must not be greater than the end ({end})"),
        ));
    }
    let value = match seed {
        Some(seed) => {
            let seed = super::integer(NAME, "seed", seed)?;
            rand::rngs::StdRng::seed_from_u64(seed as u64).random_range(start..=end)
        }
        None => rand::rng().random_range(start..=end),
    };
    Ok(Value::from(value))
}
