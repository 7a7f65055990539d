//! The matrix itself: which states exist, in which machines. `build.rs` compiles
//! them; the tests run them against a reference model. Shared by both through
//! `#[path]`, so the two cannot disagree.
//!
//! A group is one machine: `Init` (assigns the variables `v` and `w`), `Dispatch`
//! (a Choice on `$.case` naming the state under test, `Show` by default), the
//! states under test, and `Show`, which every non-terminal state under test goes to and which outputs
//! `{"output": <its input>, "w": $w}`, so that both the state's output and what its
//! Assign wrote are observable. A wrapped group puts that machine in a Parallel
//! branch or a Map iteration.
//!
//! Coverage: the fields whose combinations decide what generated code moves,
//! clones or borrows (InputPath × Parameters/ItemSelector × ResultPath × OutputPath
//! × Assign) are a full product; the others (Result, ResultSelector, spelling the
//! defaults out as `"$"`, the alternative nested paths) are *rotated*: value `k` of
//! such a field is used where the sum of the core indices plus `k` is `0` modulo its
//! number of values, so that each of its values meets each value of every core
//! field. JSONata fields (Arguments × Output × Assign) are small enough for full
//! products.

use serde_json::{Map, Value, json};

/// Where a group's machine sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrapper {
    /// At the top level.
    Top,
    /// As the only branch of a Parallel state (output `[output]`).
    Parallel,
    /// As the iteration of an inline Map over `$.items` (input `{"items": [input]}`).
    Map,
}

/// One state under test.
#[derive(Debug, Clone)]
pub struct Case {
    /// Its name, also the `case` member of its input.
    pub name: String,
    /// Its definition.
    pub state: Value,
}

/// One machine of the matrix.
#[derive(Debug, Clone)]
pub struct Group {
    /// The module name.
    pub name: &'static str,
    /// Where the machine sits.
    pub wrapper: Wrapper,
    /// The states under test.
    pub cases: Vec<Case>,
}

/// The input each state under test gets (`case` names it).
pub fn input(case: &str) -> Value {
    json!({
        "case": case,
        "a": 1,
        "err": "Boom",
        "list": [1, 2],
        "x": {"a": 2, "list": [3], "y": {"a": 3, "list": [4, 5]}}
    })
}

/// The value `Init` gives the variable `v`.
pub fn variable_v() -> Value {
    json!({"k": "v"})
}

/// The machine running `cases` in `group`'s wrapper.
pub fn definition(wrapper: Wrapper, cases: &[Case]) -> Value {
    let mut states = Map::new();
    states.insert(
        "Init".into(),
        json!({"Type": "Pass", "Assign": {"v": variable_v(), "w": null}, "Next": "Dispatch"}),
    );
    let choices: Vec<Value> = cases
        .iter()
        .map(|case| json!({"Variable": "$.case", "StringEquals": case.name, "Next": case.name}))
        .collect();
    states.insert(
        "Dispatch".into(),
        json!({"Type": "Choice", "Choices": choices, "Default": "Show"}),
    );
    for case in cases {
        states.insert(case.name.clone(), case.state.clone());
    }
    states.insert(
        "Show".into(),
        json!({"Type": "Pass", "Parameters": {"output.$": "$", "w.$": "$w"}, "End": true}),
    );
    let body = json!({"StartAt": "Init", "States": states});
    match wrapper {
        Wrapper::Top => body,
        Wrapper::Parallel => json!({"StartAt": "Wrap", "States": {
            "Wrap": {"Type": "Parallel", "Branches": [body], "End": true}
        }}),
        Wrapper::Map => {
            let mut processor = body;
            processor["ProcessorConfig"] = json!({"Mode": "INLINE"});
            json!({"StartAt": "Wrap", "States": {
                "Wrap": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": processor, "End": true}
            }})
        }
    }
}

/// The machine input for `case` in `wrapper`.
pub fn machine_input(wrapper: Wrapper, case: &str) -> Value {
    match wrapper {
        Wrapper::Top | Wrapper::Parallel => input(case),
        Wrapper::Map => json!({"items": [input(case)]}),
    }
}

/// An optional field value: `None` leaves the field out.
type Field = Option<Value>;

/// InputPath: absent, null, a path, a nested path.
fn input_paths() -> Vec<Field> {
    vec![
        None,
        Some(Value::Null),
        Some(json!("$.x")),
        Some(json!("$.x.y")),
    ]
}

