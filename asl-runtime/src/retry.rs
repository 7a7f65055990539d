//! Retry and Catch: which errors a retrier or catcher matches, and the retry schedule
//! (`IntervalSeconds × BackoffRate^(n−1)`, capped by `MaxDelaySeconds`, with optional
//! full jitter), slept on tokio time.

use std::time::{Duration, SystemTime};

use crate::error::{ExecutionError, names};
use crate::exec::Run;
use crate::journal::Progress;
use crate::probe::Probe;

/// One element of a state's `Retry`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retrier {
    /// `ErrorEquals`.
    pub errors: &'static [&'static str],
    /// `IntervalSeconds` (default 1).
    pub interval_seconds: u64,
    /// `MaxAttempts` (default 3; 0 never retries).
    pub max_attempts: u64,
    /// `BackoffRate` (default 2.0).
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`.
    pub max_delay_seconds: Option<u64>,
    /// `JitterStrategy`.
    pub jitter: Jitter,
}

/// `JitterStrategy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// `NONE`: wait the computed delay.
    None,
    /// `FULL`: wait a uniformly random part of the computed delay.
    Full,
}

impl Retrier {
    /// The delay before retry number `retry` (1 for the first retry), before jitter.
    pub fn delay(&self, retry: u64) -> Duration {
        let exponent = i32::try_from(retry.saturating_sub(1)).unwrap_or(i32::MAX);
        let seconds = self.interval_seconds as f64 * self.backoff_rate.powi(exponent);
        let capped = match self.max_delay_seconds {
            Some(max) => seconds.min(max as f64),
            None => seconds,
        };
        // A year is the longest a Standard execution lives.
        Duration::from_secs_f64(capped.clamp(0.0, 31_622_400.0))
    }
}

/// Whether `ErrorEquals` names `error`, with AWS's wildcards: `States.ALL` matches
/// every error but `States.Runtime` and `States.DataLimitExceeded`, which are
/// terminal; `States.TaskFailed` matches those that `States.ALL` matches except
/// `States.Timeout`.
pub fn matches(error_equals: &[&str], error: &ExecutionError) -> bool {
    let name = error.name();
    let terminal = matches!(name, names::RUNTIME | names::DATA_LIMIT_EXCEEDED);
    error_equals.iter().any(|&wanted| {
        wanted == name
            || (wanted == names::ALL && !terminal)
            || (wanted == names::TASK_FAILED && !terminal && name != names::TIMEOUT)
            || (wanted == names::HEARTBEAT_TIMEOUT && error.is_heartbeat_timeout())
    })
}

/// The retry state of one state entry: how many times each retrier has fired.
/// Under the durable engine it is noted in the [`Journal`](crate::journal::Journal)
/// before each backoff, with the history events of the attempts that failed, so
/// that a restarted state goes on with the next attempt when it is due rather than
/// from the first one, and its history still shows the failed attempts.
#[derive(Debug)]
pub struct Retry {
    retriers: &'static [Retrier],
    used: Vec<u64>,
    retries: u32,
    /// Where the state's own events begin among those its run records (see
    /// [`Run::events`]): after the events of the states before it in the same
    /// branch or iteration.
    events_from: usize,
}

impl Retry {
    /// No retries yet. Allocates nothing until the first error.
    pub fn new(retriers: &'static [Retrier]) -> Retry {
        Retry {
            retriers,
            used: Vec::new(),
            retries: 0,
            events_from: 0,
        }
    }

