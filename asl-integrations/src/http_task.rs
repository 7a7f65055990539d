//! The HTTP Task, `arn:aws:states:::http:invoke`: any HTTP API called with the
//! Task's `ApiEndpoint`, `Method`, `Headers`, `QueryParameters` and `RequestBody`
//! (URL-encoded when its `Transform` says so), authenticated by a connection.
//!
//! On AWS a connection is an EventBridge connection; here it is a table of the
//! bindings file, under the connection's ARN (what `Authentication.ConnectionArn`
//! names), with the same authorization types and invocation parameters:
//!
//! ```toml
//! [connections."arn:aws:events:us-east-1:123456789012:connection/orders/1"]
//! authorization_type = "API_KEY"      # or BASIC, OAUTH_CLIENT_CREDENTIALS
//! api_key_name = "x-api-key"
//! api_key_value = "secret"
//! # BASIC: username, password
//! # OAUTH_CLIENT_CREDENTIALS: authorization_endpoint, client_id, client_secret,
//! #   http_method (POST by default), oauth_body = { scope = "..." }
//! headers = { x-tenant = "a" }       # added to every request (they win over the Task's)
//! query = { region = "eu" }
//! body = { source = "asl" }          # merged into an object RequestBody
//! ```
//!
//! The result is `{Headers, ResponseBody, StatusCode, StatusText}`, the body parsed
//! when it is JSON. A status other than 2xx fails the Task with
//! `States.Http.StatusCode.<status>` and the result as its cause; a request that
//! times out, with `States.Http.Socket`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};

use asl_runtime::task::{TaskContext, TaskError};

use crate::transport::{Outgoing, encode, exchange};

/// The error of a response whose status is not 2xx: `States.Http.StatusCode.404`.
const STATUS_ERROR_PREFIX: &str = "States.Http.StatusCode.";
/// The error of a request that timed out.
const SOCKET_ERROR: &str = "States.Http.Socket";
/// How long a request may take without a Task deadline (AWS: 60 seconds).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether `resource` is the HTTP Task's.
pub fn is_http_task(resource: &str) -> bool {
    resource.starts_with("arn:")
        && resource.ends_with(":states:::http:invoke")
        && resource.split(':').count() == 7
}

/// A connection: how requests are authorized, and what they carry besides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    /// `API_KEY`, `BASIC` or `OAUTH_CLIENT_CREDENTIALS`.
    authorization_type: Authorization,
    /// `API_KEY`: the header.
    #[serde(default)]
    api_key_name: Option<String>,
    /// `API_KEY`: its value.
    #[serde(default)]
    api_key_value: Option<String>,
    /// `BASIC`: the user.
    #[serde(default)]
    username: Option<String>,
    /// `BASIC`: the password.
    #[serde(default)]
    password: Option<String>,
    /// `OAUTH_CLIENT_CREDENTIALS`: where tokens come from.
    #[serde(default)]
    authorization_endpoint: Option<String>,
    /// `OAUTH_CLIENT_CREDENTIALS`: how that endpoint is called (`POST` by default).
    #[serde(default)]
    http_method: Option<String>,
    /// `OAUTH_CLIENT_CREDENTIALS`: the client.
    #[serde(default)]
    client_id: Option<String>,
    /// `OAUTH_CLIENT_CREDENTIALS`: its secret.
    #[serde(default)]
    client_secret: Option<String>,
    /// `OAUTH_CLIENT_CREDENTIALS`: more fields of the token request.
    #[serde(default)]
    oauth_body: BTreeMap<String, String>,
    /// Headers every request carries.
    #[serde(default)]
    headers: BTreeMap<String, String>,
    /// Query parameters every request carries.
    #[serde(default)]
    query: BTreeMap<String, String>,
    /// Members every object body carries.
    #[serde(default)]
    body: BTreeMap<String, String>,
}

/// How a connection authorizes requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Authorization {
    /// A key in a header.
    #[default]
    ApiKey,
    /// HTTP Basic.
    Basic,
    /// A bearer token from an OAuth client-credentials grant.
    OauthClientCredentials,
}

/// What the Task asked for.
pub(crate) struct Call {
    /// `GET`, `POST`...
    pub(crate) method: String,
    /// The whole URL.
    pub(crate) url: String,
    /// The headers.
    pub(crate) headers: Vec<(String, String)>,
    /// The body and its content type.
    pub(crate) body: Option<(String, Vec<u8>)>,
}

