//! `States.StringToJson`, `States.JsonToString` and `States.JsonMerge`.

use serde_json::Value;

use crate::error::ExecutionError;

use super::{failure, kind, text};

/// `States.StringToJson(string)`: the JSON the string holds; blank text gives `null`,
/// as on AWS.
pub fn string_to_json(input: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.StringToJson";
    let input = text(NAME, "input", input)?;
    if input.trim().is_empty() {
        return Ok(Value::Null);
    }
    let mut value = serde_json::from_str(input)
        .map_err(|error| failure(NAME, format!("the input is not JSON: {error}")))?;
    negative_zero_to_integer(&mut value);
    Ok(value)
}

/// `-0` parses as the float -0.0; AWS (Java) reads it as the integer 0.
fn negative_zero_to_integer(value: &mut Value) {
    match value {
        Value::Number(number)
            if number
                .as_f64()
                .is_some_and(|n| n == 0.0 && n.is_sign_negative()) =>
        {
            *value = Value::from(0);
        }
        Value::Array(items) => items.iter_mut().for_each(negative_zero_to_integer),
        Value::Object(members) => members.values_mut().for_each(negative_zero_to_integer),
        _ => {}
    }
}

/// `States.JsonToString(value)`: the value as compact JSON text.
pub fn json_to_string(value: &Value) -> Result<Value, ExecutionError> {
    Ok(Value::String(value.to_string()))
}

/// `States.JsonMerge(left, right, false)`: a shallow merge in which `right`'s members
/// win. AWS supports only the shallow merge: the third argument must be `false`.
pub fn json_merge(left: &Value, right: &Value, deep: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.JsonMerge";
    match deep {
        Value::Bool(false) => {}
        Value::Bool(true) => return Err(failure(NAME, "deep merge is not supported; pass false")),
        other => {
            return Err(failure(
                NAME,
                format!("the third argument must be false, but was {other}"),
            ));
        }
    }
    let (Value::Object(left), Value::Object(right)) = (left, right) else {
        let wrong = if left.is_object() { right } else { left };
        return Err(failure(
            NAME,
            format!("both values must be objects, but one was {}", kind(wrong)),
        ));
    };
    let mut merged = left.clone();
    for (key, value) in right {
        merged.insert(key.clone(), value.clone());
    }
    Ok(Value::Object(merged))
}
