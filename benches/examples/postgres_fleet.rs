//! Durable throughput and start latency on PostgreSQL with several processes, as a
//! fleet of `asl serve --db postgres://...` runs them: each process is a node of the
//! fleet with its own `Engine` on a `PostgresStore` that writes for its node (every
//! commit fenced by the node's lease), all on one database.
//!
//! Each process keeps `CONCURRENT` executions of pass_chain (100 Pass states: 101
//! checkpoints each) running for the duration, starting a new one as one ends, and
//! reports the checkpointed transitions per second and, for each execution, the time
//! from `start` to its first transition committed (the first Pass state's exit and
//! the second's entry): StartExecution → first transition, p50 and p99. The parent
//! adds the processes' figures up.
//!
//! `cargo run --release -p asl-benches --example postgres_fleet -- URL [PROCESSES]
//! [SECONDS] [CONCURRENT]` (defaults: 2 processes, 20 s, 128 executions each). The
//! database's `asl_*` tables are emptied first: give it a database or schema of its
//! own (`?options=-csearch_path%3Dbench`).

use std::collections::HashMap;
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use asl_benches::pass_chain;
use asl_engine::Engine;
use asl_engine::history::HistoryEvent;
use asl_engine::store::{Ack, Checkpoint, Committed, ExecutionRecord, Store, StoreError};
use asl_store_postgres::fleet::{Lease, Node};
use asl_store_postgres::{Database, PostgresStore};
use serde_json::{Value, json};

