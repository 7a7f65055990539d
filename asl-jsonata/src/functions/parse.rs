//! `$parse(json)`: a JSON string as a value.

use std::fmt;

use indexmap::IndexMap;
use indexmap::map::Entry;
use jsonata_core::value::{JArray, JValue, with_stack};
use serde::de::{self, Deserializer as _, MapAccess, SeqAccess, Visitor};

use super::{FunctionResult, argument, refusal, signature_error};

/// `$parse(json)`: the value the JSON text `json` holds, AWS's replacement for `$eval`.
///
/// As on AWS: no argument gives `undefined`; a non-string is refused with T0410; text that is
/// not exactly one JSON value (empty, trailing text, a repeated key, a number out of range) is
/// refused with `D3137: Invalid JSON`.
pub(super) fn parse(arguments: &[JValue]) -> FunctionResult {
    let text = match argument(arguments, 0) {
        JValue::Undefined => return Ok(JValue::Undefined),
        JValue::String(text) => text,
        _ => return Err(signature_error("parse", 1)),
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = deserializer
        .deserialize_any(StrictJson)
        .and_then(|value| deserializer.end().map(|()| value))
        .map_err(|_| refusal("Invalid JSON"))?;
    Ok(value)
}

/// Reads JSON straight into the engine's values, refusing repeated keys.
struct StrictJson;

impl<'de> Visitor<'de> for StrictJson {
    type Value = JValue;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<JValue, E> {
        Ok(JValue::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<JValue, E> {
        Ok(JValue::Number(value as f64))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<JValue, E> {
        Ok(JValue::Number(value as f64))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<JValue, E> {
        Ok(JValue::Number(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<JValue, E> {
        Ok(JValue::string(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<JValue, E> {
        Ok(JValue::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<JValue, A::Error> {
        with_stack(|| {
            let mut values = Vec::new();
            while let Some(value) = items.next_element_seed(StrictSeed)? {
                values.push(value);
            }
            let flat = !values.iter().any(JValue::is_array);
            Ok(JValue::Array(JArray::new_flat(values, flat)))
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<JValue, A::Error> {
        with_stack(|| {
            let mut object = IndexMap::new();
            while let Some(key) = members.next_key::<String>()? {
                match object.entry(key) {
                    Entry::Occupied(entry) => {
                        return Err(de::Error::custom(format_args!(
                            "duplicate key {}",
                            entry.key()
                        )));
                    }
                    Entry::Vacant(entry) => {
                        entry.insert(members.next_value_seed(StrictSeed)?);
                    }
                }
            }
            Ok(JValue::object(object))
        })
    }
}

/// [`StrictJson`] for the values inside arrays and objects.
struct StrictSeed;

impl<'de> de::DeserializeSeed<'de> for StrictSeed {
    type Value = JValue;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<JValue, D::Error> {
        deserializer.deserialize_any(StrictJson)
    }
}
