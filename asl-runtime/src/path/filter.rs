//! Filter expressions `[?(...)]`, with Jayway's operators. A missing operand makes a
//! comparison false, never an error.

use std::borrow::Cow;

use serde_json::Value;

use crate::equality::equal;

use super::select::{Selected, select};
use super::{Const, Filter, FilterOp, Operand, Regex};

/// Whether `item` passes `filter`; `root` is what `$` means.
pub(super) fn test(filter: &Filter, item: &Value, root: &Value) -> bool {
    match filter {
        Filter::Or(left, right) => test(left, item, root) || test(right, item, root),
        Filter::And(left, right) => test(left, item, root) && test(right, item, root),
        Filter::Not(inner) => !test(inner, item, root),
        Filter::Exists(operand) => resolve(operand, item, root)
            .is_some_and(|value| !matches!(value.as_ref(), Value::Bool(false))),
        Filter::Compare { left, op, right } => {
            if let (FilterOp::Matches, Operand::Regex(regex)) = (op, right) {
                return resolve(left, item, root)
                    .is_some_and(|value| value.as_str().is_some_and(|text| regex.is_match(text)));
            }
            match (resolve(left, item, root), resolve(right, item, root)) {
                (Some(left), Some(right)) => compare(&left, *op, &right),
                _ => matches!(op, FilterOp::Ne),
            }
        }
    }
}

fn resolve<'v>(operand: &Operand, item: &'v Value, root: &'v Value) -> Option<Cow<'v, Value>> {
    let selected = match operand {
        Operand::Current(segments) => select(segments, item, root)?,
        Operand::Root(segments) => select(segments, root, root)?,
        Operand::Const(constant) => return Some(Cow::Owned(constant.to_value())),
        Operand::Regex(regex) => return Some(Cow::Owned(Value::String(regex.pattern.to_owned()))),
    };
    match selected {
        Selected::One(value) => Some(Cow::Borrowed(value)),
        Selected::Many(values) => Some(Cow::Owned(Value::Array(
            values.into_iter().cloned().collect(),
        ))),
    }
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

fn compare(left: &Value, op: FilterOp, right: &Value) -> bool {
    use std::cmp::Ordering;
    let order = || match (left, right) {
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match op {
        FilterOp::Eq => equal(left, right),
        FilterOp::Ne => !equal(left, right),
        FilterOp::Lt => order() == Some(Ordering::Less),
        FilterOp::Le => matches!(order(), Some(Ordering::Less | Ordering::Equal)),
        FilterOp::Gt => order() == Some(Ordering::Greater),
        FilterOp::Ge => matches!(order(), Some(Ordering::Greater | Ordering::Equal)),
        FilterOp::Matches => false,
        FilterOp::In => array(right).iter().any(|item| equal(left, item)),
        FilterOp::Nin => !array(right).iter().any(|item| equal(left, item)),
        FilterOp::SubsetOf => {
            left.is_array()
                && array(left)
                    .iter()
                    .all(|l| array(right).iter().any(|r| equal(l, r)))
        }
        FilterOp::AnyOf => array(left)
            .iter()
            .any(|l| array(right).iter().any(|r| equal(l, r))),
        FilterOp::NoneOf => !array(left)
            .iter()
            .any(|l| array(right).iter().any(|r| equal(l, r))),
        FilterOp::Size => {
            let size = match left {
                Value::Array(items) => items.len(),
                Value::String(text) => text.chars().count(),
                _ => return false,
            };
            right.as_u64().is_some_and(|wanted| wanted == size as u64)
        }
        FilterOp::Empty => {
            let empty = match left {
                Value::Array(items) => items.is_empty(),
                Value::String(text) => text.is_empty(),
                _ => return false,
            };
            right.as_bool() == Some(empty)
        }
    }
}

impl Const {
    /// The literal as JSON.
    pub fn to_value(&self) -> Value {
        match *self {
            Const::Null => Value::Null,
            Const::Bool(flag) => Value::Bool(flag),
            Const::Int(n) => Value::from(n),
            Const::Float(n) => Value::from(n),
            Const::Str(text) => Value::from(text),
            Const::Array(items) => Value::Array(items.iter().map(Const::to_value).collect()),
            Const::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(key, value)| ((*key).to_owned(), value.to_value()))
                    .collect(),
            ),
        }
    }
}

impl Regex {
    /// Whether `text` matches; an invalid pattern matches nothing.
    fn is_match(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| {
                let mut builder = regex::RegexBuilder::new(self.pattern);
                builder.case_insensitive(self.flags.contains('i'));
                builder.multi_line(self.flags.contains('m'));
                builder.dot_matches_new_line(self.flags.contains('s'));
                builder.build().ok()
            })
            .as_ref()
            .is_some_and(|regex| regex.is_match(text))
    }
}
