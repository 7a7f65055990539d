//! Runs every state of the compile matrix (see `asl_matrix::spec`) and checks its
//! output, its Assign and its failures against a small reference model of the
//! data flow written from the reference (ASL-REFERENCE.md §2), independently of the
//! code generator.

use asl_matrix::machines::{COMPILED, REJECTED, run};
use asl_matrix::spec::{self, Wrapper};
use serde_json::{Map, Value, json};

/// How many states the matrix has, and how many compiled.
const STATES: usize = 1392;
const COMPILED_STATES: usize = 1392;

#[test]
fn every_state_compiles_or_is_rejected_with_a_diagnostic() {
    let total: usize = spec::groups().iter().map(|group| group.cases.len()).sum();
    for (group, case, reason) in REJECTED {
        eprintln!("rejected {group}/{case}: {reason}");
        assert!(
            !reason.is_empty(),
            "{group}/{case} is rejected without a diagnostic"
        );
    }
    eprintln!(
        "matrix: {total} states in {} machines, {} compiled, {} rejected",
        spec::groups().len(),
        COMPILED.len(),
        REJECTED.len()
    );
    assert_eq!(COMPILED.len() + REJECTED.len(), total);
    assert_eq!((total, COMPILED.len()), (STATES, COMPILED_STATES));
}

#[tokio::test]
async fn every_compiled_state_behaves_as_the_reference_model() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for group in spec::groups() {
        for case in &group.cases {
            if !COMPILED.contains(&(group.name, case.name.as_str())) {
                continue;
            }
            let input = spec::machine_input(group.wrapper, &case.name);
            let actual = run(group.name, input).await.expect("the group exists");
            let expected = expected(&case.state, &case.name, spec::input(&case.name));
            let expected = match group.wrapper {
                Wrapper::Top => expected,
                Wrapper::Parallel | Wrapper::Map => expected.map(|output| json!([output])),
            };
            checked += 1;
            let agrees = match (&expected, &actual) {
                (Outcome::Ok(expected), Ok(actual)) => expected == actual,
                (Outcome::Failed, Err(_)) => true,
                (Outcome::Fail(error, cause), Err(actual)) => {
                    actual.error.as_deref() == error.as_deref()
                        && actual.cause.as_deref() == cause.as_deref()
                }
                _ => false,
            };
            if !agrees {
                failures.push(format!(
                    "{}/{}: {}\n  expected {expected:?}\n  actual   {actual:?}",
                    group.name, case.name, case.state
                ));
            }
        }
    }
    eprintln!("checked {checked} states against the reference model");
    assert!(
        failures.is_empty(),
        "{} disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, COMPILED.len());
}

/// What the reference model expects of a state.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// The machine's output.
    Ok(Value),
    /// A Fail state's error and cause.
    Fail(Option<String>, Option<String>),
    /// Some runtime error (a path that does not resolve, ...).
    Failed,
}

impl Outcome {
    fn map(self, f: impl FnOnce(Value) -> Value) -> Outcome {
        match self {
            Outcome::Ok(value) => Outcome::Ok(f(value)),
            other => other,
        }
    }
}

/// `None` for a runtime error.
type Eval = Option<Value>;

/// What the machine outputs when the state `name` (`state`) runs on `input`:
/// `{"output": ..., "w": ...}` through `Show`, or a terminal state's output.
fn expected(state: &Value, name: &str, input: Value) -> Outcome {
    let ctx = Ctx {
        name,
        item: None,
        variables: json!({"v": spec::variable_v(), "w": null}),
    };
    match state["Type"].as_str().expect("a type") {
        "Fail" => fail(state, &ctx, &input),
        "Succeed" => match terminal(state, &ctx, input) {
            Some(output) => Outcome::Ok(output),
            None => Outcome::Failed,
        },
        _ => {
            let shown = if state.get("QueryLanguage").is_some() {
                jsonata_state(state, &ctx, input)
            } else {
                jsonpath_state(state, &ctx, input)
            };
            match shown {
                Some((output, w)) => Outcome::Ok(json!({"output": output, "w": w})),
                None => Outcome::Failed,
            }
        }
    }
}

/// What a path or expression can read besides `$`.
struct Ctx<'a> {
    name: &'a str,
    /// `$$.Map.Item.Value`.
    item: Option<Value>,
    variables: Value,
}

fn field<'v>(value: &'v Value, steps: &str) -> Option<&'v Value> {
    steps
        .split('.')
        .filter(|step| !step.is_empty())
        .try_fold(value, |value, step| value.get(step))
}

/// A JSONPath Path of the forms the matrix uses: `$`, `$.a.b`, `$$.State.Name`,
/// `$v.k`.
fn path(text: &str, ctx: &Ctx, input: &Value) -> Eval {
    if let Some(rest) = text.strip_prefix("$$.") {
        let context = json!({"State": {"Name": ctx.name}, "Map": {"Item": {"Value": ctx.item}}});
        return field(&context, rest).cloned();
    }
    if let Some(rest) = text.strip_prefix("$.") {
        return field(input, rest).cloned();
    }
    if text == "$" {
        return Some(input.clone());
    }
    let rest = text.strip_prefix('$').expect("a path");
    let (name, steps) = rest.split_once('.').unwrap_or((rest, ""));
    field(ctx.variables.get(name)?, steps).cloned()
}

