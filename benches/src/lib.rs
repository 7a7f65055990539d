//! The bench workflows of `../shared/bench/workflows`, compiled by `build.rs`, and the
//! Task handlers of order_saga: local functions that return their input plus one
//! field named after them, exactly as the hand-written baseline does.

use std::path::PathBuf;

use asl_runtime::{TaskContext, TaskError};
use serde_json::Value;

/// The bench input `../shared/bench/inputs/<name>.json` (`$ASL_SHARED` elsewhere).
pub fn input(name: &str) -> Value {
    let shared = match std::env::var_os("ASL_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    let path = shared.join("bench/inputs").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).expect("bench input is JSON")
}

/// 100 Pass states with Parameters and nested ResultPath.
pub mod pass_chain {
    include!(concat!(env!("OUT_DIR"), "/pass_chain.rs"));
}

/// A Pass + Choice loop of 10,000 laps.
pub mod choice_loop {
    include!(concat!(env!("OUT_DIR"), "/choice_loop.rs"));
}

/// choice_loop in JSONata (`workflows/choice_loop_jsonata.asl.json`).
pub mod choice_loop_jsonata {
    include!(concat!(env!("OUT_DIR"), "/choice_loop_jsonata.rs"));
}

/// An inline Map whose ItemSelector reads `$$.Map.Item`, Pass and Choice inside.
pub mod map_fanout {
    include!(concat!(env!("OUT_DIR"), "/map_fanout.rs"));
}

/// A Parallel of four branches, each a Map.
pub mod parallel_nested {
    include!(concat!(env!("OUT_DIR"), "/parallel_nested.rs"));
}

/// Six Tasks with Retry and Catch and compensation Tasks.
pub mod order_saga {
    include!(concat!(env!("OUT_DIR"), "/order_saga.rs"));
}

/// The order saga's Task handlers.
#[derive(Debug, Clone, Copy, Default)]
pub struct SagaTasks;

/// The input plus `{name: "ok"}`, as the baseline's `local_function`.
fn local_function(name: &str, mut input: Value) -> Result<Value, TaskError> {
    let object = input
        .as_object_mut()
        .ok_or_else(|| TaskError::failed(format!("{name}: input is not an object")))?;
    object.insert(name.to_owned(), Value::from("ok"));
    Ok(input)
}

impl order_saga::Tasks for SagaTasks {
    async fn validate(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        local_function("validate", input)
    }
    async fn reserve(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        local_function("reserve", input)
    }
    async fn pay(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        local_function("pay", input)
    }
    async fn ship(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        local_function("ship", input)
    }
    async fn notify(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        local_function("notify", input)
    }
    async fn record(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        local_function("record", input)
    }
    async fn cancel_shipment(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        local_function("cancel_shipment", input)
    }
    async fn refund_payment(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        local_function("refund_payment", input)
    }
    async fn release_inventory(
        &self,
        input: Value,
        _: TaskContext<'_>,
    ) -> Result<Value, TaskError> {
        local_function("release_inventory", input)
    }
}