/// Parameters / ItemSelector: absent; `$` members only, disjoint (movable), one
/// nested; the whole `$`; and `$` overlapping the others, an intrinsic, `$$` and a
/// variable.
fn templates() -> Vec<Field> {
    vec![
        None,
        Some(json!({"k": "lit", "o": {"p.$": "$.a"}, "l.$": "$.list"})),
        Some(json!({"all.$": "$"})),
        Some(json!({
            "all.$": "$", "p.$": "$.a", "n.$": "States.ArrayLength($.list)",
            "s.$": "$$.State.Name", "v.$": "$v"
        })),
    ]
}

/// ResultPath: absent, null, a new member, a nested member that exists.
fn result_paths() -> Vec<Field> {
    vec![
        None,
        Some(Value::Null),
        Some(json!("$.r")),
        Some(json!("$.x.y")),
    ]
}

/// OutputPath: absent, null, a path.
fn output_paths() -> Vec<Field> {
    vec![None, Some(Value::Null), Some(json!("$.x"))]
}

/// Assign (JSONPath): absent, the whole `$`, a nested template with `$$`.
fn assigns() -> Vec<Field> {
    vec![
        None,
        Some(json!({"w.$": "$"})),
        Some(json!({"w": {"p.$": "$.a", "s.$": "$$.State.Name"}})),
    ]
}

/// The core fields of one JSONPath combination, by index into the lists above.
#[derive(Debug, Clone, Copy)]
struct Core {
    input_path: usize,
    template: usize,
    result_path: usize,
    output_path: usize,
    assign: usize,
}

/// How a field of [`Core`] varies.
#[derive(Debug, Clone, Copy)]
enum Span {
    /// Over its first `n` values, in the full product.
    Full(usize),
    /// Over its first `n` values, rotated (see the module documentation).
    Rotated(usize),
}

impl Core {
    /// InputPath × ResultPath × OutputPath in full, with the template and Assign
    /// choices spanned as given.
    fn product(template: Span, assign: Span) -> Vec<Core> {
        let full = |span| match span {
            Span::Full(n) => n,
            Span::Rotated(_) => 1,
        };
        let mut out = Vec::new();
        for input_path in 0..4 {
            for template_index in 0..full(template) {
                for result_path in 0..4 {
                    for output_path in 0..3 {
                        for assign_index in 0..full(assign) {
                            let mut core = Core {
                                input_path,
                                template: template_index,
                                result_path,
                                output_path,
                                assign: assign_index,
                            };
                            if let Span::Rotated(n) = template {
                                core.template = core.rotate(4, n);
                            }
                            if let Span::Rotated(n) = assign {
                                core.assign = core.rotate(5, n);
                            }
                            out.push(core);
                        }
                    }
                }
            }
        }
        out
    }

    /// The rotated choice among `count` values of the extra field `offset`.
    fn rotate(&self, offset: usize, count: usize) -> usize {
        (self.input_path
            + self.template
            + self.result_path
            + self.output_path
            + self.assign
            + offset)
            % count
    }

    /// Writes the core fields into `state` (the template as `template_field`), with
    /// the rotated variants: defaults spelled `"$"`, ResultPath `$.n.m` (a parent
    /// that does not exist) for `$.r`, OutputPath `$.x.y` for `$.x`.
    fn write(&self, state: &mut Map<String, Value>, template_field: &str) {
        let explicit = self.rotate(0, 2) == 1;
        let alternative = self.rotate(1, 2) == 1;
        let dollar = |field: Field| match field {
            None if explicit => Some(json!("$")),
            other => other,
        };
        put(
            state,
            "InputPath",
            dollar(input_paths()[self.input_path].clone()),
        );
        put(state, template_field, templates()[self.template].clone());
        let result_path = match result_paths()[self.result_path].clone() {
            Some(Value::String(path)) if path == "$.r" && alternative => Some(json!("$.n.m")),
            other => dollar(other),
        };
        put(state, "ResultPath", result_path);
        let output_path = match output_paths()[self.output_path].clone() {
            Some(Value::String(path)) if path == "$.x" && alternative => Some(json!("$.x.y")),
            other => dollar(other),
        };
        put(state, "OutputPath", output_path);
        put(state, "Assign", assigns()[self.assign].clone());
    }
}

fn put(state: &mut Map<String, Value>, field: &str, value: Field) {
    if let Some(value) = value {
        state.insert(field.to_owned(), value);
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("state definitions are objects"),
    }
}

