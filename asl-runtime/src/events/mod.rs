//! The history events made while a state runs, before a durable engine numbers and
//! commits them with the state's transition: a Task's attempts, a Map's
//! iterations, and the states inside Parallel branches and Map iterations. Their
//! types and details, in AWS's vocabulary, are in [`details`].
//!
//! The top-level machine records into its execution's [`Events`]; each branch or
//! iteration into its own, which joins the events of the state around it when it
//! ends (see `Journal::branch`), so that its events stay
//! together in the history.

use std::sync::Mutex;
use std::time::SystemTime;

pub mod details;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::arn::Resource as TaskResource;
use crate::error::ExecutionError;
use crate::events::details::{
    ActivityScheduled, ActivityStarted, Details, Entered, EventType, Exited, Failure, MAX_EVENTS,
    MapStarted, Output, Resource, Scheduled, TaskFailure, TaskOutput, Truncated,
};
use crate::machine::{MachineState, StateType, Step};

/// A history event made inside a state, not numbered yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    /// When it happened, in milliseconds since the Unix epoch.
    pub time: i64,
    /// Its type.
    pub kind: EventType,
    /// Its details.
    pub details: Details,
}

impl Pending {
    /// When it happened.
    pub fn time(&self) -> SystemTime {
        crate::clock::from_unix_millis(self.time)
    }
}

/// Events made and not committed yet, oldest first. Past [`MAX_EVENTS`] more are
/// dropped: the execution fails at its next checkpoint anyway.
#[derive(Debug, Default)]
pub struct Events(Mutex<Vec<Pending>>);

impl Events {
    /// Records an event made now.
    pub fn record(&self, kind: EventType, details: Details) {
        let time = crate::clock::unix_millis(SystemTime::now());
        self.extend(vec![Pending {
            time,
            kind,
            details,
        }]);
    }

    /// Appends `events`.
    pub fn extend(&self, events: Vec<Pending>) {
        let mut pending = self.lock();
        if pending.len() <= MAX_EVENTS as usize {
            pending.extend(events);
        }
    }

    /// How many events are held.
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// A copy of the events held from index `from` on.
    pub(crate) fn since(&self, from: usize) -> Vec<Pending> {
        self.lock()
            .get(from..)
            .map(<[Pending]>::to_vec)
            .unwrap_or_default()
    }

    /// The events held, which are then gone.
    pub fn take(&self) -> Vec<Pending> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Pending>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records `<Type>StateEntered` of a state inside a branch or iteration; returns
    /// where the state's own events begin (see [`Events::exited`]).
    pub fn entered(&self, name: &str, state_type: StateType, input: &Value) -> usize {
        self.record(
            EventType::entered(state_type),
            Details::StateEntered(Entered {
                name: name.to_owned(),
                input: input.to_string(),
                input_details: Truncated::default(),
            }),
        );
        self.len()
    }

    /// Ends the events of a state inside a branch or iteration whose own events
    /// began at `from`: for a Parallel or Map state those [`Events::wrap`] adds (a
    /// failure its Catch `caught` counting as a failure), then `<Type>StateExited`
    /// with its output, unless it failed.
    pub fn exited<S: MachineState>(
        &self,
        from: usize,
        name: &str,
        state_type: StateType,
        outcome: &Result<Step<S>, ExecutionError>,
        caught: bool,
    ) {
        self.wrap(from, state_type, Some(outcome.is_ok() && !caught));
        let output = match outcome {
            Ok(Step::Next(next)) => next.input().to_string(),
            Ok(Step::Succeed(output)) => output.to_string(),
            Err(_) => return,
        };
        if let Some(kind) = EventType::exited(state_type) {
            self.record(
                kind,
                Details::StateExited(Exited {
                    name: name.to_owned(),
                    output,
                    output_details: Truncated::default(),
                }),
            );
        }
    }

