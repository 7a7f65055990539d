//! The scoping rule of workflow variables: a Parallel branch or inline Map
//! iteration reads the variables of the scopes around it but cannot assign them,
//! so no name may be assigned both in a scope and in one nested in it (AWS:
//! names are unique across nested scopes; LocalStack's IllegalOuterScopeWrite).
//! What a Parallel or Map state itself assigns (its `Assign`, its catchers' `Assign`)
//! happens after its branches or iterations, so they may use the same names: AWS
//! accepts a Parallel whose catcher assigns a variable that a branch assigns too.
//! A Distributed Map's children are executions of their own and are not checked
//! against the scopes around them.

use crate::diagnostic::{Code, Diagnostic};
use crate::spec::{Member, Node};

/// A diagnostic for each Assign key, in a nested scope, that names a variable an
/// enclosing scope assigns.
pub(super) fn check(root: &Node) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    machine(root, &[], &mut found);
    found
}

/// Checks the machine `node` (an object with `States`), inside scopes that assign
/// `outer`.
fn machine(node: &Node, outer: &[&str], found: &mut Vec<Diagnostic>) {
    let states = member(node, "States")
        .and_then(Node::as_object)
        .unwrap_or_default();
    let own: Vec<(&str, &Member)> = states
        .iter()
        .flat_map(|state| assign_keys(&state.value).map(move |key| (state.key.as_str(), key)))
        .collect();
    for (state, key) in &own {
        let name = variable_name(key);
        if outer.contains(&name) {
            found.push(
                Diagnostic::at_key(
                    Code::SchemaValidationFailed,
                    key,
                    format!(
                        "`{name}` is a variable of an enclosing scope; a branch or Map iteration can read it but cannot assign it"
                    ),
                )
                .with_help("give the variable of this branch or iteration another name")
                .in_state(Some(state)),
            );
        }
    }
    for state in states {
        // A Parallel or Map assigns (its `Assign` and its catchers') only once its
        // branches or iterations are over: those are not an enclosing scope's
        // variables as its own branches see them.
        let mut visible: Vec<&str> = outer.to_vec();
        visible.extend(
            own.iter()
                .filter(|(assigner, _)| *assigner != state.key)
                .map(|(_, key)| variable_name(key)),
        );
        for field in state.value.as_object().unwrap_or_default() {
            match field.key.as_str() {
                "Branches" => field
                    .value
                    .as_array()
                    .unwrap_or_default()
                    .iter()
                    .for_each(|branch| machine(branch, &visible, found)),
                "ItemProcessor" | "Iterator" if !distributed(&field.value) => {
                    machine(&field.value, &visible, found)
                }
                "ItemProcessor" | "Iterator" => machine(&field.value, &[], found),
                _ => {}
            }
        }
    }
}

/// The Assign keys of a state: its own, its Choice rules' and its catchers'.
fn assign_keys(state: &Node) -> impl Iterator<Item = &Member> {
    fn assigns(node: &Node) -> std::slice::Iter<'_, Member> {
        member(node, "Assign")
            .and_then(Node::as_object)
            .unwrap_or_default()
            .iter()
    }
    let entries = ["Choices", "Catch"].into_iter().flat_map(move |field| {
        member(state, field)
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
    });
    assigns(state).chain(entries.flat_map(assigns))
}

/// A variable's name from its Assign key (`name` or `name.$`).
fn variable_name(key: &Member) -> &str {
    key.key.strip_suffix(".$").unwrap_or(&key.key)
}

/// Whether a processor's `ProcessorConfig.Mode` is `DISTRIBUTED`.
fn distributed(processor: &Node) -> bool {
    member(processor, "ProcessorConfig")
        .and_then(|config| member(config, "Mode"))
        .and_then(Node::as_str)
        == Some("DISTRIBUTED")
}

fn member<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    node.as_object()?
        .iter()
        .find(|member| member.key == key)
        .map(|member| &member.value)
}
