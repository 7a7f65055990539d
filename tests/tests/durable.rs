//! Durable executions: the engine checkpoints every transition to a store, records
//! AWS's history events, starts idempotently by name, stops, times out, and goes on
//! after a restart where the last checkpoint left it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use asl_engine::history::{EventType, HistoryEvent};
use asl_engine::store::{ExecutionStatus, MemoryStore, Store, StoreError};
use asl_engine::{Control, Engine, EngineError};
use asl_runtime::arn::Account;
use asl_runtime::{RunOptions, TaskContext, TaskError};
use asl_store_sqlite::SqliteStore;
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

#[tokio::test]
async fn every_transition_is_recorded_as_aws_names_the_events() {
    let (engine, charges) = engine(Arc::new(MemoryStore::new()));
    let record = engine
        .run("small", json!({"order": "o-1", "amount": 20}))
        .await
        .unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Succeeded);
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
    asl_tests::assert_numbered(&history);
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
    assert_eq!(record.position.status, ExecutionStatus::Failed);
    assert_eq!(record.position.error.as_deref(), Some("Declined"));
    assert_eq!(
        record.position.cause.as_deref(),
        Some("the card was declined")
    );
    let history = engine.history("declined").unwrap();
    let tail: Vec<_> = kinds(&history).into_iter().rev().take(2).collect();
    assert_eq!(tail, [EventType::ExecutionFailed, EventType::TaskFailed]);
    asl_tests::assert_numbered(&history);
}

/// A store that can no longer write stops the run, not the process: waiting for the
/// execution gives the store's error, and what was committed before stays.
#[tokio::test]
async fn a_poisoned_store_stops_the_run_and_the_waiter_gets_its_error() {
    let store: Arc<dyn Store> = Arc::new(Recording::over(Arc::new(MemoryStore::new()), Some(2)));
    let (engine, _) = engine(Arc::clone(&store));
    engine
        .start("full", json!({"order": "o-9", "amount": 30}))
        .await
        .unwrap();
    let error = engine.wait("full").await.unwrap_err();
    let EngineError::Store(error) = &error else {
        panic!("{error:?}")
    };
    assert!(error.is_poisoned(), "{error}");
    assert!(error.to_string().contains("disk is full"), "{error}");
    let record = engine.describe("full").unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Running);
    assert_eq!(record.position.seq, 1);
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
    assert_eq!(record.position.status, ExecutionStatus::Succeeded);
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
    assert_eq!(record.position.status, ExecutionStatus::Aborted);
    assert_eq!(record.position.error.as_deref(), Some("Operator"));
    let history = engine.history("stop-me").unwrap();
    assert_eq!(history.last().unwrap().kind, EventType::ExecutionAborted);
    assert_eq!(
        serde_json::to_value(history.last().unwrap()).unwrap()["executionAbortedEventDetails"],
        json!({"error": "Operator", "cause": "changed my mind"})
    );
    asl_tests::assert_numbered(&history);
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
    assert_eq!(record.position.status, ExecutionStatus::TimedOut);
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

/// A runtime on tokio's paused clock, for a process started after a crash.
fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
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
    let paused = paused_runtime();
    paused.block_on(async {
        let (engine, charges) = engine(Arc::clone(&store));
        assert_eq!(
            engine.describe("week").unwrap().position.status,
            ExecutionStatus::Running
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
        assert_eq!(record.position.status, ExecutionStatus::Succeeded);
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
        asl_tests::assert_numbered(&history);
        let entered = history
            .iter()
            .filter(|event| event.kind == EventType::WaitStateEntered)
            .count();
        assert_eq!(entered, 1);
    });
}

/// A store that notes which checkpoints carry the variables, and stores them in the
/// store it wraps, up to checkpoint `poisoned_from`: from there on it is poisoned, as
/// a store whose disk filled up. With `timers`, it parks every waiting execution
/// asked, noting a [`Timer`], as a fleet's store does (unless the token it awaits
/// has an outcome).
#[derive(Debug)]
struct Recording {
    inner: Arc<dyn Store>,
    /// `(seq, variables)` of each checkpoint.
    checkpoints: std::sync::Mutex<Vec<(u64, Option<String>)>>,
    poisoned_from: Option<u64>,
    timers: Option<std::sync::Mutex<Vec<Timer>>>,
}

/// A timer [`Recording`] set: the execution's ARN, when it is due, and the task
/// token it awaits, if any.
type Timer = (String, std::time::SystemTime, Option<String>);

impl Recording {
    fn over(inner: Arc<dyn Store>, poisoned_from: Option<u64>) -> Recording {
        Recording {
            inner,
            checkpoints: std::sync::Mutex::default(),
            poisoned_from,
            timers: None,
        }
    }

    fn parking(inner: Arc<dyn Store>) -> Recording {
        Recording {
            timers: Some(std::sync::Mutex::default()),
            ..Recording::over(inner, None)
        }
    }

    fn timers(&self) -> Vec<Timer> {
        self.timers.as_ref().unwrap().lock().unwrap().clone()
    }
}

impl Store for Recording {
    fn commit(&self, checkpoint: asl_engine::store::Checkpoint) -> asl_engine::store::Ack {
        let seq = checkpoint.position.seq;
        if self.poisoned_from.is_some_and(|from| seq >= from) {
            return asl_engine::store::Ack::ready(Err(StoreError::Poisoned(Arc::new(
                std::io::Error::other("database or disk is full"),
            ))));
        }
        self.checkpoints
            .lock()
            .unwrap()
            .push((seq, checkpoint.position.variables.clone()));
        self.inner.commit(checkpoint)
    }
    fn execution(
        &self,
        arn: &str,
    ) -> Result<Option<asl_engine::store::ExecutionRecord>, asl_engine::store::StoreError> {
        self.inner.execution(arn)
    }
    fn executions(
        &self,
    ) -> Result<Vec<asl_engine::store::ExecutionRecord>, asl_engine::store::StoreError> {
        self.inner.executions()
    }
    fn history(&self, arn: &str) -> Result<Vec<HistoryEvent>, asl_engine::store::StoreError> {
        self.inner.history(arn)
    }
    fn record_callback(
        &self,
        token: &str,
        outcome: &str,
    ) -> Result<bool, asl_engine::store::StoreError> {
        self.inner.record_callback(token, outcome)
    }
    fn callback(&self, token: &str) -> Result<Option<String>, asl_engine::store::StoreError> {
        self.inner.callback(token)
    }
    fn note(&self, key: String, value: String) -> asl_engine::store::Ack {
        self.inner.note(key, value)
    }
    fn noted(&self, key: &str) -> Result<Option<String>, asl_engine::store::StoreError> {
        self.inner.noted(key)
    }

