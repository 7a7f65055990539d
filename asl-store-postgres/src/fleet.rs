//! Many processes on one database: each is a [`Node`] of the fleet, owning the
//! executions it runs while its lease lasts.
//!
//! - A node joins with a row in `asl_nodes` whose id, given by a sequence, is its
//!   **fencing epoch**: it renews the row's lease every few seconds
//!   ([`Node::renew`]); a node whose lease ran out is deleted by the others
//!   ([`Node::take_over`]), and with its row goes every right it had to write: its
//!   checkpoints are refused for the executions it no longer owns, its notes at once
//!   (see the [store](crate::PostgresStore)). A node that finds its row gone (it was
//!   paused past its lease) joins again under a new id.
//! - An execution belongs to the node that started it (or redrove it). The running
//!   executions of the nodes that are gone are claimed by the live ones, each taking
//!   its share, with `FOR UPDATE SKIP LOCKED` so that two claims never take the same
//!   one ([`Node::take_over`]).
//! - What one process must tell another goes through `LISTEN/NOTIFY` on
//!   the database's [channel](Database::channel) ([`Announcement`], [`listen`]): an answer sent to a task token
//!   (announced by the store in the same statement that records it), a heartbeat, a
//!   stop.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, NoTls};

use crate::database::{Database, DatabaseError, retrying};

/// What one process tells the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announcement {
    /// An outcome was recorded for this task token: the node where its task waits
    /// hands it over.
    Callback(String),
    /// `SendTaskHeartbeat` for this task token.
    Heartbeat(String),
    /// `StopExecution` of this execution, its error and cause noted under
    /// [`stop_key`]: the node that runs it stops it.
    Stop(String),
    /// `GetActivityTask` on a node none of whose executions offers a task of the
    /// activity: the first node that offers one claims the request (recording an
    /// outcome for [`want_key`]), takes the task and gives it ([`given_key`],
    /// [`Announcement::Gave`]).
    Want {
        /// The request's id.
        request: String,
        /// The activity's ARN.
        activity: String,
    },
    /// The task asked for by request `.0` is noted under [`given_key`].
    Gave(String),
    /// `UpdateMapRun` of this Map Run, its execution and changes noted under
    /// [`update_key`]: the node that runs the execution applies them.
    UpdateMapRun(String),
    /// Children of a Distributed Map were offered (see [`crate::children`]): the
    /// nodes with room claim them.
    Children,
}

impl Announcement {
    /// The notification's payload: `<kind>:<subject>` (the subject of a want is
    /// `<request> <activity>`).
    pub fn to_payload(&self) -> String {
        match self {
            Announcement::Callback(token) => format!("callback:{token}"),
            Announcement::Heartbeat(token) => format!("heartbeat:{token}"),
            Announcement::Stop(arn) => format!("stop:{arn}"),
            Announcement::Want { request, activity } => format!("want:{request} {activity}"),
            Announcement::Gave(request) => format!("gave:{request}"),
            Announcement::UpdateMapRun(arn) => format!("update-map-run:{arn}"),
            Announcement::Children => "children:".to_owned(),
        }
    }

    /// The announcement `payload` holds, if it is one.
    pub fn parse(payload: &str) -> Option<Announcement> {
        let (kind, subject) = payload.split_once(':')?;
        let subject = subject.to_owned();
        match kind {
            "callback" => Some(Announcement::Callback(subject)),
            "heartbeat" => Some(Announcement::Heartbeat(subject)),
            "stop" => Some(Announcement::Stop(subject)),
            "want" => {
                let (request, activity) = subject.split_once(' ')?;
                Some(Announcement::Want {
                    request: request.to_owned(),
                    activity: activity.to_owned(),
                })
            }
            "gave" => Some(Announcement::Gave(subject)),
            "update-map-run" => Some(Announcement::UpdateMapRun(subject)),
            "children" => Some(Announcement::Children),
            _ => None,
        }
    }
}

/// The key of the note holding the error and cause of a stop asked of another node.
pub fn stop_key(arn: &str) -> String {
    format!("asl-fleet/stop/{arn}")
}

/// The key of the note holding an `UpdateMapRun` asked of another node: the Map
/// Run's execution and its new settings.
pub fn update_key(map_run: &str) -> String {
    format!("asl-fleet/update-map-run/{map_run}")
}

/// The key of the outcome the node answering `GetActivityTask` request `request`
/// records to claim it (one node claims it).
pub fn want_key(request: &str) -> String {
    format!("asl-fleet/want/{request}")
}

