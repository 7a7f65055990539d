//! The heartbeat handle a Task handler uses to say it is still working.

use std::sync::Arc;

use tokio::sync::Notify;

/// A Task's heartbeat. When the state sets `HeartbeatSeconds`, a handler that goes
/// longer than that without calling [`Heartbeat::beat`] fails the state with
/// `States.Timeout` (which `States.HeartbeatTimeout` in Retry and Catch matches);
/// without `HeartbeatSeconds`, beating does nothing.
///
/// The handle is cheap to clone and `'static`, so a handler can hand it to work it
/// spawns.
#[derive(Debug, Clone, Default)]
pub struct Heartbeat {
    beats: Option<Arc<Notify>>,
}

impl Heartbeat {
    /// A heartbeat nobody listens to (the Task has no `HeartbeatSeconds`).
    pub const NONE: Heartbeat = Heartbeat { beats: None };

    /// A heartbeat the Task listens to.
    pub(super) fn listened() -> Heartbeat {
        Heartbeat {
            beats: Some(Arc::new(Notify::new())),
        }
    }

    /// Says the handler is still working: restarts the `HeartbeatSeconds` clock (as
    /// `SendTaskHeartbeat` does on AWS).
    pub fn beat(&self) {
        if let Some(beats) = &self.beats {
            // A beat given while nobody waits is kept for the next wait.
            beats.notify_one();
        }
    }

    /// Whether the Task listens to this heartbeat.
    pub fn is_listened(&self) -> bool {
        self.beats.is_some()
    }

    /// Waits for the next beat; never resolves when nobody listens.
    pub(super) async fn next(&self) {
        match &self.beats {
            Some(beats) => beats.notified().await,
            None => std::future::pending().await,
        }
    }
}
