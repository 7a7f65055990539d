//! What a Distributed Map's run shows while it runs and after it ended
//! (DescribeMapRun, ListMapRuns, ListExecutions of its child executions), and
//! the settings UpdateMapRun changes while it runs.
//!
//! Under the durable engine the run is noted in the execution's store as it goes:
//! its record under [`record_key`], an index entry under [`index_key`] for the
//! execution's list, and one entry per child execution under [`child_key`]. The
//! record is rewritten at most every [`PUBLISH_EVERY`] while children end, and at
//! once when the run starts, ends or is updated.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Notify;

use super::Tolerance;
use crate::error::{ExecutionError, names};
use crate::journal::Journal;

/// How often, at most, a running Map Run's record is rewritten as its children end.
pub const PUBLISH_EVERY: Duration = Duration::from_millis(250);

/// The note holding the record of Map Run `map_run_arn`.
pub fn record_key(map_run_arn: &str) -> String {
    format!("map-run:{map_run_arn}")
}

/// The note listing Map Run `map_run_arn` among the runs of `execution_arn`; the
/// keys under [`index_prefix`] of the execution, in the order the runs started.
pub fn index_key(execution_arn: &str, started_ms: i64, map_run_arn: &str) -> String {
    format!(
        "{}{started_ms:015}:{map_run_arn}",
        index_prefix(execution_arn)
    )
}

/// The common start of the [`index_key`]s of `execution_arn`'s Map Runs.
pub fn index_prefix(execution_arn: &str) -> String {
    format!("map-runs:{execution_arn}:")
}

/// The note of child execution `index` of Map Run `map_run_arn`.
pub fn child_key(map_run_arn: &str, index: usize) -> String {
    format!("{}{index:010}", child_prefix(map_run_arn))
}

/// The common start of the [`child_key`]s of `map_run_arn`, in child order.
pub fn child_prefix(map_run_arn: &str) -> String {
    format!("map-run-child:{map_run_arn}:")
}

/// A Map Run's or a child execution's status, as AWS names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Still running.
    Running,
    /// Ended well.
    Succeeded,
    /// Ended with an error.
    Failed,
    /// A child that ran past its time (`States.Timeout`).
    TimedOut,
    /// Stopped from outside: the execution was stopped, or the Map failed first.
    Aborted,
}

impl Status {
    /// The AWS name (`RUNNING`, `SUCCEEDED` ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }

    /// How an iteration that ended with `outcome` ended.
    fn of<T>(outcome: &Result<T, ExecutionError>) -> Status {
        match outcome {
            Ok(_) => Status::Succeeded,
            Err(error) if error.error.as_deref() == Some(names::TIMEOUT) => Status::TimedOut,
            Err(_) => Status::Failed,
        }
    }
}

/// Items or child executions of a Map Run, by status (`MapRunItemCounts`,
/// `MapRunExecutionCounts`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Not started yet.
    pub pending: u64,
    /// Running.
    pub running: u64,
    /// Ended well.
    pub succeeded: u64,
    /// Ended with an error.
    pub failed: u64,
    /// Ran past their time.
    pub timed_out: u64,
    /// Stopped from outside.
    pub aborted: u64,
    /// All of them, as far as they are known (a reader's items are counted as
    /// they are read).
    pub total: u64,
    /// Written by a ResultWriter.
    pub results_written: u64,
}

impl Counts {
    fn slot(&mut self, status: Status) -> &mut u64 {
        match status {
            Status::Running => &mut self.running,
            Status::Succeeded => &mut self.succeeded,
            Status::Failed => &mut self.failed,
            Status::TimedOut => &mut self.timed_out,
            Status::Aborted => &mut self.aborted,
        }
    }

    /// Moves `count` from `from` (`None`: pending) to `to`. Started ones that were
    /// not counted pending (a reader's, a batch's) join the total.
    fn moved(&mut self, from: Option<Status>, to: Status, count: u64) {
        match from {
            None => self.pending = self.pending.saturating_sub(count),
            Some(status) => {
                let slot = self.slot(status);
                *slot = slot.saturating_sub(count);
            }
        }
        *self.slot(to) += count;
        self.total = self.total.max(self.sum());
    }

    /// All counted, in any status.
    fn sum(&self) -> u64 {
        self.pending + self.running + self.succeeded + self.failed + self.timed_out + self.aborted
    }
}

/// What is noted of a Map Run (DescribeMapRun's members).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// Its ARN.
    pub map_run_arn: String,
    /// The execution whose Map state started it.
    pub execution_arn: String,
    /// The ARN its child executions name as their state machine
    /// (`stateMachine:<machine>/<label>`).
    pub state_machine_arn: String,
    /// Its status.
    pub status: Status,
    /// When it started, in milliseconds since the epoch.
    pub start_ms: i64,
    /// When it ended.
    pub stop_ms: Option<i64>,
    /// `MaxConcurrency` (0: no limit).
    pub max_concurrency: u64,
    /// `ToleratedFailurePercentage` (0 when not set).
    pub tolerated_failure_percentage: f64,
    /// `ToleratedFailureCount` (0 when not set).
    pub tolerated_failure_count: u64,
    /// Items by status.
    pub item_counts: Counts,
    /// Child executions by status.
    pub execution_counts: Counts,
}

