//! Distributed Map children spread over a fleet (`asl_map_children`).
//!
//! The process that runs a parent execution offers each child it starts as a row
//! ([`Offers`], the engine's [`Spread`] hook); any node claims rows while it has room
//! ([`Node::claim_children`]), runs them in the worker of the parent's machine and
//! records their outcomes ([`Node::finish_children`]); the parent's process takes
//! the outcomes (deleting the rows) and notes them in the parent's journal as its
//! own children's. The parent hands out at most `MaxConcurrency` children at a time,
//! so that bound holds across the fleet. A row a dead node claimed is claimed again
//! by another; an outcome of a node that lost its lease meanwhile is refused (the
//! row is no longer its). A child whose parent stopped waiting (the Map failed, the
//! execution stopped) has its row deleted, claimed or not; so have the rows a parent
//! left when its process died and it ended before it offered them again
//! ([`Node::forget_orphan_children`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use asl_runtime::ExecutionError;
use asl_runtime::hooks::{Boxed, Spread, SpreadChild};

use crate::database::{Database, DatabaseError, retrying};
use crate::fleet::{Announcement, Node};

/// How often the parent's process looks for the outcomes of the children it waits
/// for.
const LOOK_EVERY: Duration = Duration::from_millis(10);

/// The most children offered in one statement.
const OFFER_BATCH: usize = 1000;

/// How a child ended, as its row keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Outcome {
    /// It succeeded with this output.
    Succeeded {
        /// The output.
        output: Value,
    },
    /// It failed.
    Failed {
        /// The error name.
        error: String,
        /// The cause.
        cause: String,
    },
}

impl Outcome {
    /// The outcome of a child that ended with `ended`.
    pub fn of(ended: &Result<Value, ExecutionError>) -> Outcome {
        match ended {
            Ok(output) => Outcome::Succeeded {
                output: output.clone(),
            },
            Err(error) => Outcome::Failed {
                error: error.name().to_owned(),
                cause: error.cause_text().to_owned(),
            },
        }
    }

    fn into_result(self) -> Result<Value, ExecutionError> {
        match self {
            Outcome::Succeeded { output } => Ok(output),
            Outcome::Failed { error, cause } => Err(ExecutionError::new(error, cause)),
        }
    }
}

/// A child offered by this process, and where its outcome goes.
struct Offer {
    child: SpreadChild,
    outcome: oneshot::Sender<Result<Value, ExecutionError>>,
}

/// The [`Spread`] hook of a process of the fleet: offers children in
/// `asl_map_children` and hands each its outcome once a node recorded it.
#[derive(Debug, Clone)]
pub struct Offers {
    offers: mpsc::UnboundedSender<Offer>,
}

impl std::fmt::Debug for Offer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.child.arn)
    }
}

impl Offers {
    /// Offers on `database`, from a task on its runtime.
    pub fn new(database: Arc<Database>) -> Offers {
        let (offers, received) = mpsc::unbounded_channel();
        let handle = database.handle().clone();
        handle.spawn(offering(database, received));
        Offers { offers }
    }
}

impl Spread for Offers {
    fn run(&self, child: SpreadChild) -> Option<Boxed<'static, Result<Value, ExecutionError>>> {
        if self.offers.is_closed() {
            return None;
        }
        let offers = self.offers.clone();
        // Offered when first polled: a child that finished before (its output is in
        // the parent's journal) is never offered again.
        Some(Box::pin(async move {
            let (outcome, ended) = oneshot::channel();
            let stopped = || {
                Err(ExecutionError::runtime(
                    "the process stopped handing out Distributed Map children",
                ))
            };
            if offers.send(Offer { child, outcome }).is_err() {
                return stopped();
            }
            ended.await.unwrap_or_else(|_| stopped())
        }))
    }
}

