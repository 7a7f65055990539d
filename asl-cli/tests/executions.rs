//! `asl executions`: listing, describing and printing the history of executions in
//! a SQLite store.

use std::time::{Duration, SystemTime};

use asl_engine::history::{Details, EventType, Output, Recorder, Started, Truncated};
use asl_engine::store::{Checkpoint, ExecutionStatus, Identity, Position, Store};
use asl_store_sqlite::SqliteStore;
use assert_cmd::Command;

const ARN: &str = "arn:aws:states:us-east-1:123456789012:execution:Orders:first";

/// A store holding one execution that succeeded.
async fn store_with_one_execution(path: &std::path::Path) {
    let store = SqliteStore::open(path).unwrap();
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut recorder = Recorder::after(0);
    recorder.record_at(
        start,
        EventType::ExecutionStarted,
        Details::ExecutionStarted(Started {
            input: "{}".into(),
            input_details: Truncated::default(),
            role_arn: "arn:aws:iam::123456789012:role/StatesExecutionRole".into(),
        }),
    );
    let position = |seq, status| Position {
        seq,
        status,
        state: (status == ExecutionStatus::Running).then(|| r#"{"Hello":{}}"#.to_owned()),
        variables: None,
        last_event_id: seq + 1,
        entered_event_id: 1,
        entered: start,
        stop: (status != ExecutionStatus::Running).then_some(start + Duration::from_secs(2)),
        output: (status == ExecutionStatus::Succeeded).then(|| "\"done\"".to_owned()),
        error: None,
        cause: None,
        redrive_count: 0,
        redrive_date: None,
    };
    let identity = Identity {
        arn: ARN.into(),
        machine: "Orders".into(),
        name: "first".into(),
        input: "{}".into(),
        start,
    };
    let first = Checkpoint {
        arn: ARN.into(),
        start: Some(identity),
        position: position(0, ExecutionStatus::Running),
        events: recorder.take(),
    };
    store.commit(first).await.unwrap();
    recorder.record_at(
        start,
        EventType::ExecutionSucceeded,
        Details::ExecutionSucceeded(Output {
            output: "\"done\"".into(),
            output_details: Truncated::default(),
        }),
    );
    let end = Checkpoint {
        arn: ARN.into(),
        start: None,
        position: position(1, ExecutionStatus::Succeeded),
        events: recorder.take(),
    };
    store.commit(end).await.unwrap();
}

fn asl(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("asl")
        .unwrap()
        .arg("executions")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test]
async fn lists_shows_and_prints_the_history_of_stored_executions() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("executions.db");
    store_with_one_execution(&db).await;

    let list = asl(&db, &["list"]);
    assert!(list.status.success());
    assert_eq!(
        String::from_utf8(list.stdout).unwrap(),
        "SUCCEEDED  Orders                   first 2023-11-14T22:13:20.000Z\n"
    );

    let show = asl(&db, &["show", "first"]);
    assert!(show.status.success());
    let description: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(
        description,
        serde_json::json!({
            "executionArn": ARN,
            "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Orders",
            "name": "first",
            "status": "SUCCEEDED",
            "startDate": 1_700_000_000.0,
            "stopDate": 1_700_000_002.0,
            "input": "{}",
            "output": "\"done\""
        })
    );

    let history = asl(&db, &["history", ARN]);
    assert!(history.status.success());
    let history: serde_json::Value = serde_json::from_slice(&history.stdout).unwrap();
    let types: Vec<&str> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["ExecutionStarted", "ExecutionSucceeded"]);
    // The first state entered points at no event, as on AWS.
    assert_eq!(history["events"][1]["previousEventId"], 0);

    let missing = asl(&db, &["show", "second"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        String::from_utf8(missing.stderr)
            .unwrap()
            .contains("ExecutionDoesNotExist")
    );

    let no_store = asl(&directory.path().join("none.db"), &["list"]);
    assert_eq!(no_store.status.code(), Some(2));
}

#[tokio::test]
async fn send_task_success_and_failure_answer_a_waiting_callback_task() {
    use base64::Engine as _;
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("executions.db");
    store_with_one_execution(&db).await;
    let waiting = "arn:aws:states:us-east-1:123456789012:execution:Orders:waiting";
    let store = SqliteStore::open(&db).unwrap();
    let start = SystemTime::now();
    store
        .commit(Checkpoint {
            arn: waiting.into(),
            start: Some(Identity {
                arn: waiting.into(),
                machine: "Orders".into(),
                name: "waiting".into(),
                input: "{}".into(),
                start,
            }),
            position: Position::running(0, r#"{"Ask":{}}"#.into(), None, 2, start),
            events: Vec::new(),
        })
        .await
        .unwrap();
    let token_of = |arn: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{arn}/Ask/2/0"))
    };
    let token = token_of(waiting);

    let sent = asl(
        &db,
        &[
            "send-task-success",
            "--token",
            &token,
            "--output",
            r#"{"ok": true}"#,
        ],
    );
    assert!(sent.status.success(), "{sent:?}");
    assert_eq!(
        store.callback(&token).unwrap().as_deref(),
        Some(r#"{"success":{"ok":true}}"#)
    );
    let stderr = |output: std::process::Output| String::from_utf8(output.stderr).unwrap();
    let twice = asl(
        &db,
        &["send-task-success", "--token", &token, "--output", "1"],
    );
    assert_eq!(twice.status.code(), Some(1));
    assert!(stderr(twice).contains("TaskTimedOut"));
    let ended = asl(&db, &["send-task-failure", "--token", &token_of(ARN)]);
    assert!(
        stderr(ended).contains("TaskTimedOut"),
        "the execution ended"
    );
    let unknown = asl(
        &db,
        &[
            "send-task-failure",
            "--token",
            &token_of("arn:aws:states:us-east-1:123456789012:execution:Orders:none"),
            "--error",
            "E",
        ],
    );
    assert!(stderr(unknown).contains("TaskDoesNotExist"));
    let invalid = asl(&db, &["send-task-failure", "--token", "???"]);
    assert!(stderr(invalid).contains("InvalidToken"));
}
