//! The validated, typed model of a definition: what code generation consumes.
//!
//! An IR value is valid by construction: [`lower`] only returns one when the
//! definition has no errors. Transitions are [`StateId`]s into their own
//! [`Machine`], paths and intrinsic calls are parsed, Choice rules are trees,
//! JSONata expressions are delimited with their span, defaults are applied, and each
//! state knows its effective [`QueryLanguage`].

pub mod choice;
pub mod intrinsic;
pub mod io;
pub mod jsonata;
mod lower;
pub mod map;
pub mod param;
pub mod path;
pub mod resource;
pub mod retry;
pub mod state;
pub mod template;
pub mod timestamp;

use std::fmt;

pub use lower::{Lowered, lower, lower_as};
pub use state::{State, StateKind, Transition};

/// A whole state machine definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Workflow {
    /// The top-level `Comment`.
    pub comment: Option<String>,
    /// The top-level `Version` (only `"1.0"` exists).
    pub version: Option<String>,
    /// The execution timeout (`TimeoutSeconds`); none means no limit beyond AWS's.
    pub timeout_seconds: Option<u64>,
    /// The top-level `QueryLanguage` (default JSONPath); states inherit it.
    pub query_language: QueryLanguage,
    /// The top-level states.
    pub machine: Machine,
}

/// A set of states with a start: the top level, a Parallel branch or a Map processor.
///
/// Transitions never leave a machine: every [`StateId`] in it indexes its `states`.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    /// The `Comment` of this (sub)machine.
    pub comment: Option<String>,
    /// The state to start at.
    pub start_at: StateId,
    /// The states, in document order.
    pub states: Vec<State>,
}

impl Machine {
    /// The state with this id.
    pub fn state(&self, id: StateId) -> &State {
        &self.states[id.0]
    }

    /// The starting state.
    pub fn start(&self) -> &State {
        self.state(self.start_at)
    }
}

/// A state's index within its [`Machine`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StateId(pub usize);

/// The language a state's dynamic fields are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QueryLanguage {
    /// InputPath, Parameters, ResultSelector, ResultPath, OutputPath, `.$` keys and
    /// intrinsic functions (the default).
    #[default]
    JsonPath,
    /// Arguments, Output, Assign and `{% %}` expressions.
    Jsonata,
}

impl QueryLanguage {
    /// The name as written in a definition: `JSONPath` or `JSONata`.
    pub fn as_str(self) -> &'static str {
        match self {
            QueryLanguage::JsonPath => "JSONPath",
            QueryLanguage::Jsonata => "JSONata",
        }
    }
}

impl fmt::Display for QueryLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
