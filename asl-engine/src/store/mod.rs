//! Execution stores: where the durable [`Engine`](crate::Engine) checkpoints each
//! transition of each execution, and finds them again after a restart.
//!
//! A checkpoint is one atomic commit: the transition's history events and the
//! execution's new [`Position`] (its current state and data, the variables when
//! they changed, sequence number, and the outcome once it ended). Sequence numbers count the transitions of
//! one execution from 0 (its start); a store accepts checkpoint `n` only on top of
//! `n - 1`, so a transition can never be committed twice.
//!
//! Beside the checkpoints, a store keeps the outcomes sent to callback tasks, and
//! notes: what the [`Journal`](asl_runtime::journal::Journal) keeps of the work inside a
//! state (finished branches and iterations, retry progress).
//!
//! - [`MemoryStore`]: in the process, for tests and runs that need no durability.
//! - `SqliteStore` (crate `asl-store-sqlite`): an embedded SQLite database file, one
//!   writer thread committing many executions' transitions per transaction.
//! - `PostgresStore` (crate `asl-store-postgres`): a PostgreSQL database that many
//!   processes share, each owning the executions it runs under a lease.
//!
//! Every store passes the same conformance suite, `store::conformance` (feature
//! `test-util`).

#[cfg(any(test, feature = "test-util"))]
pub mod conformance;
mod memory;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::SystemTime;

use tokio::sync::oneshot;

pub use asl_runtime::clock::{from_unix_millis, unix_millis};
pub use memory::MemoryStore;

use crate::history::HistoryEvent;

/// An execution's status, as `DescribeExecution` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExecutionStatus {
    /// Not ended yet: resumed when the engine starts.
    Running,
    /// Ended with an output.
    Succeeded,
    /// Ended with an error.
    Failed,
    /// Ran past the machine's `TimeoutSeconds`.
    TimedOut,
    /// Stopped by `StopExecution`.
    Aborted,
}

impl ExecutionStatus {
    /// AWS's name: `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Running => "RUNNING",
            ExecutionStatus::Succeeded => "SUCCEEDED",
            ExecutionStatus::Failed => "FAILED",
            ExecutionStatus::TimedOut => "TIMED_OUT",
            ExecutionStatus::Aborted => "ABORTED",
        }
    }

    /// The status named `text` (see [`ExecutionStatus::as_str`]).
    pub fn parse(text: &str) -> Option<ExecutionStatus> {
        [
            ExecutionStatus::Running,
            ExecutionStatus::Succeeded,
            ExecutionStatus::Failed,
            ExecutionStatus::TimedOut,
            ExecutionStatus::Aborted,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

impl std::fmt::Display for ExecutionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// What never changes about an execution: written with its first checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    /// The execution ARN, the key of everything stored about it.
    pub arn: String,
    /// The state machine's name.
    pub machine: String,
    /// The execution's name.
    pub name: String,
    /// The execution input, as JSON text.
    pub input: String,
    /// When it started.
    pub start: SystemTime,
}

/// Where an execution stands after a transition.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    /// The transition's sequence number: 0 at the start, one more per transition.
    pub seq: u64,
    /// Running or how it ended.
    pub status: ExecutionStatus,
    /// The current state and its input (the generated state enum as JSON text,
    /// `{"<name>": <input>}`); once ended, the state that failed (what a redrive
    /// starts from), `None` after success.
    pub state: Option<String>,
    /// The top-level workflow variables as JSON text. In a [`Checkpoint`], only when
    /// its transition assigned some: `None` leaves the stored ones as they were (top-
    /// level variables are never unassigned), so that a checkpoint does not copy them
    /// again. Read back, the last ones written; `None` when none was ever assigned.
    pub variables: Option<String>,
    /// The id of the last history event.
    pub last_event_id: u64,
    /// The id of the current state's `StateEntered` event.
    pub entered_event_id: u64,
    /// When the current state was entered (Wait durations count from it).
    pub entered: SystemTime,
    /// When the execution ended.
    pub stop: Option<SystemTime>,
    /// The output as JSON text, once succeeded.
    pub output: Option<String>,
    /// The error, once failed, timed out or aborted.
    pub error: Option<String>,
    /// The cause, with the error.
    pub cause: Option<String>,
    /// How many times the execution was redriven (`$$.Execution.RedriveCount`).
    pub redrive_count: u32,
    /// When it was last redriven.
    pub redrive_date: Option<SystemTime>,
}

