//! Every error text, field by field.

use serde_json::json;

use super::{path, refpath};
use crate::error::{ExecutionError, names};
use crate::path::{
    REFERENCE_PATH_CONFLICT, choice_variable, input_path, output_path, parameter, reference,
    template_input,
};

fn runtime(cause: &str) -> ExecutionError {
    ExecutionError::runtime(cause)
}

#[test]
fn input_and_output_path_misses_as_recorded_on_aws() {
    // Corpus: INVALID_JSONPATH_IN_INPUTPATH / _OUTPUTPATH, input {"int-literal": 0}.
    let input = json!({"int-literal": 0});
    assert_eq!(
        input_path(&path("$.NoSuchInputPath"), &input).unwrap_err(),
        runtime("Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']")
    );
    assert_eq!(
        output_path(&path("$.NoSuchOutputPath"), &input).unwrap_err(),
        runtime("Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']")
    );
    assert!(
        input_path(&path("$.NoSuchInputPath"), &input)
            .unwrap_err()
            .is_located()
    );
}

#[test]
fn input_path_miss_texts_follow_jayway() {
    let miss = |text: &str, input: serde_json::Value| {
        input_path(&path(text), &input)
            .unwrap_err()
            .cause
            .expect("a cause")
    };
    assert_eq!(
        miss("$.a.b[0]", json!({"a": {"b": []}})),
        "Invalid path '$.a.b[0]' : No results for path: $['a']['b'][0]"
    );
    assert_eq!(
        miss("$.a['x y']", json!({"a": {}})),
        "Invalid path '$.a['x y']' : No results for path: $['a']['x y']"
    );
    assert_eq!(
        miss("$.a.b.c", json!({"x": 1})),
        "Invalid path '$.a.b.c' : Missing property in path $['a']"
    );
    assert_eq!(
        miss("$.a.b.c", json!({"a": {}})),
        "Invalid path '$.a.b.c' : Missing property in path $['a']['b']"
    );
    // Jayway: `$.key` on an array (its message names JsonSmart's classes).
    assert_eq!(
        miss("$.key", json!([0, 1])),
        "Invalid path '$.key' : Expected to find an object with property ['key'] in path $ but found \
         'net.minidev.json.JSONArray'. This is not a json object according to the JsonProvider: \
         'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."
    );
    assert_eq!(
        miss("$.a.b", json!({"a": "text"})),
        "Invalid path '$.a.b' : Expected to find an object with property ['b'] in path $['a'] but found \
         'java.lang.String'. This is not a json object according to the JsonProvider: \
         'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."
    );
    assert_eq!(
        miss("$.a['x','y']", json!({"a": 1})),
        "Invalid path '$.a['x','y']' : Expected to find an object with property ['x', 'y'] in path \
         $['a'] but found 'java.lang.Integer'. This is not a json object according to the \
         JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."
    );
    assert_eq!(
        miss("$.a[0]", json!({"a": null})),
        "Invalid path '$.a[0]' : The path $['a'] is null"
    );
    assert_eq!(
        miss("$.a[0].b", json!({"a": {"k": 1}})),
        "Invalid path '$.a[0].b' : Filter: [0]['b'] can only be applied to arrays. Current context \
         is: {\"k\":1}"
    );
    assert_eq!(
        miss("$.a[0]", json!({"a": "text"})),
        "Invalid path '$.a[0]' : Filter: [0] can only be applied to arrays. Current context is: text"
    );
    // Jayway swallows an index out of range: no result for the whole path.
    assert_eq!(
        miss("$.a[5].b", json!({"a": [1]})),
        "Invalid path '$.a[5].b' : No results for path: $['a'][5]['b']"
    );
}

#[test]
fn input_path_finds_values_and_arrays() {
    let input = json!({"a": [1, 2], "n": null});
    assert_eq!(
        input_path(&path("$.a"), &input).unwrap().into_owned(),
        json!([1, 2])
    );
    assert_eq!(
        input_path(&path("$.n"), &input).unwrap().into_owned(),
        json!(null)
    );
    assert_eq!(
        input_path(&path("$.x[*]"), &input).unwrap().into_owned(),
        json!([])
    );
    assert_eq!(input_path(&path("$"), &input).unwrap().into_owned(), input);
}

#[test]
fn parameter_misses_print_the_input_compactly() {
    // The AWS workshop's recorded execution: `address.$` on {"flagged": false}.
    assert_eq!(
        parameter(
            &path("$.application.address"),
            "address.$",
            &json!({"flagged": false}),
            &json!({"flagged": false})
        )
        .unwrap_err(),
        runtime(
            "The JSONPath '$.application.address' specified for the field 'address.$' could not be found in \
             the input '{\"flagged\":false}'"
        )
    );
    // floci-io/floci#2521 (Step Functions Local): members in input order.
    let input = json!({"other": 1, "b": [1, {"c": "é/\"q\""}]});
    assert_eq!(
        parameter(&path("$.nope.deep"), "missing.$", &input, &input).unwrap_err(),
        runtime(
            "The JSONPath '$.nope.deep' specified for the field 'missing.$' could not be found in the input \
             '{\"other\":1,\"b\":[1,{\"c\":\"é/\\\"q\\\"\"}]}'"
        )
    );
    // A context object path prints the document it was evaluated against.
    let context = json!({"Execution": {"Id": "x"}});
    assert_eq!(
        parameter(&path("$$.Map.Item.Value"), "v.$", &context, &context)
            .unwrap_err()
            .cause
            .expect("a cause"),
        "The JSONPath '$$.Map.Item.Value' specified for the field 'v.$' could not be found in the input \
         '{\"Execution\":{\"Id\":\"x\"}}'"
    );
}

