//! The heartbeat handle a Task handler uses to say it is still working.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// A Task's heartbeat. When the state sets `HeartbeatSeconds`, a handler that goes
/// longer than that without calling [`Heartbeat::beat`] fails the state with
/// `States.Timeout` (which `States.HeartbeatTimeout` in Retry and Catch matches);
/// without `HeartbeatSeconds`, beating does nothing.
///
/// The handle is cheap to clone and `'static`, so a handler can hand it to work it
/// spawns.
#[derive(Debug, Clone, Default)]
pub struct Heartbeat {
    beats: Option<Arc<Beats>>,
}

/// What a listened heartbeat shares with its Task's attempt.
#[derive(Debug)]
struct Beats {
    /// Wakes the attempt at each beat.
    notify: Notify,
    /// When the last beat came (or the attempt started), on tokio's clock.
    last: Mutex<Instant>,
    /// `HeartbeatSeconds`.
    every: Duration,
}

impl Heartbeat {
    /// A heartbeat nobody listens to (the Task has no `HeartbeatSeconds`).
    pub const NONE: Heartbeat = Heartbeat { beats: None };

    /// A heartbeat the Task listens to, which must beat at least `every`, counted
    /// from now.
    pub(super) fn listened(every: Duration) -> Heartbeat {
        Heartbeat {
            beats: Some(Arc::new(Beats {
                notify: Notify::new(),
                last: Mutex::new(Instant::now()),
                every,
            })),
        }
    }

    /// Says the handler is still working: restarts the `HeartbeatSeconds` clock (as
    /// `SendTaskHeartbeat` does on AWS).
    pub fn beat(&self) {
        if let Some(beats) = &self.beats {
            *beats.last() = Instant::now();
            // A beat given while nobody waits is kept for the next wait.
            beats.notify.notify_one();
        }
    }

    /// Whether the Task listens to this heartbeat.
    pub fn is_listened(&self) -> bool {
        self.beats.is_some()
    }

    /// Counts the clock as if the last beat came `silent` ago: a Task resumed
    /// after a restart, silent since its entry or its last noted beat.
    pub(super) fn silent_for(&self, silent: Duration) {
        if let Some(beats) = &self.beats {
            let now = Instant::now();
            *beats.last() = now.checked_sub(silent).unwrap_or(now);
        }
    }

    /// When the Task times out unless a beat comes first; `None` when nobody
    /// listens.
    pub(super) fn silent_until(&self) -> Option<Instant> {
        self.beats.as_ref().map(|beats| *beats.last() + beats.every)
    }

    /// Waits for the next beat; never resolves when nobody listens.
    pub(super) async fn next(&self) {
        match &self.beats {
            Some(beats) => beats.notify.notified().await,
            None => std::future::pending().await,
        }
    }
}

impl Beats {
    fn last(&self) -> std::sync::MutexGuard<'_, Instant> {
        self.last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
