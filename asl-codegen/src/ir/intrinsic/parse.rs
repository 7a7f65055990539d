//! The intrinsic call parser. It reports errors as [`PathError`]s (same shape as
//! [`IntrinsicError`](super::IntrinsicError)) so that path errors and its own share
//! the reader's helpers.

use std::ops::Range;

use serde_json::Value;

use super::{IntrinsicArg, IntrinsicCall, IntrinsicFunction, MAX_NESTING};
use crate::ir::path::lexer::{Cursor, Escapes, error};
use crate::ir::path::{Path, PathError, PathWarning};

const PREFIX: &str = "States.";

const ARGUMENT: &str = "an argument: a 'string', a number, `true`, `false`, `null`, a path such as `$.name` or a `States.` call";

/// Parses a whole intrinsic call, with the warnings about the paths in it.
pub(super) fn parse(text: &str) -> Result<(IntrinsicCall, Vec<PathWarning>), PathError> {
    let mut cur = Cursor::new(text);
    let leading = cur.skip_ws();
    if leading > 0 {
        return Err(error(
            0,
            leading,
            "an intrinsic call cannot start with whitespace",
        ));
    }
    if !cur.starts_with(PREFIX) {
        return Err(error(
            0,
            text.len(),
            "an intrinsic call starts with `States.`, e.g. `States.Format('{}', $.name)`",
        ));
    }
    let call = call(&mut cur, 1)?;
    let end = cur.pos();
    if cur.skip_ws() > 0 && cur.at_end() {
        return Err(error(
            end,
            text.len() - end,
            "an intrinsic call cannot end with whitespace",
        ));
    }
    if !cur.at_end() {
        return Err(error(
            end,
            text.len() - end,
            "unexpected text after the call; a field holds exactly one intrinsic call",
        ));
    }
    Ok((call, cur.take_warnings()))
}

/// Reads `States.Name(args)`, nested `depth` calls deep (the outermost is 1).
fn call(cur: &mut Cursor<'_>, depth: usize) -> Result<IntrinsicCall, PathError> {
    let start = cur.pos();
    cur.eat_str(PREFIX);
    let name = cur.take_while(|c| c.is_alphanumeric() || c == '_');
    let name_span = start..cur.pos();
    if name.is_empty() {
        return Err(error(
            start,
            PREFIX.len(),
            "expected a function name after `States.`",
        ));
    }
    let function = IntrinsicFunction::from_name(cur.slice(start, cur.pos()))
        .ok_or_else(|| span_error(&name_span, unknown_function(name)))?;
    if depth > MAX_NESTING {
        return Err(span_error(
            &name_span,
            format!("intrinsic calls can be nested at most {MAX_NESTING} deep"),
        ));
    }
    let open = cur.pos();
    if !cur.eat('(') {
        return Err(cur.unexpected(&format!("`(` right after `{function}`")));
    }
    let args = arguments(cur, function, open, depth)?;
    let call_span = start..cur.pos();
    let arity = function.arity();
    if !arity.accepts(args.len()) {
        return Err(span_error(
            &call_span,
            format!("`{function}` takes {arity}, but got {}", args.len()),
        ));
    }
    if function == IntrinsicFunction::JsonToString
        && let Some((arg, span)) = args.first()
        && !matches!(arg, IntrinsicArg::Path(_))
    {
        let what = if matches!(arg, IntrinsicArg::Call(_)) {
            "a call"
        } else {
            "a literal"
        };
        return Err(span_error(
            span,
            format!("`States.JsonToString` takes a path such as `$.data`, not {what}"),
        ));
    }
    Ok(IntrinsicCall {
        function,
        args: args.into_iter().map(|(arg, _)| arg).collect(),
    })
}

