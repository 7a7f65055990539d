//! The PostgreSQL store: executions kept in a PostgreSQL database that many processes
//! share (any managed PostgreSQL: RDS, Aurora, Cloud SQL).
//!
//! Tables (see `migrations/`): `asl_executions` (one row per execution: its identity,
//! last position and owner), `asl_transitions` (one row per committed checkpoint,
//! keyed by `(arn, seq)`, its history events as a JSON array), `asl_callbacks` and
//! `asl_notes`, `asl_nodes`, the processes that own executions (see [`fleet`]),
//! and `asl_timers`, the executions parked while they wait (see [`timers`]).
//!
//! Writes go to one task that commits every checkpoint and note waiting in one
//! transaction (group commit), its statements pipelined on one connection. A
//! checkpoint `n` is applied only on top of `n - 1`, and, when the store belongs to a
//! node ([`PostgresStore::for_node`]), only while that node owns the execution: a
//! process that lost its lease (paused past it, cut off) and was taken over can never
//! write for that execution again; its notes are refused once its node row is gone.
//! Such a refused write is [`StoreError::Fenced`].
//!
//! A lost connection (PostgreSQL restarting, a failover) is not a failure: the group
//! is committed again on a new connection for up to [`database::RECONNECT_WINDOW`],
//! and a checkpoint the lost transaction did commit is recognised (its transition is
//! stored with the same events) rather than refused. Any other failure poisons the
//! store, as the SQLite store's does.

pub mod children;
pub mod database;
pub mod fleet;
#[cfg(any(test, feature = "test-util"))]
pub mod testing;
pub mod timers;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use deadpool_postgres::Object;
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use asl_engine::history::HistoryEvent;
use asl_engine::store::{
    Ack, BackendError, Checkpoint, Committed, Created, ExecutionRecord, ExecutionStatus, Identity,
    Parking, Position, Store, StoreError, from_unix_millis as from_millis, unix_millis as millis,
};
use std::time::SystemTime;

pub use database::{Database, DatabaseError};

/// Checkpoints and notes are committed at most this many to a transaction.
const MAX_GROUP: usize = 1024;

/// A checkpoint's place in its group is at most this many bits of a commit cursor
/// (see [`Store::committed_after`]): the group's number takes the bits above.
const ORDINAL_BITS: u32 = 20;

/// The advisory lock under which groups are numbered as they commit.
const COMMIT_LOCK: i64 = 0x0a51_c0aa;

/// What the writer commits: a checkpoint, or a journal note (key, value).
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
enum Write {
    Checkpoint(Checkpoint),
    Note(String, String),
}

type Job = (Write, oneshot::Sender<Result<Created, StoreError>>);

/// An execution store in a PostgreSQL database.
#[derive(Debug)]
pub struct PostgresStore {
    database: Arc<Database>,
    writer: mpsc::UnboundedSender<Job>,
    node: Option<i64>,
    fenced: Arc<AtomicU64>,
}

const COLUMNS: &str = "arn, machine, name, input, start_ms, seq, status, state, variables, \
    last_event_id, entered_event_id, entered_ms, stop_ms, output, error, cause, redrive_count, \
    redrive_ms";

