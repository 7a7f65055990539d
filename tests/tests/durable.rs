//! Durable executions: the engine checkpoints every transition to a store, records
//! AWS's history events, starts idempotently by name, stops, times out, and goes on
//! after a restart where the last checkpoint left it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use asl_runtime::history::{EventType, HistoryEvent};
use asl_runtime::store::{MemoryStore, SqliteStore, Status, Store};
use asl_runtime::{Engine, EngineError, TaskContext, TaskError};
use serde_json::{Value, json};

mod approval {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Prepare",
        "TimeoutSeconds": 1209600,
        "States": {
            "Prepare": {"Type": "Pass", "Assign": {"order.$": "$.order"}, "Next": "Charge"},
            "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Large?"},
            "Large?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.amount", "NumericGreaterThan": 100, "Next": "Cool off"}],
                "Default": "Done"
            },
            "Cool off": {"Type": "Wait", "Seconds": 604800, "Next": "Done"},
            "Done": {"Type": "Pass", "Parameters": {"order.$": "$order", "charged.$": "$.amount"}, "End": true}
        }
    }"#
    );
}

/// Charges `amount` from the input, counting calls and keeping the last key.
#[derive(Default)]
struct Charges {
    calls: AtomicUsize,
    keys: std::sync::Mutex<Vec<String>>,
}

impl approval::Tasks for Arc<Charges> {
    async fn charge(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.keys.lock().unwrap().push(task.idempotency_key());
        if input["amount"] == json!("bad") {
            return Err(TaskError::new("Declined", "the card was declined"));
        }
        Ok(json!({"amount": input["amount"]}))
    }
}

fn engine(store: Arc<dyn Store>) -> (Engine<approval::Machine<Arc<Charges>>>, Arc<Charges>) {
    let charges = Arc::new(Charges::default());
    let engine = Engine::with_store(approval::Machine::new(Arc::clone(&charges)), store);
    (engine, charges)
}

fn kinds(history: &[HistoryEvent]) -> Vec<EventType> {
    history.iter().map(|event| event.kind).collect()
}

fn assert_numbered(history: &[HistoryEvent]) {
    for (index, event) in history.iter().enumerate() {
        assert_eq!(event.id, index as u64 + 1, "{history:#?}");
        assert_eq!(event.previous_event_id, index as u64);
    }
}

#[tokio::test]
async fn every_transition_is_recorded_as_aws_names_the_events() {
    let (engine, charges) = engine(Arc::new(MemoryStore::new()));
    let record = engine
        .run("small", json!({"order": "o-1", "amount": 20}))
        .await
        .unwrap();
    assert_eq!(record.position.status, Status::Succeeded);
    assert_eq!(
        record.position.output.as_deref(),
        Some(r#"{"order":"o-1","charged":20}"#)
    );
    assert_eq!(
        record.identity.arn,
        format!(
            "arn:aws:states:us-east-1:123456789012:execution:{}:small",
            record.identity.machine
        )
    );
    let history = engine.history("small").unwrap();
    use EventType::*;
    assert_eq!(
        kinds(&history),
        [
            ExecutionStarted,
            PassStateEntered,
            PassStateExited,
            TaskStateEntered,
            TaskScheduled,
            TaskStarted,
            TaskSucceeded,
            TaskStateExited,
            ChoiceStateEntered,
            ChoiceStateExited,
            PassStateEntered,
            PassStateExited,
            ExecutionSucceeded
        ]
    );
    assert_numbered(&history);
    let scheduled = serde_json::to_value(&history[4]).unwrap();
    assert_eq!(
        scheduled["taskScheduledEventDetails"],
        json!({
            "resourceType": "lambda",
            "resource": "invoke",
            "region": "us-east-1",
            "parameters": r#"{"order":"o-1","amount":20}"#
        })
    );
    assert_eq!(
        serde_json::to_value(&history[1]).unwrap()["stateEnteredEventDetails"]["name"],
        "Prepare"
    );
    // The Task's idempotency key: execution, state, StateEntered id, retry count.
    assert_eq!(
        charges.keys.lock().unwrap().as_slice(),
        [format!("{}/Charge/4/0", record.identity.arn)]
    );
    assert_eq!(engine.list().unwrap().len(), 1);
}

#[tokio::test]
async fn a_failed_task_fails_the_execution_with_its_error() {
    let (engine, _) = engine(Arc::new(MemoryStore::new()));
    let record = engine
        .run("declined", json!({"order": "o-2", "amount": "bad"}))
        .await
        .unwrap();
    assert_eq!(record.position.status, Status::Failed);
    assert_eq!(record.position.error.as_deref(), Some("Declined"));
    assert_eq!(
        record.position.cause.as_deref(),
        Some("the card was declined")
    );
    let history = engine.history("declined").unwrap();
    let tail: Vec<_> = kinds(&history).into_iter().rev().take(2).collect();
    assert_eq!(tail, [EventType::ExecutionFailed, EventType::TaskFailed]);
    assert_numbered(&history);
}

#[tokio::test(start_paused = true)]
async fn starting_a_name_again_is_idempotent_only_while_it_runs_with_the_same_input() {
    let (engine, charges) = engine(Arc::new(MemoryStore::new()));
    let input = json!({"order": "o-3", "amount": 500});
    let arn = engine.start("big", input.clone()).await.unwrap();
    assert_eq!(engine.start("big", input.clone()).await.unwrap(), arn);
    assert_eq!(
        engine.start("big", json!({"order": "other"})).await,
        Err(EngineError::AlreadyExists("big".into()))
    );
    let record = engine.wait("big").await.unwrap();
    assert_eq!(record.position.status, Status::Succeeded);
    assert_eq!(charges.calls.load(Ordering::SeqCst), 1, "started once");
    assert_eq!(
        engine.start("big", input).await,
        Err(EngineError::AlreadyExists("big".into()))
    );
    for bad in ["", "has space", "a/b", &"x".repeat(81)] {
        assert_eq!(
            engine.start(bad, json!({})).await,
            Err(EngineError::InvalidName(bad.to_owned()))
        );
    }
    assert_eq!(
        engine.describe("nothing"),
        Err(EngineError::DoesNotExist("nothing".into()))
    );
}

#[tokio::test(start_paused = true)]
async fn a_stopped_execution_is_aborted_with_the_error_and_cause_given() {
    let (engine, _) = engine(Arc::new(MemoryStore::new()));
    engine
        .start("stop-me", json!({"order": "o-4", "amount": 500}))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(60)).await;
    let record = engine
        .stop(
            "stop-me",
            Some("Operator".into()),
            Some("changed my mind".into()),
        )
        .await
        .unwrap();
    assert_eq!(record.position.status, Status::Aborted);
    assert_eq!(record.position.error.as_deref(), Some("Operator"));
    let history = engine.history("stop-me").unwrap();
    assert_eq!(history.last().unwrap().kind, EventType::ExecutionAborted);
    assert_eq!(
        serde_json::to_value(history.last().unwrap()).unwrap()["executionAbortedEventDetails"],
        json!({"error": "Operator", "cause": "changed my mind"})
    );
    assert_numbered(&history);
    // Stopping it again changes nothing.
    assert_eq!(engine.stop("stop-me", None, None).await.unwrap(), record);
}

