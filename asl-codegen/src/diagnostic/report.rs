//! AWS ValidateStateMachineDefinition's JSON shape, with line and column added.

use serde::Serialize;

use super::{Code, Diagnostics, Severity};
use crate::source::SourceFile;

/// The result of validating one definition, shaped like
/// ValidateStateMachineDefinition's response.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// The file checked.
    pub file: &'a str,
    /// `OK` when there is no error, `FAIL` otherwise.
    pub result: &'static str,
    /// Every diagnostic.
    pub diagnostics: Vec<ReportDiagnostic<'a>>,
    /// Always false: nothing is left out.
    pub truncated: bool,
}

/// One diagnostic in a [`Report`].
#[derive(Debug, Serialize)]
pub struct ReportDiagnostic<'a> {
    /// `ERROR` or `WARNING`.
    pub severity: Severity,
    /// The AWS code.
    pub code: Code,
    /// What is wrong.
    pub message: &'a str,
    /// JSON pointer of the offending value.
    pub location: &'a str,
    /// Line of the offending text (1-based), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Column of the offending text (1-based, in characters), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The state the problem is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<&'a str>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<&'a str>,
}

impl<'a> Report<'a> {
    /// The report for `diagnostics` found in `source`.
    pub fn new(source: &'a SourceFile, diagnostics: &'a Diagnostics) -> Self {
        let diagnostics: Vec<ReportDiagnostic<'a>> = diagnostics
            .iter()
            .map(|diagnostic| {
                let position = diagnostic.span.map(|span| source.line_col(span.start));
                ReportDiagnostic {
                    severity: diagnostic.severity(),
                    code: diagnostic.code,
                    message: &diagnostic.message,
                    location: &diagnostic.pointer,
                    line: position.map(|p| p.line),
                    column: position.map(|p| p.column),
                    state: diagnostic.state.as_deref(),
                    help: diagnostic.help.as_deref(),
                }
            })
            .collect();
        Report {
            file: source.name(),
            result: if has_errors(&diagnostics) {
                "FAIL"
            } else {
                "OK"
            },
            diagnostics,
            truncated: false,
        }
    }
}

fn has_errors(diagnostics: &[ReportDiagnostic<'_>]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}