/// What is noted of one child execution of a Map Run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Child {
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub execution_arn: String,
    /// Its status.
    pub status: Status,
    /// When it started.
    pub start_ms: i64,
    /// When it ended.
    pub stop_ms: Option<i64>,
    /// How many items it runs (a batch's, or one).
    pub items: u64,
}

/// Why [`update`] changed nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No Map Run of that ARN runs in this process.
    Unknown,
    /// The Map Run has ended.
    Ended,
}

/// UpdateMapRun's changes; `None` leaves a setting as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Update {
    /// A new `MaxConcurrency` (0: no limit).
    pub max_concurrency: Option<u64>,
    /// A new `ToleratedFailurePercentage`, 0 to 100.
    pub tolerated_failure_percentage: Option<f64>,
    /// A new `ToleratedFailureCount`.
    pub tolerated_failure_count: Option<u64>,
}

/// The Map Runs running in this process, by ARN.
static LIVE: LazyLock<Mutex<HashMap<String, Weak<Progress>>>> = LazyLock::new(Mutex::default);

/// UpdateMapRun: changes the settings of the Map Run `map_run_arn` running in this
/// process. A higher `MaxConcurrency` starts children at once; a tolerance takes
/// effect at the next child that ends.
pub fn update(map_run_arn: &str, update: Update) -> Result<(), Refused> {
    let progress = lock(&LIVE)
        .get(map_run_arn)
        .and_then(Weak::upgrade)
        .ok_or(Refused::Unknown)?;
    progress.update(update)
}

/// The live state of one Map Run: its settings, which UpdateMapRun may change, and
/// its counts, noted in the journal as they change.
#[derive(Debug)]
pub struct Progress {
    /// Itself, for the task that notes a change held back by [`PUBLISH_EVERY`].
    me: Weak<Progress>,
    state: Mutex<State>,
    changed: Notify,
    journal: Option<Arc<Journal>>,
    /// Whether each child runs a batch (an `ItemBatcher`), whose items are counted
    /// one by one.
    batched: bool,
}

#[derive(Debug)]
struct State {
    record: Record,
    tolerance: Tolerance,
    published: Option<Instant>,
    /// Whether a change waits to be noted.
    held: bool,
}

impl Progress {
    /// A Map Run starting now, registered so that [`update`] finds it, with its
    /// record noted in `journal` (when there is one).
    pub(super) fn start(
        record: Record,
        tolerance: Tolerance,
        batched: bool,
        journal: Option<Arc<Journal>>,
    ) -> Arc<Progress> {
        if let Some(journal) = &journal {
            journal.send(
                index_key(&record.execution_arn, record.start_ms, &record.map_run_arn),
                String::new(),
            );
        }
        let arn = record.map_run_arn.clone();
        let progress = Arc::new_cyclic(|me| Progress {
            me: Weak::clone(me),
            state: Mutex::new(State {
                record,
                tolerance,
                published: None,
                held: false,
            }),
            changed: Notify::new(),
            journal,
            batched,
        });
        let mut live = lock(&LIVE);
        live.retain(|_, progress| progress.strong_count() > 0);
        live.insert(arn, Arc::downgrade(&progress));
        drop(live);
        progress.publish(&mut progress.lock(), true);
        progress
    }

    /// The most children to run at once for `total` known items.
    pub(super) fn limit(&self, total: Option<usize>) -> usize {
        super::limit(self.lock().record.max_concurrency, total)
    }

    /// The tolerated failures, as last set.
    pub(super) fn tolerance(&self) -> Tolerance {
        self.lock().tolerance
    }

    /// Resolves when the settings change.
    pub(super) async fn changed(&self) {
        self.changed.notified().await
    }

    /// Counts `total` more items known (an array's all at once, a reader's as read).
    pub fn items_known(&self, total: u64) {
        let mut state = self.lock();
        let record = &mut state.record;
        record.item_counts.total += total;
        record.item_counts.pending += total;
        // Unbatched, each item is a child execution.
        if !self.batched {
            record.execution_counts.total += total;
            record.execution_counts.pending += total;
        }
        self.publish(&mut state, false);
    }

    /// How many items a child given `input` runs: its batch's, or one.
    pub fn items_in(&self, input: &Value) -> u64 {
        if !self.batched {
            return 1;
        }
        input
            .get("Items")
            .and_then(Value::as_array)
            .map_or(1, |items| items.len() as u64)
    }

