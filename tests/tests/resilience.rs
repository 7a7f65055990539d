//! Retry, Catch, timeouts and heartbeats in generated machines, on paused tokio
//! time: each field's default and bound, retrier order, the `States.ALL`
//! exclusions, heartbeats, panicking handlers, seeded jitter, and the payment
//! example's schedule.

use std::sync::Mutex;
use std::time::Duration;

use asl_runtime::{ExecutionError, RunOptions, TaskContext, TaskError};
use serde_json::{Value, json};
use tokio::time::{Instant, sleep};

/// What a scripted handler does on one call.
#[derive(Debug, Clone, Copy)]
enum Act {
    /// Succeeds with its input.
    Succeed,
    /// Fails with this error name.
    Fail(&'static str),
    /// Panics.
    Panic,
    /// Runs for this many seconds, beating every `beat` seconds (0: never).
    Run { seconds: u64, beat: u64 },
    /// Returns a result over the 256 KiB payload limit.
    Huge,
}

/// A handler that acts as scripted, call after call (then succeeds), and records
/// when each call started and what `$$.State.RetryCount` it saw.
struct Script {
    acts: Mutex<Vec<Act>>,
    calls: Mutex<Vec<(u64, u32)>>,
    started: Instant,
}

impl Script {
    fn new(acts: &[Act]) -> Script {
        let mut acts = acts.to_vec();
        acts.reverse();
        Script {
            acts: Mutex::new(acts),
            calls: Mutex::new(Vec::new()),
            started: Instant::now(),
        }
    }

    /// The second each call started at.
    fn times(&self) -> Vec<u64> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .map(|&(at, _)| at)
            .collect()
    }

    /// The `$$.State.RetryCount` each call saw.
    fn retry_counts(&self) -> Vec<u32> {
        self.calls.lock().unwrap().iter().map(|&(_, n)| n).collect()
    }

    async fn call(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        let elapsed = self.started.elapsed();
        self.calls
            .lock()
            .unwrap()
            .push((elapsed.as_secs(), task.retry_count()));
        let act = self.acts.lock().unwrap().pop().unwrap_or(Act::Succeed);
        match act {
            Act::Succeed => Ok(input),
            Act::Fail(name) => Err(TaskError::new(
                name,
                format!("{name} #{}", task.retry_count()),
            )),
            Act::Panic => panic!("the handler broke"),
            Act::Run { seconds, beat } => {
                let heartbeat = task.heartbeat().clone();
                for second in 1..=seconds {
                    sleep(Duration::from_secs(1)).await;
                    if beat > 0 && second % beat == 0 {
                        heartbeat.beat();
                    }
                }
                Ok(input)
            }
            Act::Huge => Ok(json!("x".repeat(300 * 1024))),
        }
    }
}

/// A machine `$name` from `$definition`, whose one Task state `Work` the script
/// handles.
macro_rules! machine {
    ($name:ident, $definition:literal) => {
        mod $name {
            asl_macros::asl!(definition = $definition);
        }

        impl $name::Tasks for Script {
            async fn work(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
                self.call(input, task).await
            }
        }
    };
}

machine!(
    defaults,
    r#"{"StartAt": "Work", "States": {
    "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": true,
    "Retry": [{"ErrorEquals": ["Busy"]}]}
}}"#
);

#[tokio::test(start_paused = true)]
async fn a_retrier_defaults_to_three_attempts_one_second_apart_doubling() {
    let machine = defaults::Machine::new(Script::new(&[Act::Fail("Busy"); 4]));
    let error = machine.run(json!({})).await.unwrap_err();
    assert_eq!(machine.tasks().times(), [0, 1, 3, 7]);
    assert_eq!(machine.tasks().retry_counts(), [0, 1, 2, 3]);
    assert_eq!(error, ExecutionError::new("Busy", "Busy #3"));
}

