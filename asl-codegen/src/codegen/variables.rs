//! Workflow variables in generated code: which scope assigns each name and at which
//! slot, `$name` reads, and the statements of an `Assign`.
//!
//! Every name belongs to the scope that assigns it: the top-level machine, or a
//! Parallel branch or Map processor (whose Catch assigns in the enclosing scope, as
//! it is the enclosing machine's state). A read resolves at build time to the
//! innermost scope that assigns the name, `depth` scopes out.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Machine;
use crate::ir::state::StateKind;
use crate::ir::template::Assign;

use super::scope::Scope;
use super::template;

/// The names each visible scope assigns, innermost first; a name's slot is its
/// index in its scope's list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Scopes {
    scopes: Vec<Vec<String>>,
}

impl Scopes {
    /// The scopes of `machine`, the top-level machine, whose scope also holds
    /// `extra` names (the variables a TestState sets).
    pub fn top(machine: &Machine, extra: &[String]) -> Scopes {
        let mut names = own_names(machine);
        names.extend(extra.iter().cloned());
        names.sort();
        names.dedup();
        Scopes {
            scopes: vec![names],
        }
    }

    /// The names of the innermost scope, by slot.
    pub fn own(&self) -> &[String] {
        self.scopes.first().map_or(&[], Vec::as_slice)
    }

    /// The scopes of `machine`, nested in these: a branch or Map processor, which
    /// reads the enclosing scopes unless it runs as Distributed Map children
    /// (`reads_outer` false).
    pub fn inner(&self, machine: &Machine, reads_outer: bool) -> Scopes {
        let mut scopes = vec![own_names(machine)];
        if reads_outer {
            scopes.extend(self.scopes.iter().cloned());
        }
        Scopes { scopes }
    }

    /// `(depth, slot)` of `name`, when a visible scope assigns it.
    pub fn resolve(&self, name: &str) -> Option<(usize, usize)> {
        self.scopes.iter().enumerate().find_map(|(depth, names)| {
            let slot = names.iter().position(|own| own == name)?;
            Some((depth, slot))
        })
    }
}

/// The names `machine`'s own states assign (state, Choice rule and catcher
/// Assigns), sorted.
fn own_names(machine: &Machine) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |assign: &Option<Assign>| {
        if let Some(assign) = assign {
            names.extend(assign.variables.iter().map(|(name, _)| name.clone()));
        }
    };
    for state in &machine.states {
        add(&state.assign);
        match &state.kind {
            StateKind::Choice(choice) => choice.rules.iter().for_each(|rule| add(&rule.assign)),
            StateKind::Task(task) => task.catch.iter().for_each(|c| add(&c.assign)),
            StateKind::Parallel(parallel) => parallel.catch.iter().for_each(|c| add(&c.assign)),
            StateKind::Map(map) => map.catch.iter().for_each(|c| add(&c.assign)),
            _ => {}
        }
    }
    names.sort();
    names.dedup();
    names
}

/// An `&Value` expression reading variable `name`; it fails the state when the
/// variable has no value yet (or no visible scope ever assigns it).
pub(super) fn read(scopes: &Scopes, name: &str) -> TokenStream {
    match scopes.resolve(name) {
        Some((depth, slot)) => quote!(run.variables().read(#depth, #slot, #name)?),
        None => quote!(variables::never_assigned(#name)?),
    }
}

/// The statements of `assign`: one evaluating its values against `input` (the
/// `&Value` expression for `$`) into the local `assigned`, and one writing them,
/// which goes after everything else the state evaluates, since they all see the
/// values from the state's entry.
pub(super) fn assign(
    scope: &mut Scope,
    assign: &Assign,
    input: &TokenStream,
) -> (TokenStream, TokenStream) {
    let values: Vec<_> = assign
        .variables
        .iter()
        .map(|(name, value)| {
            let slot = match scope.variables.resolve(name) {
                Some((0, slot)) => slot,
                _ => unreachable!("`{name}` is assigned in this scope"),
            };
            let field = if scope.jsonata.is_some() {
                format!("Assign/{name}")
            } else {
                template::field_name(name, value)
            };
            let built = template::build(scope, value, &field, input);
            quote!((#slot, #name, #built))
        })
        .collect();
    let check = assign
        .variables
        .iter()
        .find_map(|(_, value)| template::check_input(value, input));
    (
        quote! {
            #check
            let assigned = [#(#values),*];
        },
        quote!(run.variables_mut().assign(assigned)?;),
    )
}
