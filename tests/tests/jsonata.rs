//! JSONata-mode states in generated machines: `$states` (input, result,
//! errorOutput, context), Arguments, Output (and its defaults), Assign, Choice
//! Conditions, Items and ItemSelector, `{% %}` in Wait, Fail and counts, the
//! `States.QueryEvaluationError`s AWS gives, and machines mixing both languages.

use asl_runtime::{TaskContext, TaskError};
use serde_json::{Value, json};

mod order {
    asl_macros::asl!(
        definition = r#"{
        "QueryLanguage": "JSONata",
        "StartAt": "Price",
        "States": {
            "Price": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"sku": "{% $states.input.sku %}", "count": "{% $count($states.input.lines) %}"},
                "Assign": {"price": "{% $states.result.Payload.price %}"},
                "Output": "{% $states.result.Payload %}",
                "TimeoutSeconds": "{% 5 * 2 %}",
                "Catch": [{
                    "ErrorEquals": ["States.ALL"],
                    "Assign": {"failure": "{% $states.errorOutput.Error %}"},
                    "Output": {"failed": "{% $states.errorOutput.Cause %}", "sku": "{% $states.input.sku %}"},
                    "Next": "Failed"
                }],
                "Next": "Route"
            },
            "Route": {
                "Type": "Choice",
                "Choices": [
                    {"Condition": "{% $price > 100 %}", "Output": {"band": "high", "price": "{% $price %}"}, "Next": "Done"}
                ],
                "Default": "Done",
                "Output": {"band": "low"}
            },
            "Done": {"Type": "Succeed"},
            "Failed": {"Type": "Fail", "Error": "{% $failure %}", "Cause": "{% $states.input.failed %}"}
        }
    }"#
    );
}

struct Prices;

impl order::Tasks for Prices {
    async fn price(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        match input["sku"].as_str() {
            Some("lamp") => Ok(json!({"Payload": {"price": 120, "seen": input}})),
            Some("pen") => Ok(json!({"Payload": {"price": 2}})),
            _ => Err(TaskError::new("UnknownSku", "no such product")),
        }
    }
}

#[tokio::test]
async fn a_task_takes_arguments_and_outputs_and_assigns_from_its_result() {
    let machine = order::Machine::new(Prices);
    let output = machine
        .run(json!({"sku": "lamp", "lines": [1, 2, 3]}))
        .await
        .unwrap();
    assert_eq!(output, json!({"band": "high", "price": 120}));
    let output = machine
        .run(json!({"sku": "pen", "lines": []}))
        .await
        .unwrap();
    assert_eq!(output, json!({"band": "low"}));
}

#[tokio::test]
async fn a_catcher_assigns_and_outputs_from_the_error_output() {
    let error = order::Machine::new(Prices)
        .run(json!({"sku": "desk", "lines": []}))
        .await
        .unwrap_err();
    // The Fail state read the catcher's variable and its Output.
    assert_eq!(error.name(), "UnknownSku");
    assert_eq!(error.cause_text(), "no such product");
}

mod items {
    asl_macros::asl!(
        definition = r#"{
        "QueryLanguage": "JSONata",
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "Items": "{% $states.input.skus %}",
                "MaxConcurrency": "{% $count($states.input.skus) %}",
                "ItemSelector": {"sku": "{% $states.context.Map.Item.Value %}", "at": "{% $states.context.Map.Item.Index %}", "store": "{% $states.input.store %}"},
                "ItemProcessor": {
                    "StartAt": "Label",
                    "States": {"Label": {"Type": "Pass", "Output": "{% $states.input.store & '/' & $states.input.sku & '#' & $states.input.at %}", "End": true}}
                },
                "Output": {"labels": "{% $states.result %}"},
                "End": true
            }
        }
    }"#
    );
}

#[tokio::test]
async fn a_map_iterates_items_with_their_context_in_the_item_selector() {
    let output = items::Machine::new(())
        .run(json!({"skus": ["lamp", "desk"], "store": "north"}))
        .await
        .unwrap();
    assert_eq!(output, json!({"labels": ["north/lamp#0", "north/desk#1"]}));
    let error = items::Machine::new(())
        .run(json!({"skus": "lamp", "store": "north"}))
        .await
        .unwrap_err();
    assert_eq!(error.name(), "States.QueryEvaluationError");
    assert!(
        error.cause_text().ends_with(
            "The JSONata expression '$states.input.skus' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'string' for value: \"lamp\""
        ),
        "{error}"
    );
}