/// The echo Task every Task state runs (bound by the tests to a handler returning
/// its input).
const ECHO: &str = "arn:aws:lambda:us-east-1:123456789012:function:echo";

/// JSONPath Pass states: the core product, with Result rotated.
fn pass(prefix: &str, cores: &[Core]) -> Vec<Case> {
    cores
        .iter()
        .enumerate()
        .map(|(index, core)| {
            let name = format!("{prefix}{index}");
            let mut state = object(json!({"Type": "Pass", "Next": "Show"}));
            core.write(&mut state, "Parameters");
            if core.rotate(2, 2) == 1 {
                state.insert("Result".into(), json!({"r": 1}));
            }
            Case {
                name,
                state: Value::Object(state),
            }
        })
        .collect()
}

/// ResultSelector, rotated for Task, Parallel and Map states.
fn result_selectors() -> Vec<Field> {
    vec![
        None,
        Some(json!({"k": "lit", "all.$": "$"})),
        Some(json!({"n.$": "States.ArrayLength($.list)", "s.$": "$$.State.Name"})),
    ]
}

/// JSONPath states with a result (Task, Parallel, Map): `base` plus the core and a
/// rotated ResultSelector.
fn with_result(
    prefix: &str,
    cores: &[Core],
    template_field: &str,
    base: impl Fn(&str) -> Value,
) -> Vec<Case> {
    cores
        .iter()
        .enumerate()
        .map(|(index, core)| {
            let name = format!("{prefix}{index}");
            let mut state = object(base(&name));
            state.insert("Next".into(), json!("Show"));
            core.write(&mut state, template_field);
            put(
                &mut state,
                "ResultSelector",
                result_selectors()[core.rotate(3, 3)].clone(),
            );
            Case {
                name,
                state: Value::Object(state),
            }
        })
        .collect()
}

fn task(_: &str) -> Value {
    json!({"Type": "Task", "Resource": ECHO})
}

/// A Parallel state with one branch passing its input on.
fn parallel(name: &str) -> Value {
    let branch = format!("{name}_b");
    json!({"Type": "Parallel", "Branches": [{"StartAt": branch, "States": {branch.clone(): {"Type": "Pass", "End": true}}}]})
}

/// Distributed Maps (the most code per state): InputPath × ResultPath in full, the
/// rest rotated.
fn distributed() -> Vec<Core> {
    Core::product(Span::Rotated(2), Span::Rotated(2))
        .into_iter()
        .filter(|core| core.output_path == 0)
        .enumerate()
        .map(|(index, core)| Core {
            output_path: index % 3,
            ..core
        })
        .collect()
}

/// A Map state over `$.list` (JSONPath) whose iterations pass their input on.
fn map(name: &str, mode: &str) -> Value {
    let mut config = json!({"Mode": mode});
    if mode == "DISTRIBUTED" {
        config["ExecutionType"] = json!("STANDARD");
    }
    json!({"Type": "Map", "ItemsPath": "$.list", "ItemProcessor": {
        "ProcessorConfig": config,
        "StartAt": format!("{name}_i"),
        "States": {format!("{name}_i"): {"Type": "Pass", "End": true}}
    }})
}

/// JSONPath states without a result: Choice, Wait, Succeed (InputPath × OutputPath
/// × Assign where accepted, × the variants `variants` writes).
fn without_result(
    prefix: &str,
    assign: bool,
    variants: usize,
    base: impl Fn(&str, usize) -> Value,
) -> Vec<Case> {
    let mut out = Vec::new();
    let assigns = if assign { assigns() } else { vec![None] };
    for input_path in input_paths() {
        for output_path in output_paths() {
            for assign in &assigns {
                for variant in 0..variants {
                    let name = format!("{prefix}{}", out.len());
                    let mut state = object(base(&name, variant));
                    put(&mut state, "InputPath", input_path.clone());
                    put(&mut state, "OutputPath", output_path.clone());
                    put(&mut state, "Assign", assign.clone());
                    out.push(Case {
                        name,
                        state: Value::Object(state),
                    });
                }
            }
        }
    }
    out
}

/// A JSONPath Choice: variant 0 takes the Default, variant 1 a rule with its own
/// Assign (when the effective input has `list`).
fn choice(_: &str, variant: usize) -> Value {
    let (variable, assign) = match variant {
        0 => ("$.nothing", json!({"w": "rule"})),
        _ => ("$.list", json!({"w.$": "$.list"})),
    };
    json!({"Type": "Choice", "Default": "Show", "Choices": [
        {"Variable": variable, "IsPresent": true, "Assign": assign, "Next": "Show"}
    ]})
}

