//! `GET /metrics`: the CloudWatch metrics of Step Functions, in Prometheus's text
//! format, labelled by state machine ARN.
//!
//! They are read from what executions commit (the store's
//! [`committed_after`](asl_engine::store::Store::committed_after)), whichever
//! process ran them, each time the page is asked for: so they count every
//! execution the data directory holds, across restarts, as CloudWatch counts
//! every execution of an account. EXPRESS executions keep no history: the API
//! counts their start and end (not their transitions or Tasks) as they run.
//!
//! | metric | CloudWatch |
//! |---|---|
//! | `asl_executions_started_total` | ExecutionsStarted |
//! | `asl_executions_succeeded_total` | ExecutionsSucceeded |
//! | `asl_executions_failed_total` | ExecutionsFailed |
//! | `asl_executions_aborted_total` | ExecutionsAborted |
//! | `asl_executions_timed_out_total` | ExecutionsTimedOut |
//! | `asl_executions_redriven_total` | ExecutionsRedriven |
//! | `asl_executions_throttled_total` | ExecutionThrottled (never: asl does not throttle) |
//! | `asl_execution_time_seconds` (histogram) | ExecutionTime |
//! | `asl_state_transitions_total` | StateTransition (states entered) |
//! | `asl_task_attempts_total{state}` | per Task state: attempts (scheduled) |
//! | `asl_task_failures_total{state}` | per Task state: failed or timed-out attempts |
//! | `asl_task_latency_seconds{state}` (histogram) | per Task state: scheduled to ended |
//! | `asl_map_children_run_total` | Distributed Map children this server ran for the fleet (`--db postgres://...`; its own count, not the store's) |
//! | `asl_timers_fired_total` | parked executions this server went on with when their timer was due (`--db postgres://...`; its own count) |

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset};
use metrics::{Unit, counter, describe_counter, describe_histogram, histogram};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusRecorder};

use asl_engine::history::{Details, EventType, HistoryEvent};
use asl_engine::store::Store;

/// How many commits one read takes.
const PAGE: usize = 500;

/// The buckets of the histograms, in seconds.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0,
];

/// The metrics of one server.
pub struct Metrics {
    store: Arc<dyn Store>,
    recorder: PrometheusRecorder,
    followed: Mutex<Followed>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// How far the commits were read, and what the executions still running need
/// remembered.
#[derive(Debug, Default)]
struct Followed {
    cursor: u64,
    running: HashMap<String, Running>,
}

/// An execution seen starting and not yet ending.
#[derive(Debug, Default)]
struct Running {
    started: Option<DateTime<FixedOffset>>,
    /// The state each event belongs to (a Task's events follow its
    /// TaskStateEntered through `previousEventId`).
    states: HashMap<u64, Arc<str>>,
    /// The attempt each event belongs to (its Scheduled event's id).
    attempts: HashMap<u64, u64>,
    /// When each open Task attempt was scheduled, by its Scheduled event's id.
    scheduled: HashMap<u64, DateTime<FixedOffset>>,
}

impl Metrics {
    /// Metrics of the executions in `store`.
    pub fn new(store: Arc<dyn Store>) -> Metrics {
        let recorder = PrometheusBuilder::new()
            .set_buckets(BUCKETS)
            .expect("the buckets are not empty")
            .build_recorder();
        metrics::with_local_recorder(&recorder, describe);
        Metrics {
            store,
            recorder,
            followed: Mutex::default(),
        }
    }

    /// The page: every commit since the last read counted, then all metrics in
    /// Prometheus's text format.
    pub fn render(&self) -> String {
        self.catch_up();
        self.recorder.handle().render()
    }

    /// An EXPRESS execution of `machine` started.
    pub fn express_started(&self, machine: &str) {
        metrics::with_local_recorder(&self.recorder, || {
            counter!("asl_executions_started_total", "state_machine_arn" => machine.to_owned())
                .increment(1);
        });
    }

