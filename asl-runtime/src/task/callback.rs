//! Callback tasks (`.waitForTaskToken`): the handler hands out the task token, and
//! the state waits until `SendTaskSuccess` or `SendTaskFailure` comes with it, while
//! `SendTaskHeartbeat` keeps `HeartbeatSeconds` from running out.
//!
//! Under a durable engine each token is registered with its [`TaskTokens`] while its
//! state waits; the engine records the outcome sent for it before handing it over,
//! so that an accepted `SendTaskSuccess` survives a crash, and the state resumed
//! after a restart finds it without calling the handler again. Outcomes recorded by
//! another process sharing the engine's store are picked up within a second.
//!
//! Activity Tasks (`arn:aws:states:REGION:ACCOUNT:activity:NAME`) wait the same way,
//! without a handler: their input is offered to workers through the engine's
//! [`Activities`], which hand it out with `GetActivityTask` and lease it durably:
//! after a restart it is not offered again.
//!
//! The engine notes heartbeats too, so that a callback Task resumed after a restart
//! counts `HeartbeatSeconds` from the last one (or from its entry), and the journal
//! the handler's answer (`TaskSubmitted`), so that the history of a Task resumed
//! with its outcome recorded still shows it.
//!
//! Once nothing but an outcome can move it on (the handler answered, or a worker
//! took the activity task), a top-level Task offers its execution to the engine's
//! [`Park`](crate::hooks::Park) until the attempt would time out, awaiting its
//! token: a fleet's store keeps a timer row and the run leaves memory; whoever
//! records an outcome wakes it, and the Task resumed finds the outcome without
//! calling its handler again (nor when resumed early, to count a heartbeat: it
//! waits on).
//!
//! Outside an engine there is nobody to send a token to, and the handler's own
//! result is the Task's result, as for other Tasks.

use std::future::Future;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use tokio::sync::oneshot;

use super::{TaskContext, TaskError};
use crate::events::Pending;
use crate::exec::Run;
use crate::hooks::Boxed;
pub use crate::hooks::{Activities, ActivityTask, Callbacks, Outcome, TaskTokens};

/// How often a waiting state asks the engine for an outcome another process
/// recorded.
const POLL: Duration = Duration::from_secs(1);

/// The task token of the Task state now entered in `run`: its
/// [idempotency key](TaskContext::idempotency_key) in URL-safe base64, so that it
/// names the execution and stays the same when a resumed execution runs the attempt
/// again. When the execution the store keeps is not the ARN the key starts with up
/// to its first `/` (a Distributed Map child, whose ARN holds `/`s and which the
/// store keeps as part of its top-level execution), `.` and that execution's ARN in
/// URL-safe base64 follow, so that [`execution_of`] finds it.
pub fn token(run: &Run) -> String {
    let key = super::idempotency_key(run);
    let mut token = URL_SAFE_NO_PAD.encode(&key);
    let execution = run.execution();
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
        .filter(|arn| crate::arn::is_states_arn(arn))
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
    crate::arn::is_states_arn(&arn).then_some(arn)
}

