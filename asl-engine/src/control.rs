//! The control API: executions of any machine driven by name and ARN, without
//! knowing the compiled machine's type, as the Step Functions API drives them.
//!
//! An [`Engine`](crate::Engine) is generic over the machine it runs. A server that
//! answers `StartExecution`, `StopExecution` or `SendTaskSuccess` for whatever
//! machine a request names holds a [`Control`] instead: the store, and the engines of
//! the process as [`Runner`]s by machine name. Each call goes where it must:
//!
//! | call | goes to |
//! |---|---|
//! | [`Control::start`] | the runner of the machine named |
//! | [`Control::stop`], [`Control::redrive`], [`Control::wait`] | the runner of the execution's machine (from its stored record) |
//! | [`Control::describe`], [`Control::list`], [`Control::history`] | the store alone |
//! | [`Control::send_task_success`], [`Control::send_task_failure`], [`Control::send_task_heartbeat`] | the store (the outcome is recorded there first), then the state waiting for the token if it waits in this process |
//! | [`Control::get_activity_task`] | the activity tasks the engines of this control offer |
//!
//! A control without engines works from the store alone: it describes, lists and
//! answers callbacks, and the engine of another process sharing the store picks the
//! answers up (what `asl executions send-task-success` does).

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use asl_runtime::hooks::{ActivityTask, Boxed, Outcome};
use serde_json::Value;

use crate::callbacks::{ActivityQueue, TokenRegistry};
use crate::error::EngineError;
use crate::history::HistoryEvent;
use crate::machines::Machines;
use crate::store::{ExecutionRecord, ExecutionStatus, Store};

/// The engine of one machine, seen without the machine's type: what a [`Control`]
/// routes calls to. [`Engine`](crate::Engine) implements it; each call means what the
/// engine's method of the same name does. An execution is named by its ARN or, for
/// the machine's own executions, by its name.
pub trait Runner: Send + Sync {
    /// The name of the machine it runs.
    fn machine(&self) -> &str;

    /// `StartExecution`: starts execution `name` with `input`; its ARN.
    fn start<'a>(&'a self, name: &'a str, input: Value) -> Boxed<'a, Result<String, EngineError>>;

    /// Goes on with the running executions of the machine it does not run yet;
    /// how many.
    fn resume(&self) -> Result<usize, EngineError>;

    /// Waits until `execution` has ended; it as committed.
    fn wait<'a>(&'a self, execution: &'a str) -> Boxed<'a, Result<ExecutionRecord, EngineError>>;

    /// `StopExecution`: aborts `execution` with `error` and `cause`.
    fn stop<'a>(
        &'a self,
        execution: &'a str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Boxed<'a, Result<ExecutionRecord, EngineError>>;

    /// `RedriveExecution`: goes on with `execution` from the state it ended in; its
    /// ARN.
    fn redrive<'a>(&'a self, execution: &'a str) -> Boxed<'a, Result<String, EngineError>>;
}

/// The executions of one store and the engines of this process that run them,
/// driven without knowing the machines' types (see the [module](self)).
///
/// Engines join with [`Engine::with_control`](crate::Engine::with_control): they
/// checkpoint to the control's store, share its task tokens and activity tasks (so
/// that [`Control::send_task_success`] reaches a state waiting in any of them and
/// [`Control::get_activity_task`] takes a task any of them offers), and start
/// executions of each other (`states:startExecution`).
pub struct Control {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) tokens: Arc<TokenRegistry>,
    pub(crate) activities: Arc<ActivityQueue>,
    pub(crate) machines: Arc<Machines>,
    runners: RwLock<BTreeMap<String, Arc<dyn Runner>>>,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("store", &self.store)
            .field("machines", &self.machine_names())
            .finish()
    }
}

impl Control {
    /// A control over the executions in `store`, with no engine yet.
    pub fn new(store: Arc<dyn Store>) -> Control {
        Control {
            tokens: Arc::new(TokenRegistry::new(Arc::clone(&store))),
            activities: Arc::new(ActivityQueue::new(Arc::clone(&store))),
            machines: Arc::new(Machines::new()),
            runners: RwLock::new(BTreeMap::new()),
            store,
        }
    }

