//! Callback tasks (`.waitForTaskToken`): the handler hands out the task token, and
//! the state waits until `SendTaskSuccess` or `SendTaskFailure` comes with it, while
//! `SendTaskHeartbeat` keeps `HeartbeatSeconds` from running out.
//!
//! Under the durable [`Engine`](crate::Engine) each token is registered here while
//! its state waits, and the outcome sent for it is first recorded in the store: an
//! accepted `SendTaskSuccess` survives a crash, and the state resumed after a restart
//! finds it without calling the handler again. Outcomes recorded by another process
//! sharing the store (`asl executions send-task-success`) are picked up within a
//! second.
//!
//! Activity Tasks (`arn:aws:states:REGION:ACCOUNT:activity:NAME`) wait the same way,
//! without a handler: their input is offered to workers, which take it with
//! `GetActivityTask` ([`Callbacks::next_activity_task`]) and answer with the token. A
//! task taken is leased durably: after a restart it is not offered again.
//!
//! Heartbeats are noted in the store too, so that a callback Task resumed after a
//! restart counts `HeartbeatSeconds` from the last one (or from its entry).
//!
//! Outside the engine there is nobody to send a token to, and the handler's own
//! result is the Task's result, as for other Tasks.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::{Notify, oneshot};

use super::{Heartbeat, TaskContext, TaskError};
use crate::context::Context;
use crate::journal::{Events, Journal};
use crate::store::{Store, StoreError};

/// How often a waiting state looks in the store for an outcome another process
/// recorded.
const POLL: Duration = Duration::from_secs(1);

/// What `SendTaskSuccess` or `SendTaskFailure` gave a token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// `SendTaskSuccess`: the Task's result.
    Success(Value),
    /// `SendTaskFailure`: the Task's error and cause.
    Failure {
        /// The error name.
        error: Option<String>,
        /// The cause.
        cause: Option<String>,
    },
}

impl Outcome {
    fn into_result(self) -> Result<Value, TaskError> {
        match self {
            Outcome::Success(output) => Ok(output),
            Outcome::Failure { error, cause } => Err(TaskError { error, cause }),
        }
    }
}

/// The callback tasks of one engine: the tokens waiting in this process, the
/// activity tasks offered to workers, and the store outcomes are recorded in.
#[derive(Debug)]
pub struct Callbacks {
    store: Arc<dyn Store>,
    waiting: Mutex<HashMap<String, Waiting>>,
    offered: Mutex<HashMap<String, VecDeque<Offer>>>,
    offers: Notify,
    machines: Option<Arc<super::nested::Machines>>,
}

/// What `GetActivityTask` hands a worker.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityTask {
    /// The token to answer with (`SendTaskSuccess`, `SendTaskFailure`,
    /// `SendTaskHeartbeat`).
    pub token: String,
    /// The Task's input.
    pub input: Value,
}

/// An activity task waiting for a worker, and the history events that record when
/// one takes it.
#[derive(Debug)]
struct Offer {
    task: ActivityTask,
    events: Option<Arc<Events>>,
}

#[derive(Debug)]
struct Waiting {
    outcome: oneshot::Sender<Outcome>,
    heartbeat: Heartbeat,
}

impl Callbacks {
    /// Callbacks recorded in `store`.
    pub fn new(store: Arc<dyn Store>) -> Callbacks {
        Callbacks {
            store,
            waiting: Mutex::new(HashMap::new()),
            offered: Mutex::new(HashMap::new()),
            offers: Notify::new(),
            machines: None,
        }
    }

    /// The same, with `machines` to start nested executions of.
    pub fn with_machines(self, machines: Arc<super::nested::Machines>) -> Callbacks {
        Callbacks {
            machines: Some(machines),
            ..self
        }
    }

    /// The machines nested executions can start, under an engine that has them.
    pub fn machines(&self) -> Option<&super::nested::Machines> {
        self.machines.as_deref()
    }

