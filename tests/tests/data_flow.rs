//! Data-flow rules of generated machines that the AWS corpus does not cover.

use asl_runtime::ExecutionError;
use serde_json::json;

mod flow {
    asl_macros::asl!(
        name = "Flow",
        definition = r#"{
        "StartAt": "Pick",
        "States": {
            "Pick": {
                "Type": "Pass",
                "InputPath": "$.data",
                "Parameters": {
                    "value.$": "$.value",
                    "machine.$": "$$.StateMachine.Name",
                    "execution.$": "$$.Execution.Name",
                    "state.$": "$$.State.Name",
                    "input.$": "$$.Execution.Input.data.value",
                    "all.$": "$.list[*].n",
                    "cheap.$": "$.list[?(@.n < 2)].n"
                },
                "ResultPath": "$.picked",
                "Next": "Drop"
            },
            "Drop": {"Type": "Pass", "OutputPath": "$.picked", "End": true}
        }
    }"#
    );
}

#[tokio::test]
async fn paths_read_the_input_and_the_context_object() {
    let input = json!({"data": {"value": 7, "list": [{"n": 1}, {"n": 3}]}});
    let output = flow::Machine::new(())
        .run_named("run-7", input)
        .await
        .unwrap();
    assert_eq!(
        output,
        json!({"value": 7, "machine": "Flow", "execution": "run-7", "state": "Pick", "input": 7, "all": [1, 3], "cheap": [1]})
    );
}

mod lenient {
    // Forms from AWS samples that AWS runs: a bare word in a filter is a string,
    // and whitespace around a path is trimmed.
    asl_macros::asl!(
        name = "Lenient",
        definition = r#"{
        "StartAt": "Pick",
        "States": {
            "Pick": {
                "Type": "Pass",
                "InputPath": " $.batch",
                "Parameters": {
                    "failed.$": "$.items[?(@.status==FAILED)].id",
                    "pending.$": "States.ArrayLength($.items[?(@.status in [PENDING, in-progress])])",
                    "flagged.$": "$.items[?(@.flag == true)].id",
                    "execution.$": "$$.Execution.Name "
                },
                "ResultPath": "$.picked ",
                "OutputPath": "$.picked",
                "End": true
            }
        }
    }"#
    );
}

#[tokio::test]
async fn bare_filter_words_compare_as_strings_and_paths_are_trimmed() {
    let items = json!([
        {"id": 1, "status": "FAILED", "flag": "true"},
        {"id": 2, "status": "DONE", "flag": true},
        {"id": 3, "status": "FAILED"},
        {"id": 4, "status": "PENDING"},
        {"id": 5, "status": "in-progress"}
    ]);
    let output = lenient::Machine::new(())
        .run_named("run-9", json!({"batch": {"items": items}}))
        .await
        .unwrap();
    assert_eq!(
        output,
        json!({"failed": [1, 3], "pending": 2, "flagged": [2], "execution": "run-9"})
    );
}

#[tokio::test]
async fn a_template_over_a_null_input_fails_as_on_aws() {
    let error = flow::Machine::new(())
        .run(json!({"data": null}))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ExecutionError::runtime(
            "An error occurred while executing the state 'Pick' (entered at the event id #2). Unable to apply Path transformation to null or empty input."
        )
    );
}

#[tokio::test]
async fn a_missing_field_names_the_field_and_the_input() {
    let error = flow::Machine::new(())
        .run(json!({"data": {"list": []}}))
        .await
        .unwrap_err();
    assert_eq!(error.name(), "States.Runtime");
    assert!(
        error.cause_text().ends_with(
            "The JSONPath '$.value' specified for the field 'value.$' could not be found in the input '{\"list\":[]}'"
        ),
        "{error}"
    );
}

#[tokio::test]
async fn an_execution_input_over_256_kib_is_refused() {
    let big = json!({"data": "x".repeat(262_144)});
    let error = flow::Machine::new(()).run(big).await.unwrap_err();
    assert_eq!(error.name(), "States.DataLimitExceeded");
}

mod large {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Grow",
        "States": {
            "Grow": {"Type": "Pass", "Parameters": {"a.$": "$.s", "b.$": "$.s"}, "End": true}
        }
    }"#
    );
}