/// A `.$` value: a path or one of the intrinsics the matrix uses.
fn dynamic(text: &str, ctx: &Ctx, input: &Value) -> Eval {
    if let Some(arg) = text
        .strip_prefix("States.ArrayLength(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        return Some(json!(path(arg, ctx, input)?.as_array()?.len()));
    }
    if let Some(arg) = text
        .strip_prefix("States.Format('a={}', ")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        let value = path(arg, ctx, input)?;
        let text = match value {
            Value::String(text) => text,
            other => other.to_string(),
        };
        return Some(json!(format!("a={text}")));
    }
    path(text, ctx, input)
}

/// A JSONPath payload template.
fn template(value: &Value, ctx: &Ctx, input: &Value) -> Eval {
    match value {
        Value::Object(members) => {
            let mut out = Map::new();
            for (key, value) in members {
                match key.strip_suffix(".$") {
                    Some(key) => {
                        let text = value.as_str().expect("a .$ value is a string");
                        out.insert(key.to_owned(), dynamic(text, ctx, input)?);
                    }
                    None => {
                        out.insert(key.clone(), template(value, ctx, input)?);
                    }
                }
            }
            Some(Value::Object(out))
        }
        Value::Array(items) => items
            .iter()
            .map(|item| template(item, ctx, input))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array),
        other => Some(other.clone()),
    }
}

/// InputPath or OutputPath: absent or `$` keeps the value, null gives `{}`.
fn select(selection: Option<&Value>, ctx: &Ctx, value: Value) -> Eval {
    match selection {
        None => Some(value),
        Some(Value::Null) => Some(json!({})),
        Some(Value::String(text)) => path(text, ctx, &value),
        Some(other) => panic!("not a path: {other}"),
    }
}

/// ResultPath: absent or `$` replaces the input, null keeps it, a path places the
/// result there, creating missing objects on the way.
fn place(result_path: Option<&Value>, input: Value, result: Value) -> Eval {
    let text = match result_path {
        None => return Some(result),
        Some(Value::Null) => return Some(input),
        Some(Value::String(text)) if text == "$" => return Some(result),
        Some(Value::String(text)) => text.strip_prefix("$.").expect("a path"),
        Some(other) => panic!("not a path: {other}"),
    };
    let mut output = input;
    let steps: Vec<&str> = text.split('.').collect();
    let mut at = &mut output;
    for step in &steps[..steps.len() - 1] {
        at = at
            .as_object_mut()?
            .entry(step.to_string())
            .or_insert_with(|| json!({}));
    }
    at.as_object_mut()?
        .insert(steps[steps.len() - 1].to_string(), result);
    Some(output)
}

/// A JSONPath state that goes to `Show`: its output and `$w` after it.
fn jsonpath_state(state: &Value, ctx: &Ctx, input: Value) -> Option<(Value, Value)> {
    let effective = select(state.get("InputPath"), ctx, input.clone())?;
    let assign = |value: &Value| match state.get("Assign") {
        None => Some(Value::Null),
        Some(assign) => Some(template(assign, ctx, value)?["w"].clone()),
    };
    let kind = state["Type"].as_str().expect("a type");
    if let "Choice" | "Wait" = kind {
        let rule = &state["Choices"][0];
        let w = match rule["Variable"].as_str() {
            Some(variable) if path(variable, ctx, &effective).is_some() => {
                template(&rule["Assign"], ctx, &effective)?["w"].clone()
            }
            _ => assign(&effective)?,
        };
        let output = select(state.get("OutputPath"), ctx, effective)?;
        return Some((output, w));
    }
    let parameters = state
        .get("Parameters")
        .map(|parameters| template(parameters, ctx, &effective))
        .unwrap_or_else(|| Some(effective.clone()))?;
    let result = match kind {
        "Pass" => state.get("Result").cloned().unwrap_or(parameters),
        "Task" => parameters,
        "Parallel" => json!([parameters]),
        "Map" => {
            let items = path(state["ItemsPath"].as_str()?, ctx, &effective)?;
            let items = items.as_array()?.clone();
            items
                .into_iter()
                .map(|item| match state.get("ItemSelector") {
                    None => Some(item),
                    Some(selector) => {
                        let ctx = Ctx {
                            item: Some(item),
                            name: ctx.name,
                            variables: ctx.variables.clone(),
                        };
                        template(selector, &ctx, &effective)
                    }
                })
                .collect::<Option<Vec<_>>>()
                .map(Value::Array)?
        }
        other => panic!("unexpected {other}"),
    };
    let w = assign(&result)?;
    let selected = match state.get("ResultSelector") {
        None => result,
        Some(selector) => template(selector, ctx, &result)?,
    };
    let output = place(state.get("ResultPath"), input, selected)?;
    let output = select(state.get("OutputPath"), ctx, output)?;
    Some((output, w))
}