/// Offers what arrives on `received` and hands out the outcomes, until every
/// [`Offers`] is dropped.
async fn offering(database: Arc<Database>, mut received: mpsc::UnboundedReceiver<Offer>) {
    let mut waiting: HashMap<String, oneshot::Sender<Result<Value, ExecutionError>>> =
        HashMap::new();
    let mut batch = Vec::new();
    loop {
        if waiting.is_empty() {
            if received.recv_many(&mut batch, OFFER_BATCH).await == 0 {
                return;
            }
        } else {
            tokio::select! {
                count = received.recv_many(&mut batch, OFFER_BATCH) => if count == 0 {
                    return;
                },
                () = tokio::time::sleep(LOOK_EVERY) => {}
            }
        }
        if !batch.is_empty() {
            let offers = std::mem::take(&mut batch);
            let children = offers.iter().map(|offer| offer.child.clone()).collect();
            match offer(&database, children).await {
                Ok(()) => waiting.extend(
                    offers
                        .into_iter()
                        .map(|offer| (offer.child.arn, offer.outcome)),
                ),
                Err(error) => {
                    for offer in offers {
                        let _ = offer.outcome.send(Err(ExecutionError::runtime(format!(
                            "cannot hand the child out to the fleet: {error}"
                        ))));
                    }
                }
            }
        }
        let forgotten: Vec<String> = waiting
            .iter()
            .filter(|(_, outcome)| outcome.is_closed())
            .map(|(arn, _)| arn.clone())
            .collect();
        if !forgotten.is_empty() {
            for arn in &forgotten {
                waiting.remove(arn);
            }
            if let Err(error) = take(&database, forgotten, false).await {
                tracing::warn!(%error, "cannot withdraw Distributed Map children no one waits for");
            }
        }
        if waiting.is_empty() {
            continue;
        }
        let arns = waiting.keys().cloned().collect();
        match take(&database, arns, true).await {
            Ok(ended) => {
                for (arn, outcome) in ended {
                    if let Some(waiter) = waiting.remove(&arn) {
                        let _ = waiter.send(outcome.into_result());
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, "cannot look for the outcomes of Distributed Map children")
            }
        }
    }
}

/// Inserts rows for `children` (one offered before, by this process before a
/// restart or by the parent's previous owner, is kept as it is) and tells the
/// nodes.
async fn offer(database: &Database, children: Vec<SpreadChild>) -> Result<(), DatabaseError> {
    let mut arns = Vec::with_capacity(children.len());
    let mut parents = Vec::with_capacity(children.len());
    let mut requests = Vec::with_capacity(children.len());
    for child in children {
        requests.push(serde_json::to_string(&child).unwrap_or_default());
        arns.push(child.arn);
        parents.push(child.parent);
    }
    retrying(|| async {
        let client = database.pool().get().await?;
        client
            .execute(
                "INSERT INTO asl_map_children (arn, parent, request) \
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) \
                 ON CONFLICT (arn) DO NOTHING",
                &[&arns, &parents, &requests],
            )
            .await?;
        client
            .execute(
                "SELECT pg_notify($1, $2)",
                &[&database.channel(), &Announcement::Children.to_payload()],
            )
            .await?;
        Ok(())
    })
    .await
}

/// Deletes the rows of `arns`: those with an outcome when `ended` (returning the
/// outcomes), all of them otherwise.
async fn take(
    database: &Database,
    arns: Vec<String>,
    ended: bool,
) -> Result<Vec<(String, Outcome)>, DatabaseError> {
    let statement = if ended {
        "DELETE FROM asl_map_children WHERE arn = ANY($1) AND outcome IS NOT NULL \
         RETURNING arn, outcome"
    } else {
        "DELETE FROM asl_map_children WHERE arn = ANY($1) RETURNING arn, outcome"
    };
    let rows = retrying(|| async {
        let client = database.pool().get().await?;
        Ok(client.query(statement, &[&arns]).await?)
    })
    .await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let arn: String = row.get(0);
            let outcome: Option<String> = row.get(1);
            let outcome = outcome.and_then(|text| serde_json::from_str(&text).ok())?;
            Some((arn, outcome))
        })
        .collect())
}

/// A child a node claimed: its row's key and what runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    /// The child's ARN.
    pub arn: String,
    /// What runs it.
    pub child: SpreadChild,
}

