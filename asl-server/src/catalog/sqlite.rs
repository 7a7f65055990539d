//! The catalog in a SQLite file: WAL, `synchronous=FULL`, one transaction a call.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};
use serde_json::Value;

use super::{
    Activity, Alias, Catalog, CatalogError, MAX_ALIASES, MAX_TAGS, MAX_VERSIONS, MachineType, Page,
    Publish, Published, Revision, Route, StateMachine, Tag, Version,
};
use crate::time::Timestamp;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS state_machines (
    arn TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    definition TEXT NOT NULL,
    role_arn TEXT NOT NULL,
    logging TEXT NOT NULL,
    tracing TEXT NOT NULL,
    encryption TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    revision_id TEXT,
    next_version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    machine_arn TEXT NOT NULL,
    number INTEGER NOT NULL,
    definition TEXT NOT NULL,
    role_arn TEXT NOT NULL,
    logging TEXT NOT NULL,
    tracing TEXT NOT NULL,
    encryption TEXT,
    revision_id TEXT NOT NULL,
    description TEXT,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (machine_arn, number)
);
CREATE TABLE IF NOT EXISTS aliases (
    arn TEXT PRIMARY KEY NOT NULL,
    machine_arn TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    routing TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS aliases_by_machine ON aliases (machine_arn, created_ms, name);
CREATE TABLE IF NOT EXISTS activities (
    arn TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    encryption TEXT,
    created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tags (
    arn TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (arn, key)
);
";

const MACHINE_COLUMNS: &str = "arn, name, type, definition, role_arn, logging, tracing, \
    encryption, created_ms, updated_ms, revision_id";
const VERSION_COLUMNS: &str = "machine_arn, number, definition, role_arn, logging, tracing, \
    encryption, revision_id, description, created_ms";
const ALIAS_COLUMNS: &str = "arn, machine_arn, name, description, routing, created_ms, updated_ms";
const ACTIVITY_COLUMNS: &str = "arn, name, encryption, created_ms";

/// The catalog in one SQLite database file.
#[derive(Debug)]
pub struct SqliteCatalog {
    connection: Mutex<Connection>,
}

impl SqliteCatalog {
    /// Opens (creating if needed) the catalog at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteCatalog, CatalogError> {
        let connection = Connection::open(path).map_err(backend)?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(backend)?;
        connection
            .pragma_update(None, "synchronous", "FULL")
            .map_err(backend)?;
        connection
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(backend)?;
        connection.execute_batch(SCHEMA).map_err(backend)?;
        Ok(SqliteCatalog {
            connection: Mutex::new(connection),
        })
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `body` in one write transaction, committed when it succeeds.
    fn write<T>(
        &self,
        body: impl FnOnce(&Transaction<'_>) -> Result<T, CatalogError>,
    ) -> Result<T, CatalogError> {
        let mut connection = self.connection();
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(backend)?;
        let value = body(&transaction)?;
        transaction.commit().map_err(backend)?;
        Ok(value)
    }
}

fn backend(error: rusqlite::Error) -> CatalogError {
    CatalogError::Backend(Box::new(error))
}

fn json(value: &Value) -> String {
    value.to_string()
}

fn parse_json(text: String) -> rusqlite::Result<Value> {
    serde_json::from_str(&text).map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(error))
    })
}

fn optional_json(text: Option<String>) -> rusqlite::Result<Option<Value>> {
    text.map(parse_json).transpose()
}

fn machine_row(row: &Row<'_>) -> rusqlite::Result<StateMachine> {
    let machine_type: String = row.get(2)?;
    Ok(StateMachine {
        arn: row.get(0)?,
        name: row.get(1)?,
        machine_type: MachineType::parse(&machine_type).ok_or_else(|| {
            rusqlite::Error::InvalidColumnType(2, machine_type, rusqlite::types::Type::Text)
        })?,
        revision: Revision {
            definition: row.get(3)?,
            role_arn: row.get(4)?,
            logging: parse_json(row.get(5)?)?,
            tracing: parse_json(row.get(6)?)?,
            encryption: optional_json(row.get(7)?)?,
        },
        creation_date: Timestamp(row.get(8)?),
        update_date: Timestamp(row.get(9)?),
        revision_id: row.get(10)?,
    })
}