/// The key of the note holding the activity task given for request `request`.
pub fn given_key(request: &str) -> String {
    format!("asl-fleet/given/{request}")
}

/// How long a node's lease lasts, and how often it is renewed and others' looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    /// The longest a dead node's executions wait before another takes them over.
    pub takeover: Duration,
}

impl Default for Lease {
    /// Taken over within 10 s.
    fn default() -> Lease {
        Lease {
            takeover: Duration::from_secs(10),
        }
    }
}

impl Lease {
    /// How long a renewal keeps the lease: 70 % of the takeover bound, the rest left
    /// for noticing and claiming.
    pub fn ttl(&self) -> Duration {
        self.takeover.mul_f64(0.7)
    }

    /// How often a node renews its lease: four times per lease.
    pub fn renew_every(&self) -> Duration {
        self.ttl() / 4
    }

    /// How often a node looks for executions to take over.
    pub fn scan_every(&self) -> Duration {
        (self.takeover / 10).max(Duration::from_millis(100))
    }
}

/// A process of the fleet.
#[derive(Debug)]
pub struct Node {
    database: Arc<Database>,
    id: AtomicI64,
    name: String,
    lease: Lease,
}

impl Node {
    /// Joins the fleet on `database` (migrated) as `name` (for operators: a host name
    /// and process id), holding leases as `lease` says.
    pub fn join(database: Arc<Database>, name: &str, lease: Lease) -> Result<Node, DatabaseError> {
        let (joining, owned_name) = (Arc::clone(&database), name.to_owned());
        let id =
            database.block(async move { retrying(|| join(&joining, &owned_name, lease)).await })?;
        Ok(Node {
            database,
            id: AtomicI64::new(id),
            name: name.to_owned(),
            lease,
        })
    }

    /// Its id, the fencing epoch of its writes; a new one after [`Node::rejoin`].
    pub fn id(&self) -> i64 {
        self.id.load(Ordering::SeqCst)
    }

    /// Its lease.
    pub fn lease(&self) -> Lease {
        self.lease
    }

    /// The database.
    pub fn database(&self) -> &Arc<Database> {
        &self.database
    }

    /// Extends its lease; `false` when it has none any more (it was paused or cut
    /// off past it and the others deleted it): it must stop writing, and join again.
    pub async fn renew(&self) -> Result<bool, DatabaseError> {
        let ttl = millis(self.lease.ttl());
        let id = self.id();
        let database = Arc::clone(&self.database);
        let renewed = self
            .database
            .run(async move {
                retrying(|| async {
                    let client = database.pool().get().await?;
                    Ok(client
                        .execute(
                            "UPDATE asl_nodes \
                             SET lease_until = now() + $2::bigint * interval '1 millisecond' \
                             WHERE id = $1",
                            &[&id, &ttl],
                        )
                        .await?)
                })
                .await
            })
            .await?;
        Ok(renewed == 1)
    }

    /// Deletes the nodes whose lease ran out, then claims this node's share of the
    /// running executions that no live node owns (and that are not parked: see
    /// [`crate::timers`]): at most the orphans divided by the live nodes, rounded up,
    /// and at most `most`. Returns the ARNs it claimed.
    pub async fn take_over(&self, most: i64) -> Result<Vec<String>, DatabaseError> {
        let id = self.id();
        let database = Arc::clone(&self.database);
        self.database
            .run(async move {
                retrying(|| async {
                    let client = database.pool().get().await?;
                    let expired = client
                        .query(
                            "DELETE FROM asl_nodes WHERE lease_until < now() AND id <> $1 \
                             RETURNING id",
                            &[&id],
                        )
                        .await?;
                    for row in &expired {
                        let dead: i64 = row.get(0);
                        tracing::warn!(
                            node = dead,
                            "a node's lease ran out: its executions are taken over"
                        );
                    }
                    let claimed = client
                        .query(
                            "WITH live AS (SELECT count(*) AS nodes FROM asl_nodes),
                     orphans AS (
                         SELECT count(*) AS count FROM asl_executions e
                         WHERE status = 'RUNNING' AND (owner IS NULL
                             OR NOT EXISTS (SELECT 1 FROM asl_nodes n WHERE n.id = e.owner))
                             AND NOT EXISTS (SELECT 1 FROM asl_timers t WHERE t.arn = e.arn)
                     ),
                     share AS (
                         SELECT LEAST($2::bigint, CEIL((SELECT count FROM orphans)::numeric
                             / GREATEST((SELECT nodes FROM live), 1)))::bigint AS most
                     ),
                     -- The condition is on the row itself, so that a row another
                     -- claim took meanwhile is checked again once its lock is free.
                     picked AS (
                         SELECT e.arn FROM asl_executions e
                         WHERE e.status = 'RUNNING' AND (e.owner IS NULL
                             OR NOT EXISTS (SELECT 1 FROM asl_nodes n WHERE n.id = e.owner))
                             -- A parked execution is its timer's.
                             AND NOT EXISTS (SELECT 1 FROM asl_timers t WHERE t.arn = e.arn)
                         ORDER BY e.started
                         LIMIT (SELECT most FROM share)
                         FOR UPDATE SKIP LOCKED
                     )
                     UPDATE asl_executions e SET owner = $1 FROM picked
                     WHERE e.arn = picked.arn
                     RETURNING e.arn",
                            &[&id, &most],
                        )
                        .await?;
                    Ok(claimed.iter().map(|row| row.get(0)).collect())
                })
                .await
            })
            .await
    }

