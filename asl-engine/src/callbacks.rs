//! The engine's side of callback Tasks: the task tokens states wait for
//! ([`TokenRegistry`]) and the activity tasks offered to workers
//! ([`ActivityQueue`]), both recorded in the store.
//!
//! An outcome sent for a token (`SendTaskSuccess`, `SendTaskFailure`) is recorded in
//! the store before it is handed to the waiting state: it survives a crash, and a
//! state resumed after a restart finds it without calling its handler again. A state
//! waiting in another process sharing the store finds it there within a second.
//! Heartbeats and activity leases are noted in the store too.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use asl_runtime::clock::{from_unix_millis, unix_millis};
use asl_runtime::events::Events;
use asl_runtime::hooks::{Activities, ActivityTask, Outcome, TaskTokens};
use asl_runtime::task::Heartbeat;
use asl_runtime::task::callback;
use tokio::sync::{Notify, oneshot};

use crate::error::EngineError;
use crate::store::{ExecutionStatus, Store, StoreError};

/// The task tokens of one engine's executions: those waiting in this process, and
/// the outcomes recorded in the store.
#[derive(Debug)]
pub struct TokenRegistry {
    store: Arc<dyn Store>,
    waiting: Mutex<HashMap<String, Waiting>>,
}

#[derive(Debug)]
struct Waiting {
    outcome: oneshot::Sender<Outcome>,
    heartbeat: Heartbeat,
}

impl TokenRegistry {
    /// Tokens whose outcomes are recorded in `store`.
    pub fn new(store: Arc<dyn Store>) -> TokenRegistry {
        TokenRegistry {
            store,
            waiting: Mutex::new(HashMap::new()),
        }
    }

    /// `SendTaskSuccess`, `SendTaskFailure`: checks `token` as AWS does, then
    /// records `outcome` for it (see [`TokenRegistry::complete`]). A token of no
    /// execution is [`EngineError::TaskDoesNotExist`]; one used before, or whose
    /// execution ended, [`EngineError::TaskTimedOut`]; anything else that is not a
    /// token [`EngineError::InvalidToken`].
    pub fn send(&self, token: &str, outcome: Outcome) -> Result<(), EngineError> {
        check_token(&*self.store, token)?;
        if self.complete(token, outcome)? {
            Ok(())
        } else {
            Err(EngineError::TaskTimedOut)
        }
    }

    /// `SendTaskHeartbeat`: checks `token` as [`TokenRegistry::send`] does, then
    /// restarts the `HeartbeatSeconds` clock of its task (see [`TokenRegistry::beat`]).
    pub fn heartbeat(&self, token: &str) -> Result<(), EngineError> {
        check_token(&*self.store, token)?;
        self.beat(token);
        Ok(())
    }

    /// Records `outcome` for `token` and hands it to the state waiting for it, if it
    /// waits in this process. `Ok(false)`: an outcome was recorded for the token
    /// before (it was used already).
    pub fn complete(&self, token: &str, outcome: Outcome) -> Result<bool, StoreError> {
        let text = serde_json::to_string(&outcome)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        if !self.store.record_callback(token, &text)? {
            return Ok(false);
        }
        if let Some(waiting) = self.lock().remove(token) {
            // A dropped receiver: the state stopped waiting (timed out); the
            // recorded outcome stays unused.
            let _ = waiting.outcome.send(outcome);
        }
        Ok(true)
    }

    /// Hands the outcome recorded for `token` in the store (by another process) to
    /// the state waiting for it in this process, if one does; returns whether one
    /// did.
    pub fn deliver(&self, token: &str) -> bool {
        let Some(outcome) = self.recorded(token) else {
            return false;
        };
        match self.lock().remove(token) {
            Some(waiting) => waiting.outcome.send(outcome).is_ok(),
            None => false,
        }
    }