#[tokio::test(start_paused = true)]
async fn an_error_no_retrier_names_is_not_retried() {
    let machine = defaults::Machine::new(Script::new(&[Act::Fail("Other")]));
    let error = machine.run(json!({})).await.unwrap_err();
    assert_eq!(machine.tasks().times(), [0]);
    assert_eq!(error.name(), "Other");
}

machine!(
    bounds,
    r#"{"StartAt": "Work", "States": {
    "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": true,
    "Retry": [
        {"ErrorEquals": ["Never"], "MaxAttempts": 0},
        {"ErrorEquals": ["Flat"], "IntervalSeconds": 3, "BackoffRate": 1.0, "MaxAttempts": 2},
        {"ErrorEquals": ["Capped"], "IntervalSeconds": 99999999, "MaxDelaySeconds": 1, "MaxAttempts": 2},
        {"ErrorEquals": ["Fractional"], "IntervalSeconds": 1, "BackoffRate": 1.5, "MaxAttempts": 3}
    ],
    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}]},
    "Caught": {"Type": "Pass", "End": true}
}}"#
);

#[tokio::test(start_paused = true)]
async fn max_attempts_zero_never_retries() {
    let machine = bounds::Machine::new(Script::new(&[Act::Fail("Never")]));
    let output = machine.run(json!({})).await.unwrap();
    assert_eq!(machine.tasks().times(), [0]);
    assert_eq!(output["error"]["Error"], "Never");
}

#[tokio::test(start_paused = true)]
async fn a_backoff_rate_of_one_keeps_the_interval() {
    let machine = bounds::Machine::new(Script::new(&[Act::Fail("Flat"); 3]));
    machine.run(json!({})).await.unwrap();
    assert_eq!(machine.tasks().times(), [0, 3, 6]);
}

#[tokio::test(start_paused = true)]
async fn max_delay_seconds_caps_the_largest_interval() {
    let machine = bounds::Machine::new(Script::new(&[Act::Fail("Capped"); 3]));
    machine.run(json!({})).await.unwrap();
    assert_eq!(machine.tasks().times(), [0, 1, 2]);
}

#[tokio::test(start_paused = true)]
async fn a_fractional_backoff_rate_gives_fractional_delays() {
    let machine = bounds::Machine::new(Script::new(&[Act::Fail("Fractional"); 3]));
    let started = Instant::now();
    machine.run(json!({})).await.unwrap();
    // 1 s, 1.5 s, 2.25 s.
    assert_eq!(started.elapsed(), Duration::from_millis(4750));
}

machine!(
    ordered,
    r#"{"StartAt": "Work", "States": {
    "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": true,
    "Retry": [
        {"ErrorEquals": ["A", "B"], "IntervalSeconds": 1, "MaxAttempts": 1},
        {"ErrorEquals": ["B"], "IntervalSeconds": 10, "MaxAttempts": 5},
        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 100, "MaxAttempts": 1}
    ],
    "Catch": [
        {"ErrorEquals": ["B"], "ResultPath": "$.b", "Next": "Caught"},
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.other", "Next": "Caught"}
    ]},
    "Caught": {"Type": "Pass", "End": true}
}}"#
);

#[tokio::test(start_paused = true)]
async fn the_first_matching_retrier_wins_even_when_exhausted() {
    // B matches the first retrier; once it is used up, the second (which also names
    // B) is not consulted: the catchers are.
    let machine = ordered::Machine::new(Script::new(&[Act::Fail("B"), Act::Fail("B")]));
    let output = machine.run(json!({})).await.unwrap();
    assert_eq!(machine.tasks().times(), [0, 1]);
    assert_eq!(output, json!({"b": {"Error": "B", "Cause": "B #1"}}));
}

