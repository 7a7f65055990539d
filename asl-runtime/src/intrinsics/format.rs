//! `States.Format`.

use std::fmt::Write as _;

use serde_json::Value;

use crate::error::ExecutionError;

use super::failure;

const NAME: &str = "States.Format";

/// `States.Format(template, values...)`: each `{}` of `template` replaced by the next
/// value. In the template `\{`, `\}` and `\\` stand for those characters (the
/// definition's escapes, kept at build time). Strings render as they are, other
/// scalars as JSON, objects and arrays Java-style (`{a=1, b=[x, y]}`), as AWS does.
pub fn format(template: &Value, args: &[&Value]) -> Result<Value, ExecutionError> {
    let template = super::text(NAME, "template", template)?;
    let mut out = String::with_capacity(template.len());
    let mut args = args.iter();
    let mut chars = template.chars();
    let mut used = 0;
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => match chars.next() {
                Some(escaped) => out.push(escaped),
                None => out.push('\\'),
            },
            '{' => {
                if chars.next() != Some('}') {
                    return Err(failure(
                        NAME,
                        "Invalid template: matching '}' not found for '{'",
                    ));
                }
                let arg = args
                    .next()
                    .ok_or_else(|| mismatch(used + 1 + args.len(), used))?;
                used += 1;
                render(arg, &mut out);
            }
            other => out.push(other),
        }
    }
    let left = args.len();
    if left > 0 {
        return Err(mismatch(used, used + left));
    }
    Ok(Value::String(out))
}

fn mismatch(placeholders: usize, values: usize) -> ExecutionError {
    failure(
        NAME,
        format!(
            "the number of arguments ({values}) does not match the number of placeholders in the template ({placeholders})"
        ),
    )
}

fn render(value: &Value, out: &mut String) {
    match value {
        Value::String(text) => out.push_str(text),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push('=');
                render(item, out);
            }
            out.push('}');
        }
        scalar => {
            let _ = write!(out, "{scalar}");
        }
    }
}
