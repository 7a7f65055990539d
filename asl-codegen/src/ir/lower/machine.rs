//! The top level, Parallel branches and Map processors: `StartAt`, `States`, state
//! names, and transitions that stay in their own scope.

use std::collections::HashMap;

use super::fields::Fields;
use super::schema::TOP_LEVEL;
use super::{Lowerer, Reported, Result, all_ok};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{Machine, QueryLanguage, StateId, Workflow};
use crate::spec::{Member, Node};

/// The longest state name AWS accepts.
const MAX_STATE_NAME: usize = 80;

/// The state names of one machine, for resolving its transitions.
pub(super) struct Scope {
    ids: HashMap<String, StateId>,
}

impl Lowerer<'_> {
    /// The whole definition.
    pub(super) fn workflow(&mut self, root: &Node) -> Result<Workflow> {
        if root.as_object().is_none() {
            return Err(self.error_help(
                root,
                format!(
                    "a state machine definition must be a JSON object, found {}",
                    root.type_name()
                ),
                "write {\"StartAt\": \"First\", \"States\": {\"First\": {\"Type\": \"Succeed\"}}}",
            ));
        }
        let language = self.declared_language(root)?.unwrap_or_default();
        self.top_language = language;
        let fields = self.fields(root, &TOP_LEVEL, language)?;
        let comment = self.comment(&fields);
        let version = fields
            .get("Version")
            .map(|node| self.version(node))
            .transpose();
        let timeout_seconds = fields
            .get("TimeoutSeconds")
            .map(|node| self.integer(node, "TimeoutSeconds", 1..=99_999_999))
            .transpose();
        let machine = self.machine(&fields, "the state machine");
        all_ok!(comment, version, timeout_seconds, machine);
        Ok(Workflow {
            comment,
            version,
            timeout_seconds,
            query_language: language,
            machine,
        })
    }

    /// The `QueryLanguage` an object declares, if any.
    pub(super) fn declared_language(&mut self, node: &Node) -> Result<Option<QueryLanguage>> {
        let declared = node.as_object().and_then(|members| {
            members
                .iter()
                .rev()
                .find(|member| member.key == "QueryLanguage")
        });
        declared
            .map(|member| {
                self.enumeration(
                    &member.value,
                    "QueryLanguage",
                    &[
                        ("JSONPath", QueryLanguage::JsonPath),
                        ("JSONata", QueryLanguage::Jsonata),
                    ],
                )
            })
            .transpose()
    }

    fn version(&mut self, node: &Node) -> Result<String> {
        let version = self.string(node, "Version")?;
        if version != "1.0" {
            return Err(self.error_help(
                node,
                format!("`Version` must be \"1.0\", found \"{version}\""),
                "remove `Version` or set it to \"1.0\"",
            ));
        }
        Ok(version.to_owned())
    }

    /// `StartAt` and `States` of a (sub)machine whose fields are already checked.
    pub(super) fn machine(&mut self, fields: &Fields<'_>, what: &str) -> Result<Machine> {
        let comment = self.comment(fields);
        let start_node = self.required(fields, "StartAt", what);
        let states_node = self.required(fields, "States", what);
        let (start_node, states_node) = (start_node?, states_node?);
        let Some(members) = states_node.as_object() else {
            return Err(self.error(
                states_node,
                format!(
                    "`States` must be an object of state names to states, found {}",
                    states_node.type_name()
                ),
            ));
        };
        if members.is_empty() {
            return Err(self.error_help(
                states_node,
                "`States` must contain at least one state",
                "add a state",
            ));
        }
        let scope = self.scope(members);
        let start_at = self
            .non_empty_string(start_node, "StartAt")
            .and_then(|name| self.target(start_node, name, &scope, "StartAt"));
        let mut states = Vec::with_capacity(members.len());
        let mut failed = false;
        for (index, member) in members.iter().enumerate() {
            if scope.ids.get(&member.key) != Some(&StateId(index)) {
                continue; // A repeated name, already reported.
            }
            let state = self.in_state(&member.key, |lowerer| {
                lowerer.state(&member.key, &member.value, &scope)
            });
            match state {
                Ok(state) => states.push(state),
                Err(Reported) => failed = true,
            }
        }
        if let Ok(start) = start_at {
            self.check_reachability(members, start.0);
        }
        self.check_end_state(states_node, members, what);
        all_ok!(comment, start_at);
        if failed {
            return Err(Reported);
        }
        Ok(Machine {
            comment,
            start_at,
            states,
        })
    }

    /// Registers the state names of one `States` object: checks each name and
    /// reports names used before, in this scope or anywhere in the definition.
    fn scope(&mut self, members: &[Member]) -> Scope {
        let mut ids = HashMap::with_capacity(members.len());
        for (index, member) in members.iter().enumerate() {
            self.check_state_name(member);
            let line = self.source.line_col(member.key_span.start).line;
            let first_line = match self.state_names.get(&member.key) {
                Some(&first_line) => Some(first_line),
                None => {
                    self.state_names.insert(member.key.clone(), line);
                    None
                }
            };
            // A name repeated in another scope still names its state here, so that
            // this scope's own transitions to it resolve.
            if !ids.contains_key(&member.key) {
                ids.insert(member.key.clone(), StateId(index));
            }
            if let Some(first_line) = first_line {
                let diagnostic = Diagnostic::at_key(Code::DuplicateStateName, member, format!("duplicate state name `{}`", member.key),
                )
                .with_help(format!(
                    "`{}` is already a state on line {first_line}; state names must be unique in the whole state machine, including Parallel branches and Map processors",
                    member.key
                ))
                .in_state(Some(&member.key));
                self.report(diagnostic);
            }
        }
        Scope { ids }
    }

    fn check_state_name(&mut self, member: &Member) {
        let name = &member.key;
        let problem = if name.is_empty() {
            Some("a state name must not be empty".to_owned())
        } else if name.chars().count() > MAX_STATE_NAME {
            Some(format!(
                "state name `{name}` is {} characters long; the limit is {MAX_STATE_NAME}",
                name.chars().count()
            ))
        } else {
            name.chars()
                .find(|&ch| is_forbidden_in_name(ch))
                .map(|bad| {
                    format!(
                        "state name {name:?} contains the control character U+{:04X}",
                        bad as u32
                    )
                })
        };
        if let Some(message) = problem {
            let diagnostic = Diagnostic::at_key(Code::InvalidStateName, member, message)
                .with_help("state names are 1 to 80 characters without control characters")
                .in_state(Some(name));
            self.report(diagnostic);
        }
    }

    /// Resolves a transition target in `scope`.
    pub(super) fn target(
        &mut self,
        node: &Node,
        name: &str,
        scope: &Scope,
        field: &str,
    ) -> Result<StateId> {
        if let Some(id) = scope.ids.get(name) {
            return Ok(*id);
        }
        let help = if self.all_state_names.contains(name) {
            format!(
                "`{name}` is in another scope: a transition cannot leave or enter a Parallel branch or Map processor"
            )
        } else {
            let names = scope.ids.keys().map(String::as_str);
            match super::fields::did_you_mean(name, names) {
                Some(suggestion) => format!("did you mean `{suggestion}`?"),
                None => "name a state in the same `States` object".to_owned(),
            }
        };
        Err(self.report(
            Diagnostic::at(
                Code::MissingTransitionTarget,
                node,
                format!("`{field}` names `{name}`, which is not a state here"),
            )
            .with_help(help),
        ))
    }
}

/// Characters a state name cannot hold: C0 and C1 controls and the non-characters
/// U+FFFE and U+FFFF. AWS allows spaces and punctuation in state names.
fn is_forbidden_in_name(ch: char) -> bool {
    matches!(ch, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}
