//! Wait states, on tokio time: tests run them with paused time and never sleep.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::error::ExecutionError;
use crate::timestamp::Timestamp;

/// The longest wait: 99999999 seconds (the schema's bound for `Seconds`).
pub const MAX_SECONDS: u64 = 99_999_999;

/// Waits `seconds`.
pub async fn seconds(seconds: u64) {
    if seconds > 0 {
        tokio::time::sleep(Duration::from_secs(seconds.min(MAX_SECONDS))).await;
    }
}

/// Waits until `timestamp` (not at all when it has passed), measured against the
/// wall clock and slept on tokio time.
pub async fn until(timestamp: &Timestamp) {
    let wait = timestamp.duration_from(SystemTime::now());
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
}

/// A `SecondsPath` value (`path` is the path as written): a non-negative integer,
/// or `States.Runtime` with AWS's cause.
pub fn seconds_from(value: &Value, path: &str) -> Result<u64, ExecutionError> {
    if let Some(seconds) = value.as_u64() {
        return Ok(seconds);
    }
    if value.as_i64().is_some() {
        return Err(ExecutionError::runtime(format!(
            "The SecondsPath parameter references a negative value: {path} == {value}"
        )));
    }
    Err(ExecutionError::runtime(format!(
        "The SecondsPath parameter cannot be parsed as a long value: {path} == {value}"
    )))
}

/// A `TimestampPath` value (`path` is the path as written): an RFC 3339 string, or
/// `States.Runtime`.
pub fn timestamp_from(value: &Value, path: &str) -> Result<Timestamp, ExecutionError> {
    value.as_str().and_then(Timestamp::parse).ok_or_else(|| {
        ExecutionError::runtime(format!(
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {path} == {value}"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn seconds_sleep_on_tokio_time() {
        let start = Instant::now();
        seconds(90).await;
        assert_eq!(start.elapsed(), Duration::from_secs(90));
        seconds(0).await;
        assert_eq!(start.elapsed(), Duration::from_secs(90));
    }

    #[tokio::test(start_paused = true)]
    async fn a_past_timestamp_does_not_wait() {
        let start = Instant::now();
        until(&Timestamp::parse("2016-03-14T01:59:00Z").unwrap()).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_future_timestamp_waits_until_then() {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap();
        let at = Timestamp::from_unix(now.as_secs() as i64 + 3600, 0);
        let start = Instant::now();
        until(&at).await;
        let waited = start.elapsed();
        assert!(
            waited > Duration::from_secs(3598) && waited <= Duration::from_secs(3600),
            "{waited:?}"
        );
    }

    #[test]
    fn seconds_path_values_as_aws_reports_them() {
        assert_eq!(seconds_from(&json!(5), "$.s"), Ok(5));
        assert_eq!(
            seconds_from(&json!(1.5), "$.input.waitSeconds")
                .unwrap_err()
                .cause_text(),
            "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == 1.5"
        );
        assert_eq!(
            seconds_from(&json!(-1.5), "$.input.waitSeconds")
                .unwrap_err()
                .cause_text(),
            "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == -1.5"
        );
        assert_eq!(
            seconds_from(&json!(-1), "$.input.waitSeconds")
                .unwrap_err()
                .cause_text(),
            "The SecondsPath parameter references a negative value: $.input.waitSeconds == -1"
        );
        assert_eq!(
            seconds_from(&json!("5"), "$.s").unwrap_err().name(),
            "States.Runtime"
        );
    }

    #[test]
    fn timestamp_path_values() {
        assert!(timestamp_from(&json!("2016-03-14T01:59:00Z"), "$.t").is_ok());
        let error = timestamp_from(&json!("yesterday"), "$.t").unwrap_err();
        assert_eq!(error.name(), "States.Runtime");
    }
}
