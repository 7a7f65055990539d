//! Wait states. Every wait sleeps on tokio time, so tests run them under
//! `tokio::time::pause` (or `#[tokio::test(start_paused = true)]`) without sleeping
//! for real.
//!
//! - `Seconds`: [`seconds`] with the literal (0 to [`MAX_SECONDS`], checked at build time).
//! - `SecondsPath`: [`seconds_from`] validates the looked-up value, then [`seconds`].
//! - `Timestamp`: [`until`] with the literal, built at compile time.
//! - `TimestampPath`: [`timestamp_from`] validates the looked-up value, then [`until`].
//!
//! When the `SecondsPath` or `TimestampPath` path matches nothing, the caller fails the
//! state with [`missing_seconds_path`] or [`missing_timestamp_path`].
//!
//! The errors are `States.Runtime` with AWS's causes; the executor prefixes them with the
//! state (`An error occurred while executing the state 'Wait' (entered at the event id
//! #2). `). A value in a cause appears after `==` as AWS prints it: a string as its bare
//! text, without quotes; anything else as compact JSON. (A float with an exponent prints
//! as serde_json writes it, `1e+300`; AWS's Java may write `1.0E300`.)
//!
//! How long a wait may last is the execution's business, not the Wait state's: AWS stops
//! a Standard execution after a year (`States.Timeout`) and an Express one after five
//! minutes, but accepts any `SecondsPath` value or future `TimestampPath` instant. tokio
//! caps a single sleep at about 30 years, so nothing here overflows.

use std::fmt;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::error::ExecutionError;
use crate::exec::Run;
use crate::timestamp::Timestamp;

/// The largest `Seconds` a definition may write: 99999999 (AWS's schema bound, enforced
/// when the definition is compiled). `SecondsPath` values are not bounded by it.
pub const MAX_SECONDS: u64 = 99_999_999;

/// `Seconds` (and `SecondsPath` after [`seconds_from`]): waits `seconds` on tokio time,
/// counted from the state's entry when the durable engine recorded it (so a Wait
/// resumed after a restart sleeps only what is left). Inside a Parallel branch or Map
/// iteration of a durable execution, the deadline is noted in the
/// [`Journal`](crate::journal::Journal) instead, so that the branch run again after a
/// restart waits only what is left too. Zero returns at once.
pub async fn seconds(run: &Run, seconds: u64) {
    let mut remaining = Duration::from_secs(seconds).saturating_sub(run.since_recorded_entry());
    if let Some(journal) = run.execution().journal().filter(|_| run.in_branch()) {
        let key = format!("{}/wait", run.entry_key());
        let noted = journal
            .read(&key)
            .and_then(|millis| millis.parse().ok())
            .map(crate::clock::from_unix_millis);
        match noted {
            Some(due) => {
                remaining = due
                    .duration_since(std::time::SystemTime::now())
                    .unwrap_or_default();
            }
            None if !remaining.is_zero() => {
                let due = std::time::SystemTime::now() + remaining;
                journal
                    .write(key, crate::clock::unix_millis(due).to_string())
                    .await;
            }
            None => {}
        }
    }
    if !remaining.is_zero() {
        sleep_or_park(run, remaining).await;
    }
}

/// `Timestamp` (and `TimestampPath` after [`timestamp_from`]): waits until `timestamp`,
/// measured against the wall clock when called and slept on tokio time. An instant in the
/// past returns at once, as on AWS.
pub async fn until(run: &Run, timestamp: &Timestamp) {
    let remaining = timestamp.duration_from(SystemTime::now());
    if !remaining.is_zero() {
        sleep_or_park(run, remaining).await;
    }
}

/// Waits `remaining` (until a Wait's end, a retry's next attempt, which the
/// execution's last checkpoint or journal holds): parked by the engine when the run
/// is a top-level execution's whose engine parks (see [`Park`](crate::hooks::Park)),
/// else asleep on tokio time.
pub(crate) async fn sleep_or_park(run: &Run, remaining: Duration) {
    let park = run.execution().park().filter(|_| !run.in_branch());
    // Beyond what a clock can hold (a SecondsPath of years): the execution times out
    // first, in memory.
    if let (Some(park), Some(due)) = (park, SystemTime::now().checked_add(remaining)) {
        park.park(due, None).await;
        let left = due.duration_since(SystemTime::now()).unwrap_or_default();
        tokio::time::sleep(left).await;
    } else {
        tokio::time::sleep(remaining).await;
    }
}

/// Validates a `SecondsPath` value as AWS does: a JSON integer from 0 up to `i64::MAX`
/// (a Java `long`). `path_text` is the path as written in the definition.
///
/// - A negative integer: `The SecondsPath parameter references a negative value: <path>
///   == <value>`.
/// - Anything else (a number with a fraction or exponent, an integer beyond `i64`, a
///   string, even `"5"`, `null`, a boolean, an array or object): `The SecondsPath
///   parameter cannot be parsed as a long value: <path> == <value>`.
///
/// `-0` is 0 (serde_json reads it as the float `-0.0`, which is accepted too).
pub fn seconds_from(value: &Value, path_text: &str) -> Result<u64, ExecutionError> {
    let Value::Number(number) = value else {
        return Err(not_a_long(value, path_text));
    };
    if let Some(seconds) = number.as_i64() {
        return u64::try_from(seconds).map_err(|_| {
            ExecutionError::runtime(format!(
                "The SecondsPath parameter references a negative value: {path_text} == {}",
                Shown(value)
            ))
        });
    }
    if number.as_f64() == Some(0.0) {
        return Ok(0);
    }
    Err(not_a_long(value, path_text))
}

fn not_a_long(value: &Value, path_text: &str) -> ExecutionError {
    ExecutionError::runtime(format!(
        "The SecondsPath parameter cannot be parsed as a long value: {path_text} == {}",
        Shown(value)
    ))
}

/// Validates a `TimestampPath` value as AWS does: a string [`Timestamp::parse`] accepts.
/// Otherwise `The TimestampPath parameter does not reference a valid ISO-8601 extended
/// offset date-time format string: <path> == <value>`, `path_text` being the path as
/// written in the definition.
pub fn timestamp_from(value: &Value, path_text: &str) -> Result<Timestamp, ExecutionError> {
    value.as_str().and_then(Timestamp::parse).ok_or_else(|| {
        ExecutionError::runtime(format!(
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {path_text} == {}",
            Shown(value)
        ))
    })
}

/// The failure when `SecondsPath` matches nothing in the state input: `The SecondsPath
/// parameter does not reference an input value: <path>`.
pub fn missing_seconds_path(path_text: &str) -> ExecutionError {
    ExecutionError::runtime(format!(
        "The SecondsPath parameter does not reference an input value: {path_text}"
    ))
}

/// The failure when `TimestampPath` matches nothing in the state input: `The
/// TimestampPath parameter does not reference an input value: <path>`.
pub fn missing_timestamp_path(path_text: &str) -> ExecutionError {
    ExecutionError::runtime(format!(
        "The TimestampPath parameter does not reference an input value: {path_text}"
    ))
}

/// A value as AWS prints it after `==`: a string bare, anything else as compact JSON.
struct Shown<'a>(&'a Value);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::String(text) => f.write_str(text),
            other => write!(f, "{other}"),
        }
    }
}

#[cfg(test)]
mod tests;