/// Runs a callback Task: calls `handler` (which hands out the token), then waits for
/// the outcome sent for the token. Outside the engine, the handler's result is the
/// result. A resumed Task whose outcome was recorded returns it without calling the
/// handler; under an engine that parks, one whose handler answered before is not
/// called again either, and waits on.
pub async fn wait_for_token(
    task: TaskContext<'_>,
    handler: impl Future<Output = Result<Value, TaskError>>,
) -> Result<Value, TaskError> {
    let (Some(callbacks), Some(token)) = (task.callbacks(), task.task_token()) else {
        return handler.await;
    };
    let journal = task.journal();
    let submitted = format!("{token}/submitted");
    // The handler's TaskSubmitted, as noted when it answered before: under an
    // engine that parks, where the Task resumes after each park, it is not called
    // again; elsewhere only with the outcome recorded, a restart calling it again
    // otherwise (at least once).
    let noted = journal
        .filter(|_| task.resumed())
        .and_then(|journal| journal.read(&submitted))
        .and_then(|text| serde_json::from_str::<Pending>(&text).ok());
    if let Some(outcome) = callbacks.tokens.recorded(token) {
        if let (Some(events), Some(event)) = (task.events(), noted) {
            events.extend(vec![event]);
        }
        return into_result(outcome);
    }
    let outcome = callbacks.tokens.register(token, task.heartbeat().clone());
    let forget = Forget { callbacks, token };
    match noted.filter(|_| task.park().is_some()) {
        Some(event) => {
            if let Some(events) = task.events() {
                events.extend(vec![event]);
            }
        }
        None => {
            let response = handler.await?;
            if let Some(events) = task.events() {
                let event = events.task_submitted(task.classified_resource(), &response);
                if let Some(journal) = journal {
                    // An answer that comes meanwhile waits in `outcome`.
                    let text = serde_json::to_string(&event).unwrap_or_default();
                    journal.write(submitted, text).await;
                }
            }
        }
    }
    let waiting = Waiting {
        task,
        callbacks,
        token,
        parks: Parks::Now,
    };
    waiting.wait(outcome, forget).await
}

/// Runs an activity Task: under the engine, offers `input` to the workers of the
/// Task's activity (unless a worker took it before a restart) and waits for the
/// outcome sent with the token; outside it, the handler runs on `input` instead.
pub async fn activity<F, Fut>(
    task: TaskContext<'_>,
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
    if let Some(outcome) = callbacks.tokens.recorded(token) {
        // Answered before a restart, by the worker that took it.
        if let Some(events) = task.events()
            && callbacks.activities.leased(token)
        {
            events.activity_started();
        }
        return into_result(outcome);
    }
    let outcome = callbacks.tokens.register(token, task.heartbeat().clone());
    let forget = Forget { callbacks, token };
    let events = task.events().cloned();
    let parks = if callbacks.activities.leased(token) {
        if let Some(events) = events {
            events.activity_started();
        }
        Parks::Now
    } else {
        let offered = ActivityTask {
            token: token.to_owned(),
            input,
        };
        callbacks.activities.offer(task.resource(), offered, events);
        // Looking for the lease costs a read a second: only where it may park.
        if task.park().is_some() {
            Parks::OnceLeased
        } else {
            Parks::Asked
        }
    };
    let waiting = Waiting {
        task,
        callbacks,
        token,
        parks,
    };
    waiting.wait(outcome, forget).await
}

/// A Task waiting for the outcome of its token.
struct Waiting<'a> {
    task: TaskContext<'a>,
    callbacks: &'a Callbacks,
    token: &'a str,
    parks: Parks,
}

/// When a waiting Task may be parked (see [`Park`](crate::hooks::Park)): once
/// nothing but an outcome sent for its token can move it on.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Parks {
    /// It only waits: its handler handed the token out, or a worker took its
    /// activity task.
    Now,
    /// Once a worker takes its activity task: until then the offer lives here.
    OnceLeased,
    /// Not any more: it asked once (or cannot park).
    Asked,
}

