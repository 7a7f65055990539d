//! Durable throughput: 64 executions of pass_chain (100 Pass states, so 101
//! checkpoints each) at once on the SQLite store, with `synchronous=FULL` and
//! `NORMAL`; criterion reports checkpointed transitions per second. The in-memory
//! store shows what the engine costs without a disk.
//!
//! `cargo bench -p asl-benches --bench durable`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use asl_benches::pass_chain;
use asl_engine::Engine;
use asl_engine::store::{ExecutionStatus, MemoryStore, Store};
use asl_store_sqlite::{SqliteStore, Synchronous};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Executions running at once.
const CONCURRENT: u64 = 64;
/// Checkpoints per execution: one per Pass state and the end.
const CHECKPOINTS: u64 = 101;

fn store(c: &mut Criterion, name: &str, store: Arc<dyn Store>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio runtime");
    let engine = Engine::with_store(pass_chain::Machine::new(()), store);
    let input = asl_benches::input("pass_chain");
    let next = AtomicU64::new(0);
    let mut group = c.benchmark_group("durable_pass_chain_x64");
    group.throughput(Throughput::Elements(CONCURRENT * CHECKPOINTS));
    group.sample_size(10);
    group.bench_function(name, |b| {
        b.iter_custom(|rounds| {
            let mut total = Duration::ZERO;
            for _ in 0..rounds {
                let first = next.fetch_add(CONCURRENT, Ordering::Relaxed);
                let started = Instant::now();
                runtime.block_on(async {
                    let names: Vec<String> = (first..first + CONCURRENT)
                        .map(|n| format!("run-{n}"))
                        .collect();
                    for name in &names {
                        engine.start(name, input.clone()).await.expect("starts");
                    }
                    for name in &names {
                        let record = engine.wait(name).await.expect("ends");
                        assert_eq!(record.position.status, ExecutionStatus::Succeeded);
                    }
                });
                total += started.elapsed();
            }
            total
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let directory = tempfile::tempdir().expect("a temporary directory");
    for (name, synchronous) in [
        ("sqlite_full", Synchronous::Full),
        ("sqlite_normal", Synchronous::Normal),
    ] {
        let path = directory.path().join(format!("{name}.db"));
        let sqlite = SqliteStore::open_with(&path, synchronous).expect("the database opens");
        store(c, name, Arc::new(sqlite));
    }
    store(c, "memory", Arc::new(MemoryStore::new()));
}

criterion_group!(durable, benches);
criterion_main!(durable);
