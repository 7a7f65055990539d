//! Payload templates (Parameters, ResultSelector) as expressions that build their
//! value directly: constant parts built once, `.$` paths read through compiled paths,
//! intrinsic calls as direct calls.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::template::Template;

use super::intrinsic;
use super::scope::Scope;

/// An expression of type `Value` building `template` against `input` (an `&Value`
/// expression for `$`). `key` is the member key the template sits under, for hints
/// and error messages.
pub(super) fn build(
    scope: &mut Scope,
    template: &Template,
    key: &str,
    input: &TokenStream,
) -> TokenStream {
    match template {
        Template::Literal(value) => scope.constant(key, value),
        Template::Object(members) => {
            let values = members.iter().map(|(member, value)| {
                // JSONata errors name the field by its path (`Output/total`).
                let field = if scope.jsonata.is_some() {
                    format!("{key}/{member}")
                } else {
                    field_name(member, value)
                };
                build(scope, value, &field, input)
            });
            let mut values: Vec<TokenStream> = values.collect();
            match members.as_slice() {
                [] => quote!(Value::Object(Map::new())),
                [(name, _)] => {
                    let value = values.remove(0);
                    quote!(dataflow::single(#name, #value))
                }
                _ => {
                    let names = members.iter().map(|(member, _)| member);
                    let keys = scope.name(&format!("{key}_keys"));
                    scope.push_static(quote!(
                        static #keys: dataflow::Keys = dataflow::Keys::new(&[#(#names),*]);
                    ));
                    quote!(#keys.object([#(#values),*]))
                }
            }
        }
        Template::Array(items) => {
            let items = items.iter().map(|item| build(scope, item, key, input));
            quote!(Value::Array(::std::vec![#(#items),*]))
        }
        Template::Path(path) => scope.field_owned(key, path, input),
        Template::Intrinsic(call) => intrinsic::call(scope, call, key, input),
        Template::Jsonata(expression) => super::jsonata::evaluate(scope, expression, key),
    }
}

/// A statement failing the state as AWS does when the input a template reads with
/// `$` paths is `null`; nothing when the template reads no `$` path.
pub(super) fn check_input(template: &Template, input: &TokenStream) -> Option<TokenStream> {
    reads_input(template).then(|| quote!(path::template_input(#input)?;))
}

fn reads_input(template: &Template) -> bool {
    use crate::ir::intrinsic::{IntrinsicArg, IntrinsicCall};
    fn call_reads(call: &IntrinsicCall) -> bool {
        call.args.iter().any(|arg| match arg {
            IntrinsicArg::Path(path) => path.root == crate::ir::path::Root::Input,
            IntrinsicArg::Call(inner) => call_reads(inner),
            IntrinsicArg::Literal(_) => false,
        })
    }
    match template {
        Template::Object(members) => members.iter().any(|(_, value)| reads_input(value)),
        Template::Array(items) => items.iter().any(reads_input),
        Template::Path(path) => path.root == crate::ir::path::Root::Input,
        Template::Intrinsic(call) => call_reads(call),
        Template::Literal(_) | Template::Jsonata(_) => false,
    }
}

/// A statement failing the state with `States.DataLimitExceeded` when `value`, built
/// from `template`, is over the payload limit; nothing when the template's size has
/// a bound below the limit (constants and fixed-size intrinsic results), which saves
/// measuring the value on every transition.
pub(super) fn check_size(
    template: &Template,
    value: &TokenStream,
    state: &str,
) -> Option<TokenStream> {
    const MAX_PAYLOAD_BYTES: usize = 262_144;
    let bounded = max_size(template).is_some_and(|size| size <= MAX_PAYLOAD_BYTES);
    (!bounded).then(|| quote!(limits::check_result(&#value, #state)?;))
}

/// The largest the JSON text of `template`'s value can be, when that is known.
fn max_size(template: &Template) -> Option<usize> {
    use crate::ir::intrinsic::IntrinsicFunction;
    match template {
        Template::Literal(value) => Some(value.to_string().len()),
        Template::Object(members) => members.iter().try_fold(2, |total, (key, value)| {
            Some(total + key.len() * 6 + 4 + max_size(value)?)
        }),
        Template::Array(items) => items
            .iter()
            .try_fold(2, |total, item| Some(total + 1 + max_size(item)?)),
        Template::Intrinsic(call) => match call.function {
            // An integer, a boolean, a UUID, a hex digest.
            IntrinsicFunction::MathAdd
            | IntrinsicFunction::MathRandom
            | IntrinsicFunction::ArrayLength => Some(20),
            IntrinsicFunction::ArrayContains => Some(5),
            IntrinsicFunction::Uuid => Some(38),
            IntrinsicFunction::Hash => Some(130),
            _ => None,
        },
        Template::Path(_) | Template::Jsonata(_) => None,
    }
}

/// The key as the definition spells it: `.$` is back on dynamic members, so that
/// error messages name the field as AWS does (`'id.$'`).
pub(super) fn field_name(member: &str, value: &Template) -> String {
    match value {
        Template::Path(_) | Template::Intrinsic(_) => format!("{member}.$"),
        _ => member.to_owned(),
    }
}