    fn notes_under(
        &self,
        prefix: &str,
    ) -> Result<Vec<(String, String)>, asl_engine::store::StoreError> {
        self.inner.notes_under(prefix)
    }

    fn committed_after(
        &self,
        cursor: u64,
        limit: usize,
    ) -> Result<Vec<asl_engine::store::Committed>, asl_engine::store::StoreError> {
        self.inner.committed_after(cursor, limit)
    }

    fn parks(&self) -> bool {
        self.timers.is_some()
    }

    fn park(
        &self,
        arn: &str,
        due: std::time::SystemTime,
        awaiting: Option<&str>,
    ) -> asl_engine::store::Parking {
        let answered =
            awaiting.is_some_and(|token| matches!(self.inner.callback(token), Ok(Some(_))));
        let parked = self.timers.as_ref().filter(|_| !answered).map(|timers| {
            let timer = (arn.to_owned(), due, awaiting.map(str::to_owned));
            timers.lock().unwrap().push(timer);
        });
        Box::pin(std::future::ready(Ok(parked.is_some())))
    }
}

#[tokio::test]
async fn a_waiting_execution_is_parked_out_of_memory_and_only_stopping_runs_it_again() {
    let store = Arc::new(Recording::parking(Arc::new(MemoryStore::new())));
    let (engine, charges) = engine(store.clone());
    let arn = engine
        .start("cool-off", json!({"order": "o-7", "amount": 500}))
        .await
        .unwrap();
    // The run ends once parked; the execution runs on, in the store only.
    let record = engine.wait("cool-off").await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Running);
    assert_eq!(engine.running_count(), 0);
    let timers = store.timers();
    assert_eq!(timers.len(), 1);
    let week = Duration::from_secs(604_800);
    assert_eq!(timers[0].0, arn);
    assert_near(timers[0].1, record.position.entered + week);

    // Whoever fires the timer resumes it from its checkpoint: the Wait still ends a
    // week after its entry (here, too early, it parks again).
    assert!(engine.resume_execution(&arn).unwrap());
    assert_eq!(engine.wait("cool-off").await.unwrap(), record);
    assert_near(store.timers()[1].1, timers[0].1);

    // Stopped while parked: run again only to be aborted, nothing else run again.
    let stopped = engine
        .stop("cool-off", Some("Operator".into()), None)
        .await
        .unwrap();
    assert_eq!(stopped.position.status, ExecutionStatus::Aborted);
    assert_eq!(charges.calls.load(Ordering::SeqCst), 1);
    let history = engine.history("cool-off").unwrap();
    asl_tests::assert_numbered(&history);
    assert_eq!(
        kinds(&history[history.len() - 2..]),
        [EventType::WaitStateEntered, EventType::ExecutionAborted]
    );
    assert_eq!(store.timers().len(), 2);
}

#[tokio::test]
async fn a_parked_execution_wakes_by_its_timeout_seconds_to_time_out() {
    let store = Arc::new(Recording::parking(Arc::new(MemoryStore::new())));
    let engine = Engine::with_store(slow::Machine::new(()), store.clone());
    engine.start("late", json!({})).await.unwrap();
    let record = engine.wait("late").await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Running);
    // The Wait's 10 s end after the execution's 5 s TimeoutSeconds.
    let (_, due, _) = store.timers()[0].clone();
    assert_eq!(due, record.identity.start + Duration::from_secs(5));
}

/// Asserts that two instants are within 10 ms of each other (the real time between
/// reading the clock and computing from it).
fn assert_near(a: std::time::SystemTime, b: std::time::SystemTime) {
    assert_within(a, b, Duration::from_millis(10));
}

/// Asserts that two instants are less than `tolerance` apart.
fn assert_within(a: std::time::SystemTime, b: std::time::SystemTime, tolerance: Duration) {
    let apart = a.duration_since(b).unwrap_or_else(|early| early.duration());
    assert!(apart < tolerance, "{a:?} and {b:?}");
}

#[test]
fn only_checkpoints_after_an_assign_carry_the_variables_and_a_restart_sees_them() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("executions.db");
    let recording = Arc::new(Recording::over(
        Arc::new(SqliteStore::open(&path).unwrap()),
        None,
    ));
    let store: Arc<dyn Store> = recording.clone();
    crash_in_the_wait(&store, "vars");
    // Prepare assigns `order`; Charge and Large? assign nothing.
    let order = Some(r#"[["o-5"]]"#.to_owned());
    assert_eq!(
        *recording.checkpoints.lock().unwrap(),
        [(0, None), (1, order.clone()), (2, None), (3, None)],
        "entered Prepare, Charge (after Prepare's Assign), Large?, Cool off"
    );
    drop(store);
    drop(recording);

    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
    let paused = paused_runtime();
    paused.block_on(async {
        let (engine, _) = engine(Arc::clone(&store));
        let waiting = engine.describe("vars").unwrap();
        assert_eq!(waiting.position.seq, 3);
        assert_eq!(waiting.position.variables, order, "kept from checkpoint 1");
        engine.resume().unwrap();
        let record = engine.wait("vars").await.unwrap();
        assert_eq!(
            record.position.output.as_deref(),
            Some(r#"{"order":"o-5","charged":500}"#)
        );
    });
}

mod approval_callback {
    asl_macros::asl!(
        name = "Approvals",
        definition = r#"{
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"token.$": "$$.Task.Token", "order.$": "$.order"},
                "HeartbeatSeconds": 600,
                "TimeoutSeconds": 86400,
                "Next": "Cool off"
            },
            "Cool off": {"Type": "Wait", "Seconds": 10, "End": true}
        }
    }"#
    );
}

