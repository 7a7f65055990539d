//! Structure checks on a `States` object: every state is reachable from `StartAt`,
//! and some state ends the machine.
//!
//! They read the tree rather than the IR so that they still run when a state has
//! other errors.

use std::collections::HashMap;

use super::Lowerer;
use super::fields::did_you_mean;
use crate::diagnostic::{Code, Diagnostic};
use crate::spec::{Member, Node, NodeKind};

impl Lowerer<'_> {
    /// Reports each state that no path of transitions leads to from the start.
    pub(super) fn check_reachability(&mut self, members: &[Member], start: usize) {
        let index: HashMap<&str, usize> = members
            .iter()
            .enumerate()
            .rev()
            .map(|(at, member)| (member.key.as_str(), at))
            .collect();
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
                let diagnostic = Diagnostic::new(
                    Code::SchemaValidationFailed,
                    member.value.pointer.clone(),
                    Some(member.key_span),
                    format!("state `{}` is not reachable from `StartAt` (`{start_name}`)", member.key),
                )
                .with_help("add a transition to it (`Next`, a Choice rule, `Default` or a `Catch`), or remove it")
                .in_state(Some(&member.key));
                self.diagnostics.push(diagnostic);
            }
        }
    }

    /// Reports a `States` object in which no state ends the machine.
    pub(super) fn check_end_state(&mut self, states: &Node, members: &[Member]) {
        let ends = members.iter().any(|member| {
            let field = |name: &str| {
                member
                    .value
                    .as_object()
                    .and_then(|m| m.iter().find(|f| f.key == name))
            };
            let end = field("End").is_some_and(|end| end.value.kind == NodeKind::Bool(true));
            let terminal = field("Type")
                .and_then(|ty| ty.value.as_str())
                .is_some_and(|ty| ty == "Succeed" || ty == "Fail");
            end || terminal
        });
        if !ends {
            self.report(
                Diagnostic::at(
                    Code::MissingEndState,
                    states,
                    "no state ends this state machine",
                )
                .with_help("give a state `\"End\": true`, or add a Succeed or Fail state"),
            );
        }
    }
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
