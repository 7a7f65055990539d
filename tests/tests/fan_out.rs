//! Parallel and Map states in generated machines, with Rust handlers inside the
//! branches and iterations, on paused tokio time: ordering, concurrency limits,
//! cancellation of siblings, tolerated failures, Retry and Catch around and inside
//! them, and nesting.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use asl_runtime::{ExecutionError, TaskContext, TaskError};
use serde_json::{Value, json};
use tokio::time::{Instant, sleep};

/// Handlers that take `input.seconds` seconds, fail when `input.fail` names an
/// error, and record what ran.
#[derive(Default)]
struct Work {
    running: AtomicUsize,
    peak: AtomicUsize,
    /// (state, input) of every call that finished.
    finished: Mutex<Vec<(&'static str, Value)>>,
    /// How many calls were dropped before finishing.
    cancelled: AtomicUsize,
}

/// Counts a call as cancelled unless it is disarmed.
struct Cancelled<'a>(Option<&'a AtomicUsize>);

impl Drop for Cancelled<'_> {
    fn drop(&mut self) {
        if let Some(count) = self.0 {
            count.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Work {
    async fn work(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        let mut guard = Cancelled(Some(&self.cancelled));
        let seconds = input["seconds"].as_u64().unwrap_or(0);
        sleep(Duration::from_secs(seconds)).await;
        guard.0 = None;
        self.running.fetch_sub(1, Ordering::SeqCst);
        if let Some(error) = input["fail"].as_str() {
            return Err(TaskError::new(
                error,
                format!("{} failed", task.state_name()),
            ));
        }
        self.finished
            .lock()
            .unwrap()
            .push((task.state_name(), input.clone()));
        Ok(json!({"done": task.state_name(), "input": input}))
    }

    fn finished(&self) -> Vec<&'static str> {
        self.finished
            .lock()
            .unwrap()
            .iter()
            .map(|(s, _)| *s)
            .collect()
    }
}

mod fork {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Fork",
        "States": {
            "Fork": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Left", "States": {"Left": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:left", "InputPath": "$.left", "End": true}}},
                    {"StartAt": "Right", "States": {"Right": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:right", "InputPath": "$.right", "End": true}}}
                ],
                "ResultSelector": {"left.$": "$[0].input", "right.$": "$[1].input"},
                "ResultPath": "$.results",
                "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 3, "MaxAttempts": 1}],
                "Catch": [{"ErrorEquals": ["Broken"], "ResultPath": "$.error", "Next": "Recover"}],
                "End": true
            },
            "Recover": {"Type": "Pass", "End": true}
        }
    }"#
    );
}

impl fork::Tasks for Work {
    async fn left(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        self.work(input, task).await
    }

    async fn right(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        self.work(input, task).await
    }
}

#[tokio::test(start_paused = true)]
async fn branches_run_at_once_and_give_their_outputs_in_order() {
    let machine = fork::Machine::new(Work::default());
    let started = Instant::now();
    let input = json!({"left": {"seconds": 5}, "right": {"seconds": 2}});
    let output = machine.run(input).await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    assert_eq!(machine.tasks().peak.load(Ordering::SeqCst), 2);
    assert_eq!(machine.tasks().finished(), ["Right", "Left"]);
    assert_eq!(
        output["results"],
        json!({"left": {"seconds": 5}, "right": {"seconds": 2}})
    );
}

#[tokio::test(start_paused = true)]
async fn a_failing_branch_cancels_the_other_and_is_caught_with_its_own_error() {
    let machine = fork::Machine::new(Work::default());
    let started = Instant::now();
    let input = json!({"left": {"seconds": 60}, "right": {"seconds": 1, "fail": "Broken"}});
    let output = machine.run(input).await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(1));
    assert_eq!(machine.tasks().cancelled.load(Ordering::SeqCst), 1);
    assert_eq!(
        output["error"],
        json!({"Error": "Broken", "Cause": "Right failed"})
    );
}

#[tokio::test(start_paused = true)]
async fn retry_runs_every_branch_again() {
    let machine = fork::Machine::new(Work::default());
    let started = Instant::now();
    let input = json!({"left": {"seconds": 4}, "right": {"seconds": 1, "fail": "Flaky"}});
    let error = machine.run(input).await.unwrap_err();
    // 1 s to the failure, 3 s of backoff, 1 s to the second failure.
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    assert_eq!(machine.tasks().cancelled.load(Ordering::SeqCst), 2);
    assert_eq!(error, ExecutionError::new("Flaky", "Right failed"));
}

