//! The two ways an expression fails: it does not parse, or its evaluation fails.

use std::any::Any;
use std::fmt;

use jsonata_core::evaluator::{EvaluatorError, error_code_prefix};
use jsonata_core::parser::ParserError;

/// An expression that does not parse.
///
/// Carries the JSONata error code (such as `S0201`), the message, and the position: the
/// offset, in characters (Unicode scalar values) from the start of the expression, just past
/// the token where parsing failed, as jsonata-js reports it. An expression that ends too early
/// reports its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    code: String,
    message: String,
    position: usize,
}

impl SyntaxError {
    /// The JSONata error code, such as `S0201` or `S0203`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// What is wrong, without the code.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The character offset in the expression just past the offending token.
    pub fn position(&self) -> usize {
        self.position
    }

    /// The error the engine's parser gave for `text`, located in it.
    pub(crate) fn from_engine(text: &str, error: &ParserError) -> SyntaxError {
        let (code, message) = parser_code_and_message(error);
        SyntaxError {
            code,
            message,
            position: crate::position::locate(text, error),
        }
    }

    /// A panic inside the engine's parser. It carries the generic syntax error code, S0201.
    pub(crate) fn from_panic(payload: &(dyn Any + Send)) -> SyntaxError {
        SyntaxError {
            code: "S0201".to_owned(),
            message: format!("the JSONata parser failed: {}", panic_text(payload)),
            position: 0,
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (at character {})",
            self.code, self.message, self.position
        )
    }
}

impl std::error::Error for SyntaxError {}

/// What kind of failure an [`EvaluationError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EvaluationErrorKind {
    /// The expression raised an error: a type error, `$error()`, an AWS function refusing its
    /// arguments, a depth or time limit, a result nested too deep for JSON, or a failure inside
    /// the engine.
    Failed,
    /// The expression returned a value JSON cannot hold, a function or a regular expression. AWS
    /// reports this as "returned an unsupported result type".
    UnsupportedResult,
}

/// An evaluation that failed.
///
/// Carries the JSONata error code when there is one (such as `T2001` or `D3030`; a few engine
/// errors have none), the message, and the position of the failure in the expression when the
/// engine reports it (jsonata-core does not, so it is `None` today).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationError {
    kind: EvaluationErrorKind,
    code: Option<String>,
    message: String,
    position: Option<usize>,
}

impl EvaluationError {
    /// What kind of failure this is.
    pub fn kind(&self) -> EvaluationErrorKind {
        self.kind
    }

    /// The JSONata error code, such as `T2001` or `D3030`, if the error has one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// What went wrong, without the code.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The character offset in the expression where evaluation failed, when known.
    pub fn position(&self) -> Option<usize> {
        self.position
    }

    /// An error the engine raised while evaluating.
    pub(crate) fn from_engine(error: &EvaluatorError) -> EvaluationError {
        let (code, message) = split_code(error.message());
        EvaluationError::failed(code, message)
    }

    /// A failure with this code and message.
    pub(crate) fn failed(code: Option<&str>, message: impl Into<String>) -> EvaluationError {
        EvaluationError {
            kind: EvaluationErrorKind::Failed,
            code: code.map(str::to_owned),
            message: message.into(),
            position: None,
        }
    }

    /// A result that is a function or a regular expression.
    pub(crate) fn unsupported_result(what: &str) -> EvaluationError {
        EvaluationError {
            kind: EvaluationErrorKind::UnsupportedResult,
            code: None,
            message: format!("the expression returned {what}, which has no JSON form"),
            position: None,
        }
    }

    /// A panic inside the engine.
    pub(crate) fn from_panic(payload: &(dyn Any + Send)) -> EvaluationError {
        EvaluationError::failed(
            None,
            format!("the JSONata engine failed: {}", panic_text(payload)),
        )
    }
}

impl fmt::Display for EvaluationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for EvaluationError {}

/// The code and message of a parser error. jsonata-core writes most codes at the start of the
/// message, some after a "Invalid syntax: " or "Invalid number: " label, and a few not at all.
fn parser_code_and_message(error: &ParserError) -> (String, String) {
    if let ParserError::Coded { code, message } = error {
        return ((*code).to_owned(), message.clone());
    }
    if let ParserError::UnclosedComment = error {
        // jsonata-js's code and wording for it.
        return ("S0106".to_owned(), "Comment has no closing tag".to_owned());
    }
    let text = error.to_string();
    let coded = ["", "Invalid syntax: ", "Invalid number: "]
        .iter()
        .filter_map(|label| text.strip_prefix(label))
        .find_map(|rest| Some(rest).zip(error_code_prefix(rest)));
    match coded {
        Some((rest, code)) => (code.to_owned(), strip_code(rest).to_owned()),
        None => ("S0201".to_owned(), text),
    }
}

/// The leading `X0000` code of `text` and the message after it.
fn split_code(text: &str) -> (Option<&str>, &str) {
    match error_code_prefix(text) {
        Some(code) => (Some(code), strip_code(text)),
        None => (None, text),
    }
}

/// `text` without its leading `X0000:` code and the space after it.
fn strip_code(text: &str) -> &str {
    text.get(6..).map_or("", str::trim_start)
}

/// The message a panic carried.
fn panic_text(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("panic")
}
