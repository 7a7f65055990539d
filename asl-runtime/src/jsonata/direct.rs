//! Simple JSONata expressions compiled to Rust: paths into `$states` and variables,
//! literals, arithmetic, comparisons, `&`, `and`, `or` and unary minus. Each step
//! computes what the engine would in the cases it covers; in any other (a path
//! through an array, a type error, a value JSONata would cast) it gives
//! [`Direct::Engine`], and the expression is evaluated by the engine instead, so
//! that results and errors are always the engine's.

use std::borrow::Cow;

use serde_json::{Number, Value};

use super::{Bindings, Expression};
use crate::error::ExecutionError;

/// The value of a directly computed (sub)expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Direct<'v> {
    /// A value (borrowed when read from a path).
    Value(Cow<'v, Value>),
    /// JSONata's `undefined`.
    Undefined,
    /// A case left to the engine.
    Engine,
}

use Direct::{Engine, Undefined};

/// The value of `direct`, for `expression` written for `field`, or the engine's
/// evaluation of `expression` when `direct` left it to the engine.
pub fn evaluate(
    direct: Direct<'_>,
    expression: &Expression,
    field: &str,
    bindings: &Bindings<'_>,
) -> Result<Value, ExecutionError> {
    match direct {
        Direct::Value(value) => Ok(value.into_owned()),
        Undefined | Engine => super::evaluate(expression, field, bindings),
    }
}

/// [`evaluate`] in a state whose expressions all read only `$states.input` and
/// variables and all run as Rust: `$states` (`{"input": input}`) and the bindings
/// of `variables` (each `None` when unassigned) are built only when `direct` left
/// the expression to the engine, so that the usual case builds nothing.
#[inline]
pub fn evaluate_input(
    direct: Direct<'_>,
    expression: &Expression,
    field: &str,
    input: &Value,
    variables: &[(&str, Option<&Value>)],
) -> Result<Value, ExecutionError> {
    match direct {
        Direct::Value(value) => Ok(value.into_owned()),
        Undefined | Engine => evaluate_by_engine(expression, field, input, variables),
    }
}

/// [`evaluate_input`] when `direct` left the expression to the engine.
fn evaluate_by_engine(
    expression: &Expression,
    field: &str,
    input: &Value,
    variables: &[(&str, Option<&Value>)],
) -> Result<Value, ExecutionError> {
    let states = super::states(input.clone(), None);
    let mut bindings = Bindings::default();
    bindings.bind("states", &states);
    for (name, value) in variables {
        if let Some(value) = value {
            bindings.bind(name, value);
        }
    }
    super::evaluate(expression, field, &bindings)
}

/// A constant.
#[inline]
pub fn literal(value: Value) -> Direct<'static> {
    Direct::Value(Cow::Owned(value))
}

/// The value at `steps` (field names) under `root` (`$states`, or a variable's
/// value; `None` when it is unassigned).
#[inline]
pub fn path<'v>(root: Option<&'v Value>, steps: &[&str]) -> Direct<'v> {
    let Some(mut value) = root else {
        return Undefined;
    };
    for step in steps {
        value = match value {
            Value::Object(members) => match members.get(*step) {
                Some(member) => member,
                None => return Undefined,
            },
            // A path through an array maps over it: left to the engine.
            Value::Array(_) => return Engine,
            _ => return Undefined,
        };
    }
    Direct::Value(Cow::Borrowed(value))
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arithmetic {
    /// `+`
    Add,
    /// `-`
    Subtract,
    /// `*`
    Multiply,
    /// `/`
    Divide,
    /// `%`
    Remainder,
}

/// `a <op> b` on numbers; undefined when either is.
#[inline]
pub fn arithmetic(op: Arithmetic, a: Direct<'_>, b: Direct<'_>) -> Direct<'static> {
    let (a, b) = match (number(&a), number(&b)) {
        (Some(Some(a)), Some(Some(b))) => (a, b),
        (Some(None), Some(_)) | (Some(_), Some(None)) => return Undefined,
        _ => return Engine,
    };
    let result = match op {
        Arithmetic::Add => a + b,
        Arithmetic::Subtract => a - b,
        Arithmetic::Multiply => a * b,
        Arithmetic::Divide => a / b,
        Arithmetic::Remainder => a % b,
    };
    from_f64(result)
}

