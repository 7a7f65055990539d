//! Generated code reaches the runtime through `runtime_path`: here a module that
//! re-exports it, as a crate wrapping asl-runtime would. Its `State` enum names each
//! state as the definition does, and reads the variant names checkpoints held before.

mod my_runtime {
    pub use asl_runtime::*;
}

mod flow {
    asl_macros::asl!(runtime_path = "crate::my_runtime", definition = r#"{
        "StartAt": "Ask for approval",
        "States": {
            "Ask for approval": {"Type": "Pass", "Next": "Say \"hi\""},
            "Say \"hi\"": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "v1.2", "States": {"v1.2": {"Type": "Pass", "End": true}}},
                    {"StartAt": "Später", "States": {"Später": {"Type": "Wait", "Timestamp": "2000-01-01T00:00:00Z", "End": true}}}
                ],
                "Next": "Überprüfen"
            },
            "Überprüfen": {
                "Type": "Map",
                "ItemsPath": "$[0].items",
                "ItemSelector": {"index.$": "$$.Map.Item.Index"},
                "ItemProcessor": {
                    "StartAt": "Item",
                    "States": {"Item": {"Type": "Pass", "End": true}}
                },
                "End": true
            }
        }
    }"#);
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    use serde_json::json;

    let output = flow::Machine::new(())
        .run(json!({"items": ["a", "b"]}))
        .await
        .unwrap();
    assert_eq!(output, json!([{"index": 0}, {"index": 1}]));

    let state = flow::State::SayHi(json!({"x": 1}));
    let written = serde_json::to_string(&state).unwrap();
    assert_eq!(written, r#"{"Say \"hi\"":{"x":1}}"#);
    assert_eq!(serde_json::from_str::<flow::State>(&written).unwrap(), state);
    let before: flow::State = serde_json::from_str(r#"{"SayHi":{"x":1}}"#).unwrap();
    assert_eq!(before, state);
    for (state, name) in [
        (flow::State::AskForApproval(json!(1)), "Ask for approval"),
        (flow::State::BerprFen(json!(1)), "Überprüfen"),
    ] {
        assert_eq!(serde_json::to_value(&state).unwrap(), json!({name: 1}));
    }
}
