//! The store conformance suite: the rules every [`Store`] keeps, run over each
//! implementation (memory and SQLite here; any other store with the feature
//! `test-util`), so that the engine behaves the same on all of them.
//!
//! ```ignore
//! #[tokio::test]
//! async fn my_store_conforms() {
//!     asl_engine::store::conformance::check(|| MyStore::open_temporary()).await;
//! }
//! ```

use std::time::SystemTime;

use super::{Checkpoint, Created, ExecutionStatus, Identity, Position, Store, StoreError};
use asl_runtime::clock::from_unix_millis as from_millis;

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

fn position(seq: u64, status: ExecutionStatus) -> Position {
    Position {
        seq,
        status,
        state: (status == ExecutionStatus::Running).then(|| format!("{{\"S\":{seq}}}")),
        variables: None,
        last_event_id: seq + 1,
        entered_event_id: seq + 1,
        entered: from_millis(2_000),
        stop: (status != ExecutionStatus::Running).then(|| from_millis(3_000)),
        output: None,
        error: None,
        cause: None,
        redrive_count: 0,
        redrive_date: None,
    }
}

fn checkpoint(
    name: &str,
    seq: u64,
    status: ExecutionStatus,
    recorder: &mut Recorder,
) -> Checkpoint {
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

/// Checkpoints: a first one creates the execution, a second start of the same ARN
/// writes nothing and returns what is stored, each later one must follow the last,
/// and executions and histories read back as written.
pub async fn keeps_the_checkpoint_rules(store: &dyn Store) {
    let mut recorder = Recorder::after(0);
    let arn = identity("a").arn;
    assert_eq!(
        store
            .commit(checkpoint("a", 0, ExecutionStatus::Running, &mut recorder))
            .await,
        Ok(Created::New)
    );
    // A second start of the same ARN writes nothing and returns what is stored.
    let again = store
        .commit(checkpoint(
            "a",
            0,
            ExecutionStatus::Running,
            &mut Recorder::after(0),
        ))
        .await;
    let Ok(Created::Existing(existing)) = again else {
        panic!("{again:?}")
    };
    assert_eq!(existing.position, position(0, ExecutionStatus::Running));
    assert_eq!(
        store
            .commit(checkpoint("a", 1, ExecutionStatus::Running, &mut recorder))
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
                    ExecutionStatus::Running,
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
            .commit(checkpoint(
                "a",
                2,
                ExecutionStatus::Succeeded,
                &mut recorder
            ))
            .await,
        Ok(Created::New)
    );
    assert_eq!(
        store
            .commit(checkpoint(
                "b",
                0,
                ExecutionStatus::Running,
                &mut Recorder::after(0)
            ))
            .await,
        Ok(Created::New)
    );
    let record = store.execution(&arn).unwrap().unwrap();
    assert_eq!(record.identity, identity("a"));
    assert_eq!(record.position, position(2, ExecutionStatus::Succeeded));
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
pub async fn keeps_the_variables(store: &dyn Store) {
    let mut recorder = Recorder::after(0);
    let arn = identity("v").arn;
    for (seq, variables, stored) in [
        (0, Some("[[1]]"), Some("[[1]]")),
        (1, None, Some("[[1]]")),
        (2, Some("[[2]]"), Some("[[2]]")),
        (3, None, Some("[[2]]")),
    ] {
        let mut checkpoint = checkpoint("v", seq, ExecutionStatus::Running, &mut recorder);
        checkpoint.position.variables = variables.map(str::to_owned);
        assert_eq!(store.commit(checkpoint).await, Ok(Created::New));
        let record = store.execution(&arn).unwrap().unwrap();
        assert_eq!(record.position.variables.as_deref(), stored, "after {seq}");
    }
}

/// A callback outcome is recorded once: the second for the same token writes
/// nothing.
pub async fn keeps_callback_outcomes_once(store: &dyn Store) {
    assert_eq!(store.callback("t1"), Ok(None));
    assert_eq!(store.record_callback("t1", r#"{"success":1}"#), Ok(true));
    assert_eq!(store.record_callback("t1", r#"{"success":2}"#), Ok(false));
    assert_eq!(store.record_callback("t2", r#"{"success":3}"#), Ok(true));
    assert_eq!(
        store.callback("t1"),
        Ok(Some(r#"{"success":1}"#.to_owned()))
    );
    assert_eq!(
        store.callback("t2"),
        Ok(Some(r#"{"success":3}"#.to_owned()))
    );
}

/// A note replaces the one under the same key, and is read back once
/// acknowledged.
pub async fn keeps_the_last_note(store: &dyn Store) {
    assert_eq!(store.noted("k"), Ok(None));
    assert_eq!(store.note("k".into(), "1".into()).await, Ok(Created::New));
    assert_eq!(store.note("k".into(), "2".into()).await, Ok(Created::New));
    assert_eq!(
        store.note("other".into(), "x".into()).await,
        Ok(Created::New)
    );
    assert_eq!(store.noted("k"), Ok(Some("2".to_owned())));
    assert_eq!(store.noted("other"), Ok(Some("x".to_owned())));
}

/// Notes are listed by key prefix, in key order, and only those under it (a `%`
/// or `_` in the prefix is itself, not a wildcard).
pub async fn lists_notes_by_prefix(store: &dyn Store) {
    for key in ["a/2", "a/1", "a%", "a_1", "ab", "b/1"] {
        store.note(key.into(), key.to_uppercase()).await.unwrap();
    }
    let under = |prefix| {
        store
            .notes_under(prefix)
            .unwrap()
            .into_iter()
            .map(|(key, _)| key)
            .collect::<Vec<_>>()
    };
    assert_eq!(under("a/"), ["a/1", "a/2"]);
    assert_eq!(under("a%"), ["a%"]);
    assert_eq!(under("a_"), ["a_1"]);
    assert_eq!(under("c"), Vec::<String>::new());
    assert_eq!(
        store.notes_under("b/").unwrap(),
        [("b/1".to_owned(), "B/1".to_owned())]
    );
}

/// Many executions committed at once, as the engine commits them, each read back
/// whole and in the order they started.
pub async fn keeps_concurrent_executions_apart(store: &dyn Store) {
    let names: Vec<String> = (0..20).map(|i| format!("c{i:02}")).collect();
    let mut recorders: Vec<Recorder> = names.iter().map(|_| Recorder::after(0)).collect();
    for seq in 0..3 {
        let acks: Vec<_> = names
            .iter()
            .zip(&mut recorders)
            .map(|(name, recorder)| {
                store.commit(checkpoint(name, seq, ExecutionStatus::Running, recorder))
            })
            .collect();
        for ack in acks {
            assert_eq!(ack.await, Ok(Created::New));
        }
    }
    let stored: Vec<String> = store
        .executions()
        .unwrap()
        .into_iter()
        .map(|record| record.identity.name)
        .collect();
    assert_eq!(stored, names);
    for name in &names {
        let arn = identity(name).arn;
        assert_eq!(store.history(&arn).unwrap().len(), 3, "{name}");
        assert_eq!(store.execution(&arn).unwrap().unwrap().position.seq, 2);
    }
}

/// Every checkpoint is read back by whoever follows all executions, in commit
/// order, from any cursor on, in pages; a second start of an ARN adds nothing.
pub async fn reads_commits_in_order(store: &dyn Store) {
    assert_eq!(store.committed_after(0, 10), Ok(Vec::new()));
    let mut recorders = [Recorder::after(0), Recorder::after(0)];
    let order = [("x", 0), ("y", 0), ("x", 1), ("x", 2), ("y", 1)];
    for (name, seq) in order {
        let recorder = &mut recorders[usize::from(name == "y")];
        let ack = store.commit(checkpoint(name, seq, ExecutionStatus::Running, recorder));
        assert_eq!(ack.await, Ok(Created::New));
    }
    let again = checkpoint("x", 0, ExecutionStatus::Running, &mut Recorder::after(0));
    assert!(matches!(
        store.commit(again).await,
        Ok(Created::Existing(_))
    ));
    let all = store.committed_after(0, 100).unwrap();
    let read: Vec<(String, u64)> = all
        .iter()
        .map(|committed| (committed.arn.clone(), committed.events[0].id))
        .collect();
    let expected: Vec<(String, u64)> = [("x", 1), ("y", 1), ("x", 2), ("x", 3), ("y", 2)]
        .iter()
        .map(|(name, id)| (identity(name).arn, *id))
        .collect();
    assert_eq!(read, expected);
    assert!(all.windows(2).all(|pair| pair[0].cursor < pair[1].cursor));
    // In pages of two, from each cursor.
    let mut cursor = 0;
    let mut paged = Vec::new();
    loop {
        let page = store.committed_after(cursor, 2).unwrap();
        let Some(last) = page.last() else { break };
        assert!(page.len() <= 2);
        cursor = last.cursor;
        paged.extend(page);
    }
    assert_eq!(paged, all);
}

/// Runs every rule of the suite, each on a fresh store from `make`.
pub async fn check<S: Store>(mut make: impl FnMut() -> S) {
    keeps_the_checkpoint_rules(&make()).await;
    keeps_the_variables(&make()).await;
    keeps_callback_outcomes_once(&make()).await;
    keeps_the_last_note(&make()).await;
    lists_notes_by_prefix(&make()).await;
    keeps_concurrent_executions_apart(&make()).await;
    reads_commits_in_order(&make()).await;
}

#[cfg(test)]
#[test]
fn statuses_have_aws_names() {
    for status in [
        ExecutionStatus::Running,
        ExecutionStatus::Succeeded,
        ExecutionStatus::Failed,
        ExecutionStatus::TimedOut,
        ExecutionStatus::Aborted,
    ] {
        assert_eq!(ExecutionStatus::parse(status.as_str()), Some(status));
    }
    assert_eq!(ExecutionStatus::TimedOut.to_string(), "TIMED_OUT");
    assert_eq!(ExecutionStatus::parse("PENDING"), None);
}
