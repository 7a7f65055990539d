//! Generated code reaches the runtime through `runtime_path`: here a module that
//! re-exports it, as a crate wrapping asl-runtime would.

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
}
