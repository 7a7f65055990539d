//! Rust identifiers for ASL state names, which may hold any characters.

use std::collections::HashSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Identifiers for the states of one machine, unique within it.
#[derive(Debug)]
pub(super) struct StateIdents {
    /// `enum State` variant names (UpperCamelCase).
    pub variants: Vec<Ident>,
    /// Transition function and Tasks method names (snake_case).
    pub functions: Vec<Ident>,
    /// Prefixes for the statics of each state (SHOUTY_SNAKE_CASE).
    pub statics: Vec<String>,
}

impl StateIdents {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> StateIdents {
        let mut variants = Unique::default();
        let mut functions = Unique::default();
        let mut statics = Unique::default();
        let mut idents = StateIdents {
            variants: Vec::new(),
            functions: Vec::new(),
            statics: Vec::new(),
        };
        for name in names {
            // Keep word boundaries where characters are dropped.
            let name: String = name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
                .collect();
            let name = name.as_str();
            idents
                .variants
                .push(ident(&variants.claim(name.to_upper_camel_case(), "State")));
            idents
                .functions
                .push(ident(&functions.claim(name.to_snake_case(), "state")));
            idents
                .statics
                .push(statics.claim(name.to_shouty_snake_case(), "STATE"));
        }
        idents
    }
}

/// Hands out names that are valid Rust identifiers, never twice.
#[derive(Default)]
struct Unique {
    taken: HashSet<String>,
}

impl Unique {
    fn claim(&mut self, converted: String, fallback: &str) -> String {
        let mut base: String = converted
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if base.is_empty() || base == "_" {
            base = fallback.to_owned();
        } else if base.starts_with(|c: char| c.is_ascii_digit()) {
            // `State1st`, `state_1st`, `STATE_1ST`.
            let camel = fallback.chars().any(|c| c.is_ascii_lowercase())
                && fallback.starts_with(|c: char| c.is_ascii_uppercase());
            base = format!("{fallback}{}{base}", if camel { "" } else { "_" });
        }
        if is_reserved(&base) {
            base.push('_');
        }
        let mut candidate = base.clone();
        let mut n = 2;
        while !self.taken.insert(candidate.clone()) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        candidate
    }
}

/// Keywords, and names the generated code defines itself.
fn is_reserved(name: &str) -> bool {
    syn::parse_str::<Ident>(name).is_err()
        || matches!(
            name,
            "new" | "run" | "run_named" | "tasks" | "step" | "start" | "name" | "state_type"
        )
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_unique_identifiers() {
        let names = [
            "Validate Order",
            "validate-order",
            "1st step",
            "fn",
            "Self",
            "",
            "€",
            "run",
            "Ünïcödé ok",
        ];
        let idents = StateIdents::new(names);
        let variants: Vec<String> = idents.variants.iter().map(Ident::to_string).collect();
        let functions: Vec<String> = idents.functions.iter().map(Ident::to_string).collect();
        assert_eq!(
            variants,
            [
                "ValidateOrder",
                "ValidateOrder2",
                "State1stStep",
                "Fn",
                "Self_",
                "State",
                "State2",
                "Run",
                "NCDOk"
            ]
        );
        assert_eq!(
            functions,
            [
                "validate_order",
                "validate_order2",
                "state_1st_step",
                "fn_",
                "self_",
                "state",
                "state2",
                "run_",
                "n_c_d_ok"
            ]
        );
        assert_eq!(idents.statics[2], "STATE_1ST_STEP");
    }
}
