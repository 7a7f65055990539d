//! The workload of the crash test: one machine with Task (retried), Choice, Wait,
//! Parallel and Map states, a callback Task and a workflow variable, and handlers
//! whose results depend only on their input, so that any run of an execution,
//! interrupted or not, ends with the same output.

use std::io::Write;
use std::sync::{Arc, Mutex};

use asl_runtime::{TaskContext, TaskError};
use serde_json::{Value, json};

pub use machine::{Machine, Tasks};

/// The generated machine.
mod machine {
    asl_macros::asl!(
        definition = r#"{
    "StartAt": "Init",
    "States": {
        "Init": {"Type": "Pass", "Assign": {"round": 0}, "Next": "Work"},
        "Work": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"n.$": "$.n", "round.$": "$round"},
            "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 1}],
            "ResultPath": "$.work",
            "Next": "Count"
        },
        "Count": {"Type": "Pass", "Assign": {"round.$": "States.MathAdd($round, 1)"}, "Next": "Again?"},
        "Again?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$round", "NumericLessThan": 3, "Next": "Work"}],
            "Default": "Pause"
        },
        "Pause": {"Type": "Wait", "SecondsPath": "$.pause", "Next": "Both"},
        "Both": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Left", "States": {"Left": {
                    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"n.$": "$.n"}, "End": true}}},
                {"StartAt": "Right", "States": {"Right": {"Type": "Pass", "Result": "right", "End": true}}}
            ],
            "ResultPath": "$.both",
            "Next": "Each"
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 2,
            "ItemProcessor": {"StartAt": "Item", "States": {"Item": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
            "ResultPath": "$.each",
            "Next": "Approve"
        },
        "Approve": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"n.$": "$.n", "token.$": "$$.Task.Token"},
            "ResultPath": "$.approval",
            "Next": "Done"
        },
        "Done": {
            "Type": "Pass",
            "Parameters": {"n.$": "$.n", "work.$": "$.work", "both.$": "$.both", "each.$": "$.each", "approval.$": "$.approval", "rounds.$": "$round"},
            "End": true
        }
    }
}"#
    );
}

/// The input of execution `n`.
pub fn input(n: u64) -> Value {
    json!({"n": n, "pause": n % 24, "items": (0..n % 5).collect::<Vec<_>>()})
}

/// The handlers; each call is logged as `call <generation> <idempotency key>` when a
/// log is given. The callback Task's handler hands its token and the answer to give
/// to the approver, when there is one; its own result is what an approver answers.
#[derive(Debug, Clone, Default)]
pub struct Handlers {
    log: Option<(u64, Arc<Mutex<std::fs::File>>)>,
    approver: Option<tokio::sync::mpsc::UnboundedSender<(String, Value)>>,
}

impl Handlers {
    /// Handlers logging their calls to `log` as process `generation`.
    pub fn logging(generation: u64, log: std::fs::File) -> Handlers {
        Handlers {
            log: Some((generation, Arc::new(Mutex::new(log)))),
            approver: None,
        }
    }

    /// The same handlers, sending each callback Task's token and answer to
    /// `approver`.
    pub fn approved_by(
        self,
        approver: tokio::sync::mpsc::UnboundedSender<(String, Value)>,
    ) -> Handlers {
        Handlers {
            approver: Some(approver),
            ..self
        }
    }

    fn called(&self, task: &TaskContext<'_>) {
        if let Some((generation, log)) = &self.log {
            let line = format!("call {generation} {}\n", task.idempotency_key());
            let mut log = log.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            // One write per line, in append mode: a kill never leaves half a line.
            log.write_all(line.as_bytes())
                .expect("the call log is writable");
        }
    }
}

impl Tasks for Handlers {
    async fn work(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        self.called(&task);
        let n = input["n"].as_u64().unwrap_or(0);
        let round = input["round"].as_u64().unwrap_or(0);
        if n.is_multiple_of(4) && task.retry_count() == 0 {
            return Err(TaskError::new("Flaky", "the first attempt fails"));
        }
        Ok(json!(n * n + round))
    }

    async fn left(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        self.called(&task);
        Ok(json!({"left": input["n"].as_u64().unwrap_or(0) * 2}))
    }

    async fn item(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        self.called(&task);
        Ok(json!(input.as_u64().unwrap_or(0) * 10))
    }

    async fn approve(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        self.called(&task);
        let answer = json!({"approvedFor": input["n"]});
        if let (Some(approver), Some(token)) = (&self.approver, input["token"].as_str()) {
            // A closed approver means the process is ending.
            let _ = approver.send((token.to_owned(), answer.clone()));
        }
        Ok(answer)
    }
}