fn version_row(row: &Row<'_>) -> rusqlite::Result<Version> {
    let machine_arn: String = row.get(0)?;
    let number: u32 = row.get(1)?;
    Ok(Version {
        arn: format!("{machine_arn}:{number}"),
        machine_arn,
        number,
        revision: Revision {
            definition: row.get(2)?,
            role_arn: row.get(3)?,
            logging: parse_json(row.get(4)?)?,
            tracing: parse_json(row.get(5)?)?,
            encryption: optional_json(row.get(6)?)?,
        },
        revision_id: row.get(7)?,
        description: row.get(8)?,
        creation_date: Timestamp(row.get(9)?),
    })
}

fn alias_row(row: &Row<'_>) -> rusqlite::Result<Alias> {
    let routing: String = row.get(4)?;
    Ok(Alias {
        arn: row.get(0)?,
        machine_arn: row.get(1)?,
        name: row.get(2)?,
        description: row.get(3)?,
        routing: serde_json::from_str(&routing).map_err(|error| {
            rusqlite::Error::FromSqlConversionFailure(
                4,
                rusqlite::types::Type::Text,
                Box::new(error),
            )
        })?,
        creation_date: Timestamp(row.get(5)?),
        update_date: Timestamp(row.get(6)?),
    })
}

fn activity_row(row: &Row<'_>) -> rusqlite::Result<Activity> {
    Ok(Activity {
        arn: row.get(0)?,
        name: row.get(1)?,
        encryption: optional_json(row.get(2)?)?,
        creation_date: Timestamp(row.get(3)?),
    })
}

fn routing_json(routing: &[Route]) -> String {
    serde_json::to_string(routing).unwrap_or_else(|_| "[]".to_owned())
}

/// Every alias of `machine_arn`, newest first.
fn aliases_in(connection: &Connection, machine_arn: &str) -> Result<Vec<Alias>, CatalogError> {
    let mut statement = connection
        .prepare_cached(&format!(
            "SELECT {ALIAS_COLUMNS} FROM aliases WHERE machine_arn = ?1 ORDER BY created_ms DESC, name"
        ))
        .map_err(backend)?;
    statement
        .query_map([machine_arn], alias_row)
        .and_then(Iterator::collect)
        .map_err(backend)
}

fn machine_in(connection: &Connection, arn: &str) -> Result<Option<StateMachine>, CatalogError> {
    let sql = format!("SELECT {MACHINE_COLUMNS} FROM state_machines WHERE arn = ?1");
    one(connection, &sql, [arn], machine_row)
}

