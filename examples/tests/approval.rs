//! The human-approval example as a user runs it: the workflow process waits for the
//! callback; an answer recorded by another process (what `asl executions
//! send-task-success` does) reaches it; a process killed while waiting is resumed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use asl_engine::Control;
use asl_store_sqlite::SqliteStore;
use serde_json::json;

fn approval(db: &std::path::Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_approval"))
        .arg(db)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The token in the approval request the process prints.
fn token_from(lines: &mut impl Iterator<Item = String>) -> String {
    for line in lines {
        if let Some(rest) = line.split("--token ").nth(1) {
            return rest.split(' ').next().unwrap().to_owned();
        }
    }
    panic!("no approval request was printed");
}

/// What `asl executions send-task-success` does, from this process.
fn approve(db: &std::path::Path, token: &str) {
    let control = Control::new(Arc::new(SqliteStore::open(db).unwrap()));
    control
        .send_task_success(token, json!({"approvedBy": "ann"}))
        .unwrap();
}

#[test]
fn an_order_waits_for_approval_from_another_process() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("approvals.db");
    let mut waiting = approval(
        &db,
        &["start", "order-1", r#"{"order": "order-1", "amount": 250}"#],
    );
    let mut lines = BufReader::new(waiting.stdout.take().unwrap())
        .lines()
        .map(Result::unwrap);
    let token = token_from(&mut lines);
    approve(&db, &token);
    let outcome = lines.find(|line| line.starts_with("order-1:"));
    assert_eq!(
        outcome.as_deref(),
        Some(r#"order-1: {"order":"order-1","status":"placed"}"#)
    );
    assert!(waiting.wait().unwrap().success());
}

#[test]
fn a_killed_workflow_process_is_resumed_and_finds_the_answer() {
    let directory = tempfile::tempdir().unwrap();
    let db = directory.path().join("approvals.db");
    let mut waiting = approval(
        &db,
        &["start", "order-2", r#"{"order": "order-2", "amount": 900}"#],
    );
    let mut lines = BufReader::new(waiting.stdout.take().unwrap())
        .lines()
        .map(Result::unwrap);
    let token = token_from(&mut lines);
    waiting.kill().unwrap();
    waiting.wait().unwrap();
    approve(&db, &token);
    let resumed = approval(&db, &["resume"]).wait_with_output().unwrap();
    assert!(resumed.status.success());
    assert_eq!(
        String::from_utf8(resumed.stdout).unwrap(),
        "resumed 1 execution(s)\norder-2: {\"order\":\"order-2\",\"status\":\"placed\"}\n"
    );
}
