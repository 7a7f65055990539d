//! JSONata expressions in generated code: each `{% %}` becomes a static parsed on
//! first use, evaluated with `$states` and the workflow variables it names bound.
//!
//! A JSONata state first moves its input into `states` (`$states.input`), then
//! evaluates its fields in blocks that borrow `states` through `bindings`; the
//! result and error output are added to `states` before the fields that read them.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::State;
use crate::ir::jsonata::Jsonata;

use super::scope::Scope;
use super::variables::Scopes;

/// What a JSONata state's expressions read besides `$states.input`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Reads {
    /// `$states.context`: the Context object is built.
    pub context: bool,
    /// The workflow variables named, with where they live: `(name, depth, slot)`.
    variables: Vec<(String, usize, usize)>,
    /// `$random` or `$uuid` is named: a seeded execution seeds them.
    random: bool,
    /// Every expression runs as Rust reading only `$states.input` and variables
    /// (see [`reads_only_input`]): no `states` object or `bindings` is built, the
    /// engine's fallback builds its own.
    pub from_input: bool,
}

/// Whether `text` reads `$states` as a whole (not only a member of it): then
/// `$states.context` is part of what it reads.
fn reads_whole_states(text: &str) -> bool {
    text.match_indices("$states")
        .any(|(at, name)| !text[at + name.len()..].starts_with('.'))
}

/// What the expressions written in `state` itself (not in the machines nested in
/// it) read.
pub(super) fn reads(state: &State, scopes: &Scopes) -> Reads {
    let mut texts = Vec::new();
    expressions(&state.definition, &mut texts);
    let mut names = BTreeSet::new();
    let mut context = false;
    for text in texts {
        context |= text.contains("context") || reads_whole_states(text);
        names.extend(variable_names(text));
    }
    let random = names.contains("random") || names.contains("uuid");
    let variables = names
        .into_iter()
        .filter_map(|name| {
            let (depth, slot) = scopes.resolve(name)?;
            Some((name.to_owned(), depth, slot))
        })
        .collect();
    Reads {
        context,
        variables,
        random,
        from_input: false,
    }
}

/// Whether every expression written in `state` (outside nested machines) runs as
/// Rust reading `$states` only through `$states.input`.
pub(super) fn reads_only_input(state: &State, scopes: &Scopes) -> bool {
    let mut texts = Vec::new();
    expressions(&state.definition, &mut texts);
    texts.iter().all(|text| {
        text.strip_prefix(Jsonata::OPEN)
            .and_then(|text| text.strip_suffix(Jsonata::CLOSE))
            .and_then(|text| {
                super::jsonata_direct::compile(text, scopes, super::jsonata_direct::States::Input)
            })
            .is_some()
    })
}

/// The text of every `{% %}` string in `value`, outside nested machines.
fn expressions<'v>(value: &'v serde_json::Value, texts: &mut Vec<&'v str>) {
    match value {
        serde_json::Value::String(text) if text.starts_with(Jsonata::OPEN) => texts.push(text),
        serde_json::Value::Array(items) => items.iter().for_each(|item| expressions(item, texts)),
        serde_json::Value::Object(members) => {
            for (key, member) in members {
                if !matches!(key.as_str(), "ItemProcessor" | "Iterator" | "Branches") {
                    expressions(member, texts);
                }
            }
        }
        _ => {}
    }
}

/// The names after each `$` in `text` (variables, functions and `states`).
fn variable_names(text: &str) -> impl Iterator<Item = &str> {
    text.split('$').skip(1).filter_map(|rest| {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    })
}

/// `let states = ...;` moving `input` (a `Value` expression) into `$states`, with
/// the Context object when an expression reads it; `mutable` when members are
/// added or the input taken back later.
pub(super) fn states(reads: &Reads, input: TokenStream, mutable: bool) -> TokenStream {
    let context = if reads.context {
        quote!(Some(run.context().to_value()))
    } else {
        quote!(None)
    };
    let mutable = mutable.then(|| quote!(mut));
    quote!(let #mutable states = jsonata::states(#input, #context);)
}

/// `let bindings = ...;`: `$states` and the variables `reads` names that have a
/// value (an unassigned one stays unbound, so that it reads as undefined), and the
/// execution's seed for `$random` and `$uuid` when they are named.
pub(super) fn bindings(reads: &Reads) -> TokenStream {
    let variables = reads.variables.iter().map(|(name, depth, slot)| {
        quote! {
            if let Some(value) = run.variables().get(#depth, #slot) {
                bindings.bind(#name, value);
            }
        }
    });
    let seed = reads.random.then(|| {
        quote! {
            if let Some(seed) = run.jsonata_seed() {
                bindings.with_random_seed(seed);
            }
        }
    });
    quote! {
        let mut bindings = jsonata::Bindings::default();
        bindings.bind("states", &states);
        #(#variables)*
        #seed
    }
}

/// A `Value` expression evaluating `expression` for field `field` (`Output`,
/// `Assign/total` ...), with `bindings` in scope; also names the static holding
/// the parsed expression, for messages about its value.
pub(super) fn evaluate_named(
    scope: &mut Scope,
    expression: &Jsonata,
    field: &str,
) -> (TokenStream, proc_macro2::Ident) {
    // Named after its field: `ASSIGN_TOTAL`, `OUTPUT`, `CONDITION` ...
    let name = scope.name(&field.replace(['/', '[', ']'], "_"));
    let text = &expression.expression;
    scope.push_static(quote! {
        static #name: ::std::sync::LazyLock<jsonata::Expression> =
            ::std::sync::LazyLock::new(|| jsonata::parse(#text));
    });
    let from_input = scope.jsonata.as_ref().filter(|reads| reads.from_input);
    let states = match from_input {
        Some(_) => super::jsonata_direct::States::Input,
        None => super::jsonata_direct::States::Object,
    };
    let value = match (
        super::jsonata_direct::compile(text, &scope.variables, states),
        from_input,
    ) {
        // Nothing built unless the engine is needed.
        (Some(direct), Some(reads)) => {
            let variables = reads
                .variables
                .iter()
                .map(|(name, depth, slot)| quote!((#name, run.variables().get(#depth, #slot))));
            quote!(jsonata::direct::evaluate_input(#direct, &#name, #field, &input, &[#(#variables),*])?)
        }
        // A simple expression runs as Rust, the engine standing by.
        (Some(direct), None) => {
            quote!(jsonata::direct::evaluate(#direct, &#name, #field, &bindings)?)
        }
        (None, _) => quote!(jsonata::evaluate(&#name, #field, &bindings)?),
    };
    (value, name)
}

/// [`evaluate_named`], for a value of any type.
pub(super) fn evaluate(scope: &mut Scope, expression: &Jsonata, field: &str) -> TokenStream {
    evaluate_named(scope, expression, field).0
}

/// A `Value` expression evaluating `expression` for `field`, which must give a JSON
/// `expected` (`array`, `boolean`, `string`, `number`).
pub(super) fn evaluate_as(
    scope: &mut Scope,
    expression: &Jsonata,
    field: &str,
    expected: &str,
) -> TokenStream {
    let (value, name) = evaluate_named(scope, expression, field);
    quote!(jsonata::expect(#value, #expected, &#name, #field)?)
}

/// A `u64` expression evaluating `expression` for the count field `field`.
pub(super) fn evaluate_count(scope: &mut Scope, expression: &Jsonata, field: &str) -> TokenStream {
    let (value, name) = evaluate_named(scope, expression, field);
    quote!(jsonata::count(#value, &#name, #field)?)
}