impl Position {
    /// Running at `state` (its text), entered at `entered` with event
    /// `entered_event_id`, the last event so far; not redriven.
    pub fn running(
        seq: u64,
        state: String,
        variables: Option<String>,
        entered_event_id: u64,
        entered: SystemTime,
    ) -> Position {
        Position {
            seq,
            status: ExecutionStatus::Running,
            state: Some(state),
            variables,
            last_event_id: entered_event_id,
            entered_event_id,
            entered,
            stop: None,
            output: None,
            error: None,
            cause: None,
            redrive_count: 0,
            redrive_date: None,
        }
    }
}

/// One transition to commit.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    /// The execution's ARN.
    pub arn: String,
    /// The execution's identity, on its first checkpoint (`position.seq == 0`) only.
    pub start: Option<Identity>,
    /// Where the execution stands after it.
    pub position: Position,
    /// The history events it adds.
    pub events: Vec<HistoryEvent>,
}

/// An execution as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionRecord {
    /// What never changes.
    pub identity: Identity,
    /// Its last committed position.
    pub position: Position,
}

/// What a first checkpoint found.
#[derive(Debug, Clone, PartialEq)]
pub enum Created {
    /// A new execution was stored (or, for later checkpoints, the transition was).
    New,
    /// An execution with that ARN already exists; nothing was written.
    Existing(Box<ExecutionRecord>),
}

/// The error a store's back end failed with, shared so that a [`StoreError`] can be
/// cloned (a poisoned store hands the same one to every caller).
pub type BackendError = std::sync::Arc<dyn std::error::Error + Send + Sync>;

