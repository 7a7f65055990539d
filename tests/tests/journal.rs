//! The journal of the work inside a state: a Parallel or Map state resumed after a
//! crash, or redriven after a failure, runs only the branches and iterations that
//! did not finish; a retry backoff goes on after a restart; the history records each
//! Task attempt, the Map and Parallel events and the states inside them.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_engine::Engine;
use asl_engine::history::{EventType, HistoryEvent};
use asl_engine::store::{ExecutionStatus, MemoryStore, Store};
use asl_runtime::map::progress;
use asl_runtime::{TaskContext, TaskError};
use asl_store_sqlite::SqliteStore;
use serde_json::{Value, json};

mod fan_out {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrencyPath": "$.concurrency",
                "ItemProcessor": {"StartAt": "Item", "States": {"Item": {
                    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
                "ResultPath": "$.each",
                "Next": "Both"
            },
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Left", "States": {"Left": {
                        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
                    {"StartAt": "Right", "States": {"Right": {
                        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                        "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 3600, "MaxAttempts": 2}],
                        "End": true}}}
                ],
                "ResultPath": "$.both",
                "End": true
            }
        }
    }"#
    );
}

/// The handlers: each call is logged by its idempotency key; an item in `hang`
/// never finishes, one in `fail` (or `"left"`, `"right"` there) fails with `Bad`,
/// and `"flaky"` there makes Right's first attempt fail with `Flaky`.
#[derive(Default)]
struct Work {
    calls: Mutex<Vec<String>>,
    hang: Mutex<HashSet<String>>,
    fail: Mutex<HashSet<String>>,
}

impl Work {
    fn with(fail: &[&str], hang: &[&str]) -> Arc<Work> {
        let set = |names: &[&str]| names.iter().map(|name| (*name).to_owned()).collect();
        Arc::new(Work {
            calls: Mutex::default(),
            hang: Mutex::new(set(hang)),
            fail: Mutex::new(set(fail)),
        })
    }

    async fn call(&self, name: String, task: &TaskContext<'_>) -> Result<(), TaskError> {
        self.calls.lock().unwrap().push(task.idempotency_key());
        if self.hang.lock().unwrap().contains(&name) {
            std::future::pending::<()>().await;
        }
        if self.fail.lock().unwrap().contains(&name) {
            return Err(TaskError::new("Bad", format!("{name} failed")));
        }
        Ok(())
    }

    /// The keys of the calls whose key holds `part`.
    fn calls_of(&self, part: &str) -> Vec<String> {
        let calls = self.calls.lock().unwrap();
        calls
            .iter()
            .filter(|key| key.contains(part))
            .cloned()
            .collect()
    }
}

impl fan_out::Tasks for Arc<Work> {
    async fn item(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        self.call(input.to_string(), &task).await?;
        Ok(json!(input.as_u64().unwrap_or(0) * 10))
    }

    async fn left(&self, _: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        self.call("left".into(), &task).await?;
        Ok(json!("left"))
    }

    async fn right(&self, _: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        if task.retry_count() == 0 && self.fail.lock().unwrap().contains("flaky") {
            self.calls.lock().unwrap().push(task.idempotency_key());
            return Err(TaskError::new("Flaky", "the first attempt fails"));
        }
        self.call("right".into(), &task).await?;
        Ok(json!("right"))
    }
}

type FanOut = Engine<fan_out::Machine<Arc<Work>>>;

fn engine(store: &Arc<dyn Store>, work: &Arc<Work>) -> FanOut {
    Engine::with_store(fan_out::Machine::new(Arc::clone(work)), Arc::clone(store))
}

fn kinds(history: &[HistoryEvent]) -> Vec<EventType> {
    history.iter().map(|event| event.kind).collect()
}

fn sqlite(directory: &tempfile::TempDir) -> Arc<dyn Store> {
    Arc::new(SqliteStore::open(directory.path().join("executions.db")).unwrap())
}

/// A runtime for one process's life: on tokio's paused clock when `paused`.
fn runtime(paused: bool) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(paused)
        .build()
        .unwrap()
}