/// `-a`.
pub fn negate(a: Direct<'_>) -> Direct<'static> {
    match number(&a) {
        Some(Some(a)) => from_f64(-a),
        Some(None) => Undefined,
        None => Engine,
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
}

/// `a <op> b`: numbers by value, strings by code point; `=` and `!=` also on
/// booleans and null (different types are unequal); with an undefined operand,
/// false.
#[inline]
pub fn compare(op: Comparison, a: Direct<'_>, b: Direct<'_>) -> Direct<'static> {
    let (a, b) = match (&a, &b) {
        (Engine, _) | (_, Engine) => return Engine,
        (Undefined, _) | (_, Undefined) => return boolean(false),
        (Direct::Value(a), Direct::Value(b)) => (a.as_ref(), b.as_ref()),
    };
    let ordering = match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x.partial_cmp(&y),
            _ => return Engine,
        },
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => {
            return Engine;
        }
        (x, y) => match op {
            Comparison::Equal => return boolean(x == y),
            Comparison::NotEqual => return boolean(x != y),
            _ => return Engine,
        },
    };
    let Some(ordering) = ordering else {
        return Engine;
    };
    boolean(match op {
        Comparison::Equal => ordering.is_eq(),
        Comparison::NotEqual => ordering.is_ne(),
        Comparison::Less => ordering.is_lt(),
        Comparison::LessOrEqual => ordering.is_le(),
        Comparison::Greater => ordering.is_gt(),
        Comparison::GreaterOrEqual => ordering.is_ge(),
    })
}

/// `a and b` (`all` true) or `a or b` (`all` false), on booleans.
pub fn logical(all: bool, a: Direct<'_>, b: Direct<'_>) -> Direct<'static> {
    match (truth(&a), truth(&b)) {
        (Some(a), Some(b)) => boolean(if all { a && b } else { a || b }),
        _ => Engine,
    }
}

/// `a & b` on strings (undefined is the empty string).
pub fn concatenate(a: Direct<'_>, b: Direct<'_>) -> Direct<'static> {
    match (text(&a), text(&b)) {
        (Some(a), Some(b)) => literal(Value::String(format!("{a}{b}"))),
        _ => Engine,
    }
}

#[inline]
fn boolean(value: bool) -> Direct<'static> {
    literal(Value::Bool(value))
}

/// `Some(Some(n))` for a number, `Some(None)` for undefined, `None` otherwise.
#[inline]
fn number(value: &Direct<'_>) -> Option<Option<f64>> {
    match value {
        Direct::Value(value) => value.as_f64().map(Some),
        Undefined => Some(None),
        Engine => None,
    }
}

/// A boolean (undefined is false); `None` for what JSONata would cast.
fn truth(value: &Direct<'_>) -> Option<bool> {
    match value {
        Direct::Value(value) => value.as_bool(),
        Undefined => Some(false),
        Engine => None,
    }
}

/// A string (undefined is empty); `None` for what JSONata would cast.
fn text<'a>(value: &'a Direct<'_>) -> Option<&'a str> {
    match value {
        Direct::Value(value) => value.as_str(),
        Undefined => Some(""),
        Engine => None,
    }
}

/// A number as the engine returns it: integral values as integers; infinities
/// and NaN are left to the engine (which reports them).
#[inline]
fn from_f64(value: f64) -> Direct<'static> {
    if !value.is_finite() {
        return Engine;
    }
    // Below 2^63 an integral f64 converts to i64 exactly.
    if value.fract() == 0.0 && value.abs() < 9.223_372_036_854_776e18 {
        return literal(Value::from(value as i64));
    }
    match Number::from_f64(value) {
        Some(number) => literal(Value::Number(number)),
        None => Engine,
    }
}

#[cfg(test)]
mod tests;