    /// Gives up executions `arns` this node claimed but could not go on with: the
    /// next look of any node claims them again.
    pub async fn release(&self, arns: Vec<String>) -> Result<(), DatabaseError> {
        let (database, id) = (Arc::clone(&self.database), self.id());
        self.database
            .run(async move {
                retrying(|| async {
                    let client = database.pool().get().await?;
                    client
                        .execute(
                            "UPDATE asl_executions SET owner = NULL \
                             WHERE arn = ANY($1) AND owner = $2 AND status = 'RUNNING'",
                            &[&arns, &id],
                        )
                        .await?;
                    Ok(())
                })
                .await
            })
            .await
    }

    /// The running executions this node owns.
    pub async fn owned(&self) -> Result<Vec<String>, DatabaseError> {
        let id = self.id();
        let database = Arc::clone(&self.database);
        self.database
            .run(async move {
                retrying(|| async {
                    let client = database.pool().get().await?;
                    let rows = client
                .query(
                    "SELECT arn FROM asl_executions WHERE owner = $1 AND status = 'RUNNING' \
                     ORDER BY started",
                    &[&id],
                )
                .await?;
                    Ok(rows.iter().map(|row| row.get(0)).collect())
                })
                .await
            })
            .await
    }

    /// The node that owns execution `arn`, if any.
    pub async fn owner(&self, arn: &str) -> Result<Option<i64>, DatabaseError> {
        let (database, arn) = (Arc::clone(&self.database), arn.to_owned());
        self.database
            .run(async move {
                retrying(|| async {
                    let client = database.pool().get().await?;
                    let row = client
                        .query_opt("SELECT owner FROM asl_executions WHERE arn = $1", &[&arn])
                        .await?;
                    Ok(row.and_then(|row| row.get(0)))
                })
                .await
            })
            .await
    }

    /// Tells every node (this one too) `announcement`.
    pub async fn announce(&self, announcement: &Announcement) -> Result<(), DatabaseError> {
        let (database, payload) = (Arc::clone(&self.database), announcement.to_payload());
        self.database
            .run(async move {
                retrying(|| async {
                    let client = database.pool().get().await?;
                    client
                        .execute("SELECT pg_notify($1, $2)", &[&database.channel(), &payload])
                        .await?;
                    Ok(())
                })
                .await
            })
            .await
    }

    /// Leaves the fleet (the process stops): its running executions are taken over
    /// by the others at their next look, without waiting for the lease to run out.
    pub async fn leave(&self) -> Result<(), DatabaseError> {
        let (database, id) = (Arc::clone(&self.database), self.id());
        self.database
            .run(async move {
                let client = database.pool().get().await?;
                client
                    .execute("DELETE FROM asl_nodes WHERE id = $1", &[&id])
                    .await?;
                Ok(())
            })
            .await
    }

    /// Joins again under a new id, after [`Node::renew`] found the lease lost.
    pub async fn rejoin(&self) -> Result<i64, DatabaseError> {
        let (database, name, lease) = (Arc::clone(&self.database), self.name.clone(), self.lease);
        let id = self
            .database
            .run(async move { retrying(|| join(&database, &name, lease)).await })
            .await?;
        self.id.store(id, Ordering::SeqCst);
        Ok(id)
    }