impl PostgresStore {
    /// Connects to the database at `url`, migrates it, and writes without a node:
    /// for a single process (`asl run --db postgres://...`, tests).
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let database = Database::open(url).map_err(store_error)?;
        Ok(PostgresStore::on(Arc::new(database)))
    }

    /// The store on `database` (migrated), writing without a node.
    pub fn on(database: Arc<Database>) -> PostgresStore {
        PostgresStore::new(database, None)
    }

    /// The store on `database` (migrated) of the process that is node `node` of the
    /// fleet (see [`fleet::Node`]): the executions it starts are its own, and its
    /// writes for the executions it no longer owns are refused.
    pub fn for_node(database: Arc<Database>, node: i64) -> PostgresStore {
        PostgresStore::new(database, Some(node))
    }

    fn new(database: Arc<Database>, node: Option<i64>) -> PostgresStore {
        let (writer, jobs) = mpsc::unbounded_channel();
        let fenced = Arc::new(AtomicU64::new(0));
        database.handle().spawn(write(
            Arc::clone(&database),
            node,
            Arc::clone(&fenced),
            jobs,
        ));
        PostgresStore {
            database,
            writer,
            node,
            fenced,
        }
    }

    /// The database.
    pub fn database(&self) -> &Arc<Database> {
        &self.database
    }

    /// The node whose executions this store writes, if any.
    pub fn node(&self) -> Option<i64> {
        self.node
    }

    /// How many writes were refused because this node had lost the execution (or
    /// its lease) to another.
    pub fn fenced_writes(&self) -> u64 {
        self.fenced.load(Ordering::Relaxed)
    }

    fn send(&self, write: Write) -> Ack {
        let (sender, ack) = Ack::channel();
        // A send fails only when the writer is gone, and then the dropped sender
        // resolves the Ack with an error.
        let _ = self.writer.send((write, sender));
        ack
    }

    /// Runs the read `query` on a pooled connection, waiting for it.
    fn read<T, F, Fut>(&self, query: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Fn(Object) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, DatabaseError>> + Send,
    {
        let database = Arc::clone(&self.database);
        self.database
            .block(async move { database.with_client(query).await })
            .map_err(store_error)
    }
}

impl Store for PostgresStore {
    fn commit(&self, checkpoint: Checkpoint) -> Ack {
        self.send(Write::Checkpoint(checkpoint))
    }

    fn execution(&self, arn: &str) -> Result<Option<ExecutionRecord>, StoreError> {
        let arn = arn.to_owned();
        self.read(move |client| {
            let arn = arn.clone();
            async move { select_execution(&client, &arn).await }
        })
    }

    fn executions(&self) -> Result<Vec<ExecutionRecord>, StoreError> {
        self.read(|client| async move {
            let rows = client
                .query(
                    &format!("SELECT {COLUMNS} FROM asl_executions ORDER BY started"),
                    &[],
                )
                .await?;
            rows.iter().map(record).collect()
        })
    }

    fn history(&self, arn: &str) -> Result<Vec<HistoryEvent>, StoreError> {
        let arn = arn.to_owned();
        self.read(move |client| {
            let arn = arn.clone();
            async move {
                let statement = client
                    .prepare_cached(
                        "SELECT events FROM asl_transitions WHERE arn = $1 ORDER BY seq",
                    )
                    .await?;
                let mut history = Vec::new();
                for row in client.query(&statement, &[&arn]).await? {
                    history.extend(events(&arn, row.get(0))?);
                }
                Ok(history)
            }
        })
    }

    fn record_callback(&self, token: &str, outcome: &str) -> Result<bool, StoreError> {
        let (token, outcome) = (token.to_owned(), outcome.to_owned());
        // One statement: recorded and announced (see `fleet::Announcement`) together,
        // so that the process where the task waits hands it over at once; under the
        // token's advisory lock, as parking a Task that awaits it (see `timers::park`).
        let channel = self.database.channel().to_owned();
        self.read(move |client| {
            let (token, outcome, channel) = (token.clone(), outcome.clone(), channel.clone());
            async move {
                let rows = client
                    .query(
                        "WITH locked AS (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))), \
                         recorded AS (INSERT INTO asl_callbacks (token, outcome) \
                         SELECT $1, $2 FROM locked ON CONFLICT (token) DO NOTHING RETURNING token) \
                         SELECT pg_notify($3, $4) FROM recorded",
                        &[
                            &token,
                            &outcome,
                            &channel,
                            &fleet::Announcement::Callback(token.clone()).to_payload(),
                        ],
                    )
                    .await?;
                Ok(rows.len() == 1)
            }
        })
    }

    fn callback(&self, token: &str) -> Result<Option<String>, StoreError> {
        let token = token.to_owned();
        self.read(move |client| {
            let token = token.clone();
            async move {
                let statement = client
                    .prepare_cached("SELECT outcome FROM asl_callbacks WHERE token = $1")
                    .await?;
                let row = client.query_opt(&statement, &[&token]).await?;
                Ok(row.map(|row| row.get(0)))
            }
        })
    }

    fn note(&self, key: String, value: String) -> Ack {
        self.send(Write::Note(key, value))
    }

