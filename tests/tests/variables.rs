//! Workflow variables in JSONPath mode: `Assign` in each state type, the order in
//! which it is evaluated, `$name` in paths, which Assign applies on Catch and on
//! Choice rules, scopes across Parallel branches and Map iterations, and limits.

use asl_runtime::{RunOptions, TaskContext, TaskError};
use serde_json::{Value, json};

mod order {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Assign": {"x": 1, "y": 2, "answer": "old"}, "Next": "Swap"},
            "Swap": {
                "Type": "Pass",
                "Parameters": {"seen.$": "$answer"},
                "Assign": {"x.$": "$y", "y.$": "$x", "answer.$": "$.seen", "fromResult.$": "$"},
                "OutputPath": "$answer",
                "Next": "Show"
            },
            "Show": {
                "Type": "Pass",
                "Parameters": {"x.$": "$x", "y.$": "$y", "answer.$": "$answer", "previous.$": "$", "fromResult.$": "$fromResult"},
                "End": true
            }
        }
    }"#
    );
}

#[tokio::test]
async fn every_assign_value_sees_the_variables_as_they_were_on_entry() {
    let output = order::Machine::new(()).run(json!({})).await.unwrap();
    assert_eq!(
        output,
        json!({
            // A swap works: both values read the entry values.
            "x": 2, "y": 1,
            "answer": "old",
            // OutputPath `$answer` in the assigning state still read the old value.
            "previous": "old",
            // `$` in a Pass state's Assign is its result (the Parameters' output).
            "fromResult": {"seen": "old"}
        })
    );
}

mod outcomes {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Charge",
        "States": {
            "Charge": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "ResultSelector": {"id.$": "$.Payload.id"},
                "Assign": {"raw.$": "$.Payload", "outcome": "charged"},
                "Catch": [{
                    "ErrorEquals": ["Declined"],
                    "ResultPath": "$.error",
                    "Assign": {"outcome": "declined", "reason.$": "$.Cause"},
                    "Next": "Route"
                }],
                "Next": "Route"
            },
            "Route": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$outcome", "StringEquals": "charged", "Assign": {"route": "ship"}, "Next": "Report"}
                ],
                "Assign": {"route": "review"},
                "Default": "Report"
            },
            "Report": {
                "Type": "Pass",
                "Parameters": {"outcome.$": "$outcome", "route.$": "$route", "input.$": "$"},
                "End": true
            }
        }
    }"#
    );
}

struct Charge;

impl outcomes::Tasks for Charge {
    async fn charge(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        match input["card"].as_str() {
            Some("good") => Ok(json!({"Payload": {"id": 7, "amount": 30}})),
            _ => Err(TaskError::new("Declined", "insufficient funds")),
        }
    }
}

#[tokio::test]
async fn a_task_assigns_from_its_raw_result_and_a_catcher_from_the_error_output() {
    let machine = outcomes::Machine::new(Charge);
    let output = machine.run(json!({"card": "good"})).await.unwrap();
    // `$` is the raw result, before ResultSelector; the matching rule's Assign ran.
    assert_eq!(output["outcome"], "charged");
    assert_eq!(output["route"], "ship");
    assert_eq!(output["input"], json!({"id": 7}));

    let output = machine.run(json!({"card": "bad"})).await.unwrap();
    // Only the catcher's Assign ran (no `raw`), and the Default took the state's.
    assert_eq!(output["outcome"], "declined");
    assert_eq!(output["route"], "review");
    assert_eq!(output["input"]["error"]["Error"], "Declined");
}

mod leak {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {"StartAt": "Keep", "States": {"Keep": {"Type": "Pass", "Assign": {"sku.$": "$"}, "End": true}}},
                "Next": "Read"
            },
            "Read": {"Type": "Pass", "Parameters": {"sku.$": "$sku"}, "End": true}
        }
    }"#
    );
}

#[tokio::test]
async fn an_iterations_variables_die_with_it() {
    let error = leak::Machine::new(()).run(json!(["a"])).await.unwrap_err();
    assert_eq!(error.name(), "States.Runtime");
    assert!(error.cause_text().contains("'$sku'"), "{error}");
}

