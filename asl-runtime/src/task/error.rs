//! What a Task handler fails with.

use std::fmt;

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
        ExecutionError::from_parts(
            Some(error.error.unwrap_or_else(|| names::TASK_FAILED.to_owned())),
            error.cause,
        )
    }
}

#[cfg(test)]
mod tests {
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
}