    /// The retry state of the state `run` runs: none yet, unless the durable engine
    /// noted retries of this entry before a restart. Then the retry count is restored
    /// (`$$.State.RetryCount`), so are the events of the attempts that failed, and
    /// this waits until the next attempt is due.
    pub async fn resume(retriers: &'static [Retrier], run: &mut Run) -> Retry {
        let mut retry = Retry::new(retriers);
        let Some(journal) = run.execution().journal() else {
            return retry;
        };
        retry.events_from = run.events().map_or(0, |events| events.len());
        let noted = journal
            .read(&progress_key(run))
            .and_then(|text| serde_json::from_str::<Progress>(&text).ok())
            .filter(|progress| progress.used.len() == retriers.len());
        if let Some(Progress {
            used,
            retries,
            due,
            events,
        }) = noted
        {
            retry.used = used;
            retry.retries = retries;
            if let Some(own) = run.events() {
                own.extend(events);
            }
            run.record_events(3 * u64::from(retries));
            let due = crate::clock::from_unix_millis(due);
            run.resume_attempt(retries, due);
            let left = due.duration_since(SystemTime::now()).unwrap_or_default();
            crate::wait::sleep_or_park(run, left).await;
        }
        retry
    }

    /// After a failed attempt: when the first retrier matching `error` has attempts
    /// left, waits its delay, counts the retry in `run` (`$$.State.RetryCount`) and
    /// returns `Ok`; otherwise gives `error` back.
    pub async fn after(
        &mut self,
        error: ExecutionError,
        run: &mut Run,
    ) -> Result<(), ExecutionError> {
        if let Some(probe) = run.probe() {
            return under_test(probe, self.retriers, error).await;
        }
        let delay = self
            .next_delay(&error, || run.random_fraction())
            .ok_or(error)?;
        // The failed attempt's TaskScheduled, TaskStarted and TaskFailed events.
        run.record_events(3);
        if let Some(journal) = run.execution().journal() {
            let progress = Progress {
                used: self.used.clone(),
                retries: self.retries + 1,
                due: crate::clock::unix_millis(SystemTime::now() + delay),
                events: run
                    .events()
                    .map(|events| events.since(self.events_from))
                    .unwrap_or_default(),
            };
            let text = serde_json::to_string(&progress).unwrap_or_default();
            journal.write(progress_key(run), text).await;
        }
        crate::wait::sleep_or_park(run, delay).await;
        self.retries += 1;
        run.set_retry_count(self.retries);
        Ok(())
    }

    /// The delay before the next attempt, or `None` when `error` is not retried.
    /// `random` draws the fraction of the delay waited under `FULL` jitter.
    pub fn next_delay(
        &mut self,
        error: &ExecutionError,
        random: impl FnOnce() -> f64,
    ) -> Option<Duration> {
        let index = self
            .retriers
            .iter()
            .position(|retrier| matches(retrier.errors, error))?;
        let retrier = &self.retriers[index];
        if self.used.is_empty() {
            self.used = vec![0; self.retriers.len()];
        }
        if self.used[index] >= retrier.max_attempts {
            return None;
        }
        self.used[index] += 1;
        let delay = retrier.delay(self.used[index]);
        Some(match retrier.jitter {
            Jitter::None => delay,
            Jitter::Full => delay.mul_f64(random()),
        })
    }
}

/// [`Retry::after`] in a TestState run: the first retrier matching `error` is
/// noted; when it has attempts left (after `retrierRetryCount` retries), the run
/// ends here as `RETRIABLE` (this never returns: the driver stops at
/// [`Probe::retriable`]); otherwise `error` goes on to the catchers.
async fn under_test(
    probe: &Probe,
    retriers: &[Retrier],
    error: ExecutionError,
) -> Result<(), ExecutionError> {
    let Some(index) = retriers
        .iter()
        .position(|retrier| matches(retrier.errors, &error))
    else {
        return Err(error);
    };
    let retrier = &retriers[index];
    let done = probe.setup().retrier_retry_count;
    if done >= retrier.max_attempts {
        probe.retry(index, None, &error);
        return Err(error);
    }
    probe.retry(index, Some(retrier.delay(done + 1).as_secs()), &error);
    std::future::pending().await
}