mod each {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrencyPath": "$.limit",
                "ItemSelector": {"index.$": "$$.Map.Item.Index", "seconds.$": "$$.Map.Item.Value.seconds", "fail.$": "$$.Map.Item.Value.fail", "batch.$": "$.batch"},
                "ItemProcessor": {
                    "StartAt": "Item",
                    "States": {
                        "Item": {
                            "Type": "Task",
                            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:item",
                            "Catch": [{"ErrorEquals": ["Skippable"], "ResultPath": "$.skipped", "Next": "Skipped"}],
                            "End": true
                        },
                        "Skipped": {"Type": "Pass", "Parameters": {"skipped.$": "$.index"}, "End": true}
                    }
                },
                "ToleratedFailureCountPath": "$.tolerated",
                "End": true
            }
        }
    }"#
    );
}

impl each::Tasks for Work {
    async fn item(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        self.work(input, task)
            .await
            .map(|output| output["input"]["index"].clone())
    }
}

fn items(seconds: &[u64]) -> Vec<Value> {
    seconds
        .iter()
        .map(|s| json!({"seconds": s, "fail": null}))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn iterations_stay_within_max_concurrency_and_keep_item_order() {
    let machine = each::Machine::new(Work::default());
    let started = Instant::now();
    let input =
        json!({"items": items(&[4, 1, 1, 1, 1, 4]), "limit": 2, "tolerated": 0, "batch": "b"});
    let output = machine.run(input).await.unwrap();
    assert_eq!(output, json!([0, 1, 2, 3, 4, 5]));
    assert_eq!(machine.tasks().peak.load(Ordering::SeqCst), 2);
    // Lane 1: 4 s, then 4 s for the last item; lane 2: the four 1 s items.
    assert_eq!(started.elapsed(), Duration::from_secs(8));
    let first = machine.tasks().finished.lock().unwrap()[0].1.clone();
    assert_eq!(
        first,
        json!({"index": 1, "seconds": 1, "fail": null, "batch": "b"})
    );
}

#[tokio::test(start_paused = true)]
async fn a_catch_inside_an_iteration_keeps_the_map_going() {
    let machine = each::Machine::new(Work::default());
    let mut list = items(&[1, 1, 1]);
    list[1]["fail"] = json!("Skippable");
    let input = json!({"items": list, "limit": 0, "tolerated": 0, "batch": null});
    let output = machine.run(input).await.unwrap();
    assert_eq!(output, json!([0, {"skipped": 1}, 2]));
}

#[tokio::test(start_paused = true)]
async fn failures_within_the_tolerated_count_leave_their_error_output() {
    let machine = each::Machine::new(Work::default());
    let mut list = items(&[1, 2, 3]);
    list[0]["fail"] = json!("Fatal");
    let input = json!({"items": list, "limit": 0, "tolerated": 1, "batch": null});
    let output = machine.run(input).await.unwrap();
    assert_eq!(
        output,
        json!([{"Error": "Fatal", "Cause": "Item failed"}, 1, 2])
    );
    let mut list = items(&[1, 2, 3]);
    list[0]["fail"] = json!("Fatal");
    list[1]["fail"] = json!("Fatal");
    let machine = each::Machine::new(Work::default());
    let input = json!({"items": list, "limit": 0, "tolerated": 1, "batch": null});
    let error = machine.run(input).await.unwrap_err();
    assert_eq!(error.name(), "States.ExceedToleratedFailureThreshold");
    assert_eq!(machine.tasks().cancelled.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_tolerated_count_of_zero_fails_at_the_first_failure_and_cancels_the_rest() {
    let machine = each::Machine::new(Work::default());
    let mut list = items(&[5, 1, 5]);
    list[1]["fail"] = json!("Fatal");
    let input = json!({"items": list, "limit": 0, "tolerated": 0, "batch": null});
    let started = Instant::now();
    let error = machine.run(input).await.unwrap_err();
    assert_eq!(error.name(), "States.ExceedToleratedFailureThreshold");
    assert_eq!(started.elapsed(), Duration::from_secs(1));
    assert_eq!(machine.tasks().cancelled.load(Ordering::SeqCst), 2);
}

mod nested {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Rows",
        "States": {
            "Rows": {
                "Type": "Map",
                "ItemsPath": "$.rows",
                "ItemProcessor": {
                    "StartAt": "Cells",
                    "States": {
                        "Cells": {
                            "Type": "Map",
                            "ItemsPath": "$.cells",
                            "ItemProcessor": {
                                "StartAt": "Both",
                                "States": {
                                    "Both": {
                                        "Type": "Parallel",
                                        "Branches": [
                                            {"StartAt": "Double", "States": {"Double": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:double", "End": true}}},
                                            {"StartAt": "Same", "States": {"Same": {"Type": "Pass", "End": true}}}
                                        ],
                                        "End": true
                                    }
                                }
                            },
                            "End": true
                        }
                    }
                },
                "End": true
            }
        }
    }"#
    );
}

struct Double;

impl nested::Tasks for Double {
    async fn double(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        Ok(json!(input.as_i64().unwrap_or(0) * 2))
    }
}

#[tokio::test(start_paused = true)]
async fn maps_nest_in_maps_and_parallels_in_maps() {
    let output = nested::Machine::new(Double)
        .run(json!({"rows": [{"cells": [1, 2]}, {"cells": [3]}]}))
        .await
        .unwrap();
    assert_eq!(output, json!([[[2, 1], [4, 2]], [[6, 3]]]));
    // Without tolerance, an iteration's error is the Map's (and the execution's). It
    // names the state inside the iteration that failed, as AWS does, and the id its
    // StateEntered event has when the iteration runs alone: Rows is entered at #2,
    // then MapStateStarted #3, MapIterationStarted #4, Cells entered #5.
    let error = nested::Machine::new(Double)
        .run(json!({"rows": [{"cells": "not an array"}]}))
        .await
        .unwrap_err();
    assert_eq!(error.name(), "States.Runtime");
    assert_eq!(
        error.cause_text(),
        "An error occurred while executing the state 'Cells' (entered at the event id #5). \
         The ItemsPath field refers to value \"not an array\" which is not a valid array: $.cells"
    );
    assert_eq!(
        nested::TASKS,
        [(
            "Double",
            "arn:aws:lambda:us-east-1:123456789012:function:double"
        )]
    );
}

mod members {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.prices",
                "ItemSelector": {"sku.$": "$$.Map.Item.Key", "price.$": "$$.Map.Item.Value", "at.$": "$$.Map.Item.Index"},
                "ItemProcessor": {"StartAt": "Keep", "States": {"Keep": {"Type": "Pass", "End": true}}},
                "End": true
            }
        }
    }"#
    );
}

