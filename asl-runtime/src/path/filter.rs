//! Filters (`[?(...)]`), evaluated as Jayway JsonPath evaluates them: each operand
//! becomes a value node (number, string, boolean, null, JSON array or object,
//! undefined or pattern) and each operator is one of Jayway's evaluators.
//!
//! Sources: Jayway's `ValueNode`, `EvaluatorFactory`, `PathNode` and
//! `PredicatePathToken`, cross-checked against the Jayway results recorded by the
//! json-path-comparison project (`cburgmer/json-path-comparison`,
//! `regression_suite/Java_com.jayway.jsonpath.yaml`): for example `@.key == 42` also
//! matches `"42"`, `!=` matches elements without the member, `[?(@.key)]` matches a
//! `null` or `false` member, and `=~` must match the whole string.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::select::{Miss, all_present, evaluate, is_definite, walk_definite};
use super::{Const, Filter, FilterOp, Operand, Regex, Segment};

/// Whether `item` passes `filter`; `root` is the document `$` refers to.
pub(super) fn accept(filter: &'static Filter, item: &Value, root: &Value) -> bool {
    match filter {
        Filter::Or(left, right) => accept(left, item, root) || accept(right, item, root),
        Filter::And(left, right) => accept(left, item, root) && accept(right, item, root),
        Filter::Not(inner) => !accept(inner, item, root),
        Filter::Exists(operand) => match operand {
            Operand::Current(segments) => exists(segments, item, root),
            Operand::Root(segments) => exists(segments, root, root),
            // The parser only makes paths existence tests.
            Operand::Const(_) | Operand::Regex(_) => false,
        },
        Filter::Compare { left, op, right } => {
            let left = node(left, item, root);
            let right = node(right, item, root);
            compare(&left, *op, &right)
        }
    }
}

impl Regex {
    /// The pattern compiled to match a whole string, as Java's `Matcher.matches`
    /// does; `None` when it does not compile (it then matches nothing).
    fn compiled(&self) -> Option<&regex::Regex> {
        self.compiled
            .get_or_init(|| {
                let flags = if self.flags.contains('i') { "(?i)" } else { "" };
                regex::Regex::new(&format!(r"{flags}\A(?:{})\z", self.pattern)).ok()
            })
            .as_ref()
    }

    fn is_match(&self, text: &str) -> bool {
        self.compiled().is_some_and(|regex| regex.is_match(text))
    }
}

