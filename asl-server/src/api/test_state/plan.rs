//! The state a TestState request tests, and the machine it is compiled in: the
//! state as `StartAt` (named `StateName`, as AWS names a state given alone, or by
//! its own name in a whole machine), and each state it can go to a `Succeed`
//! placeholder, so that the machine is valid and only the state under test runs.

use serde_json::{Map, Value};

use crate::api::definition::require_valid_from;
use crate::catalog::MachineType;
use crate::protocol::ApiError;

/// The name AWS gives a state tested alone (`$$.State.Name`, and the pointers of
/// its diagnostics: `/States/StateName/...`).
const ALONE: &str = "StateName";

/// The state types, as TestState tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateType {
    Task,
    Pass,
    Wait,
    Choice,
    Succeed,
    Fail,
    Parallel,
    Map,
}

impl StateType {
    fn named(name: &str) -> Option<StateType> {
        Some(match name {
            "Task" => StateType::Task,
            "Pass" => StateType::Pass,
            "Wait" => StateType::Wait,
            "Choice" => StateType::Choice,
            "Succeed" => StateType::Succeed,
            "Fail" => StateType::Fail,
            "Parallel" => StateType::Parallel,
            "Map" => StateType::Map,
            _ => return None,
        })
    }

    /// Its name in the definition.
    pub fn name(self) -> &'static str {
        match self {
            StateType::Task => "Task",
            StateType::Pass => "Pass",
            StateType::Wait => "Wait",
            StateType::Choice => "Choice",
            StateType::Succeed => "Succeed",
            StateType::Fail => "Fail",
            StateType::Parallel => "Parallel",
            StateType::Map => "Map",
        }
    }
}

/// The state under test and the machine that runs it.
#[derive(Debug)]
pub struct Plan {
    /// The definition compiled for the test.
    pub definition: String,
    /// The state, as the request gave it.
    pub state: Map<String, Value>,
    /// Its type.
    pub state_type: StateType,
    /// Whether it is in JSONata mode.
    pub jsonata: bool,
    /// Whether the request gave the state alone (rather than a whole machine and
    /// `stateName`).
    pub alone: bool,
}

impl Plan {
    /// The plan for `definition`: a state alone, or with `state_name` one state of
    /// a whole machine. An invalid definition is `InvalidDefinition`, with its
    /// diagnostics located in the text given; a state name the machine lacks is
    /// `ValidationException`.
    pub fn new(definition: &str, state_name: Option<&str>) -> Result<Plan, ApiError> {
        match state_name {
            None => Plan::alone(definition),
            Some(name) => Plan::in_machine(definition, name),
        }
    }

    /// A state given alone: wrapped, text and all, into a machine whose first line
    /// is ours, so that the user's lines keep their numbers in diagnostics.
    fn alone(text: &str) -> Result<Plan, ApiError> {
        let parsed: Option<Map<String, Value>> = serde_json::from_str(text).ok();
        if serde_json::from_str::<Value>(text).is_err() {
            // Not JSON: the checker says where, in the user's own text.
            require_valid_from(text, MachineType::Standard, 0)?;
        }
        let mut wrapped = format!("{{\"StartAt\": \"{ALONE}\", \"States\": {{\"{ALONE}\":\n");
        wrapped.push_str(text);
        if let Some(state) = &parsed {
            for target in targets(state).into_iter().filter(|target| target != ALONE) {
                wrapped.push_str(",\n");
                wrapped.push_str(&placeholder(&target));
            }
        }
        wrapped.push_str("\n}}");
        require_valid_from(&wrapped, MachineType::Standard, 1)?;
        let state = parsed.unwrap_or_default();
        let state_type = state_type(&state)?;
        let jsonata = query_language(&state) == Some("JSONata");
        Ok(Plan {
            definition: wrapped,
            state,
            state_type,
            jsonata,
            alone: true,
        })
    }

    /// State `name` of the whole machine `text`.
    fn in_machine(text: &str, name: &str) -> Result<Plan, ApiError> {
        require_valid_from(text, MachineType::Standard, 0)?;
        let machine: Map<String, Value> = serde_json::from_str(text).unwrap_or_default();
        let not_found = || ApiError::validation("State not found in definition");
        let state = machine
            .get("States")
            .and_then(|states| states.get(name))
            .and_then(Value::as_object)
            .ok_or_else(not_found)?
            .clone();
        let top_language = machine.get("QueryLanguage").and_then(Value::as_str);
        let mut states = Map::new();
        states.insert(name.to_owned(), Value::Object(state.clone()));
        for target in targets(&state).into_iter().filter(|target| target != name) {
            states.insert(target, serde_json::json!({"Type": "Succeed"}));
        }
        let mut test = Map::new();
        if let Some(language) = top_language {
            test.insert("QueryLanguage".into(), language.into());
        }
        test.insert("StartAt".into(), name.into());
        test.insert("States".into(), Value::Object(states));
        let state_type = state_type(&state)?;
        let jsonata = query_language(&state).or(top_language) == Some("JSONata");
        Ok(Plan {
            definition: Value::Object(test).to_string(),
            state,
            state_type,
            jsonata,
            alone: false,
        })
    }

