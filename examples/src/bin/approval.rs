//! Human approval: an order over 100 waits (durably, up to a week) until a person
//! approves or rejects it from the command line.
//!
//! ```text
//! cargo run -p asl-examples --bin approval -- approvals.db start order-1 '{"order": "order-1", "amount": 250}'
//! ```
//!
//! prints the command that approves the order (the "message" the Task sends) and
//! waits. In another terminal:
//!
//! ```text
//! cargo run -p asl-cli -- executions --db approvals.db send-task-success --token TOKEN --output '{"approvedBy": "ann"}'
//! ```
//!
//! and the first process prints the placed order within a second. Stop the waiting
//! process at any time (even with `kill -9`): `approval approvals.db resume` goes on
//! with every unfinished execution, and an answer sent meanwhile is not lost.
//! `asl executions --db approvals.db list` and `history NAME` show what happened.

use asl_engine::Engine;
use asl_engine::store::ExecutionStatus;
use asl_runtime::{TaskContext, TaskError};
use asl_store_sqlite::SqliteStore;
use serde_json::{Value, json};

mod approval {
    asl_macros::asl!("workflows/approval.asl.json");
}

/// Sends the approval request: here, a message on standard output.
struct Approvers {
    db: String,
}

impl approval::Tasks for Approvers {
    async fn ask_for_approval(
        &self,
        input: Value,
        _task: TaskContext<'_>,
    ) -> Result<Value, TaskError> {
        let body = &input["MessageBody"];
        let token = body["token"].as_str().unwrap_or_default();
        println!(
            "{} ({}) waits for approval. Approve it with\n  \
             asl executions --db {db} send-task-success --token {token} --output '{{\"approvedBy\": \"you\"}}'\n\
             or reject it with\n  \
             asl executions --db {db} send-task-failure --token {token} --error Rejected --cause 'too expensive'",
            body["order"],
            body["amount"],
            db = self.db,
        );
        Ok(json!({"MessageId": "local"}))
    }
}

fn usage() -> ! {
    eprintln!("usage: approval DB start NAME INPUT_JSON | approval DB resume");
    std::process::exit(2);
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(db) = args.first() else { usage() };
    let store = SqliteStore::open(db).unwrap_or_else(|error| {
        eprintln!("error: {error}");
        std::process::exit(2)
    });
    let engine = Engine::new(approval::Machine::new(Approvers { db: db.clone() }), store);
    let resumed = engine.resume().expect("the store is readable");
    let names: Vec<String> = match &args[1..] {
        [command, name, input] if command == "start" => {
            let input: Value = serde_json::from_str(input).unwrap_or_else(|error| {
                eprintln!("error: the input is not JSON: {error}");
                std::process::exit(2)
            });
            if let Err(error) = engine.start(name, input).await {
                eprintln!("error: {error}");
                std::process::exit(1);
            }
            vec![name.clone()]
        }
        [command] if command == "resume" => {
            println!("resumed {resumed} execution(s)");
            let list = engine.list().expect("the store is readable");
            list.into_iter()
                .map(|record| record.identity.name)
                .collect()
        }
        _ => usage(),
    };
    for name in names {
        let record = engine.wait(&name).await.expect("the store is readable");
        match record.position.status {
            ExecutionStatus::Succeeded => println!(
                "{name}: {}",
                record.position.output.as_deref().unwrap_or("null")
            ),
            status => println!(
                "{name}: {status} {} {}",
                record.position.error.unwrap_or_default(),
                record.position.cause.unwrap_or_default()
            ),
        }
    }
}
