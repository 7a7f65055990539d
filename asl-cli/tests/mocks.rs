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
    // ChargeCard has neither mock nor binding: reached, it fails the execution
    // (`States.Runtime`, which no catcher catches), naming how to bind it.
    let (status, failed) = run("Unmocked");
    assert_eq!(status, 1);
    assert_eq!(failed["error"], "States.Runtime");
    let cause = failed["cause"].as_str().unwrap();
    assert!(cause.contains("Task state `ChargeCard`"), "{cause}");
}