/// Hands each token out to a mailbox, as a message to an approver would.
#[derive(Default)]
struct Mailbox {
    tokens: std::sync::Mutex<Vec<String>>,
}

impl approval_callback::Tasks for Arc<Mailbox> {
    async fn ask(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        assert_eq!(input["token"].as_str(), task.task_token());
        self.tokens
            .lock()
            .unwrap()
            .push(input["token"].as_str().unwrap().to_owned());
        Ok(json!({"MessageId": "m-1"}))
    }
}

type Approvals = Engine<approval_callback::Machine<Arc<Mailbox>>>;

fn approvals(store: Arc<dyn Store>) -> (Approvals, Arc<Mailbox>) {
    let mailbox = Arc::new(Mailbox::default());
    let engine = Engine::with_store(approval_callback::Machine::new(Arc::clone(&mailbox)), store);
    (engine, mailbox)
}

/// The first token the mailbox receives.
async fn token_in(mailbox: &Mailbox) -> String {
    for _ in 0..10_000 {
        if let Some(token) = mailbox.tokens.lock().unwrap().first() {
            return token.clone();
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("no token came: {:?}", mailbox.tokens);
}

#[tokio::test(start_paused = true)]
async fn a_callback_task_waits_for_send_task_success_with_its_token() {
    let (engine, mailbox) = approvals(Arc::new(MemoryStore::new()));
    engine.start("yes", json!({"order": 7})).await.unwrap();
    let token = token_in(&mailbox).await;
    tokio::time::sleep(Duration::from_secs(500)).await;
    assert_eq!(
        engine.describe("yes").unwrap().position.status,
        ExecutionStatus::Running
    );
    engine
        .send_task_success(&token, json!({"approved": true}))
        .unwrap();
    // Used twice: the task is not waiting any more.
    assert_eq!(
        engine.send_task_success(&token, json!({"approved": false})),
        Err(EngineError::TaskTimedOut)
    );
    let record = engine.wait("yes").await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Succeeded);
    assert_eq!(
        record.position.output.as_deref(),
        Some(r#"{"approved":true}"#)
    );
    let history = engine.history("yes").unwrap();
    use EventType::*;
    assert_eq!(
        kinds(&history)[2..6],
        [TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded]
    );
    assert_eq!(
        serde_json::to_value(&history[4]).unwrap()["taskSubmittedEventDetails"]["output"],
        r#"{"MessageId":"m-1"}"#,
        "what the handler answered when it handed out the token"
    );
    // After the end, too.
    assert_eq!(
        engine.send_task_heartbeat(&token),
        Err(EngineError::TaskTimedOut)
    );
}

#[tokio::test]
async fn a_callback_task_is_parked_until_its_token_is_answered_and_hands_it_out_once() {
    let store = Arc::new(Recording::parking(Arc::new(MemoryStore::new())));
    let (engine, mailbox) = approvals(store.clone());
    let arn = engine.start("parked", json!({"order": 3})).await.unwrap();
    let token = token_in(&mailbox).await;
    let record = engine.wait("parked").await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Running);
    assert_eq!(engine.running_count(), 0);
    // Awaiting its token, due when its HeartbeatSeconds (600) run out, before its
    // TimeoutSeconds (86400).
    let heartbeat = Duration::from_secs(600);
    let (parked, due, awaiting) = store.timers()[0].clone();
    assert_eq!((parked, awaiting), (arn.clone(), Some(token.clone())));
    assert_within(
        due,
        record.position.entered + heartbeat,
        Duration::from_secs(1),
    );

    // Fired early, it goes on from its entry: the handler is not asked again, and
    // it parks again, due as before.
    assert!(engine.resume_execution(&arn).unwrap());
    engine.wait("parked").await.unwrap();
    assert_eq!(store.timers().len(), 2);
    assert_near(store.timers()[1].1, record.position.entered + heartbeat);
    // A heartbeat sent while it is parked is noted: resumed, it counts from it.
    engine.send_task_heartbeat(&token).unwrap();
    let beat = std::time::SystemTime::now();
    assert!(engine.resume_execution(&arn).unwrap());
    engine.wait("parked").await.unwrap();
    assert_near(store.timers()[2].1, beat + heartbeat);

    // Answered while parked: woken by whoever recorded the outcome, the Task
    // succeeds with it, and the execution parks in its Wait.
    engine
        .send_task_success(&token, json!({"approved": true}))
        .unwrap();
    assert!(engine.resume_execution(&arn).unwrap());
    let record = engine.wait("parked").await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Running);
    assert_eq!(store.timers().len(), 4);
    assert_eq!(store.timers()[3].2, None, "a Wait awaits no token");
    assert_eq!(mailbox.tokens.lock().unwrap().len(), 1, "handed out once");
    let history = engine.history("parked").unwrap();
    asl_tests::assert_numbered(&history);
    use EventType::*;
    assert_eq!(
        kinds(&history)[2..],
        [
            TaskScheduled,
            TaskStarted,
            TaskSubmitted,
            TaskSucceeded,
            TaskStateExited,
            WaitStateEntered
        ]
    );
    assert_eq!(
        serde_json::to_value(&history[5]).unwrap()["taskSucceededEventDetails"]["output"],
        r#"{"approved":true}"#
    );
}

#[tokio::test(start_paused = true)]
async fn send_task_failure_fails_the_task_with_its_error_and_cause() {
    let (engine, mailbox) = approvals(Arc::new(MemoryStore::new()));
    engine.start("no", json!({"order": 8})).await.unwrap();
    let token = token_in(&mailbox).await;
    engine
        .send_task_failure(
            &token,
            Some("Rejected".into()),
            Some("too expensive".into()),
        )
        .unwrap();
    let record = engine.wait("no").await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Failed);
    assert_eq!(record.position.error.as_deref(), Some("Rejected"));
    assert_eq!(record.position.cause.as_deref(), Some("too expensive"));
}

