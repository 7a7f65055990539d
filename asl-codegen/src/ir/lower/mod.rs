//! Lowering: reads the spanned tree, applies AWS's validation rules, and builds the
//! IR. Every problem is reported, each at its place; the IR is returned only when
//! there is no error.

mod choice;
mod expr;
mod fields;
mod machine;
mod map;
mod reachability;
mod retry;
mod schema;
mod state;
mod task;
mod template;
mod values;
mod variable_scopes;

use std::collections::{HashMap, HashSet};

use super::map::ExecutionType;
use super::{QueryLanguage, Workflow};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::SourceFile;
use crate::spec::Node;

/// The outcome of lowering: the IR when the definition is valid, and every
/// diagnostic (warnings are kept even when the IR is returned).
#[derive(Debug)]
pub struct Lowered {
    /// The IR, when there is no error.
    pub workflow: Option<Workflow>,
    /// Every problem found, sorted by position.
    pub diagnostics: Diagnostics,
}

/// Validates a parsed definition of a STANDARD state machine and lowers it into the
/// IR.
pub fn lower(root: &Node, source: &SourceFile) -> Lowered {
    lower_as(root, source, ExecutionType::Standard)
}

/// Validates a parsed definition of a state machine of type `machine_type` and
/// lowers it into the IR: an EXPRESS machine's Tasks cannot wait for a job, a
/// callback or an activity.
pub fn lower_as(root: &Node, source: &SourceFile, machine_type: ExecutionType) -> Lowered {
    let mut lowerer = Lowerer {
        source,
        diagnostics: Diagnostics::new(),
        top_language: QueryLanguage::JsonPath,
        state: None,
        state_names: HashMap::new(),
        all_state_names: reachability::all_state_names(root),
        labels: HashSet::new(),
        express: match machine_type {
            ExecutionType::Standard => None,
            ExecutionType::Express => Some(Express::Machine),
        },
    };
    let workflow = lowerer.workflow(root).ok();
    let mut diagnostics = lowerer.diagnostics;
    for diagnostic in variable_scopes::check(root) {
        diagnostics.push(diagnostic);
    }
    diagnostics.sort();
    let workflow = workflow.filter(|_| !diagnostics.has_errors());
    Lowered {
        workflow,
        diagnostics,
    }
}

/// Marks a failure whose diagnostic has already been recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reported;

type Result<T> = std::result::Result<T, Reported>;

/// The lowering context: the source (to point inside strings), the diagnostics so
/// far, and what the rules need to know about the rest of the definition.
struct Lowerer<'a> {
    source: &'a SourceFile,
    diagnostics: Diagnostics,
    /// The top-level QueryLanguage, which every state inherits (also inside Map and
    /// Parallel, whatever those declare).
    top_language: QueryLanguage,
    /// The name of the state being lowered, for diagnostics.
    state: Option<String>,
    /// Every state name registered so far, with the line of its first use, for
    /// DUPLICATE_STATE_NAME across scopes.
    state_names: HashMap<String, usize>,
    /// Every state name in the definition, in any scope, read before lowering (to
    /// tell a transition into another scope from a typo).
    all_state_names: HashSet<String>,
    /// Every Map `Label` seen so far, for DUPLICATE_LABEL_NAME.
    labels: HashSet<String>,
    /// Whether the states being lowered run in an EXPRESS execution, and which.
    express: Option<Express>,
}

/// The EXPRESS execution states run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Express {
    /// The state machine is EXPRESS.
    Machine,
    /// A Distributed Map's child executions are EXPRESS.
    MapProcessor,
}

impl Lowerer<'_> {
    /// Records a diagnostic, in the current state unless it names its own.
    fn report(&mut self, diagnostic: Diagnostic) -> Reported {
        let diagnostic = match diagnostic.state {
            Some(_) => diagnostic,
            None => diagnostic.in_state(self.state.as_deref()),
        };
        self.diagnostics.push(diagnostic);
        Reported
    }

    /// Records a SCHEMA_VALIDATION_FAILED error at `node`.
    fn error(&mut self, node: &Node, message: impl Into<String>) -> Reported {
        self.report(Diagnostic::at(Code::SchemaValidationFailed, node, message))
    }

    /// Records a SCHEMA_VALIDATION_FAILED error at `node` with a help line.
    fn error_help(
        &mut self,
        node: &Node,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Reported {
        self.report(Diagnostic::at(Code::SchemaValidationFailed, node, message).with_help(help))
    }

    /// Runs `body` with `state` as the current state, restoring the previous one.
    fn in_state<T>(&mut self, state: &str, body: impl FnOnce(&mut Self) -> T) -> T {
        let outer = self.state.replace(state.to_owned());
        let result = body(self);
        self.state = outer;
        result
    }
}

/// Combines results that were all computed (so that all their diagnostics are in),
/// failing if any failed.
macro_rules! all_ok {
    ($($name:ident),+ $(,)?) => {
        let ($($name,)+) = match ($($name,)+) {
            ($(Ok($name),)+) => ($($name,)+),
            _ => return Err(super::Reported),
        };
    };
}
pub(crate) use all_ok;
