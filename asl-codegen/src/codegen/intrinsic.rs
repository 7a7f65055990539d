//! Intrinsic function calls as direct calls into `asl_runtime::intrinsics`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::intrinsic::{IntrinsicArg, IntrinsicCall, IntrinsicFunction};

use super::json;
use super::scope::Scope;

/// An expression of type `Value` evaluating `call` (`?` propagates its error).
/// `key` is the template key the call sits under.
pub(super) fn call(
    scope: &mut Scope,
    call: &IntrinsicCall,
    key: &str,
    input: &TokenStream,
) -> TokenStream {
    let function = call.function;
    if function == IntrinsicFunction::Array {
        let items = call.args.iter().map(|arg| owned(scope, arg, key, input));
        return quote!(intrinsics::array(::std::vec![#(#items),*]));
    }
    if function == IntrinsicFunction::Uuid {
        return quote!(intrinsics::uuid());
    }
    let args: Vec<TokenStream> = call
        .args
        .iter()
        .map(|arg| borrowed(scope, arg, key, input))
        .collect();
    let name = function_ident(function);
    let call = match function {
        IntrinsicFunction::Format => {
            let (template, values) = args.split_first().expect("States.Format has a template");
            quote!(intrinsics::format(#template, &[#(#values),*]))
        }
        IntrinsicFunction::MathRandom => {
            let (start, end) = (&args[0], &args[1]);
            let seed = match args.get(2) {
                Some(seed) => quote!(Some(#seed)),
                None => quote!(None),
            };
            quote!(intrinsics::math_random(#start, #end, #seed))
        }
        _ => quote!(intrinsics::#name(#(#args),*)),
    };
    quote!(#call?)
}

/// An argument as an `&Value` expression.
fn borrowed(scope: &mut Scope, arg: &IntrinsicArg, key: &str, input: &TokenStream) -> TokenStream {
    match arg {
        IntrinsicArg::Literal(value) => {
            let value = json::value(value);
            quote!(&#value)
        }
        IntrinsicArg::Path(path) => scope.field(key, path, input),
        IntrinsicArg::Call(inner) => {
            let inner = self::call(scope, inner, key, input);
            quote!(&#inner)
        }
    }
}

/// An argument as an owned `Value` expression.
fn owned(scope: &mut Scope, arg: &IntrinsicArg, key: &str, input: &TokenStream) -> TokenStream {
    match arg {
        IntrinsicArg::Literal(value) => json::value(value),
        IntrinsicArg::Path(path) => scope.field_owned(key, path, input),
        IntrinsicArg::Call(inner) => self::call(scope, inner, key, input),
    }
}

fn function_ident(function: IntrinsicFunction) -> proc_macro2::Ident {
    use heck::ToSnakeCase;
    let name = function
        .name()
        .trim_start_matches("States.")
        .to_snake_case();
    proc_macro2::Ident::new(&name, proc_macro2::Span::call_site())
}
