//! The hooks a durable engine implements (the runtime's SPI): where the journal's
//! notes go ([`Notes`]), where callback Tasks wait for their tokens
//! ([`TaskTokens`]), where activity tasks are offered ([`Activities`]), and which
//! machines nested executions can start ([`Machines`]), which process of a
//! fleet runs a Distributed Map's child ([`Spread`]), and where an execution that
//! only waits goes meanwhile ([`Park`]). The runtime calls them
//! only under an engine; without one they cost nothing, and the runtime does no
//! file or network I/O of its own for them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::events::Events;
use crate::heartbeat::Heartbeat;

/// Where Distributed Map readers and writers find buckets when they are S3's (or an
/// S3-compatible store's) rather than a local directory: implemented where the
/// HTTP clients live (`asl-integrations`), installed with
/// [`install_object_store`](crate::storage::install_object_store). Calls block.
pub trait ObjectStore: Send + Sync + std::fmt::Debug {
    /// The contents of object `key` of `bucket`.
    fn get(&self, bucket: &str, key: &str) -> Result<Vec<u8>, String>;

    /// The objects of `bucket` whose keys start with `prefix`, in key order, as
    /// ListObjectsV2 describes them (`Etag`, `Key`, `LastModified`, `Size`,
    /// `StorageClass`).
    fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<Value>, String>;

    /// Writes `body` as object `key` of `bucket`.
    fn put(&self, bucket: &str, key: &str, body: Vec<u8>) -> Result<(), String>;
}

/// A boxed future, as the object-safe hooks a durable engine implements return.
pub type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where a durable engine keeps the journal's notes: keys and values as text.
pub trait Notes: Send + Sync + std::fmt::Debug {
    /// The note under `key`. One that cannot be read counts as absent: the work it
    /// would have saved runs again, as Tasks run at least once anyway.
    fn read(&self, key: &str) -> Option<String>;

    /// Writes `value` under `key`: the write is handed to the store when this is
    /// called, in order with checkpoints, and the future only waits until it is
    /// durable (or cannot be written, which costs only work again).
    fn write(&self, key: String, value: String) -> Boxed<'static, ()>;
}

/// What `SendTaskSuccess` or `SendTaskFailure` gave a token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// `SendTaskSuccess`: the Task's result.
    Success(Value),
    /// `SendTaskFailure`: the Task's error and cause.
    Failure {
        /// The error name.
        error: Option<String>,
        /// The cause.
        cause: Option<String>,
    },
}

/// What `GetActivityTask` hands a worker.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityTask {
    /// The token to answer with (`SendTaskSuccess`, `SendTaskFailure`,
    /// `SendTaskHeartbeat`).
    pub token: String,
    /// The Task's input.
    pub input: Value,
}

/// Where a durable engine keeps the task tokens its callback Tasks wait for.
pub trait TaskTokens: Send + Sync + std::fmt::Debug {
    /// The outcome recorded for `token`, if any (sent before a restart, or by
    /// another process).
    fn recorded(&self, token: &str) -> Option<Outcome>;

    /// Waits for the outcome of `token` in this process, its heartbeats going to
    /// `heartbeat`. A registration replaced by another drops the sender.
    fn register(&self, token: &str, heartbeat: Heartbeat) -> oneshot::Receiver<Outcome>;

    /// Forgets the registration of `token`: its state stopped waiting.
    fn forget(&self, token: &str);

    /// When the last heartbeat for `token` was sent, as the engine noted it.
    fn last_beat(&self, token: &str) -> Option<SystemTime>;
}

/// Where a durable engine offers activity tasks to workers.
pub trait Activities: Send + Sync + std::fmt::Debug {
    /// Whether the activity task of `token` was leased to a worker (before a
    /// restart): it is not offered again.
    fn leased(&self, token: &str) -> bool;

    /// Offers `task` to the workers of `activity` (its ARN); the worker that takes
    /// it records `ActivityStarted` in `events`.
    fn offer(&self, activity: &str, task: ActivityTask, events: Option<Arc<Events>>);

    /// Withdraws the offer of the task of `token`: its state stopped waiting.
    fn withdraw(&self, token: &str);
}

