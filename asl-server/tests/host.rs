//! The host: definitions compiled into worker processes that run executions durably
//! on the server's store, and answer callbacks and activity workers.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use asl_build::Cache;
use asl_engine::Control;
use asl_engine::store::{ExecutionRecord, ExecutionStatus};
use asl_runtime::arn::Account;
use asl_server::host::{Host, HostConfig, HostError};
use asl_standalone::worker::protocol::Ended;
use asl_store_sqlite::SqliteStore;
use serde_json::{Value, json};

const ACTIVITY: &str = "arn:aws:states:us-east-1:123456789012:activity:review";

/// A host on the store in `dir`, compiling into the cache the CLI tests share.
fn host(dir: &Path) -> (Host, Arc<Control>) {
    let store = SqliteStore::open(dir.join("executions.db")).unwrap();
    let control = Arc::new(Control::new(Arc::new(store)));
    let config = HostConfig {
        data_dir: dir.to_owned(),
        db: dir.join("executions.db"),
        cache: Cache::new(concat!(env!("CARGO_TARGET_TMPDIR"), "/asl-cache")),
        bindings: None,
        account: Arc::new(Account::default()),
    };
    (Host::new(config, Arc::clone(&control)), control)
}

/// Waits until execution `arn` has ended.
async fn ended(control: &Control, arn: &str) -> ExecutionRecord {
    for _ in 0..1000 {
        let record = control.describe(arn).unwrap();
        if record.position.status != ExecutionStatus::Running {
            return record;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{arn} did not end");
}

fn definition(value: Value) -> String {
    value.to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_standard_execution_runs_in_a_worker_and_is_committed_to_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let (host, control) = host(dir.path());
    let text = definition(json!({
        "StartAt": "Greet",
        "States": {
            "Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('hello {}', $.who)", "id.$": "$$.Execution.Id"}, "End": true}
        }
    }));
    let id = host.prepare("hello", &text).unwrap();
    host.compiled(&id).await.unwrap();
    let arn = host
        .start(&id, "first", json!({"who": "world"}))
        .await
        .unwrap();
    assert_eq!(
        arn,
        "arn:aws:states:us-east-1:123456789012:execution:hello:first"
    );
    let record = ended(&control, &arn).await;
    assert_eq!(record.position.status, ExecutionStatus::Succeeded);
    let output: Value = serde_json::from_str(record.position.output.as_deref().unwrap()).unwrap();
    assert_eq!(output, json!({"greeting": "hello world", "id": arn}));
    let history = control.history(&arn).unwrap();
    let ids: Vec<u64> = history.iter().map(|event| event.id).collect();
    assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());

    // The name of a closed execution cannot be used again, as on AWS.
    let refused = host
        .start(&id, "first", json!({"who": "world"}))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "ExecutionAlreadyExists");
    let refused = host.start(&id, "no/slash", json!({})).await.unwrap_err();
    assert_eq!(refused.code(), "InvalidName");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_express_execution_runs_in_memory_and_returns_how_it_ended() {
    let dir = tempfile::tempdir().unwrap();
    let (host, control) = host(dir.path());
    let text = definition(json!({
        "StartAt": "Check",
        "States": {
            "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Big"}], "Default": "Small"},
            "Big": {"Type": "Pass", "Result": "big", "End": true},
            "Small": {"Type": "Fail", "Error": "TooSmall", "Cause": "n is at most 1"}
        }
    }));
    let id = host.prepare("sizes", &text).unwrap();
    let ended = host.run(&id, "one", json!({"n": 2})).await.unwrap();
    assert_eq!(ended, Ended::Succeeded(json!("big")));
    let ended = host.run(&id, "two", json!({"n": 1})).await.unwrap();
    assert_eq!(
        ended,
        Ended::Failed {
            error: "TooSmall".into(),
            cause: "n is at most 1".into()
        }
    );
    // Nothing of it is stored.
    assert!(control.list(None, None).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn activity_tasks_and_callbacks_cross_into_the_worker_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let text = definition(json!({
        "StartAt": "Review",
        "States": {
            "Review": {"Type": "Task", "Resource": ACTIVITY, "End": true}
        }
    }));
    let arn = {
        let (host, control) = host(dir.path());
        let id = host.prepare("reviews", &text).unwrap();
        let arn = host.start(&id, "r1", json!({"doc": 1})).await.unwrap();
        let task = host
            .activity_task(ACTIVITY, Duration::from_secs(10))
            .await
            .unwrap();
        assert_eq!(task.input, json!({"doc": 1}));
        // Nothing else is offered.
        assert!(
            host.activity_task(ACTIVITY, Duration::from_millis(100))
                .await
                .is_none()
        );
        control
            .send_task_success(&task.token, json!({"ok": true}))
            .unwrap();
        host.deliver(&task.token).await;
        let record = ended(&control, &arn).await;
        assert_eq!(record.position.output.as_deref(), Some(r#"{"ok":true}"#));

        // A second execution waits for its worker when the server stops.
        host.start(&id, "r2", json!({"doc": 2})).await.unwrap()
    };
    // Stopped: the host and its workers are gone. Started again, it resumes.
    let (host, control) = host(dir.path());
    assert_eq!(host.resume().await.unwrap(), 1);
    let task = host
        .activity_task(ACTIVITY, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(task.input, json!({"doc": 2}));
    control
        .send_task_failure(&task.token, Some("Rejected".into()), Some("no".into()))
        .unwrap();
    host.deliver(&task.token).await;
    let record = ended(&control, &arn).await;
    assert_eq!(record.position.status, ExecutionStatus::Failed);
    assert_eq!(record.position.error.as_deref(), Some("Rejected"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_execution_is_aborted_by_its_worker() {
    let dir = tempfile::tempdir().unwrap();
    let (host, control) = host(dir.path());
    let text = definition(json!({
        "StartAt": "Sleep",
        "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": true}}
    }));
    let id = host.prepare("sleeper", &text).unwrap();
    let arn = host.start(&id, "s1", json!({})).await.unwrap();
    // While it runs, the same name and input is the same execution; another input
    // is refused.
    assert_eq!(host.start(&id, "s1", json!({})).await.unwrap(), arn);
    let refused = host
        .start(&id, "s1", json!({"other": 1}))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "ExecutionAlreadyExists");
    host.stop(
        &arn,
        Some("Enough".into()),
        Some("stopped by the test".into()),
    )
    .await
    .unwrap();
    let record = control.describe(&arn).unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Aborted);
    assert_eq!(record.position.error.as_deref(), Some("Enough"));
    let unknown = host
        .stop(
            "arn:aws:states:us-east-1:123456789012:execution:sleeper:none",
            None,
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), "ExecutionDoesNotExist");
    assert!(matches!(unknown, HostError::Api(_)));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_execution_starts_executions_of_other_machines_of_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let (host, control) = host(dir.path());
    let child = definition(json!({
        "StartAt": "Double",
        "States": {"Double": {"Type": "Pass", "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"}, "End": true}}
    }));
    let child_id = host.prepare("doubler", &child).unwrap();
    host.deploy("doubler", &child_id);
    let child_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:doubler";
    let parent = definition(json!({
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "Parameters": {"StateMachineArn": child_arn, "Input": {"n.$": "$.n"}, "Name": "child-1"},
                "ResultSelector": {"out.$": "$.Output", "status.$": "$.Status"},
                "Next": "Missing"
            },
            "Missing": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution",
                "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:nowhere"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.caught", "Next": "Done"}],
                "End": true
            },
            "Done": {"Type": "Pass", "End": true}
        }
    }));
    let parent_id = host.prepare("parent", &parent).unwrap();
    let arn = host
        .start(&parent_id, "p1", json!({"n": 21}))
        .await
        .unwrap();
    let record = ended(&control, &arn).await;
    assert_eq!(
        record.position.status,
        ExecutionStatus::Succeeded,
        "{record:?}"
    );
    let output: Value = serde_json::from_str(record.position.output.as_deref().unwrap()).unwrap();
    assert_eq!(output["out"], json!({"twice": 42}));
    assert_eq!(output["status"], json!("SUCCEEDED"));
    assert!(
        output["caught"]["Cause"]
            .as_str()
            .unwrap()
            .contains("State Machine Does Not Exist"),
        "{output}"
    );
    let child = control
        .describe("arn:aws:states:us-east-1:123456789012:execution:doubler:child-1")
        .unwrap();
    assert_eq!(child.position.status, ExecutionStatus::Succeeded);
}