#[tokio::test(start_paused = true)]
async fn heartbeats_keep_a_callback_task_alive_until_they_stop() {
    let (engine, mailbox) = approvals(Arc::new(MemoryStore::new()));
    engine.start("beat", json!({"order": 9})).await.unwrap();
    let token = token_in(&mailbox).await;
    let started = tokio::time::Instant::now();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_secs(500)).await;
        engine.send_task_heartbeat(&token).unwrap();
    }
    let record = engine.wait("beat").await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Failed);
    assert_eq!(record.position.error.as_deref(), Some("States.Timeout"));
    // The last beat at 1500 s, then 600 s of silence.
    let ended = started.elapsed().as_secs();
    assert!((2099..=2101).contains(&ended), "{ended}");
}

#[tokio::test]
async fn unknown_tokens_are_refused_as_aws_refuses_them() {
    let (engine, _) = approvals(Arc::new(MemoryStore::new()));
    assert_eq!(
        engine.send_task_success("not-a-token", json!(1)),
        Err(EngineError::InvalidToken("not-a-token".into()))
    );
    use base64::Engine as _;
    let elsewhere = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("{}/Ask/2/0", engine.arn("nobody")));
    assert_eq!(
        engine.send_task_heartbeat(&elsewhere),
        Err(EngineError::TaskDoesNotExist)
    );
}

mod map_callback {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.orders",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Ask",
                    "States": {
                        "Ask": {
                            "Type": "Task",
                            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                            "Parameters": {"token.$": "$$.Task.Token", "order.$": "$"},
                            "End": true
                        }
                    }
                },
                "End": true
            }
        }
    }"#
    );
}

impl map_callback::Tasks for Arc<Mailbox> {
    async fn ask(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        assert_eq!(input["token"].as_str(), task.task_token());
        self.tokens
            .lock()
            .unwrap()
            .push(input["token"].as_str().unwrap().to_owned());
        Ok(json!({"MessageId": input["order"]}))
    }
}

#[tokio::test]
async fn a_token_handed_out_inside_a_distributed_map_child_is_answered() {
    let mailbox = Arc::new(Mailbox::default());
    let engine = Engine::with_store(
        map_callback::Machine::new(Arc::clone(&mailbox)),
        Arc::new(MemoryStore::new()),
    );
    engine
        .start("orders", json!({"orders": [1, 2]}))
        .await
        .unwrap();
    let tokens = loop {
        let tokens = mailbox.tokens.lock().unwrap().clone();
        if tokens.len() == 2 {
            break tokens;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    };
    for token in &tokens {
        assert_eq!(
            asl_runtime::task::callback::execution_of(token),
            Some(engine.arn("orders")),
            "{token}"
        );
        engine.send_task_heartbeat(token).unwrap();
    }
    for (n, token) in tokens.iter().enumerate() {
        engine
            .send_task_success(token, json!({"answer": n}))
            .unwrap();
    }
    let record = engine.wait("orders").await.unwrap();
    assert_eq!(
        record.position.status,
        ExecutionStatus::Succeeded,
        "{record:?}"
    );
    let mut answers: Vec<Value> =
        serde_json::from_str(record.position.output.as_deref().unwrap()).unwrap();
    answers.sort_by_key(|answer| answer["answer"].as_u64());
    assert_eq!(answers, [json!({"answer": 0}), json!({"answer": 1})]);
}

/// Starts approval `name` on the SQLite store at `path` in a runtime that then
/// dies (as its process would) while the Task waits, its `TaskSubmitted` noted;
/// returns the token its handler handed out.
fn ask_then_die(path: &std::path::Path, name: &str) -> String {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(path).unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let token = runtime.block_on(async {
        let (engine, mailbox) = approvals(Arc::clone(&store));
        engine.start(name, json!({"order": 10})).await.unwrap();
        let token = token_in(&mailbox).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        token
    });
    runtime.shutdown_background();
    token
}

#[test]
fn a_callback_sent_while_the_process_is_down_is_found_after_the_restart() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("executions.db");
    let token = ask_then_die(&path, "later");

    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
    let paused = paused_runtime();
    paused.block_on(async {
        let (engine, mailbox) = approvals(Arc::clone(&store));
        // An approver answers before the workflow process is back (as
        // `asl executions send-task-success` would).
        engine.send_task_success(&token, json!("approved")).unwrap();
        assert_eq!(engine.resume().unwrap(), 1);
        let record = engine.wait("later").await.unwrap();
        assert_eq!(record.position.status, ExecutionStatus::Succeeded);
        assert_eq!(record.position.output.as_deref(), Some(r#""approved""#));
        assert!(
            mailbox.tokens.lock().unwrap().is_empty(),
            "the recorded outcome is used without asking again"
        );
    });
}

#[test]
fn a_callback_task_restarted_unanswered_hands_its_token_out_again_where_nothing_parks() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("executions.db");
    // The process dies with the approver that held the token.
    let token = ask_then_die(&path, "lost");

    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (engine, mailbox) = approvals(Arc::clone(&store));
        assert_eq!(engine.resume().unwrap(), 1);
        // At least once: the same token, handed out again.
        assert_eq!(token_in(&mailbox).await, token);
        engine.send_task_success(&token, json!("found")).unwrap();
        // On to its Wait, with one TaskSubmitted.
        let mut history = Vec::new();
        for _ in 0..500 {
            history = kinds(&engine.history("lost").unwrap());
            if history.contains(&EventType::WaitStateEntered) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        use EventType::*;
        assert_eq!(
            history[2..],
            [
                TaskScheduled,
                TaskStarted,
                TaskSubmitted,
                TaskSucceeded,
                TaskStateExited,
                WaitStateEntered
            ]
        );
    });
}

mod fragile {
    asl_macros::asl!(
        name = "Shipping",
        definition = r#"{
        "StartAt": "Reserve",
        "States": {
            "Reserve": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Assign": {"reservation.$": "$.id"}, "Next": "Ship"
            },
            "Ship": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"redrives.$": "$$.Execution.RedriveCount", "reservation.$": "$reservation"},
                "End": true
            }
        }
    }"#
    );
}

