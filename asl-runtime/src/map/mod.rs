//! Map states: the items, the values of `MaxConcurrencyPath` and the tolerated
//! failure fields, and running the iterations with at most `MaxConcurrency` in
//! flight.

pub mod batcher;
pub mod progress;
pub mod reader;
pub mod writer;

use std::future::Future;
use std::sync::Arc;
use std::time::SystemTime;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use serde_json::Value;

use crate::arn::Account;
pub use crate::context::ExecutionType;
use crate::error::{ExecutionError, names};
use crate::events::details::{Details, EventType, Failure, MapRunStarted};
use crate::exec::Run;

/// The items a Map iterates over: the array `ItemsPath` (`path`) selected, or the
/// values of an object (whose keys are `$$.Map.Item.Key`, see [`item_keys`]).
pub fn items(value: Value, path: &str) -> Result<Vec<Value>, ExecutionError> {
    match value {
        Value::Array(items) => Ok(items),
        Value::Object(members) => Ok(members.into_iter().map(|(_, value)| value).collect()),
        other => Err(ExecutionError::runtime(format!(
            "The ItemsPath field refers to value \"{}\" which is not a valid array: {path}",
            text(&other)
        ))),
    }
}

/// The keys of the object ItemsPath selected, in order; `None` for an array.
pub fn item_keys(value: &Value) -> Option<Vec<String>> {
    value
        .as_object()
        .map(|members| members.keys().cloned().collect())
}

/// `$$.Map.Item.Key` of the item at `index`, read by template field `key` at `path`:
/// the item's key when the items are an object's members. For array items the path
/// misses, as any path into the Context object that names nothing.
pub fn item_key(
    keys: Option<&[String]>,
    index: usize,
    path: &str,
    key: &str,
) -> Result<Value, ExecutionError> {
    match keys.and_then(|keys| keys.get(index)) {
        Some(name) => Ok(Value::String(name.clone())),
        None => Err(crate::path::errors::not_found(
            path,
            key,
            &crate::context::map_item(index, Value::Null),
        )),
    }
}

/// The value of a count's `...Path` field (`field`, reading `path`:
/// `MaxConcurrencyPath`, `MaxItemsPath`, `MaxItemsPerBatchPath` ...): an integer
/// of at least 0.
pub fn count_from(value: &Value, field: &str, path: &str) -> Result<u64, ExecutionError> {
    value
        .as_u64()
        .ok_or_else(|| not_valid(field, value, "integer", path))
}

/// The value of `ToleratedFailureCountPath` (`path`): an integer of at least 0.
pub fn tolerated_count_from(value: &Value, path: &str) -> Result<u64, ExecutionError> {
    match value.as_i64() {
        Some(count) if count < 0 => Err(ExecutionError::runtime(
            "ToleratedFailureCount cannot be negative.",
        )),
        Some(count) => Ok(count.unsigned_abs()),
        None => value
            .as_u64()
            .ok_or_else(|| not_valid("ToleratedFailureCountPath", value, "integer", path)),
    }
}

/// The value of `ToleratedFailurePercentagePath` (`path`): a number from 0 to 100.
pub fn tolerated_percentage_from(value: &Value, path: &str) -> Result<f64, ExecutionError> {
    let percentage = value
        .as_f64()
        .ok_or_else(|| not_valid("ToleratedFailurePercentagePath", value, "float", path))?;
    if !(0.0..=100.0).contains(&percentage) {
        return Err(ExecutionError::runtime(
            "ToleratedFailurePercentage must be between 0 and 100.",
        ));
    }
    Ok(percentage)
}

/// `The <field> field refers to value "<value>" which is not a valid <kind>: <path>`,
/// as AWS words it.
fn not_valid(field: &str, value: &Value, kind: &str, path: &str) -> ExecutionError {
    ExecutionError::runtime(format!(
        "The {field} field refers to value \"{}\" which is not a valid {kind}: {path}",
        text(value)
    ))
}

/// A value as AWS quotes it in those causes: a string's text, other values' JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// How many iterations may fail before the Map does
/// (`ToleratedFailureCount`, `ToleratedFailurePercentage`); none by default.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tolerance {
    /// `ToleratedFailureCount`.
    pub count: Option<u64>,
    /// `ToleratedFailurePercentage`, 0 to 100.
    pub percentage: Option<f64>,
}

