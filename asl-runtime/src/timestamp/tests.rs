use std::time::{Duration, SystemTime};

use chrono::{DateTime, Datelike, NaiveDate};

use super::Timestamp;

fn parse(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or_else(|| panic!("{text} should parse"))
}

#[test]
fn utc_forms() {
    assert_eq!(
        parse("2016-03-14T01:59:00Z"),
        Timestamp::from_unix(1_457_920_740, 0)
    );
    assert_eq!(parse("1970-01-01T00:00:00Z"), Timestamp::from_unix(0, 0));
    assert_eq!(
        parse("2012-10-09T19:00:55Z"),
        Timestamp::from_unix(1_349_809_255, 0)
    );
}

#[test]
fn fractions_of_one_to_nine_digits() {
    let whole = parse("2016-03-14T01:59:00Z");
    assert_eq!(
        parse("2016-03-14T01:59:00.5Z"),
        Timestamp::from_unix(1_457_920_740, 500_000_000)
    );
    assert_eq!(parse("2016-03-14T01:59:00.05Z").subsec_nanos(), 50_000_000);
    assert_eq!(
        parse("2016-03-14T01:59:00.123Z").subsec_nanos(),
        123_000_000
    );
    assert_eq!(parse("2016-03-14T01:59:00.000000Z"), whole);
    // The corpus's Wait Timestamp with nanoseconds, which AWS accepted.
    assert_eq!(
        parse("2016-03-05T21:29:29.243167252Z"),
        Timestamp::from_unix(1_457_213_369, 243_167_252)
    );
    // LocalStack's AWS-validated TimestampPath suffixes: Z, .000000Z, .0000000Z, .00Z, .000Z.
    for suffix in ["Z", ".000000Z", ".0000000Z", ".00Z", ".000Z"] {
        assert_eq!(
            parse(&format!("2016-03-14T01:59:00{suffix}")),
            whole,
            "{suffix}"
        );
    }
}

#[test]
fn offsets_name_the_same_instant() {
    let utc = parse("2016-03-14T01:59:00Z");
    assert_eq!(parse("2016-03-14T03:59:00+02:00"), utc);
    assert_eq!(parse("2016-03-13T18:29:00-07:30"), utc);
    assert_eq!(parse("2016-03-14T01:59:00+00:00"), utc);
    assert_eq!(parse("2016-03-14T01:59:00-00:00"), utc);
    assert_eq!(parse("2016-03-14T19:59:00+18:00"), utc);
    assert_eq!(parse("2016-03-13T07:59:00-18:00"), utc);
    // The corpus's `+01:00` value is an hour before the same wall time in UTC.
    assert_eq!(
        parse("2012-10-09T19:00:55+01:00"),
        Timestamp::from_unix(1_349_809_255 - 3600, 0)
    );
    // An offset can move the instant across a day, month and year boundary.
    assert_eq!(
        parse("2000-01-01T00:30:00+01:00"),
        parse("1999-12-31T23:30:00Z")
    );
}

#[test]
fn rejects_what_aws_rejects() {
    for text in [
        "",
        "yesterday",
        "2016-03-14",
        "2023-02-24",
        // No zone (LocalStack's AWS-validated TimestampPath cases "" and ".000000").
        "2016-03-14T01:59:00",
        "2016-03-14T01:59:00.000000",
        "2012-10-09T19:00:55",
        // Lowercase separators, a space, other separators.
        "2016-03-14t01:59:00Z",
        "2016-03-14T01:59:00z",
        "2016-03-14t01:59:00z",
        "2016-03-14 01:59:00Z",
        "2023-02-24 12:15:56.832957",
        "2016/03/14T01:59:00Z",
        "2016-03-14T01.59.00Z",
        // Fields missing, unpadded or too long.
        "2016-03-14T01:59Z",
        "2016-3-14T01:59:00Z",
        "2016-03-4T01:59:00Z",
        "16-03-14T01:59:00Z",
        "20160-03-14T01:59:00Z",
        "+2016-03-14T01:59:00Z",
        "2016-03-14T1:59:00Z",
        // Fractions: none after the point, more than nine digits, a comma.
        "2016-03-14T01:59:00.Z",
        "2016-03-14T01:59:00.1234567891Z",
        "2016-03-14T01:59:00,5Z",
        // Offsets: without a colon, hours only, with seconds, beyond 18 hours, bad minutes.
        "2016-03-14T01:59:00+0200",
        "2016-03-14T01:59:00+02",
        "2016-03-14T01:59:00+02:00:00",
        "2016-03-14T01:59:00+18:01",
        "2016-03-14T01:59:00+19:00",
        "2016-03-14T01:59:00+02:60",
        "2016-03-14T01:59:00Z+02:00",
        "2016-03-14T01:59:00ZZ",
        // Out-of-range fields and dates that do not exist.
        "2016-13-14T01:59:00Z",
        "2016-00-14T01:59:00Z",
        "2016-03-00T01:59:00Z",
        "2016-03-32T01:59:00Z",
        "2015-02-29T01:59:00Z",
        "1900-02-29T00:00:00Z",
        "2016-04-31T00:00:00Z",
        "2016-03-14T24:00:00Z",
        "2016-03-14T01:60:00Z",
        "2016-03-14T01:59:60Z",
        // Surrounding text and non-ASCII digits.
        " 2016-03-14T01:59:00Z",
        "2016-03-14T01:59:00Z ",
        "２016-03-14T01:59:00Z",
    ] {
        assert_eq!(Timestamp::parse(text), None, "{text:?} should not parse");
    }
}