    /// `SendTaskHeartbeat`: restarts the `HeartbeatSeconds` clock of the state
    /// waiting for `token`, and notes the time, so that a state resumed after a
    /// restart counts from it. Returns whether it waits in this process.
    pub fn beat(&self, token: &str) -> bool {
        let now = unix_millis(SystemTime::now());
        // Not awaited: a heartbeat lost in a crash only shortens the next window.
        drop(self.store.note(beat_key(token), now.to_string()));
        match self.lock().get(token) {
            Some(waiting) => {
                waiting.heartbeat.beat();
                true
            }
            None => false,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Waiting>> {
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl TaskTokens for TokenRegistry {
    fn recorded(&self, token: &str) -> Option<Outcome> {
        let text = self.store.callback(token).ok()??;
        serde_json::from_str(&text).ok()
    }

    fn register(&self, token: &str, heartbeat: Heartbeat) -> oneshot::Receiver<Outcome> {
        let (outcome, receiver) = oneshot::channel();
        self.lock()
            .insert(token.to_owned(), Waiting { outcome, heartbeat });
        receiver
    }

    fn forget(&self, token: &str) {
        self.lock().remove(token);
    }

    fn last_beat(&self, token: &str) -> Option<SystemTime> {
        let millis = self.store.noted(&beat_key(token)).ok()??.parse().ok()?;
        Some(from_unix_millis(millis))
    }
}

/// The activity tasks of one engine's executions, offered to workers
/// (`GetActivityTask`) and leased durably when one takes them.
#[derive(Debug)]
pub struct ActivityQueue {
    store: Arc<dyn Store>,
    offered: Mutex<HashMap<String, VecDeque<Offer>>>,
    offers: Notify,
}

/// An activity task waiting for a worker, and the history events that record when
/// one takes it.
#[derive(Debug)]
struct Offer {
    task: ActivityTask,
    events: Option<Arc<Events>>,
}

impl ActivityQueue {
    /// Activity tasks leased in `store`.
    pub fn new(store: Arc<dyn Store>) -> ActivityQueue {
        ActivityQueue {
            store,
            offered: Mutex::new(HashMap::new()),
            offers: Notify::new(),
        }
    }

    /// `GetActivityTask`: the next task of `activity` (its ARN), waiting up to
    /// `wait` for one (AWS long-polls 60 s); `None` when none came. The task is
    /// leased to the caller durably before it is returned: a state resumed after a
    /// restart waits for the worker's answer instead of offering it again.
    pub async fn next(&self, activity: &str, wait: Duration) -> Option<ActivityTask> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let offered = self.offers.notified();
            tokio::pin!(offered);
            // Registered before looking, so that an offer in between wakes it.
            offered.as_mut().enable();
            let offer = self.lock().get_mut(activity).and_then(VecDeque::pop_front);
            if let Some(Offer { task, events }) = offer {
                let now = unix_millis(SystemTime::now());
                let _ = self
                    .store
                    .note(lease_key(&task.token), now.to_string())
                    .await;
                if let Some(events) = events {
                    events.activity_started();
                }
                return Some(task);
            }
            tokio::time::timeout_at(deadline, offered).await.ok()?;
        }
    }

    /// Whether a task of `activity` is offered now (none is taken).
    pub fn offers(&self, activity: &str) -> bool {
        self.lock()
            .get(activity)
            .is_some_and(|offers| !offers.is_empty())
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, VecDeque<Offer>>> {
        self.offered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Activities for ActivityQueue {
    fn leased(&self, token: &str) -> bool {
        matches!(self.store.noted(&lease_key(token)), Ok(Some(_)))
    }

    fn offer(&self, activity: &str, task: ActivityTask, events: Option<Arc<Events>>) {
        self.lock()
            .entry(activity.to_owned())
            .or_default()
            .push_back(Offer { task, events });
        self.offers.notify_waiters();
    }

    fn withdraw(&self, token: &str) {
        for offers in self.lock().values_mut() {
            offers.retain(|offer| offer.task.token != token);
        }
    }
}

/// Checks that `token` is a task token of an execution in `store` that runs, as
/// `SendTask*` do: [`EngineError::InvalidToken`], [`EngineError::TaskDoesNotExist`]
/// or, once it ended, [`EngineError::TaskTimedOut`].
fn check_token(store: &dyn Store, token: &str) -> Result<(), EngineError> {
    let arn =
        callback::execution_of(token).ok_or_else(|| EngineError::InvalidToken(token.into()))?;
    match store.execution(&arn)? {
        None => Err(EngineError::TaskDoesNotExist),
        Some(record) if record.position.status != ExecutionStatus::Running => {
            Err(EngineError::TaskTimedOut)
        }
        Some(_) => Ok(()),
    }
}

/// The store key of the lease of the activity task of `token`.
fn lease_key(token: &str) -> String {
    format!("{token}/lease")
}

/// The store key of the last heartbeat sent for `token`.
fn beat_key(token: &str) -> String {
    format!("{token}/beat")
}
