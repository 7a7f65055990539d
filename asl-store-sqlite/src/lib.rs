//! The SQLite store: one database file (WAL mode), written by one thread that
//! commits the checkpoints of many executions in one transaction (group commit).
//!
//! Tables: `executions` (one row per execution: its identity and last position) and
//! `transitions` (one row per committed checkpoint, unique by `(arn, seq)`, holding
//! its history events as a JSON array, payload copies left out as the `compact`
//! module says).
//! The unique key makes a duplicate commit impossible. `transitions` is a rowid table:
//! its rows of a few KiB are appended (keyed by `(arn, seq)` in a `WITHOUT ROWID`
//! table they halved the durable bench's throughput).
//! `callbacks` holds the outcomes sent for callback tasks' tokens, and `notes` the
//! journal's notes, written by the same thread in the same groups as checkpoints.
//!
//! A write that fails (a full disk, an fsync error) poisons the store: that group
//! and every write after it are refused with [`StoreError::Poisoned`], so that
//! nothing is acknowledged that was not written; reads go on. The process decides
//! to stop, and the next start recovers from the file.

use std::path::Path;
use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard};
use std::thread::JoinHandle;

use rusqlite::{Connection, OptionalExtension, Row, ToSql, Transaction, params, params_from_iter};
use tokio::sync::oneshot;

mod compact;

use asl_engine::history::HistoryEvent;
use asl_engine::store::{
    Ack, BackendError, Checkpoint, Committed, Created, ExecutionRecord, ExecutionStatus, Identity,
    Position, Store, StoreError, from_unix_millis as from_millis, unix_millis as millis,
};

/// How hard each commit waits for the disk (SQLite's `synchronous` in WAL mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// `FULL` (the default): an acknowledged checkpoint survives a crash of the
    /// process and of the machine (power loss).
    #[default]
    Full,
    /// `NORMAL`: an acknowledged checkpoint survives a crash of the process, but the
    /// last transactions before a power loss or OS crash may be rolled back (the
    /// database stays consistent). Faster: the WAL is synced at checkpoints only.
    Normal,
}

/// Checkpoints are committed at most this many to a transaction.
const MAX_GROUP: usize = 1024;

/// What the writer thread commits: a checkpoint, or a journal note (key, value).
/// Checkpoints, by far the most frequent, are not boxed: that would cost an
/// allocation per transition to save a few hundred bytes per note in the channel.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
enum Write {
    Checkpoint(Checkpoint),
    Note(String, String),
}

type Job = (Write, oneshot::Sender<Result<Created, StoreError>>);

/// An execution store in a SQLite database file.
#[derive(Debug)]
pub struct SqliteStore {
    writer: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    reader: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS executions (
    arn TEXT PRIMARY KEY NOT NULL,
    machine TEXT NOT NULL,
    name TEXT NOT NULL,
    input TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    status TEXT NOT NULL,
    state TEXT,
    variables TEXT,
    last_event_id INTEGER NOT NULL,
    entered_event_id INTEGER NOT NULL,
    entered_ms INTEGER NOT NULL,
    stop_ms INTEGER,
    output TEXT,
    error TEXT,
    cause TEXT,
    redrive_count INTEGER NOT NULL,
    redrive_ms INTEGER
);
CREATE TABLE IF NOT EXISTS transitions (
    arn TEXT NOT NULL,
    seq INTEGER NOT NULL,
    events TEXT NOT NULL,
    UNIQUE (arn, seq)
);
CREATE TABLE IF NOT EXISTS callbacks (
    token TEXT PRIMARY KEY NOT NULL,
    outcome TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notes (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
";

const COLUMNS: &str = "arn, machine, name, input, start_ms, seq, status, state, variables, \
    last_event_id, entered_event_id, entered_ms, stop_ms, output, error, cause, redrive_count, \
    redrive_ms";

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, with `synchronous=FULL`.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with(path, Synchronous::Full)
    }

    /// Opens (creating if needed) the database at `path`, syncing as `sync` says.
    pub fn open_with(path: impl AsRef<Path>, sync: Synchronous) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        let writer = connect(path)?;
        let synchronous = match sync {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        };
        writer
            .pragma_update(None, "synchronous", synchronous)
            .map_err(backend)?;
        writer.execute_batch(SCHEMA).map_err(backend)?;
        let reader = connect(path)?;
        let (sender, jobs) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("asl-store-writer".into())
            .spawn(move || write(writer, jobs))
            .map_err(StoreError::backend)?;
        Ok(SqliteStore {
            writer: Some(sender),
            thread: Some(thread),
            reader: Mutex::new(reader),
        })
    }