    /// `GetActivityTask`: the next task of `activity` (its ARN), waiting up to
    /// `wait` for one (AWS long-polls 60 s); `None` when none came. The task is
    /// leased to the caller durably before it is returned: a state resumed after a
    /// restart waits for the worker's answer instead of offering it again.
    pub async fn next_activity_task(&self, activity: &str, wait: Duration) -> Option<ActivityTask> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let offered = self.offers.notified();
            tokio::pin!(offered);
            // Registered before looking, so that an offer in between wakes it.
            offered.as_mut().enable();
            let offer = self
                .lock_offered()
                .get_mut(activity)
                .and_then(VecDeque::pop_front);
            if let Some(Offer { task, events }) = offer {
                let now = crate::store::millis(std::time::SystemTime::now());
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

    fn offer(&self, activity: &str, offer: Offer) {
        self.lock_offered()
            .entry(activity.to_owned())
            .or_default()
            .push_back(offer);
        self.offers.notify_waiters();
    }

    fn withdraw(&self, token: &str) {
        for offers in self.lock_offered().values_mut() {
            offers.retain(|offer| offer.task.token != token);
        }
    }

    /// Whether the activity task of `token` was leased to a worker.
    fn leased(&self, token: &str) -> bool {
        matches!(self.store.noted(&lease_key(token)), Ok(Some(_)))
    }

    fn lock_offered(&self) -> MutexGuard<'_, HashMap<String, VecDeque<Offer>>> {
        self.offered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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

    /// `SendTaskHeartbeat`: restarts the `HeartbeatSeconds` clock of the state
    /// waiting for `token`, and notes the time, so that a state resumed after a
    /// restart counts from it. Returns whether it waits in this process.
    pub fn beat(&self, token: &str) -> bool {
        let now = crate::store::millis(std::time::SystemTime::now());
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

    /// The outcome recorded for `token`, if any.
    fn recorded(&self, token: &str) -> Option<Outcome> {
        let text = self.store.callback(token).ok()??;
        serde_json::from_str(&text).ok()
    }

    /// Waits for the outcome of `token`, its heartbeats going to `heartbeat`.
    fn register(&self, token: &str, heartbeat: Heartbeat) -> oneshot::Receiver<Outcome> {
        let (outcome, receiver) = oneshot::channel();
        self.lock()
            .insert(token.to_owned(), Waiting { outcome, heartbeat });
        receiver
    }

    fn forget(&self, token: &str) {
        self.lock().remove(token);
        self.withdraw(token);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Waiting>> {
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The task token of the Task state `state` now entered in `context`: its
/// [idempotency key](TaskContext::idempotency_key) in URL-safe base64, so that it
/// names the execution and stays the same when a resumed execution runs the attempt
/// again. When the execution the store keeps is not the ARN the key starts with up
/// to its first `/` (a Distributed Map child, whose ARN holds `/`s and which the
/// store keeps as part of its top-level execution), `.` and that execution's ARN in
/// URL-safe base64 follow, so that [`execution_of`] finds it.
pub fn token(state: &'static str, context: &Context) -> String {
    let key = TaskContext::new(state, "", context).idempotency_key();
    let mut token = URL_SAFE_NO_PAD.encode(&key);
    let execution = context.execution();
    let stored = match execution.top_level() {
        Some(arn) => std::borrow::Cow::Borrowed(arn),
        None => std::borrow::Cow::Owned(execution.id()),
    };
    if arn_in_key(&key) != Some(&*stored) {
        token.push(STORED_SEPARATOR);
        token.push_str(&URL_SAFE_NO_PAD.encode(stored.as_bytes()));
    }
    token
}

/// Between a token's key and the ARN of its stored execution; not in the base64
/// alphabet.
const STORED_SEPARATOR: char = '.';

/// The execution ARN at the start of an idempotency key, up to its first `/`.
fn arn_in_key(key: &str) -> Option<&str> {
    key.split('/')
        .next()
        .filter(|arn| arn.starts_with("arn:aws:states:"))
}

/// The journal key of the lease of the activity task of `token`.
fn lease_key(token: &str) -> String {
    format!("{token}/lease")
}

/// The journal key of the last heartbeat sent for `token`.
fn beat_key(token: &str) -> String {
    format!("{token}/beat")
}

/// When the last heartbeat for `token` was sent, as noted in `journal`.
pub(crate) fn last_beat(journal: &Journal, token: &str) -> Option<std::time::SystemTime> {
    let millis = journal.read(&beat_key(token))?.parse().ok()?;
    Some(crate::store::from_millis(millis))
}

/// The ARN of the execution the store keeps that `token` was made in (see
/// [`token`]), or `None` when it is not a token made here.
pub fn execution_of(token: &str) -> Option<String> {
    let decode = |text: &str| String::from_utf8(URL_SAFE_NO_PAD.decode(text).ok()?).ok();
    let (key, stored) = match token.split_once(STORED_SEPARATOR) {
        Some((key, stored)) => (key, Some(stored)),
        None => (token, None),
    };
    let key = decode(key)?;
    let arn = match stored {
        Some(stored) => decode(stored)?,
        None => arn_in_key(&key)?.to_owned(),
    };
    arn.starts_with("arn:aws:states:").then_some(arn)
}

/// Runs a callback Task: calls `handler` (which hands out the token), then waits for
/// the outcome sent for the token. Outside the engine, the handler's result is the
/// result. A resumed Task whose outcome was recorded before the crash returns it
/// without calling the handler.
pub async fn wait_for_token(
    task: TaskContext<'_>,
    handler: impl Future<Output = Result<Value, TaskError>>,
) -> Result<Value, TaskError> {
    let (Some(callbacks), Some(token)) = (task.callbacks(), task.task_token()) else {
        return handler.await;
    };
    if let Some(outcome) = callbacks.recorded(token) {
        return outcome.into_result();
    }
    let outcome = callbacks.register(token, task.heartbeat().clone());
    let forget = Forget { callbacks, token };
    let response = handler.await?;
    if let Some(events) = task.events() {
        events.task_submitted(task.resource(), &response);
    }
    wait(callbacks, token, outcome, forget).await
}

/// Runs an activity Task: under the engine, offers `input` to the workers of
/// `activity` (unless a worker took it before a restart) and waits for the outcome
/// sent with the token; outside it, the handler runs on `input` instead.
pub async fn activity<F, Fut>(
    task: TaskContext<'_>,
    activity: &str,
    input: Value,
    handler: F,
) -> Result<Value, TaskError>
where
    F: FnOnce(Value) -> Fut,
    Fut: Future<Output = Result<Value, TaskError>>,
{
    let (Some(callbacks), Some(token)) = (task.callbacks(), task.task_token()) else {
        return handler(input).await;
    };
    if let Some(outcome) = callbacks.recorded(token) {
        return outcome.into_result();
    }
    let outcome = callbacks.register(token, task.heartbeat().clone());
    let forget = Forget { callbacks, token };
    let events = task.events().cloned();
    if callbacks.leased(token) {
        if let Some(events) = events {
            events.activity_started();
        }
    } else {
        let task = ActivityTask {
            token: token.to_owned(),
            input,
        };
        callbacks.offer(activity, Offer { task, events });
    }
    wait(callbacks, token, outcome, forget).await
}

/// Waits for the outcome of `token`: from this process through `outcome`, or
/// recorded by another in the store.
async fn wait(
    callbacks: &Callbacks,
    token: &str,
    mut outcome: oneshot::Receiver<Outcome>,
    forget: Forget<'_>,
) -> Result<Value, TaskError> {
    let outcome = loop {
        tokio::select! {
            sent = &mut outcome => match sent {
                Ok(outcome) => break outcome,
                // The registration was replaced: this attempt is superseded.
                Err(_) => std::future::pending().await,
            },
            () = tokio::time::sleep(POLL) => {
                if let Some(outcome) = callbacks.recorded(token) {
                    break outcome;
                }
            }
        }
    };
    drop(forget);
    outcome.into_result()
}

/// Removes a token's registration when its state stops waiting (ends, times out or
/// is cancelled).
struct Forget<'a> {
    callbacks: &'a Callbacks,
    token: &'a str,
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        self.callbacks.forget(self.token);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::context::{Execution, ExecutionType};
    use crate::store::MemoryStore;

    /// A top-level execution under an engine (with callbacks), named `name`.
    fn top_level(name: &str) -> Execution {
        let callbacks = Arc::new(Callbacks::new(Arc::new(MemoryStore::new())));
        Execution::new("Orders", Some(name.to_owned()), json!({})).with_callbacks(callbacks)
    }

    /// The token of state `state` entered in `execution`.
    fn token_in(execution: Execution, state: &'static str) -> String {
        let mut context = Context::new(Arc::new(execution));
        context.enter(state);
        token(state, &context)
    }

    #[test]
    fn a_top_level_token_is_its_key_in_base64_as_before() {
        let execution = top_level("run-1");
        let arn = execution.id();
        let token = token_in(execution, "Ask");
        let key = String::from_utf8(URL_SAFE_NO_PAD.decode(&token).unwrap()).unwrap();
        assert!(key.starts_with(&format!("{arn}/Ask/")), "{key}");
        assert_eq!(execution_of(&token), Some(arn));
    }

    #[test]
    fn a_distributed_map_child_s_token_names_its_top_level_execution() {
        let parent = top_level("run-1");
        let arn = parent.id();
        let child = parent.child("orders", ExecutionType::Standard, "m-0".into(), None);
        assert!(child.id().contains('/'), "{}", child.id());
        // A state name with `/` too, in a child of a child.
        let grandchild = child.child("a/b:c", ExecutionType::Express, "m-1".into(), None);
        for execution in [child, grandchild] {
            let own = execution.id();
            let token = token_in(execution, "Ask/again");
            assert_eq!(execution_of(&token), Some(arn.clone()), "{own}");
            let (key, _) = token.split_once('.').unwrap();
            let key = String::from_utf8(URL_SAFE_NO_PAD.decode(key).unwrap()).unwrap();
            assert!(key.starts_with(&format!("{own}/Ask/again/")), "{key}");
        }
    }

    #[test]
    fn anything_else_is_not_a_token() {
        let arn = "arn:aws:states:us-east-1:123456789012:execution:M:e";
        let encode = |text: &str| URL_SAFE_NO_PAD.encode(text);
        for token in [
            String::new(),
            "not-a-token".to_owned(),
            encode("no-arn/Ask/2/0"),
            format!("{}.{}", encode(&format!("{arn}/Ask/2/0")), encode("no-arn")),
            format!("{}.not base64", encode(&format!("{arn}/Ask/2/0"))),
            format!("not base64.{}", encode(arn)),
        ] {
            assert_eq!(execution_of(&token), None, "{token}");
        }
    }
}