/// Kills (SIGKILL) the workers checkpointing to the store in `dir`.
fn kill_workers(dir: &Path) {
    let pattern = format!("worker --db {}", dir.join("executions.db").display());
    let status = std::process::Command::new("pkill")
        .args(["-KILL", "-f", &pattern])
        .status()
        .expect("pkill runs");
    assert!(status.success(), "no worker to kill");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_worker_is_replaced_and_its_executions_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let (host, control) = host(dir.path());
    let text = definition(json!({
        "StartAt": "Nap",
        "States": {
            "Nap": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
            "Done": {"Type": "Pass", "Result": "rested", "End": true}
        }
    }));
    let id = host.prepare("napper", &text).unwrap();
    let arns = [
        host.start(&id, "n1", json!({})).await.unwrap(),
        host.start(&id, "n2", json!({})).await.unwrap(),
    ];
    kill_workers(dir.path());
    // No call comes for them: the host replaces the worker on its own.
    for arn in arns {
        let record = ended(&control, &arn).await;
        assert_eq!(record.position.output.as_deref(), Some(r#""rested""#));
        let history = control.history(&arn).unwrap();
        let ids: Vec<u64> = history.iter().map(|event| event.id).collect();
        assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopping_server_ends_the_long_polls_of_activity_workers() {
    let dir = tempfile::tempdir().unwrap();
    let (host, _control) = host(dir.path());
    let poll = Duration::from_secs(60);
    let polling = tokio::spawn({
        let host = host.clone();
        async move { host.activity_task(ACTIVITY, poll).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    host.stop_polls();
    // Found in the crash test: a SIGTERM waited up to 60 s for GetActivityTask.
    let ended = tokio::time::timeout(Duration::from_secs(5), polling).await;
    assert_eq!(ended.expect("the long poll ends").unwrap(), None);
    let later = tokio::time::timeout(Duration::from_secs(1), host.activity_task(ACTIVITY, poll));
    assert_eq!(later.await, Ok(None), "a poll while stopping does not wait");
}