/// Reserves once; ships only when the carrier is up.
#[derive(Default)]
struct Warehouse {
    reservations: AtomicUsize,
    carrier_up: std::sync::atomic::AtomicBool,
}

impl fragile::Tasks for Arc<Warehouse> {
    async fn reserve(&self, _: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        self.reservations.fetch_add(1, Ordering::SeqCst);
        Ok(json!({"id": "r-1"}))
    }

    async fn ship(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        if self.carrier_up.load(Ordering::SeqCst) {
            Ok(input)
        } else {
            Err(TaskError::new("CarrierDown", "no truck today"))
        }
    }
}

#[tokio::test]
async fn a_redriven_execution_goes_on_from_the_state_that_failed() {
    redrive_on(Arc::new(MemoryStore::new())).await;
    let directory = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(directory.path().join("executions.db")).unwrap();
    redrive_on(Arc::new(sqlite)).await;
}

async fn redrive_on(store: Arc<dyn Store>) {
    let warehouse = Arc::new(Warehouse::default());
    let engine = Engine::with_store(fragile::Machine::new(Arc::clone(&warehouse)), store);
    let failed = engine.run("order", json!({})).await.unwrap();
    assert_eq!(failed.position.status, ExecutionStatus::Failed);
    assert_eq!(
        engine.redrive("nothing").await,
        Err(EngineError::DoesNotExist("nothing".into()))
    );

    warehouse.carrier_up.store(true, Ordering::SeqCst);
    let arn = engine.redrive("order").await.unwrap();
    assert_eq!(arn, failed.identity.arn);
    let record = engine.wait("order").await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Succeeded);
    // The variable assigned before the failure is still there; the Context object
    // counts the redrive.
    assert_eq!(
        record.position.output.as_deref(),
        Some(r#"{"redrives":1,"reservation":"r-1"}"#)
    );
    assert_eq!(record.position.redrive_count, 1);
    assert!(record.position.redrive_date.is_some());
    assert_eq!(
        warehouse.reservations.load(Ordering::SeqCst),
        1,
        "not reserved again"
    );
    let history = engine.history("order").unwrap();
    asl_tests::assert_numbered(&history);
    use EventType::*;
    let tail: Vec<EventType> = kinds(&history).into_iter().skip(7).collect();
    assert_eq!(
        tail,
        [
            TaskScheduled,
            TaskStarted,
            TaskFailed,
            ExecutionFailed,
            ExecutionRedriven,
            TaskStateEntered,
            TaskScheduled,
            TaskStarted,
            TaskSucceeded,
            TaskStateExited,
            ExecutionSucceeded
        ]
    );
    assert_eq!(
        serde_json::to_value(&history[11]).unwrap()["executionRedrivenEventDetails"],
        json!({"redriveCount": 1})
    );
    // A succeeded execution cannot be redriven.
    assert_eq!(
        engine.redrive("order").await,
        Err(EngineError::NotRedrivable("order".into()))
    );
}

mod review {
    asl_macros::asl!(
        name = "Reviews",
        definition = r#"{
        "StartAt": "Review",
        "States": {
            "Review": {
                "Type": "Task",
                "Resource": "arn:aws:states:us-east-1:123456789012:activity:review",
                "HeartbeatSeconds": 60,
                "End": true
            }
        }
    }"#
    );
}

/// Under the engine an activity's work is done by workers, not by a handler.
struct NoHandler;

impl review::Tasks for NoHandler {
    async fn review(&self, _: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        Err(TaskError::new(
            "Unexpected",
            "the handler of an activity ran",
        ))
    }
}

const REVIEW: &str = "arn:aws:states:us-east-1:123456789012:activity:review";

#[tokio::test(start_paused = true)]
async fn workers_take_activity_tasks_and_answer_with_their_tokens() {
    let engine = Engine::new(review::Machine::new(NoHandler), MemoryStore::new());
    // A worker polling before the task exists gets it when it comes.
    let worker = {
        let engine = engine.clone();
        tokio::spawn(async move { engine.get_activity_task(REVIEW).await })
    };
    tokio::time::sleep(Duration::from_secs(5)).await;
    engine.start("doc-1", json!({"doc": 1})).await.unwrap();
    let task = worker.await.unwrap().expect("a task within the long poll");
    assert_eq!(task.input, json!({"doc": 1}));
    // Heartbeats keep it alive past HeartbeatSeconds.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_secs(50)).await;
        engine.send_task_heartbeat(&task.token).unwrap();
    }
    engine
        .send_task_success(&task.token, json!({"verdict": "fine"}))
        .unwrap();
    let record = engine.wait("doc-1").await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Succeeded);
    assert_eq!(
        record.position.output.as_deref(),
        Some(r#"{"verdict":"fine"}"#)
    );

    // Nobody else gets the task; an empty poll ends after 60 seconds.
    let started = tokio::time::Instant::now();
    assert_eq!(engine.get_activity_task(REVIEW).await, None);
    assert_eq!(started.elapsed(), Duration::from_secs(60));

    // A worker that stops heartbeating fails the Task with States.Timeout.
    engine.start("doc-2", json!({"doc": 2})).await.unwrap();
    let task = engine.get_activity_task(REVIEW).await.unwrap();
    assert_eq!(task.input, json!({"doc": 2}));
    let record = engine.wait("doc-2").await.unwrap();
    assert_eq!(record.position.error.as_deref(), Some("States.Timeout"));
    assert_eq!(
        engine.send_task_success(&task.token, json!(1)),
        Err(EngineError::TaskTimedOut)
    );
}