#[tokio::test]
async fn a_map_over_an_object_iterates_its_members_with_their_keys() {
    let machine = members::Machine::new(());
    let output = machine
        .run(json!({"prices": {"lamp": 45, "desk": 180}}))
        .await
        .unwrap();
    assert_eq!(
        output,
        json!([{"sku": "lamp", "price": 45, "at": 0}, {"sku": "desk", "price": 180, "at": 1}])
    );
    // Array items have no key: the path misses.
    let error = machine.run(json!({"prices": [45]})).await.unwrap_err();
    assert_eq!(error.name(), "States.Runtime");
    assert!(
        error.cause_text().contains(
            "The JSONPath '$$.Map.Item.Key' specified for the field 'sku.$' could not be found"
        ),
        "{error}"
    );
}

mod projected {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Fork",
        "States": {
            "Fork": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Lamps", "States": {"Lamps": {"Type": "Map", "ItemsPath": "$.stock.lamps", "ItemProcessor": {"StartAt": "L", "States": {"L": {"Type": "Pass", "End": true}}}, "End": true}}},
                    {"StartAt": "Desks", "States": {"Desks": {"Type": "Map", "ItemsPath": "$.stock.desks", "ItemProcessor": {"StartAt": "D", "States": {"D": {"Type": "Pass", "End": true}}}, "End": true}}},
                    {"StartAt": "Whole", "States": {"Whole": {"Type": "Pass", "End": true}}}
                ],
                "ResultPath": "$.counted",
                "End": true
            }
        }
    }"#
    );
}

