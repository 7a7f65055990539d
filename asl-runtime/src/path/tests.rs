//! Tests write paths as text: [`path`] and [`refpath`] parse them with asl-codegen's
//! parser and build the same `static` data generated code holds (leaked, in tests).

mod corpus;
mod errors;
mod filter;
mod select;
mod write;

use asl_codegen::ir::path as ir;
use serde_json::Value;

use super::{Const, Filter, FilterOp, Operand, Path, RefPath, Regex, Segment, Selector, Step};

fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

fn leak_str(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

/// A full JSONPath, compiled.
pub(super) fn path(text: &str) -> Path {
    let parsed = ir::Path::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
    Path {
        text: leak_str(text),
        segments: segments(&parsed.segments),
    }
}

/// A Reference Path, compiled.
pub(super) fn refpath(text: &str) -> RefPath {
    let parsed = ir::ReferencePath::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
    let steps = parsed
        .steps
        .iter()
        .map(|step| match step {
            ir::Step::Field(name) => Step::Field(leak_str(name)),
            ir::Step::Index(index) => Step::Index(*index),
        })
        .collect();
    RefPath {
        text: leak_str(text),
        steps: leak(steps),
    }
}

fn segments(parsed: &[ir::Segment]) -> &'static [Segment] {
    leak(
        parsed
            .iter()
            .map(|segment| match segment {
                ir::Segment::Child(selector) => Segment::Child(self::selector(selector)),
                ir::Segment::Descendant(selector) => Segment::Descendant(self::selector(selector)),
            })
            .collect(),
    )
}

fn selector(parsed: &ir::Selector) -> Selector {
    match parsed {
        ir::Selector::Name(name) => Selector::Name(leak_str(name)),
        ir::Selector::Index(index) => Selector::Index(*index),
        ir::Selector::Wildcard => Selector::Wildcard,
        ir::Selector::Slice { start, end, step } => Selector::Slice {
            start: *start,
            end: *end,
            step: *step,
        },
        ir::Selector::Names(names) => {
            Selector::Names(leak(names.iter().map(|name| leak_str(name)).collect()))
        }
        ir::Selector::Indexes(indexes) => Selector::Indexes(leak(indexes.clone())),
        ir::Selector::Filter(parsed) => Selector::Filter(filter(parsed)),
    }
}

fn filter(parsed: &ir::Filter) -> &'static Filter {
    let built = match parsed {
        ir::Filter::Or(left, right) => Filter::Or(filter(left), filter(right)),
        ir::Filter::And(left, right) => Filter::And(filter(left), filter(right)),
        ir::Filter::Not(inner) => Filter::Not(filter(inner)),
        ir::Filter::Exists(operand) => Filter::Exists(self::operand(operand)),
        ir::Filter::Compare { left, op, right } => Filter::Compare {
            left: operand(left),
            op: filter_op(*op),
            right: operand(right),
        },
    };
    Box::leak(Box::new(built))
}

fn operand(parsed: &ir::FilterOperand) -> Operand {
    match parsed {
        ir::FilterOperand::Current(parsed) => Operand::Current(segments(parsed)),
        ir::FilterOperand::Root(parsed) => Operand::Root(segments(parsed)),
        ir::FilterOperand::Literal(value) => Operand::Const(constant(value)),
        ir::FilterOperand::Regex { pattern, flags } => Operand::Regex(Box::leak(Box::new(
            Regex::new(leak_str(pattern), leak_str(flags)),
        ))),
    }
}

fn constant(value: &Value) -> Const {
    match value {
        Value::Null => Const::Null,
        Value::Bool(value) => Const::Bool(*value),
        Value::Number(number) => match number.as_i64() {
            Some(integer) => Const::Int(integer),
            None => Const::Float(number.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(text) => Const::Str(leak_str(text)),
        Value::Array(items) => Const::Array(leak(items.iter().map(constant).collect())),
        Value::Object(members) => Const::Object(leak(
            members
                .iter()
                .map(|(name, value)| (leak_str(name), constant(value)))
                .collect(),
        )),
    }
}

fn filter_op(op: ir::FilterOp) -> FilterOp {
    match op {
        ir::FilterOp::Eq => FilterOp::Eq,
        ir::FilterOp::Ne => FilterOp::Ne,
        ir::FilterOp::Lt => FilterOp::Lt,
        ir::FilterOp::Le => FilterOp::Le,
        ir::FilterOp::Gt => FilterOp::Gt,
        ir::FilterOp::Ge => FilterOp::Ge,
        ir::FilterOp::Matches => FilterOp::Matches,
        ir::FilterOp::In => FilterOp::In,
        ir::FilterOp::Nin => FilterOp::Nin,
        ir::FilterOp::SubsetOf => FilterOp::SubsetOf,
        ir::FilterOp::AnyOf => FilterOp::AnyOf,
        ir::FilterOp::NoneOf => FilterOp::NoneOf,
        ir::FilterOp::Size => FilterOp::Size,
        ir::FilterOp::Empty => FilterOp::Empty,
    }
}

/// What `text` selects in `root`, owned, or `None` on a miss.
pub(super) fn select(text: &str, root: &Value) -> Option<Value> {
    path(text)
        .select(root)
        .map(|selected| selected.into_owned())
}