#[test]
fn parameter_values() {
    let input = json!({"items": [{"v": 1}, {"v": 2}]});
    let found = |text: &str| {
        parameter(&path(text), "x.$", &input, &input)
            .unwrap()
            .into_owned()
    };
    assert_eq!(found("$.items[1].v"), json!(2));
    assert_eq!(found("$.items[*].v"), json!([1, 2]));
    assert_eq!(found("$.nothing[*]"), json!([]));
}

#[test]
fn null_template_input() {
    assert_eq!(
        template_input(&json!(null)).unwrap_err(),
        runtime("Unable to apply Path transformation to null or empty input.")
    );
    assert_eq!(template_input(&json!({})), Ok(()));
    assert_eq!(template_input(&json!("")), Ok(()));
}

#[test]
fn items_path_misses_are_reference_path_conflicts() {
    // AWS, as users quote it for `ItemsPath: $.discovery.objects`.
    let input = json!({"discovery": {"statusCode": 500, "body": "..."}});
    assert_eq!(
        reference(&refpath("$.discovery.objects"), "ItemsPath", &input).unwrap_err(),
        ExecutionError::new(
            REFERENCE_PATH_CONFLICT,
            "Unable to apply step \"objects\" to input {\"discovery\":{\"statusCode\":500,\"body\":\"...\"}}"
        )
    );
    assert_eq!(
        reference(&refpath("$.items"), "ItemsPath", &json!({"a": 1}))
            .unwrap_err()
            .cause
            .expect("a cause"),
        "Unable to apply step \"items\" to input {\"a\":1}"
    );
    assert_eq!(
        reference(&refpath("$.a[2]"), "ItemsPath", &json!({"a": [1]}))
            .unwrap_err()
            .cause
            .expect("a cause"),
        "Unable to apply step \"[2]\" to input {\"a\":[1]}"
    );
    // Not States.Runtime, so the executor does not prefix it with the state.
    assert!(
        !reference(&refpath("$.items"), "ItemsPath", &json!({}))
            .unwrap_err()
            .is_located()
    );
}

#[test]
fn wait_path_misses() {
    // LocalStack's `seconds_path.py`.
    assert_eq!(
        reference(
            &refpath("$.input.waitSeconds"),
            "SecondsPath",
            &json!({"input": {}})
        )
        .unwrap_err(),
        runtime("The SecondsPath parameter does not reference an input value: $.input.waitSeconds")
    );
    assert_eq!(
        reference(&refpath("$.when"), "TimestampPath", &json!({})).unwrap_err(),
        runtime("The TimestampPath parameter does not reference an input value: $.when")
    );
}

#[test]
fn other_reference_path_misses() {
    // localstack/localstack#11951, the AWS text for ErrorPath.
    let input = json!({"Error": "error-value", "Cause": "cause-value"});
    assert_eq!(
        reference(&refpath("$.ErrorX"), "ErrorPath", &input).unwrap_err(),
        runtime(
            "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input \
             '{\"Error\":\"error-value\",\"Cause\":\"cause-value\"}'"
        )
    );
    for field in [
        "CausePath",
        "MaxConcurrencyPath",
        "ToleratedFailureCountPath",
        "ToleratedFailurePercentagePath",
        "TimeoutSecondsPath",
        "HeartbeatSecondsPath",
    ] {
        assert_eq!(
            reference(&refpath("$.x"), field, &json!({})).unwrap_err(),
            runtime(&format!(
                "The JSONPath '$.x' specified for the field '{field}' could not be found in the input '{{}}'"
            ))
        );
    }
}

#[test]
fn reference_values() {
    let input = json!({"a": [10, {"b": null}]});
    assert_eq!(
        reference(&refpath("$.a[0]"), "SecondsPath", &input),
        Ok(&json!(10))
    );
    assert_eq!(
        reference(&refpath("$.a[1].b"), "ErrorPath", &input),
        Ok(&json!(null))
    );
    assert_eq!(reference(&refpath("$"), "ItemsPath", &input), Ok(&input));
}

#[test]
fn choice_variable_misses() {
    assert_eq!(
        choice_variable(&path("$.missing"), &json!({"a": 1})).unwrap_err(),
        runtime(
            "Invalid path '$.missing': The choice state's condition path references an invalid value."
        )
    );
    assert_eq!(
        choice_variable(&path("$undefinedVariable"), &json!(null)).map(|value| value.into_owned()),
        Ok(json!(null))
    );
    assert_eq!(
        choice_variable(&path("$.a[*]"), &json!({})).map(|value| value.into_owned()),
        Ok(json!([]))
    );
    assert_eq!(
        choice_variable(&path("$.a"), &json!({"a": false})).map(|value| value.into_owned()),
        Ok(json!(false))
    );
    assert_eq!(
        choice_variable(&path("$.a"), &json!({}))
            .unwrap_err()
            .error
            .as_deref(),
        Some(names::RUNTIME)
    );
}
