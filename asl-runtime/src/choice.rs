//! Choice rule comparisons (JSONPath mode). Generated code turns each rule into a Rust
//! condition over these functions; it looks up the `Variable` itself and passes the
//! value, or calls [`missing_variable`] when the path matched nothing.
//!
//! Semantics, as AWS runs them:
//!
//! - A value of the wrong type makes a comparison false, never an error: `NumericEquals`
//!   on a string, `StringEquals` on a number, `BooleanEquals` on `"true"` are all false.
//!   So is a `...Path` operand of the wrong type.
//! - Numbers compare by value, exactly: `1` equals `1.0`, and integers beyond 2^53
//!   (`9007199254740993` and `9007199254740992`) stay apart.
//! - Strings compare by UTF-16 code units, as Java's `String.compareTo` does (AWS's
//!   engine is Java: its error texts name Java's parsers). This differs from Rust's
//!   byte (code point) order only between a character above U+FFFF and one in
//!   U+E000–U+FFFF: in UTF-16 the first is a surrogate, `0xD800`–`0xDBFF`, so it sorts
//!   first.
//! - Timestamps are strings that [`Timestamp::parse`] accepts, compared as instants; any
//!   other value is false.
//! - `StringMatches`: `*` matches any run of characters (none included), everything else
//!   itself; `\*` and `\\` were resolved at build time into [`Pattern`] parts.
//! - `IsNumeric` holds for JSON numbers only, not for numeric strings; `IsTimestamp` for
//!   strings [`Timestamp::parse`] accepts.
//!
//! None of the comparisons allocates.

use std::cmp::Ordering;

use serde_json::Value;

use crate::error::ExecutionError;
use crate::timestamp::Timestamp;

/// How a `String*`, `Numeric*` or `Timestamp*` operator compares the variable (left)
/// with its operand (right).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compare {
    /// `...Equals`
    Equals,
    /// `...LessThan`
    LessThan,
    /// `...GreaterThan`
    GreaterThan,
    /// `...LessThanEquals`
    LessThanEquals,
    /// `...GreaterThanEquals`
    GreaterThanEquals,
}

impl Compare {
    /// Whether the operator holds when the variable compares to the operand as
    /// `ordering`.
    pub const fn holds(self, ordering: Ordering) -> bool {
        match self {
            Compare::Equals => ordering.is_eq(),
            Compare::LessThan => ordering.is_lt(),
            Compare::GreaterThan => ordering.is_gt(),
            Compare::LessThanEquals => ordering.is_le(),
            Compare::GreaterThanEquals => ordering.is_ge(),
        }
    }

    fn holds_for(self, ordering: Option<Ordering>) -> bool {
        ordering.is_some_and(|ordering| self.holds(ordering))
    }
}

/// A JSON number as a `Numeric*` operator sees it: integers exactly (`i64`, or `u64`
/// above `i64::MAX`), anything else as `f64`. Generated code passes literals
/// (`0i64`, `2.22f64`) through the `From` conversions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer that fits `i64`.
    Int(i64),
    /// An integer above `i64::MAX`.
    UInt(u64),
    /// A number with a fraction or an exponent, or an integer beyond `u64`.
    Float(f64),
}

impl Number {
    /// `value` as a number, or `None` when it is not a JSON number.
    #[inline]
    pub fn of(value: &Value) -> Option<Number> {
        match value {
            Value::Number(number) => Some(Number::from(number)),
            _ => None,
        }
    }

    /// Compares by value, exactly across representations (`Int(1)` equals
    /// `Float(1.0)`; `Int(i64::MAX)` is below `Float(9223372036854775807.0)`, which is
    /// 2^63). `None` only for NaN, which JSON cannot hold.
    pub fn compare(self, other: Number) -> Option<Ordering> {
        match (self, other) {
            (Number::Int(left), Number::Int(right)) => Some(left.cmp(&right)),
            (Number::UInt(left), Number::UInt(right)) => Some(left.cmp(&right)),
            (Number::Float(left), Number::Float(right)) => left.partial_cmp(&right),
            (Number::Float(left), right) => {
                integer_to_float(right.integer()?, left).map(Ordering::reverse)
            }
            (left, Number::Float(right)) => integer_to_float(left.integer()?, right),
            (left, right) => Some(left.integer()?.cmp(&right.integer()?)),
        }
    }

    fn integer(self) -> Option<i128> {
        match self {
            Number::Int(integer) => Some(i128::from(integer)),
            Number::UInt(integer) => Some(i128::from(integer)),
            Number::Float(_) => None,
        }
    }
}

