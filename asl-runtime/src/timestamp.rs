//! RFC 3339 timestamps as AWS accepts them: an uppercase `T`, and `Z` or an offset.

use std::time::{Duration, SystemTime};

/// An instant, to the nanosecond. Ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    nanos: u32,
}

impl Timestamp {
    /// The instant `seconds` (+ `nanos`) after the Unix epoch (built at compile time
    /// from a definition's literal).
    pub const fn from_unix(seconds: i64, nanos: u32) -> Timestamp {
        Timestamp { seconds, nanos }
    }

    /// Parses `text` as AWS does: RFC 3339 with an uppercase `T` between date and
    /// time, an uppercase `Z` or a numeric offset, and optional fractions.
    pub fn parse(text: &str) -> Option<Timestamp> {
        if text.as_bytes().get(10) != Some(&b'T') || text.contains(['t', 'z', ' ']) {
            return None;
        }
        let instant = chrono::DateTime::parse_from_rfc3339(text).ok()?;
        Some(Timestamp {
            seconds: instant.timestamp(),
            nanos: instant.timestamp_subsec_nanos(),
        })
    }

    /// How long from `now` until this instant; zero when it has passed.
    pub fn duration_from(&self, now: SystemTime) -> Duration {
        let now = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|since| (since.as_secs() as i128) * 1_000_000_000 + since.subsec_nanos() as i128)
            .unwrap_or(0);
        let at = self.seconds as i128 * 1_000_000_000 + self.nanos as i128;
        let nanos = (at - now).max(0);
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_aws_forms_and_compares_instants() {
        let utc = Timestamp::parse("2016-03-14T01:59:00Z").unwrap();
        let offset = Timestamp::parse("2016-03-14T03:59:00+02:00").unwrap();
        assert_eq!(utc, offset);
        let fraction = Timestamp::parse("2016-03-14T01:59:00.5Z").unwrap();
        assert!(fraction > utc);
        assert_eq!(utc, Timestamp::from_unix(1_457_920_740, 0));
    }

    #[test]
    fn rejects_other_forms() {
        for text in [
            "2016-03-14t01:59:00Z",
            "2016-03-14T01:59:00z",
            "2016-03-14 01:59:00Z",
            "2016-03-14T01:59:00",
            "2016-03-14",
            "",
            "not a date",
        ] {
            assert_eq!(Timestamp::parse(text), None, "{text}");
        }
    }

    #[test]
    fn waits_until_the_instant() {
        let at = Timestamp::from_unix(100, 0);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(40);
        assert_eq!(at.duration_from(now), Duration::from_secs(60));
        assert_eq!(
            at.duration_from(now + Duration::from_secs(100)),
            Duration::ZERO
        );
    }
}