#[tokio::test(start_paused = true)]
async fn each_retrier_keeps_its_own_count() {
    let acts = [Act::Fail("A"), Act::Fail("C"), Act::Fail("A")];
    let machine = ordered::Machine::new(Script::new(&acts));
    let output = machine.run(json!({})).await.unwrap();
    // A: first retrier (1 s); C: States.ALL (100 s); A again: first retrier spent.
    assert_eq!(machine.tasks().times(), [0, 1, 101]);
    assert_eq!(machine.tasks().retry_counts(), [0, 1, 2]);
    assert_eq!(output, json!({"other": {"Error": "A", "Cause": "A #2"}}));
}

machine!(
    catch_all,
    r#"{"StartAt": "Work", "States": {
    "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": true,
    "ResultSelector": {"value.$": "$.value"},
    "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1}],
    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]},
    "Caught": {"Type": "Pass", "End": true}
}}"#
);

#[tokio::test(start_paused = true)]
async fn states_all_neither_retries_nor_catches_states_runtime() {
    // The handler's result has no `value`: ResultSelector fails with States.Runtime.
    let machine = catch_all::Machine::new(Script::new(&[]));
    let error = machine.run(json!({"other": 1})).await.unwrap_err();
    assert_eq!(machine.tasks().times(), [0]);
    assert_eq!(error.name(), "States.Runtime");
    assert!(
        error
            .cause_text()
            .starts_with("An error occurred while executing the state 'Work'"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn states_all_neither_retries_nor_catches_states_data_limit_exceeded() {
    let machine = catch_all::Machine::new(Script::new(&[Act::Huge]));
    let error = machine.run(json!({})).await.unwrap_err();
    assert_eq!(machine.tasks().times(), [0]);
    assert_eq!(error.name(), "States.DataLimitExceeded");
}

#[tokio::test(start_paused = true)]
async fn a_catch_without_result_path_replaces_the_input_with_the_error() {
    let acts = [Act::Fail("X"); 4];
    let machine = catch_all::Machine::new(Script::new(&acts));
    let output = machine.run(json!({"kept": false})).await.unwrap();
    assert_eq!(output, json!({"Error": "X", "Cause": "X #3"}));
}

machine!(
    task_failed,
    r#"{"StartAt": "Work", "States": {
    "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": true,
    "Catch": [
        {"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.failed", "Next": "Caught"},
        {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.timeout", "Next": "Caught"}
    ],
    "TimeoutSeconds": 5},
    "Caught": {"Type": "Pass", "End": true}
}}"#
);

#[tokio::test(start_paused = true)]
async fn states_task_failed_matches_handler_errors_but_not_timeouts() {
    let machine = task_failed::Machine::new(Script::new(&[Act::Fail("Custom")]));
    let output = machine.run(json!({})).await.unwrap();
    assert_eq!(output["failed"]["Error"], "Custom");
    let hang = Act::Run {
        seconds: 60,
        beat: 0,
    };
    let machine = task_failed::Machine::new(Script::new(&[hang]));
    let output = machine.run(json!({})).await.unwrap();
    assert_eq!(
        output["timeout"],
        json!({"Error": "States.Timeout", "Cause": ""})
    );
}

#[tokio::test(start_paused = true)]
async fn a_panicking_handler_fails_with_states_task_failed_and_can_be_caught() {
    let machine = task_failed::Machine::new(Script::new(&[Act::Panic]));
    let output = machine.run(json!({})).await.unwrap();
    assert_eq!(
        output["failed"],
        json!({"Error": "States.TaskFailed", "Cause": "The Task handler panicked: the handler broke"})
    );
    let machine = defaults::Machine::new(Script::new(&[Act::Panic]));
    let error = machine.run(json!({})).await.unwrap_err();
    assert_eq!(error.name(), "States.TaskFailed");
}

machine!(
    heartbeat,
    r#"{"StartAt": "Work", "States": {
    "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": true,
    "TimeoutSeconds": 60,
    "HeartbeatSeconds": 10,
    "Retry": [{"ErrorEquals": ["States.HeartbeatTimeout"], "IntervalSeconds": 5, "MaxAttempts": 1}],
    "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.timedOut", "Next": "Caught"}]},
    "Caught": {"Type": "Pass", "End": true}
}}"#
);

