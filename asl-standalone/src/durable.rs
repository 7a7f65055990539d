//! `--db FILE` or `--db postgres://...`: a standalone binary's execution run by the
//! durable [`Engine`](asl_engine::Engine) on a SQLite or PostgreSQL store.
//!
//! The binary first goes on with the executions of its machine that the file holds
//! as running (a run killed or interrupted before), then starts execution `--name`
//! (a fresh UUID without one, printed on stderr) or, with `--redrive`, redrives it,
//! and waits for it to end. Starting a name that is running with the same input
//! goes on with it, as `StartExecution` does; so running the same command again after
//! a crash or Ctrl-C continues the execution. `asl executions --db FILE` lists the
//! executions and prints their histories.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{FAILED, INTERRUPTED, Streams, USAGE, print_outcome};
use asl_engine::Engine;
use asl_engine::store::Store;
use asl_runtime::arn::Account;
use asl_runtime::error::ExecutionError;
use asl_runtime::exec::Workflow;
use asl_runtime::hooks::Spread;
#[cfg(feature = "sqlite")]
use asl_store_sqlite::SqliteStore;

/// Runs execution `name` (or redrives it) of `workflow` durably in the SQLite file
/// `db`, its ARNs naming `account`, on `runtime`, and prints how it ended; returns the exit status.
#[allow(clippy::too_many_arguments)]
pub(super) fn run<W>(
    workflow: W,
    db: &Path,
    account: Arc<Account>,
    name: Option<String>,
    redrive: bool,
    input: Value,
    runtime: tokio::runtime::Runtime,
    streams: Streams<'_>,
) -> u8
where
    W: Workflow + Send + 'static,
    W::State: Serialize + DeserializeOwned + 'static,
{
    let ended = engine(workflow, db).and_then(|engine| {
        let engine = engine.with_account(account);
        let name = match name {
            Some(name) => name,
            None => {
                let name = asl_runtime::exec::execution_name();
                let _ = writeln!(streams.stderr, "execution name: {name}");
                name
            }
        };
        runtime.block_on(async {
            engine.resume().map_err(|error| error.to_string())?;
            let started = if redrive {
                engine.redrive(&name).await
            } else {
                engine.start(&name, input).await
            };
            started.map_err(|error| error.to_string())?;
            tokio::select! {
                record = engine.wait(&name) => record.map(Some).map_err(|error| error.to_string()),
                _ = tokio::signal::ctrl_c() => Ok(None),
            }
        })
    });
    // Executions still running stop here, as a crash would stop them.
    runtime.shutdown_background();
    let record = match ended {
        Ok(Some(record)) => record,
        Ok(None) => {
            let _ = writeln!(
                streams.stderr,
                "interrupted: the execution stays in `{}`; run the same command again to go on with it",
                db.display()
            );
            return INTERRUPTED;
        }
        Err(message) => {
            let _ = writeln!(streams.stderr, "error: {message}");
            return USAGE;
        }
    };
    let position = record.position;
    let outcome = match position.output {
        Some(output) => serde_json::from_str(&output).map_err(|error| {
            ExecutionError::runtime(format!("the stored output is not JSON: {error}"))
        }),
        None => Err(ExecutionError::from_parts(position.error, position.cause)),
    };
    match position.status {
        asl_engine::store::ExecutionStatus::Running => {
            let _ = writeln!(streams.stderr, "error: the execution is still running");
            FAILED
        }
        _ => print_outcome(outcome, streams),
    }
}

/// The engine on the store in `db`.
pub(super) fn engine<W>(workflow: W, db: &Path) -> Result<Engine<W>, String>
where
    W: Workflow + Send + 'static,
    W::State: Serialize + DeserializeOwned + 'static,
{
    Ok(Engine::with_store(workflow, store(db)?))
}

/// The store `db` names: a PostgreSQL database for a `postgres://` or
/// `postgresql://` URL, else a SQLite file. A worker of `asl serve` on PostgreSQL is
/// given the node it writes for in `ASL_NODE` (see `asl_store_postgres::fleet`).
pub(super) fn store(db: &Path) -> Result<Arc<dyn Store>, String> {
    Ok(shared_store(db)?.0)
}

/// A store, and for a worker of a node of a fleet on PostgreSQL the hook that
/// spreads the children of its Distributed Maps over the fleet.
pub(super) type SharedStore = (Arc<dyn Store>, Option<Arc<dyn Spread>>);

/// [`store`], and its [`SharedStore`] hook.
pub(super) fn shared_store(db: &Path) -> Result<SharedStore, String> {
    match db.to_str() {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            postgres(url)
        }
        _ => Ok((sqlite(db)?, None)),
    }
}

/// The SQLite store in `db`.
#[cfg(feature = "sqlite")]
fn sqlite(db: &Path) -> Result<Arc<dyn Store>, String> {
    let store = SqliteStore::open(db).map_err(|error| {
        format!(
            "cannot open the execution store `{}`: {error}",
            db.display()
        )
    })?;
    Ok(Arc::new(store))
}

/// Without the `sqlite` feature there is no SQLite store to run on.
#[cfg(not(feature = "sqlite"))]
fn sqlite(_: &Path) -> Result<Arc<dyn Store>, String> {
    Err("this binary was built without the SQLite store: build it with `asl run --db`".into())
}

/// The PostgreSQL store at `url`, writing for the node `ASL_NODE` names if set
/// (and then spreading Distributed Map children over the fleet).
#[cfg(feature = "postgres")]
fn postgres(url: &str) -> Result<SharedStore, String> {
    use asl_store_postgres::{Database, PostgresStore};
    let failed =
        |error: &dyn std::fmt::Display| format!("cannot open the execution store: {error}");
    let node = match std::env::var("ASL_NODE") {
        Ok(node) => Some(node.parse::<i64>().map_err(|error| failed(&error))?),
        Err(_) => None,
    };
    let database = Arc::new(Database::open(url).map_err(|error| failed(&error))?);
    let Some(node) = node else {
        return Ok((Arc::new(PostgresStore::on(database)), None));
    };
    // A worker whose node may have lost its lease stops at once, as a crash would:
    // nothing it would still do is its own any more (its server starts another).
    let watched = Arc::clone(&database);
    database.handle().spawn(async move {
        asl_store_postgres::fleet::lease_lost(watched, node).await;
        eprintln!("asl worker: node {node} may have lost its lease; stopping");
        std::process::exit(i32::from(super::INTERRUPTED));
    });
    let spread = Arc::new(asl_store_postgres::children::Offers::new(Arc::clone(
        &database,
    )));
    Ok((
        Arc::new(PostgresStore::for_node(database, node)),
        Some(spread),
    ))
}

/// Without the `postgres` feature there is no PostgreSQL store to run on.
#[cfg(not(feature = "postgres"))]
fn postgres(_: &str) -> Result<SharedStore, String> {
    Err("this binary was built without the PostgreSQL store: build it with `asl run --db`".into())
}