    /// The store the executions are kept in.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Routes the calls for executions of `runner`'s machine to it, in place of the
    /// runner registered for that machine before, if any.
    /// [`Engine::with_control`](crate::Engine::with_control) registers the engine it
    /// makes; a runner of another kind (one that hands the calls to another process)
    /// registers here.
    pub fn register(&self, runner: Arc<dyn Runner>) {
        let name = runner.machine().to_owned();
        self.runners
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(name, runner);
    }

    /// The names of the machines with a registered runner, in order.
    pub fn machine_names(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }

    /// Goes on with every running execution a previous process left, for every
    /// registered machine; how many.
    pub fn resume(&self) -> Result<usize, EngineError> {
        let runners: Vec<Arc<dyn Runner>> = self.read().values().cloned().collect();
        runners.iter().map(|runner| runner.resume()).sum()
    }

    /// `StartExecution`: starts execution `name` of `machine` (its name, or its
    /// state machine ARN) with `input`, and returns the execution's ARN once its
    /// start is committed; idempotent as [`Engine::start`](crate::Engine::start).
    /// A machine without a registered runner is
    /// [`EngineError::StateMachineDoesNotExist`].
    pub async fn start(
        &self,
        machine: &str,
        name: &str,
        input: Value,
    ) -> Result<String, EngineError> {
        self.runner(machine)?.start(name, input).await
    }

    /// `DescribeExecution`: `execution` (its ARN, or a name only one machine's
    /// executions have) as last committed. None is
    /// [`EngineError::DoesNotExist`]; a name several machines use,
    /// [`EngineError::AmbiguousName`].
    pub fn describe(&self, execution: &str) -> Result<ExecutionRecord, EngineError> {
        if is_arn(execution) {
            return stored(&*self.store, execution, execution);
        }
        let mut found = self.store.executions()?;
        found.retain(|record| record.identity.name == execution);
        match found.len() {
            0 => Err(EngineError::DoesNotExist(execution.to_owned())),
            1 => Ok(found.remove(0)),
            _ => Err(EngineError::AmbiguousName {
                name: execution.to_owned(),
                arns: found
                    .into_iter()
                    .map(|record| record.identity.arn)
                    .collect(),
            }),
        }
    }

    /// `ListExecutions`: the executions of `machine` (its name or ARN; every
    /// machine's when `None`) with `status` (any when `None`), in the order they
    /// started. A machine is listed from the store, registered or not.
    pub fn list(
        &self,
        machine: Option<&str>,
        status: Option<ExecutionStatus>,
    ) -> Result<Vec<ExecutionRecord>, EngineError> {
        list(&*self.store, machine.map(machine_name), status)
    }

    /// `GetExecutionHistory`: the history of `execution` (as for
    /// [`Control::describe`]), oldest event first.
    pub fn history(&self, execution: &str) -> Result<Vec<HistoryEvent>, EngineError> {
        let record = self.describe(execution)?;
        Ok(self.store.history(&record.identity.arn)?)
    }

    /// Waits until `execution` has ended and returns it as committed; one that no
    /// engine of this control runs is returned at once (see
    /// [`Engine::wait`](crate::Engine::wait)).
    pub async fn wait(&self, execution: &str) -> Result<ExecutionRecord, EngineError> {
        let record = self.describe(execution)?;
        match self.runner_of(&record) {
            Some(runner) => runner.wait(&record.identity.arn).await,
            None => Ok(record),
        }
    }