/// Calls the HTTP API `task`'s parameters describe, authenticated by one of
/// `connections` (by ARN).
pub async fn call(
    agent: &ureq::Agent,
    connections: &BTreeMap<String, Connection>,
    task: &TaskContext<'_>,
    parameters: Value,
) -> Result<Value, TaskError> {
    let Value::Object(parameters) = parameters else {
        return Err(invalid("the parameters must be an object"));
    };
    let connection = connection(&parameters, connections)?;
    let mut call = request(&parameters, connection)?;
    if let Some(connection) = connection {
        authorize(agent, connection, &mut call).await?;
    }
    // TestState at the TRACE level shows the exchange.
    let inspected = task
        .inspects_http()
        .map(|reveal| described_request(&call, connection, reveal));
    let timeout = task
        .remaining()
        .unwrap_or(DEFAULT_TIMEOUT)
        .min(DEFAULT_TIMEOUT);
    let agent = agent.clone();
    let response = crate::transport::blocking(move || send(&agent, call, timeout))
        .await
        .map_err(|error| TaskError::new(SOCKET_ERROR, error.to_string()))??;
    if let Some(request) = inspected {
        task.inspect_http(request, response.described());
    }
    let status = response.status;
    let result = response.into_result();
    if (200..300).contains(&status) {
        Ok(result)
    } else {
        Err(TaskError::new(
            format!("{STATUS_ERROR_PREFIX}{status}"),
            result.to_string(),
        ))
    }
}

/// `request` as TestState's `inspectionData.request` shows it: the headers the
/// connection added hidden unless `reveal`.
fn described_request(call: &Call, connection: Option<&Connection>, reveal: bool) -> Value {
    let secret = |name: &str| {
        !reveal
            && connection.is_some_and(|connection| {
                name.eq_ignore_ascii_case("authorization")
                    || connection
                        .api_key_name
                        .as_deref()
                        .is_some_and(|key| key.eq_ignore_ascii_case(name))
                    || connection
                        .headers
                        .keys()
                        .any(|own| own.eq_ignore_ascii_case(name))
            })
    };
    let mut headers: Vec<String> = call
        .headers
        .iter()
        .map(|(name, value)| {
            let value = if secret(name) {
                "*****"
            } else {
                value.as_str()
            };
            format!("{name}: {value}")
        })
        .collect();
    if let Some((kind, _)) = &call.body
        && !call
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
    {
        headers.push(format!("content-type: {kind}"));
    }
    let body = call
        .body
        .as_ref()
        .map(|(_, body)| String::from_utf8_lossy(body).into_owned())
        .unwrap_or_default();
    serde_json::json!({
        "protocol": protocol(&call.url),
        "method": call.method,
        "url": call.url,
        "headers": headers.join("\n"),
        "body": body,
    })
}

/// `HTTPS/1.1` or `HTTP/1.1`, as the URL's scheme says.
fn protocol(url: &str) -> &'static str {
    if url.starts_with("https:") {
        "HTTPS/1.1"
    } else {
        "HTTP/1.1"
    }
}

fn invalid(why: &str) -> TaskError {
    TaskError::new("States.Runtime", format!("http:invoke: {why}"))
}

/// The connection `Authentication.ConnectionArn` (or `InvocationConfig`'s) names.
fn connection<'a>(
    parameters: &Map<String, Value>,
    connections: &'a BTreeMap<String, Connection>,
) -> Result<Option<&'a Connection>, TaskError> {
    let arn = ["Authentication", "InvocationConfig"]
        .iter()
        .find_map(|field| parameters.get(*field)?.get("ConnectionArn")?.as_str());
    let Some(arn) = arn else {
        return Ok(None);
    };
    connections.get(arn).map(Some).ok_or_else(|| {
        TaskError::new(
            "Events.ConnectionResource.ResourceNotFound",
            format!(
                "the connection `{arn}` is not in the bindings file: add a [connections.\"{arn}\"] table"
            ),
        )
    })
}