    /// The state's `Resource`, for a Task.
    pub fn resource(&self) -> Option<&str> {
        self.state.get("Resource").and_then(Value::as_str)
    }

    /// How many branches a Parallel state has.
    pub fn branches(&self) -> usize {
        self.state
            .get("Branches")
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    }

    /// Whether a Task waits for an outside answer (an activity, `.sync`,
    /// `.waitForTaskToken`): TestState runs those only with a mock.
    pub fn waits_for_answer(&self) -> bool {
        self.resource().is_some_and(|resource| {
            resource.contains(":activity:")
                || resource.ends_with(".sync")
                || resource.ends_with(".sync:2")
                || resource.ends_with(".waitForTaskToken")
        })
    }

    /// Whether a Task waits for a task token (`.sync` or `.waitForTaskToken`): only
    /// those see `$$.Task`.
    pub fn has_token(&self) -> bool {
        self.resource().is_some_and(|resource| {
            resource.ends_with(".sync")
                || resource.ends_with(".sync:2")
                || resource.ends_with(".waitForTaskToken")
        })
    }

    /// Whether `name` is a state of the Parallel branches or the Map processor of
    /// the state, at any depth.
    pub fn has_nested_state(&self, name: &str) -> bool {
        fn within(state: &Map<String, Value>, name: &str) -> bool {
            let machines = state
                .get("Branches")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(state.get("ItemProcessor"))
                .chain(state.get("Iterator"));
            machines
                .filter_map(|machine| machine.get("States")?.as_object())
                .any(|states| {
                    states.contains_key(name)
                        || states
                            .values()
                            .filter_map(Value::as_object)
                            .any(|inner| within(inner, name))
                })
        }
        within(&self.state, name)
    }
}

/// The states `state` can go to: `Next`, `Default`, its Choice rules' and its
/// catchers' `Next`.
fn targets(state: &Map<String, Value>) -> Vec<String> {
    let nexts = |field: &str| -> Vec<String> {
        state
            .get(field)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|rule| rule.get("Next")?.as_str().map(str::to_owned))
            .collect()
    };
    let mut targets: Vec<String> = ["Next", "Default"]
        .iter()
        .filter_map(|field| state.get(*field)?.as_str().map(str::to_owned))
        .chain(nexts("Choices"))
        .chain(nexts("Catch"))
        .collect();
    targets.sort();
    targets.dedup();
    targets
}

/// `"<name>": {"Type": "Succeed"}`, a placeholder for a state the tested state
/// goes to.
fn placeholder(name: &str) -> String {
    format!("{}: {{\"Type\": \"Succeed\"}}", Value::from(name))
}

fn state_type(state: &Map<String, Value>) -> Result<StateType, ApiError> {
    state
        .get("Type")
        .and_then(Value::as_str)
        .and_then(StateType::named)
        .ok_or_else(|| ApiError::validation("The state has no valid Type"))
}

fn query_language(state: &Map<String, Value>) -> Option<&str> {
    state.get("QueryLanguage").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_alone_is_wrapped_with_placeholders_for_its_targets() {
        let state = r#"{"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "Yes"}], "Default": "No"}"#;
        let plan = Plan::new(state, None).unwrap();
        assert!(plan.alone);
        assert_eq!(plan.state_type, StateType::Choice);
        let machine: Value = serde_json::from_str(&plan.definition).unwrap();
        assert_eq!(machine["StartAt"], "StateName");
        assert_eq!(machine["States"]["Yes"]["Type"], "Succeed");
        assert_eq!(machine["States"]["No"]["Type"], "Succeed");
    }

    #[test]
    fn diagnostics_name_the_users_lines() {
        let state = "{\n  \"Type\": \"Pass\",\n  \"InputPath\": 5,\n  \"End\": true\n}";
        let refused = Plan::new(state, None).unwrap_err();
        assert!(
            refused.message().contains("/States/StateName/InputPath"),
            "{}",
            refused.message()
        );
        assert!(
            refused.message().contains("(line 3,"),
            "{}",
            refused.message()
        );
    }

    #[test]
    fn a_state_of_a_machine_keeps_the_machines_query_language() {
        let machine = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}"#;
        let plan = Plan::new(machine, Some("A")).unwrap();
        assert!(plan.jsonata);
        assert!(!plan.alone);
        let missing = Plan::new(machine, Some("C")).unwrap_err();
        assert_eq!(missing.message(), "State not found in definition");
    }
}
