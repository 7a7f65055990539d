//! Definitions checked as `asl check` checks them: `InvalidDefinition` for
//! CreateStateMachine and UpdateStateMachine, and ValidateStateMachineDefinition.

use std::sync::Arc;

use asl_codegen::ir::map::ExecutionType;
use asl_codegen::{Checked, Diagnostic, Severity, SourceFile, Syntax};
use serde::{Deserialize, Serialize};

use crate::catalog::MachineType;
use crate::protocol::{ApiError, ErrorCode, Kind, Member, Request};
use crate::server::AppState;

/// `definition`: at most 1,048,576 characters.
pub const DEFINITION: Kind = Kind::string(1, 1_048_576);
/// `type`: STANDARD or EXPRESS.
pub const MACHINE_TYPE: Kind = Kind::Enum(&["STANDARD", "EXPRESS"]);

/// A definition checked for a machine of type `machine_type`, with its text for
/// line and column lookups.
struct Checks {
    source: SourceFile,
    checked: Checked,
}

fn check(definition: &str, machine_type: MachineType) -> Checks {
    let source = SourceFile::with_syntax("definition", definition, Syntax::Json);
    let execution_type = match machine_type {
        MachineType::Standard => ExecutionType::Standard,
        MachineType::Express => ExecutionType::Express,
    };
    let checked = asl_codegen::check_as(&source, execution_type);
    Checks { source, checked }
}

impl Checks {
    /// `line L, column C` of a diagnostic, when it has a place in the text.
    fn place(&self, diagnostic: &Diagnostic) -> Option<(usize, usize)> {
        diagnostic.span.map(|span| {
            let at = self.source.line_col(span.start);
            (at.line, at.column)
        })
    }
}

/// `InvalidDefinition` unless `definition` is valid for a machine of
/// `machine_type`; the message names every error, each with its place:
/// `Invalid State Machine Definition: 'CODE: message at /pointer (line L, column
/// C), ...'`.
pub fn require_valid(definition: &str, machine_type: MachineType) -> Result<(), ApiError> {
    require_valid_from(definition, machine_type, 0)
}

/// [`require_valid`] for a definition whose first `lines` lines were not written
/// by the user (TestState wraps a state alone into a machine): the lines named are
/// the user's.
pub fn require_valid_from(
    definition: &str,
    machine_type: MachineType,
    lines: usize,
) -> Result<(), ApiError> {
    let checks = check(definition, machine_type);
    if checks.checked.is_valid() {
        return Ok(());
    }
    let errors: Vec<String> = checks
        .checked
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity() == Severity::Error)
        .map(|diagnostic| {
            let mut text = format!(
                "{}: {} at {}",
                diagnostic.code,
                diagnostic.message,
                if diagnostic.pointer.is_empty() {
                    "/"
                } else {
                    &diagnostic.pointer
                }
            );
            if let Some((line, column)) = checks.place(diagnostic)
                && line > lines
            {
                let line = line - lines;
                text.push_str(&format!(" (line {line}, column {column})"));
            }
            text
        })
        .collect();
    Err(ApiError::new(
        ErrorCode::InvalidDefinition,
        format!("Invalid State Machine Definition: '{}'", errors.join(", ")),
    ))
}

/// ValidateStateMachineDefinition's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateInput {
    definition: String,
    #[serde(rename = "type")]
    machine_type: Option<MachineType>,
    severity: Option<String>,
    max_results: Option<i64>,
}

impl Request for ValidateInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("definition", DEFINITION).required(),
        Member::new("type", MACHINE_TYPE),
        Member::new("severity", Kind::Enum(&["ERROR", "WARNING"])),
        Member::new("maxResults", Kind::integer(0, 100)),
    ];
}

/// ValidateStateMachineDefinition's response.
#[derive(Debug, Serialize)]
pub struct ValidateOutput {
    result: &'static str,
    diagnostics: Vec<ValidateDiagnostic>,
    truncated: bool,
}

/// One diagnostic: AWS's members, and the line and column `asl check` adds.
#[derive(Debug, Serialize)]
struct ValidateDiagnostic {
    severity: Severity,
    code: String,
    message: String,
    location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
}

/// ValidateStateMachineDefinition: always answers, `result` FAIL when the
/// definition has an error; `severity` WARNING lists warnings too.
pub async fn validate(
    _state: Arc<AppState>,
    input: ValidateInput,
) -> Result<ValidateOutput, ApiError> {
    let checks = check(
        &input.definition,
        input.machine_type.unwrap_or(MachineType::Standard),
    );
    let warnings = input.severity.as_deref() == Some("WARNING");
    let limit = match input.max_results {
        None | Some(0) => 100,
        Some(n) => usize::try_from(n).unwrap_or(100),
    };
    let shown: Vec<&Diagnostic> = checks
        .checked
        .diagnostics
        .iter()
        .filter(|diagnostic| warnings || diagnostic.severity() == Severity::Error)
        .collect();
    let truncated = shown.len() > limit;
    let diagnostics = shown
        .into_iter()
        .take(limit)
        .map(|diagnostic| {
            let place = checks.place(diagnostic);
            ValidateDiagnostic {
                severity: diagnostic.severity(),
                code: diagnostic.code.to_string(),
                message: diagnostic.message.clone(),
                location: diagnostic.pointer.clone(),
                line: place.map(|(line, _)| line),
                column: place.map(|(_, column)| column),
            }
        })
        .collect();
    Ok(ValidateOutput {
        result: if checks.checked.is_valid() {
            "OK"
        } else {
            "FAIL"
        },
        diagnostics,
        truncated,
    })
}