/// Reads the arguments after `(` (at `open`) up to and including `)`.
fn arguments(
    cur: &mut Cursor<'_>,
    function: IntrinsicFunction,
    open: usize,
    depth: usize,
) -> Result<Vec<(IntrinsicArg, Range<usize>)>, PathError> {
    let mut args = Vec::new();
    cur.skip_ws();
    if cur.eat(')') {
        return Ok(args);
    }
    loop {
        let start = cur.pos();
        let template = function == IntrinsicFunction::Format && args.is_empty();
        let arg = argument(cur, template, depth)?;
        args.push((arg, start..cur.pos()));
        cur.skip_ws();
        if cur.eat(')') {
            return Ok(args);
        }
        if cur.at_end() {
            return Err(error(open, 1, "expected `)` to close the call opened here"));
        }
        if !cur.eat(',') {
            return Err(cur.unexpected("`,` or `)`"));
        }
        cur.skip_ws();
    }
}

/// Reads one argument; `template` is true for the first argument of `States.Format`.
fn argument(cur: &mut Cursor<'_>, template: bool, depth: usize) -> Result<IntrinsicArg, PathError> {
    let start = cur.pos();
    match cur.peek() {
        Some('\'') => {
            let escapes = if template {
                Escapes::FormatTemplate
            } else {
                Escapes::Resolve
            };
            Ok(IntrinsicArg::Literal(Value::String(cur.quoted(escapes)?)))
        }
        Some('"') => {
            Err(cur.error_here("strings in intrinsic functions use single quotes: 'text'"))
        }
        Some('-' | '0'..='9') => Ok(IntrinsicArg::Literal(Value::Number(cur.number()?))),
        Some('$') => path(cur),
        Some(_) if cur.starts_with(PREFIX) => Ok(IntrinsicArg::Call(call(cur, depth + 1)?)),
        Some(c) if c.is_alphabetic() => match cur.take_while(|c| c.is_alphanumeric() || c == '_') {
            "true" => Ok(IntrinsicArg::Literal(Value::Bool(true))),
            "false" => Ok(IntrinsicArg::Literal(Value::Bool(false))),
            "null" => Ok(IntrinsicArg::Literal(Value::Null)),
            word => Err(error(
                start,
                word.len(),
                format!("unexpected `{word}`; expected {ARGUMENT}"),
            )),
        },
        _ => Err(cur.unexpected(ARGUMENT)),
    }
}

/// Reads a path argument: up to the `,` or `)` that is outside brackets, quotes
/// (inside brackets) and parentheses; trailing whitespace is not part of it.
fn path(cur: &mut Cursor<'_>) -> Result<IntrinsicArg, PathError> {
    let start = cur.pos();
    let mut brackets = 0usize;
    let mut parens = 0usize;
    let mut quote = None;
    let mut escaped = false;
    let end = cur
        .rest()
        .char_indices()
        .find(|&(_, c)| {
            if let Some(q) = quote {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    _ if c == q => quote = None,
                    _ => {}
                }
                return false;
            }
            match c {
                '\'' | '"' if brackets > 0 => quote = Some(c),
                '[' => brackets += 1,
                ']' => brackets = brackets.saturating_sub(1),
                '(' if brackets == 0 => parens += 1,
                ')' if brackets == 0 && parens > 0 => parens -= 1,
                ',' | ')' if brackets == 0 && parens == 0 => return true,
                _ => {}
            }
            false
        })
        .map_or(cur.text().len(), |(i, _)| start + i);
    let text = cur.slice(start, end).trim_end();
    cur.set_pos(start + text.len());
    let (path, warnings) = Path::parse_with_warnings(text).map_err(|e| PathError {
        offset: start + e.offset,
        ..e
    })?;
    for warning in warnings {
        cur.warn(PathWarning {
            offset: start + warning.offset,
            ..warning
        });
    }
    Ok(IntrinsicArg::Path(path))
}

fn unknown_function(name: &str) -> String {
    let lower = name.to_lowercase();
    let closest = IntrinsicFunction::ALL
        .into_iter()
        .map(|function| {
            let short = function.name().trim_start_matches(PREFIX);
            (
                function,
                strsim::jaro_winkler(&lower, &short.to_lowercase()),
            )
        })
        .filter(|&(_, similarity)| similarity >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1));
    match closest {
        Some((function, _)) => {
            format!("unknown intrinsic function `States.{name}`; did you mean `{function}`?")
        }
        None => format!("unknown intrinsic function `States.{name}`"),
    }
}

fn span_error(span: &Range<usize>, message: impl Into<String>) -> PathError {
    error(span.start, span.end - span.start, message)
}