    /// Around the events from `from` on of a Parallel or Map state: `...Started`
    /// (a Map's with the number of iterations that started) before them, and, when
    /// the state `succeeded` or not, `...Succeeded` or `...Failed` after them
    /// (neither when it was stopped). Other states' events stay as they are.
    pub fn wrap(&self, from: usize, state_type: StateType, succeeded: Option<bool>) {
        let (started, ok, failed) = match state_type {
            StateType::Map => (
                EventType::MapStateStarted,
                EventType::MapStateSucceeded,
                EventType::MapStateFailed,
            ),
            StateType::Parallel => (
                EventType::ParallelStateStarted,
                EventType::ParallelStateSucceeded,
                EventType::ParallelStateFailed,
            ),
            _ => return,
        };
        let mut events = self.lock();
        let from = from.min(events.len());
        let details = match state_type {
            StateType::Map => Details::MapStateStarted(MapStarted {
                length: events[from..]
                    .iter()
                    .filter(|event| event.kind == EventType::MapIterationStarted)
                    .count(),
            }),
            _ => Details::None {},
        };
        let now = crate::clock::unix_millis(SystemTime::now());
        let time = events.get(from).map_or(now, |event| event.time);
        events.insert(
            from,
            Pending {
                time,
                kind: started,
                details,
            },
        );
        let end = match succeeded {
            Some(true) => ok,
            Some(false) => failed,
            None => return,
        };
        events.push(Pending {
            time: now,
            kind: end,
            details: Details::None {},
        });
    }

    /// Records `TaskScheduled` (its `parameters` the handler's argument, its
    /// `region` the execution's) and `TaskStarted` for an attempt at a Task with
    /// `resource`; for an activity, `ActivityScheduled` (`ActivityStarted` follows
    /// when a worker takes it).
    pub fn task_started(&self, resource: &TaskResource, region: &str, argument: &Value) {
        if resource.is_activity() {
            self.record(
                EventType::ActivityScheduled,
                Details::ActivityScheduled(ActivityScheduled {
                    resource: resource.arn().to_owned(),
                    input: argument.to_string(),
                    input_details: Truncated::default(),
                }),
            );
            return;
        }
        let task = Resource::of(resource);
        self.record(
            EventType::TaskScheduled,
            Details::TaskScheduled(Scheduled {
                resource_type: task.resource_type.clone(),
                resource: task.resource.clone(),
                region: region.to_owned(),
                parameters: argument.to_string(),
            }),
        );
        self.record(EventType::TaskStarted, Details::TaskStarted(task));
    }

    /// Records that a callback Task's handler handed out its token and answered
    /// `response` (`TaskSubmitted`); the outcome sent with the token comes later.
    /// Returns the event, which the journal keeps for a Task resumed after a restart.
    pub fn task_submitted(&self, resource: &TaskResource, response: &Value) -> Pending {
        let Resource {
            resource_type,
            resource,
        } = Resource::of(resource);
        let submitted = Pending {
            time: crate::clock::unix_millis(SystemTime::now()),
            kind: EventType::TaskSubmitted,
            details: Details::TaskSubmitted(TaskOutput {
                resource_type,
                resource,
                output: response.to_string(),
                output_details: Truncated::default(),
            }),
        };
        self.extend(vec![submitted.clone()]);
        submitted
    }

    /// Records that a worker took an activity task (`ActivityStarted`).
    pub fn activity_started(&self) {
        self.record(
            EventType::ActivityStarted,
            Details::ActivityStarted(ActivityStarted::default()),
        );
    }

    /// Records how an attempt at a Task with `resource` ended: `TaskSucceeded` with
    /// the handler's result, `TaskTimedOut` (`States.Timeout`, a missed heartbeat
    /// included) or `TaskFailed`; for an activity, `ActivitySucceeded`,
    /// `ActivityTimedOut` or `ActivityFailed`.
    pub fn task_ended(&self, resource: &TaskResource, outcome: &Result<Value, ExecutionError>) {
        let activity = resource.is_activity();
        let Resource {
            resource_type,
            resource,
        } = Resource::of(resource);
        let (kind, details) = match outcome {
            Ok(output) if activity => (
                EventType::ActivitySucceeded,
                Details::ActivitySucceeded(Output {
                    output: output.to_string(),
                    output_details: Truncated::default(),
                }),
            ),
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
                let (error_name, cause) = (error.error.clone(), error.cause.clone());
                let timed_out = error.name() == crate::error::names::TIMEOUT;
                match (activity, timed_out) {
                    (true, true) => (
                        EventType::ActivityTimedOut,
                        Details::ActivityTimedOut(Failure {
                            error: error_name,
                            cause,
                        }),
                    ),
                    (true, false) => (
                        EventType::ActivityFailed,
                        Details::ActivityFailed(Failure {
                            error: error_name,
                            cause,
                        }),
                    ),
                    (false, timed_out) => {
                        let failure = TaskFailure {
                            resource_type,
                            resource,
                            error: error_name,
                            cause,
                        };
                        if timed_out {
                            (EventType::TaskTimedOut, Details::TaskTimedOut(failure))
                        } else {
                            (EventType::TaskFailed, Details::TaskFailed(failure))
                        }
                    }
                }
            }
        };
        self.record(kind, details);
    }
}
