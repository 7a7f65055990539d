//! TestState: one state run alone, as the Step Functions `TestState` action runs it.
//!
//! A machine compiled for TestState (`asl_codegen::Settings::for_test_state`) records
//! each step of its states' data flow here ([`Run::inspect`](crate::Run::inspect)),
//! takes the result of a Task, Parallel or Map state from a mock when one is given
//! ([`Run::mocked`](crate::Run::mocked)), and decides its retries and catches without
//! running them: an error a retrier with attempts left matches ends the test as
//! `RETRIABLE` ([`crate::retry::Retry::after`]), one a catcher matches as
//! `CAUGHT_ERROR`. [`crate::exec::test`] runs such a machine's first state. Machines
//! compiled for executions never call into this module.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::Notify;

use crate::error::{ExecutionError, names};

/// A step of a state's data flow, named as `TestState`'s `inspectionData` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// The effective input, after `InputPath`.
    AfterInputPath,
    /// The Task's argument or Pass result, after `Parameters`.
    AfterParameters,
    /// A JSONata state's `Arguments`, evaluated.
    AfterArguments,
    /// The result of the state's work (the Task's result, the Pass `Result`).
    Result,
    /// After `ResultSelector`.
    AfterResultSelector,
    /// After `ResultPath`.
    AfterResultPath,
    /// A Map state's items, after `ItemsPath` (or JSONata `Items`).
    AfterItemsPath,
}

impl Stage {
    /// Its member name in `inspectionData`.
    pub fn member(self) -> &'static str {
        match self {
            Stage::AfterInputPath => "afterInputPath",
            Stage::AfterParameters => "afterParameters",
            Stage::AfterArguments => "afterArguments",
            Stage::Result => "result",
            Stage::AfterResultSelector => "afterResultSelector",
            Stage::AfterResultPath => "afterResultPath",
            Stage::AfterItemsPath => "afterItemsPath",
        }
    }
}

/// What a mocked Task, Parallel or Map state produces instead of doing its work.
#[derive(Debug, Clone, PartialEq)]
pub enum Mock {
    /// This result.
    Result(Value),
    /// This error and cause.
    Error {
        /// The error name.
        error: String,
        /// The cause.
        cause: String,
    },
}

/// How a TestState run is set up: `TestState`'s `mock` and `stateConfiguration`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Setup {
    /// The mock, if any.
    pub mock: Option<Mock>,
    /// `retrierRetryCount`: how many retries the retrier matching the error made
    /// before this attempt.
    pub retrier_retry_count: u64,
    /// `mapIterationFailureCount`: how many iterations of a mocked Map state failed.
    pub map_iteration_failure_count: Option<u64>,
    /// `revealSecrets`: an HTTP Task's recorded request shows what its connection
    /// added (else those values are hidden).
    pub reveal_secrets: bool,
}

/// What a TestState run recorded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// The data-flow steps, each as last recorded, in the order of [`Stage`].
    pub stages: Vec<(Stage, Value)>,
    /// The index of the retrier that matched the error, if one did.
    pub retry_index: Option<usize>,
    /// When that retrier had attempts left: the seconds it would wait before the
    /// next attempt (and the test ends `RETRIABLE`).
    pub retry_backoff_seconds: Option<u64>,
    /// The index of the catcher that caught the error, if one did.
    pub catch_index: Option<usize>,
    /// The error a retrier would retry or a catcher caught.
    pub error: Option<ExecutionError>,
    /// For a Map state: `MaxConcurrency` (0 when unbounded),
    /// `ToleratedFailureCount` and `ToleratedFailurePercentage` as it ran with them.
    pub map: Option<MapLimits>,
    /// For an HTTP Task: the request it sent and the response it got, as
    /// `inspectionData.request` and `.response` describe them at the TRACE level.
    pub http: Option<(Value, Value)>,
}

impl Record {
    /// Whether the run ended because a retrier would retry.
    pub fn retriable(&self) -> bool {
        self.retry_backoff_seconds.is_some()
    }

    /// The recorded value of `stage`, if any.
    pub fn stage(&self, stage: Stage) -> Option<&Value> {
        self.stages
            .iter()
            .find(|(recorded, _)| *recorded == stage)
            .map(|(_, value)| value)
    }
}

/// A Map state's limits, as `inspectionData` reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MapLimits {
    /// `MaxConcurrency`; 0 for no limit.
    pub max_concurrency: u64,
    /// `ToleratedFailureCount`, when the state has one.
    pub tolerated_failure_count: Option<u64>,
    /// `ToleratedFailurePercentage`, when the state has one.
    pub tolerated_failure_percentage: Option<f64>,
}

/// The probe of one TestState run: its [`Setup`], and the [`Record`] it fills.
#[derive(Debug, Default)]
pub struct Probe {
    setup: Setup,
    record: Mutex<Record>,
    /// Notified when a retrier would retry: the run ends there.
    retriable: Notify,
}

impl Probe {
    /// A probe for a run set up as `setup`.
    pub fn new(setup: Setup) -> Arc<Probe> {
        Arc::new(Probe {
            setup,
            ..Probe::default()
        })
    }

    /// What it recorded so far.
    pub fn record(&self) -> Record {
        self.lock().clone()
    }

    /// How the run is set up.
    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// Completes once a retrier would retry ([`Probe::retry`]).
    pub async fn retriable(&self) {
        self.retriable.notified().await;
    }

