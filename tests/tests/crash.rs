//! The crash test: a child process (`durable_workload`) runs many executions on a
//! SQLite store and is SIGKILLed at seeded random moments, at least 100 times, then
//! restarted to finish. The test then checks that every execution ended with the
//! output an uninterrupted in-memory run gives, that each history is numbered without
//! gap or duplicate, that every checkpoint the child saw acknowledged is in the
//! database, that every Task the histories show was called (at least once, more only
//! when a kill came before its result was committed; the callback Task is answered by
//! an approver in the child), that nothing the journal noted as done (a Parallel
//! branch, a Map iteration, a Task's failed first attempt) ran again in a later
//! process, and that SQLite's `integrity_check` is ok.
//!
//! `ASL_CRASH_SEED`, `ASL_CRASH_KILLS` and `ASL_CRASH_EXECUTIONS` change the seed, the
//! number of kills and of executions; a longer soak:
//! `ASL_CRASH_KILLS=2000 ASL_CRASH_EXECUTIONS=200 cargo test -p asl-tests --test crash -- --nocapture`.

use std::collections::{HashMap, HashSet};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use asl_engine::history::{Details, EventType, HistoryEvent};
use asl_engine::store::{ExecutionStatus, Store};
use asl_store_sqlite::SqliteStore;
use asl_tests::workload;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// SplitMix64: a small seeded generator for the kill times.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn executions_survive_being_killed_at_random_points() {
    let seed = setting("ASL_CRASH_SEED", 20_261_129);
    let kills = setting("ASL_CRASH_KILLS", 100);
    let count = setting("ASL_CRASH_EXECUTIONS", 40);
    println!("crash test: seed {seed}, {kills} kills, {count} executions");
    let directory = tempfile::tempdir().unwrap();
    let database = directory.path().join("executions.db");
    let log = directory.path().join("log");
    let child = |generation: u64| {
        Command::new(env!("CARGO_BIN_EXE_durable_workload"))
            .arg(&database)
            .arg(count.to_string())
            .arg(&log)
            .arg(generation.to_string())
            .stdin(Stdio::null())
            .spawn()
            .unwrap()
    };
    let started = Instant::now();
    let mut random = seed;
    for generation in 0..kills {
        let mut running = child(generation);
        std::thread::sleep(Duration::from_millis(5 + next(&mut random) % 400));
        // Child::kill sends SIGKILL.
        running.kill().unwrap();
        running.wait().unwrap();
    }
    let killed_for = started.elapsed();
    let ended_before = SqliteStore::open(&database)
        .unwrap()
        .executions()
        .unwrap()
        .iter()
        .filter(|record| record.position.status != ExecutionStatus::Running)
        .count();
    let mut last = child(kills);
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = last.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the last run did not end");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "the last run failed: {status}");

    let expected = expected_outputs(count);
    let store = SqliteStore::open(&database).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let (acks, notes, calls) = read_log(&std::fs::read_to_string(&log).unwrap());

    let arns: HashMap<String, String> = store
        .executions()
        .unwrap()
        .into_iter()
        .map(|record| (record.identity.name, record.identity.arn))
        .collect();
    let arn = |n: u64| arns[&format!("e{n}")].clone();
    assert_eq!(arns.len() as u64, count, "every execution is stored once");
    let mut histories = HashMap::new();
    for n in 0..count {
        let record = store.execution(&arn(n)).unwrap().unwrap();
        assert_eq!(record.position.status, ExecutionStatus::Succeeded, "e{n}");
        let output: serde_json::Value =
            serde_json::from_str(record.position.output.as_deref().unwrap()).unwrap();
        assert_eq!(output, expected[n as usize], "e{n}");
        let history = store.history(&arn(n)).unwrap();
        asl_tests::assert_numbered(&history);
        assert_eq!(history[0].kind, EventType::ExecutionStarted);
        assert_eq!(history.last().unwrap().kind, EventType::ExecutionSucceeded);
        histories.insert(arn(n), (record, history));
    }

    // Every acknowledged checkpoint was persisted.
    for (arn, seq, last_event_id) in &acks.all {
        let (record, history) = &histories[arn];
        assert!(record.position.seq >= *seq, "{arn} lost checkpoint {seq}");
        assert!(
            history.len() as u64 >= *last_event_id,
            "{arn} lost events up to {last_event_id}"
        );
    }

    // Every Task the histories show ran was called; a call repeats only in a later
    // process, and only when no checkpoint past the Task's entry was acknowledged
    // before that process started.
    for (arn, (_, history)) in &histories {
        for (entered, name) in top_level_tasks(history) {
            let prefix = format!("{arn}/{name}/{}/", entered.id);
            let generations: Vec<u64> = calls
                .iter()
                .filter(|(_, key)| key.starts_with(&prefix))
                .map(|(generation, _)| *generation)
                .collect();
            assert!(!generations.is_empty(), "{prefix} was never called");
            let first_ack_past = acks.first_past(arn, entered.id);
            for generation in &generations {
                assert!(
                    first_ack_past.is_none_or(|acked| *generation <= acked),
                    "{prefix} ran again in process {generation} after its result was committed"
                );
            }
        }
        for state in ["Left", "Item"] {
            if history
                .iter()
                .any(|event| event.kind == EventType::ExecutionSucceeded)
            {
                let called = calls.iter().any(|(_, key)| {
                    key.starts_with(&format!("{arn}/")) && key.contains(&format!("/{state}/"))
                });
                let needed = state == "Left" || !expected_items_empty(arn);
                assert!(called || !needed, "{arn}: {state} was never called");
            }
        }
    }
    // Nothing the journal noted as done runs again in a later process: a Parallel
    // branch or Map iteration whose output was noted, or the first attempt of a Task
    // whose retry was noted.
    for (noted_in, key) in &notes {
        let done = match key.strip_suffix("/retry") {
            Some(entry) => format!("{entry}/0"),
            None => format!("{key}/"),
        };
        for (generation, call) in &calls {
            assert!(
                generation <= noted_in || !call.starts_with(&done),
                "{call} ran in process {generation} after {key} was noted in {noted_in}"
            );
        }
    }
    let mut seen = HashSet::new();
    for call in &calls {
        assert!(
            seen.insert(call),
            "{call:?} was called twice in one process"
        );
    }
    let keys: HashSet<&String> = calls.iter().map(|(_, key)| key).collect();
    let repeated = calls.len() - keys.len();
    println!(
        "crash test: {kills} kills in {killed_for:?} ({ended_before} executions ended by then), \
         then the last run finished the rest in {:?}; {} checkpoints and {} notes acknowledged, \
         {} task calls, {repeated} repeated after a kill",
        started.elapsed() - killed_for,
        acks.all.len(),
        notes.len(),
        calls.len(),
    );
}

