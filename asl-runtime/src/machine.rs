//! The generated state enum as the executor sees it: each state's name, type and
//! input, and what its transition returns.

use serde_json::Value;

/// What a state's transition function returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<S> {
    /// Go on with this state (carrying its input).
    Next(S),
    /// The execution succeeded with this output.
    Succeed(Value),
}

/// The type of an ASL state, which fixes the history events it records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateType {
    /// `Pass`
    Pass,
    /// `Task`
    Task,
    /// `Choice`
    Choice,
    /// `Wait`
    Wait,
    /// `Succeed`
    Succeed,
    /// `Fail`
    Fail,
    /// `Parallel`
    Parallel,
    /// `Map`
    Map,
}

impl StateType {
    /// Whether a state of this type awaits (a Task's handler, a Wait's timer, the
    /// branches of a Parallel, the iterations of a Map): it runs through
    /// [`Workflow::step`](crate::exec::Workflow::step); the others through [`Workflow::step_now`](crate::exec::Workflow::step_now).
    #[inline]
    pub fn waits(self) -> bool {
        matches!(
            self,
            StateType::Task | StateType::Wait | StateType::Parallel | StateType::Map
        )
    }

    /// History events after `StateEntered` when the state completes normally: a Task
    /// adds `TaskScheduled`, `TaskStarted`, `TaskSucceeded`; every state but Fail
    /// ends with `StateExited`.
    pub(crate) fn events_after_entry(self) -> u64 {
        match self {
            StateType::Task => 4,
            StateType::Fail => 0,
            _ => 1,
        }
    }
}

/// A generated state enum: one variant per ASL state, each carrying its input.
pub trait MachineState {
    /// The state's name in the definition.
    fn name(&self) -> &'static str;
    /// The state's type.
    fn state_type(&self) -> StateType;
    /// The state's input.
    fn input(&self) -> &Value;
}
