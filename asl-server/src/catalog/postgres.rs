//! The catalog in PostgreSQL, which several servers share: one transaction a call, as
//! in [`SqliteCatalog`](super::SqliteCatalog), tried again from the start while the
//! database is unreachable. A transaction that checks then writes (a name, a version
//! number, a quota, the versions an alias routes to) first takes an advisory lock on
//! the ARN it is about, as SQLite's one writer at a time would: the writes about one
//! state machine, or about one resource's tags, run one after the other across
//! processes. A connection lost while a transaction commits leaves unknown whether it
//! did: the call, tried again, may then find its own work done (`Exists` for the
//! machine it created).

use std::future::Future;
use std::sync::Arc;

use asl_store_postgres::database::{Database, DatabaseError, retrying};
use deadpool_postgres::{Client, GenericClient, Transaction};
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::{
    Activity, Alias, Catalog, CatalogError, MAX_ALIASES, MAX_TAGS, MAX_VERSIONS, MachineType, Page,
    Publish, Published, Revision, Route, StateMachine, Tag, Version,
};
use crate::time::Timestamp;

const MACHINE_COLUMNS: &str = "arn, name, type, definition, role_arn, logging, tracing, \
    encryption, created_ms, updated_ms, revision_id";
const VERSION_COLUMNS: &str = "machine_arn, number, definition, role_arn, logging, tracing, \
    encryption, revision_id, description, created_ms";
const ALIAS_COLUMNS: &str = "arn, machine_arn, name, description, routing, created_ms, updated_ms";
const ACTIVITY_COLUMNS: &str = "arn, name, encryption, created_ms";

/// The first key of the catalog's advisory locks (the second is the hash of an ARN):
/// locks keyed by two integers are a space of their own, apart from the one-key locks
/// of the execution store and of migrations.
const LOCK_SPACE: i32 = 0x0a51_ca7a;

/// The catalog in a PostgreSQL database, shared by the processes that open it.
#[derive(Debug)]
pub struct PostgresCatalog {
    database: Arc<Database>,
}

impl PostgresCatalog {
    /// The catalog in `database`, whose schema its opener migrated.
    pub fn new(database: Arc<Database>) -> PostgresCatalog {
        PostgresCatalog { database }
    }

    /// Runs `work` over `data` on a pooled connection, again from the start on a new
    /// connection while the database is unreachable.
    fn read<D, T, F>(&self, data: D, work: F) -> Result<T, CatalogError>
    where
        D: Send + Sync + 'static,
        T: Send + 'static,
        F: for<'c> Fn(&'c Client, &'c D) -> BoxFuture<'c, Result<T, Failure>>
            + Send
            + Sync
            + 'static,
    {
        let pool = self.database.pool().clone();
        self.block(async move {
            retrying(|| async {
                let client = pool.get().await?;
                settle(work(&client, &data).await)
            })
            .await
        })
    }

    /// Runs `work` over `data` in one transaction that holds the lock of `arn`,
    /// committed when `work` succeeds, again from the start on a new connection
    /// while the database is unreachable.
    fn write<D, T, F>(&self, arn: &str, data: D, work: F) -> Result<T, CatalogError>
    where
        D: Send + Sync + 'static,
        T: Send + 'static,
        F: for<'t> Fn(&'t Transaction<'t>, &'t D) -> BoxFuture<'t, Result<T, Failure>>
            + Send
            + Sync
            + 'static,
    {
        let pool = self.database.pool().clone();
        let arn = arn.to_owned();
        self.block(async move {
            retrying(|| async {
                let mut client = pool.get().await?;
                let transaction = client.transaction().await?;
                let attempt = async {
                    execute(
                        &transaction,
                        "SELECT pg_advisory_xact_lock($1, hashtext($2))",
                        &[&LOCK_SPACE, &arn],
                    )
                    .await?;
                    work(&transaction, &data).await
                };
                let outcome = settle(attempt.await)?;
                if outcome.is_ok() {
                    transaction.commit().await?;
                }
                Ok(outcome)
            })
            .await
        })
    }

    /// Waits for `work` on the database's runtime.
    fn block<T: Send + 'static>(
        &self,
        work: impl Future<Output = Result<Result<T, CatalogError>, DatabaseError>> + Send + 'static,
    ) -> Result<T, CatalogError> {
        self.database.block(work).map_err(backend)?
    }
}

