//! Map states: the items, the values of `MaxConcurrencyPath` and the tolerated
//! failure fields, and running the iterations with at most `MaxConcurrency` in
//! flight.

use std::future::Future;

use futures::StreamExt;
use serde_json::Value;

use crate::error::{ExecutionError, names};

/// The items a Map iterates over: the array `ItemsPath` (`path`) selected.
pub fn items(value: Value, path: &str) -> Result<Vec<Value>, ExecutionError> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(ExecutionError::runtime(format!(
            "The ItemsPath field refers to value \"{}\" which is not a valid array: {path}",
            text(&other)
        ))),
    }
}

/// The value of `MaxConcurrencyPath` (`path`): an integer of at least 0.
pub fn max_concurrency_from(value: &Value, path: &str) -> Result<u64, ExecutionError> {
    value
        .as_u64()
        .ok_or_else(|| not_valid("MaxConcurrencyPath", value, "integer", path))
}

/// The value of `ToleratedFailureCountPath` (`path`): an integer of at least 0.
pub fn tolerated_count_from(value: &Value, path: &str) -> Result<u64, ExecutionError> {
    match value.as_i64() {
        Some(count) if count < 0 => Err(ExecutionError::runtime(
            "ToleratedFailureCount cannot be negative.",
        )),
        Some(count) => Ok(count.unsigned_abs()),
        None => value
            .as_u64()
            .ok_or_else(|| not_valid("ToleratedFailureCountPath", value, "integer", path)),
    }
}

/// The value of `ToleratedFailurePercentagePath` (`path`): a number from 0 to 100.
pub fn tolerated_percentage_from(value: &Value, path: &str) -> Result<f64, ExecutionError> {
    let percentage = value
        .as_f64()
        .ok_or_else(|| not_valid("ToleratedFailurePercentagePath", value, "float", path))?;
    if !(0.0..=100.0).contains(&percentage) {
        return Err(ExecutionError::runtime(
            "ToleratedFailurePercentage must be between 0 and 100.",
        ));
    }
    Ok(percentage)
}

/// `The <field> field refers to value "<value>" which is not a valid <kind>: <path>`,
/// as AWS words it.
fn not_valid(field: &str, value: &Value, kind: &str, path: &str) -> ExecutionError {
    ExecutionError::runtime(format!(
        "The {field} field refers to value \"{}\" which is not a valid {kind}: {path}",
        text(value)
    ))
}

/// A value as AWS quotes it in those causes: a string's text, other values' JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// How many iterations may fail before the Map does
/// (`ToleratedFailureCount`, `ToleratedFailurePercentage`); none by default.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tolerance {
    /// `ToleratedFailureCount`.
    pub count: Option<u64>,
    /// `ToleratedFailurePercentage`, 0 to 100.
    pub percentage: Option<f64>,
}

impl Tolerance {
    /// Whether a threshold is set: without one, the first failure fails the Map
    /// with the iteration's own error.
    fn is_set(&self) -> bool {
        self.count.is_some() || self.percentage.is_some()
    }

    /// Whether `failed` failures out of `total` iterations pass either threshold.
    fn exceeded(&self, failed: usize, total: usize) -> bool {
        let over_count = self.count.is_some_and(|count| failed as u64 > count);
        let over_percentage = self
            .percentage
            .is_some_and(|percentage| failed as f64 * 100.0 > percentage * total as f64);
        over_count || over_percentage
    }
}

/// Runs `iteration` on each of `inputs`, at most `max_concurrency` at a time (0: no
/// limit), and gives their outputs in item order.
///
/// Iterations run concurrently within the calling task. The first failure past the
/// `tolerance` fails the Map and drops (cancels) the iterations still running:
/// with no tolerance, the iteration's own error; otherwise
/// `States.ExceedToleratedFailureThreshold`. A tolerated failure leaves the
/// iteration's error output (`{"Error", "Cause"}`) in its place.
pub async fn run<F, Fut>(
    inputs: Vec<Value>,
    max_concurrency: u64,
    tolerance: Tolerance,
    iteration: F,
) -> Result<Vec<Value>, ExecutionError>
where
    F: Fn(Value) -> Fut,
    Fut: Future<Output = Result<Value, ExecutionError>>,
{
    let total = inputs.len();
    let limit = match usize::try_from(max_concurrency) {
        Ok(0) | Err(_) => total.max(1),
        Ok(limit) => limit,
    };
    let mut outputs = vec![Value::Null; total];
    let mut failed = 0;
    let mut running = futures::stream::iter(inputs.into_iter().enumerate())
        .map(|(index, input)| {
            let iteration = &iteration;
            async move { (index, iteration(input).await) }
        })
        .buffer_unordered(limit);
    while let Some((index, outcome)) = running.next().await {
        outputs[index] = match outcome {
            Ok(output) => output,
            Err(error) if !tolerance.is_set() => return Err(error),
            Err(error) => {
                failed += 1;
                if tolerance.exceeded(failed, total) {
                    return Err(ExecutionError::new(
                        names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                        "The specified tolerated failure threshold was exceeded",
                    ));
                }
                error.to_output()
            }
        };
    }
    Ok(outputs)
}

#[cfg(test)]
mod tests;
