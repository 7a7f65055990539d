//! Executions recorded on AWS (`shared/conformance/cases`) whose output is the direct
//! result of one path, and every JSONPath the corpus definitions use in InputPath,
//! OutputPath, payload templates, ItemsPath, ResultPath and Choice rules.

use serde_json::{Value, json};

use super::{path, refpath};
use crate::path::{input_path, parameter};

/// `Parameters: {"<key>.$": <path>}` on `input`, as the corpus case's output.
fn parameters(key: &str, text: &str, input: &Value) -> Value {
    let field = format!("{key}.$");
    let value = parameter(&path(text), &field, input, input)
        .unwrap_or_else(|error| panic!("{text}: {error}"))
        .into_owned();
    json!({ key: value })
}

fn items() -> Value {
    json!({"items": (0..=10).map(|key| json!({"item_key": key})).collect::<Vec<_>>()})
}

#[test]
fn array_access() {
    // base__test_base...test_json_path_array_access_S.items_0__ and _10__.
    assert_eq!(
        parameters("item", "$.items[0]", &items()),
        json!({"item": {"item_key": 0}})
    );
    assert_eq!(
        parameters("item", "$.items[10]", &items()),
        json!({"item": {"item_key": 10}})
    );
}

#[test]
fn wildcards_and_slices_with_no_input() {
    // base__test_base...test_json_path_array_wildcard_or_slice_with_no_input_*: every
    // one gives `[]` on `{}`.
    for text in [
        "$.item.items[*]",
        "$.item.items[1:5]",
        "$.item.items[1:5].itemValue",
        "$.item.items[1:]",
        "$.item.items[:1]",
        "$.items[*]",
        "$.items[*].itemValue",
        "$.items[1:]",
        "$.items[1:].itemValue",
        "$.items[:1]",
        "$.items[:1].itemValue",
        "$[*]",
    ] {
        assert_eq!(
            parameters("item", text, &json!({})),
            json!({"item": []}),
            "{text}"
        );
    }
}

#[test]
fn filter() {
    // base__test_base.TestSnfBase.test_state_pass_regex_json_path_base.
    let input = json!({"users": [{"year": 1997, "status": 0}, {"year": 1998, "status": 1}]});
    assert_eq!(
        parameters("FromInput", "$.users[?(@.status == 0)]", &input),
        json!({"FromInput": [{"year": 1997, "status": 0}]})
    );
}

#[test]
fn escaped_bracket_name() {
    // scenarios__test_base_scenarios...test_escape_sequence_parsing_ESCAPE_SEQUENCES_JSONPATH:
    // the name is kept as written, backslash included.
    let input = json!({"Test\\\"\"Name\"": "Value\"\\"});
    assert_eq!(
        parameters("value", "$['Test\\\"\"Name\"']", &input),
        json!({"value": "Value\"\\"})
    );
}

#[test]
fn context_object_input_and_output_path() {
    // context_object__test_context_object...test_input_path_CTX.Execution.Input_ and
    // ...test_output_path_...: `$$.Execution.Input` on the context object.
    let context = json!({"Execution": {"Input": {"input-value": 0}}, "State": {"Name": "s"}});
    assert_eq!(
        input_path(&path("$$.Execution.Input"), &context).map(|value| value.into_owned()),
        Ok(json!({"input-value": 0}))
    );
}

#[test]
fn every_corpus_path_compiles_and_reads_its_own_shape() {
    // Paths from the corpus definitions, each with an input of the shape it expects.
    let full = [
        (
            "$.item.items[*]",
            json!({"item": {"items": [1]}}),
            json!([1]),
        ),
        (
            "$.item.items[1:5]",
            json!({"item": {"items": [0, 1, 2]}}),
            json!([1, 2]),
        ),
        (
            "$.item.items[1:5].itemValue",
            json!({"item": {"items": [0, {"itemValue": 1}]}}),
            json!([1]),
        ),
        (
            "$.items[*].itemValue",
            json!({"items": [{"itemValue": "a"}, {}]}),
            json!(["a"]),
        ),
        ("$.items[:1]", json!({"items": ["a", "b"]}), json!(["a"])),
        ("$[0]", json!([9, 44, 6]), json!(9)),
        ("$[2]", json!([9, 44, 6]), json!(6)),
        ("$", json!({"a": 1}), json!({"a": 1})),
        ("$.arr", json!({"arr": [1]}), json!([1])),
        ("$.detail", json!({"detail": {"x": 1}}), json!({"x": 1})),
        (
            "$.result_path.merged",
            json!({"result_path": {"merged": 2}}),
            json!(2),
        ),
        ("$.Variable", json!({"Variable": "x"}), json!("x")),
        (
            "$$.Execution.Input.input-value",
            json!({"Execution": {"Input": {"input-value": 0}}}),
            json!(0),
        ),
        (
            "$.result.done",
            json!({"result": {"done": true}}),
            json!(true),
        ),
        ("$theAnswer", json!(42), json!(42)),
        (
            "$.input.waitSeconds",
            json!({"input": {"waitSeconds": 1}}),
            json!(1),
        ),
    ];
    for (text, input, expected) in full {
        assert_eq!(
            path(text).select(&input).map(|value| value.into_owned()),
            Some(expected),
            "{text}"
        );
    }
    let reference = [
        ("$.Items", json!({"Items": [1, 2]}), json!([1, 2])),
        (
            "$.content.values",
            json!({"content": {"values": ["1"]}}),
            json!(["1"]),
        ),
        ("$.sub-values", json!({"sub-values": []}), json!([])),
        ("$items", json!([1]), json!([1])),
        (
            "$.MaxConcurrencyValue",
            json!({"MaxConcurrencyValue": "NoNumber"}),
            json!("NoNumber"),
        ),
    ];
    for (text, input, expected) in reference {
        assert_eq!(refpath(text).get(&input), Some(&expected), "{text}");
    }
}