mod scopes {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Assign": {"rate": 2, "skus": ["a", "b"]}, "Next": "Each"},
            "Each": {
                "Type": "Map",
                "ItemsPath": "$skus",
                "MaxConcurrency": 2,
                "ItemProcessor": {
                    "StartAt": "First",
                    "States": {
                        "First": {"Type": "Pass", "Assign": {"sku.$": "$", "seen.$": "$rate"}, "Next": "Then"},
                        "Then": {"Type": "Pass", "Parameters": {"sku.$": "$sku", "rate.$": "$seen"}, "End": true}
                    }
                },
                "ResultPath": "$.priced",
                "Next": "Fork"
            },
            "Fork": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"mine": "a"}, "Next": "A2"}, "A2": {"Type": "Pass", "Parameters": {"mine.$": "$mine", "rate.$": "$rate"}, "End": true}}},
                    {"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"mine": "b"}, "Next": "B2"}, "B2": {"Type": "Pass", "Parameters": {"mine.$": "$mine"}, "End": true}}}
                ],
                "ResultPath": "$.branches",
                "Assign": {"afterFork.$": "$[1].mine"},
                "Next": "Outer"
            },
            "Outer": {"Type": "Pass", "Parameters": {"afterFork.$": "$afterFork", "priced.$": "$.priced", "branches.$": "$.branches"}, "End": true}
        }
    }"#
    );
}

#[tokio::test]
async fn each_iteration_and_branch_has_its_own_variables() {
    let output = scopes::Machine::new(()).run(json!({})).await.unwrap();
    assert_eq!(
        output,
        json!({
            "afterFork": "b",
            "priced": [{"sku": "a", "rate": 2}, {"sku": "b", "rate": 2}],
            "branches": [{"mine": "a", "rate": 2}, {"mine": "b"}]
        })
    );
}

mod distributed {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Assign": {"rate": 2}, "Next": "Each"},
            "Each": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Read",
                    "States": {"Read": {"Type": "Pass", "Parameters": {"rate.$": "$rate"}, "End": true}}
                },
                "End": true
            }
        }
    }"#
    );
}

#[tokio::test]
async fn a_distributed_map_child_cannot_read_outer_variables() {
    let error = distributed::Machine::new(())
        .run_with(RunOptions::default(), json!([1]))
        .await
        .unwrap_err();
    assert_eq!(error.name(), "States.Runtime");
    assert!(error.cause_text().contains("'$rate'"), "{error}");
}

mod paths {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Assign": {"delay": 5, "limit": 10, "error": {"name": "TooMany", "text": "over the limit"}}, "Next": "Pause"},
            "Pause": {"Type": "Wait", "SecondsPath": "$delay", "Assign": {"waited.$": "$.count"}, "Next": "Check"},
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.count", "NumericGreaterThanPath": "$limit", "Next": "Refuse"}],
                "Default": "Done"
            },
            "Done": {"Type": "Succeed", "OutputPath": "$waited"},
            "Refuse": {"Type": "Fail", "ErrorPath": "$error.name", "CausePath": "$error.text"}
        }
    }"#
    );
}

#[tokio::test(start_paused = true)]
async fn variables_feed_wait_choice_fail_and_output_paths() {
    let machine = paths::Machine::new(());
    let started = tokio::time::Instant::now();
    assert_eq!(machine.run(json!({"count": 3})).await.unwrap(), json!(3));
    assert_eq!(started.elapsed().as_secs(), 5);
    let error = machine.run(json!({"count": 11})).await.unwrap_err();
    assert_eq!(error.name(), "TooMany");
    assert_eq!(error.cause_text(), "over the limit");
}

mod limits {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Keep",
        "States": {
            "Keep": {"Type": "Pass", "Assign": {"everything.$": "$", "again.$": "$"}, "End": true}
        }
    }"#
    );
}

#[tokio::test]
async fn assigned_values_over_256_kib_together_fail_with_states_data_limit_exceeded() {
    let machine = limits::Machine::new(());
    assert!(machine.run(json!({"small": 1})).await.is_ok());
    let error = machine
        .run(json!({"big": "x".repeat(150_000)}))
        .await
        .unwrap_err();
    assert_eq!(error.name(), "States.DataLimitExceeded");
    assert!(error.cause_text().contains("combined size"), "{error}");
}
