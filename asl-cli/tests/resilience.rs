//! `asl run` with command bindings honours Retry, Catch and TimeoutSeconds, as the
//! generated code does for Rust handlers: these run in real time, kept short.

use std::path::Path;
use std::time::{Duration, Instant};

mod common;

use common::asl;

/// A Task bound to a command that fails with `Gateway.Timeout` on its first
/// `FAILURES` attempts (it reads `$ASL_RETRY_COUNT`), retried twice a second apart,
/// then caught.
const FLAKY: &str = r#"{
  "StartAt": "Charge",
  "States": {
    "Charge": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge",
      "ResultPath": "$.charge",
      "Retry": [
        {"ErrorEquals": ["Gateway.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 1}
      ],
      "Catch": [
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Review"}
      ],
      "End": true
    },
    "Review": {"Type": "Pass", "End": true}
  }
}"#;

const FLAKY_COMMAND: &str = r#"
if [ "$ASL_RETRY_COUNT" -lt "$FAILURES" ]; then
  echo "{\"error\": \"Gateway.Timeout\", \"cause\": \"attempt $ASL_RETRY_COUNT\"}"
  exit 1
fi
echo "{\"attempt\": $ASL_RETRY_COUNT}"
"#;

/// Writes `definition` and a bindings file binding `Charge` to `command` (with
/// `env`) into `dir`, and runs them.
fn run(dir: &Path, definition: &str, command: &str, env: &str) -> (std::process::Output, Duration) {
    let definition_file = dir.join("machine.asl.json");
    std::fs::write(&definition_file, definition).unwrap();
    let bindings = dir.join("bindings.toml");
    std::fs::write(
        &bindings,
        format!("[states.Charge]\ncommand = {command:?}\nenv = {{ {env} }}\n"),
    )
    .unwrap();
    // Compile first, so that the timing below is the execution's alone.
    let compiled = asl()
        .arg("build")
        .arg(&definition_file)
        .arg("-o")
        .arg(dir.join("machine"))
        .output()
        .unwrap();
    assert!(compiled.status.success(), "{compiled:?}");
    let started = Instant::now();
    let output = asl()
        .arg("run")
        .arg(&definition_file)
        .args(["--input", r#"{"order": 7}"#, "--bindings"])
        .arg(&bindings)
        .output()
        .unwrap();
    (output, started.elapsed())
}

fn stdout(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| panic!("{error}: {output:?}"))
}

#[test]
fn a_failing_command_is_retried_with_its_retry_count() {
    let dir = tempfile::tempdir().unwrap();
    let (output, took) = run(dir.path(), FLAKY, FLAKY_COMMAND, r#"FAILURES = "2""#);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        stdout(&output),
        serde_json::json!({"order": 7, "charge": {"attempt": 2}})
    );
    assert!(
        took >= Duration::from_secs(2),
        "two 1 s retries, took {took:?}"
    );
}

#[test]
fn a_command_out_of_retries_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (output, _) = run(dir.path(), FLAKY, FLAKY_COMMAND, r#"FAILURES = "9""#);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        stdout(&output),
        serde_json::json!({
            "order": 7,
            "failure": {"Error": "Gateway.Timeout", "Cause": "attempt 2"}
        })
    );
}

#[test]
fn a_hung_command_is_killed_at_the_timeout_and_the_timeout_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let definition = FLAKY.replace(
        r#""ResultPath": "$.charge","#,
        r#""ResultPath": "$.charge", "TimeoutSeconds": 1,"#,
    );
    let pid_file = dir.path().join("sleep.pid");
    let command = format!("sleep 60 & echo $! > '{}'; wait", pid_file.display());
    let (output, took) = run(dir.path(), &definition, &command, "");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        stdout(&output),
        serde_json::json!({"order": 7, "failure": {"Error": "States.Timeout", "Cause": ""}})
    );
    // States.Timeout is not retried here: one attempt of 1 s, not the command's 60 s.
    assert!(took < Duration::from_secs(15), "took {took:?}");
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let ended = || {
        // Gone, or a zombie its new parent has yet to reap.
        std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
            .map_or(true, |stat| stat.contains(") Z"))
    };
    let gone = (0..50).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        ended()
    });
    assert!(gone, "the command's child {pid} outlived its Task");
}
