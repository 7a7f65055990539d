//! JSON values known at build time, as Rust expressions.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{Number, Value};

/// An expression that builds `value` (a `serde_json::Value`).
///
/// Scalars are built directly; arrays and objects through `json!`, which reads like
/// the definition.
pub(super) fn value(value: &Value) -> TokenStream {
    match value {
        Value::Null => quote!(Value::Null),
        Value::Bool(flag) => quote!(Value::Bool(#flag)),
        Value::Number(number) => {
            let number = self::number(number);
            quote!(Value::from(#number))
        }
        Value::String(text) => {
            quote!(Value::String(#text.to_owned()))
        }
        Value::Array(_) | Value::Object(_) => {
            let body = json_body(value);
            quote!(serde_json::json!(#body))
        }
    }
}

/// `value` in the syntax `json!` takes.
fn json_body(value: &Value) -> TokenStream {
    match value {
        Value::Null => quote!(null),
        Value::Bool(flag) => quote!(#flag),
        Value::Number(n) => number(n),
        Value::String(text) => quote!(#text),
        Value::Array(items) => {
            let items = items.iter().map(json_body);
            quote!([#(#items),*])
        }
        Value::Object(members) => {
            let members = members.iter().map(|(key, item)| {
                let item = json_body(item);
                quote!(#key: #item)
            });
            quote!({#(#members),*})
        }
    }
}

/// A number literal with a suffix that keeps its JSON type (integer or float).
pub(super) fn number(number: &Number) -> TokenStream {
    if let Some(n) = number.as_i64() {
        let literal = Literal::i64_suffixed(n.abs());
        if n < 0 {
            // `i64::MIN.abs()` overflows; spell it through the constant.
            if n == i64::MIN {
                return quote!(i64::MIN);
            }
            quote!(-#literal)
        } else {
            quote!(#literal)
        }
    } else if let Some(n) = number.as_u64() {
        let literal = Literal::u64_suffixed(n);
        quote!(#literal)
    } else {
        let n = number.as_f64().unwrap_or_default();
        let literal = Literal::f64_suffixed(n.abs());
        if n.is_sign_negative() {
            quote!(-#literal)
        } else {
            quote!(#literal)
        }
    }
}

/// An integer literal without a type suffix (`3`, not `3u64`), for readability.
pub(super) fn int(n: impl Into<u128>) -> Literal {
    Literal::u128_unsuffixed(n.into())
}