/// An integer (from `i64` or `u64`) against a float, without rounding the integer.
fn integer_to_float(integer: i128, float: f64) -> Option<Ordering> {
    /// 2^64: every float from here up is above every `u64`.
    const ABOVE_INTEGERS: f64 = 18_446_744_073_709_551_616.0;
    /// -2^63: every float below it is below every `i64`.
    const LOWEST_INTEGER: f64 = -9_223_372_036_854_775_808.0;
    if float.is_nan() {
        return None;
    }
    if float >= ABOVE_INTEGERS {
        return Some(Ordering::Less);
    }
    if float < LOWEST_INTEGER {
        return Some(Ordering::Greater);
    }
    // In [-2^63, 2^64) the integer part of a float converts to i128 exactly.
    let whole = float.trunc();
    match integer.cmp(&(whole as i128)) {
        // Equal integer parts: the float's fraction decides (0.5 above, -0.5 below).
        Ordering::Equal => 0.0f64.partial_cmp(&(float - whole)),
        unequal => Some(unequal),
    }
}

impl From<i64> for Number {
    fn from(integer: i64) -> Number {
        Number::Int(integer)
    }
}

impl From<i32> for Number {
    fn from(integer: i32) -> Number {
        Number::Int(i64::from(integer))
    }
}

impl From<u64> for Number {
    fn from(integer: u64) -> Number {
        match i64::try_from(integer) {
            Ok(integer) => Number::Int(integer),
            Err(_) => Number::UInt(integer),
        }
    }
}

impl From<f64> for Number {
    fn from(float: f64) -> Number {
        Number::Float(float)
    }
}

impl From<&serde_json::Number> for Number {
    fn from(number: &serde_json::Number) -> Number {
        if let Some(integer) = number.as_i64() {
            Number::Int(integer)
        } else if let Some(integer) = number.as_u64() {
            Number::UInt(integer)
        } else {
            // Without serde_json's arbitrary_precision every other number is an f64.
            Number::Float(number.as_f64().unwrap_or(f64::NAN))
        }
    }
}

/// `StringEquals`, `StringLessThan`, ...: `value` against a literal. False when `value`
/// is not a string.
pub fn string(value: &Value, op: Compare, operand: &str) -> bool {
    match value {
        Value::String(text) => match op {
            Compare::Equals => text == operand,
            _ => op.holds(utf16_order(text, operand)),
        },
        _ => false,
    }
}

/// `StringEqualsPath`, `StringLessThanPath`, ...: `value` against the value of the
/// second path. False unless both are strings.
pub fn string_path(value: &Value, op: Compare, operand: &Value) -> bool {
    match operand {
        Value::String(operand) => string(value, op, operand),
        _ => false,
    }
}

/// Orders two strings as Java's `String.compareTo` does: by UTF-16 code units.
fn utf16_order(left: &str, right: &str) -> Ordering {
    let (left_bytes, right_bytes) = (left.as_bytes(), right.as_bytes());
    let Some(differ) = left_bytes
        .iter()
        .zip(right_bytes)
        .position(|(left, right)| left != right)
    else {
        // One is a prefix of the other, in bytes as in code units.
        return left_bytes.len().cmp(&right_bytes.len());
    };
    // Both strings share every byte before `differ`, so the character holding it starts
    // at the same boundary in each, and the two characters there differ.
    let mut start = differ;
    while !left.is_char_boundary(start) {
        start -= 1;
    }
    let (Some(left_char), Some(right_char)) =
        (left[start..].chars().next(), right[start..].chars().next())
    else {
        return left_bytes.len().cmp(&right_bytes.len());
    };
    let (mut left_units, mut right_units) = ([0; 2], [0; 2]);
    let left_units: &[u16] = left_char.encode_utf16(&mut left_units);
    let right_units: &[u16] = right_char.encode_utf16(&mut right_units);
    left_units.cmp(right_units)
}

/// `NumericEquals`, `NumericLessThan`, ...: `value` against a literal. False when
/// `value` is not a number.
pub fn numeric(value: &Value, op: Compare, operand: impl Into<Number>) -> bool {
    let operand = operand.into();
    op.holds_for(Number::of(value).and_then(|number| number.compare(operand)))
}

/// `NumericEqualsPath`, `NumericLessThanPath`, ...: `value` against the value of the
/// second path. False unless both are numbers.
pub fn numeric_path(value: &Value, op: Compare, operand: &Value) -> bool {
    Number::of(operand).is_some_and(|operand| numeric(value, op, operand))
}

/// `BooleanEquals`. False when `value` is not a boolean.
pub fn boolean(value: &Value, operand: bool) -> bool {
    value.as_bool() == Some(operand)
}

/// `BooleanEqualsPath`. False unless both are booleans.
pub fn boolean_path(value: &Value, operand: &Value) -> bool {
    operand
        .as_bool()
        .is_some_and(|operand| boolean(value, operand))
}

/// `TimestampEquals`, `TimestampLessThan`, ...: `value` against a literal (built at
/// compile time). False unless `value` is a string [`Timestamp::parse`] accepts.
pub fn timestamp(value: &Value, op: Compare, operand: &Timestamp) -> bool {
    op.holds_for(as_timestamp(value).map(|instant| instant.cmp(operand)))
}