/// After a restart: resumes `engine`'s executions and waits for `name` to end;
/// returns it and how long that took on tokio's clock.
async fn resumed_until_end<W>(
    engine: &Engine<W>,
    name: &str,
) -> (asl_engine::store::ExecutionRecord, Duration)
where
    W: asl_runtime::Workflow + Send + 'static,
    W::State: serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    let started = tokio::time::Instant::now();
    engine.resume().unwrap();
    let record = engine.wait(name).await.unwrap();
    (record, started.elapsed())
}

/// Runs `run` on a fresh runtime (real clock), then drops the runtime with whatever
/// it still runs, as a crash would.
fn crash_after(run: impl std::future::Future<Output = ()>) {
    let runtime = runtime(false);
    runtime.block_on(run);
    runtime.shutdown_background();
}

/// Waits (on the real clock) until `done` holds.
async fn until(mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[test]
fn a_map_resumed_after_a_crash_runs_only_the_iterations_that_had_not_finished() {
    let directory = tempfile::tempdir().unwrap();
    let store = sqlite(&directory);
    let before = Work::with(&[], &["3"]);
    crash_after(async {
        let engine = engine(&store, &before);
        let input = json!({"items": [1, 2, 3, 4], "concurrency": 4});
        engine.start("m", input).await.unwrap();
        until(|| before.calls_of("/Item/").len() == 4).await;
        // The outputs of items 1, 2 and 4 are noted once their calls returned.
        tokio::time::sleep(Duration::from_millis(100)).await;
    });
    let arn = store.executions().unwrap()[0].identity.arn.clone();
    assert_eq!(
        before.calls_of("[0]/"),
        [format!("{arn}/Each@2.0[0]/Item/2/0")],
        "an iteration's Task key names the Map entry and the item"
    );

    let after = Work::with(&[], &[]);
    let runtime = runtime(false);
    let record = runtime.block_on(async {
        let engine = engine(&store, &after);
        assert_eq!(engine.resume().unwrap(), 1);
        engine.wait("m").await.unwrap()
    });
    assert_eq!(record.position.status, ExecutionStatus::Succeeded);
    let output: Value = serde_json::from_str(record.position.output.as_deref().unwrap()).unwrap();
    assert_eq!(output["each"], json!([10, 20, 30, 40]));
    assert_eq!(
        after.calls_of("/Item/"),
        [format!("{arn}/Each@2.0[2]/Item/2/0")],
        "only item 3 runs again"
    );
    // The history shows all four iterations, those kept from before the crash too.
    let history = store.history(&arn).unwrap();
    let iterations = |kind| history.iter().filter(|event| event.kind == kind).count();
    assert_eq!(iterations(EventType::MapIterationStarted), 4);
    assert_eq!(iterations(EventType::MapIterationSucceeded), 4);
    // With the states inside them: four items, then Left and Right.
    assert_eq!(iterations(EventType::TaskSucceeded), 6);
}

#[tokio::test]
async fn the_history_records_map_iterations_and_parallel_states_as_aws_does() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let work = Work::with(&[], &[]);
    let engine = engine(&store, &work);
    let record = engine
        .run("h", json!({"items": [1, 2], "concurrency": 1}))
        .await
        .unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Succeeded);
    let history = engine.history("h").unwrap();
    use EventType::*;
    let task = [
        TaskStateEntered,
        TaskScheduled,
        TaskStarted,
        TaskSucceeded,
        TaskStateExited,
    ];
    let expected: Vec<EventType> = [ExecutionStarted, MapStateEntered, MapStateStarted]
        .into_iter()
        .chain([MapIterationStarted])
        .chain(task)
        .chain([MapIterationSucceeded, MapIterationStarted])
        .chain(task)
        .chain([MapIterationSucceeded, MapStateSucceeded, MapStateExited])
        .chain([ParallelStateEntered, ParallelStateStarted])
        .chain(task)
        .chain(task)
        .chain([
            ParallelStateSucceeded,
            ParallelStateExited,
            ExecutionSucceeded,
        ])
        .collect();
    assert_eq!(kinds(&history), expected);
    let json = |index: usize| serde_json::to_value(&history[index]).unwrap();
    assert_eq!(json(2)["mapStateStartedEventDetails"], json!({"length": 2}));
    assert_eq!(
        json(10)["mapIterationStartedEventDetails"],
        json!({"name": "Each", "index": 1})
    );
    // The states inside an iteration, with their input and output.
    assert_eq!(
        json(11)["stateEnteredEventDetails"],
        json!({"name": "Item", "input": "2", "inputDetails": {"truncated": false}})
    );
    assert_eq!(json(15)["stateExitedEventDetails"]["output"], "20");
    assert_eq!(
        json(17).as_object().unwrap().len(),
        4,
        "MapStateSucceeded has no details: {}",
        json(17)
    );
    asl_tests::assert_numbered(&history);
    // What is stored reads back as it was written.
    let text = serde_json::to_string(&history).unwrap();
    let back: Vec<HistoryEvent> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, history);
}