    fn noted(&self, key: &str) -> Result<Option<String>, StoreError> {
        let key = key.to_owned();
        self.read(move |client| {
            let key = key.clone();
            async move {
                let statement = client
                    .prepare_cached("SELECT value FROM asl_notes WHERE key = $1")
                    .await?;
                let row = client.query_opt(&statement, &[&key]).await?;
                Ok(row.map(|row| row.get(0)))
            }
        })
    }

    fn notes_under(&self, prefix: &str) -> Result<Vec<(String, String)>, StoreError> {
        let prefix = prefix.to_owned();
        // A range of the key (bytewise, "C" collation), not LIKE, which would read
        // `%` and `_` in the prefix as wildcards.
        self.read(move |client| {
            let prefix = prefix.clone();
            async move {
                let statement = client
                    .prepare_cached("SELECT key, value FROM asl_notes WHERE key >= $1 ORDER BY key")
                    .await?;
                let mut notes = Vec::new();
                for row in client.query(&statement, &[&prefix]).await? {
                    let key: String = row.get(0);
                    if !key.starts_with(&prefix) {
                        break;
                    }
                    notes.push((key, row.get(1)));
                }
                Ok(notes)
            }
        })
    }

    fn committed_after(&self, cursor: u64, limit: usize) -> Result<Vec<Committed>, StoreError> {
        // In the order the groups committed (see `asl_commits`), then by place in
        // the group.
        let group = i64::try_from(cursor >> ORDINAL_BITS).unwrap_or(i64::MAX);
        let ordinal = i32::try_from(cursor & ((1 << ORDINAL_BITS) - 1)).unwrap_or(i32::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(move |client| async move {
            let statement = client
                .prepare_cached(
                    "SELECT c.seq, t.ordinal, t.arn, t.events \
                     FROM asl_commits c JOIN asl_transitions t ON t.xid = c.xid \
                     WHERE (c.seq, t.ordinal) > ($1, $2) ORDER BY c.seq, t.ordinal LIMIT $3",
                )
                .await?;
            let rows = client
                .query(&statement, &[&group, &ordinal, &limit])
                .await?;
            rows.iter()
                .map(|row| {
                    let (group, ordinal): (i64, i32) = (row.get(0), row.get(1));
                    let arn: String = row.get(2);
                    let events = events(&arn, row.get(3))?;
                    Ok(Committed {
                        cursor: (u64::try_from(group).unwrap_or(0) << ORDINAL_BITS)
                            | u64::try_from(ordinal).unwrap_or(0),
                        arn,
                        events,
                    })
                })
                .collect()
        })
    }

    /// A node's store parks (see [`timers`]).
    fn parks(&self) -> bool {
        self.node.is_some()
    }

    /// Parks `arn` (see [`timers`]) when the store belongs to a node that owns it,
    /// the wait is at least [`timers::PARK_AFTER`] and the token it awaits, if any,
    /// has no outcome yet.
    fn park(&self, arn: &str, due: SystemTime, awaiting: Option<&str>) -> Parking {
        let Some(node) = self.node else {
            return Box::pin(std::future::ready(Ok(false)));
        };
        let worth = due
            .duration_since(SystemTime::now())
            .is_ok_and(|ahead| ahead >= timers::PARK_AFTER);
        if !worth {
            return Box::pin(std::future::ready(Ok(false)));
        }
        let (database, arn) = (Arc::clone(&self.database), arn.to_owned());
        let awaiting = awaiting.map(str::to_owned);
        Box::pin(async move {
            let parking = timers::park(Arc::clone(&database), node, arn, millis(due), awaiting);
            database.run(parking).await.map_err(store_error)
        })
    }
}

/// The writer: takes every checkpoint and note waiting, commits them in one
/// transaction, then acknowledges each.
async fn write(
    database: Arc<Database>,
    node: Option<i64>,
    fenced: Arc<AtomicU64>,
    mut jobs: mpsc::UnboundedReceiver<Job>,
) {
    // Set by the first write that fails for good: every write since is refused.
    let mut poisoned: Option<BackendError> = None;
    while let Some(first) = jobs.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        if poisoned.is_none() {
            match commit_retrying(&database, node, &group).await {
                Ok(results) => {
                    for ((_, acknowledge), result) in group.drain(..).zip(results) {
                        if matches!(result, Err(StoreError::Fenced(_))) {
                            fenced.fetch_add(1, Ordering::Relaxed);
                        }
                        // A dropped Ack: its execution stopped waiting; the commit
                        // stands.
                        let _ = acknowledge.send(result);
                    }
                }
                Err(error) => {
                    tracing::error!("the PostgreSQL store can no longer write: {error}");
                    poisoned = Some(Arc::new(error) as BackendError);
                }
            }
        }
        if let Some(error) = &poisoned {
            for (_, acknowledge) in group.drain(..) {
                let _ = acknowledge.send(Err(StoreError::Poisoned(BackendError::clone(error))));
            }
        }
    }
}