#[tokio::test]
async fn a_result_over_256_kib_fails_the_state() {
    let error = large::Machine::new(())
        .run(json!({"s": "x".repeat(140_000)}))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ExecutionError::new(
            "States.DataLimitExceeded",
            "The state/task 'Grow' returned a result with a size exceeding the maximum number of bytes service limit."
        )
    );
}

mod waits {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Short",
        "States": {
            "Short": {"Type": "Wait", "Seconds": 30, "Next": "Long"},
            "Long": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "Past"},
            "Past": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "End": true}
        }
    }"#
    );
}

#[tokio::test(start_paused = true)]
async fn waits_run_on_tokio_time() {
    let started = tokio::time::Instant::now();
    let output = waits::Machine::new(())
        .run(json!({"delay": 3600}))
        .await
        .unwrap();
    assert_eq!(output, json!({"delay": 3600}));
    assert_eq!(started.elapsed(), std::time::Duration::from_secs(3630));
    let error = waits::Machine::new(()).run(json!({})).await.unwrap_err();
    assert!(
        error
            .cause_text()
            .ends_with("The SecondsPath parameter does not reference an input value: $.delay"),
        "{error}"
    );
}

mod slow {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Nap",
        "TimeoutSeconds": 60,
        "States": {"Nap": {"Type": "Wait", "SecondsPath": "$.nap", "End": true}}
    }"#
    );
}

#[tokio::test(start_paused = true)]
async fn the_machine_timeout_fails_the_execution_with_states_timeout() {
    let started = tokio::time::Instant::now();
    let error = slow::Machine::new(())
        .run(json!({"nap": 3600}))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ExecutionError::from_parts(Some("States.Timeout".to_owned()), None)
    );
    assert_eq!(started.elapsed(), std::time::Duration::from_secs(60));
    assert!(slow::Machine::new(()).run(json!({"nap": 59})).await.is_ok());
}

mod moved {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Pick",
        "States": {
            "Pick": {"Type": "Pass", "Parameters": {"a.$": "$.a", "b.$": "$.b"}, "Next": "Each"},
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.a",
                "ItemSelector": {"item.$": "$$.Map.Item.Value", "b.$": "$.b"},
                "ItemProcessor": {"StartAt": "Keep", "States": {"Keep": {"Type": "Pass", "End": true}}},
                "End": true
            }
        }
    }"#
    );
}

/// Templates and Maps move values out of inputs nothing reads again; a missing path
/// must still be reported with the input as it was.
#[tokio::test]
async fn moving_values_out_of_an_input_keeps_error_messages_whole() {
    let machine = moved::Machine::new(());
    let output = machine.run(json!({"a": [1, 2], "b": "x"})).await.unwrap();
    assert_eq!(
        output,
        json!([{"item": 1, "b": "x"}, {"item": 2, "b": "x"}])
    );
    let error = machine.run(json!({"a": [1], "c": 3})).await.unwrap_err();
    assert_eq!(
        error.cause_text(),
        "An error occurred while executing the state 'Pick' (entered at the event id #2). \
         The JSONPath '$.b' specified for the field 'b.$' could not be found in the input '{\"a\":[1],\"c\":3}'"
    );
}

mod selected {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.a",
                "ItemSelector": {"item.$": "$$.Map.Item.Value", "b.$": "$.b"},
                "ItemProcessor": {"StartAt": "Keep", "States": {"Keep": {"Type": "Pass", "End": true}}},
                "End": true
            }
        }
    }"#
    );
}

#[tokio::test]
async fn a_map_that_moves_its_items_reports_an_item_selector_miss_with_them() {
    let machine = selected::Machine::new(());
    let error = machine.run(json!({"a": [1, 2]})).await.unwrap_err();
    assert_eq!(
        error.cause_text(),
        "An error occurred while executing the state 'Each' (entered at the event id #2). \
         The JSONPath '$.b' specified for the field 'b.$' could not be found in the input '{\"a\":[1,2]}'"
    );
    // No items: the ItemSelector is never evaluated.
    assert_eq!(machine.run(json!({"a": []})).await, Ok(json!([])));
}

mod settled {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Route",
        "States": {
            "Route": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.kind", "StringEquals": "sum", "Next": "Add"}]
            },
            "Add": {
                "Type": "Pass",
                "Parameters": {"total.$": "States.MathAdd($.a, $.b)"},
                "End": true
            }
        }
    }"#
    );
}