/// Why an attempt at a call failed.
enum Failure {
    /// The call fails with this error.
    Catalog(CatalogError),
    /// The database failed: the call is tried again if it only became unreachable.
    Database(DatabaseError),
}

impl From<CatalogError> for Failure {
    fn from(error: CatalogError) -> Failure {
        Failure::Catalog(error)
    }
}

impl From<tokio_postgres::Error> for Failure {
    fn from(error: tokio_postgres::Error) -> Failure {
        Failure::Database(error.into())
    }
}

/// The result of a call's attempt, or the database's error to try again after.
fn settle<T>(attempt: Result<T, Failure>) -> Result<Result<T, CatalogError>, DatabaseError> {
    match attempt {
        Ok(value) => Ok(Ok(value)),
        Err(Failure::Catalog(error)) => Ok(Err(error)),
        Err(Failure::Database(error)) => Err(error),
    }
}

fn backend(error: DatabaseError) -> CatalogError {
    CatalogError::Backend(Box::new(error))
}

/// A value of the catalog's tables that cannot be read back.
#[derive(Debug, thiserror::Error)]
#[error("the catalog's column {column} holds an unreadable value")]
struct Unreadable {
    column: String,
    #[source]
    source: Box<dyn std::error::Error + Send + Sync>,
}

/// Column `index` of `row` cannot be read back because of `source`.
fn unreadable(
    row: &Row,
    index: usize,
    source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> Failure {
    let column = row
        .columns()
        .get(index)
        .map_or_else(|| index.to_string(), |column| column.name().to_owned());
    let source = source.into();
    CatalogError::Backend(Box::new(Unreadable { column, source })).into()
}

/// The JSON in column `index` of `row`, if it is not NULL.
fn optional_json_at<T: DeserializeOwned>(row: &Row, index: usize) -> Result<Option<T>, Failure> {
    let text: Option<&str> = row.try_get(index)?;
    text.map(|text| serde_json::from_str(text).map_err(|error| unreadable(row, index, error)))
        .transpose()
}

/// The JSON in column `index` of `row`.
fn json_at<T: DeserializeOwned>(row: &Row, index: usize) -> Result<T, Failure> {
    optional_json_at(row, index)?.ok_or_else(|| unreadable(row, index, "NULL"))
}

/// The revision in the five columns of `row` from `first` on.
fn revision_at(row: &Row, first: usize) -> Result<Revision, Failure> {
    Ok(Revision {
        definition: row.try_get(first)?,
        role_arn: row.try_get(first + 1)?,
        logging: json_at(row, first + 2)?,
        tracing: json_at(row, first + 3)?,
        encryption: optional_json_at(row, first + 4)?,
    })
}

fn json(value: &Value) -> String {
    value.to_string()
}

fn routing_json(routing: &[Route]) -> String {
    serde_json::to_string(routing).unwrap_or_else(|_| "[]".to_owned())
}

fn machine_row(row: &Row) -> Result<StateMachine, Failure> {
    let machine_type: &str = row.try_get(2)?;
    Ok(StateMachine {
        arn: row.try_get(0)?,
        name: row.try_get(1)?,
        machine_type: MachineType::parse(machine_type)
            .ok_or_else(|| unreadable(row, 2, format!("no type {machine_type:?}")))?,
        revision: revision_at(row, 3)?,
        creation_date: Timestamp(row.try_get(8)?),
        update_date: Timestamp(row.try_get(9)?),
        revision_id: row.try_get(10)?,
    })
}

/// The version number in column `index` of `row`.
fn number_at(row: &Row, index: usize) -> Result<u32, Failure> {
    let number: i32 = row.try_get(index)?;
    u32::try_from(number).map_err(|error| unreadable(row, index, error))
}

fn version_row(row: &Row) -> Result<Version, Failure> {
    let machine_arn: String = row.try_get(0)?;
    let number = number_at(row, 1)?;
    Ok(Version {
        arn: format!("{machine_arn}:{number}"),
        machine_arn,
        number,
        revision: revision_at(row, 2)?,
        revision_id: row.try_get(7)?,
        description: row.try_get(8)?,
        creation_date: Timestamp(row.try_get(9)?),
    })
}

fn alias_row(row: &Row) -> Result<Alias, Failure> {
    Ok(Alias {
        arn: row.try_get(0)?,
        machine_arn: row.try_get(1)?,
        name: row.try_get(2)?,
        description: row.try_get(3)?,
        routing: json_at(row, 4)?,
        creation_date: Timestamp(row.try_get(5)?),
        update_date: Timestamp(row.try_get(6)?),
    })
}

fn activity_row(row: &Row) -> Result<Activity, Failure> {
    Ok(Activity {
        arn: row.try_get(0)?,
        name: row.try_get(1)?,
        encryption: optional_json_at(row, 2)?,
        creation_date: Timestamp(row.try_get(3)?),
    })
}

fn tag_row(row: &Row) -> Result<Tag, Failure> {
    Ok(Tag {
        key: row.try_get(0)?,
        value: row.try_get(1)?,
    })
}

/// Runs `sql` through the connection's statement cache; the number of rows it
/// changed.
async fn execute(
    client: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<u64, Failure> {
    let statement = client.prepare_cached(sql).await?;
    Ok(client.execute(&statement, params).await?)
}

/// The rows `sql` selects, each read by `read`, through the statement cache.
async fn select<T>(
    client: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    read: fn(&Row) -> Result<T, Failure>,
) -> Result<Vec<T>, Failure> {
    let statement = client.prepare_cached(sql).await?;
    client
        .query(&statement, params)
        .await?
        .iter()
        .map(read)
        .collect()
}

/// The row `sql` selects, if any, read by `read`, through the statement cache: every
/// StartExecution looks its machine up, and a statement prepared once costs one
/// round trip a call, not two.
async fn select_one<T>(
    client: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    read: fn(&Row) -> Result<T, Failure>,
) -> Result<Option<T>, Failure> {
    let statement = client.prepare_cached(sql).await?;
    client
        .query_opt(&statement, params)
        .await?
        .as_ref()
        .map(read)
        .transpose()
}

/// How many rows of `table` have `key` in `column`.
async fn count(
    client: &impl GenericClient,
    table: &str,
    column: &str,
    key: &str,
) -> Result<i64, Failure> {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
    let found = select_one(client, &sql, &[&key], |row| Ok(row.try_get(0)?)).await?;
    Ok(found.unwrap_or(0))
}

/// Every alias of `machine_arn`, newest first.
async fn aliases_in(client: &impl GenericClient, machine_arn: &str) -> Result<Vec<Alias>, Failure> {
    let sql = format!(
        "SELECT {ALIAS_COLUMNS} FROM asl_aliases WHERE machine_arn = $1 \
         ORDER BY created_ms DESC, name"
    );
    select(client, &sql, &[&machine_arn], alias_row).await
}

async fn machine_in(
    client: &impl GenericClient,
    arn: &str,
) -> Result<Option<StateMachine>, Failure> {
    let sql = format!("SELECT {MACHINE_COLUMNS} FROM asl_state_machines WHERE arn = $1");
    select_one(client, &sql, &[&arn], machine_row).await
}

/// Publishes the current revision of `machine_arn` inside `transaction`.
async fn publish_in(
    transaction: &Transaction<'_>,
    machine_arn: &str,
    publish: &Publish,
) -> Result<Published, Failure> {
    let machine = machine_in(transaction, machine_arn)
        .await?
        .ok_or_else(|| CatalogError::NotFound(machine_arn.to_owned()))?;
    if let Some(expected) = &publish.expected_revision {
        let matches = match &machine.revision_id {
            Some(current) => current == expected,
            None => expected == "INITIAL",
        };
        if !matches {
            return Err(CatalogError::RevisionMismatch {
                current: machine.revision_id,
            }
            .into());
        }
    }
    let revision_id = match machine.revision_id {
        Some(id) => id,
        None => {
            execute(
                transaction,
                "UPDATE asl_state_machines SET revision_id = $2 WHERE arn = $1",
                &[&machine_arn, &publish.new_revision_id],
            )
            .await?;
            publish.new_revision_id.clone()
        }
    };
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM asl_versions WHERE machine_arn = $1 AND revision_id = $2"
    );
    let params: [&(dyn ToSql + Sync); 2] = [&machine_arn, &revision_id];
    if let Some(version) = select_one(transaction, &sql, &params, version_row).await? {
        return Ok(Published {
            version,
            created: false,
        });
    }
    if count(transaction, "asl_versions", "machine_arn", machine_arn).await?
        >= i64::from(MAX_VERSIONS)
    {
        return Err(CatalogError::QuotaExceeded(format!(
            "The state machine has the most versions allowed ({MAX_VERSIONS}); delete one first"
        ))
        .into());
    }
    let number = select_one(
        transaction,
        "UPDATE asl_state_machines SET next_version = next_version + 1 WHERE arn = $1 \
         RETURNING next_version - 1",
        &[&machine_arn],
        |row| number_at(row, 0),
    )
    .await?
    .ok_or_else(|| CatalogError::NotFound(machine_arn.to_owned()))?;
    let revision = machine.revision;
    let (logging, tracing) = (json(&revision.logging), json(&revision.tracing));
    let encryption = revision.encryption.as_ref().map(json);
    execute(
        transaction,
        &format!(
            "INSERT INTO asl_versions ({VERSION_COLUMNS}) \
             VALUES ($1, $2::BIGINT, $3, $4, $5, $6, $7, $8, $9, $10)"
        ),
        &[
            &machine_arn,
            &i64::from(number),
            &revision.definition,
            &revision.role_arn,
            &logging,
            &tracing,
            &encryption,
            &revision_id,
            &publish.description,
            &publish.date.0,
        ],
    )
    .await?;
    Ok(Published {
        version: Version {
            arn: format!("{machine_arn}:{number}"),
            machine_arn: machine_arn.to_owned(),
            number,
            revision,
            revision_id,
            description: publish.description.clone(),
            creation_date: publish.date,
        },
        created: true,
    })
}

/// Publishes the current revision of `machine_arn` if asked: the version made, or
/// the one that already kept it.
async fn publish_if(
    transaction: &Transaction<'_>,
    machine_arn: &str,
    publish: Option<&Publish>,
) -> Result<Option<Version>, Failure> {
    match publish {
        Some(publish) => Ok(Some(
            publish_in(transaction, machine_arn, publish).await?.version,
        )),
        None => Ok(None),
    }
}

async fn tag_in(transaction: &Transaction<'_>, arn: &str, tags: &[Tag]) -> Result<(), Failure> {
    for tag in tags {
        execute(
            transaction,
            "INSERT INTO asl_tags (arn, key, value, position) VALUES ($1, $2, $3, \
             (SELECT COALESCE(MAX(position), 0) + 1 FROM asl_tags WHERE arn = $1)) \
             ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value",
            &[&arn, &tag.key, &tag.value],
        )
        .await?;
    }
    if count(transaction, "asl_tags", "arn", arn).await? > i64::from(MAX_TAGS) {
        return Err(CatalogError::TooManyTags.into());
    }
    Ok(())
}

/// Checks that every version `alias` routes to exists.
async fn versions_exist(transaction: &Transaction<'_>, alias: &Alias) -> Result<(), Failure> {
    for route in &alias.routing {
        let number = route
            .version_arn
            .rsplit_once(':')
            .filter(|(machine, _)| *machine == alias.machine_arn)
            .and_then(|(_, number)| number.parse::<u32>().ok());
        let found = match number {
            Some(number) => select_one(
                transaction,
                "SELECT 1 FROM asl_versions WHERE machine_arn = $1 AND number = $2::BIGINT",
                &[&alias.machine_arn, &i64::from(number)],
                |_| Ok(()),
            )
            .await?
            .is_some(),
            None => false,
        };
        if !found {
            return Err(CatalogError::MissingVersion(route.version_arn.clone()).into());
        }
    }
    Ok(())
}

async fn insert_machine(
    transaction: &Transaction<'_>,
    machine: &StateMachine,
) -> Result<(), Failure> {
    let revision = &machine.revision;
    let (logging, tracing) = (json(&revision.logging), json(&revision.tracing));
    let encryption = revision.encryption.as_ref().map(json);
    let inserted = execute(
        transaction,
        &format!(
            "INSERT INTO asl_state_machines ({MACHINE_COLUMNS}, next_version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) ON CONFLICT DO NOTHING"
        ),
        &[
            &machine.arn,
            &machine.name,
            &machine.machine_type.as_str(),
            &revision.definition,
            &revision.role_arn,
            &logging,
            &tracing,
            &encryption,
            &machine.creation_date.0,
            &machine.update_date.0,
            &machine.revision_id,
        ],
    )
    .await?;
    if inserted == 0 {
        return Err(CatalogError::Exists(machine.arn.clone()).into());
    }
    Ok(())
}

/// Removes the rows of each `table WHERE column` whose column is `arn`.
async fn delete_from(
    transaction: &Transaction<'_>,
    tables: &[&str],
    arn: &str,
) -> Result<(), Failure> {
    for table in tables {
        execute(transaction, &format!("DELETE FROM {table} = $1"), &[&arn]).await?;
    }
    Ok(())
}

impl Catalog for PostgresCatalog {
    fn create_machine(
        &self,
        machine: &StateMachine,
        tags: &[Tag],
        publish: Option<&Publish>,
    ) -> Result<Option<Version>, CatalogError> {
        let data = (machine.clone(), tags.to_vec(), publish.cloned());
        self.write(
            &machine.arn,
            data,
            |transaction, (machine, tags, publish)| {
                Box::pin(async move {
                    insert_machine(transaction, machine).await?;
                    tag_in(transaction, &machine.arn, tags).await?;
                    publish_if(transaction, &machine.arn, publish.as_ref()).await
                })
            },
        )
    }

    fn machine(&self, arn: &str) -> Result<Option<StateMachine>, CatalogError> {
        self.read(arn.to_owned(), |client, arn| {
            Box::pin(machine_in(client, arn))
        })
    }

    fn machines(&self, page: Page<'_>) -> Result<Vec<StateMachine>, CatalogError> {
        let data = (page.after.unwrap_or("").to_owned(), i64::from(page.limit));
        self.read(data, |client, (after, limit)| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {MACHINE_COLUMNS} FROM asl_state_machines WHERE name > $1 \
                     ORDER BY name LIMIT $2"
                );
                select(client, &sql, &[after, limit], machine_row).await
            })
        })
    }

    fn update_machine(
        &self,
        machine: &StateMachine,
        publish: Option<&Publish>,
    ) -> Result<Option<Version>, CatalogError> {
        let data = (machine.clone(), publish.cloned());
        self.write(&machine.arn, data, |transaction, (machine, publish)| {
            Box::pin(async move {
                let revision = &machine.revision;
                let (logging, tracing) = (json(&revision.logging), json(&revision.tracing));
                let encryption = revision.encryption.as_ref().map(json);
                let updated = execute(
                    transaction,
                    "UPDATE asl_state_machines SET definition = $2, role_arn = $3, logging = $4, \
                     tracing = $5, encryption = $6, updated_ms = $7, revision_id = $8 \
                     WHERE arn = $1",
                    &[
                        &machine.arn,
                        &revision.definition,
                        &revision.role_arn,
                        &logging,
                        &tracing,
                        &encryption,
                        &machine.update_date.0,
                        &machine.revision_id,
                    ],
                )
                .await?;
                if updated == 0 {
                    return Err(CatalogError::NotFound(machine.arn.clone()).into());
                }
                publish_if(transaction, &machine.arn, publish.as_ref()).await
            })
        })
    }

    fn delete_machine(&self, arn: &str) -> Result<(), CatalogError> {
        self.write(arn, arn.to_owned(), |transaction, arn| {
            Box::pin(async move {
                execute(
                    transaction,
                    "DELETE FROM asl_tags WHERE arn = $1 OR arn IN \
                     (SELECT arn FROM asl_aliases WHERE machine_arn = $1)",
                    &[arn],
                )
                .await?;
                let tables = [
                    "asl_state_machines WHERE arn",
                    "asl_versions WHERE machine_arn",
                    "asl_aliases WHERE machine_arn",
                ];
                delete_from(transaction, &tables, arn).await
            })
        })
    }

    fn publish(&self, arn: &str, publish: &Publish) -> Result<Published, CatalogError> {
        let data = (arn.to_owned(), publish.clone());
        self.write(arn, data, |transaction, (arn, publish)| {
            Box::pin(publish_in(transaction, arn, publish))
        })
    }

    fn version(&self, machine_arn: &str, number: u32) -> Result<Option<Version>, CatalogError> {
        let data = (machine_arn.to_owned(), i64::from(number));
        self.read(data, |client, (machine_arn, number)| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {VERSION_COLUMNS} FROM asl_versions \
                     WHERE machine_arn = $1 AND number = $2::BIGINT"
                );
                select_one(client, &sql, &[machine_arn, number], version_row).await
            })
        })
    }

    fn versions(&self, machine_arn: &str, page: Page<'_>) -> Result<Vec<Version>, CatalogError> {
        let below = match page.after {
            Some(after) => after
                .parse::<i64>()
                .map_err(|_| CatalogError::BadCursor(after.to_owned()))?,
            None => i64::MAX,
        };
        let data = (machine_arn.to_owned(), below, i64::from(page.limit));
        self.read(data, |client, (machine_arn, below, limit)| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {VERSION_COLUMNS} FROM asl_versions \
                     WHERE machine_arn = $1 AND number < $2::BIGINT \
                     ORDER BY number DESC LIMIT $3"
                );
                select(client, &sql, &[machine_arn, below, limit], version_row).await
            })
        })
    }

    fn delete_version(&self, machine_arn: &str, number: u32) -> Result<(), CatalogError> {
        let data = (machine_arn.to_owned(), i64::from(number));
        self.write(machine_arn, data, |transaction, (machine_arn, number)| {
            Box::pin(async move {
                let version_arn = format!("{machine_arn}:{number}");
                let routing: Vec<String> = aliases_in(transaction, machine_arn)
                    .await?
                    .into_iter()
                    .filter(|alias| {
                        alias
                            .routing
                            .iter()
                            .any(|route| route.version_arn == version_arn)
                    })
                    .map(|alias| alias.arn)
                    .collect();
                if !routing.is_empty() {
                    return Err(CatalogError::VersionInUse(routing).into());
                }
                execute(
                    transaction,
                    "DELETE FROM asl_versions WHERE machine_arn = $1 AND number = $2::BIGINT",
                    &[machine_arn, number],
                )
                .await?;
                Ok(())
            })
        })
    }

    fn create_alias(&self, alias: &Alias) -> Result<(), CatalogError> {
        self.write(&alias.machine_arn, alias.clone(), |transaction, alias| {
            Box::pin(async move {
                versions_exist(transaction, alias).await?;
                if count(
                    transaction,
                    "asl_aliases",
                    "machine_arn",
                    &alias.machine_arn,
                )
                .await?
                    >= i64::from(MAX_ALIASES)
                {
                    return Err(CatalogError::QuotaExceeded(format!(
                        "The state machine has the most aliases allowed ({MAX_ALIASES}); \
                         delete one first"
                    ))
                    .into());
                }
                let inserted = execute(
                    transaction,
                    &format!(
                        "INSERT INTO asl_aliases ({ALIAS_COLUMNS}) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING"
                    ),
                    &[
                        &alias.arn,
                        &alias.machine_arn,
                        &alias.name,
                        &alias.description,
                        &routing_json(&alias.routing),
                        &alias.creation_date.0,
                        &alias.update_date.0,
                    ],
                )
                .await?;
                if inserted == 0 {
                    return Err(CatalogError::Exists(alias.arn.clone()).into());
                }
                Ok(())
            })
        })
    }

    fn alias(&self, arn: &str) -> Result<Option<Alias>, CatalogError> {
        self.read(arn.to_owned(), |client, arn| {
            Box::pin(async move {
                let sql = format!("SELECT {ALIAS_COLUMNS} FROM asl_aliases WHERE arn = $1");
                select_one(client, &sql, &[arn], alias_row).await
            })
        })
    }

    fn aliases(&self, machine_arn: &str) -> Result<Vec<Alias>, CatalogError> {
        self.read(machine_arn.to_owned(), |client, machine_arn| {
            Box::pin(aliases_in(client, machine_arn))
        })
    }

    fn update_alias(&self, alias: &Alias) -> Result<(), CatalogError> {
        self.write(&alias.machine_arn, alias.clone(), |transaction, alias| {
            Box::pin(async move {
                versions_exist(transaction, alias).await?;
                let updated = execute(
                    transaction,
                    "UPDATE asl_aliases SET description = $2, routing = $3, updated_ms = $4 \
                     WHERE arn = $1",
                    &[
                        &alias.arn,
                        &alias.description,
                        &routing_json(&alias.routing),
                        &alias.update_date.0,
                    ],
                )
                .await?;
                if updated == 0 {
                    return Err(CatalogError::NotFound(alias.arn.clone()).into());
                }
                Ok(())
            })
        })
    }

    fn delete_alias(&self, arn: &str) -> Result<(), CatalogError> {
        self.write(arn, arn.to_owned(), |transaction, arn| {
            Box::pin(delete_from(
                transaction,
                &["asl_aliases WHERE arn", "asl_tags WHERE arn"],
                arn,
            ))
        })
    }

    fn create_activity(&self, activity: &Activity, tags: &[Tag]) -> Result<(), CatalogError> {
        let data = (activity.clone(), tags.to_vec());
        self.write(&activity.arn, data, |transaction, (activity, tags)| {
            Box::pin(async move {
                let encryption = activity.encryption.as_ref().map(json);
                let inserted = execute(
                    transaction,
                    &format!(
                        "INSERT INTO asl_activities ({ACTIVITY_COLUMNS}) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"
                    ),
                    &[
                        &activity.arn,
                        &activity.name,
                        &encryption,
                        &activity.creation_date.0,
                    ],
                )
                .await?;
                if inserted == 0 {
                    return Err(CatalogError::Exists(activity.arn.clone()).into());
                }
                tag_in(transaction, &activity.arn, tags).await
            })
        })
    }

    fn activity(&self, arn: &str) -> Result<Option<Activity>, CatalogError> {
        self.read(arn.to_owned(), |client, arn| {
            Box::pin(async move {
                let sql = format!("SELECT {ACTIVITY_COLUMNS} FROM asl_activities WHERE arn = $1");
                select_one(client, &sql, &[arn], activity_row).await
            })
        })
    }

    fn activities(&self, page: Page<'_>) -> Result<Vec<Activity>, CatalogError> {
        let data = (page.after.unwrap_or("").to_owned(), i64::from(page.limit));
        self.read(data, |client, (after, limit)| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {ACTIVITY_COLUMNS} FROM asl_activities WHERE name > $1 \
                     ORDER BY name LIMIT $2"
                );
                select(client, &sql, &[after, limit], activity_row).await
            })
        })
    }

    fn delete_activity(&self, arn: &str) -> Result<(), CatalogError> {
        self.write(arn, arn.to_owned(), |transaction, arn| {
            Box::pin(delete_from(
                transaction,
                &["asl_activities WHERE arn", "asl_tags WHERE arn"],
                arn,
            ))
        })
    }

    fn tags(&self, arn: &str) -> Result<Vec<Tag>, CatalogError> {
        self.read(arn.to_owned(), |client, arn| {
            Box::pin(async move {
                let sql = "SELECT key, value FROM asl_tags WHERE arn = $1 ORDER BY position";
                select(client, sql, &[arn], tag_row).await
            })
        })
    }

    fn tag(&self, arn: &str, tags: &[Tag]) -> Result<(), CatalogError> {
        let data = (arn.to_owned(), tags.to_vec());
        self.write(arn, data, |transaction, (arn, tags)| {
            Box::pin(tag_in(transaction, arn, tags))
        })
    }

    fn untag(&self, arn: &str, keys: &[String]) -> Result<(), CatalogError> {
        let data = (arn.to_owned(), keys.to_vec());
        self.write(arn, data, |transaction, (arn, keys)| {
            Box::pin(async move {
                execute(
                    transaction,
                    "DELETE FROM asl_tags WHERE arn = $1 AND key = ANY($2)",
                    &[arn, keys],
                )
                .await?;
                Ok(())
            })
        })
    }
}

#[cfg(test)]
mod tests;