/// Commits `group`, again on a new connection while the database is unreachable.
async fn commit_retrying(
    database: &Database,
    node: Option<i64>,
    group: &[Job],
) -> Result<Vec<Result<Created, StoreError>>, DatabaseError> {
    let retried = std::sync::atomic::AtomicBool::new(false);
    database::retrying(|| {
        let again = retried.swap(true, Ordering::Relaxed);
        async move {
            let mut client = database.pool().get().await?;
            commit_group(&mut client, node, group, again).await
        }
    })
    .await
}

/// Whether a write was applied, or refused by its condition.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Applied {
    Yes,
    No,
}

/// Commits `group` in one transaction, its statements pipelined, then finds out why
/// those that were not applied were refused. `again`: an earlier attempt may have
/// committed before its connection was lost.
async fn commit_group(
    client: &mut Object,
    node: Option<i64>,
    group: &[Job],
    again: bool,
) -> Result<Vec<Result<Created, StoreError>>, DatabaseError> {
    let transaction = client.transaction().await?;
    let first = transaction.prepare_cached(FIRST_CHECKPOINT).await?;
    let next = transaction.prepare_cached(NEXT_CHECKPOINT).await?;
    let note = transaction.prepare_cached(NOTE).await?;
    let texts: Vec<Option<String>> = group
        .iter()
        .map(|(write, _)| match write {
            Write::Checkpoint(checkpoint) => {
                Some(serde_json::to_string(&checkpoint.events).unwrap_or_else(|_| "[]".to_owned()))
            }
            Write::Note(..) => None,
        })
        .collect();
    let applied = futures::future::try_join_all(group.iter().zip(&texts).enumerate().map(
        |(ordinal, ((write, _), events))| {
            let (transaction, first, next, note) = (&transaction, &first, &next, &note);
            async move {
                let changed = match write {
                    Write::Checkpoint(checkpoint) => {
                        let ordinal = i32::try_from(ordinal).unwrap_or(i32::MAX);
                        let values = Values::of(checkpoint, node, events.as_deref(), ordinal);
                        match &checkpoint.start {
                            Some(identity) => {
                                let start = millis(identity.start);
                                let mut parameters = values.parameters();
                                let identity: [&(dyn ToSql + Sync); 4] =
                                    [&identity.machine, &identity.name, &identity.input, &start];
                                parameters.extend(identity);
                                transaction.execute(first, &parameters).await?
                            }
                            None => transaction.execute(next, &values.parameters()).await?,
                        }
                    }
                    Write::Note(key, value) => {
                        transaction.execute(note, &[key, value, &node]).await?
                    }
                };
                Ok::<_, tokio_postgres::Error>(if changed == 0 {
                    Applied::No
                } else {
                    Applied::Yes
                })
            }
        },
    ))
    .await?;
    let checkpoints = group.iter().zip(&applied).any(|((write, _), applied)| {
        matches!(write, Write::Checkpoint(_)) && *applied == Applied::Yes
    });
    if checkpoints {
        // Numbered last, under a lock held until the commit ends: groups are numbered
        // in the order they become visible.
        transaction
            .execute("SELECT pg_advisory_xact_lock($1)", &[&COMMIT_LOCK])
            .await?;
        transaction
            .execute(
                "INSERT INTO asl_commits (xid) VALUES (pg_current_xact_id())",
                &[],
            )
            .await?;
    }
    transaction.commit().await?;
    let mut results = Vec::with_capacity(group.len());
    for (((write, _), events), applied) in group.iter().zip(&texts).zip(applied.iter().copied()) {
        results.push(match (write, applied) {
            (_, Applied::Yes) => Ok(Created::New),
            (Write::Note(key, _), Applied::No) => Err(StoreError::Fenced(format!(
                "note {key}: node {} has lost its lease",
                node.unwrap_or_default()
            ))),
            (Write::Checkpoint(checkpoint), Applied::No) => {
                refused(client, node, checkpoint, events.as_deref(), again).await?
            }
        });
    }
    for result in &results {
        if let (Err(StoreError::Fenced(what)), Some(node)) = (result, node) {
            tracing::warn!(node, "write refused: {what}");
            // For operators (and the chaos test): kept if the database takes it.
            let _ = client
                .execute(
                    "INSERT INTO asl_refused_writes (node, what) VALUES ($1, $2)",
                    &[&node, what],
                )
                .await;
        }
    }
    Ok(results)
}