/// An operand's value, as Jayway's `ValueNode` kinds.
#[derive(Debug)]
enum Node<'a> {
    /// A path that resolved to nothing.
    Undefined,
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    /// An array or object from the document (or the matches of an indefinite path).
    Json(Cow<'a, Value>),
    /// An array or object literal.
    Literal(&'static Const),
    Pattern(&'static Regex),
}

impl<'a> Node<'a> {
    fn from_value(value: Cow<'a, Value>) -> Node<'a> {
        match value {
            Cow::Borrowed(value) => match value {
                Value::Null => Node::Null,
                Value::Bool(value) => Node::Bool(*value),
                Value::Number(number) => Node::Number(number.clone()),
                Value::String(text) => Node::String(Cow::Borrowed(text)),
                Value::Array(_) | Value::Object(_) => Node::Json(Cow::Borrowed(value)),
            },
            Cow::Owned(value) => match value {
                Value::Null => Node::Null,
                Value::Bool(value) => Node::Bool(value),
                Value::Number(number) => Node::Number(number),
                Value::String(text) => Node::String(Cow::Owned(text)),
                value @ (Value::Array(_) | Value::Object(_)) => Node::Json(Cow::Owned(value)),
            },
        }
    }

    fn from_const(value: &'static Const) -> Node<'static> {
        match value {
            Const::Null => Node::Null,
            Const::Bool(value) => Node::Bool(*value),
            Const::Int(value) => Node::Number(Number::from(*value)),
            Const::Float(value) => Number::from_f64(*value).map_or(Node::Undefined, Node::Number),
            Const::Str(text) => Node::String(Cow::Borrowed(text)),
            Const::Array(_) | Const::Object(_) => Node::Literal(value),
        }
    }

    /// The elements of an array node, or `None` for anything else (Jayway's
    /// `asValueListNode`).
    fn elements(&self) -> Option<Vec<Node<'_>>> {
        match self {
            Node::Json(value) => value.as_array().map(|items| {
                items
                    .iter()
                    .map(|item| Node::from_value(Cow::Borrowed(item)))
                    .collect()
            }),
            Node::Literal(Const::Array(items)) => {
                Some(items.iter().map(Node::from_const).collect())
            }
            _ => None,
        }
    }
}

/// The value of an operand for `item`.
fn node<'a>(operand: &'static Operand, item: &'a Value, root: &'a Value) -> Node<'a> {
    match operand {
        Operand::Current(segments) => path_node(segments, item, root),
        Operand::Root(segments) => path_node(segments, root, root),
        Operand::Const(value) => Node::from_const(value),
        Operand::Regex(regex) => Node::Pattern(regex),
    }
}

/// A path operand's value (Jayway's `PathNode.evaluate`): a definite path gives its
/// value or undefined; an indefinite one gives the array of its matches, or undefined
/// when a member before its first wildcard, slice or filter is missing.
fn path_node<'a>(segments: &[Segment], start: &'a Value, root: &'a Value) -> Node<'a> {
    match evaluate(segments, start, root) {
        Ok(value) => Node::from_value(value),
        // An index out of range is not an exception in Jayway: no matches.
        Err(Miss::NoResults) if !is_definite(segments) => {
            Node::Json(Cow::Owned(Value::Array(Vec::new())))
        }
        Err(_) => Node::Undefined,
    }
}

/// Jayway's existence test: the path resolves with every member it names present.
fn exists(segments: &[Segment], start: &Value, root: &Value) -> bool {
    match walk_definite(segments, start) {
        Ok((node, walked)) => match &segments[walked..] {
            [] => true,
            rest => all_present(rest, node, root),
        },
        // Out of range before a wildcard: an empty list of matches, which exists.
        Err(Miss::NoResults) => !is_definite(segments),
        Err(_) => false,
    }
}

fn compare(left: &Node<'_>, op: FilterOp, right: &Node<'_>) -> bool {
    match op {
        FilterOp::Eq => equals(left, right),
        FilterOp::Ne => !equals(left, right),
        FilterOp::Lt => order(left, right) == Some(Ordering::Less),
        FilterOp::Le => matches!(order(left, right), Some(Ordering::Less | Ordering::Equal)),
        FilterOp::Gt => order(left, right) == Some(Ordering::Greater),
        FilterOp::Ge => matches!(
            order(left, right),
            Some(Ordering::Greater | Ordering::Equal)
        ),
        FilterOp::Matches => regex_matches(left, right),
        FilterOp::In => is_in(left, right),
        FilterOp::Nin => !is_in(left, right),
        FilterOp::SubsetOf => match (left.elements(), right.elements()) {
            (Some(lefts), Some(rights)) => {
                lefts.iter().all(|l| rights.iter().any(|r| equals(l, r)))
            }
            _ => false,
        },
        FilterOp::AnyOf => match (left.elements(), right.elements()) {
            (Some(lefts), Some(rights)) => {
                lefts.iter().any(|l| rights.iter().any(|r| equals(l, r)))
            }
            _ => false,
        },
        FilterOp::NoneOf => match (left.elements(), right.elements()) {
            (Some(lefts), Some(rights)) => {
                !lefts.iter().any(|l| rights.iter().any(|r| equals(l, r)))
            }
            _ => false,
        },
        FilterOp::Size => size(left, right),
        FilterOp::Empty => empty(left, right),
    }
}

/// Jayway's `==`: `left.equals(right)` on value nodes. A number equals a string that
/// parses to the same number, and a string equals a number whose text it is.
fn equals(left: &Node<'_>, right: &Node<'_>) -> bool {
    match (left, right) {
        (Node::Null, Node::Null) => true,
        (Node::Bool(left), Node::Bool(right)) => left == right,
        (Node::Number(left), Node::Number(right)) => {
            number_order(left, right) == Some(Ordering::Equal)
        }
        (Node::Number(left), Node::String(right)) => parse_number(right)
            .is_some_and(|right| number_order(left, &right) == Some(Ordering::Equal)),
        (Node::String(left), Node::String(right)) => left == right,
        (Node::String(left), Node::Number(right)) => **left == right.to_string(),
        (Node::Json(left), Node::Json(right)) => left == right,
        (Node::Json(value), Node::Literal(literal))
        | (Node::Literal(literal), Node::Json(value)) => literal_equals(literal, value),
        (Node::Literal(left), Node::Literal(right)) => left == right,
        _ => false,
    }
}

/// `<`, `<=`, `>`, `>=`: numbers with numbers, strings with strings (by UTF-16 code
/// units, as Java compares them); anything else is unordered.
fn order(left: &Node<'_>, right: &Node<'_>) -> Option<Ordering> {
    match (left, right) {
        (Node::Number(left), Node::Number(right)) => number_order(left, right),
        (Node::String(left), Node::String(right)) => {
            Some(left.encode_utf16().cmp(right.encode_utf16()))
        }
        _ => None,
    }
}

/// Numbers compare by value: integers exactly, otherwise as doubles.
fn number_order(left: &Number, right: &Number) -> Option<Ordering> {
    let integer = |number: &Number| {
        number
            .as_i64()
            .map(i128::from)
            .or_else(|| number.as_u64().map(i128::from))
    };
    match (integer(left), integer(right)) {
        (Some(left), Some(right)) => Some(left.cmp(&right)),
        _ => left.as_f64()?.partial_cmp(&right.as_f64()?),
    }
}

/// A string read as a number, as Java's `BigDecimal(String)` reads it: an optional
/// sign, digits with an optional fraction, an optional exponent.
fn parse_number(text: &str) -> Option<Number> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    let valid_exponent = exponent.is_none_or(|exponent| {
        let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        !exponent.is_empty() && digits(exponent)
    });
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) || !valid_exponent {
        return None;
    }
    let text = text.strip_prefix('+').unwrap_or(text);
    if exponent.is_none()
        && !mantissa.contains('.')
        && let Ok(integer) = text.parse::<i64>()
    {
        return Some(Number::from(integer));
    }
    text.parse::<f64>().ok().and_then(Number::from_f64)
}