/// A terminal Succeed state's output.
fn terminal(state: &Value, ctx: &Ctx, input: Value) -> Eval {
    if state.get("QueryLanguage").is_some() {
        return match state.get("Output") {
            None => Some(input),
            Some(output) => jsonata(output, &states(ctx, &input, None)),
        };
    }
    let effective = select(state.get("InputPath"), ctx, input)?;
    select(state.get("OutputPath"), ctx, effective)
}

/// A Fail state's error and cause.
fn fail(state: &Value, ctx: &Ctx, input: &Value) -> Outcome {
    let text = |value: Eval| -> Option<String> {
        match value? {
            Value::String(text) => Some(text),
            _ => None,
        }
    };
    let jsonata_mode = state.get("QueryLanguage").is_some();
    let read = |fixed: &str, dynamic_field: &str| -> Option<String> {
        if let Some(value) = state.get(fixed) {
            return if jsonata_mode {
                text(jsonata(value, &states(ctx, input, None)))
            } else {
                value.as_str().map(str::to_owned)
            };
        }
        text(dynamic(state.get(dynamic_field)?.as_str()?, ctx, input))
    };
    Outcome::Fail(read("Error", "ErrorPath"), read("Cause", "CausePath"))
}

/// `$states` for a JSONata expression.
fn states(ctx: &Ctx, input: &Value, result: Option<&Value>) -> Value {
    let mut states = json!({
        "input": input,
        "context": {"State": {"Name": ctx.name}, "Map": {"Item": {"Value": ctx.item}}},
        "variables": ctx.variables,
    });
    if let Some(result) = result {
        states["result"] = result.clone();
    }
    states
}

/// A JSONata value: `{% expr %}` strings evaluated, at any depth. The expressions
/// are the few the matrix uses: `$states...` and `$v...` paths, `0`, and
/// `$states.input.a = n`.
fn jsonata(value: &Value, states: &Value) -> Eval {
    match value {
        Value::String(text) if text.starts_with("{%") && text.ends_with("%}") => {
            let expression = text[2..text.len() - 2].trim();
            if let Some((left, right)) = expression.split_once(" = ") {
                let left = jsonata(&json!(format!("{{% {left} %}}")), states)?;
                return Some(json!(left == serde_json::from_str::<Value>(right).ok()?));
            }
            if let Ok(literal) = serde_json::from_str::<Value>(expression) {
                return Some(literal);
            }
            if let Some(rest) = expression.strip_prefix("$states.") {
                return field(states, rest).cloned();
            }
            let rest = expression.strip_prefix('$').expect("an expression");
            let (name, steps) = rest.split_once('.').unwrap_or((rest, ""));
            field(states["variables"].get(name)?, steps).cloned()
        }
        Value::Object(members) => members
            .iter()
            .map(|(key, value)| Some((key.clone(), jsonata(value, states)?)))
            .collect::<Option<Map<_, _>>>()
            .map(Value::Object),
        Value::Array(items) => items
            .iter()
            .map(|item| jsonata(item, states))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array),
        other => Some(other.clone()),
    }
}

/// A JSONata state that goes to `Show`: its output and `$w` after it.
fn jsonata_state(state: &Value, ctx: &Ctx, input: Value) -> Option<(Value, Value)> {
    let before = states(ctx, &input, None);
    let kind = state["Type"].as_str().expect("a type");
    let finish = |state: &Value, result: Option<&Value>| -> Option<(Value, Value)> {
        let states = states(ctx, &input, result);
        let w = match state.get("Assign") {
            None => Value::Null,
            Some(assign) => jsonata(assign, &states)?["w"].clone(),
        };
        let output = match state.get("Output") {
            None => result.unwrap_or(&input).clone(),
            Some(output) => jsonata(output, &states)?,
        };
        Some((output, w))
    };
    let arguments = match state.get("Arguments") {
        None => input.clone(),
        Some(arguments) => jsonata(arguments, &before)?,
    };
    match kind {
        "Pass" | "Wait" => {
            if let Some(seconds) = state.get("Seconds") {
                jsonata(seconds, &before)?;
            }
            finish(state, None)
        }
        "Choice" => {
            let rule = &state["Choices"][0];
            if jsonata(&rule["Condition"], &before)? == json!(true) {
                finish(rule, None)
            } else {
                finish(state, None)
            }
        }
        "Task" => finish(state, Some(&arguments)),
        "Parallel" => finish(state, Some(&json!([arguments]))),
        "Map" => {
            let items = jsonata(&state["Items"], &before)?;
            let results = items
                .as_array()?
                .iter()
                .map(|item| match state.get("ItemSelector") {
                    None => Some(item.clone()),
                    Some(selector) => {
                        let ctx = Ctx {
                            item: Some(item.clone()),
                            name: ctx.name,
                            variables: ctx.variables.clone(),
                        };
                        jsonata(selector, &states(&ctx, &input, None))
                    }
                })
                .collect::<Option<Vec<_>>>()?;
            finish(state, Some(&Value::Array(results)))
        }
        other => panic!("unexpected {other}"),
    }
}
