//! The server as a node of a fleet on PostgreSQL (`asl serve --db postgres://...`):
//! several servers share one database, any of them answers any call, and each runs
//! the executions it owns (see [`asl_store_postgres::fleet`]).
//!
//! Five tasks keep the node going:
//! - **the lease**: renewed a few times per lease; when the renewal finds that the
//!   others took the node's executions over (the process was paused or cut off past
//!   its lease), its workers are stopped at once, since none of their writes can
//!   land any more, and it joins again under a new id;
//! - **takeover**: every tenth of the takeover bound, the node deletes the nodes
//!   whose lease ran out and takes its share of the executions they left, which its
//!   workers resume (their Waits, retries and timeouts count from what was
//!   committed, so they fire wherever the execution goes on);
//! - **announcements**: an answer to a task token, a heartbeat or a stop, heard over
//!   `LISTEN/NOTIFY` and handed to the worker running the execution, if it runs here;
//! - **Distributed Map children**: the node claims children offered by any node's
//!   executions while it runs fewer than `CHILDREN_AT_ONCE` (256), runs each in the worker
//!   of its parent's definition and records how it ended (see
//!   [`asl_store_postgres::children`]);
//! - **timers**: the node claims the parked executions that are due (a long Wait or
//!   backoff, a Task waiting for its token, parked by whichever node ran it; see
//!   [`asl_store_postgres::timers`]) and goes on with them, sleeping until the
//!   soonest timer or for at most `TIMERS_LOOK_EVERY` (1 s).

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use asl_standalone::worker::protocol::Ended;
use asl_store_postgres::children::{Claimed, Outcome};
use asl_store_postgres::fleet::{self, Announcement, Heard, Node};
use tokio::sync::{Notify, Semaphore, mpsc};

use crate::host::{Host, HostError};
use crate::server::AppState;

/// The most executions a node takes over in one look (the next look takes more).
const TAKEOVER_BATCH: i64 = 500;

/// Since when this node has renewed its lease without a failure in between: it
/// takes nothing over until the others had a whole lease to renew theirs, so that
/// after PostgreSQL was unreachable for all (a restart) the first node back does not
/// take every other's executions.
type Healthy = Arc<Mutex<Option<Instant>>>;

/// Runs the node's tasks (see the [module](self)) until the server is dropped.
pub fn run(node: Arc<Node>, state: &Arc<AppState>) {
    let host = &state.host;
    let healthy = Healthy::default();
    let offered = Arc::new(Notify::new());
    tokio::spawn(keep_lease(
        Arc::clone(&node),
        host.downgrade(),
        Arc::clone(&healthy),
    ));
    tokio::spawn(take_over(Arc::clone(&node), host.downgrade(), healthy));
    tokio::spawn(hear(
        fleet::listen(node.database()),
        host.downgrade(),
        Arc::clone(&offered),
    ));
    tokio::spawn(fire_timers(Arc::clone(&node), Arc::downgrade(state)));
    tokio::spawn(run_children(node, Arc::downgrade(state), offered));
}

/// The most timers a node fires in one look (it looks again at once after a full one).
const TIMERS_BATCH: i64 = 100;

/// The longest a node sleeps between two looks for due timers: another node may
/// have parked an execution meanwhile (a parked wait is at least
/// [`asl_store_postgres::timers::PARK_AFTER`] ahead, so a look sees it in time).
const TIMERS_LOOK_EVERY: Duration = Duration::from_secs(1);

/// How often a node looks for parked executions whose task token was answered by a
/// node that died before it woke them (the answering node wakes them at once).
const ANSWERED_LOOK_EVERY: Duration = Duration::from_secs(10);

