//! The journal: what the durable [`engine`](crate::engine) keeps of the work *inside*
//! a state, beside the checkpoints it commits between two states.
//!
//! - The output of each Parallel branch and Map iteration that finished, under
//!   `<execution ARN>/<place>` (see [`Place`]), and of each child execution of a
//!   Distributed Map, under its ARN. A Parallel or Map state that runs again (resumed
//!   after a crash, or redriven after a failure) runs only the branches, iterations
//!   and children that did not finish.
//! - A state's retry progress, under `<entry key>/retry` (see
//!   [`Context::entry_key`](crate::Context::entry_key)): how often each retrier fired
//!   and when the next attempt is due, so that a backoff survives a restart.
//! - A redriven state's anchor, under `<execution ARN>/redrive/<StateEntered id>`: the
//!   failed entry whose finished branches and iterations it keeps.
//! - The history events made inside a state (a Task's attempts, a Map's iterations),
//!   held here until the transition of the state is committed with them.
//!
//! Notes go through the store's writer with the checkpoints, and the work goes on
//! once they are durable.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde_json::Value;

use crate::context::{Anchor, Place};
use crate::error::ExecutionError;
use crate::history::{
    ActivityScheduled, ActivityStarted, Details, EventType, Failure, MapIteration, Output,
    Resource, Scheduled, TaskFailure, TaskOutput, Truncated,
};

/// The `resourceType` of activity Tasks (see [`Resource::of`]).
const ACTIVITY: &str = "activity";
use crate::store::Store;

/// The journal of one execution run by the durable engine.
#[derive(Debug)]
pub struct Journal {
    store: Arc<dyn Store>,
    events: Mutex<Vec<Pending>>,
}

/// A history event made inside a state, not numbered yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// When it happened.
    pub time: SystemTime,
    /// Its type.
    pub kind: EventType,
    /// Its details.
    pub details: Details,
}

impl Journal {
    /// The journal of an execution checkpointed to `store`.
    pub fn new(store: Arc<dyn Store>) -> Journal {
        Journal {
            store,
            events: Mutex::new(Vec::new()),
        }
    }

    /// The note under `key`. One that cannot be read counts as absent: the work it
    /// would have saved runs again, as Tasks run at least once anyway.
    pub(crate) fn read(&self, key: &str) -> Option<String> {
        self.store.noted(key).ok().flatten()
    }

    /// Writes `value` under `key` and waits until it is durable. A store that cannot
    /// write stops the process (see [`Store`]); one whose writer is gone (the engine
    /// is being dropped) leaves the note unwritten, which costs only work again.
    pub(crate) async fn write(&self, key: String, value: String) {
        let _ = self.store.note(key, value).await;
    }

    /// Records an event made now, to be committed with the state's transition.
    pub(crate) fn record(&self, kind: EventType, details: Details) {
        self.lock().push(Pending {
            time: SystemTime::now(),
            kind,
            details,
        });
    }

