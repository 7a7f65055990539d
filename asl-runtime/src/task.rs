//! What Task handlers receive and return, and the dynamic route that binds Task
//! states to handlers chosen at run time (command, HTTP ...).

use std::fmt;
use std::future::Future;

use serde_json::Value;

use crate::context::Context;
use crate::error::{ExecutionError, names};

/// A Task handler's failure: an error name and a cause, as a Lambda function would
/// report them. Without a name the state fails with `States.TaskFailed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskError {
    /// The error name Retry and Catch match (`PaymentDeclined`).
    pub error: Option<String>,
    /// A human-readable explanation.
    pub cause: Option<String>,
}

impl TaskError {
    /// A named error with a cause: `TaskError::new("PaymentDeclined", "card expired")`.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> TaskError {
        TaskError {
            error: Some(error.into()),
            cause: Some(cause.into()),
        }
    }

    /// An unnamed failure (the state fails with `States.TaskFailed`).
    pub fn failed(cause: impl Into<String>) -> TaskError {
        TaskError {
            error: None,
            cause: Some(cause.into()),
        }
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let error = self.error.as_deref().unwrap_or(names::TASK_FAILED);
        match &self.cause {
            Some(cause) => write!(f, "{error}: {cause}"),
            None => f.write_str(error),
        }
    }
}

impl std::error::Error for TaskError {}

impl From<TaskError> for ExecutionError {
    fn from(error: TaskError) -> ExecutionError {
        ExecutionError {
            error: Some(error.error.unwrap_or_else(|| names::TASK_FAILED.to_owned())),
            cause: error.cause,
        }
    }
}

/// What a handler is told about the Task it runs.
#[derive(Debug, Clone, Copy)]
pub struct TaskContext<'a> {
    state: &'static str,
    resource: &'static str,
    context: &'a Context,
}

impl<'a> TaskContext<'a> {
    /// The context of Task state `state` with `resource`.
    pub fn new(
        state: &'static str,
        resource: &'static str,
        context: &'a Context,
    ) -> TaskContext<'a> {
        TaskContext {
            state,
            resource,
            context,
        }
    }

    /// The Task state's name.
    pub fn state_name(&self) -> &'static str {
        self.state
    }

    /// The Task state's `Resource`.
    pub fn resource(&self) -> &'static str {
        self.resource
    }

    /// `$$.State.RetryCount`: 0 on the first attempt.
    pub fn retry_count(&self) -> u32 {
        self.context.retry_count()
    }

    /// `$$.Task.Token`, for callback tasks.
    pub fn task_token(&self) -> Option<&str> {
        self.context.task_token()
    }

    /// `$$.Execution.Name`.
    pub fn execution_name(&self) -> &str {
        self.context.execution().name()
    }
}

/// Handlers chosen at run time rather than written against the generated `Tasks`
/// trait: every Task state of a machine calls [`Dispatch::call`], which finds the
/// handler by the state's name or Resource. Generated code implements `Tasks` for
/// [`Dynamic`] over any `Dispatch`.
pub trait Dispatch: Send + Sync {
    /// Runs the Task described by `task` on `input`.
    fn call(
        &self,
        task: TaskContext<'_>,
        input: Value,
    ) -> impl Future<Output = Result<Value, TaskError>> + Send;
}

/// AWS's default Task timeout: 99999999 seconds.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 99_999_999;

/// Runs a handler's future, failing with `States.Timeout` (and dropping the future)
/// when it takes longer than `timeout_seconds`.
pub async fn call(
    timeout_seconds: u64,
    handler: impl Future<Output = Result<Value, TaskError>>,
) -> Result<Value, ExecutionError> {
    if timeout_seconds >= DEFAULT_TIMEOUT_SECONDS {
        // Over three years: not worth a timer.
        return handler.await.map_err(ExecutionError::from);
    }
    match tokio::time::timeout(std::time::Duration::from_secs(timeout_seconds), handler).await {
        Ok(result) => result.map_err(ExecutionError::from),
        Err(_) => Err(ExecutionError {
            error: Some(names::TIMEOUT.to_owned()),
            cause: None,
        }),
    }
}

/// The value of `TimeoutSecondsPath` (`path`): a positive integer, or `States.Runtime`.
pub fn timeout_from(value: &Value, path: &str) -> Result<u64, ExecutionError> {
    match value.as_u64() {
        Some(seconds) if seconds > 0 => Ok(seconds),
        _ => Err(ExecutionError::runtime(format!(
            "The TimeoutSecondsPath parameter does not reference a valid positive integer: {path} == {value}"
        ))),
    }
}

/// Adapts a [`Dispatch`] to a generated `Tasks` trait.
#[derive(Debug, Clone, Default)]
pub struct Dynamic<D>(pub D);

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;

    #[test]
    fn an_unnamed_handler_error_is_states_task_failed() {
        let error: ExecutionError = TaskError::failed("boom").into();
        assert_eq!(error, ExecutionError::new("States.TaskFailed", "boom"));
        let error: ExecutionError = TaskError::new("PaymentDeclined", "card expired").into();
        assert_eq!(
            error,
            ExecutionError::new("PaymentDeclined", "card expired")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_handler_times_out_and_is_dropped() {
        let started = tokio::time::Instant::now();
        let slow = async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(json!(1))
        };
        let error = call(30, slow).await.unwrap_err();
        assert_eq!(error.name(), "States.Timeout");
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        assert_eq!(call(30, async { Ok(json!(2)) }).await, Ok(json!(2)));
    }

    #[test]
    fn timeout_seconds_path_needs_a_positive_integer() {
        assert_eq!(timeout_from(&json!(5), "$.t"), Ok(5));
        for bad in [json!(0), json!(-1), json!(1.5), json!("5")] {
            assert_eq!(
                timeout_from(&bad, "$.t").unwrap_err().name(),
                "States.Runtime"
            );
        }
    }
}
