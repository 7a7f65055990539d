//! Nested executions (`arn:aws:states:::states:startExecution`, `.sync`, `.sync:2`)
//! of state machines compiled into the same binary and run by engines that share a
//! [`Machines`] registry.
//!
//! The child is named by the Task's `Name` parameter or, without one, after the
//! attempt's idempotency key, so that a parent resumed after a crash finds the child
//! it started instead of starting another. A Task whose `StateMachineArn` names no
//! registered machine, or that runs outside the engine, calls its handler instead.

use std::future::Future;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{TaskContext, TaskError};
use crate::error::names;
pub use crate::hooks::{Boxed, Machines, Starter};

/// How the parent waits for the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// No suffix: start and go on with `{ExecutionArn, StartDate}`.
    No,
    /// `.sync`: wait for the end; `Input` and `Output` as JSON text.
    Sync,
    /// `.sync:2`: wait for the end; `Input` and `Output` as JSON.
    Sync2,
}

/// Runs a `states:startExecution` Task on `parameters` (`StateMachineArn`, `Input`,
/// `Name`): starts the child under the engine of the machine named, or calls
/// `handler` when there is none.
pub async fn start_execution<F, Fut>(
    task: TaskContext<'_>,
    wait: Wait,
    parameters: Value,
    handler: F,
) -> Result<Value, TaskError>
where
    F: FnOnce(Value) -> Fut,
    Fut: Future<Output = Result<Value, TaskError>>,
{
    let machine = parameters["StateMachineArn"]
        .as_str()
        .and_then(|arn| arn.rsplit_once(":stateMachine:"))
        .map(|(_, name)| name.split(':').next().unwrap_or(name).to_owned());
    let starter = task
        .callbacks()
        .zip(machine)
        .and_then(|(callbacks, machine)| callbacks.machines.as_ref()?.starter(&machine));
    let Some(starter) = starter else {
        return handler(parameters).await;
    };
    let name = match parameters["Name"].as_str() {
        Some(name) => name.to_owned(),
        None => child_name(&task.idempotency_key()),
    };
    let input = match &parameters["Input"] {
        Value::Null => json!({}),
        // AWS takes the input as JSON text too.
        Value::String(text) => serde_json::from_str(text).unwrap_or_else(|_| json!(text)),
        input => input.clone(),
    };
    let failed = |error: String| TaskError::new(names::TASK_FAILED, error);
    starter.start(&name, input).await.map_err(failed)?;
    match wait {
        Wait::No => starter.started(&name).map_err(failed),
        Wait::Sync | Wait::Sync2 => {
            let (succeeded, described) = starter
                .ended(&name, wait == Wait::Sync2)
                .await
                .map_err(failed)?;
            if succeeded {
                Ok(described)
            } else {
                Err(TaskError::new(names::TASK_FAILED, described.to_string()))
            }
        }
    }
}

/// A child execution's name made from the parent attempt's idempotency key: 32 hex
/// digits of its SHA-256, a valid execution name.
fn child_name(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    digest[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