#[tokio::test(start_paused = true)]
async fn heartbeats_keep_a_long_task_alive() {
    let slow = Act::Run {
        seconds: 50,
        beat: 9,
    };
    let machine = heartbeat::Machine::new(Script::new(&[slow]));
    let started = Instant::now();
    assert_eq!(machine.run(json!({"a": 1})).await, Ok(json!({"a": 1})));
    assert_eq!(started.elapsed(), Duration::from_secs(50));
}

#[tokio::test(start_paused = true)]
async fn a_missed_heartbeat_is_a_timeout_retried_as_heartbeat_timeout() {
    let silent = Act::Run {
        seconds: 50,
        beat: 0,
    };
    let machine = heartbeat::Machine::new(Script::new(&[silent, silent]));
    let output = machine.run(json!({})).await.unwrap();
    // Timed out at 10 s, retried 5 s later, timed out again 10 s after that.
    assert_eq!(machine.tasks().times(), [0, 15]);
    assert_eq!(output["timedOut"]["Error"], "States.Timeout");
    assert_eq!(
        output["timedOut"]["Cause"],
        "The Task sent no heartbeat for longer than its HeartbeatSeconds."
    );
}

#[tokio::test(start_paused = true)]
async fn timeout_seconds_ends_a_task_that_keeps_beating() {
    let endless = Act::Run {
        seconds: 500,
        beat: 5,
    };
    let machine = heartbeat::Machine::new(Script::new(&[endless]));
    let started = Instant::now();
    let output = machine.run(json!({})).await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(60));
    assert_eq!(
        output["timedOut"],
        json!({"Error": "States.Timeout", "Cause": ""})
    );
}

machine!(
    paths,
    r#"{"StartAt": "Work", "States": {
    "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": true,
    "TimeoutSecondsPath": "$.limits.timeout",
    "HeartbeatSecondsPath": "$.limits.heartbeat"}
}}"#
);

#[tokio::test(start_paused = true)]
async fn timeout_and_heartbeat_seconds_can_come_from_the_input() {
    let silent = Act::Run {
        seconds: 50,
        beat: 0,
    };
    let machine = paths::Machine::new(Script::new(&[silent]));
    let started = Instant::now();
    let input = json!({"limits": {"timeout": 30, "heartbeat": 4}});
    let error = machine.run(input).await.unwrap_err();
    assert!(error.is_heartbeat_timeout());
    assert_eq!(started.elapsed(), Duration::from_secs(4));

    let beating = Act::Run {
        seconds: 50,
        beat: 3,
    };
    let machine = paths::Machine::new(Script::new(&[beating]));
    let input = json!({"limits": {"timeout": 30, "heartbeat": 4}});
    assert_eq!(
        machine.run(input).await.unwrap_err(),
        ExecutionError::timeout()
    );

    let machine = paths::Machine::new(Script::new(&[]));
    let error = machine
        .run(json!({"limits": {"timeout": 30, "heartbeat": 0}}))
        .await
        .unwrap_err();
    assert_eq!(error.name(), "States.Runtime");
    assert!(
        error.cause_text().ends_with(
            "The HeartbeatSecondsPath parameter does not reference a valid positive integer: $.limits.heartbeat == 0"
        ),
        "{error}"
    );
}

machine!(
    jitter,
    r#"{"StartAt": "Work", "States": {
    "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": true,
    "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 4, "MaxAttempts": 4, "MaxDelaySeconds": 20, "JitterStrategy": "FULL"}]}
}}"#
);

