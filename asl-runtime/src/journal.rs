//! The journal: what a durable engine keeps of the work *inside* a state, beside
//! the checkpoints it commits between two states. The runtime decides what to note
//! and when; the engine decides where notes go, by implementing
//! [`Notes`] (the runtime does no I/O of its own).
//!
//! - The output of each Parallel branch and Map iteration that finished, under
//!   `<execution ARN>/<place>` (see [`Place`]), and of each child execution of a
//!   Distributed Map, under its ARN. A Parallel or Map state that runs again (resumed
//!   after a crash, or redriven after a failure) runs only the branches, iterations
//!   and children that did not finish.
//! - A state's retry progress, under `<entry key>/retry` (see
//!   [`Run::entry_key`](crate::exec::Run::entry_key)): how often each retrier fired,
//!   when the next attempt is due, and the events of the attempts that failed, so
//!   that a backoff survives a restart and the history keeps those attempts.
//! - A redriven state's anchor, under `<execution ARN>/redrive/<StateEntered id>`: the
//!   failed entry whose finished branches and iterations it keeps.
//! - The history [`Events`] made inside a state, held until the state's transition is
//!   committed with them.
//!
//! Notes go through the engine's writer with its checkpoints, and the work goes on
//! once they are durable.

use std::future::Future;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ExecutionError;
use crate::events::details::{Details, EventType, MapIteration};
use crate::events::{Events, Pending};
use crate::hooks::Notes;
use crate::place::{Anchor, Place, entry_key};

/// The journal of one execution run by the durable engine.
#[derive(Debug)]
pub struct Journal {
    notes: Arc<dyn Notes>,
    events: Arc<Events>,
}

/// What is noted of a finished branch or iteration: its output and the events
/// made inside it, which the history shows even when the state around it is run
/// again after a restart.
#[derive(Debug, Serialize, Deserialize)]
struct Finished {
    output: Value,
    events: Vec<Pending>,
}

impl Journal {
    /// The journal of an execution whose notes go to `notes`.
    pub fn new(notes: Arc<dyn Notes>) -> Journal {
        Journal {
            notes,
            events: Arc::default(),
        }
    }

    /// The events the top-level machine's states make.
    pub fn events(&self) -> &Arc<Events> {
        &self.events
    }

    /// The note under `key` (see [`Notes::read`]).
    pub fn read(&self, key: &str) -> Option<String> {
        self.notes.read(key)
    }

    /// Writes `value` under `key` and waits until it is durable (see
    /// [`Notes::write`]).
    pub async fn write(&self, key: String, value: String) {
        self.notes.write(key, value).await;
    }

    /// Writes `value` under `key` without waiting: it is durable with the store's
    /// next group commit, before any checkpoint committed after it.
    pub fn send(&self, key: String, value: String) {
        drop(self.notes.write(key, value));
    }

    /// Runs the branch or iteration at `place` of execution `arn` (`run`, whose
    /// states record their events in `own`), unless it finished before: then its
    /// noted output is the outcome. An output is noted, with the events, before it is
    /// returned. The events join `around`'s (those of the state that runs the
    /// branch or iteration), an iteration's between `MapIterationStarted` and
    /// `MapIterationSucceeded` or `MapIterationFailed`.
    pub(crate) async fn branch(
        &self,
        arn: &str,
        place: &Place,
        around: &Events,
        own: &Events,
        run: impl Future<Output = Result<Value, ExecutionError>>,
    ) -> Result<Value, ExecutionError> {
        let iteration = place.item().map(|(name, index)| MapIteration {
            name: name.to_owned(),
            index,
        });
        if let Some(iteration) = &iteration {
            around.record(
                EventType::MapIterationStarted,
                Details::MapIterationStarted(iteration.clone()),
            );
        }
        let key = format!("{arn}/{place}");
        let finished = self
            .read(&key)
            .and_then(|text| serde_json::from_str::<Finished>(&text).ok());
        let outcome = match finished {
            Some(Finished { output, events }) => {
                around.extend(events);
                Ok(output)
            }
            None => {
                let outcome = run.await;
                let events = own.take();
                if let Ok(output) = &outcome {
                    let finished = Finished {
                        output: output.clone(),
                        events,
                    };
                    let text = serde_json::to_string(&finished).unwrap_or_default();
                    self.write(key, text).await;
                    around.extend(finished.events);
                } else {
                    around.extend(events);
                }
                outcome
            }
        };
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
            around.record(kind, details);
        }
        outcome
    }

    /// The output noted under `key`, or else `run`'s outcome, its output noted under
    /// `key` before it is returned (a Distributed Map's child, whose events are its
    /// own execution's).
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

    /// The anchor noted for the redriven entry `entered` of execution `arn`.
    pub fn anchor(&self, arn: &str, entered: u64) -> Option<Anchor> {
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
    pub async fn redrive(&self, arn: &str, state: &str, failed: u64, entered: u64) {
        let attempt = self
            .read(&format!("{}/retry", entry_key(arn, None, state, failed)))
            .and_then(|text| serde_json::from_str::<Progress>(&text).ok())
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

fn anchor_key(arn: &str, entered: u64) -> String {
    format!("{arn}/redrive/{entered}")
}

/// What the journal notes of a state's retries: each retrier's count, the retry
/// count of the next attempt, when it is due (milliseconds since the epoch), and
/// the history events of the state's attempts so far (none in notes written before
/// they were kept), which the history shows after a restart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Progress {
    pub(crate) used: Vec<u64>,
    pub(crate) retries: u32,
    pub(crate) due: i64,
    #[serde(default)]
    pub(crate) events: Vec<Pending>,
}