mod fork {
    asl_macros::asl!(
        definition = r#"{
        "QueryLanguage": "JSONata",
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Assign": {"rate": 3}, "Next": "Fork"},
            "Fork": {
                "Type": "Parallel",
                "Arguments": {"n": "{% $states.input.n %}"},
                "Branches": [
                    {"StartAt": "Double", "States": {"Double": {"Type": "Pass", "Output": "{% $states.input.n * 2 %}", "End": true}}},
                    {"StartAt": "Rate", "States": {"Rate": {"Type": "Pass", "Output": "{% $states.input.n * $rate %}", "End": true}}}
                ],
                "Output": "{% $sum($states.result) %}",
                "Next": "Pause"
            },
            "Pause": {"Type": "Wait", "Seconds": "{% $states.input %}", "End": true}
        }
    }"#
    );
}

#[tokio::test(start_paused = true)]
async fn parallel_branches_get_the_arguments_and_read_outer_variables() {
    let started = tokio::time::Instant::now();
    let output = fork::Machine::new(()).run(json!({"n": 2})).await.unwrap();
    assert_eq!(output, json!(10));
    assert_eq!(started.elapsed().as_secs(), 10);
}

mod catch_assign {
    // From an AWS sample: the Parallel's catcher (and the Parallel itself) assign
    // `status`, which a branch assigns too; AWS accepts and runs it.
    asl_macros::asl!(
        definition = r#"{
        "QueryLanguage": "JSONata",
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Parallel",
                "Branches": [{
                    "StartAt": "Mark",
                    "States": {
                        "Mark": {"Type": "Pass", "Assign": {"status": "in branch"}, "Next": "Check"},
                        "Check": {
                            "Type": "Choice",
                            "Choices": [{"Condition": "{% $states.input.fail %}", "Next": "Boom"}],
                            "Default": "Fine"
                        },
                        "Boom": {"Type": "Fail", "Error": "Broken", "Cause": "{% $status %}"},
                        "Fine": {"Type": "Succeed"}
                    }
                }],
                "Assign": {"status": "done"},
                "Catch": [{
                    "ErrorEquals": ["States.ALL"],
                    "Assign": {"status": "{% 'failed: ' & $states.errorOutput.Error & ' (' & $states.errorOutput.Cause & ')' %}"},
                    "Next": "Report"
                }],
                "Next": "Report"
            },
            "Report": {"Type": "Pass", "Output": {"status": "{% $status %}"}, "End": true}
        }
    }"#
    );
}

#[tokio::test]
async fn a_parallels_catcher_assigns_a_name_a_branch_assigns_and_it_is_seen_after() {
    let machine = catch_assign::Machine::new(());
    let output = machine.run(json!({"fail": true})).await.unwrap();
    assert_eq!(output, json!({"status": "failed: Broken (in branch)"}));
    let output = machine.run(json!({"fail": false})).await.unwrap();
    assert_eq!(output, json!({"status": "done"}));
}

mod errors {
    asl_macros::asl!(
        definition = r#"{
        "QueryLanguage": "JSONata",
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [{"Condition": "{% $states.input.flag %}", "Next": "Nothing"}],
                "Default": "Nothing"
            },
            "Nothing": {"Type": "Pass", "Output": {"value": "{% $states.input.missing %}"}, "End": true}
        }
    }"#
    );
}

#[tokio::test]
async fn undefined_and_mistyped_results_are_query_evaluation_errors() {
    let machine = errors::Machine::new(());
    let error = machine.run(json!({"flag": "yes"})).await.unwrap_err();
    assert_eq!(error.name(), "States.QueryEvaluationError");
    assert!(
        error.cause_text().contains(
            "The JSONata expression '$states.input.flag' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was 'string'"
        ),
        "{error}"
    );
    let error = machine.run(json!({"flag": false})).await.unwrap_err();
    assert_eq!(
        error.cause_text(),
        "An error occurred while executing the state 'Nothing' (entered at the event id #4). The JSONata expression '$states.input.missing' specified for the field 'Output/value' returned nothing (undefined)."
    );
}

mod mixed {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Path",
        "States": {
            "Path": {"Type": "Pass", "Parameters": {"total.$": "States.MathAdd($.a, $.b)"}, "Assign": {"total.$": "$.total"}, "Next": "Query"},
            "Query": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"total": "{% $total %}", "parts": "{% $partition([1,2,3], 2) %}"}, "Assign": {"seen": "{% $total * 10 %}"}, "Next": "Back"},
            "Back": {"Type": "Pass", "Parameters": {"seen.$": "$seen", "from.$": "$"}, "End": true}
        }
    }"#
    );
}

