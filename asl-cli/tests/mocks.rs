//! `asl run --mock-config FILE --test-case NAME`: the Task states a test case of an
//! AWS Step Functions Local mock configuration names answer its mocked responses,
//! with the outputs Step Functions Local gives.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

mod common;

use common::asl;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mocks")
        .join(name)
}

/// Runs test case `case` of the order flow; its exit status and output.
fn run(case: &str) -> (i32, Value) {
    let output = asl()
        .arg("run")
        .arg(fixture("order-flow.asl.json"))
        .args(["--input", r#"{"order": "o-7"}"#, "--mock-config"])
        .arg(fixture("MockConfigFile.json"))
        .args(["--test-case", case])
        // No AWS account is reached, whatever the environment of the tests.
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    let stdout: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {output:?}"));
    (output.status.code().unwrap(), stdout)
}

#[test]
fn test_cases_run_with_their_mocked_responses() {
    let notified = json!({"messageId": "00000000-0000-0000-0000-000000000001"});
    assert_eq!(
        run("HappyPath"),
        (
            0,
            json!({"order": "o-7", "payment": {"charged": true}, "notification": notified})
        )
    );
    // Two throttles ("0-1"), each retried, then the charge ("2").
    assert_eq!(
        run("FlakyPayment"),
        (
            0,
            json!({"order": "o-7", "payment": {"charged": true}, "notification": notified})
        )
    );
    // A thrown error is caught as a real one would be.
    assert_eq!(
        run("Declined"),
        (
            0,
            json!({"order": "o-7", "failure": {"Error": "CardDeclined", "Cause": "insufficient funds"}})
        )
    );
}

#[test]
fn a_state_the_test_case_does_not_mock_runs_as_bound() {
    // ChargeCard has neither mock nor binding: reached, it calls Lambda, as Step
    // Functions Local calls the service of a state its test case does not mock;
    // without credentials that fails, and the state's catcher takes the error.
    let (status, output) = run("Unmocked");
    assert_eq!(status, 0, "{output}");
    assert_eq!(output["failure"]["Error"], "Lambda.SdkClientException");
    let cause = output["failure"]["Cause"].as_str().unwrap();
    assert!(
        cause.starts_with("Unable to load AWS credentials from any provider in the chain"),
        "{cause}"
    );
    assert!(cause.contains("Task `ChargeCard`"), "{cause}");
}