#[tokio::test]
async fn an_activity_task_is_parked_once_a_worker_took_it() {
    let store = Arc::new(Recording::parking(Arc::new(MemoryStore::new())));
    let engine = Engine::with_store(review::Machine::new(NoHandler), store.clone());
    let arn = engine.start("doc-3", json!({"doc": 3})).await.unwrap();
    // Offered and not taken, it waits here, where its offer is.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(store.timers().is_empty());
    let task = engine.get_activity_task(REVIEW).await.unwrap();
    // Taken, it parks (within a second), due when its HeartbeatSeconds (60) run out.
    let record = engine.wait("doc-3").await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Running);
    let (_, due, awaiting) = store.timers()[0].clone();
    assert_eq!(awaiting.as_deref(), Some(&*task.token));
    let heartbeat = Duration::from_secs(60);
    assert_within(
        due,
        record.position.entered + heartbeat,
        Duration::from_secs(1),
    );

    // Answered, woken: it succeeds, its worker having started it once.
    engine
        .send_task_success(&task.token, json!({"verdict": "fine"}))
        .unwrap();
    assert!(engine.resume_execution(&arn).unwrap());
    let record = engine.wait("doc-3").await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Succeeded);
    assert_eq!(
        record.position.output.as_deref(),
        Some(r#"{"verdict":"fine"}"#)
    );
    use EventType::*;
    let history = engine.history("doc-3").unwrap();
    asl_tests::assert_numbered(&history);
    assert_eq!(
        kinds(&history)[2..5],
        [ActivityScheduled, ActivityStarted, ActivitySucceeded]
    );
}

mod endless {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Count",
        "States": {
            "Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Again?"},
            "Again?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 1000000, "Next": "Count"}], "Default": "Done"},
            "Done": {"Type": "Succeed"}
        }
    }"#
    );
}

#[tokio::test]
async fn an_execution_fails_before_its_history_passes_25000_events() {
    let engine = Engine::new(endless::Machine::new(()), MemoryStore::new());
    let record = engine.run("long", json!({"n": 0})).await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Failed);
    assert_eq!(record.position.error.as_deref(), Some("States.Runtime"));
    let history = engine.history("long").unwrap();
    asl_tests::assert_numbered(&history);
    assert!(
        history.len() <= 25_000 && history.len() > 24_990,
        "{}",
        history.len()
    );
    assert_eq!(history.last().unwrap().kind, EventType::ExecutionFailed);
}

mod greeter {
    asl_macros::asl!("workflows/greeter.asl.json");
}

mod parent {
    asl_macros::asl!("workflows/parent.asl.json");
}

/// Under engines sharing a registry the children are started, not these.
struct NotNested;

fn not_nested() -> Result<Value, TaskError> {
    Err(TaskError::new("Unexpected", "a startExecution handler ran"))
}

impl parent::Tasks for NotNested {
    async fn forget(&self, _: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        not_nested()
    }
    async fn sync(&self, _: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        not_nested()
    }
    async fn sync2(&self, _: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        not_nested()
    }
    async fn failing(&self, _: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        not_nested()
    }
}

#[tokio::test]
async fn a_task_starts_and_waits_for_executions_of_another_compiled_machine() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let machines = Arc::new(asl_engine::Machines::new());
    let children = Engine::with_machines(greeter::Machine::new(()), Arc::clone(&store), &machines);
    let parents = Engine::with_machines(
        parent::Machine::new(NotNested),
        Arc::clone(&store),
        &machines,
    );
    let record = parents.run("p", json!({"who": "ann"})).await.unwrap();
    assert_eq!(
        record.position.status,
        ExecutionStatus::Succeeded,
        "{record:?}"
    );
    let output: Value = serde_json::from_str(record.position.output.as_deref().unwrap()).unwrap();
    assert_eq!(output["forget"]["arn"], children.arn("forgotten"));
    assert_eq!(
        output["sync"],
        json!({"status": "SUCCEEDED", "output": r#"{"greeting":"hello ann"}"#})
    );
    assert_eq!(
        output["sync2"],
        json!({"greeting": "hello text", "input": {"who": "text"}})
    );
    assert_eq!(output["failure"]["Error"], "States.TaskFailed");
    let cause: Value = serde_json::from_str(output["failure"]["Cause"].as_str().unwrap()).unwrap();
    assert_eq!(cause["Status"], "FAILED");
    assert_eq!(cause["Error"], "ChildBroke");
    assert_eq!(
        cause["StateMachineArn"],
        "arn:aws:states:us-east-1:123456789012:stateMachine:greeter"
    );
    // The fire-and-forget child, and the others, ran as executions of their own.
    let forgotten = children.wait("forgotten").await.unwrap();
    assert_eq!(
        forgotten.position.output.as_deref(),
        Some(r#"{"greeting":"hello nobody"}"#)
    );
    assert_eq!(children.list().unwrap().len(), 4);
}

/// An account other than the default one.
fn elsewhere() -> Arc<Account> {
    Arc::new(Account::new("eu-west-1", "111122223333").unwrap())
}

#[tokio::test]
async fn nested_executions_name_the_account_of_their_engines() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let machines = Arc::new(asl_engine::Machines::new());
    let children = Engine::with_machines(greeter::Machine::new(()), Arc::clone(&store), &machines)
        .with_account(elsewhere());
    let parents = Engine::with_machines(
        parent::Machine::new(NotNested),
        Arc::clone(&store),
        &machines,
    )
    .with_account(elsewhere());
    let record = parents.run("p", json!({"who": "ann"})).await.unwrap();
    assert_eq!(
        record.identity.arn,
        "arn:aws:states:eu-west-1:111122223333:execution:parent:p"
    );
    let output: Value = serde_json::from_str(record.position.output.as_deref().unwrap()).unwrap();
    assert_eq!(
        output["forget"]["arn"],
        "arn:aws:states:eu-west-1:111122223333:execution:greeter:forgotten"
    );
    assert_eq!(output["forget"]["arn"], children.arn("forgotten"));
    let cause: Value = serde_json::from_str(output["failure"]["Cause"].as_str().unwrap()).unwrap();
    assert_eq!(
        cause["StateMachineArn"],
        "arn:aws:states:eu-west-1:111122223333:stateMachine:greeter"
    );
}

mod located {
    asl_macros::asl!(
        name = "located",
        definition = r#"{
        "StartAt": "Where",
        "States": {
            "Where": {
                "Type": "Pass",
                "Parameters": {"execution.$": "$$.Execution.Id", "machine.$": "$$.StateMachine.Id", "role.$": "$$.Execution.RoleArn"},
                "Next": "Call"
            },
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": null, "End": true}
        }
    }"#
    );
}

