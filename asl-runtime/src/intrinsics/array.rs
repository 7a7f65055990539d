//! `States.Array`, `States.ArrayPartition`, `States.ArrayContains`, `States.ArrayRange`,
//! `States.ArrayGetItem`, `States.ArrayLength` and `States.ArrayUnique`.

use std::borrow::Cow;
use std::fmt::{self, Write};

use serde_json::Value;

use super::{MAX_RANGE_ITEMS, invalid_arguments, java, java_hash, truncated};
use crate::error::ExecutionError;

/// `States.Array(values...)`: the values, in order, as an array. Never fails.
pub fn array(items: Vec<Value>) -> Value {
    Value::Array(items)
}

/// `States.ArrayPartition(array, size)`: `array` cut into chunks of `size` items; the
/// last chunk holds what is left and may be shorter. An empty array gives `[]`.
///
/// `size` must be a number; a fractional size is truncated toward zero, and what is
/// left must be at least 1. AWS truncates (`2.6` acts as `2`, and `0.6` fails) although
/// its guide says it rounds (AWS observations); LocalStack rounds half to even.
/// Anything else fails with `States.Runtime` (`Invalid arguments in
/// States.ArrayPartition`).
pub fn array_partition(array: &Value, size: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.ArrayPartition";
    let Value::Array(items) = array else {
        return Err(invalid_arguments(NAME));
    };
    let size = truncated(size).filter(|&size| size > 0);
    let Some(size) = size.map(|size| usize::try_from(size).unwrap_or(usize::MAX)) else {
        return Err(invalid_arguments(NAME));
    };
    Ok(Value::Array(
        items
            .chunks(size)
            .map(|chunk| Value::Array(chunk.to_vec()))
            .collect(),
    ))
}

/// `States.ArrayContains(array, value)`: whether `array` has an item equal to `value`.
///
/// AWS compares the two as Java prints them (`String.valueOf`), not structurally, and
/// so does this: `true` matches the string `"true"`, `9007199254740991` matches the
/// string `"9007199254740991"`, and `{"a":1,"b":2}` does not match `{"b":2,"a":1}`
/// (AWS observations; every corpus case agrees). LocalStack compares structurally. A
/// first argument that is not an array fails with `States.Runtime` (`Invalid arguments
/// in States.ArrayContains`).
pub fn array_contains(array: &Value, value: &Value) -> Result<Value, ExecutionError> {
    let Value::Array(items) = array else {
        return Err(invalid_arguments("States.ArrayContains"));
    };
    let wanted: Cow<'_, str> = match value {
        Value::String(text) => Cow::Borrowed(text),
        other => {
            let mut text = String::new();
            let _ = java::write_java(&mut text, other);
            Cow::Owned(text)
        }
    };
    let found = items.iter().any(|item| {
        let mut rest = PrefixMatcher { rest: &wanted };
        java::write_java(&mut rest, item).is_ok() && rest.rest.is_empty()
    });
    Ok(Value::Bool(found))
}

/// A writer that only checks that what is written spells out `rest`, so comparing
/// an item's rendering with the wanted one allocates nothing and stops at the first
/// difference.
struct PrefixMatcher<'a> {
    rest: &'a str,
}

impl Write for PrefixMatcher<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.rest = self.rest.strip_prefix(text).ok_or(fmt::Error)?;
        Ok(())
    }
}

/// `States.ArrayRange(start, end, step)`: `start`, `start + step`, ... up to and
/// including `end` when a step lands on it. A step in the direction away from `end`
/// gives `[]`, and `start == end` gives `[start]` whatever the step.
///
/// All three must be numbers and are truncated toward zero (AWS observations: `(1.6,
/// 1.4, 1)` gives `[1]`, `(5.4, -0.6, -2.4)` gives `[5, 3, 1]`; the guide says
/// "rounded", LocalStack rounds half to even). A zero step, or a range of more than
/// 1000 items, fails with `States.Runtime` (`Invalid arguments in States.ArrayRange`).
/// Negative steps count down, as on AWS; LocalStack rejects them.
pub fn array_range(start: &Value, end: &Value, step: &Value) -> Result<Value, ExecutionError> {
    let error = || invalid_arguments("States.ArrayRange");
    let (Some(start), Some(end), Some(step)) = (truncated(start), truncated(end), truncated(step))
    else {
        return Err(error());
    };
    if step == 0 {
        return Err(error());
    }
    let (start, end, step) = (i128::from(start), i128::from(end), i128::from(step));
    let span = end - start;
    let count = if span == 0 {
        1
    } else if (span > 0) == (step > 0) {
        span / step + 1
    } else {
        0
    };
    if count > MAX_RANGE_ITEMS {
        return Err(error());
    }
    // `count` is at most 1000 and every item lies between `start` and `end`, both of
    // which came from i64.
    Ok(Value::Array(
        (0..count)
            .map(|index| Value::from(i64::try_from(start + index * step).unwrap_or_default()))
            .collect(),
    ))
}

/// `States.ArrayGetItem(array, index)`: the item at the 0-based `index`.
///
/// `index` must be a number and is truncated toward zero (AWS observation: `1.2` reads
/// item 1). On an empty array the result is `null` (AWS observation: index 999 of `[]`
/// is `null`). Otherwise an index outside the array, or arguments of the wrong type,
/// fail with `States.Runtime` (`Invalid arguments in States.ArrayGetItem`). LocalStack
/// rejects fractional indexes and reads negative ones from the end.
pub fn array_get_item(array: &Value, index: &Value) -> Result<Value, ExecutionError> {
    let error = || invalid_arguments("States.ArrayGetItem");
    let (Value::Array(items), Some(index)) = (array, truncated(index)) else {
        return Err(error());
    };
    if items.is_empty() {
        return Ok(Value::Null);
    }
    usize::try_from(index)
        .ok()
        .and_then(|index| items.get(index))
        .cloned()
        .ok_or_else(error)
}

/// `States.ArrayLength(array)`: the number of items. Anything but an array fails with
/// `States.Runtime` (`Invalid arguments in States.ArrayLength`).
pub fn array_length(array: &Value) -> Result<Value, ExecutionError> {
    match array {
        Value::Array(items) => Ok(Value::from(items.len())),
        _ => Err(invalid_arguments("States.ArrayLength")),
    }
}

/// `States.ArrayUnique(array)`: the distinct items of `array`.
///
/// Items are equal as the Java objects AWS holds are equal: deeply, objects whatever
/// their key order, numbers only within one kind (`1` and `1.0` stay distinct, as an
/// `Integer` and a `Double`). Of equal items the first is kept. The result is in the
/// order of the `java.util.HashSet` AWS collects them in, which is not input order:
/// `[true, false, true, false]` gives `[false, true]` and `[[1, 2], [1, 2], [2, 1]]`
/// gives `[[2, 1], [1, 2]]` on AWS (AWS observations, reproduced exactly; see the
/// `java_hash` module). LocalStack keeps input order. Anything but an array fails with
/// `States.Runtime` (`Invalid arguments in States.ArrayUnique`).
pub fn array_unique(array: &Value) -> Result<Value, ExecutionError> {
    let Value::Array(items) = array else {
        return Err(invalid_arguments("States.ArrayUnique"));
    };
    Ok(Value::Array(
        java_hash::hash_set_order(items)
            .into_iter()
            .cloned()
            .collect(),
    ))
}