/// Checkpoints per execution: one per Pass state and the end.
const CHECKPOINTS: u64 = 101;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let Some(url) = arguments.first() else {
        eprintln!("usage: postgres_fleet URL [PROCESSES] [SECONDS] [CONCURRENT]");
        return ExitCode::from(2);
    };
    let number = |index: usize, default: u64| {
        arguments
            .get(index)
            .and_then(|text| text.parse().ok())
            .unwrap_or(default)
    };
    let (processes, seconds, concurrent) = (number(1, 2), number(2, 20), number(3, 128));
    if std::env::var_os("ASL_BENCH_NODE").is_some() {
        return node(url, seconds, concurrent);
    }
    let database = Database::open(url).expect("the database opens");
    let pool = database.pool().clone();
    database
        .block(async move {
            pool.get()
                .await?
                .batch_execute(
                    "TRUNCATE asl_executions, asl_transitions, asl_commits, asl_callbacks, \
                     asl_notes, asl_nodes, asl_refused_writes",
                )
                .await?;
            Ok(())
        })
        .expect("the tables are emptied");
    let children: Vec<_> = (0..processes)
        .map(|index| {
            Command::new(std::env::current_exe().expect("this example's path"))
                .args(&arguments)
                .env("ASL_BENCH_NODE", index.to_string())
                .stdout(Stdio::piped())
                .spawn()
                .expect("a node starts")
        })
        .collect();
    let reports: Vec<Value> = children
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().expect("the node ends");
            assert!(output.status.success(), "a node failed");
            serde_json::from_slice(&output.stdout).expect("a node's report")
        })
        .collect();
    let total: f64 = reports
        .iter()
        .map(|report| report["transitions_per_second"].as_f64().unwrap_or(0.0))
        .sum();
    let mut latencies: Vec<f64> = reports
        .iter()
        .flat_map(|report| {
            report["first_transition_ms"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|latency| latency.as_f64())
        .collect();
    latencies.sort_by(f64::total_cmp);
    let at = |percent: usize| latencies[(latencies.len() * percent / 100).min(latencies.len() - 1)];
    println!(
        "{}",
        json!({
            "processes": processes,
            "concurrent_per_process": concurrent,
            "seconds": seconds,
            "transitions_per_second": total.round(),
            "per_process": reports.iter().map(|report| report["transitions_per_second"].clone()).collect::<Vec<_>>(),
            "executions_started": latencies.len(),
            "start_to_first_transition_ms": { "p50": at(50), "p99": at(99) },
        })
    );
    ExitCode::SUCCESS
}

/// One process of the fleet: runs executions for `seconds`, `concurrent` at once,
/// and prints its figures as JSON.
fn node(url: &str, seconds: u64, concurrent: u64) -> ExitCode {
    let database = Arc::new(Database::open(url).expect("the database opens"));
    let name = format!("bench-{}", std::process::id());
    let node = Node::join(Arc::clone(&database), &name, Lease::default()).expect("joins");
    let store = Arc::new(Timed::new(PostgresStore::for_node(database, node.id())));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let engine = Engine::with_store(
        pass_chain::Machine::new(()),
        Arc::clone(&store) as Arc<dyn Store>,
    );
    let input = asl_benches::input("pass_chain");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let began = Instant::now();
    let finished = runtime.block_on(async {
        let lanes = (0..concurrent).map(|lane| {
            let (engine, input, store, name) = (
                engine.clone(),
                input.clone(),
                Arc::clone(&store),
                name.clone(),
            );
            async move {
                let mut done = 0u64;
                while Instant::now() < deadline {
                    let execution = format!("{name}-{lane}-{done}");
                    let arn = engine.arn(&execution);
                    store.starting(&arn);
                    engine
                        .start(&execution, input.clone())
                        .await
                        .expect("starts");
                    engine.wait(&execution).await.expect("ends");
                    done += 1;
                }
                done
            }
        });
        futures::future::join_all(lanes)
            .await
            .into_iter()
            .sum::<u64>()
    });
    let elapsed = began.elapsed().as_secs_f64();
    let latencies = store.latencies();
    println!(
        "{}",
        json!({
            "executions": finished,
            "transitions_per_second": (finished * CHECKPOINTS) as f64 / elapsed,
            "first_transition_ms": latencies,
        })
    );
    runtime.shutdown_background();
    ExitCode::SUCCESS
}

/// A store that notes when each execution was started and when its first
/// transition (checkpoint 1) was acknowledged.
#[derive(Debug)]
struct Timed {
    store: PostgresStore,
    started: Arc<Mutex<HashMap<String, Instant>>>,
    latencies: Arc<Mutex<Vec<f64>>>,
}

impl Timed {
    fn new(store: PostgresStore) -> Timed {
        Timed {
            store,
            started: Arc::default(),
            latencies: Arc::default(),
        }
    }

    fn starting(&self, arn: &str) {
        self.started
            .lock()
            .unwrap()
            .insert(arn.to_owned(), Instant::now());
    }

    fn latencies(&self) -> Vec<f64> {
        self.latencies.lock().unwrap().clone()
    }
}

impl Store for Timed {
    fn commit(&self, checkpoint: Checkpoint) -> Ack {
        let first = (checkpoint.position.seq == 1).then(|| checkpoint.arn.clone());
        let ack = self.store.commit(checkpoint);
        let Some(arn) = first else { return ack };
        let (started, latencies) = (Arc::clone(&self.started), Arc::clone(&self.latencies));
        let (sender, timed) = Ack::channel();
        tokio::spawn(async move {
            let result = ack.await;
            if let Some(start) = started.lock().unwrap().remove(&arn) {
                latencies
                    .lock()
                    .unwrap()
                    .push(start.elapsed().as_secs_f64() * 1000.0);
            }
            let _ = sender.send(result);
        });
        timed
    }

    fn execution(&self, arn: &str) -> Result<Option<ExecutionRecord>, StoreError> {
        self.store.execution(arn)
    }

    fn executions(&self) -> Result<Vec<ExecutionRecord>, StoreError> {
        self.store.executions()
    }

    fn history(&self, arn: &str) -> Result<Vec<HistoryEvent>, StoreError> {
        self.store.history(arn)
    }

    fn record_callback(&self, token: &str, outcome: &str) -> Result<bool, StoreError> {
        self.store.record_callback(token, outcome)
    }

    fn callback(&self, token: &str) -> Result<Option<String>, StoreError> {
        self.store.callback(token)
    }

    fn note(&self, key: String, value: String) -> Ack {
        self.store.note(key, value)
    }

    fn noted(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.store.noted(key)
    }

    fn notes_under(&self, prefix: &str) -> Result<Vec<(String, String)>, StoreError> {
        self.store.notes_under(prefix)
    }

    fn committed_after(&self, cursor: u64, limit: usize) -> Result<Vec<Committed>, StoreError> {
        self.store.committed_after(cursor, limit)
    }
}
