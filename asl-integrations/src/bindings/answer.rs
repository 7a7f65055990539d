//! Reading what a command printed or an endpoint answered: a JSON result, or a
//! `{"error", "cause"}` failure.

use serde_json::Value;

use asl_runtime::task::TaskError;

/// How much of an unreadable answer a cause quotes.
const EXCERPT_CHARS: usize = 200;

/// The JSON result in `body`, the successful answer of `source()` (a command or an
/// URL, for messages). An empty body is `null`; anything else that is not JSON fails
/// the task with `States.TaskFailed`.
pub(super) fn result(body: &[u8], source: impl FnOnce() -> String) -> Result<Value, TaskError> {
    if body.trim_ascii().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body).map_err(|error| {
        TaskError::failed(format!(
            "{} returned a result that is not JSON ({error}): {}",
            source(),
            excerpt(body)
        ))
    })
}

/// The failure `body` reports, when it is a JSON object with an `error` or a `cause`
/// member (a string or null; a `cause` of another type is kept as JSON text).
pub(super) fn failure(body: &[u8]) -> Option<TaskError> {
    let Ok(Value::Object(members)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    let error = match members.get("error") {
        None | Some(Value::Null) => None,
        Some(Value::String(error)) => Some(error.clone()),
        Some(_) => return None,
    };
    let cause = match members.get("cause") {
        None | Some(Value::Null) => None,
        Some(Value::String(cause)) => Some(cause.clone()),
        Some(other) => Some(other.to_string()),
    };
    if !members.contains_key("error") && !members.contains_key("cause") {
        return None;
    }
    Some(TaskError { error, cause })
}

/// The start of `body` as text, for a cause.
pub(super) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_answers_are_null_and_others_must_be_json() {
        assert_eq!(result(b" \n", String::new), Ok(Value::Null));
        assert_eq!(
            result(b"{\"a\": 1}\n", String::new),
            Ok(serde_json::json!({"a": 1}))
        );
        let error = result(b"hello", || "`echo hello`".to_owned()).unwrap_err();
        assert_eq!(error.error, None);
        assert_eq!(
            error.cause.as_deref(),
            Some(
                "`echo hello` returned a result that is not JSON (expected value at line 1 column 1): hello"
            )
        );
    }

    #[test]
    fn failures_name_an_error_or_a_cause() {
        assert_eq!(
            failure(br#"{"error": "Declined", "cause": "card expired"}"#),
            Some(TaskError::new("Declined", "card expired"))
        );
        assert_eq!(
            failure(br#"{"cause": {"code": 7}}"#),
            Some(TaskError::failed(r#"{"code":7}"#))
        );
        assert_eq!(failure(br#"{"error": 7}"#), None);
        assert_eq!(failure(br#"{"message": "no"}"#), None);
        assert_eq!(failure(b"[1]"), None);
        assert_eq!(failure(b"oops"), None);
    }

    #[test]
    fn excerpts_are_cut_on_a_character_boundary() {
        let long = "é".repeat(300);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 3);
        assert!(cut.ends_with("..."));
    }
}
