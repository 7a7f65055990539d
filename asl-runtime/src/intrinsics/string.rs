//! `States.StringSplit`.

use serde_json::Value;

use super::string_arg;
use crate::error::ExecutionError;

/// `States.StringSplit(text, delimiters)`: the parts of `text` between delimiters.
///
/// Every character of `delimiters` is a delimiter of its own (`".+,="` splits on any of
/// the four), and empty parts are dropped: `",a,,b,"` gives `["a", "b"]`, an empty
/// `text` gives `[]` and an empty `delimiters` gives `[text]`. That is Java's
/// `StringTokenizer`, and matches the corpus (`test_string_split`,
/// `test_string_split_context_object`) and AWS observations; LocalStack agrees. Both
/// arguments must be strings; anything else fails with `States.Runtime` (`Invalid
/// arguments in States.StringSplit`).
pub fn string_split(text: &Value, delimiters: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.StringSplit";
    let text = string_arg(text, NAME)?;
    let delimiters = string_arg(delimiters, NAME)?;
    let mut chars = delimiters.chars();
    let parts: Vec<Value> = match (chars.next(), chars.next()) {
        (Some(only), None) => non_empty_parts(text.split(only)),
        _ => non_empty_parts(text.split(|c| delimiters.contains(c))),
    };
    Ok(Value::Array(parts))
}

fn non_empty_parts<'a>(parts: impl Iterator<Item = &'a str>) -> Vec<Value> {
    parts
        .filter(|part| !part.is_empty())
        .map(|part| Value::String(part.to_owned()))
        .collect()
}