    /// Notes that retrier number `index` matched the state's `error`; with
    /// `backoff_seconds`, it has attempts left and would retry after that long: the
    /// run ends here, as `RETRIABLE` (see [`Probe::retriable`]).
    pub fn retry(&self, index: usize, backoff_seconds: Option<u64>, error: &ExecutionError) {
        {
            let mut record = self.lock();
            record.retry_index = Some(index);
            if backoff_seconds.is_none() {
                return;
            }
            record.retry_backoff_seconds = backoff_seconds;
            record.error = Some(error.clone());
        }
        self.retriable.notify_one();
    }

    /// Records `value` as the outcome of data-flow step `stage`.
    pub fn inspect(&self, stage: Stage, value: &Value) {
        let mut record = self.lock();
        record.stages.retain(|(recorded, _)| *recorded != stage);
        record.stages.push((stage, value.clone()));
        record.stages.sort_by_key(|(stage, _)| *stage);
    }

    /// Records the request an HTTP Task sent and the response it got.
    pub fn http_exchange(&self, request: Value, response: Value) {
        self.lock().http = Some((request, response));
    }

    /// Notes that catcher number `index` caught the state's `error`.
    pub fn caught_by(&self, index: usize, error: &ExecutionError) {
        let mut record = self.lock();
        record.catch_index = Some(index);
        record.error = Some(error.clone());
    }

    /// The mocked outcome of a Task, Parallel or Map state's work, if there is a
    /// mock.
    pub fn mocked(&self) -> Option<Result<Value, ExecutionError>> {
        match self.setup.mock.as_ref()? {
            Mock::Result(value) => Some(Ok(value.clone())),
            Mock::Error { error, cause } => {
                Some(Err(ExecutionError::new(error.clone(), cause.clone())))
            }
        }
    }

    /// The mocked result of a Map state with `limits` over `items` (`None` when an
    /// ItemReader reads them: then as many as the mocked result has): the state
    /// fails with `States.ExceedToleratedFailureThreshold` when
    /// `mapIterationFailureCount` iterations failing exceed its tolerated failures.
    /// `None` without a mock.
    pub fn mocked_map(
        &self,
        items: Option<usize>,
        limits: MapLimits,
    ) -> Option<Result<Value, ExecutionError>> {
        self.lock().map = Some(limits);
        let mocked = self.mocked()?;
        let read = match &mocked {
            Ok(Value::Array(results)) => results.len(),
            _ => 0,
        };
        let items = items.unwrap_or(read);
        let failed = self.setup.map_iteration_failure_count.unwrap_or(0);
        let over_count = limits
            .tolerated_failure_count
            .is_some_and(|tolerated| failed > tolerated);
        let over_percentage = limits
            .tolerated_failure_percentage
            .is_some_and(|tolerated| items > 0 && failed as f64 * 100.0 / items as f64 > tolerated);
        if over_count || over_percentage {
            return Some(Err(ExecutionError::new(
                names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                "The specified tolerated failure threshold was exceeded",
            )));
        }
        Some(mocked)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The error of a Parallel or Map state under test without a mock (TestState
/// refuses such a test before it runs).
pub fn unmocked() -> Result<Value, ExecutionError> {
    Err(ExecutionError::runtime(
        "TestState runs a Parallel or Map state only with a mock",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(failed: u64, mock: Value) -> Arc<Probe> {
        Probe::new(Setup {
            mock: Some(Mock::Result(mock)),
            map_iteration_failure_count: Some(failed),
            ..Setup::default()
        })
    }

    fn limits(count: Option<u64>, percentage: Option<f64>) -> MapLimits {
        MapLimits {
            max_concurrency: 0,
            tolerated_failure_count: count,
            tolerated_failure_percentage: percentage,
        }
    }

    #[test]
    fn failed_iterations_past_the_tolerance_fail_a_mocked_map() {
        let results = serde_json::json!([0, 0, 1]);
        let within = probe(1, results.clone()).mocked_map(Some(3), limits(Some(1), None));
        assert_eq!(within, Some(Ok(results.clone())));
        let past = probe(2, results.clone()).mocked_map(Some(3), limits(Some(1), None));
        assert_eq!(
            past.unwrap().unwrap_err().name(),
            names::EXCEED_TOLERATED_FAILURE_THRESHOLD
        );
        // 2 of 3 is 66.7%, past 50%; without a tolerance, nothing is checked.
        let percentage = probe(2, results.clone()).mocked_map(None, limits(None, Some(50.0)));
        assert!(matches!(percentage, Some(Err(_))));
        let untolerated = probe(3, results.clone()).mocked_map(Some(3), limits(None, None));
        assert_eq!(untolerated, Some(Ok(results)));
    }

    #[test]
    fn steps_are_kept_in_their_order_each_once() {
        let probe = Probe::new(Setup::default());
        probe.inspect(Stage::AfterResultPath, &Value::from(3));
        probe.inspect(Stage::AfterInputPath, &Value::from(1));
        probe.inspect(Stage::AfterInputPath, &Value::from(2));
        let record = probe.record();
        assert_eq!(
            record.stages,
            vec![
                (Stage::AfterInputPath, Value::from(2)),
                (Stage::AfterResultPath, Value::from(3))
            ]
        );
        assert_eq!(probe.mocked(), None);
    }
}
