//! The web console at `/`: a page and its script and stylesheet, served by the
//! binary itself (no CDN), which call the Step Functions API like any client,
//! plus what the API has no action for:
//!
//! - `POST /console/graph?name=N&type=STANDARD|EXPRESS`: the definition in the
//!   body drawn as SVG ([`asl_codegen::graph::svg`]; every state a
//!   `data-state` group the page colors);
//! - `GET /console/events?executionArn=ARN&after=ID`: an execution's history as it
//!   is written, as server-sent events ([`live`]);
//! - `GET /console/callbacks?executionArn=ARN`: the task tokens it waits for
//!   ([`callbacks`]).
//!
//! The console is only served when requests are not authenticated: under `--auth
//! sigv4` its unsigned calls would be refused, so `/` says so instead.

pub mod callbacks;
pub mod live;

use std::sync::Arc;

use asl_codegen::graph::{Graph, svg};
use asl_codegen::ir::map::ExecutionType;
use asl_codegen::{SourceFile, Syntax};
use axum::Router;
use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::protocol::Auth;
use crate::server::AppState;

pub use live::Commits;

/// The page every console view is drawn in.
const INDEX: &str = include_str!("assets/index.html");
/// Its script: the views, drawn from the API's answers.
const SCRIPT: &str = include_str!("assets/console.js");
/// Its stylesheet.
const STYLESHEET: &str = include_str!("assets/console.css");

/// The console's routes; `GET /` goes to the page, other methods on `/` to
/// `api` (the Step Functions API, which SDKs send to `POST /`).
pub fn router(state: Arc<AppState>, api: Router) -> Router {
    let open = matches!(state.config.auth, Auth::None);
    let index = if open {
        get(|| async { page("text/html; charset=utf-8", INDEX) })
    } else {
        get(|| async {
            (
                StatusCode::NOT_FOUND,
                "The console is not served when requests must be signed (--auth sigv4).\n",
            )
        })
    };
    let console = Router::new()
        .route(
            "/console/console.js",
            get(|| async { page("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/console/console.css",
            get(|| async { page("text/css; charset=utf-8", STYLESHEET) }),
        )
        .route("/console/graph", post(graph))
        .route("/console/events", get(live::events))
        .route("/console/callbacks", get(callbacks::callbacks))
        .with_state(Arc::clone(&state));
    let root = Router::new().route("/", index.fallback_service(api.clone()));
    if open {
        root.merge(console).fallback_service(api)
    } else {
        root.fallback_service(api)
    }
}

/// A static asset.
fn page(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// The query of `POST /console/graph`.
#[derive(Debug, Deserialize)]
pub struct GraphQuery {
    #[serde(default)]
    name: String,
    #[serde(rename = "type", default)]
    machine_type: Option<String>,
}

/// `POST /console/graph`: the SVG of the definition in the body, or 400 with
/// why it cannot be drawn.
async fn graph(Query(query): Query<GraphQuery>, body: String) -> Response {
    let execution_type = match query.machine_type.as_deref() {
        Some("EXPRESS") => ExecutionType::Express,
        _ => ExecutionType::Standard,
    };
    let drawn = tokio::task::spawn_blocking(move || {
        let source = SourceFile::with_syntax("definition", &body, Syntax::Json);
        let checked = asl_codegen::check_as(&source, execution_type);
        match checked.workflow {
            Some(workflow) => Ok(svg::render(&Graph::of(&workflow), &query.name)),
            None => Err(checked
                .diagnostics
                .iter()
                .map(|diagnostic| format!("{}: {}", diagnostic.code, diagnostic.message))
                .collect::<Vec<_>>()
                .join("\n")),
        }
    })
    .await;
    match drawn {
        Ok(Ok(picture)) => ([(header::CONTENT_TYPE, "image/svg+xml")], picture).into_response(),
        Ok(Err(why)) => (StatusCode::BAD_REQUEST, why).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests;