/// A JSONPath Wait of no time: `Seconds` or a past `Timestamp`.
fn wait(_: &str, variant: usize) -> Value {
    match variant {
        0 => json!({"Type": "Wait", "Seconds": 0, "Next": "Show"}),
        _ => json!({"Type": "Wait", "Timestamp": "2000-01-01T00:00:00Z", "Next": "Show"}),
    }
}

/// JSONata field values.
mod jsonata {
    use serde_json::{Value, json};

    /// Arguments: absent, an object with a path and a literal, the whole input,
    /// the context object and a variable.
    pub fn arguments() -> Vec<Option<Value>> {
        vec![
            None,
            Some(json!({"p": "{% $states.input.a %}", "k": "lit"})),
            Some(json!("{% $states.input %}")),
            Some(json!({"s": "{% $states.context.State.Name %}", "v": "{% $v %}"})),
        ]
    }

    /// Output: absent, an object, the whole input, the context and a variable, a
    /// nested member; with `result`, also the result (states that have one).
    pub fn outputs(result: bool) -> Vec<Option<Value>> {
        let mut out = vec![
            None,
            Some(json!({"o": "{% $states.input.a %}", "k": "lit"})),
            Some(json!("{% $states.input %}")),
            Some(json!({"s": "{% $states.context.State.Name %}", "v": "{% $v.k %}"})),
            Some(json!("{% $states.input.x %}")),
        ];
        if result {
            out.push(Some(
                json!({"r": "{% $states.result %}", "a": "{% $states.input.a %}"}),
            ));
        }
        out
    }

    /// Assign: absent, the input, a nested object; with `result`, the result.
    pub fn assigns(result: bool) -> Vec<Option<Value>> {
        let mut out = vec![
            None,
            Some(json!({"w": "{% $states.input %}"})),
            Some(json!({"w": {"p": "{% $states.input.a %}"}})),
        ];
        if result {
            out.push(Some(json!({"w": "{% $states.result %}"})));
        }
        out
    }
}

/// JSONata states: `base` × `arguments` × Output × Assign (when `assign`; a
/// Succeed has none). With `rotated`, Assign is rotated instead (see the module
/// documentation), for the states that generate the most code.
fn jsonata_states(
    prefix: &str,
    arguments: &[Field],
    (result, assign, rotated): (bool, bool, bool),
    base: impl Fn(&str) -> Value,
) -> Vec<Case> {
    let mut out = Vec::new();
    let assigns = if assign {
        jsonata::assigns(result)
    } else {
        vec![None]
    };
    for (argument_index, argument) in arguments.iter().enumerate() {
        for (output_index, output) in jsonata::outputs(result).into_iter().enumerate() {
            for (assign_index, assign) in assigns.iter().enumerate() {
                if rotated && (argument_index + output_index) % assigns.len() != assign_index {
                    continue;
                }
                let name = format!("{prefix}{}", out.len());
                let mut state = object(base(&name));
                state.insert("QueryLanguage".into(), json!("JSONata"));
                put(&mut state, "Arguments", argument.clone());
                put(&mut state, "Output", output.clone());
                put(&mut state, "Assign", assign.clone());
                out.push(Case {
                    name,
                    state: Value::Object(state),
                });
            }
        }
    }
    out
}

/// A JSONata Map over `$states.input.list`, optionally with an ItemSelector.
fn jsonata_map(name: &str, mode: &str, selector: bool) -> Value {
    let mut state = map(name, mode);
    let state_map = state.as_object_mut().expect("an object");
    state_map.remove("ItemsPath");
    state_map.insert("Items".into(), json!("{% $states.input.list %}"));
    if selector {
        state_map.insert(
            "ItemSelector".into(),
            json!({"item": "{% $states.context.Map.Item.Value %}", "a": "{% $states.input.a %}"}),
        );
    }
    state
}

/// Fail states: `Error`/`Cause` as constants, paths, an intrinsic, `$$`, a
/// variable; and in JSONata.
fn fails() -> Vec<Case> {
    let states = [
        json!({"Type": "Fail"}),
        json!({"Type": "Fail", "Error": "E", "Cause": "C"}),
        json!({"Type": "Fail", "ErrorPath": "$.err", "CausePath": "States.Format('a={}', $.a)"}),
        json!({"Type": "Fail", "ErrorPath": "$$.State.Name", "CausePath": "$v.k"}),
        json!({"Type": "Fail", "QueryLanguage": "JSONata", "Error": "{% $states.input.err %}", "Cause": "{% $v.k %}"}),
        json!({"Type": "Fail", "QueryLanguage": "JSONata", "Error": "E"}),
    ];
    states
        .into_iter()
        .enumerate()
        .map(|(index, state)| Case {
            name: format!("fail{index}"),
            state,
        })
        .collect()
}

