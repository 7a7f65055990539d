//! One attempt at a Task: the handler's future raced against `TimeoutSeconds` and
//! `HeartbeatSeconds` on tokio time, with a panic turned into `States.TaskFailed`.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt;
use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;

use super::context::TaskContext;
use super::error::TaskError;
use crate::arn::Resource;
use crate::error::{ExecutionError, names};
use crate::exec::Run;
use crate::heartbeat::Heartbeat;

/// AWS's default Task timeout: 99999999 seconds.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 99_999_999;

/// One attempt at a Task state: when it times out and which heartbeat it listens
/// to. Generated code makes one per attempt (each retry gets fresh limits):
///
/// ```ignore
/// let attempt = task::Attempt::new(30, Some(10)).since_start(run);
/// let result = attempt
///     .run(handlers.charge(input, attempt.context("Charge", RESOURCE, run)))
///     .await;
/// ```
#[derive(Debug)]
pub struct Attempt {
    deadline: Option<Instant>,
    heartbeat: Heartbeat,
    /// The attempt's span (`attempt`, inside its state's), which the handler runs
    /// in: the parent of the spans of the requests it sends.
    span: tracing::Span,
}

impl Attempt {
    /// An attempt starting now, limited to `timeout_seconds` (no timer at AWS's
    /// default of 99999999 seconds, over three years) and, with `heartbeat_seconds`,
    /// to that long between two heartbeats.
    pub fn new(timeout_seconds: u64, heartbeat_seconds: Option<u64>) -> Attempt {
        let deadline = (timeout_seconds < DEFAULT_TIMEOUT_SECONDS)
            .then(|| Instant::now() + Duration::from_secs(timeout_seconds));
        Attempt {
            deadline,
            heartbeat: heartbeat_seconds.map_or(Heartbeat::NONE, |seconds| {
                Heartbeat::listened(Duration::from_secs(seconds))
            }),
            span: tracing::Span::none(),
        }
    }

    /// The same attempt, counted from when it began as the durable engine knows it
    /// (see [`Run::since_attempt_start`]): a Task (a callback waiting a week, say)
    /// resumed after a restart keeps its `TimeoutSeconds` deadline, and its
    /// `HeartbeatSeconds` count from the attempt's start or the last heartbeat noted
    /// for its task token. Elsewhere nothing changes.
    pub fn since_start(mut self, run: &Run) -> Attempt {
        let context = run.context();
        // At DEBUG level, as the states' spans.
        self.span = tracing::debug_span!(
            "attempt",
            otel.name = context.state_name(),
            state = context.state_name(),
            retry_count = i64::from(context.retry_count()),
        );
        let elapsed = run.since_attempt_start();
        if elapsed.is_zero() {
            return self;
        }
        self.deadline = self
            .deadline
            .map(|deadline| deadline.checked_sub(elapsed).unwrap_or_else(Instant::now));
        if self.heartbeat.is_listened() {
            let last_beat = run
                .execution()
                .callbacks()
                .zip(run.context().task_token())
                .and_then(|(callbacks, token)| callbacks.tokens.last_beat(token))
                .and_then(|beat| std::time::SystemTime::now().duration_since(beat).ok());
            self.heartbeat
                .silent_for(last_beat.map_or(elapsed, |since| since.min(elapsed)));
        }
        self
    }

    /// What the handler is told: the state, its Resource, the Context object of
    /// `run`, and this attempt's deadline and heartbeat.
    pub fn context<'a>(
        &'a self,
        state: &'static str,
        resource: &'static Resource,
        run: &'a Run,
    ) -> TaskContext<'a> {
        TaskContext::new(state, resource, run).limited(self.deadline, &self.heartbeat)
    }

    /// Runs the handler's future to its result. Past the deadline, or when no
    /// heartbeat came for `HeartbeatSeconds`, the future is dropped (cancelled at its
    /// current `.await`) and the attempt fails with `States.Timeout`. A panic in the
    /// handler fails it with `States.TaskFailed`, the panic message as the cause.
    pub async fn run(
        &self,
        handler: impl Future<Output = Result<Value, TaskError>>,
    ) -> Result<Value, ExecutionError> {
        let handler = AssertUnwindSafe(handler)
            .catch_unwind()
            .instrument(self.span.clone());
        let outcome = match (self.deadline, self.heartbeat.silent_until()) {
            (None, None) => handler.await,
            (Some(deadline), None) => tokio::time::timeout_at(deadline, handler)
                .await
                .map_err(|_| ExecutionError::timeout())?,
            (deadline, Some(_)) => {
                let mut handler = std::pin::pin!(handler);
                loop {
                    // Moved on by each beat.
                    let silent_until = self.heartbeat.silent_until().unwrap_or_else(Instant::now);
                    tokio::select! {
                        biased;
                        outcome = &mut handler => break outcome,
                        () = until(deadline) => return Err(ExecutionError::timeout()),
                        () = tokio::time::sleep_until(silent_until) => {
                            return Err(ExecutionError::heartbeat_timeout());
                        }
                        () = self.heartbeat.next() => {}
                    }
                }
            }
        };
        match outcome {
            Ok(result) => result.map_err(ExecutionError::from),
            Err(panic) => Err(panicked(panic.as_ref())),
        }
    }
}

/// Sleeps until `deadline`, or forever without one.
async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// `States.TaskFailed` for a handler that panicked with `panic`.
fn panicked(panic: &(dyn Any + Send)) -> ExecutionError {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(a panic payload that is not a string)");
    ExecutionError::new(
        names::TASK_FAILED,
        format!("The Task handler panicked: {message}"),
    )
}

/// The value of `TimeoutSecondsPath` or `HeartbeatSecondsPath` (`field`, reading
/// `path`): a positive integer, or `States.Runtime`.
pub fn seconds_from(value: &Value, field: &str, path: &str) -> Result<u64, ExecutionError> {
    match value.as_u64() {
        Some(seconds) if seconds > 0 => Ok(seconds),
        _ => Err(ExecutionError::runtime(format!(
            "The {field} parameter does not reference a valid positive integer: {path} == {value}"
        ))),
    }
}

#[cfg(test)]
mod tests;