/// The row `sql` selects, if any, through the connection's statement cache: every
/// StartExecution looks its machine up, and parsing the query each time cost more
/// than running it.
fn one<T>(
    connection: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    row: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>, CatalogError> {
    connection
        .prepare_cached(sql)
        .and_then(|mut statement| statement.query_row(params, row).optional())
        .map_err(backend)
}

/// Publishes the current revision of `machine_arn` inside `transaction`.
fn publish_in(
    transaction: &Transaction<'_>,
    machine_arn: &str,
    publish: &Publish,
) -> Result<Published, CatalogError> {
    let machine = machine_in(transaction, machine_arn)?
        .ok_or_else(|| CatalogError::NotFound(machine_arn.to_owned()))?;
    if let Some(expected) = &publish.expected_revision {
        let matches = match &machine.revision_id {
            Some(current) => current == expected,
            None => expected == "INITIAL",
        };
        if !matches {
            return Err(CatalogError::RevisionMismatch {
                current: machine.revision_id,
            });
        }
    }
    let revision_id = match machine.revision_id {
        Some(id) => id,
        None => {
            transaction
                .execute(
                    "UPDATE state_machines SET revision_id = ?2 WHERE arn = ?1",
                    params![machine_arn, publish.new_revision_id],
                )
                .map_err(backend)?;
            publish.new_revision_id.clone()
        }
    };
    let existing = transaction
        .query_row(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM versions WHERE machine_arn = ?1 AND revision_id = ?2"
            ),
            params![machine_arn, revision_id],
            version_row,
        )
        .optional()
        .map_err(backend)?;
    if let Some(version) = existing {
        return Ok(Published {
            version,
            created: false,
        });
    }
    let count: u32 = transaction
        .query_row(
            "SELECT COUNT(*) FROM versions WHERE machine_arn = ?1",
            [machine_arn],
            |row| row.get(0),
        )
        .map_err(backend)?;
    if count >= MAX_VERSIONS {
        return Err(CatalogError::QuotaExceeded(format!(
            "The state machine has the most versions allowed ({MAX_VERSIONS}); delete one first"
        )));
    }
    let number: u32 = transaction
        .query_row(
            "UPDATE state_machines SET next_version = next_version + 1 WHERE arn = ?1 \
             RETURNING next_version - 1",
            [machine_arn],
            |row| row.get(0),
        )
        .map_err(backend)?;
    let revision = machine.revision;
    transaction
        .execute(
            &format!("INSERT INTO versions ({VERSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            params![
                machine_arn,
                number,
                revision.definition,
                revision.role_arn,
                json(&revision.logging),
                json(&revision.tracing),
                revision.encryption.as_ref().map(json),
                revision_id,
                publish.description,
                publish.date.0,
            ],
        )
        .map_err(backend)?;
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

fn tag_in(transaction: &Transaction<'_>, arn: &str, tags: &[Tag]) -> Result<(), CatalogError> {
    for tag in tags {
        transaction
            .execute(
                "INSERT INTO tags (arn, key, value, position) VALUES (?1, ?2, ?3, \
                 (SELECT COALESCE(MAX(position), 0) + 1 FROM tags WHERE arn = ?1)) \
                 ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value",
                params![arn, tag.key, tag.value],
            )
            .map_err(backend)?;
    }
    let count: u32 = transaction
        .query_row("SELECT COUNT(*) FROM tags WHERE arn = ?1", [arn], |row| {
            row.get(0)
        })
        .map_err(backend)?;
    if count > MAX_TAGS {
        return Err(CatalogError::TooManyTags);
    }
    Ok(())
}

/// Checks that every version `alias` routes to exists.
fn versions_exist(transaction: &Transaction<'_>, alias: &Alias) -> Result<(), CatalogError> {
    for route in &alias.routing {
        let found = route
            .version_arn
            .rsplit_once(':')
            .filter(|(machine, _)| *machine == alias.machine_arn)
            .and_then(|(_, number)| number.parse::<u32>().ok())
            .map(|number| {
                transaction
                    .query_row(
                        "SELECT 1 FROM versions WHERE machine_arn = ?1 AND number = ?2",
                        params![alias.machine_arn, number],
                        |_| Ok(()),
                    )
                    .optional()
                    .map_err(backend)
            })
            .transpose()?
            .flatten();
        if found.is_none() {
            return Err(CatalogError::MissingVersion(route.version_arn.clone()));
        }
    }
    Ok(())
}

fn insert_machine(
    transaction: &Transaction<'_>,
    machine: &StateMachine,
) -> Result<(), CatalogError> {
    let revision = &machine.revision;
    let inserted = transaction
        .execute(
            &format!(
                "INSERT INTO state_machines ({MACHINE_COLUMNS}, next_version) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1) ON CONFLICT DO NOTHING"
            ),
            params![
                machine.arn,
                machine.name,
                machine.machine_type.as_str(),
                revision.definition,
                revision.role_arn,
                json(&revision.logging),
                json(&revision.tracing),
                revision.encryption.as_ref().map(json),
                machine.creation_date.0,
                machine.update_date.0,
                machine.revision_id,
            ],
        )
        .map_err(backend)?;
    if inserted == 0 {
        return Err(CatalogError::Exists(machine.arn.clone()));
    }
    Ok(())
}

impl Catalog for SqliteCatalog {
    fn create_machine(
        &self,
        machine: &StateMachine,
        tags: &[Tag],
        publish: Option<&Publish>,
    ) -> Result<Option<Version>, CatalogError> {
        self.write(|transaction| {
            insert_machine(transaction, machine)?;
            tag_in(transaction, &machine.arn, tags)?;
            publish
                .map(|publish| publish_in(transaction, &machine.arn, publish))
                .transpose()
                .map(|published| published.map(|published| published.version))
        })
    }

    fn machine(&self, arn: &str) -> Result<Option<StateMachine>, CatalogError> {
        machine_in(&self.connection(), arn)
    }

    fn machines(&self, page: Page<'_>) -> Result<Vec<StateMachine>, CatalogError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached(&format!(
                "SELECT {MACHINE_COLUMNS} FROM state_machines WHERE name > ?1 ORDER BY name LIMIT ?2"
            ))
            .map_err(backend)?;
        statement
            .query_map(params![page.after.unwrap_or(""), page.limit], machine_row)
            .and_then(Iterator::collect)
            .map_err(backend)
    }

    fn update_machine(
        &self,
        machine: &StateMachine,
        publish: Option<&Publish>,
    ) -> Result<Option<Version>, CatalogError> {
        self.write(|transaction| {
            let revision = &machine.revision;
            let updated = transaction
                .execute(
                    "UPDATE state_machines SET definition = ?2, role_arn = ?3, logging = ?4, \
                     tracing = ?5, encryption = ?6, updated_ms = ?7, revision_id = ?8 WHERE arn = ?1",
                    params![
                        machine.arn,
                        revision.definition,
                        revision.role_arn,
                        json(&revision.logging),
                        json(&revision.tracing),
                        revision.encryption.as_ref().map(json),
                        machine.update_date.0,
                        machine.revision_id,
                    ],
                )
                .map_err(backend)?;
            if updated == 0 {
                return Err(CatalogError::NotFound(machine.arn.clone()));
            }
            publish
                .map(|publish| publish_in(transaction, &machine.arn, publish))
                .transpose()
                .map(|published| published.map(|published| published.version))
        })
    }

    fn delete_machine(&self, arn: &str) -> Result<(), CatalogError> {
        self.write(|transaction| {
            transaction
                .execute(
                    "DELETE FROM tags WHERE arn = ?1 OR arn IN \
                     (SELECT arn FROM aliases WHERE machine_arn = ?1)",
                    [arn],
                )
                .map_err(backend)?;
            for table in [
                "state_machines WHERE arn",
                "versions WHERE machine_arn",
                "aliases WHERE machine_arn",
            ] {
                transaction
                    .execute(&format!("DELETE FROM {table} = ?1"), [arn])
                    .map_err(backend)?;
            }
            Ok(())
        })
    }

    fn publish(&self, arn: &str, publish: &Publish) -> Result<Published, CatalogError> {
        self.write(|transaction| publish_in(transaction, arn, publish))
    }

    fn version(&self, machine_arn: &str, number: u32) -> Result<Option<Version>, CatalogError> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM versions WHERE machine_arn = ?1 AND number = ?2"
        );
        one(
            &self.connection(),
            &sql,
            params![machine_arn, number],
            version_row,
        )
    }

    fn versions(&self, machine_arn: &str, page: Page<'_>) -> Result<Vec<Version>, CatalogError> {
        let below = match page.after {
            Some(after) => after
                .parse::<i64>()
                .map_err(|_| CatalogError::BadCursor(after.to_owned()))?,
            None => i64::MAX,
        };
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached(&format!(
                "SELECT {VERSION_COLUMNS} FROM versions WHERE machine_arn = ?1 AND number < ?2 \
                 ORDER BY number DESC LIMIT ?3"
            ))
            .map_err(backend)?;
        statement
            .query_map(params![machine_arn, below, page.limit], version_row)
            .and_then(Iterator::collect)
            .map_err(backend)
    }

    fn delete_version(&self, machine_arn: &str, number: u32) -> Result<(), CatalogError> {
        self.write(|transaction| {
            let version_arn = format!("{machine_arn}:{number}");
            let aliases = aliases_in(transaction, machine_arn)?;
            let routing: Vec<String> = aliases
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
                return Err(CatalogError::VersionInUse(routing));
            }
            transaction
                .execute(
                    "DELETE FROM versions WHERE machine_arn = ?1 AND number = ?2",
                    params![machine_arn, number],
                )
                .map_err(backend)?;
            Ok(())
        })
    }

    fn create_alias(&self, alias: &Alias) -> Result<(), CatalogError> {
        self.write(|transaction| {
            versions_exist(transaction, alias)?;
            let count: u32 = transaction
                .query_row(
                    "SELECT COUNT(*) FROM aliases WHERE machine_arn = ?1",
                    [&alias.machine_arn],
                    |row| row.get(0),
                )
                .map_err(backend)?;
            if count >= MAX_ALIASES {
                return Err(CatalogError::QuotaExceeded(format!(
                    "The state machine has the most aliases allowed ({MAX_ALIASES}); delete one first"
                )));
            }
            let inserted = transaction
                .execute(
                    &format!(
                        "INSERT INTO aliases ({ALIAS_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                         ON CONFLICT DO NOTHING"
                    ),
                    params![
                        alias.arn,
                        alias.machine_arn,
                        alias.name,
                        alias.description,
                        routing_json(&alias.routing),
                        alias.creation_date.0,
                        alias.update_date.0,
                    ],
                )
                .map_err(backend)?;
            if inserted == 0 {
                return Err(CatalogError::Exists(alias.arn.clone()));
            }
            Ok(())
        })
    }

    fn alias(&self, arn: &str) -> Result<Option<Alias>, CatalogError> {
        let sql = format!("SELECT {ALIAS_COLUMNS} FROM aliases WHERE arn = ?1");
        one(&self.connection(), &sql, [arn], alias_row)
    }

    fn aliases(&self, machine_arn: &str) -> Result<Vec<Alias>, CatalogError> {
        aliases_in(&self.connection(), machine_arn)
    }

    fn update_alias(&self, alias: &Alias) -> Result<(), CatalogError> {
        self.write(|transaction| {
            versions_exist(transaction, alias)?;
            let updated = transaction
                .execute(
                    "UPDATE aliases SET description = ?2, routing = ?3, updated_ms = ?4 WHERE arn = ?1",
                    params![
                        alias.arn,
                        alias.description,
                        routing_json(&alias.routing),
                        alias.update_date.0,
                    ],
                )
                .map_err(backend)?;
            if updated == 0 {
                return Err(CatalogError::NotFound(alias.arn.clone()));
            }
            Ok(())
        })
    }

    fn delete_alias(&self, arn: &str) -> Result<(), CatalogError> {
        self.write(|transaction| {
            for table in ["aliases", "tags"] {
                transaction
                    .execute(&format!("DELETE FROM {table} WHERE arn = ?1"), [arn])
                    .map_err(backend)?;
            }
            Ok(())
        })
    }

    fn create_activity(&self, activity: &Activity, tags: &[Tag]) -> Result<(), CatalogError> {
        self.write(|transaction| {
            let inserted = transaction
                .execute(
                    &format!(
                        "INSERT INTO activities ({ACTIVITY_COLUMNS}) VALUES (?1, ?2, ?3, ?4) \
                         ON CONFLICT DO NOTHING"
                    ),
                    params![
                        activity.arn,
                        activity.name,
                        activity.encryption.as_ref().map(json),
                        activity.creation_date.0,
                    ],
                )
                .map_err(backend)?;
            if inserted == 0 {
                return Err(CatalogError::Exists(activity.arn.clone()));
            }
            tag_in(transaction, &activity.arn, tags)
        })
    }

    fn activity(&self, arn: &str) -> Result<Option<Activity>, CatalogError> {
        self.connection()
            .query_row(
                &format!("SELECT {ACTIVITY_COLUMNS} FROM activities WHERE arn = ?1"),
                [arn],
                activity_row,
            )
            .optional()
            .map_err(backend)
    }

    fn activities(&self, page: Page<'_>) -> Result<Vec<Activity>, CatalogError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached(&format!(
                "SELECT {ACTIVITY_COLUMNS} FROM activities WHERE name > ?1 ORDER BY name LIMIT ?2"
            ))
            .map_err(backend)?;
        statement
            .query_map(params![page.after.unwrap_or(""), page.limit], activity_row)
            .and_then(Iterator::collect)
            .map_err(backend)
    }

    fn delete_activity(&self, arn: &str) -> Result<(), CatalogError> {
        self.write(|transaction| {
            for table in ["activities", "tags"] {
                transaction
                    .execute(&format!("DELETE FROM {table} WHERE arn = ?1"), [arn])
                    .map_err(backend)?;
            }
            Ok(())
        })
    }

    fn tags(&self, arn: &str) -> Result<Vec<Tag>, CatalogError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached("SELECT key, value FROM tags WHERE arn = ?1 ORDER BY position")
            .map_err(backend)?;
        statement
            .query_map([arn], |row| {
                Ok(Tag {
                    key: row.get(0)?,
                    value: row.get(1)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(backend)
    }

    fn tag(&self, arn: &str, tags: &[Tag]) -> Result<(), CatalogError> {
        self.write(|transaction| tag_in(transaction, arn, tags))
    }

    fn untag(&self, arn: &str, keys: &[String]) -> Result<(), CatalogError> {
        self.write(|transaction| {
            for key in keys {
                transaction
                    .execute(
                        "DELETE FROM tags WHERE arn = ?1 AND key = ?2",
                        params![arn, key],
                    )
                    .map_err(backend)?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests;