/// The request the Task's parameters (and its connection's invocation parameters)
/// describe.
fn request(
    parameters: &Map<String, Value>,
    connection: Option<&Connection>,
) -> Result<Call, TaskError> {
    let endpoint = parameters
        .get("ApiEndpoint")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("the parameter ApiEndpoint (a URL) is required"))?;
    let method = parameters
        .get("Method")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("the parameter Method is required"))?
        .to_ascii_uppercase();
    let mut query: Vec<(String, String)> = Vec::new();
    if let Some(Value::Object(given)) = parameters.get("QueryParameters") {
        for (name, value) in given {
            match value {
                Value::Array(items) => {
                    query.extend(items.iter().map(|item| (name.clone(), text(item))))
                }
                value => query.push((name.clone(), text(value))),
            }
        }
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(Value::Object(given)) = parameters.get("Headers") {
        headers.extend(
            given
                .iter()
                .map(|(name, value)| (name.clone(), text(value))),
        );
    }
    let mut body = parameters.get("RequestBody").cloned();
    if let Some(connection) = connection {
        query.extend(connection.query.iter().map(|(k, v)| (k.clone(), v.clone())));
        headers.retain(|(name, _)| {
            !connection
                .headers
                .keys()
                .any(|own| own.eq_ignore_ascii_case(name))
        });
        headers.extend(
            connection
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        if !connection.body.is_empty() {
            let mut members = match body.take() {
                None => Map::new(),
                Some(Value::Object(members)) => members,
                Some(_) => {
                    return Err(invalid(
                        "a connection's body parameters need an object RequestBody",
                    ));
                }
            };
            for (name, value) in &connection.body {
                members.insert(name.clone(), Value::String(value.clone()));
            }
            body = Some(Value::Object(members));
        }
    }
    let mut url = endpoint.to_owned();
    if !query.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&form(&query));
    }
    let transform = parameters.get("Transform");
    let encoded = transform
        .and_then(|transform| transform.get("RequestBodyEncoding"))
        .and_then(Value::as_str)
        == Some("URL_ENCODED");
    let body = match body {
        None => None,
        Some(value) if encoded => {
            let format = transform
                .and_then(|transform| transform.pointer("/RequestEncodingOptions/ArrayFormat"))
                .and_then(Value::as_str)
                .unwrap_or("INDICES");
            let mut fields = Vec::new();
            url_encoded("", &value, format, &mut fields);
            Some((
                "application/x-www-form-urlencoded".to_owned(),
                form(&fields).into_bytes(),
            ))
        }
        Some(Value::String(text)) => {
            Some(("text/plain; charset=UTF-8".to_owned(), text.into_bytes()))
        }
        Some(value) => Some((
            "application/json; charset=UTF-8".to_owned(),
            value.to_string().into_bytes(),
        )),
    };
    Ok(Call {
        method,
        url,
        headers,
        body,
    })
}

/// The fields of a URL-encoded body: nested members as `a[b]`, list items as
/// `ArrayFormat` says (`INDICES` `a[0]`, `BRACKETS` `a[]`, `COMMAS` `a=x,y`,
/// `REPEAT` `a`).
fn url_encoded(prefix: &str, value: &Value, format: &str, fields: &mut Vec<(String, String)>) {
    match value {
        Value::Object(members) => {
            for (name, value) in members {
                let key = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}[{name}]")
                };
                url_encoded(&key, value, format, fields);
            }
        }
        Value::Array(items) if format == "COMMAS" => {
            let joined: Vec<String> = items.iter().map(text).collect();
            fields.push((prefix.to_owned(), joined.join(",")));
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let key = match format {
                    "BRACKETS" => format!("{prefix}[]"),
                    "REPEAT" => prefix.to_owned(),
                    _ => format!("{prefix}[{index}]"),
                };
                url_encoded(&key, item, format, fields);
            }
        }
        value => fields.push((prefix.to_owned(), text(value))),
    }
}

/// A value as request text: a string as it is, the rest as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `a=1&b=2`, percent-encoded.
fn form(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Adds the connection's authorization to `call`.
async fn authorize(
    agent: &ureq::Agent,
    connection: &Connection,
    call: &mut Call,
) -> Result<(), TaskError> {
    let missing = |field: &str| {
        TaskError::new(
            "Events.ConnectionResource.InvalidConnectionState",
            format!("the connection lacks `{field}`"),
        )
    };
    match connection.authorization_type {
        Authorization::ApiKey => {
            let name = connection
                .api_key_name
                .clone()
                .ok_or_else(|| missing("api_key_name"))?;
            let value = connection
                .api_key_value
                .clone()
                .ok_or_else(|| missing("api_key_value"))?;
            call.headers.push((name, value));
        }
        Authorization::Basic => {
            let user = connection
                .username
                .as_deref()
                .ok_or_else(|| missing("username"))?;
            let password = connection.password.as_deref().unwrap_or_default();
            call.headers
                .push(("authorization".into(), basic(user, password)));
        }
        Authorization::OauthClientCredentials => {
            let endpoint = connection
                .authorization_endpoint
                .clone()
                .ok_or_else(|| missing("authorization_endpoint"))?;
            let id = connection
                .client_id
                .as_deref()
                .ok_or_else(|| missing("client_id"))?;
            let secret = connection.client_secret.as_deref().unwrap_or_default();
            let mut fields = vec![("grant_type".to_owned(), "client_credentials".to_owned())];
            fields.extend(
                connection
                    .oauth_body
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone())),
            );
            let token_call = Call {
                method: connection
                    .http_method
                    .clone()
                    .unwrap_or_else(|| "POST".into()),
                url: endpoint,
                headers: vec![("authorization".into(), basic(id, secret))],
                body: Some((
                    "application/x-www-form-urlencoded".into(),
                    form(&fields).into_bytes(),
                )),
            };
            let agent = agent.clone();
            let answer =
                crate::transport::blocking(move || send(&agent, token_call, DEFAULT_TIMEOUT))
                    .await
                    .map_err(|error| TaskError::new(SOCKET_ERROR, error.to_string()))??;
            let token = match answer.status {
                200..=299 => answer
                    .json()
                    .and_then(|body| body["access_token"].as_str().map(str::to_owned)),
                _ => None,
            }
            .ok_or_else(|| {
                TaskError::new(
                    "Events.ConnectionResource.AuthInProgress",
                    format!(
                        "the OAuth endpoint answered {} without an access_token: {}",
                        answer.status,
                        String::from_utf8_lossy(&answer.body)
                    ),
                )
            })?;
            call.headers
                .push(("authorization".into(), format!("Bearer {token}")));
        }
    }
    Ok(())
}

