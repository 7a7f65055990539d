//! Task states bound to Rust handlers through the generated `Tasks` trait: data flow
//! around the call, handler errors, Retry, Catch and timeouts, on paused tokio time.

use std::sync::Mutex;
use std::time::Duration;

use asl_runtime::{ExecutionError, TaskContext, TaskError};
use serde_json::{Value, json};
use tokio::time::Instant;

mod charge {
    asl_macros::asl!(
        name = "Charge",
        definition = r#"{
        "StartAt": "Charge",
        "States": {
            "Charge": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge",
                "InputPath": "$.order",
                "Parameters": {"amount.$": "$.total", "attempt.$": "$$.State.RetryCount", "execution.$": "$$.Execution.Name"},
                "ResultSelector": {"charged.$": "$.amount", "attempt.$": "$.attempt"},
                "ResultPath": "$.payment",
                "TimeoutSeconds": 5,
                "Retry": [
                    {"ErrorEquals": ["Gateway.Busy"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2.0, "MaxDelaySeconds": 5},
                    {"ErrorEquals": ["States.Timeout"], "MaxAttempts": 1}
                ],
                "Catch": [
                    {"ErrorEquals": ["Card.Declined"], "ResultPath": "$.declined", "Next": "Review"},
                    {"ErrorEquals": ["States.ALL"], "ResultPath": null, "Next": "Failed"}
                ],
                "Next": "Done"
            },
            "Review": {"Type": "Pass", "End": true},
            "Failed": {"Type": "Fail", "Error": "ChargeFailed", "Cause": "gave up"},
            "Done": {"Type": "Succeed"}
        }
    }"#
    );
}

/// Fails with the scripted errors in order, then succeeds; records when it was called.
struct Script {
    errors: Mutex<Vec<Option<&'static str>>>,
    calls: Mutex<Vec<(Duration, Value)>>,
    started: Instant,
}

impl Script {
    fn new(errors: &[Option<&'static str>]) -> Script {
        let mut errors = errors.to_vec();
        errors.reverse();
        Script {
            errors: Mutex::new(errors),
            calls: Mutex::new(Vec::new()),
            started: Instant::now(),
        }
    }

    fn times(&self) -> Vec<u64> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .map(|(at, _)| at.as_secs())
            .collect()
    }
}

impl charge::Tasks for Script {
    async fn charge(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        assert_eq!(task.state_name(), "Charge");
        assert_eq!(
            task.resource(),
            "arn:aws:lambda:us-east-1:123456789012:function:charge"
        );
        self.calls
            .lock()
            .unwrap()
            .push((self.started.elapsed(), input.clone()));
        let next = self.errors.lock().unwrap().pop().flatten();
        match next {
            None => Ok(input),
            Some("hang") => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Ok(input)
            }
            Some("panic-free failure") => Err(TaskError::failed("no name")),
            Some(name) => Err(TaskError::new(name, format!("{name} happened"))),
        }
    }
}

fn order() -> Value {
    json!({"order": {"total": 42}, "customer": "c-1"})
}

#[tokio::test(start_paused = true)]
async fn data_flow_around_the_handler() {
    let machine = charge::Machine::new(Script::new(&[]));
    let output = machine.run_named("run-1", order()).await.unwrap();
    assert_eq!(
        output,
        json!({"order": {"total": 42}, "customer": "c-1", "payment": {"charged": 42, "attempt": 0}})
    );
    let calls = machine.tasks().calls.lock().unwrap().clone();
    assert_eq!(
        calls[0].1,
        json!({"amount": 42, "attempt": 0, "execution": "run-1"})
    );
}

#[tokio::test(start_paused = true)]
async fn retries_follow_the_schedule_and_see_their_retry_count() {
    let machine = charge::Machine::new(Script::new(&[
        Some("Gateway.Busy"),
        Some("Gateway.Busy"),
        Some("Gateway.Busy"),
    ]));
    let output = machine.run(order()).await.unwrap();
    // 2 s, 4 s, then 8 s capped at MaxDelaySeconds 5.
    assert_eq!(machine.tasks().times(), [0, 2, 6, 11]);
    assert_eq!(output["payment"], json!({"charged": 42, "attempt": 3}));
}

#[tokio::test(start_paused = true)]
async fn an_exhausted_retrier_hands_over_to_catch() {
    let machine = charge::Machine::new(Script::new(&[Some("Gateway.Busy"); 4]));
    let error = machine.run(order()).await.unwrap_err();
    assert_eq!(machine.tasks().times().len(), 4);
    assert_eq!(error, ExecutionError::new("ChargeFailed", "gave up"));
}

#[tokio::test(start_paused = true)]
async fn a_named_error_is_caught_with_its_cause() {
    let machine = charge::Machine::new(Script::new(&[Some("Card.Declined")]));
    let output = machine.run(order()).await.unwrap();
    assert_eq!(
        output["declined"],
        json!({"Error": "Card.Declined", "Cause": "Card.Declined happened"})
    );
    assert_eq!(output["order"], json!({"total": 42}));
}

#[tokio::test(start_paused = true)]
async fn a_hung_handler_times_out_is_retried_then_caught() {
    let machine = charge::Machine::new(Script::new(&[Some("hang"), Some("hang")]));
    let error = machine.run(order()).await.unwrap_err();
    // Timed out at 5 s, retried after 1 s, timed out again at 11 s.
    assert_eq!(machine.tasks().times(), [0, 6]);
    assert_eq!(error.name(), "ChargeFailed");
}

mod plain {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Call",
        "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}
    }"#
    );
}

struct Failing;

impl plain::Tasks for Failing {
    async fn call(&self, _: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        Err(TaskError::failed("no name given"))
    }
}

#[tokio::test]
async fn an_unnamed_handler_error_fails_the_execution_with_states_task_failed() {
    let error = plain::Machine::new(Failing)
        .run(json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ExecutionError::new("States.TaskFailed", "no name given")
    );
}
