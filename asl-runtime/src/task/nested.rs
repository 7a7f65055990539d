//! Nested executions (`arn:aws:states:::states:startExecution`, `.sync`, `.sync:2`)
//! of state machines compiled into the same binary and run by engines that share a
//! [`Machines`] registry.
//!
//! The child is named by the Task's `Name` parameter or, without one, after the
//! attempt's idempotency key, so that a parent resumed after a crash finds the child
//! it started instead of starting another. A Task whose `StateMachineArn` names no
//! registered machine, or that runs outside the engine, calls its handler instead.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{TaskContext, TaskError};
use crate::context::timestamp;
use crate::engine::EngineError;
use crate::error::names;
use crate::store::{ExecutionRecord, Status};

/// A boxed future, as the registry's object-safe calls return.
pub type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the registry needs of an engine (implemented by [`crate::Engine`]).
pub trait Starter: Send + Sync {
    /// Starts execution `name` with `input` (idempotently), returning its ARN.
    fn start<'a>(&'a self, name: &'a str, input: Value) -> Boxed<'a, Result<String, EngineError>>;
    /// Waits for execution `name` to end.
    fn wait<'a>(&'a self, name: &'a str) -> Boxed<'a, Result<ExecutionRecord, EngineError>>;
    /// Execution `name` as committed.
    fn describe(&self, name: &str) -> Result<ExecutionRecord, EngineError>;
}

/// The state machines engines in this process run, by name.
#[derive(Default)]
pub struct Machines {
    by_name: RwLock<HashMap<String, Arc<dyn Starter>>>,
}

impl std::fmt::Debug for Machines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.read().keys().cloned().collect();
        f.debug_struct("Machines").field("names", &names).finish()
    }
}

impl Machines {
    /// An empty registry.
    pub fn new() -> Machines {
        Machines::default()
    }

    /// Registers the engine of machine `name`.
    pub fn register(&self, name: &str, starter: Arc<dyn Starter>) {
        self.by_name
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(name.to_owned(), starter);
    }

    fn get(&self, name: &str) -> Option<Arc<dyn Starter>> {
        self.read().get(name).cloned()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<dyn Starter>>> {
        self.by_name
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

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
        .and_then(|(callbacks, machine)| callbacks.machines()?.get(&machine));
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
    let failed = |error: EngineError| TaskError::new(names::TASK_FAILED, error.to_string());
    match starter.start(&name, input).await {
        Ok(_) | Err(EngineError::AlreadyExists(_)) => {}
        Err(error) => return Err(failed(error)),
    }
    match wait {
        Wait::No => {
            let record = starter.describe(&name).map_err(failed)?;
            Ok(json!({
                "ExecutionArn": record.identity.arn,
                "StartDate": timestamp(record.identity.start),
            }))
        }
        Wait::Sync | Wait::Sync2 => {
            let record = starter.wait(&name).await.map_err(failed)?;
            let described = describe(&record, wait == Wait::Sync2);
            match record.position.status {
                Status::Succeeded => Ok(described),
                _ => Err(TaskError::new(names::TASK_FAILED, described.to_string())),
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

/// `DescribeExecution`'s output for a child, as `.sync` returns it (`.sync:2` with
/// `Input` and `Output` parsed).
fn describe(record: &ExecutionRecord, parsed: bool) -> Value {
    let (identity, position) = (&record.identity, &record.position);
    let payload = |text: &str| {
        if parsed {
            serde_json::from_str(text).unwrap_or_else(|_| json!(text))
        } else {
            json!(text)
        }
    };
    let mut described = json!({
        "ExecutionArn": identity.arn,
        "Input": payload(&identity.input),
        "InputDetails": {"Included": true},
        "Name": identity.name,
        "StartDate": timestamp(identity.start),
        "StateMachineArn": format!(
            "arn:aws:states:{}:123456789012:stateMachine:{}",
            crate::context::REGION,
            identity.machine
        ),
        "Status": position.status.as_str(),
    });
    let fields = [
        ("Output", position.output.as_deref().map(payload)),
        ("Error", position.error.clone().map(Value::from)),
        ("Cause", position.cause.clone().map(Value::from)),
        ("StopDate", position.stop.map(|stop| json!(timestamp(stop)))),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            described[key] = value;
        }
    }
    if position.output.is_some() {
        described["OutputDetails"] = json!({"Included": true});
    }
    described
}
