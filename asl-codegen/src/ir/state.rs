//! States: the fields every state has, and the fields of each state type.

use super::choice::Choice;
use super::io::DataFlow;
use super::map::Map;
use super::param::Param;
use super::resource::Resource;
use super::retry::{Catcher, Retrier};
use super::template::{Assign, Template};
use super::timestamp::Timestamp;
use super::{Machine, QueryLanguage, StateId};

/// One state of a [`Machine`].
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The state's name, unique in the whole definition.
    pub name: String,
    /// Its `Comment`.
    pub comment: Option<String>,
    /// Its effective query language: its own `QueryLanguage`, or the top level's.
    pub query_language: QueryLanguage,
    /// Input and output processing, in the state's query language.
    pub data_flow: DataFlow,
    /// Variables assigned when the state succeeds (`Assign`).
    pub assign: Option<Assign>,
    /// What the state does.
    pub kind: StateKind,
    /// The state's JSON as written, for documentation in generated code.
    pub definition: serde_json::Value,
}

/// What a state does, with the fields of its type.
#[derive(Debug, Clone, PartialEq)]
pub enum StateKind {
    /// Passes its input (or `Result`) on.
    Pass(Pass),
    /// Runs a task.
    Task(Box<Task>),
    /// Branches on rules.
    Choice(Choice),
    /// Waits.
    Wait(Wait),
    /// Ends the execution successfully.
    Succeed,
    /// Ends the execution with an error.
    Fail(Fail),
    /// Runs branches concurrently.
    Parallel(Box<Parallel>),
    /// Runs a processor for each item.
    Map(Box<Map>),
}

impl StateKind {
    /// The `Type` as written: `Pass`, `Task`, ...
    pub fn type_name(&self) -> &'static str {
        match self {
            StateKind::Pass(_) => "Pass",
            StateKind::Task(_) => "Task",
            StateKind::Choice(_) => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail(_) => "Fail",
            StateKind::Parallel(_) => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }

    /// Every state this one may go to next (Next, Choice rules, Default, Catch).
    pub fn successors(&self) -> Vec<StateId> {
        let mut out = Vec::new();
        let mut push_transition = |transition: &Transition| {
            if let Transition::Next(id) = transition {
                out.push(*id);
            }
        };
        match self {
            StateKind::Pass(pass) => push_transition(&pass.next),
            StateKind::Wait(wait) => push_transition(&wait.next),
            StateKind::Task(task) => push_transition(&task.next),
            StateKind::Parallel(parallel) => push_transition(&parallel.next),
            StateKind::Map(map) => push_transition(&map.next),
            StateKind::Choice(choice) => {
                out.extend(choice.rules.iter().map(|rule| rule.next));
                out.extend(choice.default);
            }
            StateKind::Succeed | StateKind::Fail(_) => {}
        }
        let catchers: &[Catcher] = match self {
            StateKind::Task(task) => &task.catch,
            StateKind::Parallel(parallel) => &parallel.catch,
            StateKind::Map(map) => &map.catch,
            _ => &[],
        };
        out.extend(catchers.iter().map(|catcher| catcher.next));
        out
    }
}

/// Where a state goes when it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transition {
    /// `Next`: to this state of the same machine.
    Next(StateId),
    /// `End: true`: the machine ends with this state's output.
    End,
}

/// A Pass state.
#[derive(Debug, Clone, PartialEq)]
pub struct Pass {
    /// `Result` (JSONPath): a static value used as the state's result.
    pub result: Option<serde_json::Value>,
    /// Where to go next.
    pub next: Transition,
}

/// A Task state.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// What to run.
    pub resource: Resource,
    /// `TimeoutSeconds` / `TimeoutSecondsPath`; AWS's default is
    /// [`Task::DEFAULT_TIMEOUT_SECONDS`].
    pub timeout_seconds: Option<Param<u64>>,
    /// `HeartbeatSeconds` / `HeartbeatSecondsPath`.
    pub heartbeat_seconds: Option<Param<u64>>,
    /// `Credentials`: `{"RoleArn": ...}` for cross-account calls.
    pub credentials: Option<Template>,
    /// Retry policy, in order.
    pub retry: Vec<Retrier>,
    /// Fallback states, in order.
    pub catch: Vec<Catcher>,
    /// Where to go next.
    pub next: Transition,
}

impl Task {
    /// The task timeout AWS applies when none is given (the spec says 60; AWS does not).
    pub const DEFAULT_TIMEOUT_SECONDS: u64 = 99_999_999;
}

/// A Wait state.
#[derive(Debug, Clone, PartialEq)]
pub struct Wait {
    /// How long, or until when.
    pub until: WaitFor,
    /// Where to go next.
    pub next: Transition,
}

/// What a Wait state waits for.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitFor {
    /// `Seconds` / `SecondsPath`: a duration.
    Seconds(Param<u64>),
    /// `Timestamp` / `TimestampPath`: an instant.
    Timestamp(Param<Timestamp>),
}

/// A Fail state.
#[derive(Debug, Clone, PartialEq)]
pub struct Fail {
    /// `Error` / `ErrorPath`: the error name.
    pub error: Option<Param<String>>,
    /// `Cause` / `CausePath`: the human-readable cause.
    pub cause: Option<Param<String>>,
}

/// A Parallel state.
#[derive(Debug, Clone, PartialEq)]
pub struct Parallel {
    /// The branches, each its own machine; the result lists their outputs in order.
    pub branches: Vec<Machine>,
    /// Retry policy, in order.
    pub retry: Vec<Retrier>,
    /// Fallback states, in order.
    pub catch: Vec<Catcher>,
    /// Where to go next.
    pub next: Transition,
}