    /// Whether this node owns execution `arn` now.
    pub async fn owns(&self, arn: &str) -> Result<bool, DatabaseError> {
        Ok(self.owner(arn).await? == Some(self.id()))
    }
}

async fn join(database: &Database, name: &str, lease: Lease) -> Result<i64, DatabaseError> {
    let client = database.pool().get().await?;
    let row = client
        .query_one(
            "INSERT INTO asl_nodes (name, lease_until) \
             VALUES ($1, now() + $2::bigint * interval '1 millisecond') RETURNING id",
            &[&name, &millis(lease.ttl())],
        )
        .await?;
    Ok(row.get(0))
}

/// Completes when node `node` no longer surely holds its lease: its row is gone (the
/// others took it over), or its lease runs out within a tenth of what was left at the
/// last look without being renewed meanwhile (the process that renews it hangs, or
/// the database is unreachable). A process writing for a node (a worker of `asl
/// serve`) stops when it completes, before the others may take its executions over,
/// so that no Task attempt of theirs starts here once another node may run it.
pub async fn lease_lost(database: Arc<Database>, node: i64) {
    let mut deadline: Option<tokio::time::Instant> = None;
    loop {
        let asked = tokio::time::Instant::now();
        let left = async {
            let client = database.pool().get().await?;
            let row = client
                .query_opt(
                    "SELECT (EXTRACT(EPOCH FROM lease_until - now()) * 1000)::bigint \
                     FROM asl_nodes WHERE id = $1",
                    &[&node],
                )
                .await?;
            Ok::<_, DatabaseError>(row.map(|row| row.get::<_, i64>(0)))
        };
        match tokio::time::timeout(Duration::from_secs(1), left).await {
            Ok(Ok(None)) => return,
            Ok(Ok(Some(left))) => {
                let left = Duration::from_millis(u64::try_from(left).unwrap_or(0));
                deadline = Some(asked + left.mul_f64(0.9));
            }
            // Unreachable: the lease runs out as last seen.
            Ok(Err(_)) | Err(_) => {}
        }
        let Some(until) = deadline else { return };
        let now = tokio::time::Instant::now();
        if now >= until {
            return;
        }
        let pause =
            ((until - now) / 4).clamp(Duration::from_millis(20), Duration::from_millis(500));
        tokio::time::sleep(pause).await;
    }
}

/// What a listener hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// An announcement of a node's.
    Announcement(Announcement),
    /// The listening connection was lost and is back: announcements made meanwhile
    /// were missed, so look at the store again.
    Reconnected,
}

/// Listens on the database's [channel](Database::channel) with a connection of its own, connected again whenever
/// it is lost, until the receiver is dropped.
pub fn listen(database: &Database) -> mpsc::UnboundedReceiver<Heard> {
    let (heard, receiver) = mpsc::unbounded_channel();
    let config = database.config().clone();
    let statement = format!("LISTEN \"{}\"", database.channel().replace('"', "\"\""));
    database.handle().spawn(async move {
        let mut first = true;
        let mut pause = Duration::from_millis(50);
        while !heard.is_closed() {
            match config.connect(NoTls).await {
                Ok((client, mut connection)) => {
                    pause = Duration::from_millis(50);
                    let mut messages =
                        futures::stream::poll_fn(move |context| connection.poll_message(context));
                    let listening = client.batch_execute(&statement);
                    // The connection is driven by polling its messages: both at once.
                    let mut listening = std::pin::pin!(listening);
                    let mut listened = false;
                    loop {
                        tokio::select! {
                            result = &mut listening, if !listened => {
                                if result.is_err() { break; }
                                listened = true;
                                if !std::mem::take(&mut first) && heard.send(Heard::Reconnected).is_err() {
                                    return;
                                }
                            }
                            message = messages.next() => match message {
                                Some(Ok(AsyncMessage::Notification(notification))) => {
                                    if let Some(announcement) = Announcement::parse(notification.payload())
                                        && heard.send(Heard::Announcement(announcement)).is_err()
                                    {
                                        return;
                                    }
                                }
                                Some(Ok(_)) => {}
                                Some(Err(_)) | None => break,
                            },
                            () = heard.closed() => return,
                        }
                    }
                    tracing::warn!("the PostgreSQL listening connection was lost; connecting again");
                }
                Err(error) => {
                    tracing::warn!("cannot listen on PostgreSQL, trying again in {pause:?}: {error}");
                }
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    });
    receiver
}

/// A duration in whole milliseconds, as the queries take it.
fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
