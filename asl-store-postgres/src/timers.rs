//! Timers (`asl_timers`): an execution that has nothing to do but wait is parked
//! rather than kept in its node's memory, and whichever node is alive when it is due
//! goes on with it.
//!
//! The node running the execution parks it ([`PostgresStore::park`](crate::PostgresStore),
//! the engine's [`Store::park`](asl_engine::store::Store::park)) when its wait is at
//! least [`PARK_AFTER`]: in one statement, fenced as a checkpoint is, the execution
//! loses its owner and gains a timer row, and its run ends. Every node looks for due
//! timers ([`Node::fire_timers`]): claiming one deletes its row and makes the node
//! the execution's owner, in one statement with `FOR UPDATE SKIP LOCKED`, so that
//! one node fires it; the node resumes it from its last checkpoint (a Wait counts
//! from its recorded entry, a retry from its noted due time). A parked execution is
//! not taken over (no dead node owns it); stopping one wakes it at once
//! ([`Node::wake`]).
//!
//! A Task waiting for the outcome of its task token (a callback, an activity a
//! worker took) parks the same way, due when its attempt would time out (by
//! `TimeoutSeconds` or `HeartbeatSeconds`), its row naming the token: the node that
//! records an outcome for the token wakes it at once, and any node finds those
//! answered whose answerer died first ([`Node::fire_answered`]). A heartbeat is
//! noted only; the timer fires at the old due time, and the execution, resumed,
//! counts from the beat and parks again.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use asl_engine::store::unix_millis as millis;
use tokio_postgres::types::ToSql;

use crate::database::{Database, DatabaseError};
use crate::fleet::Node;

/// The shortest wait worth parking: a shorter one sleeps in memory (a timer costs
/// two statements and a resume).
pub const PARK_AFTER: Duration = Duration::from_secs(5);

/// Parks execution `arn`, which node `node` runs, until `due` (milliseconds since the
/// epoch) or, with `awaiting`, until an outcome is recorded for that task token:
/// `false` when the node no longer owns it, or no longer lives, or an outcome for
/// the token is recorded already. With a token, the check and the timer are one
/// transaction under the token's advisory lock, which recording an outcome takes
/// too (see `PostgresStore::record_callback`): an outcome recorded meanwhile is
/// seen here, or sees the timer and wakes the execution.
pub(crate) async fn park(
    database: Arc<Database>,
    node: i64,
    arn: String,
    due: i64,
    awaiting: Option<String>,
) -> Result<bool, DatabaseError> {
    database
        .with_client(|mut client| {
            let (arn, awaiting) = (arn.clone(), awaiting.clone());
            async move {
                let transaction = client.transaction().await?;
                if let Some(token) = &awaiting {
                    transaction
                        .execute(
                            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                            &[token],
                        )
                        .await?;
                }
                let parked = transaction
                    .execute(
                        "WITH parked AS (
                             UPDATE asl_executions e SET owner = NULL
                             WHERE e.arn = $1 AND e.owner = $2 AND e.status = 'RUNNING'
                                 AND EXISTS (SELECT 1 FROM asl_nodes n WHERE n.id = $2)
                                 AND NOT EXISTS (SELECT 1 FROM asl_callbacks c WHERE c.token = $4)
                             RETURNING e.arn
                         )
                         INSERT INTO asl_timers (arn, due_ms, token) SELECT arn, $3, $4 FROM parked
                         ON CONFLICT (arn) DO UPDATE
                         SET due_ms = EXCLUDED.due_ms, token = EXCLUDED.token",
                        &[&arn, &node, &due, &awaiting],
                    )
                    .await?;
                transaction.commit().await?;
                Ok(parked == 1)
            }
        })
        .await
}

/// Claims the parked executions that match `which` (over the timer row `t`; `$2`
/// and on are `parameters`) for node `$1`: their timer rows deleted, the node their
/// owner. Nothing when the node no longer lives.
const CLAIM: &str = "WITH picked AS (
        SELECT t.arn FROM asl_timers t
        WHERE EXISTS (SELECT 1 FROM asl_nodes n WHERE n.id = $1) AND {which}
        ORDER BY t.due_ms
        LIMIT {most}
        FOR UPDATE SKIP LOCKED
    ),
    fired AS (DELETE FROM asl_timers t USING picked WHERE t.arn = picked.arn RETURNING t.arn)
    UPDATE asl_executions e SET owner = $1 FROM fired
    WHERE e.arn = fired.arn AND e.status = 'RUNNING' AND e.owner IS NULL
    RETURNING e.arn";

impl Node {
    /// Claims at most `most` parked executions that are due now, by this process's
    /// clock (their rows deleted, this node their owner); returns their ARNs, for
    /// the node to resume them.
    pub async fn fire_timers(&self, most: i64) -> Result<Vec<String>, DatabaseError> {
        let now = millis(SystemTime::now());
        let statement = CLAIM
            .replace("{which}", "t.due_ms <= $2")
            .replace("{most}", &most.max(0).to_string());
        self.claim_timers(statement, now).await
    }

    /// Claims the parked execution `arn` before it is due (to stop it, or because
    /// the task token it awaits was answered): `false` when it is not parked
    /// (another node runs it, or fired its timer first).
    pub async fn wake(&self, arn: &str) -> Result<bool, DatabaseError> {
        let statement = CLAIM
            .replace("{which}", "t.arn = $2")
            .replace("{most}", "1");
        Ok(!self
            .claim_timers(statement, arn.to_owned())
            .await?
            .is_empty())
    }

    /// Claims at most `most` parked executions whose awaited task token has an
    /// outcome recorded (their rows deleted, this node their owner): those whose
    /// answerer died before it woke them (see [`Node::wake`]).
    pub async fn fire_answered(&self, most: i64) -> Result<Vec<String>, DatabaseError> {
        let now = millis(SystemTime::now());
        // Those due are fired as such.
        let statement = CLAIM
            .replace(
                "{which}",
                "t.token IS NOT NULL AND t.due_ms > $2 \
                 AND EXISTS (SELECT 1 FROM asl_callbacks c WHERE c.token = t.token)",
            )
            .replace("{most}", &most.max(0).to_string());
        self.claim_timers(statement, now).await
    }

    /// When the soonest timer is due, if any is set.
    pub async fn next_timer(&self) -> Result<Option<SystemTime>, DatabaseError> {
        let database = Arc::clone(self.database());
        self.database()
            .run(async move {
                database
                    .with_client(|client| async move {
                        let row = client
                            .query_one("SELECT min(due_ms) FROM asl_timers", &[])
                            .await?;
                        Ok(row
                            .get::<_, Option<i64>>(0)
                            .map(asl_engine::store::from_unix_millis))
                    })
                    .await
            })
            .await
    }

    /// Runs the claim `statement` with `$2` = `parameter`.
    async fn claim_timers<P>(
        &self,
        statement: String,
        parameter: P,
    ) -> Result<Vec<String>, DatabaseError>
    where
        P: ToSql + Sync + Send + Clone + 'static,
    {
        let (database, id) = (Arc::clone(self.database()), self.id());
        self.database()
            .run(async move {
                database
                    .with_client(|client| {
                        let (statement, parameter) = (statement.clone(), parameter.clone());
                        async move {
                            let rows = client.query(&statement, &[&id, &parameter]).await?;
                            Ok(rows.iter().map(|row| row.get(0)).collect())
                        }
                    })
                    .await
            })
            .await
    }
}