impl Tolerance {
    /// Whether a threshold is set: without one, the first failure fails the Map
    /// with the iteration's own error.
    fn is_set(&self) -> bool {
        self.count.is_some() || self.percentage.is_some()
    }

    /// Whether `failed` failures out of `total` iterations pass either threshold.
    fn exceeded(&self, failed: usize, total: usize) -> bool {
        let over_count = self.count.is_some_and(|count| failed as u64 > count);
        let over_percentage = self
            .percentage
            .is_some_and(|percentage| failed as f64 * 100.0 > percentage * total as f64);
        over_count || over_percentage
    }
}

/// An iteration (or child execution) that ended.
#[derive(Debug)]
pub struct Finished {
    /// The item's (or batch's) position, from 0.
    pub index: usize,
    /// The iteration's input as JSON text, when kept for a ResultWriter.
    pub input: Option<String>,
    /// When it started.
    pub started: SystemTime,
    /// Its output or error. A tolerated failure is still an error here.
    pub outcome: Result<Value, ExecutionError>,
}

/// Runs the iterations of a Map state entry: at most `max_concurrency` at a time
/// (0: no limit for `total` known items, 10,000 otherwise, as AWS runs a Distributed
/// Map), failing past `tolerance`, with `keep_inputs` saving each input for
/// [`Finished::input`].
#[derive(Debug, Clone)]
pub struct Runner {
    /// `MaxConcurrency`.
    pub max_concurrency: u64,
    /// `ToleratedFailureCount` / `Percentage`.
    pub tolerance: Tolerance,
    /// Whether the inputs are kept (for a ResultWriter's records).
    pub keep_inputs: bool,
    /// A Distributed Map's run, whose settings (which UpdateMapRun may change)
    /// replace `max_concurrency` and `tolerance`; see [`MapRun::govern`].
    pub live: Option<Arc<progress::Progress>>,
}

/// The iterations of a Map that ended so far, and how many of them failed.
#[derive(Debug, Default)]
struct Tally {
    count: usize,
    failed: usize,
}

impl Tally {
    /// Counts an iteration that ended with `outcome`, out of `total` (when known):
    /// its own error when there is no `tolerance`, `States.ExceedToleratedFailureThreshold`
    /// once the failures are past it.
    fn count(
        &mut self,
        tolerance: Tolerance,
        total: Option<usize>,
        outcome: &Result<Value, ExecutionError>,
    ) -> Result<(), ExecutionError> {
        self.count += 1;
        let Err(error) = outcome else {
            return Ok(());
        };
        if !tolerance.is_set() {
            return Err(error.clone());
        }
        self.failed += 1;
        let over = match total {
            Some(total) => tolerance.exceeded(self.failed, total),
            None => tolerance
                .count
                .is_some_and(|count| self.failed as u64 > count),
        };
        if over {
            return Err(threshold_exceeded());
        }
        Ok(())
    }

    /// Whether the failures, once all iterations ended, are past `tolerance`.
    fn end(&self, tolerance: Tolerance) -> Result<(), ExecutionError> {
        if tolerance.exceeded(self.failed, self.count) {
            return Err(threshold_exceeded());
        }
        Ok(())
    }
}

/// The most child executions a Distributed Map runs at once when MaxConcurrency
/// is 0.
const DISTRIBUTED_CONCURRENCY: usize = 10_000;

/// The most iterations of a Map to run at once: `max_concurrency`, or when it is 0
/// all `total` known items, 10,000 otherwise (as AWS runs a Distributed Map).
fn limit(max_concurrency: u64, total: Option<usize>) -> usize {
    match usize::try_from(max_concurrency) {
        Ok(0) | Err(_) => total.map_or(DISTRIBUTED_CONCURRENCY, |total| total.max(1)),
        Ok(limit) => limit,
    }
}

