//! What a Task handler is told about the Task it runs.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use serde_json::Value;

use crate::arn::{Resource, ResourceKind};
use crate::error::ExecutionError;
use crate::exec::Run;
use crate::heartbeat::Heartbeat;

/// What a handler is told about the Task it runs: the state, the Context object's
/// facts, the time left, and the heartbeat handle.
#[derive(Debug, Clone, Copy)]
pub struct TaskContext<'a> {
    state: &'static str,
    resource: &'static Resource,
    run: &'a Run,
    heartbeat: &'a Heartbeat,
    deadline: Option<Instant>,
}

impl<'a> TaskContext<'a> {
    /// The context of Task state `state` with `resource`, entered in `run`, without a
    /// time limit or a heartbeat (generated code makes the context of each attempt
    /// with [`Attempt::context`](super::Attempt::context)).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use asl_runtime::task::{Resource, TaskContext};
    /// use asl_runtime::{Execution, Run};
    ///
    /// static CHARGE: Resource =
    ///     Resource::lambda_function("arn:aws:lambda:us-east-1:123456789012:function:charge");
    /// let mut run = Run::new(Arc::new(Execution::new("Orders", None, serde_json::json!({}))));
    /// run.enter("Charge");
    /// let task = TaskContext::new("Charge", &CHARGE, &run);
    /// assert_eq!(task.resource(), "arn:aws:lambda:us-east-1:123456789012:function:charge");
    /// ```
    pub fn new(state: &'static str, resource: &'static Resource, run: &'a Run) -> TaskContext<'a> {
        TaskContext {
            state,
            resource,
            run,
            heartbeat: &Heartbeat::NONE,
            deadline: None,
        }
    }

    /// The same context, with the attempt's deadline and heartbeat.
    pub(super) fn limited(
        self,
        deadline: Option<Instant>,
        heartbeat: &'a Heartbeat,
    ) -> TaskContext<'a> {
        TaskContext {
            deadline,
            heartbeat,
            ..self
        }
    }

    /// The Task state's name.
    pub fn state_name(&self) -> &'static str {
        self.state
    }

    /// The Task state's `Resource`, as the definition writes it.
    pub fn resource(&self) -> &'static str {
        self.resource.arn()
    }

    /// What the Task state's `Resource` names, as the compiler classified it.
    pub fn resource_kind(&self) -> ResourceKind {
        self.resource.kind()
    }

    /// The Task state's `Resource`, classified.
    pub(crate) fn classified_resource(&self) -> &'static Resource {
        self.resource
    }

    /// `$$.State.RetryCount`: 0 on the first attempt.
    pub fn retry_count(&self) -> u32 {
        self.run.context().retry_count()
    }

    /// `$$.Task.Token`, for callback tasks.
    pub fn task_token(&self) -> Option<&str> {
        self.run.context().task_token()
    }

    /// The ARN of the execution the Task runs in (`$$.Execution.Id`; for a
    /// Distributed Map child under the durable engine, the top-level execution's).
    pub fn execution_arn(&self) -> String {
        let execution = self.run.execution();
        match execution.top_level() {
            Some(top) => top.to_owned(),
            None => execution.id(),
        }
    }

    /// In a TestState run: whether the secrets a connection adds to an HTTP
    /// Task's request may be shown (`revealSecrets`); `None` in an execution.
    pub fn inspects_http(&self) -> Option<bool> {
        self.run.probe().map(|probe| probe.setup().reveal_secrets)
    }

    /// In a TestState run: records the request an HTTP Task sent and the response
    /// it got (see [`crate::probe::Record::http`]).
    pub fn inspect_http(&self, request: Value, response: Value) {
        if let Some(probe) = self.run.probe() {
            probe.http_exchange(request, response);
        }
    }

    /// The ARN of the state machine the Task runs in (`$$.StateMachine.Id`).
    pub fn state_machine_arn(&self) -> String {
        self.run.execution().state_machine_id()
    }

    /// `$$.Execution.Name`.
    pub fn execution_name(&self) -> &str {
        self.run.execution().name()
    }

    /// A key naming this attempt of this Task in this execution:
    /// `<execution ARN>/<state>[<Map iteration indexes>]/<StateEntered id>/<retry
    /// count>`. Tasks run at least once: after a crash the durable engine runs again
    /// the Task that was in flight, with the same key, so a handler with side effects
    /// can use the key to make them once (an idempotency token for the services it
    /// calls).
    pub fn idempotency_key(&self) -> String {
        idempotency_key(self.run)
    }

    /// Where a callback task waits for its token (under the durable engine).
    pub(crate) fn callbacks(&self) -> Option<&'a super::Callbacks> {
        self.run
            .execution()
            .callbacks()
            .map(|callbacks| &**callbacks)
    }

    /// The heartbeat: when the state sets `HeartbeatSeconds`, call
    /// [`Heartbeat::beat`] at least that often, or the state fails with
    /// `States.Timeout`.
    pub fn heartbeat(&self) -> &'a Heartbeat {
        self.heartbeat
    }

    /// When this attempt times out (`TimeoutSeconds` after it started), on tokio's
    /// clock; `None` when it has no practical limit.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// When this attempt times out unless something comes first: its deadline or,
    /// sooner, the end of its `HeartbeatSeconds` since the last beat; `None` when
    /// it has no practical limit.
    pub(crate) fn times_out_at(&self) -> Option<Instant> {
        match (self.deadline, self.heartbeat.silent_until()) {
            (Some(deadline), Some(silent)) => Some(deadline.min(silent)),
            (deadline, silent) => deadline.or(silent),
        }
    }

    /// Whether this attempt began before a restart (or before the execution was
    /// parked) and goes on now.
    pub(crate) fn resumed(&self) -> bool {
        self.run.resumes_attempt()
    }

    /// Where the engine parks the execution while this Task only waits for its
    /// token's outcome: a top-level execution's own Task, under an engine that
    /// parks (see [`Park`](crate::hooks::Park)).
    pub(crate) fn park(&self) -> Option<&'a Arc<dyn crate::hooks::Park>> {
        self.run
            .execution()
            .park()
            .filter(|_| !self.run.in_branch())
    }

    /// Records that this attempt calls its handler with `argument` (`TaskScheduled`,
    /// `TaskStarted`) in the history of a durable execution.
    pub fn record_start(&self, argument: &Value) {
        if let Some(events) = self.events() {
            let region = self.run.execution().account().region();
            events.task_started(self.resource, region, argument);
        }
    }

    /// Records how this attempt ended (`TaskSucceeded` with the handler's result,
    /// `TaskFailed` or `TaskTimedOut`) in the history of a durable execution.
    pub fn record_end(&self, outcome: &Result<Value, ExecutionError>) {
        if let Some(events) = self.events() {
            events.task_ended(self.resource, outcome);
        }
    }

    /// Where this Task records its history events, under the durable engine.
    pub(crate) fn events(&self) -> Option<&Arc<crate::events::Events>> {
        self.run.events()
    }

    /// The execution's journal, under the durable engine.
    pub(crate) fn journal(&self) -> Option<&'a crate::journal::Journal> {
        self.run.execution().journal().map(|journal| &**journal)
    }

    /// The time this attempt has left before it times out, like Lambda's
    /// `getRemainingTimeInMillis`; `None` when it has no practical limit.
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|deadline| deadline.saturating_duration_since(Instant::now()))
    }
}

/// The [idempotency key](TaskContext::idempotency_key) of the attempt now running
/// in `run`.
pub(crate) fn idempotency_key(run: &Run) -> String {
    format!("{}/{}", run.entry_key(), run.context().retry_count())
}
