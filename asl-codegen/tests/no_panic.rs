//! `check` never panics, whatever it is given: arbitrary text, damaged copies of
//! real definitions, and well-formed JSON whose fields are shuffled, retyped and
//! renamed (which reaches the validation rules rather than the JSON parser).
//!
//! Run longer with e.g. `PROPTEST_CASES=100000 cargo test --release -p asl-codegen --test no_panic`.

use asl_codegen::{SourceFile, Syntax, check};
use proptest::prelude::*;
use serde_json::{Value, json};

const SEEDS: &[&str] = &[
    include_str!("../../examples/workflows/hello.asl.json"),
    include_str!("../../examples/workflows/order-processing.asl.json"),
    include_str!("../../examples/workflows/order-jsonata.asl.json"),
    include_str!("../../examples/workflows/distributed-etl.asl.json"),
];

const YAML_SEED: &str = include_str!("../../examples/workflows/hello.asl.yaml");

/// Field names and values that steer mutations into ASL's rules.
const FIELDS: &[&str] = &[
    "Type",
    "Next",
    "End",
    "StartAt",
    "States",
    "Resource",
    "Parameters",
    "ResultPath",
    "InputPath",
    "OutputPath",
    "ResultSelector",
    "Retry",
    "Catch",
    "ErrorEquals",
    "Choices",
    "Default",
    "Variable",
    "StringEquals",
    "NumericEqualsPath",
    "And",
    "Or",
    "Not",
    "Branches",
    "ItemProcessor",
    "Iterator",
    "ProcessorConfig",
    "Mode",
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "Seconds",
    "TimestampPath",
    "Timestamp",
    "Error",
    "CausePath",
    "QueryLanguage",
    "Arguments",
    "Output",
    "Assign",
    "Condition",
    "Items",
    "ItemsPath",
    "ItemSelector",
    "MaxConcurrency",
    "Label",
    "HeartbeatSeconds",
    "TimeoutSeconds",
    "x.$",
    "States.ALL",
];

fn interesting_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "$",
            "$$",
            "$.a[",
            "$..x",
            "$.a[?(@.b > 1)]",
            "$.a[*]",
            "$var",
            "$$.Map.Item.Value",
            "States.Format('{}', $.a)",
            "States.Fromat(",
            "States.Array(States.Array(",
            "{% $x %}",
            "{% 1",
            "Pass",
            "Task",
            "Choice",
            "Map",
            "Parallel",
            "Wait",
            "Fail",
            "Succeed",
            "JSONata",
            "JSONPath",
            "DISTRIBUTED",
            "INLINE",
            "arn:aws:states:::lambda:invoke",
            "2016-03-14T01:59:00Z",
            "States.ALL",
            "",
            "A",
            "B",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
        Just(json!({})),
        Just(json!([])),
        Just(json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}})),
        Just(json!([{"ErrorEquals": ["States.ALL"], "Next": "A"}])),
    ]
}

/// One change to a JSON tree, applied at the `target`-th node in pre-order.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, Value),
    RemoveKey(usize, usize),
    RenameKey(usize, usize, &'static str),
    InsertKey(usize, &'static str, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let field = prop::sample::select(FIELDS);
    prop_oneof![
        (any::<usize>(), interesting_value()).prop_map(|(at, value)| Mutation::Replace(at, value)),
        (any::<usize>(), any::<usize>()).prop_map(|(at, key)| Mutation::RemoveKey(at, key)),
        (any::<usize>(), any::<usize>(), field.clone())
            .prop_map(|(at, key, name)| Mutation::RenameKey(at, key, name)),
        (any::<usize>(), field, interesting_value())
            .prop_map(|(at, name, value)| Mutation::InsertKey(at, name, value)),
    ]
}

fn count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Object(map) => map.values().map(count).sum(),
        _ => 0,
    }
}

/// Applies `mutation` to the `target`-th node (pre-order); returns true once applied.
fn visit(value: &mut Value, target: &mut usize, mutation: &Mutation) -> bool {
    if *target == 0 {
        mutate(value, mutation);
        return true;
    }
    *target -= 1;
    match value {
        Value::Array(items) => items.iter_mut().any(|item| visit(item, target, mutation)),
        Value::Object(map) => map.values_mut().any(|item| visit(item, target, mutation)),
        _ => false,
    }
}

fn mutate(node: &mut Value, mutation: &Mutation) {
    match (mutation, node) {
        (Mutation::Replace(_, new), node) => *node = new.clone(),
        (Mutation::RemoveKey(_, key), Value::Object(map)) if !map.is_empty() => {
            let name = map.keys().nth(key % map.len()).cloned().unwrap();
            map.remove(&name);
        }
        (Mutation::RenameKey(_, key, new_name), Value::Object(map)) if !map.is_empty() => {
            let name = map.keys().nth(key % map.len()).cloned().unwrap();
            let value = map.remove(&name).unwrap();
            map.insert((*new_name).to_owned(), value);
        }
        (Mutation::InsertKey(_, name, new), Value::Object(map)) => {
            map.insert((*name).to_owned(), new.clone());
        }
        _ => {}
    }
}

fn apply(value: &mut Value, mutation: &Mutation) {
    let at = match mutation {
        Mutation::Replace(at, _)
        | Mutation::RemoveKey(at, _)
        | Mutation::RenameKey(at, _, _)
        | Mutation::InsertKey(at, _, _) => *at,
    };
    let mut target = at % count(value);
    visit(value, &mut target, mutation);
}

/// `seed` with each `(offset, bytes to delete, text to insert)` applied in turn.
fn apply_edits(seed: &str, edits: Vec<(usize, usize, String)>) -> String {
    let mut text = seed.to_owned();
    for (at, delete, insert) in edits {
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + delete).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.replace_range(at..end, &insert);
    }
    text
}

fn check_both_syntaxes(text: &str) {
    let _ = check(&SourceFile::with_syntax(
        "fuzz.asl.json",
        text,
        Syntax::Json,
    ));
    let _ = check(&SourceFile::with_syntax(
        "fuzz.asl.yaml",
        text,
        Syntax::Yaml,
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text(text in any::<String>()) {
        check_both_syntaxes(&text);
    }

    #[test]
    fn damaged_definitions(
        seed in prop::sample::select(SEEDS),
        edits in prop::collection::vec((any::<usize>(), 0usize..8, "[{}\\[\\]\":,.$\\\\ 0-9a-zA-Z%'()@*?-]{0,6}"), 1..6),
    ) {
        check_both_syntaxes(&apply_edits(seed, edits));
    }

    #[test]
    fn damaged_yaml(edits in prop::collection::vec((any::<usize>(), 0usize..8, "[-:?\\[\\]{}&*!|>'\"#% \n a-z$.]{0,6}"), 1..6)) {
        let text = apply_edits(YAML_SEED, edits);
        let _ = check(&SourceFile::with_syntax("fuzz.asl.yaml", text, Syntax::Yaml));
    }

    #[test]
    fn restructured_definitions(
        seed in prop::sample::select(SEEDS),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        let mut value: Value = serde_json::from_str(seed).unwrap();
        for mutation in &mutations {
            apply(&mut value, mutation);
        }
        let text = serde_json::to_string_pretty(&value).unwrap();
        let checked = check(&SourceFile::new("fuzz.asl.json", text));
        // A definition is valid exactly when no error was reported.
        prop_assert_eq!(checked.is_valid(), !checked.diagnostics.has_errors());
    }
}