#[tokio::test]
async fn a_redrive_runs_only_the_failed_iterations_and_branches() {
    let directory = tempfile::tempdir().unwrap();
    for store in [
        Arc::new(MemoryStore::new()) as Arc<dyn Store>,
        sqlite(&directory),
    ] {
        let work = Work::with(&["2", "right"], &[]);
        let engine = engine(&store, &work);
        let input = json!({"items": [1, 2, 3], "concurrency": 1});
        let failed = engine.run("r", input).await.unwrap();
        assert_eq!(failed.position.status, ExecutionStatus::Failed);
        assert_eq!(failed.position.error.as_deref(), Some("Bad"));
        assert_eq!(work.calls_of("/Item/").len(), 2, "item 3 never started");

        // The first redrive runs items 2 and 3 (1 had succeeded), then fails in
        // the Parallel state's Right branch.
        work.fail.lock().unwrap().remove("2");
        engine.redrive("r").await.unwrap();
        let again = engine.wait("r").await.unwrap();
        assert_eq!(again.position.status, ExecutionStatus::Failed);
        assert_eq!(work.calls_of("[0]/Item/").len(), 1, "item 1 is kept");
        assert_eq!(work.calls_of("[1]/Item/").len(), 2);
        assert_eq!(work.calls_of("[2]/Item/").len(), 1);
        assert_eq!(work.calls_of("/Left/").len(), 1);

        // The second redrive runs only the branch that failed.
        work.fail.lock().unwrap().remove("right");
        engine.redrive("r").await.unwrap();
        let done = engine.wait("r").await.unwrap();
        assert_eq!(done.position.status, ExecutionStatus::Succeeded);
        assert_eq!(done.position.redrive_count, 2);
        assert_eq!(
            done.position.output.as_deref(),
            Some(r#"{"items":[1,2,3],"concurrency":1,"each":[10,20,30],"both":["left","right"]}"#)
        );
        assert_eq!(work.calls_of("/Right/").len(), 2);
        assert_eq!(
            work.calls_of("/Left/").len(),
            1,
            "the branch that succeeded is kept"
        );
        assert_eq!(work.calls_of("/Item/").len(), 4);
    }
}

#[test]
fn a_retry_backoff_goes_on_after_a_restart_and_the_failed_attempt_is_not_run_again() {
    let directory = tempfile::tempdir().unwrap();
    let store = sqlite(&directory);
    let before = Work::with(&["flaky"], &[]);
    crash_after(async {
        let engine = engine(&store, &before);
        let input = json!({"items": [], "concurrency": 1});
        engine.start("b", input).await.unwrap();
        until(|| !before.calls_of("/Right/").is_empty()).await;
        // The retry is noted before its backoff starts.
        tokio::time::sleep(Duration::from_millis(100)).await;
    });
    assert_eq!(before.calls_of("/Right/").len(), 1);

    let after = Work::with(&[], &[]);
    let paused = runtime(true);
    paused.block_on(async {
        let engine = engine(&store, &after);
        let (record, waited) = resumed_until_end(&engine, "b").await;
        assert_eq!(record.position.status, ExecutionStatus::Succeeded);
        assert!(
            waited <= Duration::from_secs(3600) && waited > Duration::from_secs(3590),
            "the rest of the hour's backoff: {waited:?}"
        );
        let right = after.calls_of("/Right/");
        assert_eq!(right.len(), 1, "{right:?}");
        assert!(
            right[0].ends_with("/Right/2/1"),
            "the second attempt: {right:?}"
        );
        assert_eq!(
            after.calls_of("/Left/").len(),
            0,
            "the Left branch had finished"
        );
        // Inside the branch too, the failed attempt stays in the history.
        let failed: Vec<String> = engine
            .history("b")
            .unwrap()
            .iter()
            .filter(|event| event.kind == EventType::TaskFailed)
            .map(|event| {
                serde_json::to_value(event).unwrap()["taskFailedEventDetails"]["error"].to_string()
            })
            .collect();
        assert_eq!(failed, [r#""Flaky""#]);
    });
}

mod charge {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Charge",
        "States": {
            "Charge": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"amount.$": "$.amount"},
                "TimeoutSeconds": 5,
                "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 2}],
                "ResultSelector": {"paid.$": "$.paid"},
                "ResultPath": "$.charge",
                "End": true
            }
        }
    }"#
    );
}

