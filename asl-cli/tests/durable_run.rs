//! `asl run --db`: a durable execution in a SQLite file, which `asl executions`
//! shows, and `asl run --db --redrive` goes on with after a failure.

mod common;

use common::asl;
use serde_json::{Value, json};

/// A Pass state, then a Task bound to a command that is declined until the file
/// `$APPROVED` exists.
const ORDER: &str = r#"{
  "StartAt": "Price",
  "States": {
    "Price": {"Type": "Pass", "Parameters": {"order.$": "$.order", "amount": 25}, "Next": "Charge"},
    "Charge": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge",
      "ResultPath": "$.charge",
      "End": true
    }
  }
}"#;

const CHARGE: &str = r#"
if [ -f "$APPROVED" ]; then echo '{"paid": true}'; exit 0; fi
echo '{"error": "Declined", "cause": "the card was declined"}'
exit 1
"#;

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(bytes)))
}

#[test]
fn a_durable_run_is_stored_shown_and_redriven_after_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let definition = dir.path().join("order.asl.json");
    std::fs::write(&definition, ORDER).unwrap();
    let approved = dir.path().join("approved");
    let bindings = dir.path().join("bindings.toml");
    std::fs::write(
        &bindings,
        format!(
            "[states.Charge]\ncommand = {CHARGE:?}\nenv = {{ APPROVED = {:?} }}\n",
            approved.display().to_string()
        ),
    )
    .unwrap();
    let db = dir.path().join("runs.db");
    let run = |extra: &[&str]| {
        asl()
            .arg("run")
            .arg(&definition)
            .arg("--bindings")
            .arg(&bindings)
            .arg("--db")
            .arg(&db)
            .args(["--name", "order-1"])
            .args(extra)
            .output()
            .unwrap()
    };

    let failed = run(&["--input", r#"{"order": 1}"#]);
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
    assert_eq!(
        json_of(&failed.stdout),
        json!({"error": "Declined", "cause": "the card was declined"})
    );
    let show = asl()
        .args(["executions", "--db"])
        .arg(&db)
        .args(["show", "order-1"])
        .output()
        .unwrap();
    assert!(show.status.success(), "{show:?}");
    assert_eq!(json_of(&show.stdout)["status"], "FAILED");

    // The same name again is refused, as StartExecution refuses it.
    let again = run(&["--input", r#"{"order": 1}"#]);
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already exists"),
        "{again:?}"
    );

    std::fs::write(&approved, "").unwrap();
    let redriven = run(&["--redrive"]);
    assert_eq!(redriven.status.code(), Some(0), "{redriven:?}");
    assert_eq!(
        json_of(&redriven.stdout),
        json!({"order": 1, "amount": 25, "charge": {"paid": true}})
    );
    let history = asl()
        .args(["executions", "--db"])
        .arg(&db)
        .args(["history", "order-1"])
        .output()
        .unwrap();
    assert!(history.status.success(), "{history:?}");
    let events = json_of(&history.stdout);
    let kinds: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "ExecutionFailed",
            "ExecutionRedriven",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ],
        "the Pass state is not run again"
    );
}

#[test]
fn a_binary_built_without_the_store_refuses_db() {
    let dir = tempfile::tempdir().unwrap();
    let definition = dir.path().join("pass.asl.json");
    std::fs::write(
        &definition,
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#,
    )
    .unwrap();
    let binary = dir.path().join("pass");
    let built = asl()
        .arg("build")
        .arg(&definition)
        .arg("-o")
        .arg(&binary)
        .output()
        .unwrap();
    assert!(built.status.success(), "{built:?}");
    let output = std::process::Command::new(&binary)
        .arg("--db")
        .arg(dir.path().join("runs.db"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("asl run --db"),
        "{output:?}"
    );
}
