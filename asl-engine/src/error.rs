//! What the engine's API calls fail with, named after the AWS API errors.

use crate::store::StoreError;
use asl_runtime::error::ExecutionError;

/// Why an engine call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// `ExecutionAlreadyExists`: an execution of that name exists, ended or started
    /// with another input (the same name and input while it runs is not an error).
    #[error("ExecutionAlreadyExists: an execution named '{0}' already exists")]
    AlreadyExists(String),
    /// `ExecutionDoesNotExist`: no execution of that name or ARN.
    #[error("ExecutionDoesNotExist: no execution '{0}'")]
    DoesNotExist(String),
    /// `StateMachineDoesNotExist`: no engine runs the machine of that name (or ARN)
    /// here: to start an execution of it, or to stop or redrive one.
    #[error("StateMachineDoesNotExist: no state machine '{0}'")]
    StateMachineDoesNotExist(String),
    /// An execution asked for by name (not by ARN) whose name executions of several
    /// machines have; the ARNs of those executions tell them apart. AWS's API names
    /// executions by ARN only, so it has no such error.
    #[error("several machines have an execution named '{name}'; give its ARN")]
    AmbiguousName {
        /// The name asked for.
        name: String,
        /// The ARNs of the executions of that name.
        arns: Vec<String>,
    },
    /// `InvalidName`: not 1 to 80 characters, or holding a character AWS refuses.
    #[error(
        "InvalidName: '{0}' must be 1 to 80 characters without whitespace, brackets, wildcards, quotes or any of #%\\^|~`$&,;:/"
    )]
    InvalidName(String),
    /// `InvalidExecutionInput`: the input is over the payload limit.
    #[error("InvalidExecutionInput: {}", .0.cause_text())]
    InvalidInput(ExecutionError),
    /// `InvalidToken`: not a task token this engine made.
    #[error("InvalidToken: '{0}' is not a task token")]
    InvalidToken(String),
    /// `TaskDoesNotExist`: the token names an execution that does not exist.
    #[error("TaskDoesNotExist: no execution has the task with this token")]
    TaskDoesNotExist,
    /// `TaskTimedOut`: the token was used already, or its execution ended.
    #[error("TaskTimedOut: the task with this token does not exist any more")]
    TaskTimedOut,
    /// `ExecutionNotRedrivable`: the execution runs, succeeded, or has no state to
    /// go on from.
    #[error("ExecutionNotRedrivable: '{0}' cannot be redriven")]
    NotRedrivable(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl EngineError {
    /// The name of the Step Functions API exception it is (`ExecutionAlreadyExists`,
    /// `InvalidToken`...); a store failure, which is no fault of the caller's, is
    /// `ServiceFailure`, and an ambiguous name (not an API case: the API always
    /// names executions by ARN) `ValidationException`.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::AlreadyExists(_) => "ExecutionAlreadyExists",
            EngineError::DoesNotExist(_) => "ExecutionDoesNotExist",
            EngineError::StateMachineDoesNotExist(_) => "StateMachineDoesNotExist",
            EngineError::AmbiguousName { .. } => "ValidationException",
            EngineError::InvalidName(_) => "InvalidName",
            EngineError::InvalidInput(_) => "InvalidExecutionInput",
            EngineError::InvalidToken(_) => "InvalidToken",
            EngineError::TaskDoesNotExist => "TaskDoesNotExist",
            EngineError::TaskTimedOut => "TaskTimedOut",
            EngineError::NotRedrivable(_) => "ExecutionNotRedrivable",
            EngineError::Store(_) => "ServiceFailure",
        }
    }
}

/// Whether `name` is a valid execution name, as AWS checks it.
pub fn valid_name(name: &str) -> bool {
    let length = name.chars().count();
    (1..=80).contains(&length)
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c))
}