/// Fails the first attempt, stalls past the timeout in the second, pays in the third.
struct Gateway;

impl charge::Tasks for Gateway {
    async fn charge(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        match task.retry_count() {
            0 => Err(TaskError::new("Unavailable", "try again")),
            1 => std::future::pending().await,
            _ => Ok(json!({"paid": input["amount"], "receipt": "r-1"})),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn each_task_attempt_is_recorded_with_its_parameters_and_result() {
    let engine = Engine::new(charge::Machine::new(Gateway), MemoryStore::new());
    let record = engine.run("c", json!({"amount": 5})).await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Succeeded);
    let history = engine.history("c").unwrap();
    use EventType::*;
    assert_eq!(
        kinds(&history),
        [
            ExecutionStarted,
            TaskStateEntered,
            TaskScheduled,
            TaskStarted,
            TaskFailed,
            TaskScheduled,
            TaskStarted,
            TaskTimedOut,
            TaskScheduled,
            TaskStarted,
            TaskSucceeded,
            TaskStateExited,
            ExecutionSucceeded
        ]
    );
    let json = |index: usize| serde_json::to_value(&history[index]).unwrap();
    assert_eq!(
        json(2)["taskScheduledEventDetails"]["parameters"],
        r#"{"amount":5}"#,
        "the Task's Parameters, not the state input"
    );
    assert_eq!(
        json(4)["taskFailedEventDetails"],
        json!({"resourceType": "lambda", "resource": "invoke", "error": "Unavailable", "cause": "try again"})
    );
    assert_eq!(
        json(7)["taskTimedOutEventDetails"]["error"],
        "States.Timeout"
    );
    assert_eq!(
        json(10)["taskSucceededEventDetails"]["output"],
        r#"{"paid":5,"receipt":"r-1"}"#,
        "the handler's result, before ResultSelector"
    );
    assert_eq!(
        json(11)["stateExitedEventDetails"]["output"],
        r#"{"amount":5,"charge":{"paid":5}}"#
    );
}

/// Found by the crash test of `asl serve`: the events of the attempts that failed
/// were kept in memory only, so a restart during a backoff lost them from the
/// history (which then showed one attempt for `$$.State.RetryCount` 2).
#[test]
fn the_attempts_that_failed_stay_in_the_history_across_a_restart_in_a_backoff() {
    let directory = tempfile::tempdir().unwrap();
    let store = sqlite(&directory);
    crash_after(async {
        let engine = Engine::with_store(charge::Machine::new(Gateway), Arc::clone(&store));
        engine.start("c", json!({"amount": 5})).await.unwrap();
        // The first attempt fails at once; its retry is noted before the backoff.
        tokio::time::sleep(Duration::from_millis(300)).await;
    });
    runtime(true).block_on(async {
        let engine = Engine::with_store(charge::Machine::new(Gateway), Arc::clone(&store));
        let (record, _) = resumed_until_end(&engine, "c").await;
        assert_eq!(record.position.status, ExecutionStatus::Succeeded);
        let history = engine.history("c").unwrap();
        use EventType::*;
        assert_eq!(
            kinds(&history),
            [
                ExecutionStarted,
                TaskStateEntered,
                TaskScheduled,
                TaskStarted,
                TaskFailed,
                TaskScheduled,
                TaskStarted,
                TaskTimedOut,
                TaskScheduled,
                TaskStarted,
                TaskSucceeded,
                TaskStateExited,
                ExecutionSucceeded
            ]
        );
        let ids: Vec<u64> = history.iter().map(|event| event.id).collect();
        assert_eq!(ids, (1..=13).collect::<Vec<_>>());
        let failed = serde_json::to_value(&history[4]).unwrap();
        assert_eq!(failed["taskFailedEventDetails"]["error"], "Unavailable");
    });
}

mod review {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Review",
        "States": {
            "Review": {
                "Type": "Task",
                "Resource": "arn:aws:states:us-east-1:123456789012:activity:review",
                "HeartbeatSeconds": 4,
                "End": true
            }
        }
    }"#
    );
}

