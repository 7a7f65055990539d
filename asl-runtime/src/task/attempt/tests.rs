use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::time::{Instant, sleep};

use super::*;
use crate::context::Execution;
use crate::retry;

/// A Task's Resource, as generated code describes it.
static R: Resource = Resource::lambda_function("arn:aws:lambda:us-east-1:123456789012:function:r");

fn run() -> Run {
    Run::new(Arc::new(Execution::new("m", None, Value::Null)))
}

fn seconds(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[tokio::test(start_paused = true)]
async fn a_slow_handler_times_out_and_is_dropped() {
    let started = Instant::now();
    let dropped = Arc::new(());
    let guard = dropped.clone();
    let slow = async move {
        let _guard = guard;
        sleep(seconds(60)).await;
        Ok(json!(1))
    };
    let error = Attempt::new(30, None).run(slow).await.unwrap_err();
    assert_eq!(error, ExecutionError::timeout());
    assert_eq!(started.elapsed(), seconds(30));
    assert_eq!(
        Arc::strong_count(&dropped),
        1,
        "the handler's future is dropped"
    );
    let quick = Attempt::new(30, None).run(async { Ok(json!(2)) }).await;
    assert_eq!(quick, Ok(json!(2)));
}

#[tokio::test(start_paused = true)]
async fn the_default_timeout_sets_no_deadline() {
    let attempt = Attempt::new(DEFAULT_TIMEOUT_SECONDS, None);
    let run = run();
    let task = attempt.context("T", &R, &run);
    assert_eq!(task.deadline(), None);
    assert_eq!(task.remaining(), None);
    assert!(!task.heartbeat().is_listened());
    let slow = async {
        sleep(seconds(1_000_000)).await;
        Ok(json!("done"))
    };
    assert_eq!(attempt.run(slow).await, Ok(json!("done")));
}

#[tokio::test(start_paused = true)]
async fn a_handler_sees_the_time_it_has_left() {
    let attempt = Attempt::new(30, None);
    let run = run();
    let task = attempt.context("T", &R, &run);
    sleep(seconds(10)).await;
    assert_eq!(task.remaining(), Some(seconds(20)));
    sleep(seconds(25)).await;
    assert_eq!(task.remaining(), Some(Duration::ZERO));
}

#[tokio::test(start_paused = true)]
async fn heartbeats_keep_a_long_task_alive() {
    let attempt = Attempt::new(100, Some(10));
    let run = run();
    let task = attempt.context("T", &R, &run);
    let heartbeat = task.heartbeat().clone();
    let started = Instant::now();
    let beating = async move {
        for _ in 0..5 {
            sleep(seconds(9)).await;
            heartbeat.beat();
        }
        Ok(json!("done"))
    };
    assert_eq!(attempt.run(beating).await, Ok(json!("done")));
    assert_eq!(started.elapsed(), seconds(45));
}

#[tokio::test(start_paused = true)]
async fn a_missed_heartbeat_fails_with_states_timeout() {
    let attempt = Attempt::new(100, Some(10));
    let run = run();
    let heartbeat = attempt.context("T", &R, &run).heartbeat().clone();
    let started = Instant::now();
    let stalls = async move {
        sleep(seconds(6)).await;
        heartbeat.beat();
        sleep(seconds(60)).await;
        Ok(json!("late"))
    };
    let error = attempt.run(stalls).await.unwrap_err();
    assert_eq!(started.elapsed(), seconds(16), "10 s after the last beat");
    assert_eq!(error.name(), "States.Timeout");
    assert!(error.is_heartbeat_timeout());
    assert!(retry::matches(&["States.HeartbeatTimeout"], &error));
    assert!(retry::matches(&["States.Timeout"], &error));
    assert!(retry::matches(&["States.ALL"], &error));
    assert!(!retry::matches(&["States.TaskFailed"], &error));
    assert!(!retry::matches(
        &["States.HeartbeatTimeout"],
        &ExecutionError::timeout()
    ));
}

#[tokio::test(start_paused = true)]
async fn timeout_seconds_bounds_a_task_that_keeps_beating() {
    let attempt = Attempt::new(25, Some(10));
    let run = run();
    let heartbeat = attempt.context("T", &R, &run).heartbeat().clone();
    let started = Instant::now();
    let forever = async move {
        loop {
            sleep(seconds(5)).await;
            heartbeat.beat();
        }
    };
    let error = attempt.run(forever).await.unwrap_err();
    assert_eq!(error, ExecutionError::timeout());
    assert!(!error.is_heartbeat_timeout());
    assert_eq!(started.elapsed(), seconds(25));
}

#[tokio::test]
async fn a_panicking_handler_fails_the_task_with_its_message() {
    let boom = async { panic!("card reader on fire") };
    let error = Attempt::new(DEFAULT_TIMEOUT_SECONDS, None)
        .run(boom)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ExecutionError::new(
            "States.TaskFailed",
            "The Task handler panicked: card reader on fire"
        )
    );
    let code = 7;
    let formatted = async move { panic!("code {code}") };
    let error = Attempt::new(5, Some(1)).run(formatted).await.unwrap_err();
    assert_eq!(error.cause_text(), "The Task handler panicked: code 7");
}

#[test]
fn seconds_paths_need_a_positive_integer() {
    assert_eq!(seconds_from(&json!(5), "TimeoutSecondsPath", "$.t"), Ok(5));
    for bad in [json!(0), json!(-1), json!(1.5), json!("5"), json!(null)] {
        let error = seconds_from(&bad, "HeartbeatSecondsPath", "$.h").unwrap_err();
        assert_eq!(error.name(), "States.Runtime");
        assert_eq!(
            error.cause_text(),
            format!(
                "The HeartbeatSecondsPath parameter does not reference a valid positive integer: $.h == {bad}"
            )
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_first_attempt_resumed_by_the_engine_keeps_its_deadline() {
    let mut run = run();
    // Entered 50 s before a restart, with TimeoutSeconds 60: 10 s are left.
    run.enter_at(
        "Ask",
        2,
        std::time::SystemTime::now() - Duration::from_secs(50),
    );
    let start = Instant::now();
    let error = Attempt::new(60, None)
        .since_start(&run)
        .run(std::future::pending())
        .await
        .unwrap_err();
    assert_eq!(error.name(), names::TIMEOUT);
    let waited = start.elapsed();
    assert!(
        waited > Duration::from_secs(9) && waited <= Duration::from_secs(10),
        "{waited:?}"
    );
    // A retry gets its whole TimeoutSeconds.
    run.set_retry_count(1);
    let start = Instant::now();
    Attempt::new(60, None)
        .since_start(&run)
        .run(std::future::pending())
        .await
        .unwrap_err();
    assert_eq!(start.elapsed(), Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn a_retry_resumed_after_a_restart_keeps_its_deadline() {
    let mut run = run();
    run.enter_at("Ask", 2, std::time::SystemTime::now());
    // Retry 2 was due 45 s before the restart, with TimeoutSeconds 60: 15 s are left.
    run.resume_attempt(2, std::time::SystemTime::now() - Duration::from_secs(45));
    let start = Instant::now();
    Attempt::new(60, None)
        .since_start(&run)
        .run(std::future::pending())
        .await
        .unwrap_err();
    let waited = start.elapsed();
    assert!(
        waited > Duration::from_secs(14) && waited <= Duration::from_secs(15),
        "{waited:?}"
    );
    // The next retry starts afresh.
    run.set_retry_count(3);
    assert_eq!(run.since_attempt_start(), Duration::ZERO);
}