/// The journal key of the retry progress of the state `run` runs.
fn progress_key(run: &Run) -> String {
    format!("{}/retry", run.entry_key())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILED: &str = "PaymentDeclined";

    fn error(name: &str) -> ExecutionError {
        ExecutionError::new(name, "cause")
    }

    #[test]
    fn wildcards_follow_aws() {
        assert!(matches(&["States.ALL"], &error(FAILED)));
        assert!(matches(&["States.ALL"], &error("States.Timeout")));
        assert!(!matches(&["States.ALL"], &error("States.Runtime")));
        assert!(!matches(
            &["States.ALL"],
            &error("States.DataLimitExceeded")
        ));
        assert!(matches(&["States.TaskFailed"], &error(FAILED)));
        assert!(!matches(&["States.TaskFailed"], &error("States.Timeout")));
        assert!(matches(&["States.Runtime"], &error("States.Runtime")));
        assert!(!matches(&["paymentdeclined"], &error(FAILED)));
    }

    #[test]
    fn schedule_doubles_and_is_capped() {
        static RETRIERS: [Retrier; 1] = [Retrier {
            errors: &["States.ALL"],
            interval_seconds: 2,
            max_attempts: 4,
            backoff_rate: 2.0,
            max_delay_seconds: Some(10),
            jitter: Jitter::None,
        }];
        let mut retry = Retry::new(&RETRIERS);
        let delays: Vec<_> =
            std::iter::from_fn(|| retry.next_delay(&error(FAILED), rand::random)).collect();
        assert_eq!(delays, [2, 4, 8, 10].map(Duration::from_secs));
    }

    #[test]
    fn each_retrier_counts_its_own_attempts_and_the_first_match_wins() {
        static RETRIERS: [Retrier; 2] = [
            Retrier {
                errors: &["A"],
                interval_seconds: 1,
                max_attempts: 1,
                backoff_rate: 1.0,
                max_delay_seconds: None,
                jitter: Jitter::None,
            },
            Retrier {
                errors: &["States.ALL"],
                interval_seconds: 5,
                max_attempts: 2,
                backoff_rate: 1.0,
                max_delay_seconds: None,
                jitter: Jitter::None,
            },
        ];
        let mut retry = Retry::new(&RETRIERS);
        assert_eq!(
            retry.next_delay(&error("A"), rand::random),
            Some(Duration::from_secs(1))
        );
        assert_eq!(retry.next_delay(&error("A"), rand::random), None);
        assert_eq!(
            retry.next_delay(&error("B"), rand::random),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            retry.next_delay(&error("B"), rand::random),
            Some(Duration::from_secs(5))
        );
        assert_eq!(retry.next_delay(&error("B"), rand::random), None);
    }

    #[test]
    fn zero_max_attempts_never_retries() {
        static RETRIERS: [Retrier; 1] = [Retrier {
            errors: &["States.ALL"],
            interval_seconds: 1,
            max_attempts: 0,
            backoff_rate: 2.0,
            max_delay_seconds: None,
            jitter: Jitter::None,
        }];
        assert_eq!(
            Retry::new(&RETRIERS).next_delay(&error(FAILED), rand::random),
            None
        );
    }

    #[test]
    fn full_jitter_stays_within_the_delay() {
        static RETRIERS: [Retrier; 1] = [Retrier {
            errors: &["States.ALL"],
            interval_seconds: 8,
            max_attempts: 50,
            backoff_rate: 1.0,
            max_delay_seconds: None,
            jitter: Jitter::Full,
        }];
        let mut retry = Retry::new(&RETRIERS);
        for _ in 0..50 {
            let delay = retry.next_delay(&error(FAILED), rand::random).unwrap();
            assert!(delay <= Duration::from_secs(8));
        }
    }

    /// The delays `Retry::after` sleeps through for `RETRIERS` with FULL jitter,
    /// in an execution seeded with `seed`.
    async fn jittered_schedule(seed: Option<u64>) -> Vec<Duration> {
        static RETRIERS: [Retrier; 1] = [Retrier {
            errors: &["States.ALL"],
            interval_seconds: 2,
            max_attempts: 5,
            backoff_rate: 2.0,
            max_delay_seconds: Some(10),
            jitter: Jitter::Full,
        }];
        let execution = crate::Execution::new("m", None, serde_json::Value::Null).with_seed(seed);
        let mut run = Run::new(std::sync::Arc::new(execution));
        let mut retry = Retry::new(&RETRIERS);
        let mut delays = Vec::new();
        loop {
            let start = tokio::time::Instant::now();
            if retry.after(error(FAILED), &mut run).await.is_err() {
                return delays;
            }
            delays.push(start.elapsed());
        }
    }

    #[tokio::test(start_paused = true)]
    async fn full_jitter_is_reproducible_under_a_seed_and_bounded_by_the_capped_delay() {
        let first = jittered_schedule(Some(42)).await;
        assert_eq!(first, jittered_schedule(Some(42)).await);
        assert_ne!(first, jittered_schedule(Some(43)).await);
        assert_eq!(first.len(), 5);
        // Without jitter: 2, 4, 8, 10 (capped), 10 seconds.
        for (delay, bound) in first.iter().zip([2, 4, 8, 10, 10]) {
            assert!(
                *delay <= Duration::from_secs(bound),
                "{delay:?} > {bound} s"
            );
        }
        assert_ne!(first, [2, 4, 8, 10, 10].map(Duration::from_secs));
    }

    #[tokio::test(start_paused = true)]
    async fn after_sleeps_and_counts_retries() {
        static RETRIERS: [Retrier; 1] = [Retrier {
            errors: &["States.ALL"],
            interval_seconds: 2,
            max_attempts: 2,
            backoff_rate: 2.0,
            max_delay_seconds: None,
            jitter: Jitter::None,
        }];
        let execution =
            std::sync::Arc::new(crate::Execution::new("m", None, serde_json::Value::Null));
        let mut run = Run::new(execution);
        run.enter("Pay");
        let mut retry = Retry::new(&RETRIERS);
        let start = tokio::time::Instant::now();
        retry.after(error(FAILED), &mut run).await.unwrap();
        assert_eq!(run.context().retry_count(), 1);
        retry.after(error(FAILED), &mut run).await.unwrap();
        assert_eq!(run.context().retry_count(), 2);
        assert_eq!(start.elapsed(), Duration::from_secs(6));
        let last = retry.after(error(FAILED), &mut run).await.unwrap_err();
        assert_eq!(last.name(), FAILED);
    }

    mod under_test {
        use std::sync::Arc;

        use super::*;
        use crate::probe::{Probe, Setup};

        static RETRIER: Retrier = Retrier {
            errors: &["MockException"],
            interval_seconds: 1,
            max_attempts: 5,
            backoff_rate: 2.0,
            max_delay_seconds: None,
            jitter: Jitter::None,
        };

        fn probe(retries: u64) -> Arc<Probe> {
            Probe::new(Setup {
                retrier_retry_count: retries,
                ..Setup::default()
            })
        }

        #[tokio::test]
        async fn a_retrier_with_attempts_left_ends_the_run_retriable() {
            let probe = probe(4);
            let waiting = {
                let probe = Arc::clone(&probe);
                tokio::spawn(
                    async move { under_test(&probe, &[RETRIER], error("MockException")).await },
                )
            };
            probe.retriable().await;
            waiting.abort();
            let record = probe.record();
            assert_eq!(record.retry_index, Some(0));
            // IntervalSeconds × BackoffRate^4, as AWS reports the fifth attempt's wait.
            assert_eq!(record.retry_backoff_seconds, Some(16));
            assert!(record.retriable());
        }

        #[tokio::test]
        async fn a_spent_retrier_hands_the_error_to_the_catchers() {
            let probe = probe(5);
            let given = under_test(&probe, &[RETRIER], error("MockException")).await;
            assert_eq!(given, Err(error("MockException")));
            assert_eq!(probe.record().retry_index, Some(0));
            assert!(!probe.record().retriable());
        }

        #[tokio::test]
        async fn an_error_no_retrier_matches_is_not_noted() {
            let probe = probe(0);
            assert!(
                under_test(&probe, &[RETRIER], error("Other"))
                    .await
                    .is_err()
            );
            assert_eq!(probe.record().retry_index, None);
        }
    }
}