/// Under the engine an activity's work is done by workers, not by a handler.
struct Workers;

impl review::Tasks for Workers {
    async fn review(&self, _: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        Err(TaskError::new(
            "Unexpected",
            "the handler of an activity ran",
        ))
    }
}

const REVIEW: &str = "arn:aws:states:us-east-1:123456789012:activity:review";

/// Starts execution `name` of the review machine and has a worker take its task;
/// after `before_beat` a heartbeat is sent, and `after_beat` later the process
/// crashes. Returns the task's token.
fn take_review_then_crash(
    store: &Arc<dyn Store>,
    name: &str,
    before_beat: Duration,
    after_beat: Duration,
) -> String {
    let mut token = String::new();
    crash_after(async {
        let engine = Engine::with_store(review::Machine::new(Workers), Arc::clone(store));
        engine.start(name, json!({"doc": name})).await.unwrap();
        let task = engine.get_activity_task(REVIEW).await.unwrap();
        tokio::time::sleep(before_beat).await;
        engine.send_task_heartbeat(&task.token).unwrap();
        tokio::time::sleep(after_beat).await;
        token = task.token;
    });
    token
}

#[test]
fn an_activity_task_taken_by_a_worker_is_not_offered_again_after_a_restart() {
    let directory = tempfile::tempdir().unwrap();
    let store = sqlite(&directory);
    let token = take_review_then_crash(&store, "doc", Duration::ZERO, Duration::ZERO);

    let paused = runtime(true);
    paused.block_on(async {
        let engine = Engine::with_store(review::Machine::new(Workers), Arc::clone(&store));
        engine.resume().unwrap();
        let answer = {
            let engine = engine.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(2)).await;
                engine.send_task_success(&token, json!({"verdict": "fine"}))
            }
        };
        let (offered, answered) = tokio::join!(engine.get_activity_task(REVIEW), answer);
        assert_eq!(offered, None, "the leased task is not offered again");
        answered.unwrap();
        let record = engine.wait("doc").await.unwrap();
        assert_eq!(record.position.status, ExecutionStatus::Succeeded);
        let history = engine.history("doc").unwrap();
        use EventType::*;
        assert_eq!(
            kinds(&history),
            [
                ExecutionStarted,
                TaskStateEntered,
                ActivityScheduled,
                ActivityStarted,
                ActivitySucceeded,
                TaskStateExited,
                ExecutionSucceeded
            ]
        );
        let scheduled = serde_json::to_value(&history[2]).unwrap();
        assert_eq!(
            scheduled["activityScheduledEventDetails"],
            json!({"resource": REVIEW, "input": r#"{"doc":"doc"}"#, "inputDetails": {"truncated": false}})
        );
    });
}

