//! The history events the executor makes, in AWS's vocabulary: their types
//! ([`EventType`]) and the details AWS attaches to each ([`Details`]), shaped as
//! `GetExecutionHistory` returns them. The durable engine numbers and keeps them.

use serde::{Deserialize, Serialize};

use crate::machine::StateType;

/// The most events a Standard execution's history may hold; the event past it fails
/// the execution with `States.Runtime`.
pub const MAX_EVENTS: u64 = 25_000;

/// The event types the engine records (AWS's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum EventType {
    ExecutionStarted,
    ExecutionSucceeded,
    ExecutionFailed,
    ExecutionTimedOut,
    ExecutionAborted,
    ExecutionRedriven,
    PassStateEntered,
    PassStateExited,
    TaskStateEntered,
    TaskStateExited,
    TaskScheduled,
    TaskStarted,
    TaskSubmitted,
    TaskSucceeded,
    TaskFailed,
    TaskTimedOut,
    ActivityScheduled,
    ActivityStarted,
    ActivitySucceeded,
    ActivityFailed,
    ActivityTimedOut,
    ChoiceStateEntered,
    ChoiceStateExited,
    WaitStateEntered,
    WaitStateExited,
    SucceedStateEntered,
    SucceedStateExited,
    FailStateEntered,
    ParallelStateEntered,
    ParallelStateStarted,
    ParallelStateSucceeded,
    ParallelStateFailed,
    ParallelStateExited,
    MapStateEntered,
    MapStateStarted,
    MapIterationStarted,
    MapIterationSucceeded,
    MapIterationFailed,
    MapStateSucceeded,
    MapStateFailed,
    MapStateExited,
    MapRunStarted,
    MapRunSucceeded,
    MapRunFailed,
}

impl EventType {
    /// `<Type>StateEntered` for a state of `state_type`.
    pub fn entered(state_type: StateType) -> EventType {
        match state_type {
            StateType::Pass => EventType::PassStateEntered,
            StateType::Task => EventType::TaskStateEntered,
            StateType::Choice => EventType::ChoiceStateEntered,
            StateType::Wait => EventType::WaitStateEntered,
            StateType::Succeed => EventType::SucceedStateEntered,
            StateType::Fail => EventType::FailStateEntered,
            StateType::Parallel => EventType::ParallelStateEntered,
            StateType::Map => EventType::MapStateEntered,
        }
    }

    /// `<Type>StateExited` for a state of `state_type`; a Fail state has none.
    pub fn exited(state_type: StateType) -> Option<EventType> {
        Some(match state_type {
            StateType::Pass => EventType::PassStateExited,
            StateType::Task => EventType::TaskStateExited,
            StateType::Choice => EventType::ChoiceStateExited,
            StateType::Wait => EventType::WaitStateExited,
            StateType::Succeed => EventType::SucceedStateExited,
            StateType::Fail => return None,
            StateType::Parallel => EventType::ParallelStateExited,
            StateType::Map => EventType::MapStateExited,
        })
    }
}

/// An event's details, under the key AWS uses for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Details {
    #[serde(rename = "executionStartedEventDetails")]
    ExecutionStarted(Started),
    #[serde(rename = "executionSucceededEventDetails")]
    ExecutionSucceeded(Output),
    #[serde(rename = "executionFailedEventDetails")]
    ExecutionFailed(Failure),
    #[serde(rename = "executionTimedOutEventDetails")]
    ExecutionTimedOut(Failure),
    #[serde(rename = "executionAbortedEventDetails")]
    ExecutionAborted(Failure),
    #[serde(rename = "executionRedrivenEventDetails")]
    ExecutionRedriven(Redriven),
    #[serde(rename = "stateEnteredEventDetails")]
    StateEntered(Entered),
    #[serde(rename = "stateExitedEventDetails")]
    StateExited(Exited),
    #[serde(rename = "taskScheduledEventDetails")]
    TaskScheduled(Scheduled),
    #[serde(rename = "taskStartedEventDetails")]
    TaskStarted(Resource),
    #[serde(rename = "taskSubmittedEventDetails")]
    TaskSubmitted(TaskOutput),
    #[serde(rename = "taskSucceededEventDetails")]
    TaskSucceeded(TaskOutput),
    #[serde(rename = "taskFailedEventDetails")]
    TaskFailed(TaskFailure),
    #[serde(rename = "taskTimedOutEventDetails")]
    TaskTimedOut(TaskFailure),
    #[serde(rename = "activityScheduledEventDetails")]
    ActivityScheduled(ActivityScheduled),
    #[serde(rename = "activityStartedEventDetails")]
    ActivityStarted(ActivityStarted),
    #[serde(rename = "activitySucceededEventDetails")]
    ActivitySucceeded(Output),
    #[serde(rename = "activityFailedEventDetails")]
    ActivityFailed(Failure),
    #[serde(rename = "activityTimedOutEventDetails")]
    ActivityTimedOut(Failure),
    #[serde(rename = "mapStateStartedEventDetails")]
    MapStateStarted(MapStarted),
    #[serde(rename = "mapRunStartedEventDetails")]
    MapRunStarted(MapRunStarted),
    #[serde(rename = "mapRunFailedEventDetails")]
    MapRunFailed(Failure),
    #[serde(rename = "mapIterationStartedEventDetails")]
    MapIterationStarted(MapIteration),
    #[serde(rename = "mapIterationSucceededEventDetails")]
    MapIterationSucceeded(MapIteration),
    #[serde(rename = "mapIterationFailedEventDetails")]
    MapIterationFailed(MapIteration),
    /// No details (`MapStateSucceeded`, `ParallelStateStarted` ...).
    #[serde(untagged)]
    None {},
}