/// Branches that start with a Map over a member of the input get only that member
/// (a copy saved); what they compute, and how they fail, is as with the whole input.
#[tokio::test]
async fn branches_reading_one_member_behave_as_with_the_whole_input() {
    let machine = projected::Machine::new(());
    let input = json!({"stock": {"lamps": [1, 2], "desks": [3]}, "store": "north"});
    let output = machine.run(input.clone()).await.unwrap();
    assert_eq!(output["counted"], json!([[1, 2], [3], input]));
    assert_eq!(output["store"], "north");
    // A missing member: the error shows the input whole, as AWS does.
    let error = machine
        .run(json!({"stock": {"lamps": [1]}, "store": "south"}))
        .await
        .unwrap_err();
    assert_eq!(error.name(), "States.ReferencePathConflict", "{error}");
    assert!(
        error.cause_text()
            == r#"Unable to apply step "desks" to input {"stock":{"lamps":[1]},"store":"south"}"#,
        "{error}"
    );
}

mod located {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "First", "States": {
                        "First": {"Type": "Pass", "Next": "Pick"},
                        "Pick": {"Type": "Pass", "InputPath": "$.missing", "End": true}
                    }}
                ],
                "Catch": [{"ErrorEquals": ["States.Runtime"], "Next": "Caught"}],
                "End": true
            },
            "Caught": {"Type": "Pass", "End": true}
        }
    }"#
    );
}

/// A States.Runtime raised inside a Parallel branch names the state in the branch
/// that failed, as AWS does, both in the error a Catch hands on and in an
/// execution's failure: Both is entered at #2, ParallelStateStarted #3, First #4,
/// Pick #6 (after First's StateExited).
#[tokio::test]
async fn a_runtime_error_in_a_branch_names_the_state_that_failed() {
    let output = located::Machine::new(()).run(json!({})).await.unwrap();
    assert_eq!(
        output,
        json!({
            "Error": "States.Runtime",
            "Cause": "An error occurred while executing the state 'Pick' (entered at the event id #6). \
                      Invalid path '$.missing' : No results for path: $['missing']"
        })
    );
}

mod at_once {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ToleratedFailureCountPath": "$.tolerated",
                "ItemProcessor": {
                    "StartAt": "Check",
                    "States": {
                        "Check": {
                            "Type": "Choice",
                            "Choices": [{"Variable": "$.fail", "IsPresent": true, "Next": "Broken"}],
                            "Default": "Keep"
                        },
                        "Keep": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "End": true},
                        "Broken": {"Type": "Fail", "ErrorPath": "$.fail", "Cause": "broken item"}
                    }
                },
                "End": true
            }
        }
    }"#
    );
}

/// A Map whose iterations never wait (Pass, Choice, Fail) runs them at once, one after
/// the other: outputs in item order, a tolerated failure's error output in its place,
/// and the failures counted as concurrent iterations count them.
#[tokio::test]
async fn iterations_that_never_wait_end_as_concurrent_ones_would() {
    let machine = at_once::Machine::new(());
    let items = json!([{"n": 1}, {"n": 2, "fail": "Bad"}, {"n": 3}]);
    let output = machine
        .run(json!({"items": items, "tolerated": 1}))
        .await
        .unwrap();
    assert_eq!(
        output,
        json!([{"n": 1}, {"Error": "Bad", "Cause": "broken item"}, {"n": 3}])
    );
    let items = json!([{"n": 1, "fail": "First"}, {"n": 2, "fail": "Second"}]);
    let error = machine
        .run(json!({"items": items, "tolerated": 1}))
        .await
        .unwrap_err();
    assert_eq!(error.name(), "States.ExceedToleratedFailureThreshold");
    // A tolerated count of 0 fails at the first failure.
    let error = machine
        .run(json!({"items": items, "tolerated": 0}))
        .await
        .unwrap_err();
    assert_eq!(error.name(), "States.ExceedToleratedFailureThreshold");
    // Every transition counts: the Map, two per item, no Succeed after it.
    let (output, transitions) = asl_runtime::exec::run_counting(
        &machine,
        asl_runtime::RunOptions::default(),
        json!({"items": [{"n": 1}, {"n": 2}], "tolerated": 0}),
    )
    .await;
    assert_eq!(output.unwrap(), json!([{"n": 1}, {"n": 2}]));
    assert_eq!(transitions, 1 + 2 * 2);
}