/// Every group of the matrix.
pub fn groups() -> Vec<Group> {
    // Pass: the full core product.
    let full = Core::product(Span::Full(4), Span::Full(3));
    // Task: Assign rotated.
    let task_cores = Core::product(Span::Full(4), Span::Rotated(3));
    // Parallel, Map, and states inside a Parallel branch or a Map iteration: the
    // paths in full, the template and Assign rotated (they generate much more code
    // per state).
    let paths = Core::product(Span::Rotated(4), Span::Rotated(3));
    let paths_moving = Core::product(Span::Rotated(2), Span::Rotated(2));
    let none = vec![None];
    let group = |name, wrapper, cases| Group {
        name,
        wrapper,
        cases,
    };
    vec![
        group("pass", Wrapper::Top, pass("pass", &full)),
        group("pass_in_parallel", Wrapper::Parallel, pass("pp", &paths_moving)),
        group("pass_in_map", Wrapper::Map, pass("pm", &paths_moving)),
        group("task", Wrapper::Top, with_result("task", &task_cores, "Parameters", task)),
        group("task_in_map", Wrapper::Map, with_result("tm", &paths_moving, "Parameters", task)),
        group(
            "parallel",
            Wrapper::Top,
            with_result("par", &paths, "Parameters", parallel),
        ),
        group(
            "map",
            Wrapper::Top,
            with_result("map", &paths, "ItemSelector", |name| map(name, "INLINE")),
        ),
        group(
            "map_distributed",
            Wrapper::Top,
            with_result("dmap", &distributed(), "ItemSelector", |name| {
                map(name, "DISTRIBUTED")
            }),
        ),
        group("choice", Wrapper::Top, without_result("choice", true, 2, choice)),
        group("wait", Wrapper::Top, without_result("wait", true, 2, wait)),
        group(
            "succeed",
            Wrapper::Top,
            without_result("succeed", false, 1, |_, _| json!({"Type": "Succeed"})),
        ),
        group("fail", Wrapper::Top, fails()),
        group(
            "jsonata",
            Wrapper::Top,
            [
                jsonata_states("jpass", &none, (false, true, false), |_| json!({"Type": "Pass", "Next": "Show"})),
                jsonata_states("jtask", &jsonata::arguments(), (true, true, false), |_| {
                    json!({"Type": "Task", "Resource": ECHO, "Next": "Show"})
                }),
                jsonata_states("jpar", &jsonata::arguments(), (true, true, true), |name| {
                    let mut state = parallel(name);
                    state["Next"] = json!("Show");
                    state
                }),
                jsonata_states("jmap", &none, (true, true, false), |name| {
                    let mut state = jsonata_map(name, "INLINE", false);
                    state["Next"] = json!("Show");
                    state
                }),
                jsonata_states("jmaps", &none, (true, true, true), |name| {
                    let mut state = jsonata_map(name, "INLINE", true);
                    state["Next"] = json!("Show");
                    state
                }),
                jsonata_states("jdmap", &none, (true, true, true), |name| {
                    let mut state = jsonata_map(name, "DISTRIBUTED", true);
                    state["Next"] = json!("Show");
                    state
                }),
                jsonata_states("jwait", &none, (false, true, false), |_| {
                    json!({"Type": "Wait", "Seconds": "{% 0 %}", "Next": "Show"})
                }),
                jsonata_states("jchoice", &none, (false, true, false), |name| {
                    // Every other state takes its rule, the others the Default.
                    let index: usize = name.trim_start_matches("jchoice").parse().unwrap_or(0);
                    let condition = format!("{{% $states.input.a = {} %}}", 1 + index % 2);
                    json!({"Type": "Choice", "Default": "Show", "Choices": [
                        {"Condition": condition, "Output": {"rule": "{% $states.input.a %}"}, "Assign": {"w": "rule"}, "Next": "Show"}
                    ]})
                }),
                jsonata_states("jsucceed", &none, (false, false, false), |_| json!({"Type": "Succeed"})),
            ]
            .concat(),
        ),
    ]
}