/// The `TaskStateEntered` events of the top-level machine's Task states (not those
/// inside Parallel branches and Map iterations), with the states' names.
fn top_level_tasks(history: &[HistoryEvent]) -> Vec<(&HistoryEvent, &String)> {
    let mut depth = 0;
    let mut tasks = Vec::new();
    for event in history {
        match (&event.kind, &event.details) {
            (EventType::MapStateStarted | EventType::ParallelStateStarted, _) => depth += 1,
            (
                EventType::MapStateSucceeded
                | EventType::MapStateFailed
                | EventType::ParallelStateSucceeded
                | EventType::ParallelStateFailed,
                _,
            ) => depth -= 1,
            (EventType::TaskStateEntered, Details::StateEntered(state)) if depth == 0 => {
                tasks.push((event, &state.name));
            }
            _ => {}
        }
    }
    tasks
}

fn expected_items_empty(arn: &str) -> bool {
    let n: u64 = arn.rsplit(":e").next().unwrap().parse().unwrap();
    n.is_multiple_of(5)
}

/// The outputs of uninterrupted in-memory runs (on a paused clock).
fn expected_outputs(count: u64) -> Vec<serde_json::Value> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    runtime.block_on(async {
        let machine = workload::Machine::new(workload::Handlers::default());
        let mut outputs = Vec::new();
        for n in 0..count {
            outputs.push(machine.run(workload::input(n)).await.unwrap());
        }
        outputs
    })
}

/// The acknowledged checkpoints: `(arn, seq, last event id)`, and by execution the
/// generation and last event id of each.
#[derive(Default)]
struct Acks {
    all: Vec<(String, u64, u64)>,
    by_arn: HashMap<String, Vec<(u64, u64)>>,
}

impl Acks {
    /// The first process that saw a checkpoint of `arn` past event `id`
    /// acknowledged.
    fn first_past(&self, arn: &str, id: u64) -> Option<u64> {
        self.by_arn
            .get(arn)?
            .iter()
            .filter(|(_, last)| *last > id)
            .map(|(generation, _)| *generation)
            .min()
    }
}

/// Keys logged by process generation: `(generation, key)`.
type Logged = Vec<(u64, String)>;

/// The log's acknowledged checkpoints, acknowledged notes `(generation, key)` and
/// Task calls `(generation, idempotency key)`.
fn read_log(text: &str) -> (Acks, Logged, Logged) {
    let mut acks = Acks::default();
    let mut notes = Vec::new();
    let mut calls = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split(' ').collect();
        match words.as_slice() {
            ["ack", generation, arn, seq, last] => {
                let generation: u64 = generation.parse().unwrap();
                let last: u64 = last.parse().unwrap();
                acks.all
                    .push(((*arn).to_owned(), seq.parse().unwrap(), last));
                acks.by_arn
                    .entry((*arn).to_owned())
                    .or_default()
                    .push((generation, last));
            }
            ["call", generation, key] => {
                calls.push((generation.parse().unwrap(), (*key).to_owned()))
            }
            ["note", generation, key] => {
                notes.push((generation.parse().unwrap(), (*key).to_owned()))
            }
            _ => panic!("a line the workload never writes: {line:?}"),
        }
    }
    (acks, notes, calls)
}