/// The delays between the calls of an execution seeded with `seed` whose handler
/// fails four times.
async fn jittered(seed: u64) -> Vec<Duration> {
    let calls = Mutex::new(Vec::new());
    struct Timed<'a>(&'a Mutex<Vec<Instant>>);
    impl jitter::Tasks for Timed<'_> {
        async fn work(&self, _: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
            self.0.lock().unwrap().push(Instant::now());
            match task.retry_count() {
                4 => Ok(json!("done")),
                _ => Err(TaskError::new("Busy", "try later")),
            }
        }
    }
    let machine = jitter::Machine::new(Timed(&calls));
    let output = machine
        .run_with(RunOptions::default().seed(seed), json!({}))
        .await;
    assert_eq!(output, Ok(json!("done")));
    let calls = calls.into_inner().unwrap();
    calls.windows(2).map(|pair| pair[1] - pair[0]).collect()
}

#[tokio::test(start_paused = true)]
async fn full_jitter_is_reproducible_under_a_seed_and_within_the_backoff() {
    let first = jittered(2026).await;
    assert_eq!(first, jittered(2026).await);
    assert_ne!(first, jittered(2027).await);
    // Without jitter: 4, 8, 16, then 32 capped at 20 seconds.
    for (delay, bound) in first.iter().zip([4, 8, 16, 20]) {
        assert!(*delay <= Duration::from_secs(bound), "{first:?}");
    }
}

mod payment {
    asl_macros::asl!("../examples/workflows/payment.asl.json");
}

impl payment::Tasks for Script {
    async fn charge_card(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        let order = input["orderId"].clone();
        self.call(input, task).await?;
        Ok(json!({"chargeId": format!("ch_{}", order.as_str().unwrap_or_default())}))
    }

    async fn open_review_ticket(&self, _: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        Ok(json!({"id": "REVIEW-1"}))
    }
}

fn order() -> Value {
    json!({"orderId": "o-1", "amount": 42.5, "card": "4242"})
}

#[tokio::test(start_paused = true)]
async fn the_payment_example_retries_at_2_4_8_seconds_then_opens_a_review() {
    let unavailable = Act::Fail("PaymentGatewayUnavailable");
    let machine = payment::Machine::new(Script::new(&[unavailable; 4]));
    let output = machine.run(order()).await.unwrap();
    // Attempts at 0, 2, 6, 14 s: waits of 2, 4, 8 s. The ReviewTicket task has no
    // script entries left and succeeds.
    assert_eq!(machine.tasks().times(), [0, 2, 6, 14]);
    assert_eq!(
        output,
        json!({"orderId": "o-1", "status": "MANUAL_REVIEW", "ticket": "REVIEW-1", "error": "PaymentGatewayUnavailable"})
    );
}

#[tokio::test(start_paused = true)]
async fn the_payment_example_pays_once_the_gateway_is_back() {
    let unavailable = Act::Fail("PaymentGatewayUnavailable");
    let machine = payment::Machine::new(Script::new(&[unavailable, unavailable]));
    let output = machine.run(order()).await.unwrap();
    assert_eq!(machine.tasks().times(), [0, 2, 6]);
    assert_eq!(
        output,
        json!({"orderId": "o-1", "status": "PAID", "chargeId": "ch_o-1"})
    );
}

#[tokio::test(start_paused = true)]
async fn the_payment_example_does_not_retry_a_declined_card() {
    let machine = payment::Machine::new(Script::new(&[Act::Fail("PaymentDeclined")]));
    let output = machine.run(order()).await.unwrap();
    assert_eq!(machine.tasks().times(), [0]);
    assert_eq!(
        output,
        json!({"orderId": "o-1", "status": "DECLINED", "reason": "PaymentDeclined #0"})
    );
}

#[tokio::test(start_paused = true)]
async fn the_payment_example_retries_a_stalled_charge_after_its_heartbeat_timeout() {
    let stalled = Act::Run {
        seconds: 25,
        beat: 0,
    };
    let machine = payment::Machine::new(Script::new(&[stalled]));
    let output = machine.run(order()).await.unwrap();
    // HeartbeatSeconds 10, then the 2 s retry interval.
    assert_eq!(machine.tasks().times(), [0, 12]);
    assert_eq!(output["status"], "PAID");
}
