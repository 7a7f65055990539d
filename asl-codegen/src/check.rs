//! The front end in one call: parse a definition, validate it, and lower it.

use crate::diagnostic::Diagnostics;
use crate::ir::map::ExecutionType;
use crate::ir::{self, Workflow};
use crate::source::SourceFile;
use crate::spec;

/// What checking a definition found: the IR when it is valid, and every diagnostic
/// (warnings stay even when the definition is valid).
#[derive(Debug)]
pub struct Checked {
    /// The validated IR; `None` when any error was found.
    pub workflow: Option<Workflow>,
    /// Every error and warning, in source order.
    pub diagnostics: Diagnostics,
}

impl Checked {
    /// True when the definition has no error (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.workflow.is_some()
    }
}

/// Parses, validates and lowers a definition, reporting every problem at once.
///
/// ```
/// use asl_codegen::{SourceFile, check};
///
/// let source = SourceFile::new(
///     "hello.asl.json",
///     r#"{"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": true, "Rsult": 1}}}"#,
/// );
/// let checked = check(&source);
/// assert!(!checked.is_valid());
/// let [problem] = checked.diagnostics.iter().collect::<Vec<_>>()[..] else { panic!() };
/// assert_eq!(problem.code.as_str(), "SCHEMA_VALIDATION_FAILED");
/// assert_eq!(problem.pointer, "/States/Hello/Rsult");
/// assert_eq!(problem.help.as_deref(), Some("did you mean `Result`?"));
/// ```
pub fn check(source: &SourceFile) -> Checked {
    check_as(source, ExecutionType::Standard)
}

/// [`check`] for a state machine of type `machine_type`: an EXPRESS machine's Tasks
/// cannot wait for a job (`.sync`), a callback (`.waitForTaskToken`) or an activity.
///
/// ```
/// use asl_codegen::ir::map::ExecutionType;
/// use asl_codegen::{SourceFile, check_as};
///
/// let source = SourceFile::new(
///     "callback.asl.json",
///     r#"{"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "End": true,
///         "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken"}}}"#,
/// );
/// assert!(check_as(&source, ExecutionType::Standard).is_valid());
/// let express = check_as(&source, ExecutionType::Express);
/// let [problem] = express.diagnostics.iter().collect::<Vec<_>>()[..] else { panic!() };
/// assert_eq!(problem.pointer, "/States/Ask/Resource");
/// ```
pub fn check_as(source: &SourceFile, machine_type: ExecutionType) -> Checked {
    match spec::parse(source) {
        Ok(root) => {
            let lowered = ir::lower_as(&root, source, machine_type);
            Checked {
                workflow: lowered.workflow,
                diagnostics: lowered.diagnostics,
            }
        }
        Err(diagnostics) => Checked {
            workflow: None,
            diagnostics,
        },
    }
}