    /// An EXPRESS execution of `machine` ended with `status` (`SUCCEEDED`,
    /// `FAILED`, `TIMED_OUT`) after `seconds`.
    pub fn express_ended(&self, machine: &str, status: &str, seconds: f64) {
        let name = match status {
            "SUCCEEDED" => "asl_executions_succeeded_total",
            "TIMED_OUT" => "asl_executions_timed_out_total",
            "ABORTED" => "asl_executions_aborted_total",
            _ => "asl_executions_failed_total",
        };
        metrics::with_local_recorder(&self.recorder, || {
            let label = ("state_machine_arn", machine.to_owned());
            counter!(name, std::slice::from_ref(&label)).increment(1);
            histogram!("asl_execution_time_seconds", &[label]).record(seconds);
        });
    }

    /// This server ran `count` more children of Distributed Maps handed out to the
    /// fleet.
    pub fn map_children_ran(&self, count: u64) {
        metrics::with_local_recorder(&self.recorder, || {
            counter!("asl_map_children_run_total").increment(count);
        });
    }

    /// This server fired `count` more timers of parked executions.
    pub fn timers_fired(&self, count: u64) {
        metrics::with_local_recorder(&self.recorder, || {
            counter!("asl_timers_fired_total").increment(count);
        });
    }

    /// Counts the commits since the last read.
    fn catch_up(&self) {
        let mut followed = self
            .followed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            let page = match self.store.committed_after(followed.cursor, PAGE) {
                Ok(page) => page,
                Err(error) => {
                    tracing::warn!(%error, "cannot read the executions for /metrics");
                    return;
                }
            };
            let Some(last) = page.last() else { return };
            followed.cursor = last.cursor;
            let full = page.len() == PAGE;
            metrics::with_local_recorder(&self.recorder, || {
                for committed in &page {
                    let machine = machine_arn(&committed.arn);
                    for event in &committed.events {
                        followed.count(&committed.arn, &machine, event);
                    }
                }
            });
            if !full {
                return;
            }
        }
    }
}

impl Followed {
    /// Counts `event` of execution `arn` of `machine`.
    fn count(&mut self, arn: &str, machine: &str, event: &HistoryEvent) {
        let label = ("state_machine_arn", machine.to_owned());
        let at = DateTime::parse_from_rfc3339(&event.timestamp).ok();
        let running = self.running.entry(arn.to_owned()).or_default();
        // The state of an event is its own (a state entered) or its predecessor's.
        let state = match &event.details {
            Details::StateEntered(entered) => Some(Arc::from(entered.name.as_str())),
            _ => running.states.get(&event.previous_event_id).cloned(),
        };
        if let Some(state) = &state {
            running.states.insert(event.id, Arc::clone(state));
        }
        let attempt = match event.kind {
            EventType::TaskScheduled | EventType::ActivityScheduled => Some(event.id),
            _ => running.attempts.get(&event.previous_event_id).copied(),
        };
        if let Some(attempt) = attempt {
            running.attempts.insert(event.id, attempt);
        }
        if matches!(event.details, Details::StateEntered(_)) {
            counter!("asl_state_transitions_total", std::slice::from_ref(&label)).increment(1);
        }
        let task = |state: &Option<Arc<str>>| {
            [
                label.clone(),
                ("state", state.as_deref().unwrap_or("").to_owned()),
            ]
        };
        match event.kind {
            EventType::ExecutionStarted => {
                running.started = at;
                counter!("asl_executions_started_total", std::slice::from_ref(&label)).increment(1);
                counter!("asl_executions_throttled_total", &[label]).increment(0);
            }
            EventType::ExecutionRedriven => {
                running.started = running.started.or(at);
                counter!("asl_executions_redriven_total", &[label]).increment(1);
            }
            EventType::ExecutionSucceeded
            | EventType::ExecutionFailed
            | EventType::ExecutionAborted
            | EventType::ExecutionTimedOut => {
                let name = match event.kind {
                    EventType::ExecutionSucceeded => "asl_executions_succeeded_total",
                    EventType::ExecutionFailed => "asl_executions_failed_total",
                    EventType::ExecutionAborted => "asl_executions_aborted_total",
                    _ => "asl_executions_timed_out_total",
                };
                counter!(name, std::slice::from_ref(&label)).increment(1);
                if let (Some(started), Some(at)) = (running.started, at) {
                    histogram!("asl_execution_time_seconds", &[label]).record(seconds(started, at));
                }
                // A redrive starts it again from its own history.
                self.running.remove(arn);
            }
            EventType::TaskScheduled | EventType::ActivityScheduled => {
                counter!("asl_task_attempts_total", &task(&state)).increment(1);
                if let Some(at) = at {
                    running.scheduled.insert(event.id, at);
                }
            }
            EventType::TaskSucceeded
            | EventType::TaskFailed
            | EventType::TaskTimedOut
            | EventType::ActivitySucceeded
            | EventType::ActivityFailed
            | EventType::ActivityTimedOut => {
                if !matches!(
                    event.kind,
                    EventType::TaskSucceeded | EventType::ActivitySucceeded
                ) {
                    counter!("asl_task_failures_total", &task(&state)).increment(1);
                }
                let scheduled = attempt.and_then(|attempt| running.scheduled.remove(&attempt));
                if let (Some(scheduled), Some(at)) = (scheduled, at) {
                    histogram!("asl_task_latency_seconds", &task(&state))
                        .record(seconds(scheduled, at));
                }
            }
            _ => {}
        }
    }
}

