//! `$range(start, end, step)`: the numbers from one bound to another.

use jsonata_core::evaluator::EvaluatorError;
use jsonata_core::value::JValue;

use super::{FunctionResult, argument, integer_argument};

/// The most numbers one `$range` call may produce. AWS refuses a larger range with its memory
/// limit (it accepts `$range(1, 360145, 1)` and refuses one number more); the bound is checked
/// before anything is allocated.
const MAX_RANGE_LENGTH: i128 = 360_145;

/// `$range(start, end, step)`: `start`, `start + step`, … up to `end` inclusive:
/// `$range(1, 9, 3)` is `[1, 4, 7]`.
///
/// As on AWS: the arguments are rounded towards zero; the result is a JSONata sequence, so a
/// single number comes back bare (`$range(1, 9, 9)` is `1`); no step, a step of zero or a step
/// pointing away from `end` gives `undefined`; a missing or non-numeric bound is refused with
/// T0410; more than 360,145 numbers are refused like AWS's memory limit.
pub(super) fn range(arguments: &[JValue]) -> FunctionResult {
    let start = integer_argument(arguments, "range", 0)?;
    let end = integer_argument(arguments, "range", 1)?;
    if argument(arguments, 2).is_undefined() {
        return Ok(JValue::Undefined);
    }
    let step = integer_argument(arguments, "range", 2)?;
    if step == 0 || (step > 0 && start > end) || (step < 0 && start < end) {
        return Ok(JValue::Undefined);
    }
    let (start, end, step) = (i128::from(start), i128::from(end), i128::from(step));
    let length = (end - start) / step + 1;
    if length > MAX_RANGE_LENGTH {
        return Err(EvaluatorError::EvaluationError(
            "Expression evaluation memory limit exceeded".to_owned(),
        ));
    }
    // i128 to f64 loses nothing a JSONata number could hold anyway.
    let numbers = (0..length)
        .map(|index| JValue::Number((start + index * step) as f64))
        .collect();
    Ok(JValue::sequence(numbers))
}