    /// SQLite's `PRAGMA integrity_check`: `"ok"` when the file is sound.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        self.read()
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .map_err(backend)
    }

    fn read(&self) -> MutexGuard<'_, Connection> {
        self.reader
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        // Closing the channel ends the writer after the checkpoints already sent.
        self.writer = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Store for SqliteStore {
    fn commit(&self, checkpoint: Checkpoint) -> Ack {
        self.send(Write::Checkpoint(checkpoint))
    }

    fn execution(&self, arn: &str) -> Result<Option<ExecutionRecord>, StoreError> {
        select_execution(&self.read(), arn)
    }

    fn executions(&self) -> Result<Vec<ExecutionRecord>, StoreError> {
        let reader = self.read();
        let mut statement = reader
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM executions ORDER BY start_ms, rowid"
            ))
            .map_err(backend)?;
        let rows = statement.query_map([], record).map_err(backend)?;
        rows.map(|row| with_state(&reader, row.map_err(backend)??))
            .collect()
    }

    fn history(&self, arn: &str) -> Result<Vec<HistoryEvent>, StoreError> {
        let reader = self.read();
        let mut statement = reader
            .prepare_cached("SELECT events FROM transitions WHERE arn = ?1 ORDER BY seq")
            .map_err(backend)?;
        let rows = statement
            .query_map([arn], |row| row.get::<_, String>(0))
            .map_err(backend)?;
        let mut history = Vec::new();
        for events in rows {
            let events: Vec<HistoryEvent> = serde_json::from_str(&events.map_err(backend)?)
                .map_err(|error| StoreError::Corrupt(format!("history of {arn}: {error}")))?;
            history.extend(events);
        }
        compact::expand(&mut history);
        Ok(history)
    }

    fn record_callback(&self, token: &str, outcome: &str) -> Result<bool, StoreError> {
        // Written on the reading connection: SQLite serializes it with the writer
        // thread's transactions (waiting up to the busy timeout).
        let inserted = self
            .read()
            .prepare_cached(
                "INSERT INTO callbacks (token, outcome) VALUES (?1, ?2) \
                 ON CONFLICT (token) DO NOTHING",
            )
            .and_then(|mut statement| statement.execute([token, outcome]))
            .map_err(backend)?;
        Ok(inserted == 1)
    }

    fn callback(&self, token: &str) -> Result<Option<String>, StoreError> {
        self.read()
            .prepare_cached("SELECT outcome FROM callbacks WHERE token = ?1")
            .and_then(|mut statement| statement.query_row([token], |row| row.get(0)).optional())
            .map_err(backend)
    }

    fn note(&self, key: String, value: String) -> Ack {
        self.send(Write::Note(key, value))
    }

    fn noted(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.read()
            .prepare_cached("SELECT value FROM notes WHERE key = ?1")
            .and_then(|mut statement| statement.query_row([key], |row| row.get(0)).optional())
            .map_err(backend)
    }

    fn notes_under(&self, prefix: &str) -> Result<Vec<(String, String)>, StoreError> {
        // A range on the key (its primary-key index), not LIKE, which would read
        // `%` and `_` in the prefix as wildcards.
        let connection = self.read();
        let mut statement = connection
            .prepare_cached("SELECT key, value FROM notes WHERE key >= ?1 ORDER BY key")
            .map_err(backend)?;
        let rows = statement
            .query_map([prefix], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(backend)?;
        let mut notes = Vec::new();
        for row in rows {
            let (key, value): (String, String) = row.map_err(backend)?;
            if !key.starts_with(prefix) {
                break;
            }
            notes.push((key, value));
        }
        Ok(notes)
    }

    fn committed_after(&self, cursor: u64, limit: usize) -> Result<Vec<Committed>, StoreError> {
        // A transition's rowid grows with each commit, whichever process wrote it.
        let connection = self.read();
        let mut statement = connection
            .prepare_cached(
                "SELECT rowid, arn, events FROM transitions WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
            )
            .map_err(backend)?;
        let cursor = i64::try_from(cursor).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = statement
            .query_map(rusqlite::params![cursor, limit], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })
            .map_err(backend)?;
        let mut committed = Vec::new();
        for row in rows {
            let (rowid, arn, events) = row.map_err(backend)?;
            let mut events: Vec<HistoryEvent> = serde_json::from_str(&events)
                .map_err(|error| StoreError::Corrupt(format!("history of {arn}: {error}")))?;
            compact::expand(&mut events);
            committed.push(Committed {
                cursor: u64::try_from(rowid).unwrap_or_default(),
                arn,
                events,
            });
        }
        Ok(committed)
    }
}

