//! The `States.Array*` functions.

use serde_json::Value;

use crate::equality::equal;

use crate::error::ExecutionError;

use super::{failure, integer, items};

/// The most items `States.ArrayRange` may produce.
pub const MAX_RANGE_ITEMS: usize = 1000;

/// `States.Array(values...)`.
pub fn array(values: Vec<Value>) -> Value {
    Value::Array(values)
}

/// `States.ArrayPartition(array, size)`: chunks of `size` (a positive integer); the
/// last may be shorter.
pub fn array_partition(array: &Value, size: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.ArrayPartition";
    let items = items(NAME, array)?;
    let size = integer(NAME, "chunk size", size)?;
    let size = usize::try_from(size)
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| {
            failure(
                NAME,
                format!("the chunk size must be a positive integer, but was {size}"),
            )
        })?;
    Ok(Value::Array(
        items
            .chunks(size)
            .map(|chunk| Value::Array(chunk.to_vec()))
            .collect(),
    ))
}

/// `States.ArrayContains(array, value)`: whether an element equals `value`.
pub fn array_contains(array: &Value, value: &Value) -> Result<Value, ExecutionError> {
    let items = items("States.ArrayContains", array)?;
    Ok(Value::Bool(items.iter().any(|item| equal(item, value))))
}

/// `States.ArrayRange(start, end, step)`: integers from `start` to `end` inclusive,
/// `step` apart; at most 1000 of them.
pub fn array_range(start: &Value, end: &Value, step: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.ArrayRange";
    let start = integer(NAME, "start", start)?;
    let end = integer(NAME, "end", end)?;
    let step = integer(NAME, "step", step)?;
    if step == 0 {
        return Err(failure(NAME, "the step cannot be 0"));
    }
    let count = if (step > 0 && start > end) || (step < 0 && start < end) {
        0
    } else {
        (end.abs_diff(start) / step.unsigned_abs()) as usize + 1
    };
    if count > MAX_RANGE_ITEMS {
        return Err(failure(
            NAME,
            format!("the range has {count} items; at most {MAX_RANGE_ITEMS} are allowed"),
        ));
    }
    Ok(Value::Array(
        (0..count as i64)
            .map(|i| Value::from(start + i * step))
            .collect(),
    ))
}

/// `States.ArrayGetItem(array, index)`: the element at a 0-based index.
pub fn array_get_item(array: &Value, index: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.ArrayGetItem";
    let items = items(NAME, array)?;
    let index = integer(NAME, "index", index)?;
    usize::try_from(index)
        .ok()
        .and_then(|i| items.get(i))
        .cloned()
        .ok_or_else(|| {
            failure(
                NAME,
                format!(
                    "the index {index} is out of bounds for an array of {}",
                    items.len()
                ),
            )
        })
}

/// `States.ArrayLength(array)`.
pub fn array_length(array: &Value) -> Result<Value, ExecutionError> {
    Ok(Value::from(items("States.ArrayLength", array)?.len()))
}

/// `States.ArrayUnique(array)`: duplicates removed, first occurrences kept in order.
pub fn array_unique(array: &Value) -> Result<Value, ExecutionError> {
    let items = items("States.ArrayUnique", array)?;
    let mut unique: Vec<Value> = Vec::with_capacity(items.len());
    for item in items {
        if !unique.iter().any(|kept| equal(kept, item)) {
            unique.push(item.clone());
        }
    }
    Ok(Value::Array(unique))
}