impl Runner {
    /// Runs `iteration` on each of `inputs` (whose number is `total`, when known)
    /// and hands each ending to `done`, in the order they end.
    ///
    /// Iterations run concurrently within the calling task; only the running ones
    /// (and the next input) are held, so a reader of any length runs in bounded
    /// memory. An input that could not be read fails the Map with its error. The
    /// first failure past the tolerance fails the Map and drops (cancels) the
    /// iterations still running: with no tolerance, the iteration's own error;
    /// otherwise `States.ExceedToleratedFailureThreshold`.
    pub async fn each<I, F, Fut, D>(
        &self,
        inputs: I,
        total: Option<usize>,
        iteration: F,
        mut done: D,
    ) -> Result<(), ExecutionError>
    where
        I: Iterator<Item = Result<Value, ExecutionError>>,
        F: Fn(usize, Value) -> Fut,
        Fut: Future<Output = Result<Value, ExecutionError>>,
        D: FnMut(Finished) -> Result<(), ExecutionError>,
    {
        let keep_inputs = self.keep_inputs;
        let start = |(index, input): (usize, Result<Value, ExecutionError>)| {
            let iteration = &iteration;
            async move {
                let input = input?;
                let text = keep_inputs.then(|| input.to_string());
                let started = SystemTime::now();
                let outcome = iteration(index, input).await;
                Ok::<_, ExecutionError>(Finished {
                    index,
                    input: text,
                    started,
                    outcome,
                })
            }
        };
        let mut inputs = inputs.enumerate();
        let mut exhausted = false;
        let mut running = FuturesUnordered::new();
        let mut tally = Tally::default();
        loop {
            let limit = self.limit(total);
            while !exhausted && running.len() < limit {
                match inputs.next() {
                    Some(next) => running.push(start(next)),
                    None => exhausted = true,
                }
            }
            let finished = match &self.live {
                // A new MaxConcurrency starts more at once.
                Some(live) => tokio::select! {
                    finished = running.next() => finished,
                    () = live.changed() => continue,
                },
                None => running.next().await,
            };
            let Some(finished) = finished else {
                break;
            };
            let finished = finished?;
            tally.count(self.tolerance(), total, &finished.outcome)?;
            done(finished)?;
        }
        tally.end(self.tolerance())
    }

    /// The most iterations to run at once, for `total` known items.
    fn limit(&self, total: Option<usize>) -> usize {
        match &self.live {
            Some(live) => live.limit(total),
            None => limit(self.max_concurrency, total),
        }
    }

    /// The tolerated failures, as last set.
    fn tolerance(&self) -> Tolerance {
        match &self.live {
            Some(live) => live.tolerance(),
            None => self.tolerance,
        }
    }

    /// [`Runner::collect`] for iterations that end at once, with no future (see
    /// [`exec::Iterations`](crate::exec::Iterations)): run one after the
    /// other, in item order, as the concurrent ones would end. Fails as
    /// [`Runner::each`] does.
    pub fn collect_now<F>(
        &self,
        inputs: Vec<Value>,
        mut iteration: F,
    ) -> Result<Vec<Value>, ExecutionError>
    where
        F: FnMut(usize, Value) -> Result<Value, ExecutionError>,
    {
        let total = inputs.len();
        let mut tally = Tally::default();
        let outputs = inputs
            .into_iter()
            .enumerate()
            .map(|(index, input)| {
                let outcome = iteration(index, input);
                tally.count(self.tolerance, Some(total), &outcome)?;
                Ok(outcome.unwrap_or_else(|error| error.to_output()))
            })
            .collect::<Result<Vec<Value>, ExecutionError>>()?;
        tally.end(self.tolerance)?;
        Ok(outputs)
    }

    /// [`Runner::each`] over items in memory, giving the outputs in item order; a
    /// tolerated failure leaves its error output (`{"Error", "Cause"}`) in place.
    pub async fn collect<F, Fut>(
        &self,
        inputs: Vec<Value>,
        iteration: F,
    ) -> Result<Vec<Value>, ExecutionError>
    where
        F: Fn(usize, Value) -> Fut,
        Fut: Future<Output = Result<Value, ExecutionError>>,
    {
        let total = inputs.len();
        let mut outputs = vec![Value::Null; total];
        self.each(
            inputs.into_iter().map(Ok),
            Some(total),
            iteration,
            |finished| {
                outputs[finished.index] =
                    finished.outcome.unwrap_or_else(|error| error.to_output());
                Ok(())
            },
        )
        .await?;
        Ok(outputs)
    }