/// Fires the timers that are due while the server lives: claims the parked
/// executions and goes on with them here; and every [`ANSWERED_LOOK_EVERY`], those
/// whose awaited task token was answered.
async fn fire_timers(node: Arc<Node>, state: Weak<AppState>) {
    let mut looked_for_answered = Instant::now();
    loop {
        let Some(server) = state.upgrade() else {
            return;
        };
        match node.fire_timers(TIMERS_BATCH).await {
            Ok(fired) if !fired.is_empty() => {
                let count = fired.len();
                server.metrics.timers_fired(count as u64);
                if let Err(error) = server.host.resume_executions(fired).await {
                    tracing::error!(%error, "cannot go on with executions whose timer fired");
                }
                if count as i64 == TIMERS_BATCH {
                    continue;
                }
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot look for timers that are due"),
        }
        if looked_for_answered.elapsed() >= ANSWERED_LOOK_EVERY {
            looked_for_answered = Instant::now();
            match node.fire_answered(TIMERS_BATCH).await {
                Ok(answered) if answered.is_empty() => {}
                Ok(answered) => {
                    tracing::info!(
                        count = answered.len(),
                        "woke parked executions whose task tokens were answered"
                    );
                    if let Err(error) = server.host.resume_executions(answered).await {
                        tracing::error!(%error, "cannot go on with executions whose task token was answered");
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot look for answered task tokens"),
            }
        }
        drop(server);
        let pause = match node.next_timer().await {
            Ok(Some(due)) => due
                .duration_since(std::time::SystemTime::now())
                .unwrap_or_default()
                .min(TIMERS_LOOK_EVERY),
            _ => TIMERS_LOOK_EVERY,
        };
        tokio::time::sleep(pause).await;
    }
}

async fn keep_lease(node: Arc<Node>, host: crate::host::WeakHost, healthy: Healthy) {
    let mut every = tokio::time::interval(node.lease().renew_every());
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let Some(host) = host.upgrade() else { return };
        let renewed = node.renew().await;
        {
            let mut since = healthy
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match &renewed {
                Ok(true) if since.is_none() => {
                    *since = Some(Instant::now());
                    // Back after the database was unreachable (or at the start): the
                    // workers may have stopped meanwhile; those owned go on.
                    resume_owned(&host);
                }
                Ok(true) => {}
                _ => *since = None,
            }
        }
        match renewed {
            Ok(true) => {}
            Ok(false) => {
                let lost = node.id();
                host.stop_workers().await;
                match node.rejoin().await {
                    Ok(id) => tracing::warn!(
                        lost,
                        id,
                        "this node lost its lease and its executions to the others; joined again"
                    ),
                    Err(error) => tracing::error!(%error, "cannot join the fleet again"),
                }
            }
            Err(error) => tracing::warn!(%error, "cannot renew this node's lease"),
        }
    }
}

/// Goes on with the running executions the node owns (a no-op for those its
/// workers run): after the database was unreachable, and every [`RESUME_EVERY`].
fn resume_owned(host: &Host) {
    let host = host.clone();
    tokio::spawn(async move {
        if let Err(error) = host.resume().await {
            tracing::warn!(%error, "cannot go on with this node's executions");
        }
    });
}

/// How often a node goes on with the executions it owns, in case a worker stopped
/// without their being resumed (its restart found the database unreachable).
const RESUME_EVERY: Duration = Duration::from_secs(30);

async fn take_over(node: Arc<Node>, host: crate::host::WeakHost, healthy: Healthy) {
    let mut every = tokio::time::interval(node.lease().scan_every());
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut resumed = Instant::now();
    loop {
        every.tick().await;
        let Some(host) = host.upgrade() else { return };
        if resumed.elapsed() >= RESUME_EVERY {
            resumed = Instant::now();
            resume_owned(&host);
        }
        let steady = healthy
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_some_and(|since| since.elapsed() >= node.lease().ttl());
        if !steady {
            continue;
        }
        let claimed = match node.take_over(TAKEOVER_BATCH).await {
            Ok(claimed) if claimed.is_empty() => continue,
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(%error, "cannot look for executions to take over");
                continue;
            }
        };
        let count = claimed.len();
        match host.resume_executions(claimed).await {
            Ok(resumed) => tracing::info!(node = node.id(), count, resumed, "took executions over"),
            Err(error) => tracing::error!(%error, "cannot go on with executions taken over"),
        }
    }
}

async fn hear(
    mut heard: mpsc::UnboundedReceiver<Heard>,
    host: crate::host::WeakHost,
    offered: Arc<Notify>,
) {
    while let Some(heard) = heard.recv().await {
        let Some(host) = host.upgrade() else { return };
        match heard {
            Heard::Announcement(Announcement::Children) => offered.notify_one(),
            Heard::Announcement(announcement) => {
                tokio::spawn(async move { host.announced(announcement).await });
            }
            // What was announced meanwhile is found by the tasks' own looks at the
            // store (a waiting task token looks every second).
            Heard::Reconnected => tracing::info!("listening to the fleet again"),
        }
    }
}

/// The most Distributed Map children a node runs at once (of all parents).
const CHILDREN_AT_ONCE: usize = 256;

/// How often a node looks for children offered when it heard of none.
const CHILDREN_LOOK_EVERY: Duration = Duration::from_millis(500);

/// How often an idle node deletes the children left by parents that ended.
const TIDY_EVERY: Duration = Duration::from_secs(60);

/// The most outcomes recorded in one statement.
const OUTCOMES_BATCH: usize = 1000;

/// Claims and runs Distributed Map children while the server lives: at most
/// [`CHILDREN_AT_ONCE`] at a time, looking again when a node announces children
/// (`offered`) or every [`CHILDREN_LOOK_EVERY`].
async fn run_children(node: Arc<Node>, state: Weak<AppState>, offered: Arc<Notify>) {
    let room = Arc::new(Semaphore::new(CHILDREN_AT_ONCE));
    let (ended, outcomes) = mpsc::unbounded_channel();
    let mut tidied = Instant::now();
    tokio::spawn(record_children(Arc::clone(&node), state.clone(), outcomes));
    loop {
        // Wait for room, then claim as many as there is room for.
        match Arc::clone(&room).acquire_owned().await {
            Ok(permit) => drop(permit),
            Err(_) => return,
        }
        let free = room.available_permits() as i64;
        let claimed = match node.claim_children(free).await {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(%error, "cannot look for Distributed Map children to run");
                tokio::time::sleep(CHILDREN_LOOK_EVERY).await;
                continue;
            }
        };
        if claimed.is_empty() {
            if tidied.elapsed() >= TIDY_EVERY {
                tidied = Instant::now();
                match node.forget_orphan_children().await {
                    Ok(0) => {}
                    Ok(count) => {
                        tracing::info!(count, "forgot Distributed Map children whose parent ended")
                    }
                    Err(error) => {
                        tracing::warn!(%error, "cannot forget Distributed Map children whose parent ended")
                    }
                }
            }
            let _ = tokio::time::timeout(CHILDREN_LOOK_EVERY, offered.notified()).await;
            continue;
        }
        let Some(server) = state.upgrade() else {
            return;
        };
        for Claimed { arn, child } in claimed {
            let Ok(permit) = Arc::clone(&room).acquire_owned().await else {
                return;
            };
            let (host, ended) = (server.host.clone(), ended.clone());
            tokio::spawn(async move {
                let outcome = run_child(&host, child).await;
                let _ = ended.send((arn, outcome));
                drop(permit);
            });
        }
    }
}