mod slow {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Sleep",
        "TimeoutSeconds": 5,
        "States": {"Sleep": {"Type": "Wait", "Seconds": 10, "End": true}}
    }"#
    );
}

#[tokio::test(start_paused = true)]
async fn an_execution_past_its_timeout_seconds_times_out() {
    let engine = Engine::new(slow::Machine::new(()), MemoryStore::new());
    let record = engine.run("late", json!({})).await.unwrap();
    assert_eq!(record.position.status, Status::TimedOut);
    assert_eq!(record.position.error.as_deref(), Some("States.Timeout"));
    let history = engine.history("late").unwrap();
    assert_eq!(
        kinds(&history),
        [
            EventType::ExecutionStarted,
            EventType::WaitStateEntered,
            EventType::ExecutionTimedOut
        ]
    );
}

/// Starts an execution that reaches the week-long Wait, then kills the runtime
/// running it, as a crash would.
fn crash_in_the_wait(store: &Arc<dyn Store>, name: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (engine, _) = engine(Arc::clone(store));
        engine
            .start(name, json!({"order": "o-5", "amount": 500}))
            .await
            .unwrap();
        let arn = engine.arn(name);
        while !store
            .history(&arn)
            .unwrap()
            .iter()
            .any(|event| event.kind == EventType::WaitStateEntered)
        {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    runtime.shutdown_background();
}

#[test]
fn a_week_long_wait_goes_on_after_a_restart_without_running_anything_again() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("executions.db");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
    crash_in_the_wait(&store, "week");
    drop(store);

    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
    let paused = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    paused.block_on(async {
        let (engine, charges) = engine(Arc::clone(&store));
        assert_eq!(
            engine.describe("week").unwrap().position.status,
            Status::Running
        );
        let started = tokio::time::Instant::now();
        assert_eq!(engine.resume().unwrap(), 1);
        assert_eq!(engine.resume().unwrap(), 0, "already running");
        let record = engine.wait("week").await.unwrap();
        let waited = started.elapsed();
        assert!(
            waited <= Duration::from_secs(604_800) && waited > Duration::from_secs(604_700),
            "the rest of the week: {waited:?}"
        );
        assert_eq!(record.position.status, Status::Succeeded);
        // The variable assigned before the crash is still there.
        assert_eq!(
            record.position.output.as_deref(),
            Some(r#"{"order":"o-5","charged":500}"#)
        );
        assert_eq!(
            charges.calls.load(Ordering::SeqCst),
            0,
            "the Task ran before the crash"
        );
        let history = engine.history("week").unwrap();
        assert_numbered(&history);
        let entered = history
            .iter()
            .filter(|event| event.kind == EventType::WaitStateEntered)
            .count();
        assert_eq!(entered, 1);
    });
}