/// `Basic base64(user:password)`.
fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

/// An HTTP answer.
pub(crate) struct Answer {
    status: u16,
    status_text: String,
    headers: Vec<(String, String)>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Its status.
    pub(crate) fn status(&self) -> u16 {
        self.status
    }

    /// As TestState's `inspectionData.response` shows it.
    fn described(&self) -> Value {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}"))
            .collect();
        serde_json::json!({
            "protocol": "HTTP/1.1",
            "statusCode": self.status.to_string(),
            "statusMessage": self.status_text,
            "headers": headers.join("\n"),
            "body": String::from_utf8_lossy(&self.body),
        })
    }

    /// `{Headers, ResponseBody, StatusCode, StatusText}`.
    pub(crate) fn into_result(self) -> Value {
        let json = self
            .content_type
            .as_deref()
            .is_some_and(|kind| kind.contains("json"));
        let body = match (json, self.json()) {
            (true, Some(body)) => body,
            _ => Value::String(String::from_utf8_lossy(&self.body).into_owned()),
        };
        let mut headers = Map::new();
        for (name, value) in self.headers {
            let entry = headers
                .entry(name)
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(values) = entry {
                values.push(Value::String(value));
            }
        }
        let mut result = Map::new();
        result.insert("Headers".into(), Value::Object(headers));
        result.insert("ResponseBody".into(), body);
        result.insert("StatusCode".into(), self.status.into());
        result.insert("StatusText".into(), self.status_text.into());
        Value::Object(result)
    }
}

/// Sends `call` within `timeout`; a request that fails or times out is
/// `States.Http.Socket`.
pub(crate) fn send(
    agent: &ureq::Agent,
    call: Call,
    timeout: Duration,
) -> Result<Answer, TaskError> {
    let mut headers = call.headers;
    let typed = headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
    let body = match call.body {
        Some((kind, body)) => {
            if !typed {
                headers.push(("content-type".to_owned(), kind));
            }
            body
        }
        None => Vec::new(),
    };
    let outgoing = Outgoing {
        method: &call.method,
        url: &call.url,
        headers: &headers,
        body,
    };
    let answer = exchange(agent, outgoing, Some(timeout), 16 << 20)
        .map_err(|why| TaskError::new(SOCKET_ERROR, why))?;
    let content_type = answer
        .headers
        .iter()
        .find(|(name, _)| name == "content-type")
        .map(|(_, value)| value.clone());
    Ok(Answer {
        status: answer.status.as_u16(),
        status_text: answer
            .status
            .canonical_reason()
            .unwrap_or_default()
            .to_owned(),
        headers: answer.headers,
        content_type,
        body: answer.body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn url_encoded_bodies_follow_the_array_format() {
        let body = json!({"name": "a b", "tags": ["x", "y"], "address": {"city": "Oslo"}});
        let encode = |format| {
            let mut fields = Vec::new();
            url_encoded("", &body, format, &mut fields);
            form(&fields)
        };
        assert_eq!(
            encode("INDICES"),
            "name=a%20b&tags%5B0%5D=x&tags%5B1%5D=y&address%5Bcity%5D=Oslo"
        );
        assert_eq!(
            encode("BRACKETS"),
            "name=a%20b&tags%5B%5D=x&tags%5B%5D=y&address%5Bcity%5D=Oslo"
        );
        assert_eq!(
            encode("COMMAS"),
            "name=a%20b&tags=x%2Cy&address%5Bcity%5D=Oslo"
        );
        assert_eq!(
            encode("REPEAT"),
            "name=a%20b&tags=x&tags=y&address%5Bcity%5D=Oslo"
        );
    }

    #[test]
    fn the_http_task_resource_is_recognized() {
        assert!(is_http_task("arn:aws:states:::http:invoke"));
        assert!(is_http_task("arn:aws-cn:states:::http:invoke"));
        assert!(!is_http_task("arn:aws:states:::lambda:invoke"));
    }
}
