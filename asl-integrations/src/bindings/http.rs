//! HTTP bindings: the Task input JSON POSTed to a URL, the JSON of a 2xx response is
//! the result.
//!
//! Requests go through ureq (blocking, small, rustls) on tokio's blocking pool: one
//! request per Task needs no async HTTP stack.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use super::answer;
use asl_runtime::task::{TaskContext, TaskError};

/// The error a non-2xx status fails with when the body names none, as AWS's HTTP
/// Task names it: `States.Http.StatusCode.404`.
const STATUS_ERROR_PREFIX: &str = "States.Http.StatusCode.";
/// The error a request that timed out fails with, as AWS's HTTP Task names it.
const SOCKET_ERROR: &str = "States.Http.Socket";
/// How long a request may outlive its Task's deadline: the Task's own
/// `States.Timeout` ends the attempt first, and the request on the blocking pool
/// ends soon after rather than hanging on.
const DEADLINE_GRACE: Duration = Duration::from_secs(1);

/// An HTTP binding.
#[derive(Debug, Clone)]
pub(super) struct Http {
    /// The client.
    pub(super) agent: ureq::Agent,
    /// Where to POST.
    pub(super) url: String,
    /// Extra request headers.
    pub(super) headers: BTreeMap<String, String>,
    /// The longest the whole request may take; no limit when `None`.
    pub(super) timeout: Option<Duration>,
}

/// What the server answered.
struct Response {
    status: u16,
    body: Vec<u8>,
}

impl Http {
    /// POSTs `input` and reads the answer. The request is limited by the binding's
    /// `timeout_seconds` and by the Task's own deadline.
    pub(super) async fn call(
        &self,
        task: TaskContext<'_>,
        input: &Value,
    ) -> Result<Value, TaskError> {
        let deadline = task.remaining().map(|left| left + DEADLINE_GRACE);
        let timeout = match (self.timeout, deadline) {
            (Some(own), Some(deadline)) => Some(own.min(deadline)),
            (own, deadline) => own.or(deadline),
        };
        let request = Request {
            http: self.clone(),
            body: input.to_string(),
            timeout,
        };
        let response = tokio::task::spawn_blocking(move || request.send())
            .await
            .map_err(|error| TaskError::failed(format!("POST {}: {error}", self.url)))??;
        if (200..300).contains(&response.status) {
            return answer::result(&response.body, || format!("POST {}", self.url));
        }
        if let Some(failure) = answer::failure(&response.body) {
            return Err(failure);
        }
        let body = answer::excerpt(&response.body);
        let cause = if body.is_empty() {
            format!("POST {} answered {}", self.url, response.status)
        } else {
            body
        };
        Err(TaskError::new(
            format!("{STATUS_ERROR_PREFIX}{}", response.status),
            cause,
        ))
    }
}

/// A request, owned so that it can move to the blocking pool.
struct Request {
    http: Http,
    body: String,
    /// The longest the whole request may take.
    timeout: Option<Duration>,
}

impl Request {
    fn send(self) -> Result<Response, TaskError> {
        let url = &self.http.url;
        let mut request = self
            .http
            .agent
            .post(url)
            .config()
            .timeout_global(self.timeout)
            .build()
            .header("content-type", "application/json")
            .header("accept", "application/json");
        for (name, value) in &self.http.headers {
            request = request.header(name, value);
        }
        let failed = |error: ureq::Error| match error {
            ureq::Error::Timeout(_) => {
                TaskError::new(SOCKET_ERROR, format!("POST {url} timed out: {error}"))
            }
            error => TaskError::failed(format!("POST {url} failed: {error}")),
        };
        let mut response = request.send(&self.body).map_err(failed)?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_vec().map_err(failed)?;
        Ok(Response { status, body })
    }
}
