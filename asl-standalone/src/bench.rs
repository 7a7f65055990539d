//! `--bench N` (hidden; what `asl bench` runs): the binary runs its execution `N`
//! times in this one process, one after the other, and prints one JSON object of
//! figures instead of the output: how many executions and transitions ran, the time
//! they took, executions and transitions per second, and the median and 99th
//! percentile latency of one execution. Copying the input for each execution is not
//! timed. The first execution that fails stops the run.

use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use asl_runtime::error::ExecutionError;
use asl_runtime::exec::{self, RunOptions, Workflow};

/// The figures `--bench` prints (seconds as fractions).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct Report {
    /// Executions run.
    pub(super) executions: u64,
    /// Transitions (states entered) of all the executions, those inside Parallel
    /// branches, Map iterations and child executions included.
    pub(super) transitions: u64,
    /// The time the executions took, together.
    pub(super) seconds: f64,
    /// `executions / seconds`.
    pub(super) executions_per_second: f64,
    /// `transitions / seconds`.
    pub(super) transitions_per_second: f64,
    /// The median latency of one execution.
    pub(super) p50_seconds: f64,
    /// The 99th percentile latency of one execution.
    pub(super) p99_seconds: f64,
}

/// Runs `executions` executions of `workflow`, each from a copy of `input` and
/// started as `options` say, one after the other; the figures, or the error of the
/// first execution that failed.
pub(super) async fn bench<W: Workflow>(
    workflow: &W,
    options: &RunOptions,
    input: &Value,
    executions: u64,
) -> Result<Report, ExecutionError> {
    let mut latencies = Vec::with_capacity(usize::try_from(executions).unwrap_or(0));
    let mut transitions = 0;
    for _ in 0..executions {
        let input = input.clone();
        let started = Instant::now();
        let (ended, count) = exec::run_counting(workflow, options.clone(), input).await;
        latencies.push(started.elapsed());
        ended?;
        transitions += count;
    }
    Ok(report(latencies, transitions))
}

/// The figures of executions that took `latencies` and made `transitions`.
fn report(mut latencies: Vec<Duration>, transitions: u64) -> Report {
    latencies.sort_unstable();
    let executions = latencies.len() as u64;
    let seconds = latencies.iter().sum::<Duration>().as_secs_f64();
    let per_second = |count: u64| {
        if seconds > 0.0 {
            count as f64 / seconds
        } else {
            0.0
        }
    };
    Report {
        executions,
        transitions,
        seconds,
        executions_per_second: per_second(executions),
        transitions_per_second: per_second(transitions),
        p50_seconds: percentile(&latencies, 50),
        p99_seconds: percentile(&latencies, 99),
    }
}

/// The `percent`th percentile of `sorted` by the nearest-rank method: the smallest
/// value that at least `percent`% of the values do not exceed; 0 when empty.
fn percentile(sorted: &[Duration], percent: usize) -> f64 {
    let rank = (sorted.len() * percent).div_ceil(100);
    rank.checked_sub(1)
        .and_then(|index| sorted.get(index))
        .map_or(0.0, Duration::as_secs_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(values: impl IntoIterator<Item = u64>) -> Vec<Duration> {
        values.into_iter().map(Duration::from_millis).collect()
    }

    #[test]
    fn percentiles_are_nearest_ranks() {
        let sorted = millis(1..=100);
        assert_eq!(percentile(&sorted, 50), 0.050);
        assert_eq!(percentile(&sorted, 99), 0.099);
        assert_eq!(percentile(&millis([7]), 50), 0.007);
        assert_eq!(percentile(&millis([7]), 99), 0.007);
        assert_eq!(percentile(&millis([1, 2]), 50), 0.001);
        assert_eq!(percentile(&millis([1, 2]), 99), 0.002);
        assert_eq!(percentile(&[], 50), 0.0);
    }

    #[test]
    fn the_report_sums_the_latencies_and_divides_by_them() {
        let report = report(millis([300, 100, 100]), 30);
        assert_eq!(report.executions, 3);
        assert_eq!(report.transitions, 30);
        assert!((report.seconds - 0.5).abs() < 1e-9);
        assert!((report.executions_per_second - 6.0).abs() < 1e-9);
        assert!((report.transitions_per_second - 60.0).abs() < 1e-9);
        assert_eq!(report.p50_seconds, 0.1);
        assert_eq!(report.p99_seconds, 0.3);
    }
}