struct Nothing;

impl located::Tasks for Nothing {
    async fn call(&self, _: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        Ok(json!({}))
    }
}

/// The execution, state machine and role ARNs an execution of `located` output.
fn located_at(output: &Value) -> [&str; 3] {
    ["execution", "machine", "role"].map(|key| output[key].as_str().unwrap())
}

#[tokio::test]
async fn the_account_given_names_the_arns_in_the_context_object_and_the_history() {
    // In memory: the default account, then another one.
    let machine = located::Machine::new(Nothing);
    let output = machine
        .run_with(RunOptions::default().name("here"), json!({}))
        .await
        .unwrap();
    assert_eq!(
        located_at(&output),
        [
            "arn:aws:states:us-east-1:123456789012:execution:located:here",
            "arn:aws:states:us-east-1:123456789012:stateMachine:located",
            "arn:aws:iam::123456789012:role/service-role/StepFunctions-local",
        ]
    );
    let there = RunOptions::default().name("there").account(elsewhere());
    let output = machine.run_with(there, json!({})).await.unwrap();
    let expected = [
        "arn:aws:states:eu-west-1:111122223333:execution:located:there",
        "arn:aws:states:eu-west-1:111122223333:stateMachine:located",
        "arn:aws:iam::111122223333:role/service-role/StepFunctions-local",
    ];
    assert_eq!(located_at(&output), expected);

    // Under the engine, the history's TaskScheduled names the region too.
    let engine =
        Engine::new(located::Machine::new(Nothing), MemoryStore::new()).with_account(elsewhere());
    assert_eq!(engine.account().region(), "eu-west-1");
    let record = engine.run("there", json!({})).await.unwrap();
    assert_eq!(record.identity.arn, expected[0]);
    let output: Value = serde_json::from_str(record.position.output.as_deref().unwrap()).unwrap();
    assert_eq!(located_at(&output), expected);
    let history = engine.history("there").unwrap();
    let scheduled = history
        .iter()
        .find(|event| event.kind == EventType::TaskScheduled)
        .unwrap();
    assert_eq!(
        serde_json::to_value(scheduled).unwrap()["taskScheduledEventDetails"]["region"],
        "eu-west-1"
    );
    let started = serde_json::to_value(&history[0]).unwrap();
    assert_eq!(
        started["executionStartedEventDetails"]["roleArn"],
        expected[2]
    );
}

#[tokio::test]
async fn bad_input_and_a_damaged_store_are_errors_not_panics() {
    let (engine, _) = engine(Arc::new(MemoryStore::new()));
    let huge = json!({"order": "x".repeat(300 * 1024), "amount": 1});
    let Err(EngineError::InvalidInput(error)) = engine.start("huge", huge).await else {
        panic!("an input over 256 KiB is refused")
    };
    assert_eq!(error.name(), "States.DataLimitExceeded");
    assert_eq!(engine.list().unwrap().len(), 0, "nothing was stored");

    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("not-a-database.db");
    std::fs::write(
        &path,
        b"this is not SQLite, but it is long enough to have a header",
    )
    .unwrap();
    let error = SqliteStore::open(&path).unwrap_err();
    assert!(error.to_string().contains("execution store"), "{error}");
}

/// The name of the machine an engine runs.
fn machine_of(runner: &dyn asl_engine::Runner) -> String {
    runner.machine().to_owned()
}

/// A control over a memory store, with the engines of two machines joined to it.
struct Controlled {
    store: Arc<dyn Store>,
    control: Control,
    mailbox: Arc<Mailbox>,
    approvals: Approvals,
    warehouse: Arc<Warehouse>,
    shipping: Engine<fragile::Machine<Arc<Warehouse>>>,
}

fn controlled() -> Controlled {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let control = Control::new(Arc::clone(&store));
    let mailbox = Arc::new(Mailbox::default());
    let approvals = Engine::with_control(
        approval_callback::Machine::new(Arc::clone(&mailbox)),
        &control,
    );
    let warehouse = Arc::new(Warehouse::default());
    let shipping = Engine::with_control(fragile::Machine::new(Arc::clone(&warehouse)), &control);
    Controlled {
        store,
        control,
        mailbox,
        approvals,
        warehouse,
        shipping,
    }
}