/// `executionStartedEventDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Started {
    /// The execution input, as JSON text.
    pub input: String,
    /// Always `{"truncated": false}`.
    pub input_details: Truncated,
    /// The role the execution runs as.
    pub role_arn: String,
}

/// `<x>Details: {"truncated": false}`: nothing is truncated here.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Truncated {
    /// Whether the payload was cut (never).
    pub truncated: bool,
}

/// `executionSucceededEventDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Output {
    /// The output, as JSON text.
    pub output: String,
    /// Always `{"truncated": false}`.
    pub output_details: Truncated,
}

/// The details of a failed, timed-out or aborted execution.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Failure {
    /// The error name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    /// The cause.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cause: Option<String>,
}

/// `executionRedrivenEventDetails`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Redriven {
    /// How many times the execution has been redriven, this time included.
    pub redrive_count: u32,
}

/// `stateEnteredEventDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entered {
    /// The state's name.
    pub name: String,
    /// Its input, as JSON text.
    pub input: String,
    /// Always `{"truncated": false}`.
    pub input_details: Truncated,
}

/// `stateExitedEventDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exited {
    /// The state's name.
    pub name: String,
    /// Its output, as JSON text.
    pub output: String,
    /// Always `{"truncated": false}`.
    pub output_details: Truncated,
}

/// `activityScheduledEventDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityScheduled {
    /// The activity's ARN.
    pub resource: String,
    /// The input offered to workers, as JSON text.
    pub input: String,
    /// Always `{"truncated": false}`.
    pub input_details: Truncated,
}

/// `activityStartedEventDetails`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityStarted {
    /// The worker's name, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub worker_name: Option<String>,
}

/// `mapStateStartedEventDetails`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MapStarted {
    /// How many iterations the Map state started.
    pub length: usize,
}

/// `mapRunStartedEventDetails`: the Map Run a Distributed Map state started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapRunStarted {
    /// The Map Run's ARN.
    pub map_run_arn: String,
}

/// `mapIteration<Started|Succeeded|Failed>EventDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapIteration {
    /// The Map state's name.
    pub name: String,
    /// The iteration's index, from 0.
    pub index: usize,
}

/// `taskScheduledEventDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scheduled {
    /// The service (`lambda`, `states` ...).
    pub resource_type: String,
    /// The action, or the resource itself.
    pub resource: String,
    /// The region of the resource.
    pub region: String,
    /// The Task's input, as JSON text.
    pub parameters: String,
}

/// `taskStartedEventDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// As in [`Scheduled::resource_type`].
    pub resource_type: String,
    /// As in [`Scheduled::resource`].
    pub resource: String,
}

/// `taskSucceededEventDetails`, `taskSubmittedEventDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskOutput {
    /// As in [`Scheduled::resource_type`].
    pub resource_type: String,
    /// As in [`Scheduled::resource`].
    pub resource: String,
    /// The state's output, as JSON text.
    pub output: String,
    /// Always `{"truncated": false}`.
    pub output_details: Truncated,
}

/// `taskFailedEventDetails`, `taskTimedOutEventDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskFailure {
    /// As in [`Scheduled::resource_type`].
    pub resource_type: String,
    /// As in [`Scheduled::resource`].
    pub resource: String,
    /// The error name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    /// The cause.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cause: Option<String>,
}

impl Resource {
    /// `resource` as its history events name it (see
    /// [`arn::Resource::resource_type`](crate::arn::Resource::resource_type)).
    pub fn of(resource: &crate::arn::Resource) -> Resource {
        Resource {
            resource_type: resource.resource_type().to_owned(),
            resource: resource.resource().to_owned(),
        }
    }
}