mod ask {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"token.$": "$$.Task.Token"},
                "End": true
            }
        }
    }"#
    );
}

/// Hands each callback's token out (here: keeps it).
#[derive(Default)]
struct Asker(Mutex<Option<String>>);

impl ask::Tasks for Arc<Asker> {
    async fn ask(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        *self.0.lock().unwrap() = input["token"].as_str().map(str::to_owned);
        Ok(json!({"MessageId": "m-1"}))
    }
}

/// Found by the crash test of `asl serve`: a Task resumed after a restart with its
/// answer recorded (sent to the store while no process ran it) returned the answer
/// without the events of what had happened before the restart: the callback
/// handler's `TaskSubmitted`, the worker's taking of the activity task
/// (`ActivityStarted`).
#[test]
fn a_task_resumed_with_its_answer_recorded_keeps_its_events() {
    // A store each: both machines are named `workflow`.
    let (directory, reviews) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (store, reviews) = (sqlite(&directory), sqlite(&reviews));
    let asker = Arc::new(Asker::default());
    crash_after(async {
        let engine = Engine::with_store(ask::Machine::new(Arc::clone(&asker)), Arc::clone(&store));
        engine.start("asked", json!({})).await.unwrap();
        until(|| asker.0.lock().unwrap().is_some()).await;
        // The handler's answer is noted before the state waits.
        tokio::time::sleep(Duration::from_millis(100)).await;
    });
    let review = take_review_then_crash(&reviews, "reviewed", Duration::ZERO, Duration::ZERO);
    // Answered while no engine runs them (as `asl executions send-task-success`).
    let token = asker.0.lock().unwrap().clone().unwrap();
    let control = asl_engine::Control::new(Arc::clone(&store));
    control.send_task_success(&token, json!("yes")).unwrap();
    let control = asl_engine::Control::new(Arc::clone(&reviews));
    control.send_task_success(&review, json!("fine")).unwrap();

    runtime(true).block_on(async {
        use EventType::*;
        let engine = Engine::with_store(
            ask::Machine::new(Arc::new(Asker::default())),
            Arc::clone(&store),
        );
        let (record, _) = resumed_until_end(&engine, "asked").await;
        assert_eq!(record.position.output.as_deref(), Some(r#""yes""#));
        let history = engine.history("asked").unwrap();
        let inside = [TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded];
        assert_eq!(kinds(&history)[2..6], inside);
        let submitted = serde_json::to_value(&history[4]).unwrap();
        assert_eq!(
            submitted["taskSubmittedEventDetails"]["output"],
            r#"{"MessageId":"m-1"}"#
        );

        let engine = Engine::with_store(review::Machine::new(Workers), Arc::clone(&reviews));
        let (record, _) = resumed_until_end(&engine, "reviewed").await;
        assert_eq!(record.position.output.as_deref(), Some(r#""fine""#));
        let history = engine.history("reviewed").unwrap();
        let inside = [ActivityScheduled, ActivityStarted, ActivitySucceeded];
        assert_eq!(kinds(&history)[2..5], inside);
    });
}

#[test]
fn heartbeat_seconds_count_from_the_last_heartbeat_across_a_restart() {
    let directory = tempfile::tempdir().unwrap();
    let store = sqlite(&directory);
    // Entered at 0 s, a heartbeat at 1 s, a crash at 2 s: 4 s after the heartbeat,
    // at 5 s, the Task times out.
    take_review_then_crash(
        &store,
        "slow",
        Duration::from_secs(1),
        Duration::from_secs(1),
    );
    let resumed_at = std::time::Instant::now();

    let paused = runtime(true);
    paused.block_on(async {
        let engine = Engine::with_store(review::Machine::new(Workers), Arc::clone(&store));
        let restart = resumed_at.elapsed();
        let (record, waited) = resumed_until_end(&engine, "slow").await;
        assert_eq!(record.position.error.as_deref(), Some("States.Timeout"));
        // 3 s after the crash (counting the real time the restart took): neither
        // the 4 s a fresh clock would give, nor the 2 s counted from entry.
        let waited = waited + restart;
        assert!(
            waited > Duration::from_millis(2500) && waited < Duration::from_millis(3100),
            "{waited:?}"
        );
    });
}

mod pauses {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {"StartAt": "Pause", "States": {
                    "Pause": {"Type": "Wait", "Seconds": 3600, "End": true}}},
                "End": true
            }
        }
    }"#
    );
}