/// `TimestampEqualsPath`, `TimestampLessThanPath`, ...: `value` against the value of
/// the second path. False unless both are timestamp strings.
pub fn timestamp_path(value: &Value, op: Compare, operand: &Value) -> bool {
    as_timestamp(operand).is_some_and(|operand| timestamp(value, op, &operand))
}

fn as_timestamp(value: &Value) -> Option<Timestamp> {
    value.as_str().and_then(Timestamp::parse)
}

/// One part of a `StringMatches` pattern, unescaped at build time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// Characters matched as they are (`\*` and `\\` already resolved to `*` and `\`).
    Literal(&'static str),
    /// `*`: any run of characters, none included.
    Star,
}

/// `StringMatches`: whether `value` is a string that `pattern` matches whole. An empty
/// pattern matches only the empty string.
///
/// Runs in time linear in the text for each literal (leftmost-first search is exact when
/// `*` is the only wildcard), so no pattern backtracks exponentially.
pub fn string_matches(value: &Value, pattern: &[Pattern]) -> bool {
    match value {
        Value::String(text) => glob(text, pattern),
        _ => false,
    }
}

fn glob(text: &str, pattern: &[Pattern]) -> bool {
    let Some(first_star) = pattern.iter().position(|part| *part == Pattern::Star) else {
        // No star: the literals, in order, must spell out the whole text.
        let mut rest = text;
        for part in pattern {
            if let Pattern::Literal(literal) = part {
                match rest.strip_prefix(literal) {
                    Some(tail) => rest = tail,
                    None => return false,
                }
            }
        }
        return rest.is_empty();
    };
    let last_star = pattern
        .iter()
        .rposition(|part| *part == Pattern::Star)
        .unwrap_or(first_star);

    // Literals before the first star anchor at the start ...
    let mut rest = text;
    for part in &pattern[..first_star] {
        if let Pattern::Literal(literal) = part {
            match rest.strip_prefix(literal) {
                Some(tail) => rest = tail,
                None => return false,
            }
        }
    }
    // ... those after the last star at the end, within what the prefix left ...
    for part in pattern[last_star + 1..].iter().rev() {
        if let Pattern::Literal(literal) = part {
            match rest.strip_suffix(literal) {
                Some(head) => rest = head,
                None => return false,
            }
        }
    }
    // ... and those between stars each at their leftmost place after the previous one:
    // taking the leftmost leaves the most room for the rest.
    for part in &pattern[first_star..last_star] {
        if let Pattern::Literal(literal) = part {
            match rest.find(literal) {
                Some(at) => rest = &rest[at + literal.len()..],
                None => return false,
            }
        }
    }
    true
}

/// `IsNull`.
pub fn is_null(value: &Value) -> bool {
    value.is_null()
}

/// `IsNumeric`: a JSON number. A numeric string such as `"42"` is not one.
pub fn is_numeric(value: &Value) -> bool {
    value.is_number()
}

/// `IsString`.
pub fn is_string(value: &Value) -> bool {
    value.is_string()
}

/// `IsBoolean`.
pub fn is_boolean(value: &Value) -> bool {
    value.is_boolean()
}

/// `IsTimestamp`: a string [`Timestamp::parse`] accepts.
pub fn is_timestamp(value: &Value) -> bool {
    as_timestamp(value).is_some()
}

/// `IsPresent`: whether the `Variable` matched anything. The only test a missing
/// variable does not fail; compare the result with the rule's `true` or `false`.
pub fn is_present(value: Option<&Value>) -> bool {
    value.is_some()
}

/// The failure when a rule's `Variable` (or a `...Path` operand) matches nothing, for
/// every operator but `IsPresent`: `States.Runtime`, with `path_text` the path as written
/// in the definition. The executor prefixes the cause with the state it happened in
/// (`An error occurred while executing the state 'S' (entered at the event id #2). `).
pub fn missing_variable(path_text: &str) -> ExecutionError {
    ExecutionError::runtime(format!(
        "Invalid path '{path_text}': The choice state's condition path references an invalid value."
    ))
}

/// The failure of a Choice state whose rules all fail and that has no `Default`.
///
/// AWS does not raise `States.NoChoiceMatched` here, whatever the ASL specification says:
/// the execution fails with `States.Runtime` and the cause below, which the executor
/// prefixes with the state (so `state` itself is not needed, and is accepted only so the
/// generated call can name it). A `Catch` on `States.NoChoiceMatched` therefore does not
/// catch it, as on AWS.
pub fn no_choice_matched(_state: &str) -> ExecutionError {
    ExecutionError::runtime(
        "Failed to transition out of the state. The state does not point to a next state.",
    )
}

#[cfg(test)]
mod tests;
