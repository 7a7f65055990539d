//! Timestamps as AWS accepts them: RFC 3339 with an uppercase `T` and `Z`.

use std::fmt;

use chrono::{DateTime, FixedOffset};

/// A timestamp written in a definition (Wait `Timestamp`, Choice timestamp operands).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp {
    /// The text as written.
    pub text: String,
    /// The instant it names, with its offset.
    pub instant: DateTime<FixedOffset>,
}

impl Timestamp {
    /// Parses an RFC 3339 timestamp such as `2016-03-14T01:59:00Z` or
    /// `2016-03-14T01:59:00.123+02:00`. AWS requires the uppercase `T` separator and
    /// an uppercase `Z`; lowercase or space separators are rejected.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let bytes = text.as_bytes();
        if bytes.get(10) != Some(&b'T') || text.contains(['t', 'z', ' ']) {
            return None;
        }
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|instant| Timestamp {
                text: text.to_owned(),
                instant,
            })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_aws_forms() {
        for text in [
            "2016-03-14T01:59:00Z",
            "2016-03-14T01:59:00.123Z",
            "2016-03-14T01:59:00+02:00",
            "2016-03-14T01:59:00.5-07:30",
        ] {
            assert!(Timestamp::parse(text).is_some(), "{text}");
        }
    }

    #[test]
    fn rejects_other_forms() {
        for text in [
            "2016-03-14t01:59:00Z",
            "2016-03-14T01:59:00z",
            "2016-03-14 01:59:00Z",
            "2016-03-14T01:59:00",
            "2016-03-14",
            "2016-13-14T01:59:00Z",
            "",
            "yesterday",
        ] {
            assert!(Timestamp::parse(text).is_none(), "{text}");
        }
    }
}