#[test]
fn a_wait_inside_a_map_iteration_waits_only_what_is_left_after_a_restart() {
    let directory = tempfile::tempdir().unwrap();
    let store = sqlite(&directory);
    crash_after(async {
        let engine = Engine::with_store(pauses::Machine::new(()), Arc::clone(&store));
        engine.start("w", json!([1])).await.unwrap();
        let due = format!("{}/Each@2.0[0]/Pause/2/wait", engine.arn("w"));
        until(|| store.noted(&due).unwrap().is_some()).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    });

    let paused = runtime(true);
    paused.block_on(async {
        let engine = Engine::with_store(pauses::Machine::new(()), Arc::clone(&store));
        let (record, waited) = resumed_until_end(&engine, "w").await;
        assert_eq!(record.position.status, ExecutionStatus::Succeeded);
        assert!(
            waited > Duration::from_secs(3590) && waited < Duration::from_millis(3_599_950),
            "the rest of the hour: {waited:?}"
        );
    });
}

mod distributed {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "MaxConcurrency": 4,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Item",
                    "States": {"Item": {
                        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}
                },
                "End": true
            }
        }
    }"#
    );
}

impl distributed::Tasks for Arc<Work> {
    async fn item(&self, input: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        self.call(input.to_string(), &task).await?;
        Ok(json!(input.as_u64().unwrap_or(0) * 10))
    }
}

#[test]
fn a_distributed_map_resumed_after_a_crash_runs_only_the_children_that_had_not_finished() {
    let directory = tempfile::tempdir().unwrap();
    let store = sqlite(&directory);
    let before = Work::with(&[], &["3"]);
    crash_after(async {
        let engine = Engine::with_store(
            distributed::Machine::new(Arc::clone(&before)),
            Arc::clone(&store),
        );
        engine.start("d", json!([1, 2, 3, 4])).await.unwrap();
        until(|| before.calls_of("/Item/").len() == 4).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    });

    let after = Work::with(&[], &[]);
    let runtime = runtime(false);
    let record = runtime.block_on(async {
        let engine = Engine::with_store(
            distributed::Machine::new(Arc::clone(&after)),
            Arc::clone(&store),
        );
        engine.resume().unwrap();
        engine.wait("d").await.unwrap()
    });
    assert_eq!(record.position.status, ExecutionStatus::Succeeded);
    assert_eq!(record.position.output.as_deref(), Some("[10,20,30,40]"));
    let again = after.calls_of("/Item/");
    assert_eq!(
        again.len(),
        1,
        "only the child of item 3 runs again: {again:?}"
    );
    // The same Map Run: the child keeps its name.
    let child = |calls: Vec<String>| calls.into_iter().find(|key| key.contains("-2/Item/"));
    assert_eq!(child(before.calls_of("/Item/")), Some(again[0].clone()));
    // Listed once for its execution (ListMapRuns), and described as it ended, with
    // the children that finished before the crash counted.
    let listed = store
        .notes_under(&progress::index_prefix(&record.identity.arn))
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let map_run = listed[0]
        .0
        .rsplit_once(":arn:")
        .map(|(_, rest)| format!("arn:{rest}"));
    let noted = store
        .noted(&progress::record_key(&map_run.unwrap()))
        .unwrap()
        .unwrap();
    let described: progress::Record = serde_json::from_str(&noted).unwrap();
    assert_eq!(described.status, progress::Status::Succeeded);
    assert_eq!(described.execution_counts.succeeded, 4);
    assert_eq!(described.execution_counts.total, 4);
    assert_eq!(described.execution_counts.running, 0);
}

