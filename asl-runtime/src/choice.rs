//! Choice rule comparisons. A value of the wrong type never matches (false, not an
//! error); numbers compare by value (`1` equals `1.0`); strings by UTF-16 code units,
//! as AWS's Java implementation does; timestamps as instants.

use std::cmp::Ordering;

use serde_json::Value;

use crate::error::{ExecutionError, names};
use crate::timestamp::Timestamp;

/// A comparison operator (`StringLessThan`, `NumericEquals` ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    fn holds(self, ordering: Ordering) -> bool {
        match self {
            Compare::Equals => ordering == Ordering::Equal,
            Compare::LessThan => ordering == Ordering::Less,
            Compare::GreaterThan => ordering == Ordering::Greater,
            Compare::LessThanEquals => ordering != Ordering::Greater,
            Compare::GreaterThanEquals => ordering != Ordering::Less,
        }
    }
}

/// A numeric operand written in the definition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer.
    Int(i64),
    /// An integer above `i64::MAX`.
    UInt(u64),
    /// A number with a fraction or exponent.
    Float(f64),
}

impl From<i64> for Number {
    fn from(n: i64) -> Number {
        Number::Int(n)
    }
}

impl From<u64> for Number {
    fn from(n: u64) -> Number {
        Number::UInt(n)
    }
}

impl From<f64> for Number {
    fn from(n: f64) -> Number {
        Number::Float(n)
    }
}

impl Number {
    fn of(value: &Value) -> Option<Number> {
        let number = value.as_number()?;
        Some(if let Some(n) = number.as_i64() {
            Number::Int(n)
        } else if let Some(n) = number.as_u64() {
            Number::UInt(n)
        } else {
            Number::Float(number.as_f64()?)
        })
    }

    fn cmp(self, other: Number) -> Option<Ordering> {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => Some(a.cmp(&b)),
            (Number::UInt(a), Number::UInt(b)) => Some(a.cmp(&b)),
            (Number::Int(_), Number::UInt(_)) => Some(Ordering::Less),
            (Number::UInt(_), Number::Int(_)) => Some(Ordering::Greater),
            (a, b) => a.float().partial_cmp(&b.float()),
        }
    }

    fn float(self) -> f64 {
        match self {
            Number::Int(n) => n as f64,
            Number::UInt(n) => n as f64,
            Number::Float(n) => n,
        }
    }
}

/// `String*`: `value` against a literal.
pub fn string(value: &Value, op: Compare, operand: &str) -> bool {
    value
        .as_str()
        .is_some_and(|text| op.holds(utf16_cmp(text, operand)))
}

/// `String*Path`: `value` against another path's value.
pub fn string_path(value: &Value, op: Compare, operand: &Value) -> bool {
    operand
        .as_str()
        .is_some_and(|operand| string(value, op, operand))
}

fn utf16_cmp(left: &str, right: &str) -> Ordering {
    if left.is_ascii() && right.is_ascii() {
        return left.cmp(right);
    }
    left.encode_utf16().cmp(right.encode_utf16())
}

/// `Numeric*`: `value` against a literal.
pub fn numeric(value: &Value, op: Compare, operand: impl Into<Number>) -> bool {
    Number::of(value)
        .and_then(|number| number.cmp(operand.into()))
        .is_some_and(|ordering| op.holds(ordering))
}

/// `Numeric*Path`: `value` against another path's value.
pub fn numeric_path(value: &Value, op: Compare, operand: &Value) -> bool {
    Number::of(operand).is_some_and(|operand| numeric(value, op, operand))
}

/// `BooleanEquals`.
pub fn boolean(value: &Value, operand: bool) -> bool {
    value.as_bool() == Some(operand)
}

/// `BooleanEqualsPath`.
pub fn boolean_path(value: &Value, operand: &Value) -> bool {
    operand
        .as_bool()
        .is_some_and(|operand| boolean(value, operand))
}

/// `Timestamp*`: `value` (an RFC 3339 string) against a literal.
pub fn timestamp(value: &Value, op: Compare, operand: &Timestamp) -> bool {
    value
        .as_str()
        .and_then(Timestamp::parse)
        .is_some_and(|instant| op.holds(instant.cmp(operand)))
}

/// `Timestamp*Path`: `value` against another path's value.
pub fn timestamp_path(value: &Value, op: Compare, operand: &Value) -> bool {
    operand
        .as_str()
        .and_then(Timestamp::parse)
        .is_some_and(|operand| timestamp(value, op, &operand))
}

/// One part of a `StringMatches` pattern, unescaped at build time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Characters matched literally (`\*` and `\\` already resolved).
    Literal(&'static str),
    /// `*`: any run of characters, possibly empty.
    Star,
}

/// `StringMatches`.
pub fn string_matches(value: &Value, pattern: &[Pattern]) -> bool {
    value.as_str().is_some_and(|text| glob(text, pattern))
}

fn glob(text: &str, pattern: &[Pattern]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((Pattern::Literal(literal), rest)) => text
            .strip_prefix(literal)
            .is_some_and(|tail| glob(tail, rest)),
        Some((Pattern::Star, rest)) => {
            if rest.is_empty() {
                return true;
            }
            text.char_indices()
                .map(|(at, _)| at)
                .chain(std::iter::once(text.len()))
                .any(|at| glob(&text[at..], rest))
        }
    }
}

/// `IsNull`.
pub fn is_null(value: &Value) -> bool {
    value.is_null()
}

/// `IsNumeric`: a JSON number (a numeric string is not).
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

/// `IsTimestamp`: a string AWS accepts as an RFC 3339 timestamp.
pub fn is_timestamp(value: &Value) -> bool {
    value.as_str().and_then(Timestamp::parse).is_some()
}

/// The failure of a Choice state whose rules all failed and that has no `Default`.
pub fn no_choice_matched(_state: &str) -> ExecutionError {
    ExecutionError::new(names::NO_CHOICE_MATCHED, "No Matches!")
}

#[cfg(test)]
mod tests;