    /// Runs child execution `index` (of `items` items, named `name`, with ARN
    /// `arn`) as `child`, counting it running and then by how it ended; a child dropped
    /// before it ends (the Map failed or the execution was stopped) counts as
    /// aborted.
    pub async fn child<F>(
        &self,
        index: usize,
        name: String,
        arn: String,
        items: u64,
        child: F,
    ) -> Result<Value, ExecutionError>
    where
        F: Future<Output = Result<Value, ExecutionError>>,
    {
        let mut noted = Child {
            name,
            execution_arn: arn,
            status: Status::Running,
            start_ms: now_millis(),
            stop_ms: None,
            items,
        };
        self.moved(index, &noted, None, items);
        let mut guard = ChildGuard {
            progress: self,
            index,
            child: Some(noted.clone()),
            items,
        };
        let outcome = child.await;
        guard.child = None;
        noted.status = Status::of(&outcome);
        noted.stop_ms = Some(now_millis());
        self.moved(index, &noted, Some(Status::Running), items);
        outcome
    }

    /// Counts `count` results written by the ResultWriter.
    pub fn results_written(&self, count: u64) {
        let mut state = self.lock();
        state.record.item_counts.results_written += count;
        state.record.execution_counts.results_written += count;
        self.publish(&mut state, false);
    }

    /// The run ended with `outcome`: its status and stop date, noted at once.
    pub fn end<T>(&self, outcome: &Result<T, ExecutionError>) {
        self.finish(match outcome {
            Ok(_) => Status::Succeeded,
            Err(_) => Status::Failed,
        });
    }

    /// Ends the run as `status`, unless it ended before.
    pub(super) fn finish(&self, status: Status) {
        let mut state = self.lock();
        if state.record.status != Status::Running {
            return;
        }
        state.record.status = status;
        state.record.stop_ms = Some(now_millis());
        self.publish(&mut state, true);
    }

    fn update(&self, update: Update) -> Result<(), Refused> {
        let mut state = self.lock();
        if state.record.status != Status::Running {
            return Err(Refused::Ended);
        }
        if let Some(max_concurrency) = update.max_concurrency {
            state.record.max_concurrency = max_concurrency;
        }
        if let Some(percentage) = update.tolerated_failure_percentage {
            state.record.tolerated_failure_percentage = percentage;
            state.tolerance.percentage = Some(percentage);
        }
        if let Some(count) = update.tolerated_failure_count {
            state.record.tolerated_failure_count = count;
            state.tolerance.count = Some(count);
        }
        self.publish(&mut state, true);
        drop(state);
        self.changed.notify_waiters();
        Ok(())
    }

    /// Child `index` moved from `from` (`None`: pending) to `child.status`.
    fn moved(&self, index: usize, child: &Child, from: Option<Status>, items: u64) {
        let mut state = self.lock();
        let record = &mut state.record;
        record.execution_counts.moved(from, child.status, 1);
        record.item_counts.moved(from, child.status, items);
        if let Some(journal) = &self.journal
            && let Ok(text) = serde_json::to_string(child)
        {
            journal.send(child_key(&record.map_run_arn, index), text);
        }
        // The last child running ended: the record shows it at once.
        let idle = from.is_some() && record.execution_counts.running == 0;
        self.publish(&mut state, idle);
    }

    /// Notes the record when `now`, or when the last note is older than
    /// [`PUBLISH_EVERY`]; otherwise once it is, so the last change is always noted.
    fn publish(&self, state: &mut State, now: bool) {
        let Some(journal) = &self.journal else {
            return;
        };
        let wait = match state.published {
            Some(published) if !now => PUBLISH_EVERY.saturating_sub(published.elapsed()),
            _ => Duration::ZERO,
        };
        if !wait.is_zero() {
            if !state.held
                && let Ok(runtime) = tokio::runtime::Handle::try_current()
            {
                state.held = true;
                let me = Weak::clone(&self.me);
                runtime.spawn(async move {
                    tokio::time::sleep(wait).await;
                    if let Some(progress) = me.upgrade() {
                        let mut state = progress.lock();
                        if state.held {
                            progress.publish(&mut state, true);
                        }
                    }
                });
            }
            return;
        }
        state.held = false;
        state.published = Some(Instant::now());
        if let Ok(text) = serde_json::to_string(&state.record) {
            journal.send(record_key(&state.record.map_run_arn), text);
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl Drop for Progress {
    /// A run dropped while running was stopped from outside.
    fn drop(&mut self) {
        self.finish(Status::Aborted);
    }
}

/// Counts a child dropped before it ended as aborted.
struct ChildGuard<'a> {
    progress: &'a Progress,
    index: usize,
    child: Option<Child>,
    items: u64,
}

impl Drop for ChildGuard<'_> {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.status = Status::Aborted;
            child.stop_ms = Some(now_millis());
            self.progress
                .moved(self.index, &child, Some(Status::Running), self.items);
        }
    }
}

/// Now, in milliseconds since the epoch.
pub(super) fn now_millis() -> i64 {
    crate::clock::unix_millis(SystemTime::now())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
