use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use tokio::time::Instant;

use super::*;
use crate::error::names;

const YEAR: Duration = Duration::from_secs(365 * 86_400);

fn cause(result: Result<impl fmt::Debug, ExecutionError>) -> String {
    let error = result.unwrap_err();
    assert_eq!(error.name(), names::RUNTIME);
    assert!(error.is_located(), "the executor names the state");
    error.cause_text().to_owned()
}

fn run() -> Run {
    Run::new(std::sync::Arc::new(crate::context::Execution::new(
        "M",
        None,
        Value::Null,
    )))
}

/// A wall-clock instant `offset` from now (negative: in the past).
fn from_now(offset_seconds: i64) -> Timestamp {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i128;
    Timestamp::from_unix_nanos(now + i128::from(offset_seconds) * 1_000_000_000)
}

// ---------------------------------------------------------------------------------------
// Sleeping on tokio time
// ---------------------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn seconds_sleep_on_tokio_time() {
    let real = std::time::Instant::now();
    let start = Instant::now();
    seconds(&run(), 90).await;
    assert_eq!(start.elapsed(), Duration::from_secs(90));
    seconds(&run(), 1).await;
    assert_eq!(start.elapsed(), Duration::from_secs(91));
    seconds(&run(), MAX_SECONDS).await;
    assert_eq!(start.elapsed(), Duration::from_secs(91 + MAX_SECONDS));
    assert!(
        real.elapsed() < Duration::from_secs(5),
        "never sleeps for real"
    );
}

