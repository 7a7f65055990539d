//! Times as the runtime and a durable engine write them down: milliseconds since
//! the Unix epoch (how notes and stores keep times), and the text of the Context
//! object's times.

use std::time::{Duration, SystemTime};

/// Milliseconds since the Unix epoch (0 before it, `i64::MAX` past what fits).
pub fn unix_millis(time: SystemTime) -> i64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
        })
}

/// The time `millis` milliseconds after the Unix epoch (the epoch for a negative
/// count).
pub fn from_unix_millis(millis: i64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(millis).unwrap_or(0))
}

/// A time as the Context object (`$$.Execution.StartTime`, `$$.State.EnteredTime`)
/// and Step Functions' JSON payloads write it: `2019-03-26T20:14:13.192Z`.
pub fn context_time(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time)
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_go_there_and_back() {
        let time = SystemTime::UNIX_EPOCH + Duration::from_millis(1_553_631_253_192);
        assert_eq!(unix_millis(time), 1_553_631_253_192);
        assert_eq!(from_unix_millis(unix_millis(time)), time);
        assert_eq!(from_unix_millis(-5), SystemTime::UNIX_EPOCH);
        assert_eq!(context_time(time), "2019-03-26T20:14:13.192Z");
    }
}