#[test]
fn leap_days_and_extreme_years() {
    assert!(Timestamp::parse("2016-02-29T00:00:00Z").is_some());
    assert!(Timestamp::parse("2000-02-29T00:00:00Z").is_some());
    assert_eq!(
        parse("0000-01-01T00:00:00Z"),
        Timestamp::from_unix(-62_167_219_200, 0)
    );
    assert_eq!(
        parse("9999-12-31T23:59:59.999999999Z"),
        Timestamp::from_unix(253_402_300_799, 999_999_999)
    );
    assert_eq!(
        parse("1969-12-31T23:59:59.5Z"),
        Timestamp::from_unix(-1, 500_000_000)
    );
}

/// Every valid form agrees with chrono's RFC 3339 parser on the instant.
#[test]
fn agrees_with_chrono_on_valid_forms() {
    let mut checked = 0;
    for year in [
        0, 1, 1600, 1899, 1900, 1969, 1970, 1999, 2000, 2024, 2100, 9999,
    ] {
        for (month, day) in [(1, 1), (2, 28), (2, 29), (3, 1), (6, 30), (12, 31)] {
            let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else {
                continue;
            };
            for (hour, minute, second) in [(0, 0, 0), (12, 34, 56), (23, 59, 59)] {
                for fraction in ["", ".1", ".000001", ".999999999"] {
                    for offset in ["Z", "+00:00", "+05:30", "-08:00", "+18:00", "-18:00"] {
                        let text = format!(
                            "{:04}-{:02}-{:02}T{hour:02}:{minute:02}:{second:02}{fraction}{offset}",
                            date.year(),
                            date.month(),
                            date.day()
                        );
                        let expected = DateTime::parse_from_rfc3339(&text).unwrap();
                        let parsed = parse(&text);
                        assert_eq!(parsed.unix_seconds(), expected.timestamp(), "{text}");
                        assert_eq!(
                            parsed.subsec_nanos(),
                            expected.timestamp_subsec_nanos(),
                            "{text}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 4608);
}

#[test]
fn constructors_normalize_and_round_trip() {
    assert_eq!(
        Timestamp::from_unix(10, 1_500_000_000),
        Timestamp::from_unix(11, 500_000_000)
    );
    assert_eq!(
        Timestamp::from_unix_nanos(-1),
        Timestamp::from_unix(-1, 999_999_999)
    );
    assert_eq!(
        Timestamp::from_unix_nanos(1_500_000_000),
        Timestamp::from_unix(1, 500_000_000)
    );
    let at = parse("2016-03-05T21:29:29.243167252Z");
    assert_eq!(Timestamp::from_unix_nanos(at.unix_nanos()), at);
    assert_eq!(
        Timestamp::from_unix_nanos(i128::MAX),
        Timestamp::from_unix(i64::MAX, 999_999_999)
    );
    assert_eq!(
        Timestamp::from_unix_nanos(i128::MIN),
        Timestamp::from_unix(i64::MIN, 0)
    );
    // Usable in constants, as generated code uses them.
    const LITERAL: Timestamp = Timestamp::from_unix(1_349_809_255, 0);
    assert_eq!(LITERAL, parse("2012-10-09T19:00:55Z"));
}

#[test]
fn ordered_by_instant() {
    let earlier = parse("2012-10-09T19:00:55Z");
    let later = parse("2012-10-09T19:00:56Z");
    assert!(earlier < later);
    assert!(parse("2012-10-09T19:00:55.000000001Z") > earlier);
    assert!(parse("2012-10-09T20:00:55+02:00") < earlier);
    assert!(Timestamp::from_unix(-1, 999_999_999) < Timestamp::from_unix(0, 0));
}

#[test]
fn duration_from_a_wall_clock_instant() {
    let at = Timestamp::from_unix(100, 250);
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(40);
    assert_eq!(at.duration_from(now), Duration::new(60, 250));
    assert_eq!(
        at.duration_from(now + Duration::from_secs(60)),
        Duration::from_nanos(250)
    );
    assert_eq!(
        at.duration_from(now + Duration::from_secs(61)),
        Duration::ZERO
    );
    assert_eq!(
        at.duration_from(SystemTime::UNIX_EPOCH - Duration::from_secs(10)),
        Duration::new(110, 250)
    );
    let before_epoch = Timestamp::from_unix(-5, 0);
    assert_eq!(
        before_epoch.duration_from(SystemTime::UNIX_EPOCH),
        Duration::ZERO
    );
}
