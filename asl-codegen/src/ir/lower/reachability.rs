//! Structure checks on a `States` object: every state is reachable from `StartAt`,
//! and some state ends the machine.
//!
//! They read the tree rather than the IR so that they still run when a state has
//! other errors.

use std::collections::{HashMap, HashSet};

use super::Lowerer;
use super::fields::did_you_mean;
use crate::diagnostic::{Code, Diagnostic};
use crate::spec::{Member, Node};

impl Lowerer<'_> {
    /// Reports each state that no path of transitions leads to from the start.
    pub(super) fn check_reachability(&mut self, members: &[Member], start: usize) {
        let index: HashMap<&str, usize> = members
            .iter()
            .enumerate()
            .rev()
            .map(|(at, member)| (member.key.as_str(), at))
            .collect();
        // With a transition to a missing state (reported on its own), what the
        // author meant to reach is unknown: do not guess at unreachable states.
        let broken = members
            .iter()
            .flat_map(|member| transition_names(&member.value))
            .any(|name| !index.contains_key(name));
        if broken {
            return;
        }
        let mut reached = vec![false; members.len()];
        let mut stack = vec![start];
        while let Some(at) = stack.pop() {
            if std::mem::replace(&mut reached[at], true) {
                continue;
            }
            for name in transition_names(&members[at].value) {
                if let Some(&next) = index.get(name)
                    && !reached[next]
                {
                    stack.push(next);
                }
            }
        }
        let start_name = &members[start].key;
        for (at, member) in members.iter().enumerate() {
            if !reached[at] && index.get(member.key.as_str()) == Some(&at) {
                let diagnostic = Diagnostic::at_key(Code::SchemaValidationFailed, member, format!("state `{}` is not reachable from `StartAt` (`{start_name}`)", member.key),
                )
                .with_help("add a transition to it (`Next`, a Choice rule, `Default` or a `Catch`), or remove it")
                .in_state(Some(&member.key));
                self.diagnostics.push(diagnostic);
            }
        }
    }

    /// Reports a `States` object in which no state ends the machine. A state that
    /// may have been meant to end it (one with any `End`, or whose type or `Next` is
    /// missing or broken, which is reported on its own) counts as ending it, so that
    /// one mistake gives one error.
    pub(super) fn check_end_state(&mut self, states: &Node, members: &[Member], what: &str) {
        let names: HashSet<&str> = members.iter().map(|member| member.key.as_str()).collect();
        if !members.iter().any(|member| may_end(&member.value, &names)) {
            self.report(
                Diagnostic::at(
                    Code::MissingEndState,
                    states,
                    format!("no state ends {}", this(what)),
                )
                .with_help("set `End` to true on the last state, or add a Succeed or Fail state"),
            );
        }
    }
}

/// "a Parallel branch" becomes "this Parallel branch".
fn this(what: &str) -> String {
    match what.strip_prefix("a ") {
        Some(rest) => format!("this {rest}"),
        None => what.to_owned(),
    }
}

fn may_end(state: &Node, names: &HashSet<&str>) -> bool {
    let Some(fields) = state.as_object() else {
        return true;
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|field| field.key == name)
            .map(|field| &field.value)
    };
    match field("Type").and_then(Node::as_str) {
        Some("Choice") => false,
        Some("Pass" | "Task" | "Wait" | "Parallel" | "Map") => match field("Next") {
            // A `Next` to a state outside this scope is reported on its own.
            Some(next) => {
                field("End").is_some() || next.as_str().is_none_or(|next| !names.contains(next))
            }
            None => true,
        },
        _ => true,
    }
}

/// Every state name in the definition, in every scope.
pub(super) fn all_state_names(root: &Node) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut machines = vec![root];
    while let Some(machine) = machines.pop() {
        let states = machine
            .as_object()
            .and_then(|fields| fields.iter().find(|field| field.key == "States"))
            .and_then(|field| field.value.as_object())
            .unwrap_or_default();
        for state in states {
            names.insert(state.key.clone());
            for field in state.value.as_object().unwrap_or_default() {
                match field.key.as_str() {
                    "Branches" => machines.extend(field.value.as_array().unwrap_or_default()),
                    "ItemProcessor" | "Iterator" => machines.push(&field.value),
                    _ => {}
                }
            }
        }
    }
    names
}

/// The names a state may transition to: `Next`, `Default`, each Choice rule's `Next`
/// and each catcher's `Next`.
fn transition_names(state: &Node) -> Vec<&str> {
    let Some(fields) = state.as_object() else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for field in fields {
        match field.key.as_str() {
            "Next" | "Default" => names.extend(field.value.as_str()),
            // A misspelled `Next` (reported on its own) still shows where the author
            // meant to go, so its target is not reported as unreachable too.
            key if did_you_mean(key, ["Next"]).is_some() => names.extend(field.value.as_str()),
            "Choices" | "Catch" => {
                for entry in field.value.as_array().unwrap_or_default() {
                    let next = entry
                        .as_object()
                        .and_then(|e| e.iter().find(|f| f.key == "Next"));
                    names.extend(next.and_then(|next| next.value.as_str()));
                }
            }
            _ => {}
        }
    }
    names
}
