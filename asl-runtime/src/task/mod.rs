//! What Task handlers receive and return, how one attempt at a Task is run (time
//! limits, heartbeats, panics), and the dynamic route that binds Task states to
//! handlers chosen at run time (command, HTTP ...).
//!
//! # Cancellation
//!
//! When an attempt runs out of time (`TimeoutSeconds`, a missed heartbeat, or the
//! machine's own `TimeoutSeconds`), its handler's future is dropped at the `.await`
//! it is suspended on; it is never polled again. A handler is cancel-safe when
//! dropping it there leaves nothing half done that a retry would trip over: keep
//! side effects idempotent (the attempt may be retried), release what you hold with
//! `Drop` guards rather than code after an `.await`, and do not rely on a spawned
//! task being stopped with the handler (abort it from a guard, or give it a
//! deadline from [`TaskContext::remaining`]). Blocking work moved to
//! `spawn_blocking` runs to its end; bound it by the deadline yourself.

mod attempt;
pub mod callback;
mod context;
mod error;
pub mod nested;

use std::future::Future;

use serde_json::Value;

pub use crate::arn::{IntegrationPattern, Resource, ResourceKind};
pub use crate::heartbeat::Heartbeat;
pub use crate::hooks::{ActivityTask, Callbacks, Outcome};
pub use attempt::{Attempt, DEFAULT_TIMEOUT_SECONDS, seconds_from};
pub use context::TaskContext;
pub(crate) use context::idempotency_key;
pub use error::TaskError;

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

/// Adapts a [`Dispatch`] to a generated `Tasks` trait.
#[derive(Debug, Clone, Default)]
pub struct Dynamic<D>(pub D);