impl Node {
    /// Claims at most `most` children offered and not claimed (or claimed by a node
    /// that died) whose parent runs, the first offered first.
    pub async fn claim_children(&self, most: i64) -> Result<Vec<Claimed>, DatabaseError> {
        let (database, id) = (Arc::clone(self.database()), self.id());
        let rows = self
            .database()
            .run(async move {
                retrying(|| async {
                    let client = database.pool().get().await?;
                    Ok(client
                        .query(
                            "WITH picked AS (
                                 SELECT c.arn FROM asl_map_children c
                                 WHERE c.outcome IS NULL AND (c.node IS NULL
                                     OR NOT EXISTS (SELECT 1 FROM asl_nodes n WHERE n.id = c.node))
                                 AND EXISTS (SELECT 1 FROM asl_executions e
                                     WHERE e.arn = c.parent AND e.status = 'RUNNING')
                                 ORDER BY c.offered
                                 LIMIT $2
                                 FOR UPDATE SKIP LOCKED
                             )
                             UPDATE asl_map_children c SET node = $1 FROM picked
                             WHERE c.arn = picked.arn
                             RETURNING c.arn, c.request",
                            &[&id, &most],
                        )
                        .await?)
                })
                .await
            })
            .await?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let arn: String = row.get(0);
                let request: String = row.get(1);
                match serde_json::from_str(&request) {
                    Ok(child) => Some(Claimed { arn, child }),
                    Err(error) => {
                        tracing::error!(%arn, %error, "a Distributed Map child's row is corrupt");
                        None
                    }
                }
            })
            .collect())
    }

    /// Records the outcomes of children this node claimed; returns how many were
    /// still its own (the others were claimed again after this node lost its
    /// lease, or withdrawn by their parent).
    pub async fn finish_children(
        &self,
        ended: Vec<(String, Outcome)>,
    ) -> Result<u64, DatabaseError> {
        let (database, id) = (Arc::clone(self.database()), self.id());
        let (arns, outcomes): (Vec<String>, Vec<String>) = ended
            .into_iter()
            .map(|(arn, outcome)| (arn, serde_json::to_string(&outcome).unwrap_or_default()))
            .unzip();
        self.database()
            .run(async move {
                retrying(|| async {
                    let client = database.pool().get().await?;
                    Ok(client
                        .execute(
                            "UPDATE asl_map_children c SET outcome = u.outcome \
                             FROM unnest($2::text[], $3::text[]) AS u(arn, outcome) \
                             WHERE c.arn = u.arn AND c.node = $1 AND c.outcome IS NULL \
                             AND EXISTS (SELECT 1 FROM asl_nodes n WHERE n.id = $1)",
                            &[&id, &arns, &outcomes],
                        )
                        .await?)
                })
                .await
            })
            .await
    }

    /// Deletes the rows of children whose parent no longer runs (it ended, or was
    /// stopped, while its process was down and could not withdraw them); returns
    /// how many.
    pub async fn forget_orphan_children(&self) -> Result<u64, DatabaseError> {
        let database = Arc::clone(self.database());
        self.database()
            .run(async move {
                retrying(|| async {
                    let client = database.pool().get().await?;
                    Ok(client
                        .execute(
                            "DELETE FROM asl_map_children c WHERE NOT EXISTS \
                             (SELECT 1 FROM asl_executions e \
                              WHERE e.arn = c.parent AND e.status = 'RUNNING')",
                            &[],
                        )
                        .await?)
                })
                .await
            })
            .await
    }

    /// Gives up children this node claimed but cannot run (its worker for them
    /// stopped): any node claims them again.
    pub async fn release_children(&self, arns: Vec<String>) -> Result<(), DatabaseError> {
        let (database, id) = (Arc::clone(self.database()), self.id());
        self.database()
            .run(async move {
                retrying(|| async {
                    let client = database.pool().get().await?;
                    client
                        .execute(
                            "UPDATE asl_map_children SET node = NULL \
                             WHERE arn = ANY($2) AND node = $1 AND outcome IS NULL",
                            &[&id, &arns],
                        )
                        .await?;
                    Ok(())
                })
                .await
            })
            .await
    }
}
