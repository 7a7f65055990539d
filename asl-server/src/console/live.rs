//! An execution's history as it is written, for the console's execution page:
//! `GET /console/events?executionArn=ARN&after=ID` streams every event after
//! `ID` as a server-sent event (`event: history`, the event as
//! GetExecutionHistory answers it), then one `event: end` once the execution has
//! ended and all its events were sent.
//!
//! Executions run in worker processes that write to the store, so one task per
//! server reads what was committed ([`Store::committed_after`]) every
//! [`POLL`] while a page is open, and wakes the streams; each stream then reads
//! its own execution's new events.

use std::convert::Infallible;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use asl_engine::store::{ExecutionStatus, Store};
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::Deserialize;
use tokio::sync::watch;

use crate::api::executions::answered_event;
use crate::server::AppState;

/// How often the store is read for new commits while a page is open.
pub const POLL: Duration = Duration::from_millis(100);
/// How many commits one read takes at most.
const PAGE: usize = 1000;

/// Wakes the open streams when anything was committed.
#[derive(Debug, Default)]
pub struct Commits {
    cursor: OnceLock<watch::Sender<u64>>,
}

/// The cursor the streams are told when the server stops: they end, so that
/// the server's graceful shutdown does not wait for pages left open.
const CLOSED: u64 = u64::MAX;

impl Commits {
    /// Ends every stream, now and from now on.
    pub fn close(&self) {
        let _ = self.cursor.set(watch::channel(CLOSED).0);
        if let Some(sender) = self.cursor.get() {
            sender.send_replace(CLOSED);
        }
    }

    /// A receiver that changes after each commit; the first call starts the task
    /// reading `store` (on the current tokio runtime).
    fn subscribe(&self, store: &Arc<dyn Store>) -> watch::Receiver<u64> {
        self.cursor
            .get_or_init(|| {
                let (sender, _) = watch::channel(0);
                tokio::spawn(follow(Arc::clone(store), sender.clone()));
                sender
            })
            .subscribe()
    }
}

/// Reads what `store` commits while anybody listens, and tells `sender` the
/// latest cursor.
async fn follow(store: Arc<dyn Store>, sender: watch::Sender<u64>) {
    let mut cursor = 0;
    loop {
        // While no page listens, only the first read is made (to start from
        // what is committed by then).
        if cursor == 0 || sender.receiver_count() > 0 {
            let read = Arc::clone(&store);
            let latest = tokio::task::spawn_blocking(move || latest_after(&*read, cursor)).await;
            if *sender.borrow() == CLOSED {
                return;
            }
            if let Ok(Some(latest)) = latest
                && latest != cursor
            {
                cursor = latest;
                sender.send_replace(cursor);
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The cursor of the last commit after `cursor`, `cursor` when there is none.
fn latest_after(store: &dyn Store, mut cursor: u64) -> Option<u64> {
    loop {
        let page = store.committed_after(cursor, PAGE).ok()?;
        match page.last() {
            Some(last) => cursor = last.cursor,
            None => return Some(cursor),
        }
    }
}

/// The query of `GET /console/events`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventsQuery {
    execution_arn: String,
    #[serde(default)]
    after: u64,
}

/// `GET /console/events`: see the module.
pub async fn events(
    State(state): State<Arc<AppState>>,
    Query(query): Query<EventsQuery>,
) -> axum::response::Response {
    if crate::api::executions::stored(&state, &query.execution_arn).is_err() {
        return (axum::http::StatusCode::NOT_FOUND, "no such execution").into_response();
    }
    let commits = state.console_commits.subscribe(state.control.store());
    Sse::new(stream(state, query, commits))
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// Where one stream stands.
struct Reader {
    state: Arc<AppState>,
    arn: String,
    sent: u64,
    commits: watch::Receiver<u64>,
    pending: std::collections::VecDeque<Event>,
    ended: bool,
}

fn stream(
    state: Arc<AppState>,
    query: EventsQuery,
    commits: watch::Receiver<u64>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let reader = Reader {
        state,
        arn: query.execution_arn,
        sent: query.after,
        commits,
        pending: Default::default(),
        ended: false,
    };
    futures::stream::unfold(Some(reader), |reader| async move {
        let mut reader = reader?;
        loop {
            if let Some(event) = reader.pending.pop_front() {
                return Some((Ok(event), Some(reader)));
            }
            if reader.ended {
                return Some((Ok(Event::default().event("end").data("")), None));
            }
            reader.read().await;
            if reader.pending.is_empty() && !reader.ended {
                // Nothing new: wait for the next commit.
                reader.commits.changed().await.ok()?;
            }
            if *reader.commits.borrow() == CLOSED {
                return None;
            }
        }
    })
}

impl Reader {
    /// Queues the events after the last one sent; notes when the execution ended.
    async fn read(&mut self) {
        let (state, arn) = (Arc::clone(&self.state), self.arn.clone());
        let read = tokio::task::spawn_blocking(move || {
            let store = state.control.store();
            let record = store.execution(&arn).ok().flatten()?;
            let events = store.history(&arn).ok()?;
            Some((record.position.status, events))
        })
        .await;
        let Ok(Some((status, events))) = read else {
            return;
        };
        let sent = self.sent;
        for event in events.iter().filter(|event| event.id > sent) {
            let data = answered_event(event, true).to_string();
            self.pending
                .push_back(Event::default().event("history").data(data));
            self.sent = event.id;
        }
        self.ended = status != ExecutionStatus::Running;
    }
}
