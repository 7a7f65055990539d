//! `$partition(array, size)`: an array cut into chunks.

use jsonata_core::evaluator::EvaluatorError;
use jsonata_core::value::JValue;

use super::{FunctionResult, argument, integer_argument, refusal};

/// `$partition(array, size)`: `array` cut into chunks of `size` items, the last one holding
/// what is left: `$partition([1,2,3,4,5], 2)` is `[[1,2],[3,4],[5]]`.
///
/// As on AWS: `size` is rounded towards zero; no array, an empty array or a size of zero give
/// `undefined`; no size gives the whole array as one chunk; a negative size is refused with
/// D3137; a first argument that is not an array with T0412.
pub(super) fn partition(arguments: &[JValue]) -> FunctionResult {
    let items = match argument(arguments, 0) {
        JValue::Undefined => return Ok(JValue::Undefined),
        JValue::Array(items) => items,
        _ => {
            return Err(EvaluatorError::TypeError(
                "T0412: Argument 1 of function \"partition\" must be an array of undefined"
                    .to_owned(),
            ));
        }
    };
    if items.is_empty() {
        return Ok(JValue::Undefined);
    }
    if argument(arguments, 1).is_undefined() {
        return Ok(JValue::array(vec![JValue::array(items.to_vec())]));
    }
    let size = integer_argument(arguments, "partition", 1)?;
    if size < 0 {
        return Err(refusal("Second argument must be zero or greater"));
    }
    if size == 0 {
        return Ok(JValue::Undefined);
    }
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    Ok(JValue::array(
        items
            .chunks(size)
            .map(|chunk| JValue::array(chunk.to_vec()))
            .collect(),
    ))
}
