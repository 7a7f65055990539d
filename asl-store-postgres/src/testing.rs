//! Databases for tests (feature `test-util`): each test gets a schema of its own in
//! the PostgreSQL server `ASL_TEST_POSTGRES` names, dropped when it ends, so that
//! tests run side by side in one database.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::database::{Database, DatabaseError};

/// The variable naming the server tests run against: a URL such as
/// `postgres://postgres@127.0.0.1:5432/test`.
pub const VARIABLE: &str = "ASL_TEST_POSTGRES";

/// A schema of its own in the test server, dropped with it.
#[derive(Debug)]
pub struct TestDatabase {
    /// The URL of the schema (the server's URL with its `search_path`): open it as
    /// often as a test needs, from any process.
    pub url: String,
    schema: String,
    admin: Database,
}

impl TestDatabase {
    /// A fresh schema in the server `ASL_TEST_POSTGRES` names; `None`, after saying
    /// on stderr that `test` is skipped, when the variable is not set. A set
    /// variable naming a server that does not answer fails the test.
    pub fn create(test: &str) -> Option<TestDatabase> {
        let Ok(server) = std::env::var(VARIABLE) else {
            // Past the test harness's capture, so that a run shows what it skipped.
            let _ = writeln!(
                std::io::stderr(),
                "skipped {test}: set {VARIABLE} to a PostgreSQL URL to run it"
            );
            return None;
        };
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let schema = format!(
            "asl_test_{}_{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        );
        let admin = Database::connect(&server)
            .unwrap_or_else(|error| panic!("{VARIABLE}={server}: {error}"));
        let statement = format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}");
        run(&admin, statement).unwrap_or_else(|error| panic!("creating a test schema: {error}"));
        let separator = if server.contains('?') { '&' } else { '?' };
        // Its connections are named after it, for tests that cut them.
        let url = format!(
            "{server}{separator}options=-csearch_path%3D{schema}&application_name={schema}"
        );
        Some(TestDatabase { url, schema, admin })
    }

    /// The schema's name, which is also the `application_name` of its connections.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// The schema's database, migrated.
    pub fn open(&self) -> Database {
        Database::open(&self.url).unwrap_or_else(|error| panic!("{}: {error}", self.url))
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = run(
            &self.admin,
            format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema),
        );
    }
}

fn run(database: &Database, statement: String) -> Result<(), DatabaseError> {
    let pool = database.pool().clone();
    database.block(async move {
        pool.get().await?.batch_execute(&statement).await?;
        Ok(())
    })
}