    /// The events recorded since the last call, oldest first.
    pub fn take_events(&self) -> Vec<Pending> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Pending>> {
        self.events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs the branch or iteration at `place` of execution `arn` (`run`), unless
    /// it finished before: then its noted output is the outcome. An output is noted
    /// before it is returned. Iterations of the top-level machine's Map states record
    /// `MapIterationStarted` and `MapIterationSucceeded` or `MapIterationFailed`.
    pub(crate) async fn branch(
        &self,
        arn: &str,
        place: &Place,
        run: impl Future<Output = Result<Value, ExecutionError>>,
    ) -> Result<Value, ExecutionError> {
        let iteration = place.top_level_item().map(|(name, index)| MapIteration {
            name: name.to_owned(),
            index,
        });
        if let Some(iteration) = &iteration {
            self.record(
                EventType::MapIterationStarted,
                Details::MapIterationStarted(iteration.clone()),
            );
        }
        let outcome = self.once(format!("{arn}/{place}"), run).await;
        if let Some(iteration) = iteration {
            let (kind, details) = match outcome {
                Ok(_) => (
                    EventType::MapIterationSucceeded,
                    Details::MapIterationSucceeded(iteration),
                ),
                Err(_) => (
                    EventType::MapIterationFailed,
                    Details::MapIterationFailed(iteration),
                ),
            };
            self.record(kind, details);
        }
        outcome
    }

    /// The output noted under `key`, or else `run`'s outcome, its output noted under
    /// `key` before it is returned.
    pub(crate) async fn once(
        &self,
        key: String,
        run: impl Future<Output = Result<Value, ExecutionError>>,
    ) -> Result<Value, ExecutionError> {
        let finished = self
            .read(&key)
            .and_then(|text| serde_json::from_str::<Value>(&text).ok());
        if let Some(output) = finished {
            return Ok(output);
        }
        let outcome = run.await;
        if let Ok(output) = &outcome {
            self.write(key, output.to_string()).await;
        }
        outcome
    }

    /// Records `TaskScheduled` (its `parameters` the handler's argument) and
    /// `TaskStarted` for an attempt at a Task with `resource`; for an activity,
    /// `ActivityScheduled` (`ActivityStarted` follows when a worker takes it).
    pub(crate) fn task_started(&self, resource: &str, argument: &Value) {
        let task = Resource::of(resource);
        if task.resource_type == ACTIVITY {
            self.record(
                EventType::ActivityScheduled,
                Details::ActivityScheduled(ActivityScheduled {
                    resource: task.resource,
                    input: argument.to_string(),
                    input_details: Truncated::default(),
                }),
            );
            return;
        }
        self.record(
            EventType::TaskScheduled,
            Details::TaskScheduled(Scheduled {
                resource_type: task.resource_type.clone(),
                resource: task.resource.clone(),
                region: crate::context::REGION.to_owned(),
                parameters: argument.to_string(),
            }),
        );
        self.record(EventType::TaskStarted, Details::TaskStarted(task));
    }

    /// Records that a callback Task's handler handed out its token and answered
    /// `response` (`TaskSubmitted`); the outcome sent with the token comes later.
    pub(crate) fn task_submitted(&self, resource: &str, response: &Value) {
        let Resource {
            resource_type,
            resource,
        } = Resource::of(resource);
        self.record(
            EventType::TaskSubmitted,
            Details::TaskSubmitted(TaskOutput {
                resource_type,
                resource,
                output: response.to_string(),
                output_details: Truncated::default(),
            }),
        );
    }

    /// Records that a worker took an activity task (`ActivityStarted`).
    pub(crate) fn activity_started(&self) {
        self.record(
            EventType::ActivityStarted,
            Details::ActivityStarted(ActivityStarted::default()),
        );
    }

    /// Records how an attempt at a Task with `resource` ended: `TaskSucceeded` with
    /// the handler's result, `TaskTimedOut` (`States.Timeout`, a missed heartbeat
    /// included) or `TaskFailed`; for an activity, `ActivitySucceeded`,
    /// `ActivityTimedOut` or `ActivityFailed`.
    pub(crate) fn task_ended(&self, resource: &str, outcome: &Result<Value, ExecutionError>) {
        let Resource {
            resource_type,
            resource,
        } = Resource::of(resource);
        let timed_out = |error: &ExecutionError| error.name() == crate::error::names::TIMEOUT;
        if resource_type == ACTIVITY {
            let (kind, details) = match outcome {
                Ok(output) => (
                    EventType::ActivitySucceeded,
                    Details::ActivitySucceeded(Output {
                        output: output.to_string(),
                        output_details: Truncated::default(),
                    }),
                ),
                Err(error) => {
                    let failure = Failure {
                        error: error.error.clone(),
                        cause: error.cause.clone(),
                    };
                    if timed_out(error) {
                        (
                            EventType::ActivityTimedOut,
                            Details::ActivityTimedOut(failure),
                        )
                    } else {
                        (EventType::ActivityFailed, Details::ActivityFailed(failure))
                    }
                }
            };
            self.record(kind, details);
            return;
        }
        let (kind, details) = match outcome {
            Ok(output) => (
                EventType::TaskSucceeded,
                Details::TaskSucceeded(TaskOutput {
                    resource_type,
                    resource,
                    output: output.to_string(),
                    output_details: Truncated::default(),
                }),
            ),
            Err(error) => {
                let failure = TaskFailure {
                    resource_type,
                    resource,
                    error: error.error.clone(),
                    cause: error.cause.clone(),
                };
                if timed_out(error) {
                    (EventType::TaskTimedOut, Details::TaskTimedOut(failure))
                } else {
                    (EventType::TaskFailed, Details::TaskFailed(failure))
                }
            }
        };
        self.record(kind, details);
    }

    /// The anchor noted for the redriven entry `entered` of execution `arn`.
    pub(crate) fn anchor(&self, arn: &str, entered: u64) -> Option<Anchor> {
        let text = self.read(&anchor_key(arn, entered))?;
        let (entered, attempt) = text.split_once('.')?;
        Some(Anchor {
            entered: entered.parse().ok()?,
            attempt: attempt.parse().ok()?,
        })
    }

    /// Notes that the entry `entered` of execution `arn`, a redrive of state
    /// `state` whose failed entry was `failed`, keeps the branches and iterations
    /// of that entry's last attempt (or of what that entry kept, when it was itself
    /// a redrive that failed on its first attempt).
    pub(crate) async fn redrive(&self, arn: &str, state: &str, failed: u64, entered: u64) {
        let attempt = self
            .read(&format!("{}/retry", entry_key(arn, None, state, failed)))
            .and_then(|text| serde_json::from_str::<crate::retry::Progress>(&text).ok())
            .map_or(0, |progress| progress.retries);
        let anchor = match self.anchor(arn, failed) {
            Some(anchor) if attempt == 0 => anchor,
            _ => Anchor {
                entered: failed,
                attempt,
            },
        };
        let Anchor {
            entered: at,
            attempt,
        } = anchor;
        self.write(anchor_key(arn, entered), format!("{at}.{attempt}"))
            .await;
    }
}

/// `<execution ARN>/[<place>/]<state>/<StateEntered id>`: the key of an entry of
/// `state`.
pub(crate) fn entry_key(arn: &str, place: Option<&Place>, state: &str, entered: u64) -> String {
    match place {
        Some(place) => format!("{arn}/{place}/{state}/{entered}"),
        None => format!("{arn}/{state}/{entered}"),
    }
}

fn anchor_key(arn: &str, entered: u64) -> String {
    format!("{arn}/redrive/{entered}")
}