    /// `StopExecution`: aborts `execution` with `error` and `cause`, through the
    /// engine of its machine, and returns it once `ExecutionAborted` is committed.
    /// An execution that ended is returned as it is. A running one whose machine
    /// has no registered runner is [`EngineError::StateMachineDoesNotExist`].
    pub async fn stop(
        &self,
        execution: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<ExecutionRecord, EngineError> {
        let record = self.describe(execution)?;
        if record.position.status != ExecutionStatus::Running {
            return Ok(record);
        }
        let runner = self.runner(&record.identity.machine)?;
        runner.stop(&record.identity.arn, error, cause).await
    }

    /// `RedriveExecution`: goes on with `execution` from the state it ended in,
    /// through the engine of its machine (see
    /// [`Engine::redrive`](crate::Engine::redrive)); its ARN. A machine without a
    /// registered runner is [`EngineError::StateMachineDoesNotExist`].
    pub async fn redrive(&self, execution: &str) -> Result<String, EngineError> {
        let record = self.describe(execution)?;
        let runner = self.runner(&record.identity.machine)?;
        runner.redrive(&record.identity.arn).await
    }

    /// `GetActivityTask`: the next task of the activity `activity_arn` that an
    /// engine of this control offers, waiting up to `wait` for one (AWS long-polls
    /// 60 seconds); `None` when none came. Answer it with the `send_task_*` calls
    /// and its token.
    pub async fn get_activity_task(
        &self,
        activity_arn: &str,
        wait: Duration,
    ) -> Option<ActivityTask> {
        self.activities.next(activity_arn, wait).await
    }

    /// `SendTaskSuccess`: the task waiting for `token` succeeds with `output`. The
    /// outcome is committed to the store before this returns; a state waiting in an
    /// engine of this control gets it at once, one in another process sharing the
    /// store within a second. Errors as [`TokenRegistry::send`].
    pub fn send_task_success(&self, token: &str, output: Value) -> Result<(), EngineError> {
        self.tokens.send(token, Outcome::Success(output))
    }

    /// `SendTaskFailure`: the task waiting for `token` fails with `error` and
    /// `cause`, which its Retry and Catch see; recorded as
    /// [`Control::send_task_success`] does.
    pub fn send_task_failure(
        &self,
        token: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<(), EngineError> {
        self.tokens.send(token, Outcome::Failure { error, cause })
    }

    /// `SendTaskHeartbeat`: restarts the `HeartbeatSeconds` clock of the task
    /// waiting for `token`.
    pub fn send_task_heartbeat(&self, token: &str) -> Result<(), EngineError> {
        self.tokens.heartbeat(token)
    }

    /// The runner of `machine` (a name or an ARN).
    fn runner(&self, machine: &str) -> Result<Arc<dyn Runner>, EngineError> {
        self.read()
            .get(machine_name(machine))
            .cloned()
            .ok_or_else(|| EngineError::StateMachineDoesNotExist(machine.to_owned()))
    }

    /// The runner of the machine of `record`, if registered.
    fn runner_of(&self, record: &ExecutionRecord) -> Option<Arc<dyn Runner>> {
        self.read().get(&record.identity.machine).cloned()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Arc<dyn Runner>>> {
        self.runners
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Whether `execution` names an execution by ARN (a name cannot hold a `:`).
pub(crate) fn is_arn(execution: &str) -> bool {
    execution.contains(':')
}

/// The machine's name in `machine`, a name or a state machine ARN
/// (`arn:aws:states:<region>:<account>:stateMachine:<name>`).
fn machine_name(machine: &str) -> &str {
    machine
        .rsplit_once(":stateMachine:")
        .map_or(machine, |(_, name)| name)
}

/// Execution `arn` as stored; [`EngineError::DoesNotExist`] naming it `shown`.
pub(crate) fn stored(
    store: &dyn Store,
    arn: &str,
    shown: &str,
) -> Result<ExecutionRecord, EngineError> {
    store
        .execution(arn)?
        .ok_or_else(|| EngineError::DoesNotExist(shown.to_owned()))
}

/// The executions in `store` of `machine` (any when `None`) with `status` (any when
/// `None`), in the order they started.
pub(crate) fn list(
    store: &dyn Store,
    machine: Option<&str>,
    status: Option<ExecutionStatus>,
) -> Result<Vec<ExecutionRecord>, EngineError> {
    let mut executions = store.executions()?;
    executions.retain(|record| {
        machine.is_none_or(|machine| record.identity.machine == machine)
            && status.is_none_or(|status| record.position.status == status)
    });
    Ok(executions)
}
