//! How deep and how long one evaluation may run.

use std::time::Duration;

/// Bounds on one evaluation. Past either, the evaluation fails with an [`EvaluationError`]
/// (code `D1011` for depth, `D1012` for time) instead of overflowing the stack or running on.
///
/// The default mirrors AWS: a depth of 99 in this engine's count refuses exactly what AWS's
/// depth limit of 100 refuses (a chain of 101 additions, 100 nested parentheses, brackets or
/// `~>` stages, a non-tail recursive call 32 deep), and a time limit of 5 seconds, since AWS
/// does not document its own.
///
/// [`EvaluationError`]: crate::EvaluationError
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    max_depth: usize,
    timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 99,
            timeout: Duration::from_secs(5),
        }
    }
}

impl Limits {
    /// Sets the deepest evaluation nesting allowed (the engine's own count, like jsonata-js's
    /// `stack` option).
    pub fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// Sets the longest one evaluation may run.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The deepest evaluation nesting allowed.
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// The longest one evaluation may run.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}
