//! `States.Format`.

use serde_json::Value;

use super::{invalid_arguments, java};
use crate::error::ExecutionError;

const NAME: &str = "States.Format";

/// `States.Format(template, args...)`: `template` with each `{}` replaced by the next
/// argument.
///
/// `template` is the string as written in the definition (or as found at a path): a
/// backslash followed by `{`, `}` or `\` stands for that character and is never part of
/// a placeholder; any other backslash is kept as it is. `{` must be followed directly
/// by `}`, and `}` must close a `{`; anything else, or a count of arguments that differs
/// from the count of placeholders, fails with `States.Runtime` (cause `Invalid arguments
/// in States.Format`).
///
/// Arguments print as Java's `String.valueOf` prints them, which is how AWS renders
/// them: strings as they are, `null` as `null`, integers as digits, fractional numbers
/// as Java doubles (`1.1`, `2.0`, `1.0E21`), and objects and arrays in Java collection
/// style, `{Arg1=1, Arg2=[]}` (corpus, `test_format_2`). LocalStack agrees except for
/// fractional numbers, which it prints as Python does (`1e+21`).
pub fn format(template: &Value, args: &[&Value]) -> Result<Value, ExecutionError> {
    let Value::String(template) = template else {
        return Err(invalid_arguments(NAME));
    };
    let mut out = String::with_capacity(template.len() + 16 * args.len());
    let mut args = args.iter();
    let bytes = template.as_bytes();
    let mut index = 0;
    let mut literal_start = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'\\' | b'{' | b'}' => {
                // All three are ASCII, so `index` is a character boundary.
                out.push_str(&template[literal_start..index]);
            }
            _ => {
                index += 1;
                continue;
            }
        }
        match (byte, bytes.get(index + 1)) {
            (b'\\', Some(&escaped @ (b'\\' | b'{' | b'}'))) => {
                out.push(char::from(escaped));
                index += 2;
            }
            (b'\\', _) => {
                out.push('\\');
                index += 1;
            }
            (b'{', Some(b'}')) => {
                let Some(arg) = args.next() else {
                    return Err(invalid_arguments(NAME));
                };
                // Writing to a String cannot fail.
                let _ = java::write_java(&mut out, arg);
                index += 2;
            }
            _ => return Err(invalid_arguments(NAME)),
        }
        literal_start = index;
    }
    if args.next().is_some() {
        return Err(invalid_arguments(NAME));
    }
    out.push_str(&template[literal_start..]);
    Ok(Value::String(out))
}
