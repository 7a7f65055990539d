//! The data-flow steps generated code calls, each with the error AWS reports when a
//! path matches nothing: InputPath and OutputPath ([`select`]), payload template
//! fields ([`field`]), Choice variables ([`variable`], [`present`]), ResultPath
//! ([`place`]) and the `*Path` fields of Wait, Task and Fail ([`reference`]).

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::error::ExecutionError;
use crate::path::{Path, RefPath, Selected, normalized};

/// InputPath or OutputPath: the selected value (an array for indefinite paths).
pub fn select(path: &Path, root: &Value) -> Result<Value, ExecutionError> {
    match path.select(root) {
        Some(selected) => Ok(selected.into_value()),
        None => Err(ExecutionError::runtime(format!(
            "Invalid path '{}' : No results for path: {}",
            path.text,
            normalized(path)
        ))),
    }
}

/// A payload template's `key.$` path (Parameters, ResultSelector, intrinsic
/// arguments): borrowed for a definite path, an array for an indefinite one.
pub fn field<'v>(
    path: &Path,
    key: &str,
    root: &'v Value,
) -> Result<Cow<'v, Value>, ExecutionError> {
    match path.select(root) {
        Some(Selected::One(value)) => Ok(Cow::Borrowed(value)),
        Some(many) => Ok(Cow::Owned(many.into_value())),
        None => Err(ExecutionError::runtime(format!(
            "The JSONPath '{}' specified for the field '{key}' could not be found in the input '{root}'",
            path.text
        ))),
    }
}

/// A Choice rule's `Variable` (or `...Path` operand): its value, or `States.Runtime`
/// when it matches nothing (see [`crate::choice::missing_variable`]).
pub fn variable<'v>(path: &Path, root: &'v Value) -> Result<Cow<'v, Value>, ExecutionError> {
    match path.select(root) {
        Some(Selected::One(value)) => Ok(Cow::Borrowed(value)),
        Some(many) => Ok(Cow::Owned(many.into_value())),
        None => Err(crate::choice::missing_variable(path.text)),
    }
}

/// `IsPresent`: whether the path matches anything.
pub fn present(path: &Path, root: &Value) -> bool {
    match path.select(root) {
        Some(Selected::One(_)) => true,
        Some(Selected::Many(values)) => !values.is_empty(),
        None => false,
    }
}

/// ResultPath: puts `result` at `path` inside `input`.
pub fn place(path: &RefPath, input: &mut Value, result: Value) -> Result<(), ExecutionError> {
    path.set(input, result)
}

/// A `*Path` field's reference path (`SecondsPath`, `ErrorPath` ...): its value, or
/// `States.Runtime` naming the field.
pub fn reference<'v>(
    path: &RefPath,
    field: &str,
    root: &'v Value,
) -> Result<&'v Value, ExecutionError> {
    path.get(root).ok_or_else(|| match field {
        "SecondsPath" => crate::wait::missing_seconds_path(path.text),
        "TimestampPath" => crate::wait::missing_timestamp_path(path.text),
        _ => ExecutionError::runtime(format!(
            "The JSONPath '{}' specified for the field '{field}' could not be found in the input '{root}'",
            path.text
        )),
    })
}

/// A Fail state's `ErrorPath` or `CausePath` value, which must be a string.
pub fn text(value: &Value, field: &str) -> Result<String, ExecutionError> {
    match value {
        Value::String(text) => Ok(text.clone()),
        other => Err(ExecutionError::runtime(format!(
            "The value of the field '{field}' must be a string, but was: {other}"
        ))),
    }
}

/// `{}`: what a `null` InputPath or OutputPath gives.
pub fn empty_object() -> Value {
    Value::Object(Map::new())
}
