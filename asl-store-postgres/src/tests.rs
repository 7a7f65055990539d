//! The store against a real PostgreSQL server (`ASL_TEST_POSTGRES`): the conformance
//! suite, fencing, reconnecting, and commits read in order across processes.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use asl_engine::history::{Details, EventType, Failure, Recorder};
use asl_engine::store::{
    Checkpoint, Created, ExecutionStatus, Identity, Position, Store, StoreError, conformance,
    from_unix_millis, unix_millis as millis,
};

use crate::fleet::{Announcement, Heard, Lease, Node};
use crate::testing::TestDatabase;
use crate::{Database, PostgresStore, timers};

fn checkpoint(name: &str, seq: u64, recorder: &mut Recorder) -> Checkpoint {
    recorder.record_at(
        from_unix_millis(seq as i64),
        EventType::ExecutionAborted,
        Details::ExecutionAborted(Failure::default()),
    );
    let arn = format!("arn:aws:states:us-east-1:123456789012:execution:M:{name}");
    Checkpoint {
        arn: arn.clone(),
        start: (seq == 0).then(|| Identity {
            arn,
            machine: "M".into(),
            name: name.into(),
            input: "{}".into(),
            start: from_unix_millis(1_000),
        }),
        position: Position::running(
            seq,
            format!("{{\"S\":{seq}}}"),
            None,
            recorder.last_id(),
            from_unix_millis(2_000),
        ),
        events: recorder.take(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_postgres_store_conforms() {
    let Some(test) = TestDatabase::create("the_postgres_store_conforms") else {
        return;
    };
    let database = Arc::new(test.open());
    let mut count = 0;
    conformance::check(|| {
        // Each rule on empty tables.
        count += 1;
        let pool = database.pool().clone();
        database
            .block(async move {
                pool.get()
                    .await?
                    .batch_execute(
                        "TRUNCATE asl_executions, asl_transitions, asl_callbacks, asl_notes",
                    )
                    .await?;
                Ok(())
            })
            .unwrap();
        PostgresStore::on(Arc::clone(&database))
    })
    .await;
    assert_eq!(count, 7);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_postgres_store_keeps_its_data_across_reopening() {
    let Some(test) = TestDatabase::create("the_postgres_store_keeps_its_data_across_reopening")
    else {
        return;
    };
    let store = PostgresStore::open(&test.url).unwrap();
    conformance::keeps_the_checkpoint_rules(&store).await;
    let before = store.executions().unwrap();
    let arn = before[0].identity.arn.clone();
    let history = store.history(&arn).unwrap();
    drop(store);
    let store = PostgresStore::open(&test.url).unwrap();
    assert_eq!(store.executions().unwrap(), before);
    assert_eq!(store.history(&arn).unwrap(), history);
    // Opening again applied no migration twice.
    let (version, known) = store.database().schema_version().unwrap();
    assert_eq!(version, known);
    assert_eq!(store.database().migrate().unwrap(), Vec::<i32>::new());
}

/// A node that lost its lease and was taken over can write neither checkpoints nor
/// notes any more; the node that took the execution over goes on with it.
#[tokio::test(flavor = "multi_thread")]
async fn a_node_that_lost_its_lease_can_no_longer_write() {
    let Some(test) = TestDatabase::create("a_node_that_lost_its_lease_can_no_longer_write") else {
        return;
    };
    let database = Arc::new(test.open());
    let short = Lease {
        takeover: Duration::from_millis(300),
    };
    let paused = Node::join(Arc::clone(&database), "paused", short).unwrap();
    let alive = Node::join(Arc::clone(&database), "alive", Lease::default()).unwrap();
    let old = PostgresStore::for_node(Arc::clone(&database), paused.id());
    let new = PostgresStore::for_node(Arc::clone(&database), alive.id());
    let mut recorder = Recorder::after(0);
    let first = checkpoint("e", 0, &mut recorder);
    let arn = first.arn.clone();
    assert_eq!(old.commit(first).await, Ok(Created::New));
    assert_eq!(
        old.commit(checkpoint("e", 1, &mut recorder)).await,
        Ok(Created::New)
    );
    // Nothing to take over while the owner's lease lasts.
    assert_eq!(alive.take_over(100).await.unwrap(), Vec::<String>::new());
    tokio::time::sleep(short.ttl() + Duration::from_millis(100)).await;
    assert_eq!(
        alive.take_over(100).await.unwrap(),
        std::slice::from_ref(&arn)
    );
    assert_eq!(alive.owner(&arn).await.unwrap(), Some(alive.id()));
    assert!(!paused.renew().await.unwrap(), "its row is gone");

    let mut late = recorder.clone();
    let refused = old.commit(checkpoint("e", 2, &mut late)).await;
    assert!(matches!(refused, Err(StoreError::Fenced(_))), "{refused:?}");
    let refused = old.note("k".into(), "late".into()).await;
    assert!(matches!(refused, Err(StoreError::Fenced(_))), "{refused:?}");
    assert_eq!(old.fenced_writes(), 2);
    let pool = database.pool().clone();
    let recorded: i64 = database
        .block(async move {
            let row = pool
                .get()
                .await?
                .query_one("SELECT count(*) FROM asl_refused_writes", &[])
                .await?;
            Ok(row.get(0))
        })
        .unwrap();
    assert_eq!(recorded, 2, "the refusals are recorded for operators");
    assert_eq!(old.noted("k"), Ok(None));

    assert_eq!(
        new.commit(checkpoint("e", 2, &mut recorder)).await,
        Ok(Created::New)
    );
    assert_eq!(new.note("k".into(), "v".into()).await, Ok(Created::New));
    let record = new.execution(&arn).unwrap().unwrap();
    assert_eq!(record.position.seq, 2);
    assert_eq!(new.history(&arn).unwrap().len(), 3);
    assert_eq!(new.fenced_writes(), 0);
}

/// Each live node claims its share of a dead node's executions, and none twice.
#[tokio::test(flavor = "multi_thread")]
async fn live_nodes_share_a_dead_nodes_executions() {
    let Some(test) = TestDatabase::create("live_nodes_share_a_dead_nodes_executions") else {
        return;
    };
    let database = Arc::new(test.open());
    let dead = Node::join(
        Arc::clone(&database),
        "dead",
        Lease {
            takeover: Duration::from_millis(200),
        },
    )
    .unwrap();
    let store = PostgresStore::for_node(Arc::clone(&database), dead.id());
    for index in 0..10 {
        let start = checkpoint(&format!("x{index}"), 0, &mut Recorder::after(0));
        assert_eq!(store.commit(start).await, Ok(Created::New));
    }
    let nodes: Vec<Node> = (0..2)
        .map(|index| {
            Node::join(
                Arc::clone(&database),
                &format!("n{index}"),
                Lease::default(),
            )
        })
        .collect::<Result<_, _>>()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
    // Each looks again until nothing is left, as they do every scan.
    let mut claimed = Vec::new();
    loop {
        let (a, b) = tokio::join!(nodes[0].take_over(100), nodes[1].take_over(100));
        let (a, b) = (a.unwrap(), b.unwrap());
        if a.is_empty() && b.is_empty() {
            break;
        }
        claimed.extend(a.into_iter().chain(b));
    }
    let count = claimed.len();
    claimed.sort();
    claimed.dedup();
    assert_eq!((count, claimed.len()), (10, 10), "each claimed once");
    for node in &nodes {
        let owned = node.owned().await.unwrap().len();
        assert!((3..=7).contains(&owned), "node {} owns {owned}", node.id());
    }
}

/// The connection is killed under the writer: it connects again and commits, and a
/// checkpoint is never stored twice nor refused for having been committed.
#[tokio::test(flavor = "multi_thread")]
async fn a_lost_connection_is_connected_again_without_losing_or_repeating_a_commit() {
    let Some(test) = TestDatabase::create(
        "a_lost_connection_is_connected_again_without_losing_or_repeating_a_commit",
    ) else {
        return;
    };
    let store = PostgresStore::open(&test.url).unwrap();
    let killer = Database::connect(&test.url).unwrap();
    let pool = killer.pool().clone();
    let schema = test.schema().to_owned();
    let kill = move || {
        let (pool, schema) = (pool.clone(), schema.clone());
        async move {
            let client = pool.get().await?;
            client
                .execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE pid <> pg_backend_pid() AND datname = current_database() \
                     AND application_name = $1",
                    &[&schema],
                )
                .await?;
            Ok(())
        }
    };
    let names: Vec<String> = (0..20).map(|index| format!("r{index}")).collect();
    let mut recorders: Vec<Recorder> = names.iter().map(|_| Recorder::after(0)).collect();
    for seq in 0..10 {
        let acks: Vec<_> = names
            .iter()
            .zip(&mut recorders)
            .map(|(name, recorder)| store.commit(checkpoint(name, seq, recorder)))
            .collect();
        if seq % 3 == 1 {
            killer.block(kill()).unwrap();
        }
        for ack in acks {
            assert_eq!(ack.await, Ok(Created::New), "seq {seq}");
        }
    }
    for name in &names {
        let arn = format!("arn:aws:states:us-east-1:123456789012:execution:M:{name}");
        let ids: Vec<u64> = store.history(&arn).unwrap().iter().map(|e| e.id).collect();
        assert_eq!(ids, (1..=10).collect::<Vec<_>>(), "{name}");
        assert_eq!(store.execution(&arn).unwrap().unwrap().position.seq, 9);
    }
}

/// Two processes commit at once; a follower reads every commit of both, once, in
/// an order that never puts a later-read commit before its cursor.
#[tokio::test(flavor = "multi_thread")]
async fn commits_of_two_processes_are_followed_without_a_gap() {
    let Some(test) = TestDatabase::create("commits_of_two_processes_are_followed_without_a_gap")
    else {
        return;
    };
    let stores = [
        PostgresStore::open(&test.url).unwrap(),
        PostgresStore::open(&test.url).unwrap(),
    ];
    let follower = PostgresStore::open(&test.url).unwrap();
    let writers = stores.iter().enumerate().map(|(index, store)| async move {
        let mut recorder = Recorder::after(0);
        for seq in 0..200 {
            let ack = store.commit(checkpoint(&format!("w{index}"), seq, &mut recorder));
            assert_eq!(ack.await, Ok(Created::New));
        }
    });
    let following = async {
        let mut cursor = 0;
        let mut seen = Vec::new();
        while seen.len() < 400 {
            let page = follower.committed_after(cursor, 37).unwrap();
            match page.last() {
                Some(last) => cursor = last.cursor,
                None => tokio::time::sleep(Duration::from_millis(5)).await,
            }
            seen.extend(
                page.into_iter()
                    .map(|committed| (committed.arn, committed.events[0].id)),
            );
        }
        seen
    };
    let (seen, ()) = tokio::join!(following, async {
        futures::future::join_all(writers).await;
    });
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 400, "each commit once");
    for arn in ["w0", "w1"] {
        let ids: Vec<u64> = seen
            .iter()
            .filter(|(seen, _)| seen.ends_with(arn))
            .map(|(_, id)| *id)
            .collect();
        assert_eq!(ids, (1..=200).collect::<Vec<_>>(), "{arn} in order");
    }
    assert_eq!(follower.committed_after(u64::MAX >> 1, 10), Ok(Vec::new()));
    let _ = ExecutionStatus::Running;
}

/// An outcome recorded for a token is announced to every listener, with the node's
/// own announcements.
#[tokio::test(flavor = "multi_thread")]
async fn announcements_reach_every_listener() {
    let Some(test) = TestDatabase::create("announcements_reach_every_listener") else {
        return;
    };
    let database = Arc::new(test.open());
    let node = Node::join(Arc::clone(&database), "n", Lease::default()).unwrap();
    let mut first = crate::fleet::listen(&database);
    let other = Database::connect(&test.url).unwrap();
    let mut second = crate::fleet::listen(&other);
    // The listeners are listening once an announcement of their own reaches them.
    loop {
        node.announce(&Announcement::Stop("probe".into()))
            .await
            .unwrap();
        let heard = tokio::time::timeout(Duration::from_millis(200), second.recv()).await;
        if heard.is_ok() {
            break;
        }
    }
    while tokio::time::timeout(Duration::from_millis(200), first.recv())
        .await
        .is_ok()
    {}
    while tokio::time::timeout(Duration::from_millis(100), second.recv())
        .await
        .is_ok()
    {}
    // A fleet in another schema of the same database is not heard (regression: CI
    // once heard another test's announcements).
    let elsewhere = TestDatabase::create("announcements_of_another_schema").unwrap();
    let elsewhere = Arc::new(elsewhere.open());
    assert_ne!(elsewhere.channel(), database.channel());
    Node::join(Arc::clone(&elsewhere), "e", Lease::default())
        .unwrap()
        .announce(&Announcement::Children)
        .await
        .unwrap();
    let store = PostgresStore::on(Arc::clone(&database));
    assert_eq!(store.record_callback("t1", "{}"), Ok(true));
    assert_eq!(store.record_callback("t1", "{}"), Ok(false));
    node.announce(&Announcement::Heartbeat("t2".into()))
        .await
        .unwrap();
    for listener in [&mut first, &mut second] {
        let mut heard = Vec::new();
        for _ in 0..2 {
            let next = tokio::time::timeout(Duration::from_secs(5), listener.recv()).await;
            heard.push(next.unwrap().unwrap());
        }
        assert_eq!(
            heard,
            [
                Heard::Announcement(Announcement::Callback("t1".into())),
                Heard::Announcement(Announcement::Heartbeat("t2".into())),
            ]
        );
    }
}

/// Regression: many synchronous reads inside one poll of an async task (ListExecutions
/// reads a note per execution) once hung the task's thread for good: waiting for
/// each query spent the task's cooperative budget, and the wake-up of the read that
/// found it spent was deferred until the task yielded.
#[test]
fn many_reads_in_one_poll_of_an_async_task_do_not_hang() {
    let Some(test) = TestDatabase::create("many_reads_in_one_poll_of_an_async_task_do_not_hang")
    else {
        return;
    };
    let store = PostgresStore::open(&test.url).unwrap();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            tokio::spawn(async move {
                for index in 0..1000 {
                    assert_eq!(store.noted(&format!("k{index}")), Ok(None));
                }
            })
            .await
            .unwrap();
        });
        let _ = done.send(());
    });
    finished
        .recv_timeout(Duration::from_secs(60))
        .expect("1,000 reads in one poll end");
}