    /// [`Runner::each`] for a `WriterConfig` without storage: the results in item
    /// order, as `transformation` shapes them (records, outputs, or flattened
    /// outputs).
    pub async fn transformed<F, Fut>(
        &self,
        inputs: reader::Items<'_>,
        map_run: &MapRun,
        transformation: writer::Transformation,
        iteration: F,
    ) -> Result<Vec<Value>, ExecutionError>
    where
        F: Fn(usize, Value) -> Fut,
        Fut: Future<Output = Result<Value, ExecutionError>>,
    {
        let mut results: Vec<Vec<Value>> = Vec::new();
        let runner = Runner {
            keep_inputs: true,
            ..self.clone()
        };
        runner
            .each(inputs, None, iteration, |finished| {
                if results.len() <= finished.index {
                    results.resize(finished.index + 1, Vec::new());
                }
                let failed = finished.outcome.is_err();
                results[finished.index] =
                    writer::transform(transformation, map_run.record(&finished), failed);
                Ok(())
            })
            .await?;
        Ok(results.into_iter().flatten().collect())
    }

    /// [`Runner::each`] over a stream of items, giving the outputs in item order.
    pub async fn collect_stream<F, Fut>(
        &self,
        inputs: reader::Items<'_>,
        iteration: F,
    ) -> Result<Vec<Value>, ExecutionError>
    where
        F: Fn(usize, Value) -> Fut,
        Fut: Future<Output = Result<Value, ExecutionError>>,
    {
        let mut outputs = Vec::new();
        self.each(inputs, None, iteration, |finished| {
            if outputs.len() <= finished.index {
                outputs.resize(finished.index + 1, Value::Null);
            }
            outputs[finished.index] = finished.outcome.unwrap_or_else(|error| error.to_output());
            Ok(())
        })
        .await?;
        Ok(outputs)
    }
}

/// One run of a Distributed Map: its id, ARN, how its child executions are
/// named, and (once [governed](MapRun::govern)) its progress.
#[derive(Debug, Clone)]
pub struct MapRun {
    id: String,
    arn: String,
    state_machine: String,
    execution_type: ExecutionType,
    account: Arc<Account>,
    progress: Option<Arc<progress::Progress>>,
}

impl MapRun {
    /// A new run of the Map state labelled `label` (its `Label`, or its name) that
    /// `run` runs, whose children are `execution_type` executions. Its id is a
    /// fresh UUID; under the durable engine one derived from the state's entry, so
    /// that the run resumed after a restart (or redriven) is the same run, whose
    /// finished children are kept.
    pub fn start(run: &Run, label: &str, execution_type: ExecutionType) -> MapRun {
        let execution = run.execution();
        let id = match execution.journal() {
            Some(_) => derived_id(&format!("{}/{}", execution.id(), run.around())),
            None => crate::exec::execution_name(),
        };
        let state_machine = format!("{}/{label}", execution.state_machine_name());
        let account = Arc::clone(execution.account());
        MapRun {
            arn: account.states_arn(format_args!("mapRun:{state_machine}:{id}")),
            id,
            state_machine,
            execution_type,
            account,
            progress: None,
        }
    }

    /// Starts showing this run's progress (DescribeMapRun) and taking UpdateMapRun's
    /// changes, from `runner`'s settings: the runner returned runs the children
    /// under them. `batched`: each child runs a batch of items (an `ItemBatcher`).
    pub fn govern(&mut self, run: &Run, runner: Runner, batched: bool) -> Runner {
        let execution = run.execution();
        let journal = execution.journal().cloned();
        // A run resumed after a restart (or redriven) is the same run: it keeps the
        // start it was noted with, and so its one place in the execution's list.
        let noted_start = journal
            .as_ref()
            .and_then(|journal| journal.read(&progress::record_key(&self.arn)))
            .and_then(|text| serde_json::from_str::<progress::Record>(&text).ok())
            .map(|record| record.start_ms);
        let record = progress::Record {
            map_run_arn: self.arn.clone(),
            execution_arn: execution.id(),
            state_machine_arn: self.state_machine_arn(),
            status: progress::Status::Running,
            start_ms: noted_start.unwrap_or_else(progress::now_millis),
            stop_ms: None,
            max_concurrency: runner.max_concurrency,
            tolerated_failure_percentage: runner.tolerance.percentage.unwrap_or(0.0),
            tolerated_failure_count: runner.tolerance.count.unwrap_or(0),
            item_counts: progress::Counts::default(),
            execution_counts: progress::Counts::default(),
        };
        let live = progress::Progress::start(record, runner.tolerance, batched, journal);
        self.progress = Some(Arc::clone(&live));
        Runner {
            live: Some(live),
            ..runner
        }
    }

