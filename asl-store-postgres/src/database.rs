//! A PostgreSQL database as asl uses it: a pool of connections driven by a runtime of
//! the database's own (so that the synchronous reads of the `Store` and `Catalog`
//! traits can wait for a query from any thread, inside an async runtime or not), the
//! schema created and migrated by asl itself, and retries across a lost connection.

use std::future::Future;
use std::time::{Duration, Instant};

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod};
use tokio::runtime::{Handle, Runtime};
use tokio_postgres::NoTls;

/// The migrations, in order: (version, name, SQL). A database records the versions
/// it has in `asl_schema_migrations`; [`Database::migrate`] applies the others, each
/// in its own transaction. Add a file and a line here to change the schema; never
/// edit one that was released.
const MIGRATIONS: &[(i32, &str, &str)] = &[
    (
        1,
        "executions",
        include_str!("../migrations/0001_executions.sql"),
    ),
    (2, "catalog", include_str!("../migrations/0002_catalog.sql")),
    (
        3,
        "map_children",
        include_str!("../migrations/0003_map_children.sql"),
    ),
    (4, "timers", include_str!("../migrations/0004_timers.sql")),
    (
        5,
        "awaited_tokens",
        include_str!("../migrations/0005_awaited_tokens.sql"),
    ),
];

/// The channel of the fleet whose tables are in `schema`: `asl_fleet` in `public`,
/// else `asl_fleet_<schema>`, cut to the 63 bytes of a PostgreSQL name.
fn channel(schema: &str) -> String {
    if schema == "public" {
        return "asl_fleet".to_owned();
    }
    let mut channel = format!("asl_fleet_{schema}");
    while channel.len() > 63 {
        channel.pop();
    }
    channel
}

/// The advisory lock that serializes migrations when several processes start at once.
const MIGRATION_LOCK: i64 = 0x0a51_5c4e_6d61;

/// How long a query waits for the database to come back (a restart, a failover)
/// before failing.
pub const RECONNECT_WINDOW: Duration = Duration::from_secs(60);

