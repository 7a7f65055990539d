//! A machine of `asl!` whose Tasks a test case of an AWS Step Functions Local mock
//! configuration answers, as a Rust test would run it: Retry consumes the next
//! invocation, Catch sees a thrown error, and each execution counts from the first.

use std::path::Path;

use asl_integrations::mock::{MockConfig, MockRun};
use asl_integrations::{Bindings, Integrations};
use asl_runtime::Dynamic;
use serde_json::json;

mod order {
    asl_macros::asl!(
        name = "OrderFlow",
        definition = r#"{
        "StartAt": "ChargeCard",
        "States": {
            "ChargeCard": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
                "OutputPath": "$.Payload",
                "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 1, "MaxAttempts": 3}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Declined"}],
                "End": true
            },
            "Declined": {"Type": "Pass", "End": true}
        }
    }"#
    );
}

const CONFIG: &str = r#"{
  "StateMachines": {"OrderFlow": {"TestCases": {
    "Flaky": {"ChargeCard": "Flaky"},
    "Declined": {"ChargeCard": "Declined"}
  }}},
  "MockedResponses": {
    "Flaky": {
      "0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
      "2": {"Return": {"StatusCode": 200, "Payload": {"charged": 7}}}
    },
    "Declined": {"0": {"Throw": {"Error": "Card.Declined", "Cause": "no funds"}}}
  }
}"#;

fn machine(case: &str) -> order::Machine<Dynamic<Integrations>> {
    let config = MockConfig::parse(CONFIG, Path::new("MockConfigFile.json")).unwrap();
    let case = config.test_case(order::MACHINE_NAME, case).unwrap();
    order::Machine::new(Dynamic(
        Integrations::new(Bindings::default()).with_mocks(MockRun::new(case)),
    ))
}

#[tokio::test(start_paused = true)]
async fn retries_take_the_next_mocked_invocations() {
    let machine = machine("Flaky");
    let output = machine
        .run_named("first", json!({"order": 1}))
        .await
        .unwrap();
    assert_eq!(output, json!({"charged": 7}));
    // Another execution counts its invocations from 0: two throttles again, retried.
    let output = machine
        .run_named("second", json!({"order": 2}))
        .await
        .unwrap();
    assert_eq!(output, json!({"charged": 7}));
}

#[tokio::test]
async fn a_thrown_error_is_caught() {
    let output = machine("Declined").run(json!({"order": 1})).await.unwrap();
    assert_eq!(
        output,
        json!({"Error": "Card.Declined", "Cause": "no funds"})
    );
}
