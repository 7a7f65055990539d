//! Points in time as the API answers them.

use serde::Serialize;

/// A point in time in Unix milliseconds, answered as AWS does: a JSON number of
/// epoch seconds with a fractional part (`1629880767.853`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Now.
    pub fn now() -> Timestamp {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
    }
}

impl From<std::time::SystemTime> for Timestamp {
    fn from(time: std::time::SystemTime) -> Timestamp {
        Timestamp(asl_runtime::clock::unix_millis(time))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // serde_json prints the shortest decimal that reads back as the same f64:
        // 1629880767853 ms is `1629880767.853`.
        serializer.serialize_f64(self.0 as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_epoch_seconds_with_milliseconds() {
        assert_eq!(
            serde_json::to_string(&Timestamp(1629880767853)).unwrap(),
            "1629880767.853"
        );
        assert_eq!(
            serde_json::to_string(&Timestamp(1629880767000)).unwrap(),
            "1629880767.0"
        );
    }
}
