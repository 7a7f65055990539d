//! The `{error, cause}` pair an execution or a state fails with, named as AWS names it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The error names AWS Step Functions raises itself (`States.*`).
pub mod names {
    /// Matches every error name (except `States.Runtime` and `States.DataLimitExceeded`).
    pub const ALL: &str = "States.ALL";
    /// A path miss, a bad `*Path` value or another run-time data error. Not retried.
    pub const RUNTIME: &str = "States.Runtime";
    /// A state's result or input is over the 256 KiB payload limit.
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    /// An intrinsic function failed.
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    /// No Choice rule matched and the Choice state has no `Default`.
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    /// `ResultPath` could not be applied to the state input.
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    /// A task failed without naming its error.
    pub const TASK_FAILED: &str = "States.TaskFailed";
    /// A task, heartbeat or execution ran out of time.
    pub const TIMEOUT: &str = "States.Timeout";
    /// A heartbeat was missed (AWS reports it as `States.Timeout` in history).
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    /// More Map iterations failed than `ToleratedFailureCount`/`Percentage` allow.
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    /// A Distributed Map's ItemReader could not read its items.
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    /// A Distributed Map's ResultWriter could not write its results.
    pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
    /// A JSONata expression failed or returned an unusable value.
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
}

/// The cause of a missed heartbeat.
const HEARTBEAT_CAUSE: &str = "The Task sent no heartbeat for longer than its HeartbeatSeconds.";

/// How an execution (or a state inside it) failed: the `error` name and the `cause`,
/// exactly as AWS reports them in `ExecutionFailed`. Either may be absent, as with a
/// Fail state that names neither.
///
/// Two errors are equal when their names and causes are.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExecutionError {
    /// The error name, such as `States.Runtime` or a Fail state's `Error`.
    pub error: Option<String>,
    /// A human-readable explanation.
    pub cause: Option<String>,
    /// Whether the cause already names the state the error occurred in (see
    /// [`ExecutionError::is_located`]): an error leaving a Parallel branch or Map
    /// iteration names the state inside it that failed, not the Parallel or Map.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    prefixed: bool,
}

impl PartialEq for ExecutionError {
    fn eq(&self, other: &Self) -> bool {
        self.error == other.error && self.cause == other.cause
    }
}

impl Eq for ExecutionError {}

impl ExecutionError {
    /// An error with both a name and a cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        ExecutionError::from_parts(Some(error.into()), Some(cause.into()))
    }

    /// An error whose name and cause may each be absent (a Fail state may name
    /// neither).
    pub fn from_parts(error: Option<String>, cause: Option<String>) -> Self {
        ExecutionError {
            error,
            cause,
            prefixed: false,
        }
    }

    /// `States.Runtime` with `cause`.
    pub fn runtime(cause: impl Into<String>) -> Self {
        ExecutionError::new(names::RUNTIME, cause)
    }

    /// `States.IntrinsicFailure` with `cause`.
    pub fn intrinsic_failure(cause: impl Into<String>) -> Self {
        ExecutionError::new(names::INTRINSIC_FAILURE, cause)
    }

    /// `States.Timeout`: a Task's `TimeoutSeconds` or the machine's `TimeoutSeconds`
    /// ran out.
    pub fn timeout() -> Self {
        ExecutionError::from_parts(Some(names::TIMEOUT.to_owned()), None)
    }

    /// A missed heartbeat. AWS reports it as `States.Timeout` (in a `TaskTimedOut`
    /// event); Retry and Catch match it by `States.HeartbeatTimeout` too.
    pub fn heartbeat_timeout() -> Self {
        ExecutionError::new(names::TIMEOUT, HEARTBEAT_CAUSE)
    }

    /// Whether this is a missed heartbeat ([`ExecutionError::heartbeat_timeout`]).
    pub fn is_heartbeat_timeout(&self) -> bool {
        self.name() == names::TIMEOUT && self.cause_text() == HEARTBEAT_CAUSE
    }

    /// The error name, or `""` when there is none (how AWS matches and prints it).
    pub fn name(&self) -> &str {
        self.error.as_deref().unwrap_or_default()
    }

    /// The cause, or `""` when there is none.
    pub fn cause_text(&self) -> &str {
        self.cause.as_deref().unwrap_or_default()
    }

    /// Whether AWS prefixes this error's cause with the state it occurred in when the
    /// execution fails with it (`An error occurred while executing the state ...`).
    pub fn is_located(&self) -> bool {
        matches!(
            self.error.as_deref(),
            Some(names::RUNTIME | names::QUERY_EVALUATION_ERROR)
        )
    }

    /// This error, its cause prefixed with AWS's words naming the state it occurred
    /// in (`state`, whose `StateEntered` event is `entered`) when it is of a kind AWS
    /// locates ([`ExecutionError::is_located`]) and no state inside has been named
    /// already.
    pub(crate) fn located_at(mut self, state: &str, entered: u64) -> Self {
        if self.is_located() && !self.prefixed {
            self.cause = Some(format!(
                "An error occurred while executing the state '{state}' (entered at the event id #{entered}). {}",
                self.cause_text()
            ));
            self.prefixed = true;
        }
        self
    }

    /// The error output a Catch hands on: `{"Error": ..., "Cause": ...}`, with `""`
    /// standing in for a missing name or cause.
    pub fn to_output(&self) -> serde_json::Value {
        let mut output = serde_json::Map::with_capacity(2);
        output.insert("Error".to_owned(), self.name().into());
        output.insert("Cause".to_owned(), self.cause_text().into());
        serde_json::Value::Object(output)
    }
}

impl fmt::Display for ExecutionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.error, &self.cause) {
            (Some(error), Some(cause)) => write!(f, "{error}: {cause}"),
            (Some(error), None) => f.write_str(error),
            (None, Some(cause)) => write!(f, "(no error name): {cause}"),
            (None, None) => f.write_str("the execution failed without an error name or cause"),
        }
    }
}

impl std::error::Error for ExecutionError {}
