//! State names that are not Rust identifiers (spaces, quotes, dots, non-ASCII
//! letters) in durable executions: the history shows each state's real input and
//! output, and a checkpoint written when the generated `State` enum still used its
//! Rust variant names (`{"AskForApproval": ...}`) resumes.

mod common;

use std::time::SystemTime;

use asl_engine::history::{Details, Entered, EventType, Recorder, Started, Truncated};
use asl_engine::store::{Checkpoint, Identity, Position, Store};
use asl_store_sqlite::SqliteStore;
use common::asl;
use serde_json::{Value, json};

const FLOW: &str = r#"{
  "StartAt": "Ask for approval",
  "States": {
    "Ask for approval": {"Type": "Pass", "Result": "yes", "ResultPath": "$.approved", "Next": "Say \"hi\""},
    "Say \"hi\"": {"Type": "Pass", "Result": "hi", "ResultPath": "$.said", "Next": "v1.2"},
    "v1.2": {"Type": "Pass", "Result": 1.2, "ResultPath": "$.version", "Next": "Überprüfen"},
    "Überprüfen": {"Type": "Pass", "Result": true, "ResultPath": "$.checked", "End": true}
  }
}"#;

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(bytes)))
}

/// `flow.asl.json` (the definition above) in a new directory.
fn flow() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let definition = dir.path().join("flow.asl.json");
    std::fs::write(&definition, FLOW).unwrap();
    (dir, definition)
}

fn run(definition: &std::path::Path, db: &std::path::Path, name: &str) -> Value {
    let run = asl()
        .arg("run")
        .arg(definition)
        .arg("--db")
        .arg(db)
        .args(["--name", name, "--input", r#"{"x":1}"#])
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    json_of(&run.stdout)
}

/// Each state's (name, input, output) in the history of execution `name`, the
/// input and output read as JSON.
fn states_in_history(db: &std::path::Path, name: &str) -> Vec<(String, Value, Value)> {
    let history = asl()
        .args(["executions", "--db"])
        .arg(db)
        .args(["history", name])
        .output()
        .unwrap();
    assert!(history.status.success(), "{history:?}");
    let history = json_of(&history.stdout);
    let events = history["events"].as_array().unwrap();
    let details = |event: &Value, key: &str| event[key].clone();
    let entered: Vec<_> = events
        .iter()
        .map(|event| details(event, "stateEnteredEventDetails"))
        .filter(|details| !details.is_null())
        .collect();
    let exited: Vec<_> = events
        .iter()
        .map(|event| details(event, "stateExitedEventDetails"))
        .filter(|details| !details.is_null())
        .collect();
    assert_eq!(entered.len(), exited.len(), "{history:#}");
    entered
        .iter()
        .zip(&exited)
        .map(|(entered, exited)| {
            assert_eq!(entered["name"], exited["name"]);
            let text = |value: &Value| {
                serde_json::from_str(value.as_str().unwrap())
                    .unwrap_or_else(|error| panic!("{error}: {value} is not JSON text"))
            };
            (
                entered["name"].as_str().unwrap().to_owned(),
                text(&entered["input"]),
                text(&exited["output"]),
            )
        })
        .collect()
}

#[test]
fn the_history_shows_the_real_input_and_output_of_states_with_any_name() {
    let (dir, definition) = flow();
    let db = dir.path().join("runs.db");

    let output = run(&definition, &db, "s1");
    let done = json!({"x": 1, "approved": "yes", "said": "hi", "version": 1.2, "checked": true});
    assert_eq!(output, done);

    let inputs = [
        json!({"x": 1}),
        json!({"x": 1, "approved": "yes"}),
        json!({"x": 1, "approved": "yes", "said": "hi"}),
        json!({"x": 1, "approved": "yes", "said": "hi", "version": 1.2}),
    ];
    let names = ["Ask for approval", "Say \"hi\"", "v1.2", "Überprüfen"];
    let outputs = [&inputs[1..], &[done]].concat();
    let expected: Vec<_> = names
        .iter()
        .zip(inputs)
        .zip(outputs)
        .map(|((name, input), output)| ((*name).to_owned(), input, output))
        .collect();
    assert_eq!(states_in_history(&db, "s1"), expected);
}

#[tokio::test]
async fn a_checkpoint_naming_states_by_their_old_variant_names_resumes() {
    let (dir, definition) = flow();
    let db = dir.path().join("runs.db");
    // What the engine committed on starting `old` before variants carried the
    // definition's names: the state `Say "hi"` as the variant `SayHi`.
    let arn = "arn:aws:states:us-east-1:123456789012:execution:flow:old";
    let start = SystemTime::now();
    let input = json!({"x": 1, "approved": "yes"});
    let mut recorder = Recorder::after(0);
    recorder.record_at(
        start,
        EventType::ExecutionStarted,
        Details::ExecutionStarted(Started {
            input: r#"{"x":1}"#.into(),
            input_details: Truncated::default(),
            role_arn: "arn:aws:iam::123456789012:role/StatesExecutionRole".into(),
        }),
    );
    recorder.record_at(
        start,
        EventType::PassStateEntered,
        Details::StateEntered(Entered {
            name: "Say \"hi\"".into(),
            input: input.to_string(),
            input_details: Truncated::default(),
        }),
    );
    let store = SqliteStore::open(&db).unwrap();
    store
        .commit(Checkpoint {
            arn: arn.into(),
            start: Some(Identity {
                arn: arn.into(),
                machine: "flow".into(),
                name: "old".into(),
                input: r#"{"x":1}"#.into(),
                start,
            }),
            position: Position::running(
                0,
                format!(r#"{{"SayHi":{input}}}"#),
                None,
                recorder.last_id(),
                start,
            ),
            events: recorder.take(),
        })
        .await
        .unwrap();
    drop(store);

    // The same command goes on with the running execution of that name.
    let output = run(&definition, &db, "old");
    assert_eq!(
        output,
        json!({"x": 1, "approved": "yes", "said": "hi", "version": 1.2, "checked": true})
    );
    let names: Vec<_> = states_in_history(&db, "old")
        .into_iter()
        .map(|(name, _, _)| name)
        .collect();
    assert_eq!(names, ["Say \"hi\"", "v1.2", "Überprüfen"]);
}
