//! Timestamps as AWS reads them, for Choice `Timestamp*` operators, `IsTimestamp` and
//! Wait `Timestamp` / `TimestampPath`.
//!
//! AWS documents the format as "the RFC3339 profile of ISO 8601, with the further
//! restrictions that an uppercase `T` must separate the date and time portions, and an
//! uppercase `Z` must denote that a numeric time zone offset is not present". Its error
//! text for a bad `TimestampPath` names Java's `ISO_OFFSET_DATE_TIME` ("a valid ISO-8601
//! extended offset date-time format string"), so where RFC 3339 and that parser differ
//! [`Timestamp::parse`] takes the narrower rule of the two:
//!
//! - `YYYY-MM-DDTHH:MM:SS`, every field zero-padded, the date a real one (leap years
//!   included), hours `00`–`23`, minutes and seconds `00`–`59` (no leap second `60`);
//! - an optional fraction: `.` and 1 to 9 digits (AWS accepts any count from 1 to 9;
//!   nanoseconds are the finest unit);
//! - `Z`, or an offset `+HH:MM` / `-HH:MM` of at most 18 hours (Java's bound; `-00:00`
//!   is UTC);
//! - nothing else: no lowercase `t` or `z`, no space separator, no missing zone, no
//!   `+HHMM`, no trailing text.

use std::time::{Duration, SystemTime};

const NANOS_PER_SECOND: u32 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;
/// The largest offset `java.time.ZoneOffset` accepts: 18 hours.
const MAX_OFFSET_SECONDS: i64 = 18 * 3600;

/// An instant, to the nanosecond. The offset it was written with is not kept: two
/// timestamps are equal when they name the same instant (`01:00:00+01:00` equals
/// `00:00:00Z`). Ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    // Field order matters: the derived `Ord` compares `seconds` first.
    seconds: i64,
    nanos: u32,
}

impl Timestamp {
    /// The instant `seconds` and `nanos` after the Unix epoch (before it for negative
    /// `seconds`). Generated code builds a definition's literal timestamps with this, so
    /// they are never parsed at run time. `nanos` of a second or more carry into
    /// `seconds`.
    pub const fn from_unix(seconds: i64, nanos: u32) -> Timestamp {
        Timestamp {
            seconds: seconds.saturating_add((nanos / NANOS_PER_SECOND) as i64),
            nanos: nanos % NANOS_PER_SECOND,
        }
    }

    /// The instant `nanos` nanoseconds after the Unix epoch (before it when negative),
    /// saturating at the ends of the `i64` seconds range.
    pub const fn from_unix_nanos(nanos: i128) -> Timestamp {
        let seconds = nanos.div_euclid(NANOS_PER_SECOND as i128);
        let subsec = nanos.rem_euclid(NANOS_PER_SECOND as i128) as u32;
        if seconds > i64::MAX as i128 {
            Timestamp::from_unix(i64::MAX, NANOS_PER_SECOND - 1)
        } else if seconds < i64::MIN as i128 {
            Timestamp::from_unix(i64::MIN, 0)
        } else {
            Timestamp::from_unix(seconds as i64, subsec)
        }
    }

    /// Whole seconds since the Unix epoch (rounded down: negative before it).
    pub const fn unix_seconds(self) -> i64 {
        self.seconds
    }

    /// The nanoseconds past [`unix_seconds`](Self::unix_seconds), below one second.
    pub const fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    /// Nanoseconds since the Unix epoch.
    pub const fn unix_nanos(self) -> i128 {
        self.seconds as i128 * NANOS_PER_SECOND as i128 + self.nanos as i128
    }

    /// Reads `text` as AWS does (see the [module docs](self)), or `None` when AWS would
    /// not take it for a timestamp. Does not allocate.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let bytes = text.as_bytes();
        let year = digits(bytes, 0, 4)?;
        literal(bytes, 4, b'-')?;
        let month = digits(bytes, 5, 2)?;
        literal(bytes, 7, b'-')?;
        let day = digits(bytes, 8, 2)?;
        literal(bytes, 10, b'T')?;
        let hour = digits(bytes, 11, 2)?;
        literal(bytes, 13, b':')?;
        let minute = digits(bytes, 14, 2)?;
        literal(bytes, 16, b':')?;
        let second = digits(bytes, 17, 2)?;
        let mut at = 19;

        let mut nanos = 0;
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            let start = at;
            while let Some(digit) = bytes.get(at).filter(|byte| byte.is_ascii_digit()) {
                if at - start == 9 {
                    return None;
                }
                nanos = nanos * 10 + u32::from(digit - b'0');
                at += 1;
            }
            let count = at - start;
            if count == 0 {
                return None;
            }
            nanos *= 10u32.pow(9 - count as u32);
        }

        let offset = match bytes.get(at)? {
            b'Z' => {
                at += 1;
                0
            }
            sign @ (b'+' | b'-') => {
                let hours = digits(bytes, at + 1, 2)?;
                literal(bytes, at + 3, b':')?;
                let minutes = digits(bytes, at + 4, 2)?;
                at += 6;
                if minutes > 59 {
                    return None;
                }
                let offset = i64::from(hours) * 3600 + i64::from(minutes) * 60;
                if offset > MAX_OFFSET_SECONDS {
                    return None;
                }
                if *sign == b'-' { -offset } else { offset }
            }
            _ => return None,
        };
        if at != bytes.len() {
            return None;
        }

        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return None;
        }
        let seconds = days_from_civil(i64::from(year), month, day) * SECONDS_PER_DAY
            + i64::from(hour) * 3600
            + i64::from(minute) * 60
            + i64::from(second)
            - offset;
        Some(Timestamp { seconds, nanos })
    }

    /// How long from `now` until this instant: zero when it has already passed.
    pub fn duration_from(&self, now: SystemTime) -> Duration {
        let now = match now.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(since) => since.as_nanos() as i128,
            Err(before) => -(before.duration().as_nanos() as i128),
        };
        let remaining = self.unix_nanos() - now;
        if remaining <= 0 {
            return Duration::ZERO;
        }
        let seconds = remaining / NANOS_PER_SECOND as i128;
        let nanos = (remaining % NANOS_PER_SECOND as i128) as u32;
        Duration::new(u64::try_from(seconds).unwrap_or(u64::MAX), nanos)
    }
}

/// The `count` ASCII digits at `at` as a number, or `None` if any is missing or not a
/// digit.
fn digits(bytes: &[u8], at: usize, count: usize) -> Option<u32> {
    let field = bytes.get(at..at.checked_add(count)?)?;
    field.iter().try_fold(0, |number, byte| {
        byte.is_ascii_digit()
            .then(|| number * 10 + u32::from(byte - b'0'))
    })
}

fn literal(bytes: &[u8], at: usize, expected: u8) -> Option<()> {
    (bytes.get(at) == Some(&expected)).then_some(())
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the proleptic Gregorian `year-month-day` (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests;