fn seconds(from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> f64 {
    (to - from).num_microseconds().unwrap_or_default().max(0) as f64 / 1e6
}

/// The ARN of the state machine of execution `arn`
/// (`arn:aws:states:r:a:execution:NAME:id` → `arn:aws:states:r:a:stateMachine:NAME`;
/// a Map Run's child executions count as their machine's).
pub(crate) fn machine_arn(arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(8, ':').collect();
    match parts.as_slice() {
        [
            prefix,
            partition,
            service,
            region,
            account,
            "execution" | "express",
            name,
            ..,
        ] => {
            let name = name.split('/').next().unwrap_or(name);
            format!("{prefix}:{partition}:{service}:{region}:{account}:stateMachine:{name}")
        }
        _ => arn.to_owned(),
    }
}

/// The HELP lines.
fn describe() {
    for (name, help) in [
        (
            "asl_executions_started_total",
            "Executions started (CloudWatch ExecutionsStarted).",
        ),
        (
            "asl_executions_succeeded_total",
            "Executions that succeeded (ExecutionsSucceeded).",
        ),
        (
            "asl_executions_failed_total",
            "Executions that failed (ExecutionsFailed).",
        ),
        (
            "asl_executions_aborted_total",
            "Executions stopped (ExecutionsAborted).",
        ),
        (
            "asl_executions_timed_out_total",
            "Executions that timed out (ExecutionsTimedOut).",
        ),
        (
            "asl_executions_redriven_total",
            "Executions redriven (ExecutionsRedriven).",
        ),
        (
            "asl_executions_throttled_total",
            "Executions throttled (ExecutionThrottled).",
        ),
        (
            "asl_state_transitions_total",
            "States entered (StateTransition).",
        ),
        ("asl_task_attempts_total", "Task attempts, by Task state."),
        (
            "asl_task_failures_total",
            "Task attempts that failed or timed out, by Task state.",
        ),
        (
            "asl_map_children_run_total",
            "Distributed Map children this server ran for the fleet.",
        ),
        (
            "asl_timers_fired_total",
            "Parked executions this server went on with when their timer was due.",
        ),
    ] {
        describe_counter!(name, help);
    }
    describe_histogram!(
        "asl_execution_time_seconds",
        Unit::Seconds,
        "From an execution's start to its end (ExecutionTime)."
    );
    describe_histogram!(
        "asl_task_latency_seconds",
        Unit::Seconds,
        "From a Task attempt's scheduling to its end, by Task state."
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executions_count_as_their_machine() {
        assert_eq!(
            machine_arn("arn:aws:states:us-east-1:123456789012:execution:orders:run-1"),
            "arn:aws:states:us-east-1:123456789012:stateMachine:orders"
        );
        assert_eq!(
            machine_arn(
                "arn:aws:states:us-east-1:123456789012:execution:orders/map:0a1b2c3d-0000-0000-0000-000000000000"
            ),
            "arn:aws:states:us-east-1:123456789012:stateMachine:orders"
        );
    }
}
