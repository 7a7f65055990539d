use std::sync::Arc;

use serde_json::json;

use super::*;
use asl_runtime::context::Execution;
use asl_runtime::exec::Run;
use asl_runtime::task::{IntegrationPattern, Resource};

static INVOKE: Resource = Resource::integration(
    "arn:aws:states:::lambda:invoke",
    "lambda",
    "invoke",
    IntegrationPattern::RequestResponse,
);
static FUNCTION: Resource =
    Resource::lambda_function("arn:aws:lambda:us-east-1:123456789012:function:charge");

const FILE: &str = r#"{
  "StateMachines": {
    "OrderFlow": {
      "TestCases": {
        "HappyPath": {"ChargeCard": "ChargeOk"},
        "FlakyPayment": {"ChargeCard": "ChargeFlaky"}
      }
    }
  },
  "MockedResponses": {
    "ChargeOk": {"0": {"Return": {"StatusCode": 200, "Payload": {"charged": true}}}},
    "ChargeFlaky": {
      "0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
      "2": {"Return": {"StatusCode": 200, "Payload": {"charged": true}}}
    }
  }
}"#;

fn parse(text: &str) -> Result<MockConfig, MockConfigError> {
    MockConfig::parse(text, Path::new("MockConfigFile.json"))
}

fn problem(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

/// Invokes state `state` of `resource` in execution `execution` through `mocks`.
fn answer(
    mocks: &MockRun,
    execution: &str,
    state: &'static str,
    resource: &'static Resource,
) -> Option<Result<Value, TaskError>> {
    let execution = Arc::new(Execution::new(
        "OrderFlow",
        Some(execution.to_owned()),
        json!({}),
    ));
    let mut run = Run::new(execution);
    run.enter(state);
    mocks.answer(&TaskContext::new(state, resource, &run))
}

#[test]
fn each_invocation_takes_the_next_step_per_execution() {
    let config = parse(FILE).unwrap();
    let mocks = MockRun::new(config.test_case("OrderFlow", "FlakyPayment").unwrap());
    let throttled = TaskError::new("Lambda.TooManyRequestsException", "slow down");
    let charged = json!({"StatusCode": 200, "Payload": {"charged": true}});
    for _ in 0..2 {
        assert_eq!(
            answer(&mocks, "a", "ChargeCard", &INVOKE),
            Some(Err(throttled.clone()))
        );
    }
    assert_eq!(
        answer(&mocks, "a", "ChargeCard", &INVOKE),
        Some(Ok(charged.clone()))
    );
    // Another execution counts from 0 again.
    assert_eq!(
        answer(&mocks, "b", "ChargeCard", &INVOKE),
        Some(Err(throttled))
    );
    // Past the last key, the execution fails.
    let spent = answer(&mocks, "a", "ChargeCard", &INVOKE)
        .unwrap()
        .unwrap_err();
    assert_eq!(spent.error.as_deref(), Some(names::RUNTIME));
    let cause = spent.cause.unwrap_or_default();
    assert!(cause.contains("invocation number '3'"), "{cause}");
    // A state the test case does not name is not mocked.
    assert_eq!(answer(&mocks, "a", "Notify", &INVOKE), None);
}

#[test]
fn a_legacy_lambda_task_takes_the_payload() {
    let config = parse(FILE).unwrap();
    let mocks = MockRun::new(config.test_case("OrderFlow", "HappyPath").unwrap());
    assert_eq!(
        answer(&mocks, "a", "ChargeCard", &FUNCTION),
        Some(Ok(json!({"charged": true})))
    );
}

#[test]
fn an_unknown_test_case_is_named() {
    let config = parse(FILE).unwrap();
    let unknown = config.test_case("OrderFlow", "Missing").unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "Invalid mock test case name 'Missing' for state machine 'OrderFlow'. Either the test \
         case is not defined or the mock configuration file could not be loaded."
    );
    assert!(config.test_case("Other", "HappyPath").is_err());
}

#[test]
fn invalid_files_say_what_is_wrong_and_where() {
    assert!(problem("{").contains("is not JSON"), "{}", problem("{"));
    assert!(problem(r#"{"StateMachines": {}}"#).contains("`MockedResponses` is missing"));
    let gap = r#"{"StateMachines": {}, "MockedResponses": {"R": {"0": {"Return": 1}, "2": {"Return": 2}}}}"#;
    assert!(
        problem(gap).contains("numbered consecutively from 0, but 1 is followed by 2"),
        "{}",
        problem(gap)
    );
    let overlap = r#"{"StateMachines": {}, "MockedResponses": {"R": {"0-1": {"Return": 1}, "1": {"Return": 2}}}}"#;
    assert!(
        problem(overlap).contains("consecutively"),
        "{}",
        problem(overlap)
    );
    let both = r#"{"StateMachines": {}, "MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "e", "Cause": "c"}}}}}"#;
    assert!(problem(both).contains("MockedResponses.R.\"0\" must have exactly one of"));
    let no_cause =
        r#"{"StateMachines": {}, "MockedResponses": {"R": {"0": {"Throw": {"Error": "e"}}}}}"#;
    assert!(
        problem(no_cause).contains("Throw needs `Cause`"),
        "{}",
        problem(no_cause)
    );
    let bad_key = r#"{"StateMachines": {}, "MockedResponses": {"R": {"first": {"Return": 1}}}}"#;
    assert!(problem(bad_key).contains("a key is an invocation number"));
    let dangling =
        r#"{"StateMachines": {"M": {"TestCases": {"T": {"S": "Nope"}}}}, "MockedResponses": {}}"#;
    assert!(
        problem(dangling)
            .contains("StateMachines.M.TestCases.T.S names `Nope`, which MockedResponses lacks"),
        "{}",
        problem(dangling)
    );
}

#[test]
fn return_may_be_any_json_even_null() {
    let text = r#"{"StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": null}, "1": {"Return": "text"}}}}"#;
    let mocks = MockRun::new(parse(text).unwrap().test_case("M", "T").unwrap());
    assert_eq!(answer(&mocks, "a", "S", &INVOKE), Some(Ok(Value::Null)));
    assert_eq!(answer(&mocks, "a", "S", &INVOKE), Some(Ok(json!("text"))));
}