/// Why `checkpoint` was not applied: its execution exists (a first checkpoint), it
/// does not follow the stored one, or another node owns the execution; or it was
/// applied by an earlier attempt of the same group (`again`).
async fn refused(
    client: &Object,
    node: Option<i64>,
    checkpoint: &Checkpoint,
    events: Option<&str>,
    again: bool,
) -> Result<Result<Created, StoreError>, DatabaseError> {
    let arn = &checkpoint.arn;
    let seq = signed(checkpoint.position.seq);
    if again {
        let stored = client
            .query_opt(
                "SELECT events FROM asl_transitions WHERE arn = $1 AND seq = $2",
                &[arn, &seq],
            )
            .await?;
        if stored.is_some_and(|row| Some(row.get::<_, &str>(0)) == events) {
            return Ok(Ok(Created::New));
        }
    }
    let conflict = StoreError::Conflict {
        arn: arn.clone(),
        seq: checkpoint.position.seq,
    };
    if checkpoint.start.is_some() {
        return Ok(match select_execution(client, arn).await? {
            Some(record) => Ok(Created::Existing(Box::new(record))),
            None => Err(conflict),
        });
    }
    let row = client
        .query_opt(
            "SELECT owner, status FROM asl_executions WHERE arn = $1",
            &[arn],
        )
        .await?;
    // Another node runs it: whether it went on since or not, this write comes from a
    // node that lost it.
    let taken = row.is_some_and(|row| {
        let (owner, status): (Option<i64>, &str) = (row.get(0), row.get(1));
        status == "RUNNING" && node.is_some() && owner.is_some() && owner != node
    });
    Ok(Err(if taken {
        StoreError::Fenced(format!(
            "checkpoint {seq} of {arn}: another node runs it since node {} lost its lease",
            node.unwrap_or_default()
        ))
    } else {
        conflict
    }))
}

/// A first checkpoint: the execution and its first transition, unless an execution
/// has the ARN. $1-$14 as [`Values`], $15 the node, $16 events, $17 ordinal, $18-$21
/// the identity.
const FIRST_CHECKPOINT: &str = "WITH created AS (
    INSERT INTO asl_executions (arn, seq, status, state, variables, last_event_id,
        entered_event_id, entered_ms, stop_ms, output, error, cause, redrive_count,
        redrive_ms, owner, machine, name, input, start_ms)
    VALUES ($1, $2::bigint, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::bigint,
        $18, $19, $20, $21)
    ON CONFLICT (arn) DO NOTHING RETURNING arn)
INSERT INTO asl_transitions (arn, seq, events, ordinal)
SELECT arn, $2::bigint, $16::text, $17::integer FROM created";

/// A later checkpoint: applied on top of the one before, by the node that owns the
/// execution (or by any, once it ended: a redrive), which then owns it.
const NEXT_CHECKPOINT: &str = "WITH moved AS (
    UPDATE asl_executions SET seq = $2::bigint, status = $3, state = $4,
        variables = COALESCE($5, variables), last_event_id = $6, entered_event_id = $7,
        entered_ms = $8, stop_ms = $9, output = $10, error = $11, cause = $12,
        redrive_count = $13, redrive_ms = $14, owner = COALESCE($15::bigint, owner)
    WHERE arn = $1 AND seq = $2::bigint - 1
        AND ($15::bigint IS NULL OR owner IS NULL OR owner = $15 OR status <> 'RUNNING')
    RETURNING arn)
INSERT INTO asl_transitions (arn, seq, events, ordinal)
SELECT arn, $2::bigint, $16::text, $17::integer FROM moved";