/// What went wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    /// The URL is not a PostgreSQL connection string.
    #[error("invalid PostgreSQL URL: {0}")]
    Url(#[source] tokio_postgres::Error),
    /// No connection could be made or kept.
    #[error("cannot connect to PostgreSQL: {0}")]
    Connect(#[source] PoolError),
    /// A query failed.
    #[error("PostgreSQL: {0}")]
    Query(#[from] tokio_postgres::Error),
    /// The database's runtime could not start, or stopped.
    #[error("the database's runtime: {0}")]
    Runtime(String),
    /// What is stored cannot be read back.
    #[error("the database holds unreadable data: {0}")]
    Corrupt(String),
}

impl From<PoolError> for DatabaseError {
    fn from(error: PoolError) -> DatabaseError {
        match error {
            PoolError::Backend(error) => DatabaseError::Query(error),
            other => DatabaseError::Connect(other),
        }
    }
}

impl DatabaseError {
    /// Whether trying again may succeed: the connection was lost or could not be made
    /// (the server restarts), as opposed to a query the database refused.
    pub fn is_transient(&self) -> bool {
        match self {
            DatabaseError::Connect(_) => true,
            DatabaseError::Query(error) => {
                error.is_closed()
                    || error.as_db_error().is_some_and(|db| {
                        // The server shuts down, or refuses connections while it starts.
                        let code = db.code().code();
                        code.starts_with("57P") || code.starts_with("08")
                    })
                    || std::error::Error::source(error)
                        .is_some_and(|source| source.is::<std::io::Error>())
            }
            DatabaseError::Url(_) | DatabaseError::Runtime(_) | DatabaseError::Corrupt(_) => false,
        }
    }
}

/// A connection pool on a PostgreSQL database, with its own runtime.
#[derive(Debug)]
pub struct Database {
    pool: Pool,
    config: tokio_postgres::Config,
    runtime: Option<Runtime>,
    handle: Handle,
    channel: String,
}

impl Database {
    /// Connects to the database at `url` (`postgres://user@host:port/dbname`, or
    /// the `key=value` form) and migrates its schema.
    pub fn open(url: &str) -> Result<Database, DatabaseError> {
        let database = Database::connect(url)?;
        database.migrate()?;
        Ok(database)
    }

    /// Connects to the database at `url` without touching its schema.
    pub fn connect(url: &str) -> Result<Database, DatabaseError> {
        let config: tokio_postgres::Config = url.parse().map_err(DatabaseError::Url)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("asl-postgres")
            .enable_all()
            .build()
            .map_err(|error| DatabaseError::Runtime(error.to_string()))?;
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(30)))
            .create_timeout(Some(Duration::from_secs(10)))
            .build()
            .map_err(|error| DatabaseError::Runtime(error.to_string()))?;
        let handle = runtime.handle().clone();
        let mut database = Database {
            pool,
            config,
            runtime: Some(runtime),
            handle,
            channel: String::new(),
        };
        // Fails now, not at the first query, when nothing answers.
        let pool = database.pool.clone();
        let schema = database.block(async move {
            let row = pool
                .get()
                .await?
                .query_one("SELECT COALESCE(current_schema(), 'public')", &[])
                .await?;
            Ok(row.get::<_, String>(0))
        })?;
        database.channel = channel(&schema);
        Ok(database)
    }

    /// Applies the migrations the database does not have yet, under an advisory lock
    /// (several processes may start at once); returns the versions it applied.
    pub fn migrate(&self) -> Result<Vec<i32>, DatabaseError> {
        let pool = self.pool.clone();
        self.block(async move {
            let mut client = pool.get().await?;
            client
                .batch_execute(
                    "CREATE TABLE IF NOT EXISTS asl_schema_migrations (
                        version INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                    )",
                )
                .await
                .or_else(|error| {
                    // Two processes creating it at once: one wins, which is enough.
                    let raced = error.as_db_error().is_some_and(|db| {
                        db.code() == &tokio_postgres::error::SqlState::UNIQUE_VIOLATION
                    });
                    if raced { Ok(()) } else { Err(error) }
                })?;
            client
                .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
                .await?;
            let applied = apply_migrations(&mut client).await;
            client
                .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
                .await?;
            applied
        })
    }

    /// The schema version the database has (the last migration applied), and the
    /// one this build knows.
    pub fn schema_version(&self) -> Result<(i32, i32), DatabaseError> {
        let pool = self.pool.clone();
        let known = MIGRATIONS.last().map_or(0, |(version, _, _)| *version);
        self.block(async move {
            let client = pool.get().await?;
            let row = client
                .query_one(
                    "SELECT COALESCE(MAX(version), 0) FROM asl_schema_migrations",
                    &[],
                )
                .await?;
            Ok((row.get(0), known))
        })
    }

    /// Runs `work` with a pooled connection, trying again with a new one while the
    /// database is unreachable, up to [`RECONNECT_WINDOW`]. `work` must be safe to
    /// run again (a read, or a write that is idempotent).
    pub async fn with_client<T, F, Fut>(&self, work: F) -> Result<T, DatabaseError>
    where
        F: Fn(Object) -> Fut,
        Fut: Future<Output = Result<T, DatabaseError>>,
    {
        retrying(|| async { work(self.pool.get().await?).await }).await
    }

    /// Runs `work` on the database's runtime and waits for it, from async code on
    /// any runtime. Every query runs there: a connection made elsewhere would be
    /// driven by that runtime, whose threads a synchronous read may be blocking.
    pub async fn run<T, Fut>(&self, work: Fut) -> Result<T, DatabaseError>
    where
        T: Send + 'static,
        Fut: Future<Output = Result<T, DatabaseError>> + Send + 'static,
    {
        self.handle
            .spawn(work)
            .await
            .map_err(|error| DatabaseError::Runtime(error.to_string()))?
    }

    /// Waits for `work`, run on the database's runtime, from synchronous code (in an
    /// async runtime's thread or not).
    pub fn block<T, Fut>(&self, work: Fut) -> Result<T, DatabaseError>
    where
        T: Send + 'static,
        Fut: Future<Output = Result<T, DatabaseError>> + Send + 'static,
    {
        // A plain channel, not a future: awaiting the task's JoinHandle here would
        // spend the cooperative budget of the async task this thread may be
        // running, and once it is spent the wake-up is deferred until that task
        // yields, which it cannot while this waits.
        let (sender, receiver) = std::sync::mpsc::sync_channel(1);
        self.handle.spawn(async move {
            let _ = sender.send(work.await);
        });
        receiver.recv().map_err(|_| {
            DatabaseError::Runtime("the query's task ended without an answer".into())
        })?
    }

    /// The `LISTEN/NOTIFY` channel of the fleet on this database's schema (see
    /// [`crate::fleet`]): fleets in other schemas of the same database do not hear
    /// each other.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// The runtime the database's connections run on.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// The pool of connections.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The connection settings, for a connection of its own (`LISTEN`).
    pub fn config(&self) -> &tokio_postgres::Config {
        &self.config
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which an async context forbids; its tasks (the
        // connections) end with it.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Runs `attempt` until it succeeds, fails for good, or the database stayed
/// unreachable for [`RECONNECT_WINDOW`]; waits a little longer between attempts each
/// time.
pub async fn retrying<T, F, Fut>(attempt: F) -> Result<T, DatabaseError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, DatabaseError>>,
{
    let since = Instant::now();
    let mut pause = Duration::from_millis(50);
    loop {
        match attempt().await {
            Err(error) if error.is_transient() && since.elapsed() < RECONNECT_WINDOW => {
                tracing::warn!("PostgreSQL unreachable, trying again in {pause:?}: {error}");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(2));
            }
            result => return result,
        }
    }
}

async fn apply_migrations(client: &mut Object) -> Result<Vec<i32>, DatabaseError> {
    let rows = client
        .query("SELECT version FROM asl_schema_migrations", &[])
        .await?;
    let done: Vec<i32> = rows.iter().map(|row| row.get(0)).collect();
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS {
        if done.contains(version) {
            continue;
        }
        let transaction = client.transaction().await?;
        transaction.batch_execute(sql).await?;
        transaction
            .execute(
                "INSERT INTO asl_schema_migrations (version, name) VALUES ($1, $2)",
                &[version, name],
            )
            .await?;
        transaction.commit().await?;
        applied.push(*version);
    }
    Ok(applied)
}
