//! `States.StringToJson`, `States.JsonToString` and `States.JsonMerge`.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::{invalid_arguments, java, java_hash};
use crate::error::ExecutionError;

/// `States.StringToJson(text)`: the JSON value `text` holds.
///
/// Whitespace around the value is fine, and a string that is empty or only whitespace
/// gives `null` (corpus: `""` and `" "`). The integer `-0` reads as `0` (corpus), as it
/// does in Jackson; `-0.0` stays a negative zero double. Text that is not one JSON
/// value, or an argument that is not a string, fails with `States.Runtime` (`Invalid
/// arguments in States.StringToJson`).
pub fn string_to_json(text: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.StringToJson";
    let Value::String(text) = text else {
        return Err(invalid_arguments(NAME));
    };
    let json = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    if json.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&integer_negative_zero_as_zero(json)).map_err(|_| invalid_arguments(NAME))
}

/// Drops the sign of every integer `-0` outside strings: serde_json reads `-0` as the
/// double `-0.0`, where Jackson, and so AWS, reads the integer `0`.
fn integer_negative_zero_as_zero(json: &str) -> Cow<'_, str> {
    if !json.contains("-0") {
        return Cow::Borrowed(json);
    }
    let bytes = json.as_bytes();
    let mut kept = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut copied_up_to = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'-' if bytes.get(index + 1) == Some(&b'0')
                && !matches!(bytes.get(index + 2), Some(b'0'..=b'9' | b'.' | b'e' | b'E')) =>
            {
                // `-` is ASCII, so both slices end on character boundaries.
                kept.push_str(&json[copied_up_to..index]);
                copied_up_to = index + 1;
            }
            _ => {}
        }
    }
    if copied_up_to == 0 {
        return Cow::Borrowed(json);
    }
    kept.push_str(&json[copied_up_to..]);
    Cow::Owned(kept)
}

/// `States.JsonToString(value)`: `value` as compact JSON text, written as AWS's Jackson
/// writes it (corpus: `{"Arg1":1,"Arg2":[]}`, `"HelloWorld"` becomes `"\"HelloWorld\""`).
/// Fractional numbers are written as Java doubles (`1.0E21`), control characters other
/// than `\b\t\n\f\r` as `\u00XX` with upper-case hex. Never fails.
pub fn json_to_string(value: &Value) -> Result<Value, ExecutionError> {
    let mut text = String::new();
    java::write_json(&mut text, value);
    Ok(Value::String(text))
}

/// `States.JsonMerge(left, right, deep)`: the keys of both objects, with the value of
/// `right` where both have a key. Nested objects are not merged.
///
/// `left` and `right` must be objects. Deep merging is not supported, so `deep` set to
/// `true` fails; AWS accepts any other third argument, the string `"false"` included,
/// as a shallow merge (AWS observation), where LocalStack requires the boolean `false`.
/// Failures are `States.Runtime` (`Invalid arguments in States.JsonMerge`).
///
/// The keys come out in the order of the `java.util.HashMap` AWS merges into, not in
/// input order (corpus: merging `{"constant_in_literal": ..}` with
/// `{"constant_input_field": ..}` lists `constant_input_field` first); see the
/// `java_hash` module. LocalStack keeps input order.
pub fn json_merge(left: &Value, right: &Value, deep: &Value) -> Result<Value, ExecutionError> {
    let (Value::Object(left), Value::Object(right)) = (left, right) else {
        return Err(invalid_arguments("States.JsonMerge"));
    };
    if deep == &Value::Bool(true) {
        return Err(invalid_arguments("States.JsonMerge"));
    }
    let entries = java_hash::merged_hash_map_order(left, right);
    let mut merged = Map::with_capacity(entries.len());
    for (key, value) in entries {
        merged.insert(key.clone(), value.clone());
    }
    Ok(Value::Object(merged))
}