/// A note, written while the node (if any) is alive.
const NOTE: &str = "INSERT INTO asl_notes (key, value)
SELECT $1, $2 WHERE $3::bigint IS NULL OR EXISTS (SELECT 1 FROM asl_nodes WHERE id = $3)
ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/// A checkpoint's values as the statements take them.
struct Values<'a> {
    arn: &'a str,
    seq: i64,
    status: &'static str,
    position: &'a Position,
    last_event_id: i64,
    entered_event_id: i64,
    entered: i64,
    stop: Option<i64>,
    redrive_count: i32,
    redrive: Option<i64>,
    node: Option<i64>,
    events: &'a str,
    ordinal: i32,
}

impl<'a> Values<'a> {
    fn of(
        checkpoint: &'a Checkpoint,
        node: Option<i64>,
        events: Option<&'a str>,
        ordinal: i32,
    ) -> Values<'a> {
        let position = &checkpoint.position;
        Values {
            arn: &checkpoint.arn,
            seq: signed(position.seq),
            status: position.status.as_str(),
            position,
            last_event_id: signed(position.last_event_id),
            entered_event_id: signed(position.entered_event_id),
            entered: millis(position.entered),
            stop: position.stop.map(millis),
            redrive_count: i32::try_from(position.redrive_count).unwrap_or(i32::MAX),
            redrive: position.redrive_date.map(millis),
            node,
            events: events.unwrap_or("[]"),
            ordinal,
        }
    }

    /// $1 to $17.
    fn parameters(&self) -> Vec<&(dyn ToSql + Sync)> {
        let p = self.position;
        vec![
            &self.arn,
            &self.seq,
            &self.status,
            &p.state,
            &p.variables,
            &self.last_event_id,
            &self.entered_event_id,
            &self.entered,
            &self.stop,
            &p.output,
            &p.error,
            &p.cause,
            &self.redrive_count,
            &self.redrive,
            &self.node,
            &self.events,
            &self.ordinal,
        ]
    }
}

async fn select_execution(
    client: &Object,
    arn: &str,
) -> Result<Option<ExecutionRecord>, DatabaseError> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM asl_executions WHERE arn = $1"
        ))
        .await?;
    client
        .query_opt(&statement, &[&arn])
        .await?
        .map(|row| record(&row))
        .transpose()
}

/// Reads a row of `asl_executions` (columns as [`COLUMNS`]).
fn record(row: &Row) -> Result<ExecutionRecord, DatabaseError> {
    let status: &str = row.get(6);
    let status = ExecutionStatus::parse(status)
        .ok_or_else(|| DatabaseError::Corrupt(format!("status {status:?}")))?;
    Ok(ExecutionRecord {
        identity: Identity {
            arn: row.get(0),
            machine: row.get(1),
            name: row.get(2),
            input: row.get(3),
            start: from_millis(row.get(4)),
        },
        position: Position {
            seq: unsigned(row.get(5)),
            status,
            state: row.get(7),
            variables: row.get(8),
            last_event_id: unsigned(row.get(9)),
            entered_event_id: unsigned(row.get(10)),
            entered: from_millis(row.get(11)),
            stop: row.get::<_, Option<i64>>(12).map(from_millis),
            output: row.get(13),
            error: row.get(14),
            cause: row.get(15),
            redrive_count: u32::try_from(row.get::<_, i32>(16)).unwrap_or(0),
            redrive_date: row.get::<_, Option<i64>>(17).map(from_millis),
        },
    })
}

/// A transition's events, stored as a JSON array.
fn events(arn: &str, text: &str) -> Result<Vec<HistoryEvent>, DatabaseError> {
    serde_json::from_str(text)
        .map_err(|error| DatabaseError::Corrupt(format!("history of {arn}: {error}")))
}

/// A database error as the store reports it.
fn store_error(error: DatabaseError) -> StoreError {
    match error {
        DatabaseError::Corrupt(message) => StoreError::Corrupt(message),
        other => StoreError::backend(other),
    }
}

/// A count as PostgreSQL stores integers.
fn signed(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// A count read back (never negative as written).
fn unsigned(stored: i64) -> u64 {
    u64::try_from(stored).unwrap_or(0)
}

#[cfg(test)]
mod tests;
