//! Paths known at build time, as `static` data of `asl_runtime::path` types.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::path::{
    Filter, FilterOp, FilterOperand, Path, ReferencePath, Segment, Selector, Step,
};

/// An expression of type `asl_runtime::path::RefPath`.
pub(super) fn reference(path: &ReferencePath) -> TokenStream {
    let text = &path.text;
    let steps = path.steps.iter().map(|step| match step {
        Step::Field(name) => quote!(path::Step::Field(#name)),
        Step::Index(index) => quote!(path::Step::Index(#index)),
    });
    quote!(path::RefPath { text: #text, steps: &[#(#steps),*] })
}

/// An expression of type `asl_runtime::path::Path`.
pub(super) fn path(path: &Path) -> TokenStream {
    let text = &path.text;
    let segments = segments(&path.segments);
    quote!(path::Path { text: #text, segments: #segments })
}

fn segments(segments: &[Segment]) -> TokenStream {
    let segments = segments.iter().map(|segment| match segment {
        Segment::Child(selector) => {
            let selector = self::selector(selector);
            quote!(path::Segment::Child(#selector))
        }
        Segment::Descendant(selector) => {
            let selector = self::selector(selector);
            quote!(path::Segment::Descendant(#selector))
        }
    });
    quote!(&[#(#segments),*])
}

fn selector(selector: &Selector) -> TokenStream {
    match selector {
        Selector::Name(name) => quote!(path::Selector::Name(#name)),
        Selector::Index(index) => quote!(path::Selector::Index(#index)),
        Selector::Wildcard => quote!(path::Selector::Wildcard),
        Selector::Slice { start, end, step } => {
            let [start, end, step] = [start, end, step].map(|bound| match bound {
                Some(n) => quote!(Some(#n)),
                None => quote!(None),
            });
            quote!(path::Selector::Slice { start: #start, end: #end, step: #step })
        }
        Selector::Names(names) => quote!(path::Selector::Names(&[#(#names),*])),
        Selector::Indexes(indexes) => {
            quote!(path::Selector::Indexes(&[#(#indexes),*]))
        }
        Selector::Filter(filter) => {
            let filter = self::filter(filter);
            quote!(path::Selector::Filter(&#filter))
        }
    }
}

fn filter(filter: &Filter) -> TokenStream {
    match filter {
        Filter::Or(left, right) => {
            let (left, right) = (self::filter(left), self::filter(right));
            quote!(path::Filter::Or(&#left, &#right))
        }
        Filter::And(left, right) => {
            let (left, right) = (self::filter(left), self::filter(right));
            quote!(path::Filter::And(&#left, &#right))
        }
        Filter::Not(inner) => {
            let inner = self::filter(inner);
            quote!(path::Filter::Not(&#inner))
        }
        Filter::Exists(operand) => {
            let operand = self::operand(operand);
            quote!(path::Filter::Exists(#operand))
        }
        Filter::Compare { left, op, right } => {
            let (left, right) = (operand(left), operand(right));
            let op = filter_op(*op);
            quote!(path::Filter::Compare { left: #left, op: path::FilterOp::#op, right: #right })
        }
    }
}

fn operand(operand: &FilterOperand) -> TokenStream {
    match operand {
        FilterOperand::Current(path) => {
            let path = segments(path);
            quote!(path::Operand::Current(#path))
        }
        FilterOperand::Root(path) => {
            let path = segments(path);
            quote!(path::Operand::Root(#path))
        }
        FilterOperand::Literal(value) => {
            let value = constant(value);
            quote!(path::Operand::Const(#value))
        }
        FilterOperand::Regex { pattern, flags } => {
            // A `static` so that the compiled expression is kept between evaluations.
            quote!(path::Operand::Regex({
                static REGEX: path::Regex = path::Regex::new(#pattern, #flags);
                &REGEX
            }))
        }
    }
}

fn constant(value: &serde_json::Value) -> TokenStream {
    use serde_json::Value;
    match value {
        Value::Null => quote!(path::Const::Null),
        Value::Bool(flag) => quote!(path::Const::Bool(#flag)),
        Value::Number(number) => match number.as_i64() {
            Some(n) => quote!(path::Const::Int(#n)),
            None => {
                let n = number.as_f64().unwrap_or_default();
                quote!(path::Const::Float(#n))
            }
        },
        Value::String(text) => quote!(path::Const::Str(#text)),
        Value::Array(items) => {
            let items = items.iter().map(constant);
            quote!(path::Const::Array(&[#(#items),*]))
        }
        Value::Object(members) => {
            let members = members.iter().map(|(key, item)| {
                let item = constant(item);
                quote!((#key, #item))
            });
            quote!(path::Const::Object(&[#(#members),*]))
        }
    }
}

fn filter_op(op: FilterOp) -> TokenStream {
    match op {
        FilterOp::Eq => quote!(Eq),
        FilterOp::Ne => quote!(Ne),
        FilterOp::Lt => quote!(Lt),
        FilterOp::Le => quote!(Le),
        FilterOp::Gt => quote!(Gt),
        FilterOp::Ge => quote!(Ge),
        FilterOp::Matches => quote!(Matches),
        FilterOp::In => quote!(In),
        FilterOp::Nin => quote!(Nin),
        FilterOp::SubsetOf => quote!(SubsetOf),
        FilterOp::AnyOf => quote!(AnyOf),
        FilterOp::NoneOf => quote!(NoneOf),
        FilterOp::Size => quote!(Size),
        FilterOp::Empty => quote!(Empty),
    }
}