    /// Counts `total` items known at the start (an array's).
    pub fn items_known(&self, total: usize) {
        if let Some(progress) = &self.progress {
            progress.items_known(total as u64);
        }
    }

    /// Runs child execution `index` from `input` as `child` does, given its name,
    /// counting it in the run's progress.
    pub async fn child<F, Fut>(
        &self,
        index: usize,
        input: Value,
        child: F,
    ) -> Result<Value, ExecutionError>
    where
        F: FnOnce(String, Value) -> Fut,
        Fut: Future<Output = Result<Value, ExecutionError>>,
    {
        let name = self.child_name(index);
        match &self.progress {
            Some(progress) => {
                let arn = self.child_arn(index);
                let items = progress.items_in(&input);
                let ran = child(name.clone(), input);
                progress.child(index, name, arn, items, ran).await
            }
            None => child(name, input).await,
        }
    }

    /// Counts `count` results written by the ResultWriter.
    pub fn results_written(&self, count: u64) {
        if let Some(progress) = &self.progress {
            progress.results_written(count);
        }
    }

    /// Records `MapRunStarted` in `run`'s history (under the durable engine).
    pub fn record_start(&self, run: &Run) {
        if let Some(events) = run.events() {
            events.record(
                EventType::MapRunStarted,
                Details::MapRunStarted(MapRunStarted {
                    map_run_arn: self.arn.clone(),
                }),
            );
        }
    }

    /// Records how the run ended, `MapRunSucceeded` or `MapRunFailed` with the
    /// error, in `run`'s history (under the durable engine).
    pub fn record_end<T>(&self, run: &Run, outcome: &Result<T, ExecutionError>) {
        if let Some(progress) = &self.progress {
            progress.end(outcome);
        }
        let Some(events) = run.events() else {
            return;
        };
        match outcome {
            Ok(_) => events.record(EventType::MapRunSucceeded, Details::None {}),
            Err(error) => events.record(
                EventType::MapRunFailed,
                Details::MapRunFailed(Failure {
                    error: error.error.clone(),
                    cause: error.cause.clone(),
                }),
            ),
        }
    }

    /// Whether the children are Standard or Express executions.
    pub fn execution_type(&self) -> ExecutionType {
        self.execution_type
    }

    /// The run's id (a UUID).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The Map Run ARN.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// The name of the child execution of item (or batch) `index`.
    pub fn child_name(&self, index: usize) -> String {
        format!("{}-{index}", self.id)
    }

    /// The ARN of the child execution of item `index`.
    pub fn child_arn(&self, index: usize) -> String {
        self.account.states_arn(format_args!(
            "{}:{}:{}",
            self.execution_type.arn_kind(),
            self.state_machine,
            self.child_name(index)
        ))
    }

    /// The ARN of the child executions' state machine.
    pub fn state_machine_arn(&self) -> String {
        self.account
            .states_arn(format_args!("stateMachine:{}", self.state_machine))
    }

    /// The record AWS keeps of a finished child execution.
    pub fn record(&self, finished: &Finished) -> Value {
        writer::record(
            finished,
            &self.child_arn(finished.index),
            &self.child_name(finished.index),
            &self.state_machine_arn(),
        )
    }
}

/// A UUID made from the SHA-256 of `key`.
fn derived_id(key: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key.as_bytes());
    let mut bytes = [0; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// `States.ExceedToleratedFailureThreshold`.
fn threshold_exceeded() -> ExecutionError {
    ExecutionError::new(
        names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
        "The specified tolerated failure threshold was exceeded",
    )
}

#[cfg(test)]
mod tests;
