//! `inspectionData` at the DEBUG and TRACE levels: which of the steps the state
//! recorded AWS shows for its type and query language, each as JSON text; at the
//! TRACE level, an HTTP Task's `request` and `response` too.
//!
//! AWS shows, besides `input` (and `variables` when any are set, and
//! `errorDetails` when a retrier or catcher matched the error):
//!
//! | state | JSONPath | JSONata |
//! |---|---|---|
//! | Pass with `Result` | result, afterResultSelector, afterResultPath | — |
//! | Pass | afterInputPath, afterParameters, afterResultSelector, afterResultPath | — |
//! | Task | afterInputPath, afterParameters, result, afterResultSelector, afterResultPath | afterArguments, result |
//! | Parallel | afterResultSelector, afterResultPath | — |
//! | Map | afterInputPath, afterItemsPath, afterResultSelector, afterResultPath, maxConcurrency, toleratedFailure* | maxConcurrency, toleratedFailure* |
//! | Choice, Wait, Succeed, Fail | afterInputPath | — |
//!
//! A step the state did not reach (it failed before) is left out.

use asl_standalone::worker::protocol::Tested;
use serde_json::{Map, Value, json};

use super::plan::{Plan, StateType};

/// The steps AWS shows for the state of `plan`.
fn shown(plan: &Plan) -> &'static [&'static str] {
    const PASS_RESULT: &[&str] = &["result", "afterResultSelector", "afterResultPath"];
    const PASS: &[&str] = &[
        "afterInputPath",
        "afterParameters",
        "afterResultSelector",
        "afterResultPath",
    ];
    const TASK: &[&str] = &[
        "afterInputPath",
        "afterParameters",
        "result",
        "afterResultSelector",
        "afterResultPath",
    ];
    const PARALLEL: &[&str] = &["afterResultSelector", "afterResultPath"];
    const MAP: &[&str] = &[
        "afterInputPath",
        "afterItemsPath",
        "afterResultSelector",
        "afterResultPath",
    ];
    const INPUT_PATH: &[&str] = &["afterInputPath"];
    const JSONATA_TASK: &[&str] = &["afterArguments", "result"];
    match (plan.jsonata, plan.state_type) {
        (true, StateType::Task) => JSONATA_TASK,
        (true, _) => &[],
        (false, StateType::Pass) if plan.state.contains_key("Result") => PASS_RESULT,
        (false, StateType::Pass) => PASS,
        (false, StateType::Task) => TASK,
        (false, StateType::Parallel) => PARALLEL,
        (false, StateType::Map) => MAP,
        (false, StateType::Choice | StateType::Wait | StateType::Succeed | StateType::Fail) => {
            INPUT_PATH
        }
    }
}

/// The `inspectionData` of a test of the state of `plan` on `input` that went as
/// `tested` says.
pub fn data(plan: &Plan, input: &Value, tested: &Tested, trace: bool) -> Value {
    let mut data = Map::new();
    data.insert("input".into(), input.to_string().into());
    for &member in shown(plan) {
        let recorded = tested.stages.get(member).or_else(|| {
            // A Fail state has no InputPath: its effective input is its input.
            (member == "afterInputPath" && plan.state_type == StateType::Fail && plan.alone)
                .then_some(input)
        });
        if let Some(value) = recorded {
            data.insert(member.into(), value.to_string().into());
        }
    }
    if let Some((max_concurrency, count, percentage)) = tested.map {
        data.insert("maxConcurrency".into(), max_concurrency.into());
        if let Some(count) = count {
            data.insert("toleratedFailureCount".into(), count.into());
        }
        if let Some(percentage) = percentage {
            data.insert("toleratedFailurePercentage".into(), percentage.into());
        }
    }
    if !tested.variables.is_empty() {
        let variables = Value::Object(tested.variables.clone());
        data.insert("variables".into(), variables.to_string().into());
    }
    if let (true, Some((request, response))) = (trace, &tested.http) {
        data.insert("request".into(), request.clone());
        data.insert("response".into(), response.clone());
    }
    let mut details = Map::new();
    if let Some(index) = tested.catch_index {
        details.insert("catchIndex".into(), index.into());
    }
    if let Some(index) = tested.retry_index {
        details.insert("retryIndex".into(), index.into());
    }
    if let Some(seconds) = tested.retry_backoff_seconds {
        details.insert("retryBackoffIntervalSeconds".into(), seconds.into());
    }
    if !details.is_empty() {
        data.insert("errorDetails".into(), Value::Object(details));
    }
    json!(data)
}