/// What AWS reports, settled with evidence (see `docs/semantics.md`, "Where the
/// language and AWS part"): a Choice with no matching rule and no Default fails with
/// `States.Runtime` (not the spec's `States.NoChoiceMatched`), and an intrinsic given
/// bad arguments fails with `States.Runtime` "Invalid arguments in States.X" (not
/// `States.IntrinsicFailure`).
#[tokio::test]
async fn no_choice_matched_and_bad_intrinsic_arguments_are_states_runtime() {
    let machine = settled::Machine::new(());
    let error = machine.run(json!({"kind": "product"})).await.unwrap_err();
    assert_eq!(
        error,
        ExecutionError::new(
            "States.Runtime",
            "An error occurred while executing the state 'Route' (entered at the event id #2). \
             Failed to transition out of the state. The state does not point to a next state."
        )
    );
    let error = machine
        .run(json!({"kind": "sum", "a": 1, "b": "NOT A NUMBER"}))
        .await
        .unwrap_err();
    assert_eq!(error.name(), "States.Runtime");
    assert!(
        error.cause_text().starts_with(
            "An error occurred while executing the state 'Add' (entered at the event id #4). \
             Invalid arguments in States.MathAdd"
        ),
        "{error}"
    );
    assert_eq!(
        machine.run(json!({"kind": "sum", "a": 1, "b": 2})).await,
        Ok(json!({"total": 3}))
    );
}

/// A Pass with only `ResultPath` places a copy of its input into its input (issue
/// 14: the generated code used the moved input), at the top level, in a Map
/// iteration and a Parallel branch, with OutputPath and nested paths.
mod result_path_only {
    asl_macros::asl!(
        name = "ResultPathOnly",
        definition = r#"{
        "StartAt": "Top",
        "States": {
            "Top": {"Type": "Pass", "ResultPath": "$.r", "Next": "Nested"},
            "Nested": {"Type": "Pass", "ResultPath": "$.x.y", "OutputPath": "$.x", "Next": "Fan"},
            "Fan": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "InBranch", "States": {"InBranch": {"Type": "Pass", "ResultPath": "$.b", "End": true}}},
                    {"StartAt": "Each", "States": {"Each": {
                        "Type": "Map",
                        "ItemsPath": "$.y.list",
                        "ItemProcessor": {"StartAt": "InMap", "States": {"InMap": {"Type": "Pass", "ResultPath": "$.m.n", "OutputPath": "$.m", "End": true}}},
                        "End": true
                    }}}
                ],
                "End": true
            }
        }
    }"#
    );
}

mod result_path_only_top {
    asl_macros::asl!(
        name = "ResultPathOnlyTop",
        definition =
            r#"{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.r","End":true}}}"#
    );
}

#[tokio::test]
async fn a_pass_with_only_result_path_nests_its_input() {
    let output = result_path_only_top::Machine::new(())
        .run(json!({"a": 1}))
        .await
        .unwrap();
    assert_eq!(output, json!({"a": 1, "r": {"a": 1}}));
}

#[tokio::test]
async fn a_pass_with_only_result_path_works_in_branches_iterations_and_nested_paths() {
    let input = json!({"a": 1, "list": [{"k": 1}]});
    let output = result_path_only::Machine::new(())
        .run(input.clone())
        .await
        .unwrap();
    // Top: the input with a copy of itself at `r`; Nested: that under `x.y`, then
    // only `x`.
    let mut top = input.clone();
    top["r"] = input;
    let x = json!({"y": top});
    assert_eq!(
        output,
        json!([
            {"y": top, "b": x},
            [{"n": {"k": 1}}]
        ])
    );
}

mod parameters_then_result {
    asl_macros::asl!(
        name = "ParametersThenResult",
        definition = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":null,"Parameters":{"p.$":"$.a"},"Result":{"r":1},"End":true}}}"#
    );
}

#[tokio::test]
async fn a_pass_with_result_still_runs_its_parameters() {
    // Parameters read `$.a` from `{}` (InputPath null): the state fails although
    // Result would replace their value.
    let error = parameters_then_result::Machine::new(())
        .run(json!({"a": 1}))
        .await
        .unwrap_err();
    assert_eq!(error.name(), "States.Runtime", "{error}");
}
