//! AWS's diagnostic codes and their severities.

use std::fmt;

use serde::Serialize;

/// How bad a diagnostic is: an error makes the definition invalid, a warning does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// The definition cannot be used.
    Error,
    /// The definition is valid but probably not what was meant.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// The codes of AWS ValidateStateMachineDefinition that a definition alone can raise,
/// and asl's own warnings about what AWS accepts but reads unexpectedly
/// (UNQUOTED_FILTER_STRING, PATH_WHITESPACE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// The text is not valid JSON (or YAML).
    InvalidJsonDescription,
    /// The definition is empty.
    MissingDescription,
    /// A field is unknown, missing, of the wrong type or out of bounds, or a rule of
    /// the language is broken.
    SchemaValidationFailed,
    /// A Task's `Resource` is not a valid resource.
    InvalidResource,
    /// No state of a (sub)machine ends it.
    MissingEndState,
    /// Two states have the same name.
    DuplicateStateName,
    /// A state name is empty, longer than 80 characters, or has a control character.
    InvalidStateName,
    /// Two Distributed Maps have the same `Label`.
    DuplicateLabelName,
    /// A `Label` is longer than 40 characters or has a forbidden character.
    InvalidLabelName,
    /// `Next`, `Default` or `StartAt` names a state that does not exist in its scope.
    MissingTransitionTarget,
    /// The definition nests deeper than the parser allows.
    TooDeeplyNested,
    /// A value looks like a path or intrinsic but its key does not end in `.$`.
    NoDollar,
    /// A value looks like a path but its field name does not end in `Path`.
    NoPath,
    /// A Pass state's `Result` contains a path, which is not evaluated.
    PassResultIsStatic,
    /// A filter compares with a bare word (`@.status == FAILED`), which AWS reads as
    /// the string `"FAILED"`.
    UnquotedFilterString,
    /// A path has whitespace before or after it, which AWS trims.
    PathWhitespace,
}

impl Code {
    /// The code as AWS spells it, e.g. `SCHEMA_VALIDATION_FAILED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidJsonDescription => "INVALID_JSON_DESCRIPTION",
            Code::MissingDescription => "MISSING_DESCRIPTION",
            Code::SchemaValidationFailed => "SCHEMA_VALIDATION_FAILED",
            Code::InvalidResource => "INVALID_RESOURCE",
            Code::MissingEndState => "MISSING_END_STATE",
            Code::DuplicateStateName => "DUPLICATE_STATE_NAME",
            Code::InvalidStateName => "INVALID_STATE_NAME",
            Code::DuplicateLabelName => "DUPLICATE_LABEL_NAME",
            Code::InvalidLabelName => "INVALID_LABEL_NAME",
            Code::MissingTransitionTarget => "MISSING_TRANSITION_TARGET",
            Code::TooDeeplyNested => "TOO_DEEPLY_NESTED",
            Code::NoDollar => "NO_DOLLAR",
            Code::NoPath => "NO_PATH",
            Code::PassResultIsStatic => "PASS_RESULT_IS_STATIC",
            Code::UnquotedFilterString => "UNQUOTED_FILTER_STRING",
            Code::PathWhitespace => "PATH_WHITESPACE",
        }
    }

    /// Warnings for NO_DOLLAR, NO_PATH, PASS_RESULT_IS_STATIC, UNQUOTED_FILTER_STRING
    /// and PATH_WHITESPACE; errors otherwise.
    pub fn severity(self) -> Severity {
        match self {
            Code::NoDollar
            | Code::NoPath
            | Code::PassResultIsStatic
            | Code::UnquotedFilterString
            | Code::PathWhitespace => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