#[tokio::test(start_paused = true)]
async fn a_control_drives_the_executions_of_machines_whose_types_it_does_not_know() {
    let Controlled {
        control,
        mailbox,
        approvals,
        warehouse,
        shipping,
        ..
    } = controlled();
    let reviews = Engine::with_control(review::Machine::new(NoHandler), &control);
    let (approval, fragile, review) = (
        machine_of(&approvals),
        machine_of(&shipping),
        machine_of(&reviews),
    );
    let mut registered = vec![approval.clone(), fragile.clone(), review.clone()];
    registered.sort();
    assert_eq!(control.machine_names(), registered);

    // Started by machine name, or by state machine ARN.
    let asked = control
        .start(&approval, "ask-1", json!({"order": 1}))
        .await
        .unwrap();
    assert_eq!(asked, approvals.arn("ask-1"));
    let machine_arn = format!("arn:aws:states:us-east-1:123456789012:stateMachine:{fragile}");
    let shipped = control
        .start(&machine_arn, "ship-1", json!({}))
        .await
        .unwrap();
    assert_eq!(shipped, shipping.arn("ship-1"));
    let failed = control.wait(&shipped).await.unwrap();
    assert_eq!(failed.position.error.as_deref(), Some("CarrierDown"));
    assert_eq!(control.resume().unwrap(), 0, "both run here already");

    // Described, listed and read from the store.
    assert_eq!(control.describe(&asked).unwrap().identity.name, "ask-1");
    assert_eq!(control.describe("ship-1").unwrap().identity.arn, shipped);
    assert_eq!(shipping.describe(&shipped).unwrap().identity.name, "ship-1");
    let arns = |records: Vec<asl_engine::store::ExecutionRecord>| -> Vec<String> {
        records
            .into_iter()
            .map(|record| record.identity.arn)
            .collect()
    };
    assert_eq!(
        arns(control.list(None, None).unwrap()),
        [asked.clone(), shipped.clone()]
    );
    assert_eq!(
        arns(control.list(Some(&machine_arn), None).unwrap()),
        std::slice::from_ref(&shipped)
    );
    assert_eq!(
        arns(control.list(None, Some(ExecutionStatus::Running)).unwrap()),
        std::slice::from_ref(&asked)
    );
    let history = control.history(&shipped).unwrap();
    asl_tests::assert_numbered(&history);
    assert_eq!(history.first().unwrap().kind, EventType::ExecutionStarted);
    assert_eq!(history.last().unwrap().kind, EventType::ExecutionFailed);

    // A callback Task answered by token, through the control.
    let token = token_in(&mailbox).await;
    control
        .send_task_success(&token, json!({"approved": true}))
        .unwrap();
    let approved = control.wait(&asked).await.unwrap();
    assert_eq!(approved.position.status, ExecutionStatus::Succeeded);
    assert_eq!(
        approved.position.output.as_deref(),
        Some(r#"{"approved":true}"#)
    );
    assert_eq!(
        control.send_task_success(&token, json!({})),
        Err(EngineError::TaskTimedOut)
    );

    // A failed execution redriven, routed to its machine's engine.
    warehouse.carrier_up.store(true, Ordering::SeqCst);
    assert_eq!(control.redrive(&shipped).await.unwrap(), shipped);
    let redriven = control.wait(&shipped).await.unwrap();
    assert_eq!(redriven.position.status, ExecutionStatus::Succeeded);
    assert_eq!(redriven.position.redrive_count, 1);
    assert_eq!(
        control.redrive(&shipped).await,
        Err(EngineError::NotRedrivable(shipped.clone()))
    );

    // A running execution stopped.
    let second = control
        .start(&approval, "ask-2", json!({"order": 2}))
        .await
        .unwrap();
    let stopped = control
        .stop(
            &second,
            Some("Cancelled".into()),
            Some("by the test".into()),
        )
        .await
        .unwrap();
    assert_eq!(stopped.position.status, ExecutionStatus::Aborted);
    assert_eq!(stopped.position.error.as_deref(), Some("Cancelled"));
    assert_eq!(
        control.stop(&second, None, None).await.unwrap(),
        stopped,
        "stopping an ended execution changes nothing"
    );

    // An activity task taken through the control, and answered by its token.
    let reviewed = control
        .start(&review, "doc-1", json!({"doc": 1}))
        .await
        .unwrap();
    let task = control
        .get_activity_task(REVIEW, Duration::from_secs(60))
        .await
        .expect("the task the review engine offers");
    assert_eq!(task.input, json!({"doc": 1}));
    control.send_task_heartbeat(&task.token).unwrap();
    control
        .send_task_success(&task.token, json!({"verdict": "fine"}))
        .unwrap();
    let record = control.wait(&reviewed).await.unwrap();
    assert_eq!(
        record.position.output.as_deref(),
        Some(r#"{"verdict":"fine"}"#)
    );
    assert_eq!(
        control
            .get_activity_task(REVIEW, Duration::from_secs(1))
            .await,
        None
    );
}

#[tokio::test(start_paused = true)]
async fn a_control_refuses_unknown_machines_executions_and_tokens_as_aws_does() {
    let Controlled {
        store,
        control,
        mailbox,
        approvals,
        shipping,
        ..
    } = controlled();
    let approval = machine_of(&approvals);

    assert_eq!(
        control.start("Nowhere", "x", json!({})).await,
        Err(EngineError::StateMachineDoesNotExist("Nowhere".into()))
    );
    let unknown = approvals.arn("nobody");
    assert_eq!(
        control.describe(&unknown),
        Err(EngineError::DoesNotExist(unknown.clone()))
    );
    assert_eq!(
        control.history("nobody"),
        Err(EngineError::DoesNotExist("nobody".into()))
    );
    assert_eq!(
        control.stop(&unknown, None, None).await,
        Err(EngineError::DoesNotExist(unknown.clone()))
    );
    assert_eq!(
        control.redrive(&unknown).await,
        Err(EngineError::DoesNotExist(unknown.clone()))
    );
    assert_eq!(
        control.send_task_success("not-a-token", json!(1)),
        Err(EngineError::InvalidToken("not-a-token".into()))
    );
    use base64::Engine as _;
    let elsewhere =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{unknown}/Ask/2/0"));
    assert_eq!(
        control.send_task_heartbeat(&elsewhere),
        Err(EngineError::TaskDoesNotExist)
    );

    // A name two machines use must be given as an ARN.
    let asked = control
        .start(&approval, "same", json!({"order": 1}))
        .await
        .unwrap();
    let shipped = control
        .start(&machine_of(&shipping), "same", json!({}))
        .await
        .unwrap();
    assert_eq!(
        control.describe("same"),
        Err(EngineError::AmbiguousName {
            name: "same".into(),
            arns: vec![asked.clone(), shipped.clone()]
        })
    );
    // An engine does not answer for another machine's execution.
    assert_eq!(
        approvals.describe(&shipped),
        Err(EngineError::DoesNotExist(shipped.clone()))
    );

    // A control without engines (another process's) reads the store and records
    // answers there, which the engine running the execution picks up; it cannot
    // stop or redrive what it does not run.
    let remote = Control::new(Arc::clone(&store));
    assert_eq!(remote.describe(&asked).unwrap().identity.name, "same");
    assert_eq!(
        remote.stop(&asked, None, None).await,
        Err(EngineError::StateMachineDoesNotExist(approval.clone()))
    );
    let token = token_in(&mailbox).await;
    remote
        .send_task_success(&token, json!("from elsewhere"))
        .unwrap();
    let record = control.wait(&asked).await.unwrap();
    assert_eq!(
        record.position.output.as_deref(),
        Some(r#""from elsewhere""#)
    );
    assert_eq!(
        remote.redrive(&shipped).await,
        Err(EngineError::StateMachineDoesNotExist(machine_of(&shipping)))
    );
}
