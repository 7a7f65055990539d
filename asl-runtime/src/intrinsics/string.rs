//! `States.StringSplit` and `States.UUID`.

use serde_json::Value;

use crate::error::ExecutionError;

use super::text;

/// `States.StringSplit(string, delimiters)`: the string split at every character of
/// `delimiters`, empty parts dropped (as AWS returns them).
pub fn string_split(input: &Value, delimiters: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.StringSplit";
    let input = text(NAME, "input", input)?;
    let delimiters = text(NAME, "delimiter", delimiters)?;
    Ok(Value::Array(
        input
            .split(|c| delimiters.contains(c))
            .filter(|part| !part.is_empty())
            .map(Value::from)
            .collect(),
    ))
}

/// `States.UUID()`: a random version 4 UUID, lowercase and hyphenated.
pub fn uuid() -> Value {
    Value::String(uuid::Uuid::new_v4().to_string())
}