/// Children of a Distributed Map offered by one process: a node claims some and
/// dies; another claims the rest and those, runs each once, and every parent's
/// future gets its child's outcome; the dead node's late outcomes are refused, and a
/// child no one waits for any more is withdrawn.
#[tokio::test(flavor = "multi_thread")]
async fn distributed_map_children_are_claimed_once_and_their_outcomes_handed_back() {
    use asl_runtime::hooks::{Spread, SpreadChild};

    use crate::children::{Offers, Outcome};

    let Some(test) = TestDatabase::create("distributed_map_children_are_claimed_once") else {
        return;
    };
    let database = Arc::new(test.open());
    // The parent runs (children of parents that ended are not claimed).
    let store = PostgresStore::on(Arc::clone(&database));
    let start = checkpoint("parent", 0, &mut Recorder::after(0));
    assert_eq!(store.commit(start).await, Ok(Created::New));
    let offers = Offers::new(Arc::clone(&database));
    let child = |index: usize| SpreadChild {
        parent: "arn:aws:states:us-east-1:123456789012:execution:M:parent".into(),
        state_machine: "M".into(),
        map_state: "Each".into(),
        name: format!("run-{index}"),
        arn: format!("arn:aws:states:us-east-1:123456789012:execution:M/Each:run-{index}"),
        input: serde_json::json!({ "id": index }),
        seed: None,
    };
    let waiting: Vec<_> = (0..20)
        .map(|index| tokio::spawn(offers.run(child(index)).unwrap()))
        .collect();
    let rows = || async {
        let client = database.pool().get().await.unwrap();
        let row = client
            .query_one("SELECT count(*) FROM asl_map_children", &[])
            .await
            .unwrap();
        row.get::<_, i64>(0)
    };
    while rows().await < 20 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let short = Lease {
        takeover: Duration::from_millis(200),
    };
    let dead = Node::join(Arc::clone(&database), "dead", short).unwrap();
    let live = Node::join(Arc::clone(&database), "live", Lease::default()).unwrap();
    let taken_by_dead = dead.claim_children(5).await.unwrap();
    assert_eq!(taken_by_dead.len(), 5);
    assert_eq!(live.claim_children(100).await.unwrap().len(), 15);
    tokio::time::sleep(Duration::from_millis(250)).await;
    live.take_over(10).await.unwrap();
    // The dead node's children are claimable again, and no other.
    let again = live.claim_children(100).await.unwrap();
    let mut names: Vec<_> = again.iter().map(|claimed| claimed.arn.clone()).collect();
    let mut dead_names: Vec<_> = taken_by_dead
        .iter()
        .map(|claimed| claimed.arn.clone())
        .collect();
    names.sort();
    dead_names.sort();
    assert_eq!(names, dead_names);
    assert_eq!(again[0].child.map_state, "Each");
    let outcome = |claimed: &crate::children::Claimed| {
        let id = claimed.child.input["id"].as_u64().unwrap();
        let outcome = match id % 4 {
            0 => Outcome::Failed {
                error: "Odd".into(),
                cause: format!("{id}"),
            },
            _ => Outcome::Succeeded {
                output: serde_json::json!({ "double": id * 2 }),
            },
        };
        (claimed.arn.clone(), outcome)
    };
    let late = taken_by_dead.iter().map(outcome).collect();
    assert_eq!(dead.finish_children(late).await.unwrap(), 0, "refused");
    let ended = (0..20)
        .map(|index| {
            outcome(&crate::children::Claimed {
                arn: child(index).arn,
                child: child(index),
            })
        })
        .collect();
    assert_eq!(live.finish_children(ended).await.unwrap(), 20);
    for (index, waiter) in waiting.into_iter().enumerate() {
        let ended = tokio::time::timeout(Duration::from_secs(10), waiter)
            .await
            .unwrap()
            .unwrap();
        match index % 4 {
            0 => {
                let error = ended.unwrap_err();
                assert_eq!(
                    (error.name(), error.cause_text()),
                    ("Odd", &*index.to_string())
                );
            }
            _ => assert_eq!(ended.unwrap(), serde_json::json!({ "double": index * 2 })),
        }
    }
    assert_eq!(rows().await, 0, "the outcomes taken are deleted");
    // A child whose output the parent already has (a resumed Map) is never offered:
    // its future is dropped unpolled.
    drop(offers.run(child(19)).unwrap());
    // A child whose parent stopped waiting is withdrawn, even once claimed.
    let waiting = tokio::spawn(offers.run(child(20)).unwrap());
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while std::time::Instant::now() < until && live.claim_children(1).await.unwrap().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(rows().await, 1, "child 20 alone was offered");
    waiting.abort();
    let withdrawn = std::time::Instant::now() + Duration::from_secs(10);
    while rows().await > 0 {
        assert!(std::time::Instant::now() < withdrawn, "withdrawn");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A child whose parent ended (its process died before withdrawing it) is not
    // claimed, and is forgotten.
    let orphan = SpreadChild {
        parent: "arn:aws:states:us-east-1:123456789012:execution:M:ended".into(),
        ..child(21)
    };
    let _waiting = tokio::spawn(offers.run(orphan).unwrap());
    while rows().await == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(live.claim_children(10).await.unwrap().is_empty());
    assert_eq!(live.forget_orphan_children().await.unwrap(), 1);
    assert_eq!(rows().await, 0);
}

/// A waiting execution parked by its owner is no node's until its timer is due;
/// then one live node fires it (or wakes it early, to stop it), and a dead node fires
/// nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_parked_execution_is_fired_once_by_a_live_node_and_never_taken_over() {
    let Some(test) = TestDatabase::create("a_parked_execution_is_fired_once") else {
        return;
    };
    let database = Arc::new(test.open());
    let short = Lease {
        takeover: Duration::from_millis(300),
    };
    let owner = Node::join(Arc::clone(&database), "owner", short).unwrap();
    let nodes: Vec<Node> = ["a", "b"]
        .iter()
        .map(|name| Node::join(Arc::clone(&database), name, Lease::default()).unwrap())
        .collect();
    let store = PostgresStore::for_node(Arc::clone(&database), owner.id());
    let mut arns = Vec::new();
    for name in ["waits", "runs"] {
        let start = checkpoint(name, 0, &mut Recorder::after(0));
        arns.push(start.arn.clone());
        assert_eq!(store.commit(start).await, Ok(Created::New));
    }
    let (waits, runs) = (arns[0].clone(), arns[1].clone());
    let in_a_minute = SystemTime::now() + Duration::from_secs(60);

    // Only the owner parks, and only a wait worth it.
    let soon = SystemTime::now() + timers::PARK_AFTER / 2;
    assert_eq!(store.park(&waits, soon, None).await, Ok(false));
    let other = PostgresStore::for_node(Arc::clone(&database), nodes[0].id());
    assert_eq!(other.park(&waits, in_a_minute, None).await, Ok(false));
    let alone = PostgresStore::on(Arc::clone(&database));
    assert_eq!(alone.park(&waits, in_a_minute, None).await, Ok(false));
    assert_eq!(store.park(&waits, in_a_minute, None).await, Ok(true));
    assert_eq!(owner.owner(&waits).await.unwrap(), None);
    let next = nodes[0].next_timer().await.unwrap().unwrap();
    assert_eq!(millis(next), millis(in_a_minute));

    // Its owner dies: the running execution is taken over, the parked one is not.
    tokio::time::sleep(short.ttl() + Duration::from_millis(100)).await;
    assert_eq!(
        nodes[0].take_over(100).await.unwrap(),
        std::slice::from_ref(&runs)
    );
    assert_eq!(nodes[1].take_over(100).await.unwrap(), Vec::<String>::new());
    assert_eq!(
        nodes[0].fire_timers(100).await.unwrap(),
        Vec::<String>::new()
    );

    // Due: fired by one node, once.
    set_due(&database, &waits, SystemTime::now()).await;
    let (a, b) = tokio::join!(nodes[0].fire_timers(100), nodes[1].fire_timers(100));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.len() + b.len(), 1, "{a:?} {b:?}");
    let firer = &nodes[usize::from(a.is_empty())];
    assert_eq!(firer.owner(&waits).await.unwrap(), Some(firer.id()));
    assert_eq!(nodes[0].next_timer().await.unwrap(), None);

    // Parked again by the node that fired it, then woken early by another.
    let firer_store = PostgresStore::for_node(Arc::clone(&database), firer.id());
    assert_eq!(firer_store.park(&waits, in_a_minute, None).await, Ok(true));
    let waker = &nodes[usize::from(!a.is_empty())];
    assert!(waker.wake(&waits).await.unwrap());
    assert!(!firer.wake(&waits).await.unwrap(), "woken once");
    assert_eq!(waker.owner(&waits).await.unwrap(), Some(waker.id()));

    // A node that lost its lease fires nothing.
    let waker_store = PostgresStore::for_node(Arc::clone(&database), waker.id());
    assert_eq!(waker_store.park(&waits, in_a_minute, None).await, Ok(true));
    set_due(&database, &waits, SystemTime::now()).await;
    assert!(owner.fire_timers(100).await.unwrap().is_empty());
    assert!(!owner.wake(&waits).await.unwrap());
    assert!(nodes[0].next_timer().await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_task_parked_for_its_token_wakes_by_the_answer_and_never_parks_once_answered() {
    let Some(test) = TestDatabase::create("a_task_parked_for_its_token") else {
        return;
    };
    let database = Arc::new(test.open());
    let nodes: Vec<Node> = ["a", "b"]
        .iter()
        .map(|name| Node::join(Arc::clone(&database), name, Lease::default()).unwrap())
        .collect();
    let stores: Vec<PostgresStore> = nodes
        .iter()
        .map(|node| PostgresStore::for_node(Arc::clone(&database), node.id()))
        .collect();
    let asks = checkpoint("asks", 0, &mut Recorder::after(0));
    let arn = asks.arn.clone();
    assert_eq!(stores[0].commit(asks).await, Ok(Created::New));
    let in_an_hour = SystemTime::now() + Duration::from_secs(3600);

    // Parked awaiting its token; answered on the other node, which wakes it then.
    assert_eq!(
        stores[0].park(&arn, in_an_hour, Some("t-1")).await,
        Ok(true)
    );
    assert!(nodes[1].fire_answered(100).await.unwrap().is_empty());
    assert_eq!(stores[1].record_callback("t-1", "{}"), Ok(true));
    assert!(nodes[1].wake(&arn).await.unwrap());
    assert_eq!(nodes[1].owner(&arn).await.unwrap(), Some(nodes[1].id()));

    // Its token answered already, it is not parked: the run goes on with the answer.
    assert_eq!(
        stores[1].park(&arn, in_an_hour, Some("t-1")).await,
        Ok(false)
    );
    assert_eq!(nodes[1].owner(&arn).await.unwrap(), Some(nodes[1].id()));

    // Answered by a node that died before waking it: found by one live node.
    assert_eq!(
        stores[1].park(&arn, in_an_hour, Some("t-2")).await,
        Ok(true)
    );
    assert_eq!(stores[0].record_callback("t-2", "{}"), Ok(true));
    let (a, b) = tokio::join!(nodes[0].fire_answered(100), nodes[1].fire_answered(100));
    let found = [a.unwrap(), b.unwrap()].concat();
    assert_eq!(found, std::slice::from_ref(&arn));

    // Parking and answering at the same moment: each waits for the other's
    // transaction under the token's lock, so that either the park sees the answer
    // or the answerer, waking it next, sees the timer.
    let owner = usize::from(nodes[0].owner(&arn).await.unwrap() != Some(nodes[0].id()));
    let answering = hold_token_lock(&database, "t-3", true).await;
    let parking = stores[owner].park(&arn, in_an_hour, Some("t-3"));
    let parking = tokio::spawn(parking);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !parking.is_finished(),
        "the park waits for the answer's transaction"
    );
    answering.send(()).unwrap();
    assert_eq!(parking.await.unwrap(), Ok(false), "and then sees it");

    let parking = hold_token_lock(&database, "t-4", false).await;
    let answerer = Arc::new(PostgresStore::on(Arc::clone(&database)));
    let answer = tokio::task::spawn_blocking(move || answerer.record_callback("t-4", "{}"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !answer.is_finished(),
        "the answer waits for the park's transaction"
    );
    parking.send(()).unwrap();
    assert_eq!(answer.await.unwrap(), Ok(true));
}

/// Takes the advisory lock of `token` in a transaction, as parking a Task awaiting
/// it or answering it does (`answering`: recording an outcome for it too), and
/// holds it until told, then commits.
async fn hold_token_lock(
    database: &Arc<Database>,
    token: &str,
    answering: bool,
) -> tokio::sync::oneshot::Sender<()> {
    let (pool, token) = (database.pool().clone(), token.to_owned());
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let (locked, holds) = tokio::sync::oneshot::channel();
    let database = Arc::clone(database);
    tokio::spawn(async move {
        database
            .run(async move {
                let mut client = pool.get().await?;
                let transaction = client.transaction().await?;
                transaction
                    .execute(
                        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                        &[&token],
                    )
                    .await?;
                if answering {
                    transaction
                        .execute(
                            "INSERT INTO asl_callbacks (token, outcome) VALUES ($1, '{}')",
                            &[&token],
                        )
                        .await?;
                }
                let _ = locked.send(());
                let _ = released.await;
                transaction.commit().await?;
                Ok(())
            })
            .await
    });
    holds.await.unwrap();
    release
}

/// Makes the timer of `arn` due at `due`, as if the time had come.
async fn set_due(database: &Arc<Database>, arn: &str, due: SystemTime) {
    let (pool, arn, due) = (database.pool().clone(), arn.to_owned(), millis(due));
    database
        .run(async move {
            let updated = pool
                .get()
                .await?
                .execute(
                    "UPDATE asl_timers SET due_ms = $2 WHERE arn = $1",
                    &[&arn, &due],
                )
                .await?;
            assert_eq!(updated, 1);
            Ok(())
        })
        .await
        .unwrap();
}