/// How child `child` ended when run here; `None` when it could not run here (its
/// worker exited: another node, or this one again, claims it again).
async fn run_child(host: &Host, child: asl_runtime::hooks::SpreadChild) -> Option<Outcome> {
    match host.run_map_child(child).await {
        Ok(Ended::Succeeded(output)) => Some(Outcome::Succeeded { output }),
        Ok(Ended::Failed { error, cause }) => Some(Outcome::Failed { error, cause }),
        Err(HostError::Exited) => None,
        Err(error) => Some(Outcome::Failed {
            error: asl_runtime::error::names::RUNTIME.to_owned(),
            cause: format!("cannot run the child execution: {error}"),
        }),
    }
}

/// Records the outcomes of the children this node ran, many in one statement, and
/// gives back those it could not run.
async fn record_children(
    node: Arc<Node>,
    state: Weak<AppState>,
    mut outcomes: mpsc::UnboundedReceiver<(String, Option<Outcome>)>,
) {
    let mut batch = Vec::new();
    while outcomes.recv_many(&mut batch, OUTCOMES_BATCH).await > 0 {
        let (ended, unrun): (Vec<_>, Vec<_>) =
            batch.drain(..).partition(|(_, outcome)| outcome.is_some());
        let ended: Vec<(String, Outcome)> = ended
            .into_iter()
            .filter_map(|(arn, outcome)| Some((arn, outcome?)))
            .collect();
        if !unrun.is_empty() {
            let arns = unrun.into_iter().map(|(arn, _)| arn).collect();
            if let Err(error) = node.release_children(arns).await {
                tracing::warn!(%error, "cannot give up Distributed Map children this node could not run");
            }
        }
        if ended.is_empty() {
            continue;
        }
        match node.finish_children(ended).await {
            Ok(recorded) => {
                if let Some(server) = state.upgrade() {
                    server.metrics.map_children_ran(recorded);
                }
            }
            Err(error) => {
                // Their rows stay claimed by this node: once it is gone (it lost
                // its lease), others run them again.
                tracing::error!(%error, "cannot record how Distributed Map children ended");
            }
        }
    }
}

/// A name for this process in `asl_nodes`: the host and the process id.
pub fn node_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .unwrap_or_else(|_| "localhost".to_owned());
    format!("{host}:{}", std::process::id())
}
