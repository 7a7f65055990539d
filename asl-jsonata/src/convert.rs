//! Values between serde_json and the engine.
//!
//! The engine's values are reference-counted and not `Send`, so the caller's `serde_json`
//! values are converted on every evaluation. Both directions grow the stack onto the heap
//! when a value nests deep, so no input overflows the native stack.

use indexmap::IndexMap;
use jsonata_core::value::{JArray, JValue, with_stack};
use serde_json::{Map, Number, Value};

use crate::EvaluationError;

/// How deep a result may nest. Deeper values are refused, because callers drop, compare and
/// serialize `serde_json` values recursively; 1000 is also the nesting depth Jackson, which
/// AWS's JSON handling is built on, accepts by default.
pub(crate) const MAX_RESULT_DEPTH: usize = 1000;

/// The engine's form of `value`.
pub(crate) fn to_engine(value: &Value) -> JValue {
    match value {
        Value::Null => JValue::Null,
        Value::Bool(flag) => JValue::Bool(*flag),
        // Without serde_json's arbitrary_precision feature every number has an f64 form.
        Value::Number(number) => JValue::Number(number.as_f64().unwrap_or(f64::NAN)),
        Value::String(text) => JValue::string(text.as_str()),
        Value::Array(items) => with_stack(|| {
            // An input array holding no array is "flat", which lets path steps skip a scan.
            let flat = !items.iter().any(Value::is_array);
            JValue::Array(JArray::new_flat(
                items.iter().map(to_engine).collect(),
                flat,
            ))
        }),
        Value::Object(members) => with_stack(|| {
            let members: IndexMap<String, JValue> = members
                .iter()
                .map(|(key, member)| (key.clone(), to_engine(member)))
                .collect();
            JValue::object(members)
        }),
    }
}

/// The JSON form of an evaluation's result: `None` for JSONata's `undefined`.
pub(crate) fn from_engine(value: &JValue) -> Result<Option<Value>, EvaluationError> {
    match value {
        JValue::Undefined => Ok(None),
        JValue::Lambda(_) | JValue::Builtin { .. } => {
            Err(EvaluationError::unsupported_result("a function"))
        }
        JValue::Regex { .. } => Err(EvaluationError::unsupported_result("a regular expression")),
        _ => to_json(value, 0).map(Some),
    }
}

/// `value` as JSON, nested `depth` levels down. Inside arrays and objects, values with no JSON
/// form follow `JSON.stringify`: an array holds `null` for them, an object leaves them out.
fn to_json(value: &JValue, depth: usize) -> Result<Value, EvaluationError> {
    if depth > MAX_RESULT_DEPTH {
        return Err(EvaluationError::failed(
            None,
            format!("the result is nested deeper than {MAX_RESULT_DEPTH} levels"),
        ));
    }
    Ok(match value {
        JValue::Null | JValue::Undefined => Value::Null,
        JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. } => Value::Null,
        JValue::Bool(flag) => Value::Bool(*flag),
        JValue::Number(number) => number_to_json(*number),
        JValue::String(text) => Value::String(text.to_string()),
        JValue::Array(items) => with_stack(|| {
            items
                .iter()
                .map(|item| to_json(item, depth + 1))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        })?,
        JValue::Object(members) => with_stack(|| {
            let mut object = Map::with_capacity(members.len());
            for (key, member) in members.iter() {
                if !member.is_undefined() && !member.is_function() {
                    object.insert(key.clone(), to_json(member, depth + 1)?);
                }
            }
            Ok(Value::Object(object))
        })?,
    })
}

/// A JSONata number as JSON. Integral numbers that fit an `i64` become JSON integers, as AWS
/// prints them (`3`, not `3.0`). JSON has no infinities or NaN, so AWS writes them as the
/// strings JavaScript names them by.
fn number_to_json(number: f64) -> Value {
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    if number.is_nan() {
        Value::String("NaN".to_owned())
    } else if number.is_infinite() {
        let name = if number > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        };
        Value::String(name.to_owned())
    } else if number.fract() == 0.0 && number.abs() < TWO_POW_63 {
        // Exact: an integral f64 below 2^63 in magnitude is an i64.
        Value::Number(Number::from(number as i64))
    } else {
        Number::from_f64(number).map_or(Value::Null, Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn integral_numbers_become_integers() {
        assert_eq!(number_to_json(3.0), json!(3));
        assert_eq!(number_to_json(-0.0), json!(0));
        assert_eq!(number_to_json(2.5), json!(2.5));
        assert_eq!(number_to_json(1e20), json!(1e20));
        assert_eq!(
            number_to_json(-9_007_199_254_740_993.0),
            json!(-9_007_199_254_740_992_i64)
        );
    }

    #[test]
    fn non_finite_numbers_become_their_javascript_names() {
        assert_eq!(number_to_json(f64::INFINITY), json!("Infinity"));
        assert_eq!(number_to_json(f64::NEG_INFINITY), json!("-Infinity"));
        assert_eq!(number_to_json(f64::NAN), json!("NaN"));
    }

    #[test]
    fn round_trip_keeps_key_order() {
        let value = json!({"z": 1, "a": [true, null, "x", {"m": 2.5, "b": {}}]});
        assert_eq!(from_engine(&to_engine(&value)).unwrap(), Some(value));
    }
}