#[tokio::test]
async fn a_machine_mixes_both_languages_sharing_its_variables() {
    let output = mixed::Machine::new(())
        .run(json!({"a": 1, "b": 2}))
        .await
        .unwrap();
    assert_eq!(
        output,
        json!({"seen": 30, "from": {"total": 3, "parts": [[1, 2], [3]]}})
    );
}

/// Simple expressions, which run as Rust rather than through the engine.
const SIMPLE: [&str; 12] = [
    "$states.input.a + $states.input.b * 2",
    "($states.input.a - $states.input.b) / 4",
    "$states.input.a % 3",
    "-$states.input.nested.x",
    "$states.input.a < $states.input.b",
    "$states.input.name = 'lamp' and $states.input.flag",
    "$states.input.missing > 1 or $states.input.flag",
    "$states.input.name & '-' & $states.input.missing",
    "$states.input.nested.x >= 2.5",
    "$states.input.list",
    "$states.input.nested.list.x",
    "$states.input.a = $states.input.c",
];

mod simple {
    asl_macros::asl!(
        definition = r#"{
        "QueryLanguage": "JSONata",
        "StartAt": "All",
        "States": {
            "All": {
                "Type": "Pass",
                "Output": [
                    "{% $states.input.a + $states.input.b * 2 %}",
                    "{% ($states.input.a - $states.input.b) / 4 %}",
                    "{% $states.input.a % 3 %}",
                    "{% -$states.input.nested.x %}",
                    "{% $states.input.a < $states.input.b %}",
                    "{% $states.input.name = 'lamp' and $states.input.flag %}",
                    "{% $states.input.missing > 1 or $states.input.flag %}",
                    "{% $states.input.name & '-' & $states.input.missing %}",
                    "{% $states.input.nested.x >= 2.5 %}",
                    "{% $states.input.list %}",
                    "{% $states.input.nested.list.x %}",
                    "{% $states.input.a = $states.input.c %}"
                ],
                "End": true
            }
        }
    }"#
    );
}

/// What the engine alone gives for each of [`SIMPLE`].
fn engine(input: &Value) -> Value {
    let states = json!({ "input": input });
    let mut bindings = asl_jsonata::Bindings::default();
    bindings.bind("states", &states);
    SIMPLE
        .iter()
        .map(|text| {
            asl_jsonata::Expression::parse(text)
                .unwrap()
                .evaluate(None, &bindings)
                .unwrap()
                .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn simple_expressions_compiled_to_rust_give_what_the_engine_gives() {
    let machine = simple::Machine::new(());
    for input in [
        json!({"a": 7, "b": 2, "c": 7.0, "name": "lamp", "flag": true, "list": [1, 2],
               "nested": {"x": 2.5, "list": [{"x": 1}, {"x": 2}]}}),
        json!({"a": -1.5, "b": 1e3, "c": "7", "name": "desk", "flag": false, "list": [],
               "nested": {"x": -4, "list": {"x": "only"}}}),
    ] {
        assert_eq!(
            machine.run(input.clone()).await.unwrap(),
            engine(&input),
            "{input}"
        );
    }
}

mod distributed {
    asl_macros::asl!(
        definition = r#"{
        "QueryLanguage": "JSONata",
        "StartAt": "Batches",
        "States": {
            "Batches": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSONL", "MaxItems": "{% $states.input.max %}"},
                    "Arguments": {"Bucket": "data", "Key": "{% $states.input.key %}"}
                },
                "ItemSelector": {"v": "{% $states.context.Map.Item.Value.n * 10 %}"},
                "ItemBatcher": {"MaxItemsPerBatch": "{% 2 %}", "BatchInput": {"tag": "{% $states.input.tag %}"}},
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Sum",
                    "States": {"Sum": {"Type": "Pass", "Output": "{% $states.input.BatchInput.tag & ':' & $string($sum($states.input.Items.v)) %}", "End": true}}
                },
                "End": true
            }
        }
    }"#
    );
}

#[tokio::test]
async fn a_distributed_map_reads_batches_and_selects_items_in_jsonata() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("data")).unwrap();
    std::fs::write(
        root.path().join("data/n.jsonl"),
        "{\"n\": 1}\n{\"n\": 2}\n{\"n\": 3}\n{\"n\": 4}\n",
    )
    .unwrap();
    let options = asl_runtime::RunOptions::default().storage_root(root.path());
    let output = distributed::Machine::new(())
        .run_with(options, json!({"key": "n.jsonl", "max": 3, "tag": "t"}))
        .await
        .unwrap();
    assert_eq!(output, json!(["t:30", "t:30"]));
}