mod caught {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Outer",
        "States": {
            "Outer": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "Each", "States": {
                    "Each": {
                        "Type": "Map",
                        "ItemsPath": "$.items",
                        "ItemProcessor": {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Bad"}}},
                        "Catch": [{"ErrorEquals": ["Bad"], "Next": "Saved"}],
                        "End": true
                    },
                    "Saved": {"Type": "Fail", "Error": "Worse"}
                }}],
                "Catch": [{"ErrorEquals": ["Worse"], "Next": "Done"}],
                "End": true
            },
            "Done": {"Type": "Succeed"}
        }
    }"#
    );
}

/// A Map or Parallel whose failure its Catch catches records `...StateFailed`, as
/// AWS does, then `...StateExited` and the catcher's state: at the top level and
/// inside a branch.
#[tokio::test]
async fn a_caught_map_or_parallel_failure_records_state_failed() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let engine = Engine::with_store(caught::Machine::new(()), Arc::clone(&store));
    let record = engine.run("c", json!({"items": [1]})).await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Succeeded);
    use EventType::*;
    assert_eq!(
        kinds(&engine.history("c").unwrap()),
        [
            ExecutionStarted,
            ParallelStateEntered,
            ParallelStateStarted,
            MapStateEntered,
            MapStateStarted,
            MapIterationStarted,
            FailStateEntered,
            MapIterationFailed,
            MapStateFailed,
            MapStateExited,
            FailStateEntered,
            ParallelStateFailed,
            ParallelStateExited,
            SucceedStateEntered,
            SucceedStateExited,
            ExecutionSucceeded,
        ]
    );
}

mod map_run {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Check",
                    "States": {"Check": {"Type": "Choice",
                        "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "Bad"}],
                        "Default": "Good"},
                        "Bad": {"Type": "Fail", "Error": "Zero", "Cause": "item is zero"},
                        "Good": {"Type": "Succeed"}}
                },
                "End": true
            }
        }
    }"#
    );
}

/// A Distributed Map records its Map Run: `MapRunStarted` with the run's ARN, then
/// `MapRunSucceeded`, or `MapRunFailed` with the error, inside its Map state's
/// events, as AWS does.
#[tokio::test]
async fn a_distributed_map_records_its_map_run() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let engine = Engine::with_store(map_run::Machine::new(()), Arc::clone(&store));
    let record = engine.run("ok", json!({"items": [1, 2]})).await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Succeeded);
    let history = engine.history("ok").unwrap();
    use EventType::*;
    assert_eq!(
        kinds(&history),
        [
            ExecutionStarted,
            MapStateEntered,
            MapStateStarted,
            MapRunStarted,
            MapRunSucceeded,
            MapStateSucceeded,
            MapStateExited,
            ExecutionSucceeded,
        ]
    );
    let started = serde_json::to_value(&history[3]).unwrap();
    let arn = started["mapRunStartedEventDetails"]["mapRunArn"]
        .as_str()
        .unwrap();
    assert!(
        arn.starts_with("arn:aws:states:us-east-1:123456789012:mapRun:"),
        "{arn}"
    );

    let record = engine.run("bad", json!({"items": [1, 0]})).await.unwrap();
    assert_eq!(record.position.status, ExecutionStatus::Failed);
    let history = engine.history("bad").unwrap();
    assert_eq!(
        kinds(&history),
        [
            ExecutionStarted,
            MapStateEntered,
            MapStateStarted,
            MapRunStarted,
            MapRunFailed,
            MapStateFailed,
            ExecutionFailed,
        ]
    );
    // The Map Run fails with the error the Map state fails with.
    let details =
        |index: usize, key: &str| serde_json::to_value(&history[index]).unwrap()[key].clone();
    assert_eq!(
        details(4, "mapRunFailedEventDetails"),
        details(6, "executionFailedEventDetails")
    );
    assert_eq!(details(4, "mapRunFailedEventDetails")["error"], "Zero");
}