impl Waiting<'_> {
    /// Waits for the outcome: from this process through `outcome`, or recorded by
    /// another process. Meanwhile, the engine may park the execution until the
    /// attempt would time out, or an outcome comes (see [`Waiting::park`]).
    async fn wait(
        mut self,
        mut outcome: oneshot::Receiver<Outcome>,
        forget: Forget<'_>,
    ) -> Result<Value, TaskError> {
        let mut parking = self.park();
        let outcome = loop {
            tokio::select! {
                sent = &mut outcome => match sent {
                    Ok(outcome) => break outcome,
                    // The registration was replaced: this attempt is superseded.
                    Err(_) => std::future::pending().await,
                },
                () = &mut parking => parking = Box::pin(std::future::pending()),
                () = tokio::time::sleep(POLL) => {
                    if let Some(outcome) = self.callbacks.tokens.recorded(self.token) {
                        break outcome;
                    }
                    if self.parks == Parks::OnceLeased
                        && self.callbacks.activities.leased(self.token)
                    {
                        self.parks = Parks::Now;
                        parking = self.park();
                    }
                }
            }
        };
        drop(forget);
        into_result(outcome)
    }

    /// Asks the engine to park the execution until the attempt times out (by
    /// `TimeoutSeconds` or `HeartbeatSeconds`; at the latest the execution's own
    /// timeout), unless an outcome for the token is recorded first: a future that
    /// completes at once when it was not parked, and never when it was. Nothing
    /// to do unless the Task [`Parks::Now`], at most once.
    fn park(&mut self) -> Boxed<'static, ()> {
        let park = self.task.park().filter(|_| self.parks == Parks::Now);
        let Some(park) = park else {
            return Box::pin(std::future::pending());
        };
        self.parks = Parks::Asked;
        let now = tokio::time::Instant::now();
        let ahead = self
            .task
            .times_out_at()
            .map_or(Duration::from_secs(super::DEFAULT_TIMEOUT_SECONDS), |at| {
                at.saturating_duration_since(now)
            });
        match std::time::SystemTime::now().checked_add(ahead) {
            Some(due) => park.park(due, Some(self.token)),
            None => Box::pin(std::future::pending()),
        }
    }
}

/// The Task's result for `outcome`.
fn into_result(outcome: Outcome) -> Result<Value, TaskError> {
    match outcome {
        Outcome::Success(output) => Ok(output),
        Outcome::Failure { error, cause } => Err(TaskError { error, cause }),
    }
}

/// Removes a token's registration when its state stops waiting (ends, times out or
/// is cancelled).
struct Forget<'a> {
    callbacks: &'a Callbacks,
    token: &'a str,
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        self.callbacks.tokens.forget(self.token);
        self.callbacks.activities.withdraw(self.token);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use std::sync::Arc;
    use std::time::SystemTime;

    use crate::arn::Account;
    use crate::context::{Execution, ExecutionType};
    use crate::events::Events;
    use crate::heartbeat::Heartbeat;

    /// Hooks that hold nothing: enough to make tokens.
    #[derive(Debug)]
    struct Nowhere;

    impl TaskTokens for Nowhere {
        fn recorded(&self, _: &str) -> Option<Outcome> {
            None
        }
        fn register(&self, _: &str, _: Heartbeat) -> oneshot::Receiver<Outcome> {
            oneshot::channel().1
        }
        fn forget(&self, _: &str) {}
        fn last_beat(&self, _: &str) -> Option<SystemTime> {
            None
        }
    }

    impl Activities for Nowhere {
        fn leased(&self, _: &str) -> bool {
            false
        }
        fn offer(&self, _: &str, _: ActivityTask, _: Option<Arc<Events>>) {}
        fn withdraw(&self, _: &str) {}
    }

    /// A top-level execution under an engine (with callbacks), named `name`.
    fn top_level(name: &str) -> Execution {
        let callbacks = Arc::new(Callbacks {
            tokens: Arc::new(Nowhere),
            activities: Arc::new(Nowhere),
            machines: None,
        });
        Execution::new("Orders", Some(name.to_owned()), json!({})).with_callbacks(callbacks)
    }

    /// The token of state `state` entered in `execution`.
    fn token_in(execution: Execution, state: &'static str) -> String {
        let mut run = Run::new(Arc::new(execution));
        run.enter(state);
        token(&run)
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
    fn a_token_names_its_execution_in_any_partition_region_and_account() {
        let account = Account::in_partition("aws-cn", "cn-north-1", "111122223333").unwrap();
        let parent = top_level("run-1").with_account(Arc::new(account));
        let arn = parent.id();
        assert!(
            arn.starts_with("arn:aws-cn:states:cn-north-1:111122223333:execution:"),
            "{arn}"
        );
        let child = parent.child("orders", ExecutionType::Standard, "m-0".into(), None);
        assert_eq!(execution_of(&token_in(parent, "Ask")), Some(arn.clone()));
        assert_eq!(execution_of(&token_in(child, "Ask")), Some(arn));
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
