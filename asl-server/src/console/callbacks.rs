//! The task tokens an execution waits for, so that the console can answer them
//! (human approval from the browser): `GET /console/callbacks?executionArn=ARN`
//! answers `[{"state", "token", "enteredEventId", "retryCount", "submitted"}]`.
//!
//! A `.waitForTaskToken` Task notes `<token>/submitted` in the store once its
//! handler handed the token out (the history shows the Task's events only when
//! the state ends); a token is URL-safe base64 of the attempt's idempotency key,
//! `<execution ARN>/[<place>/]<state>/<StateEntered id>/<retry count>`. A token
//! is waited for while the execution runs, no outcome was recorded for it, and
//! no later attempt of its state's entry handed out another; a top-level
//! state's, while it is the current state.

use std::collections::HashMap;
use std::sync::Arc;

use asl_runtime::task::callback::execution_of;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::server::AppState;

/// The query of `GET /console/callbacks`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbacksQuery {
    execution_arn: String,
}

/// A token waited for.
#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Waiting {
    /// The Task state waiting (inside a Parallel or Map, its place before it:
    /// `Fan@5.0[3]/Ask`).
    pub state: String,
    /// The token to send SendTaskSuccess or SendTaskFailure with.
    pub token: String,
    /// The id of the state's `StateEntered` event.
    pub entered_event_id: u64,
    /// Its attempt: 0, then one more per retry.
    pub retry_count: u64,
    /// Its `TaskSubmitted` event as noted (JSON text): what the handler answered.
    pub submitted: String,
}

/// `GET /console/callbacks`: see the module.
pub async fn callbacks(
    State(state): State<Arc<AppState>>,
    Query(query): Query<CallbacksQuery>,
) -> axum::response::Response {
    let arn = query.execution_arn;
    let read = tokio::task::spawn_blocking(move || {
        let store = state.control.store();
        let record = store.execution(&arn).ok().flatten()?;
        if record.position.status != asl_engine::store::ExecutionStatus::Running {
            return Some(Vec::new());
        }
        let notes = store.notes_under(&notes_prefix(&arn)).ok()?;
        let mut waiting = waiting_in(&arn, record.position.entered_event_id, &notes);
        waiting.retain(|one| matches!(store.callback(&one.token), Ok(None)));
        Some(waiting)
    })
    .await;
    match read {
        Ok(Some(waiting)) => Json(waiting).into_response(),
        _ => (axum::http::StatusCode::NOT_FOUND, "no such execution").into_response(),
    }
}

/// The prefix of the notes of execution `arn`'s tokens: the base64 of the
/// whole 3-byte groups of `<arn>/`, which every such token starts with.
fn notes_prefix(arn: &str) -> String {
    let key = format!("{arn}/");
    let whole = key.len() - key.len() % 3;
    URL_SAFE_NO_PAD.encode(&key.as_bytes()[..whole])
}

/// The tokens of execution `arn`, now at the state entered with event
/// `entered`, that `notes` say were handed out, newest attempt of each entry
/// only.
pub fn waiting_in(arn: &str, entered: u64, notes: &[(String, String)]) -> Vec<Waiting> {
    let mut latest: HashMap<(String, u64), Waiting> = HashMap::new();
    for (key, submitted) in notes {
        let Some(token) = key.strip_suffix("/submitted") else {
            continue;
        };
        if execution_of(token).as_deref() != Some(arn) {
            continue;
        }
        let Some((place, entered_id, retry)) = attempt_of(token, arn) else {
            continue;
        };
        let top_level = !place.contains('@');
        if top_level && entered_id != entered {
            continue;
        }
        let waiting = Waiting {
            state: place.clone(),
            token: token.to_owned(),
            entered_event_id: entered_id,
            retry_count: retry,
            submitted: submitted.clone(),
        };
        match latest.get(&(place.clone(), entered_id)) {
            Some(newer) if newer.retry_count > retry => {}
            _ => {
                latest.insert((place, entered_id), waiting);
            }
        }
    }
    let mut waiting: Vec<Waiting> = latest.into_values().collect();
    waiting.sort_by_key(|one| (one.entered_event_id, one.state.clone()));
    waiting
}

/// The `[<place>/]<state>`, StateEntered id and retry count of `token`'s key.
fn attempt_of(token: &str, arn: &str) -> Option<(String, u64, u64)> {
    let encoded = token.split('.').next()?;
    let key = String::from_utf8(URL_SAFE_NO_PAD.decode(encoded).ok()?).ok()?;
    let rest = key.strip_prefix(arn)?.strip_prefix('/')?;
    let mut parts = rest.rsplitn(3, '/');
    let retry = parts.next()?.parse().ok()?;
    let entered = parts.next()?.parse().ok()?;
    Some((parts.next()?.to_owned(), entered, retry))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:states:us-east-1:123456789012:execution:m:e";

    fn token(key: &str) -> String {
        URL_SAFE_NO_PAD.encode(key)
    }

    fn note(key: &str) -> (String, String) {
        (format!("{}/submitted", token(key)), "{}".to_owned())
    }

    #[test]
    fn the_current_states_latest_attempt_waits() {
        let notes = [
            note(&format!("{ARN}/Approve/2/0")),
            note(&format!("{ARN}/Approve/2/1")),
            note(&format!("{ARN}/Earlier/1/0")),
        ];
        let waiting = waiting_in(ARN, 2, &notes);
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].state, "Approve");
        assert_eq!(waiting[0].token, token(&format!("{ARN}/Approve/2/1")));
        assert_eq!(
            (waiting[0].entered_event_id, waiting[0].retry_count),
            (2, 1)
        );
    }

    #[test]
    fn states_in_iterations_wait_each_and_names_may_hold_slashes() {
        let notes = [
            note(&format!("{ARN}/Fan@2.0[0]/Ask/or/tell/4/0")),
            note(&format!("{ARN}/Fan@2.0[1]/Ask/or/tell/5/0")),
        ];
        let waiting = waiting_in(ARN, 2, &notes);
        let states: Vec<&str> = waiting.iter().map(|one| one.state.as_str()).collect();
        assert_eq!(states, ["Fan@2.0[0]/Ask/or/tell", "Fan@2.0[1]/Ask/or/tell"]);
    }

    #[test]
    fn notes_of_other_executions_and_other_notes_are_not_tokens() {
        let notes = [
            note("arn:aws:states:us-east-1:123456789012:execution:m:e2/Approve/2/0"),
            (format!("{ARN}/Map@2.0[0]"), "{}".to_owned()),
        ];
        assert_eq!(waiting_in(ARN, 2, &notes), vec![]);
        assert!(token(&format!("{ARN}/Approve/2/0")).starts_with(&notes_prefix(ARN)));
    }
}