mod shaping_fails {
    asl_macros::asl!(
        definition = r#"{
        "QueryLanguage": "JSONata",
        "StartAt": "Price",
        "States": {
            "Price": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Output": "{% $states.result.Payload.missing %}",
                "Catch": [{
                    "ErrorEquals": ["States.QueryEvaluationError"],
                    "Output": {"price": "{% $states.errorOutput.Error %}", "result": "{% $exists($states.result) %}"},
                    "Next": "Each"
                }],
                "Next": "Each"
            },
            "Each": {
                "Type": "Map",
                "Items": [1, 2],
                "ItemProcessor": {"StartAt": "Same", "States": {"Same": {"Type": "Pass", "End": true}}},
                "Assign": {"first": "{% $states.result[5].x %}"},
                "Catch": [{
                    "ErrorEquals": ["States.ALL"],
                    "Assign": {"seen": "{% $states.errorOutput.Error %}"},
                    "Output": "{% $states.input %}",
                    "Next": "Both"
                }],
                "Next": "Both"
            },
            "Both": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "One", "States": {"One": {"Type": "Pass", "Output": 1, "End": true}}}],
                "Output": "{% $states.result.nothing %}",
                "Catch": [{
                    "ErrorEquals": ["States.QueryEvaluationError"],
                    "Output": {"price": "{% $states.input.price %}", "map": "{% $seen %}", "parallel": "{% $states.errorOutput.Cause %}"},
                    "Next": "Done"
                }],
                "End": true
            },
            "Done": {"Type": "Succeed"}
        }
    }"#
    );
}

struct Priced;

impl shaping_fails::Tasks for Priced {
    async fn price(&self, _: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        Ok(json!({"Payload": {"price": 2}}))
    }
}

/// A JSONata Output or Assign that fails in a Task, Map or Parallel state fails the
/// state, and the state's Catch catches it as AWS does; the catcher does not see
/// the result.
#[tokio::test]
async fn a_failing_output_or_assign_is_caught_by_the_states_catch() {
    let output = shaping_fails::Machine::new(Priced)
        .run(json!({}))
        .await
        .unwrap();
    assert_eq!(
        output,
        json!({
            "price": "States.QueryEvaluationError",
            "map": "States.QueryEvaluationError",
            "parallel": "The JSONata expression '$states.result.nothing' specified for the field 'Output' returned nothing (undefined)."
        })
    );
}

mod seeded {
    asl_macros::asl!(
        definition = r#"{
        "QueryLanguage": "JSONata",
        "StartAt": "First",
        "States": {
            "First": {"Type": "Pass", "Output": {"r": "{% $random() %}", "u": "{% $uuid() %}"}, "Next": "Second"},
            "Second": {"Type": "Pass", "Output": {"first": "{% $states.input %}", "r": "{% $random() %}", "fixed": "{% $random(42) %}"}, "End": true}
        }
    }"#
    );
}

/// `$random()` and `$uuid()` draw from the execution's seed when it has one, so a
/// seeded execution repeats exactly; each evaluation draws anew, and an explicit
/// `$random(seed)` stays AWS's value for that seed.
#[tokio::test]
async fn random_and_uuid_follow_the_executions_seed() {
    use asl_runtime::RunOptions;
    let machine = seeded::Machine::new(());
    let run = |seed: u64| machine.run_with(RunOptions::default().seed(seed), json!({}));
    let once = run(7).await.unwrap();
    assert_eq!(
        run(7).await.unwrap(),
        once,
        "the same seed, the same execution"
    );
    assert_ne!(run(8).await.unwrap(), once, "another seed, other numbers");
    assert_ne!(once["r"], once["first"]["r"], "each evaluation draws anew");
    assert_eq!(once["fixed"], json!(0.7275636800328681));
    let uuid = once["first"]["u"].as_str().unwrap();
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4", "a version 4 UUID: {uuid}");
    // Without a seed, two executions differ.
    assert_ne!(
        machine.run(json!({})).await.unwrap(),
        machine.run(json!({})).await.unwrap()
    );
}

mod whole_states {
    asl_macros::asl!(
        definition = r#"{
        "QueryLanguage": "JSONata",
        "StartAt": "Everything",
        "States": {
            "Everything": {"Type": "Pass", "Output": "{% $states %}", "End": true}
        }
    }"#
    );
}

/// Regression: `$states` read whole holds `context` too, as on AWS (it held only
/// `input` when no expression named `context`).
#[tokio::test]
async fn states_read_whole_holds_the_context_object() {
    let output = whole_states::Machine::new(())
        .run_named("whole", json!({"a": 1}))
        .await
        .unwrap();
    assert_eq!(output["input"], json!({"a": 1}));
    assert_eq!(output["context"]["Execution"]["Name"], "whole");
    assert_eq!(output["context"]["State"]["Name"], "Everything");
}