/// Deep equality of a literal with a document value.
fn literal_equals(literal: &Const, value: &Value) -> bool {
    match (literal, value) {
        (Const::Null, Value::Null) => true,
        (Const::Bool(left), Value::Bool(right)) => left == right,
        (Const::Int(left), Value::Number(right)) => {
            !right.is_f64() && right.as_i64() == Some(*left)
        }
        (Const::Float(left), Value::Number(right)) => {
            right.is_f64() && right.as_f64() == Some(*left)
        }
        (Const::Str(left), Value::String(right)) => left == right,
        (Const::Array(lefts), Value::Array(rights)) => {
            lefts.len() == rights.len()
                && lefts
                    .iter()
                    .zip(rights)
                    .all(|(left, right)| literal_equals(left, right))
        }
        (Const::Object(lefts), Value::Object(rights)) => {
            lefts.len() == rights.len()
                && lefts.iter().all(|(name, left)| {
                    rights
                        .get(*name)
                        .is_some_and(|right| literal_equals(left, right))
                })
        }
        _ => false,
    }
}

/// `=~`: the pattern must match the whole text of a string, number or boolean; an
/// array matches when one of its elements does; anything else is matched as `""`.
fn regex_matches(left: &Node<'_>, right: &Node<'_>) -> bool {
    let (pattern, subject) = match (left, right) {
        (Node::Pattern(_), Node::Pattern(_)) => return false,
        (Node::Pattern(pattern), subject) | (subject, Node::Pattern(pattern)) => (pattern, subject),
        _ => return false,
    };
    match subject.elements() {
        Some(items) => items.iter().any(|item| pattern.is_match(&match_text(item))),
        None => pattern.is_match(&match_text(subject)),
    }
}

/// The text `=~` matches against (Jayway's `RegexpEvaluator.getInput`).
fn match_text<'a>(node: &'a Node<'_>) -> Cow<'a, str> {
    match node {
        Node::String(text) => Cow::Borrowed(text),
        Node::Number(number) => Cow::Owned(number.to_string()),
        Node::Bool(value) => Cow::Borrowed(if *value { "true" } else { "false" }),
        _ => Cow::Borrowed(""),
    }
}

/// `in`: `left` equals an element of the array `right`.
fn is_in(left: &Node<'_>, right: &Node<'_>) -> bool {
    right
        .elements()
        .is_some_and(|items| items.iter().any(|item| equals(left, item)))
}

/// `size`: a string's length in UTF-16 code units or an array's length equals the
/// number on the right (truncated to an integer). Jayway gives an object the length
/// -1.
fn size(left: &Node<'_>, right: &Node<'_>) -> bool {
    let Node::Number(expected) = right else {
        return false;
    };
    let Some(expected) = expected
        .as_i64()
        .or_else(|| expected.as_f64().map(|expected| expected.trunc() as i64))
    else {
        return false;
    };
    let actual = match left {
        Node::String(text) => text.encode_utf16().count() as i64,
        Node::Json(value) => value.as_array().map_or(-1, |items| items.len() as i64),
        Node::Literal(Const::Array(items)) => items.len() as i64,
        Node::Literal(_) => -1,
        _ => return false,
    };
    actual == expected
}

/// `empty`: whether a string, array or object is empty equals the boolean on the
/// right; other values never match.
fn empty(left: &Node<'_>, right: &Node<'_>) -> bool {
    let Node::Bool(expected) = right else {
        return false;
    };
    let is_empty = match left {
        Node::String(text) => text.is_empty(),
        Node::Json(value) => match &**value {
            Value::Array(items) => items.is_empty(),
            Value::Object(members) => members.is_empty(),
            _ => return false,
        },
        Node::Literal(Const::Array(items)) => items.is_empty(),
        Node::Literal(Const::Object(members)) => members.is_empty(),
        _ => return false,
    };
    is_empty == *expected
}
