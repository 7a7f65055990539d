//! The AWS JSON 1.0 protocol as the SDKs speak it (API-REFERENCE §1): `POST` to any
//! path with `X-Amz-Target: AWSStepFunctions.<Action>` and a JSON object body;
//! answers `application/x-amz-json-1.0` with an `x-amzn-RequestId`, errors as
//! `{"__type": code, "message": ...}` with the code in `X-Amzn-ErrorType` too.
//!
//! Routing is by `X-Amz-Target` alone, never by path or `Host` (SDKs prefix the
//! host with `sync-` for StartSyncExecution and TestState). Each request is logged
//! in one `tracing` line: action, status, latency.
//!
//! With [`Auth::SigV4`] every request must be signed ([`sigv4`]) before anything
//! else is looked at, its action included.

mod dispatch;
mod error;
mod shape;
pub mod sigv4;

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

pub use dispatch::{Actions, Request};
pub use error::{ApiError, ErrorCode};
pub use shape::{Kind, Member, Pattern};
pub use sigv4::{Credentials, CredentialsError, SigV4};

/// How requests are authenticated.
#[derive(Debug, Clone, Default)]
pub enum Auth {
    /// Not at all: any signature, or none, is taken (a server on loopback).
    #[default]
    None,
    /// Every request must carry a valid AWS Signature Version 4 of one of the
    /// verifier's access keys.
    SigV4(SigV4),
}

/// The media type of every request and response body.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// The prefix of `X-Amz-Target` before the action's name.
pub const TARGET_PREFIX: &str = "AWSStepFunctions.";

/// The largest request body read, in bytes: a definition of the most characters
/// allowed (1,048,576) with room for its JSON escapes and the other members.
/// AWS's quota is 1 MB a request; a definition near its own limit would not fit in
/// that, so the server takes a little more and checks the definition's length.
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// A router answering `actions` over `state` on every path and method, the
/// requests authenticated as `auth` says.
pub fn router<S: Send + Sync + 'static>(actions: Actions<S>, state: Arc<S>, auth: Auth) -> Router {
    let api = Arc::new(Api {
        actions,
        state,
        auth,
    });
    Router::new().fallback(answer::<S>).with_state(api)
}

struct Api<S> {
    actions: Actions<S>,
    state: Arc<S>,
    auth: Auth,
}

async fn answer<S: Send + Sync + 'static>(
    State(api): State<Arc<Api<S>>>,
    request: axum::extract::Request,
) -> Response {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    let (parts, body) = request.into_parts();
    let action = target(&parts.headers);
    let mut access_key = None;
    let result = respond(&api, &parts, &action, body, &mut access_key).await;
    let (status, body, code) = match result {
        Ok(body) => (StatusCode::OK, body, None),
        Err(error) => (error.code().status(), error.body(), Some(error.code())),
    };
    tracing::info!(
        action = action.as_deref().unwrap_or("-"),
        status = status.as_u16(),
        error = code.map(ErrorCode::as_str),
        access_key,
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        request_id,
        "request"
    );
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(id) = HeaderValue::from_str(&request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    if let Some(code) = code {
        headers.insert("x-amzn-errortype", HeaderValue::from_static(code.as_str()));
    }
    response
}

/// The action `X-Amz-Target` names.
fn target(headers: &HeaderMap) -> Result<String, ApiError> {
    let unknown = |message: String| ApiError::new(ErrorCode::UnknownOperationException, message);
    let value = headers
        .get("x-amz-target")
        .ok_or_else(|| unknown("Missing the X-Amz-Target header".to_owned()))?;
    let value = value
        .to_str()
        .map_err(|_| unknown("X-Amz-Target is not text".to_owned()))?;
    value
        .strip_prefix(TARGET_PREFIX)
        .map(str::to_owned)
        .ok_or_else(|| unknown(format!("Unknown operation: '{value}'")))
}

/// Authenticates the request, then answers its action. `access_key` is set to
/// the key a verified request was signed with.
async fn respond<S: Send + Sync + 'static>(
    api: &Api<S>,
    parts: &Parts,
    action: &Result<String, ApiError>,
    body: Body,
    access_key: &mut Option<String>,
) -> Result<Value, ApiError> {
    let pending = match &api.auth {
        Auth::None => None,
        Auth::SigV4(verifier) => {
            Some(verifier.check(&parts.method, &parts.uri, &parts.headers, SystemTime::now())?)
        }
    };
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| too_large())?;
    if let Some(pending) = pending {
        *access_key = Some(pending.verify(&bytes)?.access_key_id);
    }
    let action = action.as_ref().map_err(Clone::clone)?;
    let handler = api.actions.handler(action).ok_or_else(|| {
        ApiError::new(
            ErrorCode::UnknownOperationException,
            format!("Unknown operation: '{TARGET_PREFIX}{action}'"),
        )
    })?;
    handler(Arc::clone(&api.state), object(&bytes)?).await
}

fn too_large() -> ApiError {
    ApiError::validation(format!(
        "Request body could not be read whole: it must be at most {MAX_BODY} bytes"
    ))
}

/// The body as a JSON object.
fn object(bytes: &Bytes) -> Result<serde_json::Map<String, Value>, ApiError> {
    let serialization = |message: String| ApiError::new(ErrorCode::SerializationException, message);
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(serialization(
            "The request body must be a JSON object".to_owned(),
        )),
        Err(error) => Err(serialization(format!(
            "The request body is not valid JSON: {error}"
        ))),
    }
}

#[cfg(test)]
mod tests;