impl SqliteStore {
    /// Hands `write` to the writer thread.
    fn send(&self, write: Write) -> Ack {
        let (sender, ack) = Ack::channel();
        if let Some(writer) = &self.writer {
            // A send fails only when the writer thread is gone, and then the
            // dropped sender resolves the Ack with an error.
            let _ = writer.send((write, sender));
        }
        ack
    }
}

fn connect(path: &Path) -> Result<Connection, StoreError> {
    let connection = Connection::open(path).map_err(backend)?;
    connection
        .pragma_update(None, "journal_mode", "WAL")
        .map_err(backend)?;
    connection
        .busy_timeout(std::time::Duration::from_secs(30))
        .map_err(backend)?;
    Ok(connection)
}

fn backend(error: rusqlite::Error) -> StoreError {
    StoreError::backend(error)
}

/// The writer thread: takes every checkpoint and note waiting, commits them in one
/// transaction, then acknowledges each.
fn write(mut connection: Connection, jobs: mpsc::Receiver<Job>) {
    // Set by the first write that fails: every write since is refused with it.
    let mut poisoned: Option<BackendError> = None;
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        if poisoned.is_none()
            && let Err(error) = commit_group(&mut connection, &mut group).map(|results| {
                for ((_, acknowledge), result) in group.drain(..).zip(results) {
                    // A dropped Ack means its execution stopped waiting; the commit
                    // stands.
                    let _ = acknowledge.send(result);
                }
            })
        {
            poisoned = Some(std::sync::Arc::new(error) as BackendError);
        }
        if let Some(error) = &poisoned {
            for (_, acknowledge) in group.drain(..) {
                let _ = acknowledge.send(Err(StoreError::Poisoned(BackendError::clone(error))));
            }
        }
    }
}

