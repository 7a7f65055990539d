//! Strings that hold an expression: JSONPaths, reference paths, intrinsic calls and
//! `{% %}` JSONata. Errors point inside the string.

use super::{Lowerer, Result};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::intrinsic::{IntrinsicCall, IntrinsicFunction};
use crate::ir::jsonata::{Jsonata, UnterminatedJsonata};
use crate::ir::param::Param;
use crate::ir::path::{Path, PathError, PathWarning, PathWarningKind, ReferencePath, Root};
use crate::ir::template::Template;
use crate::spec::Node;

impl Lowerer<'_> {
    /// A full JSONPath (`$...`, `$$...` or `$var...`).
    pub(super) fn path(&mut self, node: &Node, field: &str) -> Result<Path> {
        let (text, start) = self.path_text(node, field)?;
        match Path::parse_with_warnings(text) {
            Ok((path, warnings)) => {
                self.path_warnings(node, start, warnings);
                Ok(path)
            }
            Err(error) => Err(self.path_error(node, field, "a JSONPath", start, &error)),
        }
    }

    /// A reference path (`$...`, `$$...` or `$var...`, single node).
    pub(super) fn reference_path(&mut self, node: &Node, field: &str) -> Result<ReferencePath> {
        let (text, start) = self.path_text(node, field)?;
        ReferencePath::parse(text)
            .map_err(|error| self.path_error(node, field, "a reference path", start, &error))
    }

    /// The text of a path field without the whitespace around it, and where that
    /// text starts in the string. AWS trims a path (`"$$.Execution.Name "` reads the
    /// name); a PATH_WHITESPACE warning says so. Every path read from the
    /// definition comes through here.
    fn path_text<'n>(&mut self, node: &'n Node, field: &str) -> Result<(&'n str, usize)> {
        let text = self.string(node, field)?;
        let trimmed = text.trim();
        let start = text.len() - text.trim_start().len();
        let end = start + trimmed.len();
        if trimmed.len() < text.len() && trimmed.starts_with('$') {
            let (from, to) = match (start, end) {
                (0, _) => (end, text.len()),
                (_, end) if end == text.len() => (0, start),
                _ => (0, text.len()),
            };
            let span = node.span_within_string(self.source, from, to);
            self.report(
                Diagnostic::at(
                    Code::PathWhitespace,
                    node,
                    format!("`{field}` has whitespace around its path: AWS trims it and reads `{trimmed}`"),
                )
                .with_span(span)
                .with_help("remove the whitespace"),
            );
        }
        Ok((trimmed, start))
    }

    /// Reports the warnings of a path or call that starts `start` bytes into the
    /// string `node`.
    fn path_warnings(&mut self, node: &Node, start: usize, warnings: Vec<PathWarning>) {
        for warning in warnings {
            let from = start + warning.offset;
            let span = node.span_within_string(self.source, from, from + warning.len);
            let code = match warning.kind {
                PathWarningKind::UnquotedString => Code::UnquotedFilterString,
            };
            self.report(
                Diagnostic::at(code, node, warning.message)
                    .with_span(span)
                    .with_help(warning.help),
            );
        }
    }

    /// A `ResultPath`: a reference path into the state input (`$...` only).
    pub(super) fn result_path(&mut self, node: &Node, field: &str) -> Result<ReferencePath> {
        let path = self.reference_path(node, field)?;
        if path.root != Root::Input {
            return Err(self.error_help(
                node,
                format!("`{field}` must start with `$`: it places the result in the state's input"),
                "the context object (`$$`) and variables cannot be written by ResultPath; use `Assign` for variables",
            ));
        }
        Ok(path)
    }

    /// The value of a `.$` key: a path or an intrinsic call.
    pub(super) fn dynamic_value(&mut self, node: &Node, key: &str) -> Result<Template> {
        let Some(text) = node.as_str() else {
            return Err(self.error(
                node,
                format!("the value of `{key}` must be a string holding a JSONPath or an intrinsic function, found {}", node.type_name()),
            ));
        };
        if text.trim_start().starts_with('$') {
            self.path(node, key).map(Template::Path)
        } else if text.starts_with("States.") {
            self.intrinsic(node, key).map(Template::Intrinsic)
        } else {
            Err(self.error_help(
                node,
                format!("the value of `{key}` must be a JSONPath or an intrinsic function, found `{text}`"),
                format!(
                    "start it with `$` (a path) or `States.` (an intrinsic function), or remove `.$` from `{key}` to use the text as is"
                ),
            ))
        }
    }

    /// `ErrorPath` or `CausePath`: a reference path or a call of one of the
    /// [`FAIL_PATH_FUNCTIONS`].
    pub(super) fn path_or_intrinsic(&mut self, node: &Node, field: &str) -> Result<Param<String>> {
        let text = self.string(node, field)?;
        if text.starts_with("States.") {
            let call = self.intrinsic(node, field)?;
            if !FAIL_PATH_FUNCTIONS.contains(&call.function) {
                let name = call.function.name();
                let span = node.span_within_string(self.source, 0, name.len());
                let allowed = FAIL_PATH_FUNCTIONS.map(|function| format!("`{function}`"));
                return Err(self.report(
                    Diagnostic::at(
                        Code::SchemaValidationFailed,
                        node,
                        format!("`{field}` cannot call `{name}`: it must give the text of the error or cause"),
                    )
                    .with_span(span)
                    .with_help(format!(
                        "use a reference path or one of {} and {}",
                        allowed[..allowed.len() - 1].join(", "),
                        allowed[allowed.len() - 1]
                    )),
                ));
            }
            Ok(Param::Intrinsic(call))
        } else {
            self.reference_path(node, field).map(Param::Path)
        }
    }

    /// An intrinsic call.
    pub(super) fn intrinsic(&mut self, node: &Node, field: &str) -> Result<IntrinsicCall> {
        let text = node.as_str().unwrap_or_default();
        let (call, warnings) = IntrinsicCall::parse_with_warnings(text).map_err(|error| {
            let span = node.span_within_string(self.source, error.offset, error.offset + error.len);
            self.report(
                Diagnostic::at(
                    Code::SchemaValidationFailed,
                    node,
                    format!(
                        "`{field}` is not a valid intrinsic function call: {}",
                        error.message
                    ),
                )
                .with_span(span),
            )
        })?;
        self.path_warnings(node, 0, warnings);
        Ok(call)
    }

    /// The JSONata expression in `node` if it is a `{% ... %}` string; `None` for any
    /// other value; an error for a string that opens with `{%` but does not close.
    pub(super) fn jsonata(&mut self, node: &Node) -> Result<Option<Jsonata>> {
        let Some(text) = node.as_str() else {
            return Ok(None);
        };
        match Jsonata::delimited(text) {
            Ok(None) => Ok(None),
            Ok(Some(expression)) => {
                let start = Jsonata::OPEN.len();
                if let Err(error) = asl_jsonata::Expression::parse(expression) {
                    // The engine counts characters; the caret goes under that one.
                    let at = expression
                        .char_indices()
                        .nth(error.position())
                        .map_or(expression.len(), |(at, _)| at);
                    let end = expression[at..]
                        .chars()
                        .next()
                        .map_or(at, |c| at + c.len_utf8());
                    let span = node.span_within_string(self.source, start + at, start + end);
                    return Err(self.report(
                        Diagnostic::new(
                            Code::SchemaValidationFailed,
                            node.pointer.clone(),
                            Some(span),
                            format!(
                                "the JSONata expression does not parse: {} ({})",
                                error.message(),
                                error.code()
                            ),
                        )
                        .with_help("fix the expression between `{%` and `%}`; it is checked with JSONata 2.0 syntax, as AWS runs it"),
                    ));
                }
                let span = node.span_within_string(self.source, start, start + expression.len());
                Ok(Some(Jsonata {
                    expression: expression.to_owned(),
                    span,
                }))
            }
            Err(UnterminatedJsonata) => Err(self.error_help(
                node,
                "unterminated JSONata expression: the string starts with `{%` but does not end with `%}`",
                "a JSONata string must start with `{%` and end with `%}`, with nothing outside them",
            )),
        }
    }

    /// A value that must be a `{% %}` JSONata string.
    pub(super) fn required_jsonata(&mut self, node: &Node, field: &str) -> Result<Jsonata> {
        match self.jsonata(node)? {
            Some(expression) => Ok(expression),
            None => Err(self.error_help(
                node,
                format!("`{field}` must be a JSONata expression `{{% ... %}}`"),
                "write the expression between `{%` and `%}`",
            )),
        }
    }

    fn path_error(
        &mut self,
        node: &Node,
        field: &str,
        what: &str,
        start: usize,
        error: &PathError,
    ) -> super::Reported {
        let from = start + error.offset;
        let span = node.span_within_string(self.source, from, from + error.len.max(1));
        self.report(
            Diagnostic::at(
                Code::SchemaValidationFailed,
                node,
                format!("`{field}` is not {what}: {}", error.message),
            )
            .with_span(span),
        )
    }
}

/// The intrinsic functions a Fail state's `ErrorPath` and `CausePath` may call (AWS
/// refuses the definition for any other).
const FAIL_PATH_FUNCTIONS: [IntrinsicFunction; 7] = [
    IntrinsicFunction::Format,
    IntrinsicFunction::JsonToString,
    IntrinsicFunction::ArrayGetItem,
    IntrinsicFunction::Base64Encode,
    IntrinsicFunction::Base64Decode,
    IntrinsicFunction::Hash,
    IntrinsicFunction::Uuid,
];

/// True when `text` looks like a path or an intrinsic call (for NO_DOLLAR and NO_PATH).
pub(super) fn looks_like_path(text: &str) -> bool {
    text == "$"
        || text == "$$"
        || text.starts_with("$.")
        || text.starts_with("$$.")
        || text.starts_with("$[")
}

/// True when `text` looks like an intrinsic function call.
pub(super) fn looks_like_intrinsic(text: &str) -> bool {
    text.starts_with("States.") && text.ends_with(')') && text.contains('(')
}
