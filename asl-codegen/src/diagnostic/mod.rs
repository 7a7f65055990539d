//! Diagnostics: what is wrong with a definition, where, and how to fix it.
//!
//! Every problem carries an AWS ValidateStateMachineDefinition code, a JSON pointer,
//! a source span when the definition was read from text, the enclosing state's name
//! and an optional help line. They render like rustc ([`render`]) or as AWS's JSON
//! shape ([`report`]).

mod code;
pub mod render;
pub mod report;

use std::fmt;

pub use code::{Code, Severity};

use crate::source::{SourceFile, Span};
use crate::spec::{Member, Node};

/// One problem found in a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The AWS diagnostic code; it also fixes the severity.
    pub code: Code,
    /// What is wrong, in one lowercase line without a trailing period.
    pub message: String,
    /// JSON pointer of the offending value, e.g. `/States/Hello/Next`.
    pub pointer: String,
    /// Where the offending text is, when known.
    pub span: Option<Span>,
    /// The name of the state the problem is in, if any.
    pub state: Option<String>,
    /// A suggestion, e.g. ``did you mean `Next`?``.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic about `node`.
    pub fn at(code: Code, node: &Node, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            pointer: node.pointer.clone(),
            span: Some(node.span),
            state: None,
            help: None,
        }
    }

    /// A diagnostic about an object member's key (an unknown or misplaced field, a
    /// bad state name): the caret goes under the key.
    pub fn at_key(code: Code, member: &Member, message: impl Into<String>) -> Self {
        Diagnostic::new(
            code,
            member.value.pointer.clone(),
            Some(member.key_span),
            message,
        )
    }

    /// A diagnostic about a place given by pointer and span.
    pub fn new(
        code: Code,
        pointer: impl Into<String>,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            pointer: pointer.into(),
            span,
            state: None,
            help: None,
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Names the state the problem is in.
    pub fn in_state(mut self, state: Option<&str>) -> Self {
        self.state = state.map(str::to_owned);
        self
    }

    /// Points at a narrower span than the node's (e.g. inside a string).
    pub fn with_span(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// Error or warning, from the code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity(), self.code, self.message)?;
        if let Some(state) = &self.state {
            write!(f, " (in state `{state}`)")?;
        }
        write!(f, " at {}", self.pointer)
    }
}

/// All diagnostics of one definition, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// No diagnostics.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity() == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The diagnostics, in order found.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    /// Sorts by source position (then pointer), so output reads top to bottom.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (a.span.map(|s| s.start), &a.pointer).cmp(&(b.span.map(|s| s.start), &b.pointer))
        });
    }

    /// Renders every diagnostic like rustc, followed by a summary line.
    pub fn render(&self, source: &SourceFile, style: render::Style) -> String {
        render::render_all(self, source, style)
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics {
            items: vec![diagnostic],
        }
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.items.extend(iter);
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}
