//! Choice rules as Rust conditions.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::choice::{CompareOp, Comparison, Operand, PatternPart, Rule, TypeTest};
use crate::ir::path::Path;

use super::json;
use super::scope::Scope;

/// A `bool` expression for `rule` over `input` (an `&Value` expression); `?`
/// propagates States.Runtime for a Variable that matches nothing.
pub(super) fn condition(scope: &mut Scope, rule: &Rule, input: &TokenStream) -> TokenStream {
    expression(scope, rule, input, false)
}

/// `nested` says whether the expression is an operand of `&&`, `||` or `!`, which
/// needs parentheses around a compound condition.
fn expression(scope: &mut Scope, rule: &Rule, input: &TokenStream, nested: bool) -> TokenStream {
    match rule {
        Rule::And(rules) | Rule::Or(rules) if rules.len() == 1 => {
            expression(scope, &rules[0], input, nested)
        }
        Rule::And(rules) => {
            let rules = rules
                .iter()
                .map(|rule| expression(scope, rule, input, true));
            if nested {
                quote!((#(#rules)&&*))
            } else {
                quote!(#(#rules)&&*)
            }
        }
        Rule::Or(rules) => {
            let rules = rules
                .iter()
                .map(|rule| expression(scope, rule, input, true));
            if nested {
                quote!((#(#rules)||*))
            } else {
                quote!(#(#rules)||*)
            }
        }
        Rule::Not(rule) => {
            let rule = expression(scope, rule, input, true);
            quote!(!#rule)
        }
        Rule::Test {
            variable,
            comparison,
        } => test(scope, variable, comparison, input),
    }
}

fn test(
    scope: &mut Scope,
    variable: &Path,
    comparison: &Comparison,
    input: &TokenStream,
) -> TokenStream {
    let root = scope.root(&variable.root, input);
    if let Comparison::Type {
        test: TypeTest::Present,
        expected,
    } = comparison
    {
        let name = scope.path("variable", variable);
        let test = quote!(dataflow::present(&#name, #root));
        return if *expected { test } else { quote!(!#test) };
    }
    let value = match scope.definite("variable", variable) {
        Some(name) => quote!(dataflow::variable_at(&#name, #root)?),
        None => {
            let name = scope.path("variable", variable);
            quote!(&*dataflow::variable(&#name, #root)?)
        }
    };
    match comparison {
        Comparison::String { op, operand } => {
            let op = compare(*op);
            match operand {
                Operand::Value(text) => quote!(choice::string(#value, #op, #text)),
                Operand::Path(path) => {
                    let other = operand_path(scope, path, input);
                    quote!(choice::string_path(#value, #op, #other))
                }
            }
        }
        Comparison::StringMatches(pattern) => match &pattern.parts {
            Ok(parts) => {
                let parts = parts.iter().map(|part| match part {
                    PatternPart::Literal(text) => quote!(choice::Pattern::Literal(#text)),
                    PatternPart::Star => quote!(choice::Pattern::Star),
                });
                quote!(choice::string_matches(#value, &[#(#parts),*]))
            }
            Err(message) => {
                let cause = format!(
                    "StringMatches pattern '{}' is invalid: {message}",
                    pattern.text
                );
                quote!({
                    let _ = #value;
                    return Err(ExecutionError::runtime(#cause));
                })
            }
        },
        Comparison::Numeric { op, operand } => {
            let op = compare(*op);
            match operand {
                Operand::Value(number) => {
                    let number = json::number(number);
                    quote!(choice::numeric(#value, #op, #number))
                }
                Operand::Path(path) => {
                    let other = operand_path(scope, path, input);
                    quote!(choice::numeric_path(#value, #op, #other))
                }
            }
        }
        Comparison::Boolean(operand) => match operand {
            Operand::Value(flag) => quote!(choice::boolean(#value, #flag)),
            Operand::Path(path) => {
                let other = operand_path(scope, path, input);
                quote!(choice::boolean_path(#value, #other))
            }
        },
        Comparison::Timestamp { op, operand } => {
            let op = compare(*op);
            match operand {
                Operand::Value(timestamp) => {
                    let timestamp = super::wait::timestamp(timestamp);
                    quote!(choice::timestamp(#value, #op, &#timestamp))
                }
                Operand::Path(path) => {
                    let other = operand_path(scope, path, input);
                    quote!(choice::timestamp_path(#value, #op, #other))
                }
            }
        }
        Comparison::Type { test, expected } => {
            let function = match test {
                TypeTest::Null => quote!(is_null),
                TypeTest::Numeric => quote!(is_numeric),
                TypeTest::String => quote!(is_string),
                TypeTest::Boolean => quote!(is_boolean),
                TypeTest::Timestamp => quote!(is_timestamp),
                TypeTest::Present => unreachable!("IsPresent is handled above"),
            };
            let test = quote!(choice::#function(#value));
            if *expected { test } else { quote!(!#test) }
        }
    }
}

fn operand_path(scope: &mut Scope, path: &Path, input: &TokenStream) -> TokenStream {
    let root = scope.root(&path.root, input);
    match scope.definite("operand", path) {
        Some(name) => quote!(dataflow::variable_at(&#name, #root)?),
        None => {
            let name = scope.path("operand", path);
            quote!(&*dataflow::variable(&#name, #root)?)
        }
    }
}

fn compare(op: CompareOp) -> TokenStream {
    let op = match op {
        CompareOp::Equals => quote!(Equals),
        CompareOp::LessThan => quote!(LessThan),
        CompareOp::GreaterThan => quote!(GreaterThan),
        CompareOp::LessThanEquals => quote!(LessThanEquals),
        CompareOp::GreaterThanEquals => quote!(GreaterThanEquals),
    };
    quote!(choice::Compare::#op)
}