/// What a durable engine gives the Tasks of the executions it runs: where callback
/// Tasks wait for their tokens, where activity tasks are offered, and the machines
/// nested executions can start.
#[derive(Debug, Clone)]
pub struct Callbacks {
    /// Where task tokens wait.
    pub tokens: Arc<dyn TaskTokens>,
    /// Where activity tasks are offered.
    pub activities: Arc<dyn Activities>,
    /// The machines `states:startExecution` Tasks can start, if any.
    pub machines: Option<Arc<dyn Machines>>,
}

/// What a nested execution (`states:startExecution`) needs of the engine that runs
/// the child's machine.
pub trait Starter: Send + Sync {
    /// Starts execution `name` with `input`; one of that name that started before
    /// (the child a resumed parent started) counts as started.
    fn start<'a>(&'a self, name: &'a str, input: Value) -> Boxed<'a, Result<(), String>>;

    /// `{ExecutionArn, StartDate}` of execution `name`, as the Task without a
    /// suffix returns it.
    fn started(&self, name: &str) -> Result<Value, String>;

    /// Waits for execution `name` to end: whether it succeeded, and its
    /// `DescribeExecution` output (`Input` and `Output` parsed when `parsed`, as
    /// `.sync:2` returns them; as JSON text otherwise).
    fn ended<'a>(&'a self, name: &'a str, parsed: bool)
    -> Boxed<'a, Result<(bool, Value), String>>;
}

/// The state machines a durable engine can start nested executions of, by name.
pub trait Machines: Send + Sync + std::fmt::Debug {
    /// The engine of machine `name`, if there is one.
    fn starter(&self, name: &str) -> Option<Arc<dyn Starter>>;
}

/// A child execution of a Distributed Map, handed to [`Spread`]: what another
/// process running the same machine needs to run it as the parent's process would.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpreadChild {
    /// The ARN of the (top-level) execution whose Map runs it.
    pub parent: String,
    /// The name of that execution's state machine.
    pub state_machine: String,
    /// The Distributed Map state (state names are unique in a definition).
    pub map_state: String,
    /// The child execution's name.
    pub name: String,
    /// Its ARN: the key it is known by while it runs.
    pub arn: String,
    /// Its input.
    pub input: Value,
    /// The seed of the parent's random numbers, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// Where a durable engine runs the children of its Distributed Maps when several
/// processes share the work (a fleet on one database): any process that runs the
/// same machine may take a child, so a Map Run's children spread over all of them,
/// while the parent, which hands out at most `MaxConcurrency` at a time, bounds them
/// across the fleet.
pub trait Spread: Send + Sync + std::fmt::Debug {
    /// Runs `child` in whichever process takes it, and gives its outcome; `None` to
    /// run it in this process after all. Nothing is handed out until the future is
    /// first polled: the runtime drops it unpolled for a child whose output the
    /// parent's journal already holds.
    fn run(
        &self,
        child: SpreadChild,
    ) -> Option<Boxed<'static, Result<Value, crate::error::ExecutionError>>>;
}

/// Where a durable engine puts an execution that has nothing to do but wait (a Wait
/// state, a retry's backoff, a Task waiting for the outcome of its token) instead of
/// keeping it in memory: a timer in its store, which whichever process is alive
/// then fires, resuming the execution from what was committed (the state's entry,
/// the retry's note, the handler's answer). Only a top-level execution's own states
/// park; a Parallel branch or Map iteration waits among its siblings.
pub trait Park: Send + Sync + std::fmt::Debug {
    /// Parks the execution until `due`, which its journal or its last checkpoint
    /// already holds. With `awaiting`, a task token: until an outcome is sent for
    /// it, if that comes first; the engine refuses to park when one is recorded
    /// already, and one recorded later wakes the execution. Completes at once when
    /// it was not parked (the wait is short, or the store keeps no timers): the
    /// caller waits itself. When it was, never: the engine drops the run, and it
    /// goes on when due or answered.
    fn park(&self, due: SystemTime, awaiting: Option<&str>) -> Boxed<'static, ()>;
}
