//! The child process of the crash test (`tests/tests/crash.rs`): resumes what the
//! database holds, starts executions `e0` .. `e<count - 1>` of the workload machine
//! (a name already started is left as it is), and waits for all of them. It logs each
//! acknowledged checkpoint (`ack <generation> <arn> <seq> <last event id>`), each
//! acknowledged journal note (`note <generation> <key>`) and each Task call
//! (`call <generation> <idempotency key>`) to the log file, so that the test
//! can check them against the database after killing this process many times.
//!
//! ```text
//! durable_workload <database> <count> <log> <generation>
//! ```

use std::io::Write;
use std::sync::{Arc, Mutex};

use asl_engine::history::HistoryEvent;
use asl_engine::store::{Ack, Checkpoint, Committed, Created, ExecutionRecord, Store, StoreError};
use asl_engine::{Engine, EngineError};
use asl_store_sqlite::SqliteStore;
use asl_tests::workload;

/// A SQLite store that logs each checkpoint it acknowledges before passing the
/// acknowledgement on.
#[derive(Debug)]
struct Logged {
    store: Arc<SqliteStore>,
    generation: u64,
    log: Arc<Mutex<std::fs::File>>,
}

impl Logged {
    /// Passes on the acknowledgement `committed`, logging `line` first when it
    /// acknowledges a write.
    fn logged(&self, committed: Ack, line: String) -> Ack {
        let (acknowledge, ack) = Ack::channel();
        let log = Arc::clone(&self.log);
        tokio::spawn(async move {
            let result = committed.await;
            if result == Ok(Created::New) {
                let mut log = log.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                log.write_all(line.as_bytes()).expect("the log is writable");
            }
            let _ = acknowledge.send(result);
        });
        ack
    }
}

impl Store for Logged {
    fn commit(&self, checkpoint: Checkpoint) -> Ack {
        let line = format!(
            "ack {} {} {} {}\n",
            self.generation,
            checkpoint.arn,
            checkpoint.position.seq,
            checkpoint.position.last_event_id
        );
        self.logged(self.store.commit(checkpoint), line)
    }

    fn note(&self, key: String, value: String) -> Ack {
        let line = format!("note {} {key}\n", self.generation);
        self.logged(self.store.note(key, value), line)
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
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [database, count, log, generation] = args.as_slice() else {
        eprintln!("usage: durable_workload <database> <count> <log> <generation>");
        std::process::exit(2);
    };
    let count: u64 = count.parse().expect("count is a number");
    let generation: u64 = generation.parse().expect("generation is a number");
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("the log opens");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let store = Logged {
            store: Arc::new(SqliteStore::open(database).expect("the database opens")),
            generation,
            log: Arc::new(Mutex::new(log.try_clone().expect("the log clones"))),
        };
        let (approver, mut approvals) = tokio::sync::mpsc::unbounded_channel();
        let handlers = workload::Handlers::logging(generation, log).approved_by(approver);
        let engine = Engine::new(workload::Machine::new(handlers), store);
        // The approver answers each callback Task a moment after it asked.
        let answering = engine.clone();
        tokio::spawn(async move {
            while let Some((token, answer)) = approvals.recv().await {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                match answering.send_task_success(&token, answer) {
                    // Answered before a restart already.
                    Ok(()) | Err(EngineError::TaskTimedOut) => {}
                    Err(error) => panic!("{error}"),
                }
            }
        });
        engine.resume().expect("resumes");
        for n in 0..count {
            match engine.start(&format!("e{n}"), workload::input(n)).await {
                Ok(_) | Err(EngineError::AlreadyExists(_)) => {}
                Err(error) => panic!("e{n}: {error}"),
            }
        }
        for n in 0..count {
            engine.wait(&format!("e{n}")).await.expect("ends");
        }
    });
}