/// What went wrong in a store.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// Checkpoint `seq` of `arn` does not follow the stored one: another writer runs
    /// the same execution, or the transition was already committed.
    #[error("checkpoint {seq} of {arn} does not follow the stored transition")]
    Conflict {
        /// The execution.
        arn: String,
        /// The refused sequence number.
        seq: u64,
    },
    /// A write of a process that no longer owns the execution: it lost its lease
    /// (paused or cut off past it) and another process took the execution over, so
    /// that it may never write for it again (a store shared by several processes).
    #[error("refused, this process lost its lease: {0}")]
    Fenced(String),
    /// The store could not be read, written or opened; the back end's error is the
    /// source.
    #[error("the execution store failed: {0}")]
    Backend(#[source] BackendError),
    /// An earlier write failed (a full disk, an fsync error): the store refuses
    /// every write since, rather than acknowledge or retry over lost data. What was
    /// committed before stays; the process should stop, and the next start recovers
    /// from it. The source is the write's error.
    #[error("the execution store can no longer write: {0}")]
    Poisoned(#[source] BackendError),
    /// What is stored cannot be read back as written.
    #[error("the execution store holds unreadable data: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// A [`StoreError::Backend`] with `error` as its source (any error, or a message).
    pub fn backend(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
        StoreError::Backend(BackendError::from(error.into()))
    }

    /// Whether the store is poisoned (see [`StoreError::Poisoned`]).
    pub fn is_poisoned(&self) -> bool {
        matches!(self, StoreError::Poisoned(_))
    }
}

impl PartialEq for StoreError {
    /// Errors of the same kind saying the same (back-end errors compared by their
    /// message).
    fn eq(&self, other: &StoreError) -> bool {
        match (self, other) {
            (
                StoreError::Conflict { arn, seq },
                StoreError::Conflict {
                    arn: other_arn,
                    seq: other_seq,
                },
            ) => arn == other_arn && seq == other_seq,
            (StoreError::Backend(a), StoreError::Backend(b))
            | (StoreError::Poisoned(a), StoreError::Poisoned(b)) => a.to_string() == b.to_string(),
            (StoreError::Corrupt(a), StoreError::Corrupt(b))
            | (StoreError::Fenced(a), StoreError::Fenced(b)) => a == b,
            _ => false,
        }
    }
}

/// Where executions are checkpointed.
///
/// Writes go through [`Store::commit`], which returns at once and acknowledges
/// through the [`Ack`] when the checkpoint is durable. A store that cannot write
/// (a full disk, an fsync error) becomes poisoned rather than acknowledge or retry
/// over lost data: that write and every one after it fail with
/// [`StoreError::Poisoned`], and the process decides to stop; the next start
/// recovers from what was committed.
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// Commits one transition (see [`Checkpoint`]).
    fn commit(&self, checkpoint: Checkpoint) -> Ack;

    /// The execution `arn`, if stored.
    fn execution(&self, arn: &str) -> Result<Option<ExecutionRecord>, StoreError>;

    /// All executions, in the order they started.
    fn executions(&self) -> Result<Vec<ExecutionRecord>, StoreError>;

    /// The history of execution `arn`, oldest event first.
    fn history(&self, arn: &str) -> Result<Vec<HistoryEvent>, StoreError>;

    /// Records the outcome `SendTaskSuccess` or `SendTaskFailure` gave a callback
    /// task's `token` (JSON text), durably, before it is acknowledged. `Ok(false)`:
    /// one was recorded for the token before, and nothing was written.
    fn record_callback(&self, token: &str, outcome: &str) -> Result<bool, StoreError>;

    /// The outcome recorded for `token`, if any.
    fn callback(&self, token: &str) -> Result<Option<String>, StoreError>;

    /// Writes `value` under `key` in the execution journal (see
    /// [`Journal`](asl_runtime::journal::Journal)), replacing what was there; acknowledged
    /// like a [`Store::commit`], once durable.
    fn note(&self, key: String, value: String) -> Ack;

    /// The value last written under `key` by [`Store::note`], if any.
    fn noted(&self, key: &str) -> Result<Option<String>, StoreError>;

    /// Every note whose key starts with `prefix`, as (key, value), in key order.
    fn notes_under(&self, prefix: &str) -> Result<Vec<(String, String)>, StoreError>;

    /// The checkpoints committed after `cursor` (0: from the first), in the order
    /// they were committed, at most `limit` of them: what follows every execution
    /// as it goes (metrics, execution logs, a live console) reads them.
    fn committed_after(&self, cursor: u64, limit: usize) -> Result<Vec<Committed>, StoreError>;

    /// Whether [`Store::park`] may park executions (a store shared by a fleet):
    /// without it the engine offers none, and a callback Task resumed after a
    /// restart calls its handler again (at least once); with it, the token a
    /// handler handed out is handed out for good, since parking and waking resume
    /// the Task too.
    fn parks(&self) -> bool {
        false
    }

    /// Parks the running execution `arn`, whose run has nothing to do until `due`
    /// but wait (its last checkpoint or note says so), so that its process may drop
    /// it: `Ok(true)` when the store now holds a timer that any process sharing the
    /// store fires when due, resuming the execution there. `Ok(false)` when it keeps
    /// no timers (a store of one process: the default), the wait is too short to be
    /// worth it, or this process no longer runs the execution; the run then waits
    /// in memory.
    ///
    /// With `awaiting`, the run waits for the outcome of that task token too: also
    /// `Ok(false)` when one is recorded already ([`Store::record_callback`]), and a
    /// store that parks must make that check and the timer one with each
    /// `record_callback`, so that an outcome is never recorded unseen by a run
    /// parking at that moment. Whoever records one then wakes the execution.
    fn park(&self, arn: &str, due: SystemTime, awaiting: Option<&str>) -> Parking {
        let _ = (arn, due, awaiting);
        Box::pin(std::future::ready(Ok(false)))
    }
}

/// What [`Store::park`] answers: whether the execution was parked.
pub type Parking = Pin<Box<dyn Future<Output = Result<bool, StoreError>> + Send>>;

/// The events one checkpoint added, as [`Store::committed_after`] reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct Committed {
    /// Where it stands among all commits: read on after it.
    pub cursor: u64,
    /// The execution's ARN.
    pub arn: String,
    /// The history events it added.
    pub events: Vec<HistoryEvent>,
}

/// The acknowledgement of a [`Store::commit`]: resolves once the checkpoint is
/// durable (or refused).
#[derive(Debug)]
pub struct Ack(oneshot::Receiver<Result<Created, StoreError>>);

impl Ack {
    /// An acknowledgement and the sender that resolves it.
    pub fn channel() -> (oneshot::Sender<Result<Created, StoreError>>, Ack) {
        let (sender, receiver) = oneshot::channel();
        (sender, Ack(receiver))
    }

    /// An acknowledgement already resolved with `result`.
    pub fn ready(result: Result<Created, StoreError>) -> Ack {
        let (sender, ack) = Ack::channel();
        // The receiver is alive: it is in `ack`.
        let _ = sender.send(result);
        ack
    }
}

impl Future for Ack {
    type Output = Result<Created, StoreError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|received| {
            received.unwrap_or_else(|_| {
                Err(StoreError::backend(
                    "the store's writer stopped before acknowledging",
                ))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_memory_store_conforms() {
        super::conformance::check(super::MemoryStore::new).await;
    }
}
