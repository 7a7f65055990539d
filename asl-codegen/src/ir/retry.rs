//! Retry and Catch policies.

use super::StateId;
use super::io::ResultPath;
use super::template::{Assign, Template};

/// Which errors a retrier or catcher handles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorMatcher {
    /// `["States.ALL"]`: every error except States.Runtime and
    /// States.DataLimitExceeded.
    All,
    /// These names, matched exactly (`States.TaskFailed` also matches any error but
    /// States.Timeout).
    Names(Vec<String>),
}

/// How far apart retries are spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum JitterStrategy {
    /// Exactly the computed delay (the default).
    #[default]
    None,
    /// A uniformly random delay between zero and the computed delay.
    Full,
}

/// One entry of `Retry`, with AWS's defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrier {
    /// The errors it retries.
    pub errors: ErrorMatcher,
    /// Delay before the first retry (default 1).
    pub interval_seconds: u64,
    /// Retries before giving up (default 3; 0 never retries).
    pub max_attempts: u64,
    /// Multiplier of the delay on each retry (default 2.0).
    pub backoff_rate: f64,
    /// Upper bound of any delay.
    pub max_delay_seconds: Option<u64>,
    /// Jitter (default none).
    pub jitter: JitterStrategy,
    /// The retrier's `Comment`.
    pub comment: Option<String>,
}

impl Retrier {
    /// AWS's default `IntervalSeconds`.
    pub const DEFAULT_INTERVAL_SECONDS: u64 = 1;
    /// AWS's default `MaxAttempts`.
    pub const DEFAULT_MAX_ATTEMPTS: u64 = 3;
    /// AWS's default `BackoffRate`.
    pub const DEFAULT_BACKOFF_RATE: f64 = 2.0;
}

/// One entry of `Catch`.
#[derive(Debug, Clone, PartialEq)]
pub struct Catcher {
    /// The errors it catches.
    pub errors: ErrorMatcher,
    /// The state to go to.
    pub next: StateId,
    /// JSONPath mode: where the error output goes in the state input (default `$`).
    pub result_path: ResultPath,
    /// JSONata mode: the state's output (default: the error output).
    pub output: Option<Template>,
    /// Variables assigned when this catcher is taken.
    pub assign: Option<Assign>,
    /// The catcher's `Comment`.
    pub comment: Option<String>,
}