fn commit_group(
    connection: &mut Connection,
    group: &mut [Job],
) -> Result<Vec<Result<Created, StoreError>>, rusqlite::Error> {
    let transaction = connection.transaction()?;
    let results = group
        .iter_mut()
        .map(|(write, _)| match write {
            Write::Checkpoint(checkpoint) => apply(&transaction, checkpoint),
            Write::Note(key, value) => transaction
                .prepare_cached(
                    "INSERT INTO notes (key, value) VALUES (?1, ?2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )?
                .execute([&*key, &*value])
                .map(|_| Ok(Created::New)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    transaction.commit()?;
    Ok(results)
}

/// Applies one checkpoint. The outer `Err` is a database failure (it poisons the
/// store); the inner one a refused checkpoint.
fn apply(
    transaction: &Transaction<'_>,
    checkpoint: &mut Checkpoint,
) -> Result<Result<Created, StoreError>, rusqlite::Error> {
    let Checkpoint {
        arn,
        start,
        position,
        events,
    } = checkpoint;
    let arn = &*arn;
    let p = &*position;
    // The state the last event entered is not written twice.
    let state = p
        .state
        .as_ref()
        .filter(|state| compact::entered_state(events).as_ref() != Some(*state));
    compact::compact(events);
    let (seq, last_event_id) = (signed(p.seq), signed(p.last_event_id));
    let entered_event_id = signed(p.entered_event_id);
    let (entered, stop) = (millis(p.entered), p.stop.map(millis));
    let redrive = p.redrive_date.map(millis);
    // ?1 to ?14, as both statements name them.
    let values: [&dyn ToSql; 14] = [
        &arn,
        &seq,
        &p.status.as_str(),
        &state,
        &p.variables,
        &last_event_id,
        &entered_event_id,
        &entered,
        &stop,
        &p.output,
        &p.error,
        &p.cause,
        &p.redrive_count,
        &redrive,
    ];
    let changed = match start {
        Some(identity) => {
            let start = millis(identity.start);
            let identity: [&dyn ToSql; 4] =
                [&identity.machine, &identity.name, &identity.input, &start];
            transaction
                .prepare_cached(
                    "INSERT INTO executions (arn, seq, status, state, variables, \
                     last_event_id, entered_event_id, entered_ms, stop_ms, output, error, cause, \
                     redrive_count, redrive_ms, machine, name, input, start_ms) VALUES (?1, ?2, \
                     ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) \
                     ON CONFLICT (arn) DO NOTHING",
                )?
                .execute(params_from_iter(values.iter().chain(&identity)))?
        }
        None => transaction
            .prepare_cached(
                "UPDATE executions SET seq = ?2, status = ?3, state = ?4, \
                 variables = COALESCE(?5, variables), \
                 last_event_id = ?6, entered_event_id = ?7, entered_ms = ?8, stop_ms = ?9, \
                 output = ?10, error = ?11, cause = ?12, redrive_count = ?13, redrive_ms = ?14 \
                 WHERE arn = ?1 AND seq = ?2 - 1",
            )?
            .execute(params_from_iter(values))?,
    };
    if changed == 0 {
        return Ok(match start {
            Some(_) => match select_execution(transaction, arn) {
                Ok(Some(record)) => Ok(Created::Existing(Box::new(record))),
                Ok(None) | Err(_) => Err(StoreError::Conflict {
                    arn: arn.clone(),
                    seq: p.seq,
                }),
            },
            None => Err(StoreError::Conflict {
                arn: arn.clone(),
                seq: p.seq,
            }),
        });
    }
    let events = serde_json::to_string(&*events).unwrap_or_else(|_| "[]".into());
    transaction
        .prepare_cached("INSERT INTO transitions (arn, seq, events) VALUES (?1, ?2, ?3)")?
        .execute(params![arn, signed(p.seq), events])?;
    Ok(Ok(Created::New))
}

fn select_execution(
    connection: &Connection,
    arn: &str,
) -> Result<Option<ExecutionRecord>, StoreError> {
    connection
        .prepare_cached(&format!("SELECT {COLUMNS} FROM executions WHERE arn = ?1"))
        .map_err(backend)?
        .query_row([arn], record)
        .optional()
        .map_err(backend)?
        .transpose()?
        .map(|record| with_state(connection, record))
        .transpose()
}

/// `record` with its current state, which is not stored when its last checkpoint's
/// last event entered it (see [`compact`]).
fn with_state(
    connection: &Connection,
    mut record: ExecutionRecord,
) -> Result<ExecutionRecord, StoreError> {
    if record.position.status != ExecutionStatus::Running || record.position.state.is_some() {
        return Ok(record);
    }
    let arn = &record.identity.arn;
    let events: String = connection
        .prepare_cached("SELECT events FROM transitions WHERE arn = ?1 ORDER BY seq DESC LIMIT 1")
        .and_then(|mut statement| statement.query_row([arn], |row| row.get(0)))
        .map_err(backend)?;
    let mut events: Vec<HistoryEvent> = serde_json::from_str(&events)
        .map_err(|error| StoreError::Corrupt(format!("history of {arn}: {error}")))?;
    compact::expand(&mut events);
    record.position.state = compact::entered_state(&events);
    Ok(record)
}

/// Reads a row of `executions` (columns as [`COLUMNS`]).
fn record(row: &Row<'_>) -> rusqlite::Result<Result<ExecutionRecord, StoreError>> {
    let status: String = row.get(6)?;
    let Some(status) = ExecutionStatus::parse(&status) else {
        return Ok(Err(StoreError::Corrupt(format!("status {status:?}"))));
    };
    Ok(Ok(ExecutionRecord {
        identity: Identity {
            arn: row.get(0)?,
            machine: row.get(1)?,
            name: row.get(2)?,
            input: row.get(3)?,
            start: from_millis(row.get(4)?),
        },
        position: Position {
            seq: unsigned(row.get(5)?),
            status,
            state: row.get(7)?,
            variables: row.get(8)?,
            last_event_id: unsigned(row.get(9)?),
            entered_event_id: unsigned(row.get(10)?),
            entered: from_millis(row.get(11)?),
            stop: row.get::<_, Option<i64>>(12)?.map(from_millis),
            output: row.get(13)?,
            error: row.get(14)?,
            cause: row.get(15)?,
            redrive_count: row.get(16)?,
            redrive_date: row.get::<_, Option<i64>>(17)?.map(from_millis),
        },
    }))
}

/// A count as SQLite stores integers.
fn signed(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// A count read back (never negative as written).
fn unsigned(stored: i64) -> u64 {
    u64::try_from(stored).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use asl_engine::store::conformance;

    use super::*;

    #[tokio::test]
    async fn the_sqlite_store_conforms_in_both_sync_modes() {
        let directory = tempfile::tempdir().unwrap();
        for sync in [Synchronous::Full, Synchronous::Normal] {
            let mut count = 0;
            conformance::check(|| {
                count += 1;
                let path = directory.path().join(format!("{sync:?}-{count}.db"));
                SqliteStore::open_with(path, sync).unwrap()
            })
            .await;
        }
    }

    #[tokio::test]
    async fn the_sqlite_store_keeps_its_data_across_reopening() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("executions.db");
        let store = SqliteStore::open(&path).unwrap();
        conformance::keeps_the_checkpoint_rules(&store).await;
        let before = store.executions().unwrap();
        let arn = &before[0].identity.arn;
        let history = store.history(arn).unwrap();
        drop(store);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.executions().unwrap(), before);
        assert_eq!(store.history(arn).unwrap(), history);
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    /// A write that fails poisons the writer: that write and all after it are
    /// refused with the first error as the source, nothing is acknowledged as
    /// written, and reads go on.
    #[tokio::test]
    async fn a_failed_write_poisons_the_store_instead_of_stopping_the_process() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("full.db");
        drop(SqliteStore::open(&path).unwrap());
        let connection = connect(&path).unwrap();
        // A database that cannot grow: the next insert fails as on a full disk.
        let pages: i64 = connection
            .query_row("PRAGMA page_count", [], |row| row.get(0))
            .unwrap();
        connection
            .pragma_update(None, "max_page_count", pages)
            .unwrap();
        let (sender, jobs) = mpsc::channel();
        let writer = std::thread::spawn(move || write(connection, jobs));
        let send = |key: &str, value: String| {
            let (acknowledge, ack) = Ack::channel();
            sender
                .send((Write::Note(key.to_owned(), value), acknowledge))
                .unwrap();
            ack
        };
        let big = "x".repeat(1 << 20);
        let first = send("big", big).await;
        let Err(StoreError::Poisoned(source)) = &first else {
            panic!("{first:?}")
        };
        assert!(source.to_string().contains("full"), "{source}");
        let second = send("small", "1".to_owned()).await;
        assert_eq!(second, first);
        assert!(second.unwrap_err().is_poisoned());

        drop(sender);
        writer.join().unwrap();
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.noted("big"), Ok(None));
        assert_eq!(store.noted("small"), Ok(None));
    }
}
