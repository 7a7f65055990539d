//! The host: definitions compiled into worker processes that run executions durably
//! on the server's store, and answer callbacks and activity workers.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use asl_build::Cache;
use asl_engine::Control;
use asl_engine::store::{ExecutionRecord, ExecutionStatus};
use asl_runtime::arn::Account;
use asl_server::host::{DefinitionId, Host, HostConfig, HostError, Limits};
use asl_standalone::worker::protocol::Ended;
use asl_store_sqlite::SqliteStore;
use serde_json::{Value, json};

const ACTIVITY: &str = "arn:aws:states:us-east-1:123456789012:activity:review";

/// A host on the store in `dir`, compiling into the cache the CLI tests share.
fn host(dir: &Path) -> (Host, Arc<Control>) {
    host_with(dir, Limits::default())
}

/// [`host`] with `limits`.
fn host_with(dir: &Path, limits: Limits) -> (Host, Arc<Control>) {
    let store = SqliteStore::open(dir.join("executions.db")).unwrap();
    let control = Arc::new(Control::new(Arc::new(store)));
    let config = HostConfig {
        data_dir: dir.to_owned(),
        db: dir.join("executions.db"),
        cache: Cache::new(concat!(env!("CARGO_TARGET_TMPDIR"), "/asl-cache")),
        bindings: None,
        mock_config: None,
        account: Arc::new(Account::default()),
        limits,
        otlp_endpoint: None,
        fleet: None,
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
    let ended = host.run(&id, "one", "e1", json!({"n": 2})).await.unwrap();
    assert_eq!(ended, Ended::Succeeded(json!("big")));
    let ended = host.run(&id, "two", "e2", json!({"n": 1})).await.unwrap();
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

/// The process ids of the workers checkpointing to the store in `dir`.
fn workers(dir: &Path) -> Vec<u32> {
    let db = dir.join("executions.db");
    let db = db.to_str().unwrap();
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<&[u8]> = cmdline.split(|byte| *byte == 0).collect();
        let serves = args
            .windows(3)
            .any(|window| window == [&b"--worker"[..], b"--db", db.as_bytes()]);
        if serves {
            pids.push(pid);
        }
    }
    pids
}

/// Kills (SIGKILL) the workers checkpointing to the store in `dir`.
fn kill_workers(dir: &Path) {
    let pids = workers(dir);
    assert!(!pids.is_empty(), "no worker to kill");
    for pid in pids {
        let status = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "cannot kill worker {pid}");
    }
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

/// A machine that waits `seconds`, then says `word`.
fn napping(seconds: u64, word: &str) -> String {
    definition(json!({
        "StartAt": "Nap",
        "States": {
            "Nap": {"Type": "Wait", "Seconds": seconds, "Next": "Say"},
            "Say": {"Type": "Pass", "Result": word, "End": true}
        }
    }))
}

/// The binary that the record of definition `id` in `dir` names.
fn binary_of(dir: &Path, id: &DefinitionId) -> String {
    let path = dir
        .join("definitions")
        .join(format!("{}.compiled.json", id.as_str()));
    let record: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    record["binary"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn definitions_prepared_together_compile_together_and_run_in_one_worker() {
    let dir = tempfile::tempdir().unwrap();
    let (host, control) = host(dir.path());
    // A word of this run, so that the batch is new to the cache.
    let word = format!("{:?}", std::time::SystemTime::now());
    let ids: Vec<DefinitionId> = (0..6)
        .map(|n| {
            let text = napping(0, &format!("{word} {n}"));
            host.prepare(&format!("machine-{n}"), &text).unwrap()
        })
        .collect();
    for id in &ids {
        host.compiled(id).await.unwrap();
    }
    let compiles = host.compile_count();
    println!("{} definitions in {compiles} compiles", ids.len());
    assert!(compiles < ids.len(), "{compiles} compiles");
    let mut binaries: Vec<String> = ids.iter().map(|id| binary_of(dir.path(), id)).collect();
    binaries.dedup();
    assert_eq!(binaries.len(), compiles);
    for (n, id) in ids.iter().enumerate() {
        let arn = host.start(id, "standard", json!({})).await.unwrap();
        assert_eq!(
            arn,
            format!("arn:aws:states:us-east-1:123456789012:execution:machine-{n}:standard")
        );
        let record = ended(&control, &arn).await;
        let output = json!(format!("{word} {n}")).to_string();
        assert_eq!(record.position.output.as_deref(), Some(output.as_str()));
        let ended = host.run(id, "express", "e3", json!({})).await.unwrap();
        assert_eq!(ended, Ended::Succeeded(json!(format!("{word} {n}"))));
    }
    assert_eq!(workers(dir.path()).len(), binaries.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restarted_host_finds_compiled_definitions_without_compiling_again() {
    let dir = tempfile::tempdir().unwrap();
    let word = format!("{:?}", std::time::SystemTime::now());
    let texts: Vec<String> = (0..3).map(|n| napping(0, &format!("{word} {n}"))).collect();
    let ids: Vec<DefinitionId> = {
        let (host, _) = host(dir.path());
        let ids: Vec<DefinitionId> = texts
            .iter()
            .map(|text| host.prepare("again", text).unwrap())
            .collect();
        for id in &ids {
            host.compiled(id).await.unwrap();
        }
        assert!(host.compile_count() >= 1);
        ids
    };
    let (host, control) = host(dir.path());
    for (n, text) in texts.iter().enumerate() {
        assert_eq!(host.prepare("again", text).unwrap(), ids[n]);
        host.compiled(&ids[n]).await.unwrap();
        let arn = host
            .start(&ids[n], &format!("e{n}"), json!({}))
            .await
            .unwrap();
        let record = ended(&control, &arn).await;
        let output = json!(format!("{word} {n}")).to_string();
        assert_eq!(record.position.output.as_deref(), Some(output.as_str()));
    }
    assert_eq!(host.compile_count(), 0, "nothing compiled again");

    // A binary gone from the cache is compiled again.
    let binary = binary_of(dir.path(), &ids[0]);
    std::fs::remove_file(&binary).unwrap();
    let (host, _) = host_with(dir.path(), Limits::default());
    host.compiled(&ids[0]).await.unwrap();
    assert_eq!(host.compile_count(), 1);
    assert!(Path::new(&binary_of(dir.path(), &ids[0])).is_file());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_shared_worker_is_replaced_and_the_executions_of_all_its_machines_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let (host, control) = host(dir.path());
    let ids: Vec<DefinitionId> = ["left", "right"]
        .iter()
        .map(|word| host.prepare(word, &napping(1, word)).unwrap())
        .collect();
    for id in &ids {
        host.compiled(id).await.unwrap();
    }
    let mut arns = Vec::new();
    for id in &ids {
        arns.push(host.start(id, "a", json!({})).await.unwrap());
        arns.push(host.start(id, "b", json!({})).await.unwrap());
    }
    // Prepared together: compiled together, run by one worker.
    assert_eq!(
        binary_of(dir.path(), &ids[0]),
        binary_of(dir.path(), &ids[1])
    );
    assert_eq!(workers(dir.path()).len(), 1);
    kill_workers(dir.path());
    // No call comes for them: the host replaces the worker on its own.
    for arn in &arns {
        let record = ended(&control, arn).await;
        let word = if arn.contains(":left:") {
            "left"
        } else {
            "right"
        };
        assert_eq!(
            record.position.output.as_deref(),
            Some(format!("\"{word}\"").as_str()),
            "{arn}"
        );
        let history = control.history(arn).unwrap();
        let ids: Vec<u64> = history.iter().map(|event| event.id).collect();
        assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_workers_stop_and_start_again_on_the_next_call() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        worker_idle: Duration::from_millis(300),
        workers: 1,
        ..Limits::default()
    };
    let (host, control) = host_with(dir.path(), limits);
    let first = host.prepare("first", &napping(0, "one")).unwrap();
    host.compiled(&first).await.unwrap();
    // Compiled after the first: another binary.
    let second = host.prepare("second", &napping(2, "two")).unwrap();
    host.compiled(&second).await.unwrap();
    assert_ne!(
        binary_of(dir.path(), &first),
        binary_of(dir.path(), &second)
    );

    let arn = host.start(&first, "e1", json!({})).await.unwrap();
    ended(&control, &arn).await;
    assert_eq!(workers(dir.path()).len(), 1);
    // The second worker needs room: the first, idle, is stopped.
    let running = host.start(&second, "e2", json!({})).await.unwrap();
    assert_eq!(workers(dir.path()).len(), 1);
    // The first starts again on the next call, and the second, busy, stays: more
    // workers than the limit while the others are busy.
    let ended_first = host.run(&first, "x", "e4", json!({})).await.unwrap();
    assert_eq!(ended_first, Ended::Succeeded(json!("one")));
    assert_eq!(workers(dir.path()).len(), 2);
    // Idle for long enough, and the second's execution ended: none runs.
    let record = ended(&control, &running).await;
    assert_eq!(record.position.output.as_deref(), Some(r#""two""#));
    let mut left = workers(dir.path()).len();
    for _ in 0..100 {
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        left = workers(dir.path()).len();
    }
    assert_eq!(left, 0, "idle workers are stopped");
    let ended_second = host.run(&second, "y", "e5", json!({})).await.unwrap();
    assert_eq!(ended_second, Ended::Succeeded(json!("two")));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_compile_past_its_time_is_stopped_and_its_definitions_fail() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        compile_timeout: Duration::from_millis(1),
        ..Limits::default()
    };
    let (host, _) = host_with(dir.path(), limits);
    let word = format!("{:?}", std::time::SystemTime::now());
    let id = host.prepare("slow", &napping(0, &word)).unwrap();
    let error = host.compiled(&id).await.unwrap_err();
    assert!(matches!(error, HostError::Compile(_)), "{error:?}");
    assert!(
        error.to_string().contains("took longer than the limit"),
        "{error}"
    );
    let refused = host.start(&id, "e", json!({})).await.unwrap_err();
    assert_eq!(refused, error);
    // Prepared again, it is compiled again (and fails again, in time).
    assert_eq!(host.prepare("slow", &napping(0, &word)).unwrap(), id);
    assert_eq!(host.compiled(&id).await.unwrap_err(), error);
    assert_eq!(host.compile_count(), 2);
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
