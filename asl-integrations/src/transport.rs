//! One HTTP exchange over ureq, shared by the AWS integrations and the HTTP
//! Task: a request sent within a timeout, its answer read up to a size limit, in
//! a client span (`http`) whose W3C `traceparent` it carries, so that a trace
//! goes on in the service called.

use std::time::Duration;

use ureq::http::StatusCode;

/// An answer: its status, headers (names in lowercase) and body.
#[derive(Debug)]
pub(crate) struct Exchanged {
    pub status: StatusCode,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A request to send.
#[derive(Debug)]
pub(crate) struct Outgoing<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub body: Vec<u8>,
}

/// Sends `request` by `agent` within `timeout` (none: no limit) and reads at
/// most `limit` bytes of its answer's body; why it failed otherwise.
pub(crate) fn exchange(
    agent: &ureq::Agent,
    request: Outgoing<'_>,
    timeout: Option<Duration>,
    limit: u64,
) -> Result<Exchanged, String> {
    let failed = |error: &dyn std::fmt::Display| error.to_string();
    let span = tracing::info_span!(
        "http",
        otel.name = request.method,
        otel.kind = "client",
        http.request.method = request.method,
        url.full = request.url,
        http.response.status_code = tracing::field::Empty,
    );
    let _entered = span.enter();
    let mut builder = ureq::http::Request::builder()
        .method(request.method)
        .uri(request.url);
    for (name, value) in request.headers {
        builder = builder.header(name, value);
    }
    for (name, value) in trace_context(&span) {
        builder = builder.header(name, value);
    }
    let built = builder.body(request.body).map_err(|error| failed(&error))?;
    let configured = agent
        .configure_request(built)
        .timeout_global(timeout)
        .build();
    let mut response = agent.run(configured).map_err(|error| failed(&error))?;
    span.record(
        "http.response.status_code",
        i64::from(response.status().as_u16()),
    );
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|error| failed(&error))?;
    Ok(Exchanged {
        status: response.status(),
        headers,
        body,
    })
}

/// The headers that carry `span`'s context to the service called (`traceparent`,
/// by the propagator the process set up; none when it exports no traces).
fn trace_context(span: &tracing::Span) -> Vec<(String, String)> {
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    struct Headers(Vec<(String, String)>);
    impl opentelemetry::propagation::Injector for Headers {
        fn set(&mut self, key: &str, value: String) {
            self.0.push((key.to_owned(), value));
        }
    }
    let mut headers = Headers(Vec::new());
    let context = span.context();
    opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.inject_context(&context, &mut headers);
    });
    headers.0
}

/// Runs `work` (blocking I/O) on tokio's blocking threads, inside the current
/// span, so that the requests it sends are children of the Task attempt's.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(work)).await
}

/// `text` percent-encoded for a form, a query or a URL path segment (RFC 3986's
/// unreserved characters kept).
pub(crate) fn encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                encoded.push(byte as char);
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}
