use std::time::SystemTime;

use super::*;
use crate::history::{Details, EventType, Failure, Recorder};

fn identity(name: &str) -> Identity {
    Identity {
        arn: format!("arn:aws:states:us-east-1:123456789012:execution:M:{name}"),
        machine: "M".into(),
        name: name.into(),
        input: "{}".into(),
        start: from_millis(1_000),
    }
}

fn position(seq: u64, status: Status) -> Position {
    Position {
        seq,
        status,
        state: (status == Status::Running).then(|| format!("{{\"S\":{seq}}}")),
        variables: None,
        last_event_id: seq + 1,
        entered_event_id: seq + 1,
        entered: from_millis(2_000),
        stop: (status != Status::Running).then(|| from_millis(3_000)),
        output: None,
        error: None,
        cause: None,
        redrive_count: 0,
        redrive_date: None,
    }
}

fn checkpoint(name: &str, seq: u64, status: Status, recorder: &mut Recorder) -> Checkpoint {
    recorder.record_at(
        SystemTime::UNIX_EPOCH,
        EventType::ExecutionAborted,
        Details::ExecutionAborted(Failure::default()),
    );
    let identity = identity(name);
    Checkpoint {
        arn: identity.arn.clone(),
        start: (seq == 0).then_some(identity),
        position: position(seq, status),
        events: recorder.take(),
    }
}

/// The rules every store keeps.
async fn keeps_the_rules(store: &dyn Store) {
    let mut recorder = Recorder::after(0);
    let arn = identity("a").arn;
    assert_eq!(
        store
            .commit(checkpoint("a", 0, Status::Running, &mut recorder))
            .await,
        Ok(Created::New)
    );
    // A second start of the same ARN writes nothing and returns what is stored.
    let again = store
        .commit(checkpoint("a", 0, Status::Running, &mut Recorder::after(0)))
        .await;
    let Ok(Created::Existing(existing)) = again else {
        panic!("{again:?}")
    };
    assert_eq!(existing.position, position(0, Status::Running));
    assert_eq!(
        store
            .commit(checkpoint("a", 1, Status::Running, &mut recorder))
            .await,
        Ok(Created::New)
    );
    // Checkpoint 1 again, or 3 before 2: refused.
    for seq in [1, 3] {
        assert_eq!(
            store
                .commit(checkpoint(
                    "a",
                    seq,
                    Status::Running,
                    &mut Recorder::after(9)
                ))
                .await,
            Err(StoreError::Conflict {
                arn: arn.clone(),
                seq
            })
        );
    }
    assert_eq!(
        store
            .commit(checkpoint("a", 2, Status::Succeeded, &mut recorder))
            .await,
        Ok(Created::New)
    );
    assert_eq!(
        store
            .commit(checkpoint("b", 0, Status::Running, &mut Recorder::after(0)))
            .await,
        Ok(Created::New)
    );
    let record = store.execution(&arn).unwrap().unwrap();
    assert_eq!(record.identity, identity("a"));
    assert_eq!(record.position, position(2, Status::Succeeded));
    let ids: Vec<u64> = store.history(&arn).unwrap().iter().map(|e| e.id).collect();
    assert_eq!(ids, [1, 2, 3]);
    let names: Vec<String> = store
        .executions()
        .unwrap()
        .into_iter()
        .map(|record| record.identity.name)
        .collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(store.execution("arn:nothing").unwrap(), None);
    assert!(store.history("arn:nothing").unwrap().is_empty());
}

/// A checkpoint without variables keeps the stored ones; one with variables
/// replaces them.
async fn keeps_the_variables(store: &dyn Store) {
    let mut recorder = Recorder::after(0);
    let arn = identity("v").arn;
    for (seq, variables, stored) in [
        (0, Some("[[1]]"), Some("[[1]]")),
        (1, None, Some("[[1]]")),
        (2, Some("[[2]]"), Some("[[2]]")),
        (3, None, Some("[[2]]")),
    ] {
        let mut checkpoint = checkpoint("v", seq, Status::Running, &mut recorder);
        checkpoint.position.variables = variables.map(str::to_owned);
        assert_eq!(store.commit(checkpoint).await, Ok(Created::New));
        let record = store.execution(&arn).unwrap().unwrap();
        assert_eq!(record.position.variables.as_deref(), stored, "after {seq}");
    }
}

#[tokio::test]
async fn the_memory_store_keeps_the_rules() {
    keeps_the_rules(&MemoryStore::new()).await;
    keeps_the_variables(&MemoryStore::new()).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn the_sqlite_store_keeps_the_variables() {
    let directory = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(directory.path().join("executions.db")).unwrap();
    keeps_the_variables(&store).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn the_sqlite_store_keeps_the_rules_and_its_data_across_reopening() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("executions.db");
    for sync in [Synchronous::Full, Synchronous::Normal] {
        std::fs::remove_file(&path).ok();
        let store = SqliteStore::open_with(&path, sync).unwrap();
        keeps_the_rules(&store).await;
        drop(store);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.executions().unwrap().len(), 2);
        assert_eq!(store.history(&identity("a").arn).unwrap().len(), 3);
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }
}

#[test]
fn statuses_have_aws_names() {
    for status in [
        Status::Running,
        Status::Succeeded,
        Status::Failed,
        Status::TimedOut,
        Status::Aborted,
    ] {
        assert_eq!(Status::parse(status.as_str()), Some(status));
    }
    assert_eq!(Status::TimedOut.to_string(), "TIMED_OUT");
    assert_eq!(Status::parse("PENDING"), None);
}