#[tokio::test(start_paused = true)]
async fn zero_seconds_does_not_wait() {
    let start = Instant::now();
    seconds(&run(), 0).await;
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_wait_beyond_any_execution_does_not_overflow() {
    // AWS accepts any non-negative long from SecondsPath; the execution times out first.
    let start = Instant::now();
    seconds(&run(), u64::MAX).await;
    assert!(start.elapsed() > 10 * YEAR, "{:?}", start.elapsed());
}

#[tokio::test(start_paused = true)]
async fn other_tasks_run_while_waiting() {
    let start = Instant::now();
    let waiting = tokio::spawn(async { seconds(&run(), 60).await });
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert!(!waiting.is_finished());
    waiting.await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn seconds_count_from_an_entry_the_engine_recorded() {
    // Resumed after a restart, a week-long Wait entered 6 days 23 hours ago sleeps
    // the hour that is left.
    let mut run = run();
    let entered = SystemTime::now() - Duration::from_secs(7 * 86_400 - 3600);
    run.enter_at("Wait", 2, entered);
    let start = Instant::now();
    seconds(&run, 7 * 86_400).await;
    let waited = start.elapsed();
    assert!(
        waited > Duration::from_secs(3599) && waited <= Duration::from_secs(3600),
        "{waited:?}"
    );
    // One entered longer ago than it waits returns at once.
    run.enter_at("Wait", 2, SystemTime::now() - Duration::from_secs(100));
    let start = Instant::now();
    seconds(&run, 60).await;
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_future_timestamp_waits_until_then() {
    let at = from_now(3600);
    let start = Instant::now();
    until(&run(), &at).await;
    let waited = start.elapsed();
    // Less only by the real time between computing `at` and calling `until`.
    assert!(
        waited > Duration::from_secs(3599) && waited <= Duration::from_secs(3600),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_timestamp_with_an_offset_waits_for_the_same_instant() {
    // An hour from now, written at +02:00 and read back.
    let now = from_now(3600);
    let text = chrono::DateTime::from_timestamp(now.unix_seconds(), 0)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).unwrap())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    assert!(text.ends_with("+02:00"), "{text}");
    let at = timestamp_from(&json!(text), "$.at").unwrap();
    assert_eq!(at.unix_seconds(), now.unix_seconds());
    let start = Instant::now();
    until(&run(), &at).await;
    let waited = start.elapsed();
    assert!(
        waited > Duration::from_secs(3598) && waited <= Duration::from_secs(3600),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn past_timestamps_do_not_wait() {
    let start = Instant::now();
    // The corpus's Wait Timestamp cases, both long past: AWS continued at once.
    until(&run(), &Timestamp::from_unix(1_457_920_740, 0)).await; // 2016-03-14T01:59:00Z
    until(&run(), &Timestamp::from_unix(1_457_213_369, 243_167_252)).await; // ...29.243167252Z
    until(&run(), &from_now(-1)).await;
    until(&run(), &Timestamp::from_unix(i64::MIN, 0)).await;
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_timestamp_far_in_the_future_does_not_overflow() {
    let start = Instant::now();
    until(&run(), &Timestamp::parse("9999-12-31T23:59:59Z").unwrap()).await;
    assert!(start.elapsed() > 10 * YEAR, "{:?}", start.elapsed());
}

// ---------------------------------------------------------------------------------------
// SecondsPath
// ---------------------------------------------------------------------------------------

/// The corpus's `test_base_wait_seconds_path` cases, as AWS ran them.
#[test]
fn seconds_path_as_aws_recorded_it() {
    assert_eq!(seconds_from(&json!(0), "$.input.waitSeconds"), Ok(0));
    assert_eq!(seconds_from(&json!(1), "$.input.waitSeconds"), Ok(1));
    assert_eq!(
        cause(seconds_from(&json!(1.5), "$.input.waitSeconds")),
        "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == 1.5"
    );
    assert_eq!(
        cause(seconds_from(&json!(-1.5), "$.input.waitSeconds")),
        "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == -1.5"
    );
    assert_eq!(
        cause(seconds_from(&json!(-1), "$.input.waitSeconds")),
        "The SecondsPath parameter references a negative value: $.input.waitSeconds == -1"
    );
}

#[test]
fn seconds_path_accepts_every_non_negative_long() {
    assert_eq!(seconds_from(&json!(99_999_999), "$.s"), Ok(99_999_999));
    assert_eq!(seconds_from(&json!(i64::MAX), "$.s"), Ok(i64::MAX as u64));
    let minus_zero: Value = serde_json::from_str("-0").unwrap();
    assert_eq!(seconds_from(&minus_zero, "$.s"), Ok(0));
    assert_eq!(seconds_from(&json!(0.0), "$.s"), Ok(0));
    // The variable form works the same.
    assert_eq!(seconds_from(&json!(3), "$waitTime"), Ok(3));
}

#[test]
fn seconds_path_refuses_what_is_not_a_long() {
    for (value, shown) in [
        (json!(2.0), "2.0"),
        (serde_json::from_str("1e2").unwrap(), "100.0"),
        (json!(9_223_372_036_854_775_808u64), "9223372036854775808"),
        (json!(u64::MAX), "18446744073709551615"),
        (json!(-2.5), "-2.5"),
        (json!("5"), "5"),
        (json!(""), ""),
        (json!("ten seconds"), "ten seconds"),
        (json!(null), "null"),
        (json!(true), "true"),
        (json!([1]), "[1]"),
        (json!({"seconds": 1}), r#"{"seconds":1}"#),
    ] {
        assert_eq!(
            cause(seconds_from(&value, "$.s")),
            format!("The SecondsPath parameter cannot be parsed as a long value: $.s == {shown}"),
            "{value}"
        );
    }
}

#[test]
fn seconds_path_refuses_negative_longs() {
    for (value, shown) in [(json!(-1), "-1"), (json!(i64::MIN), "-9223372036854775808")] {
        assert_eq!(
            cause(seconds_from(&value, "$.wait")),
            format!("The SecondsPath parameter references a negative value: $.wait == {shown}")
        );
    }
}

#[test]
fn a_missing_seconds_path() {
    let error = missing_seconds_path("$.input.waitSeconds");
    assert_eq!(error.name(), names::RUNTIME);
    assert!(error.is_located());
    assert_eq!(
        error.cause_text(),
        "The SecondsPath parameter does not reference an input value: $.input.waitSeconds"
    );
}

// ---------------------------------------------------------------------------------------
// TimestampPath
// ---------------------------------------------------------------------------------------

/// LocalStack's AWS-validated `test_wait_timestamppath` suffixes on a current UTC time:
/// `Z`, `.000000Z`, `.0000000Z`, `.00Z` and `.000Z` waited; no zone failed.
#[test]
fn timestamp_path_as_aws_validated_it() {
    for suffix in ["Z", ".000000Z", ".0000000Z", ".00Z", ".000Z"] {
        let text = format!("2023-12-11T22:01:34{suffix}");
        assert_eq!(
            timestamp_from(&json!(text), "$.start_at"),
            Ok(Timestamp::from_unix(1_702_332_094, 0)),
            "{text}"
        );
    }
    for suffix in ["", ".000000", ".000"] {
        let text = format!("2023-12-11T22:01:34{suffix}");
        assert_eq!(
            cause(timestamp_from(&json!(text), "$.start_at")),
            format!(
                "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.start_at == {text}"
            )
        );
    }
}

#[test]
fn timestamp_path_accepts_offsets_and_fractions() {
    assert_eq!(
        timestamp_from(&json!("2016-03-14T03:59:00+02:00"), "$.t"),
        Ok(Timestamp::from_unix(1_457_920_740, 0))
    );
    assert_eq!(
        timestamp_from(&json!("2016-03-05T21:29:29.243167252Z"), "$startAt"),
        Ok(Timestamp::from_unix(1_457_213_369, 243_167_252))
    );
}

#[test]
fn timestamp_path_refuses_other_values() {
    for (value, shown) in [
        (json!("2016-03-14t01:59:00Z"), "2016-03-14t01:59:00Z"),
        (json!("2016-03-14T01:59:00z"), "2016-03-14T01:59:00z"),
        (json!("2016-03-14 01:59:00Z"), "2016-03-14 01:59:00Z"),
        (json!("2016-03-14"), "2016-03-14"),
        (json!("tomorrow"), "tomorrow"),
        (json!(""), ""),
        (json!(1_457_920_740), "1457920740"),
        (json!(null), "null"),
        (json!(false), "false"),
        (
            json!(["2016-03-14T01:59:00Z"]),
            r#"["2016-03-14T01:59:00Z"]"#,
        ),
        (
            json!({"at": "2016-03-14T01:59:00Z"}),
            r#"{"at":"2016-03-14T01:59:00Z"}"#,
        ),
    ] {
        assert_eq!(
            cause(timestamp_from(&value, "$.t")),
            format!(
                "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == {shown}"
            ),
            "{value}"
        );
    }
}

#[test]
fn a_missing_timestamp_path() {
    let error = missing_timestamp_path("$.start_at");
    assert_eq!(error.name(), names::RUNTIME);
    assert!(error.is_located());
    assert_eq!(
        error.cause_text(),
        "The TimestampPath parameter does not reference an input value: $.start_at"
    );
}

// ---------------------------------------------------------------------------------------
// Parking
// ---------------------------------------------------------------------------------------

/// A [`Park`](crate::hooks::Park) that records what it was asked, and parks what is
/// due after `after`.
#[derive(Debug, Default)]
struct Parks {
    after: Duration,
    asked: std::sync::Mutex<Vec<SystemTime>>,
}

impl crate::hooks::Park for Parks {
    fn park(&self, due: SystemTime, awaiting: Option<&str>) -> crate::hooks::Boxed<'static, ()> {
        assert_eq!(awaiting, None, "a Wait awaits no token");
        self.asked.lock().unwrap().push(due);
        let parked = due.duration_since(SystemTime::now()).unwrap_or_default() >= self.after;
        Box::pin(async move {
            if parked {
                std::future::pending::<()>().await;
            }
        })
    }
}

fn parking_run(after: Duration) -> (Run, std::sync::Arc<Parks>) {
    let parks = std::sync::Arc::new(Parks {
        after,
        ..Parks::default()
    });
    let park: std::sync::Arc<dyn crate::hooks::Park> = parks.clone();
    let execution = crate::context::Execution::new("M", None, Value::Null).with_park(Some(park));
    (Run::new(std::sync::Arc::new(execution)), parks)
}

#[tokio::test(start_paused = true)]
async fn a_top_level_wait_asks_to_park_until_it_is_due_and_sleeps_when_not_parked() {
    let (run, parks) = parking_run(Duration::from_secs(3600));
    let start = Instant::now();
    let asked = SystemTime::now();
    seconds(&run, 60).await;
    assert_eq!(start.elapsed(), Duration::from_secs(60));
    until(&run, &from_now(120)).await;
    let due = parks.asked.lock().unwrap().clone();
    assert_eq!(due.len(), 2, "{due:?}");
    let ahead = |due: SystemTime| due.duration_since(asked).unwrap().as_secs();
    assert_eq!((ahead(due[0]), ahead(due[1])), (60, 120));
    // Nothing to wait: nothing asked.
    seconds(&run, 0).await;
    until(&run, &from_now(-5)).await;
    assert_eq!(parks.asked.lock().unwrap().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_parked_wait_never_returns() {
    let (run, _) = parking_run(Duration::from_secs(10));
    let parked = tokio::time::timeout(Duration::from_secs(7200), seconds(&run, 60)).await;
    assert!(parked.is_err(), "the engine drops a parked run");
}

#[tokio::test(start_paused = true)]
async fn a_branch_waits_among_its_siblings_without_parking() {
    let (run, parks) = parking_run(Duration::ZERO);
    let branch =
        Run::inner(run.shared_execution(), run.shared_variables()).in_place(run.around().branch(0));
    let start = Instant::now();
    seconds(&branch, 60).await;
    until(&branch, &from_now(60)).await;
    assert!(start.elapsed() >= Duration::from_secs(119));
    assert!(parks.asked.lock().unwrap().is_empty());
}
