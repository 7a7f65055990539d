//! `apigateway:invoke` (an API Gateway REST or HTTP API called directly, signed
//! with Signature Version 4 when `AuthType` is `IAM_ROLE`) and `bedrock:invokeModel`
//! (a model of Amazon Bedrock, its JSON body in and out).

use std::time::Duration;

use serde_json::{Map, Value};

use asl_runtime::task::{TaskContext, TaskError};

use super::Aws;
use super::http::{Request, signature_headers, unsent};
use super::protocol::{Protocol, Service, encode};
use crate::http_task::{self, Call};

/// Amazon Bedrock's runtime.
const BEDROCK: Service = Service {
    id: "Bedrock Runtime",
    endpoint_prefix: "bedrock-runtime",
    signing_name: "bedrock",
    protocol: Protocol::RestJson,
    error_prefix: "Bedrock",
    sdk_name: "AmazonBedrockRuntime",
    base_exception: "AmazonBedrockRuntimeException",
};

/// How long an API Gateway call may take (API Gateway's own limit).
const GATEWAY_TIMEOUT: Duration = Duration::from_secs(29);

impl Aws {
    /// `apigateway:invoke`: `ApiEndpoint` (a host, or a URL with its scheme),
    /// `Stage`, `Path`, `Method`, `Headers` and `QueryParameters` (each a list of
    /// values), `RequestBody`, `AuthType`. The result is `{Headers, ResponseBody,
    /// StatusCode, StatusText}`; a status other than 2xx fails the Task with
    /// `ApiGateway.<status>`.
    pub(super) async fn api_gateway(
        &self,
        task: &TaskContext<'_>,
        parameters: Value,
    ) -> Result<Value, TaskError> {
        let invalid =
            |why: &str| TaskError::new("States.Runtime", format!("apigateway:invoke: {why}"));
        let Value::Object(parameters) = parameters else {
            return Err(invalid("the parameters must be an object"));
        };
        let text = |name: &str| parameters.get(name).and_then(Value::as_str);
        let endpoint = text("ApiEndpoint").ok_or_else(|| invalid("ApiEndpoint is required"))?;
        let method = text("Method").ok_or_else(|| invalid("Method is required"))?;
        let base = if endpoint.contains("://") {
            endpoint.trim_end_matches('/').to_owned()
        } else {
            format!("https://{endpoint}")
        };
        let mut url = base;
        for part in [text("Stage"), text("Path")].into_iter().flatten() {
            let part = part.trim_matches('/');
            if !part.is_empty() {
                url.push('/');
                url.push_str(part);
            }
        }
        let mut query = Vec::new();
        if let Some(Value::Object(given)) = parameters.get("QueryParameters") {
            for (name, values) in given {
                for value in values.as_array().into_iter().flatten() {
                    query.push(format!("{}={}", encode(name), encode(&scalar(value))));
                }
            }
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query.join("&"));
        }
        let mut headers = Vec::new();
        if let Some(Value::Object(given)) = parameters.get("Headers") {
            for (name, values) in given {
                for value in values.as_array().into_iter().flatten() {
                    headers.push((name.clone(), scalar(value)));
                }
            }
        }
        let body = parameters
            .get("RequestBody")
            .map(|body| ("application/json".to_owned(), body.to_string().into_bytes()));
        if text("AuthType") == Some("IAM_ROLE") {
            let request = Request {
                method: static_method(method),
                url: url.clone(),
                headers: headers.clone(),
                body: body
                    .as_ref()
                    .map(|(_, bytes)| bytes.clone())
                    .unwrap_or_default(),
            };
            let keys = self.config.credentials.get().await;
            let signature = signature_headers(self.signing(&keys, "execute-api"), &request)
                .map_err(|why| unsent("ApiGateway", why))?;
            headers.extend(signature);
        }
        let call = Call {
            method: method.to_ascii_uppercase(),
            url,
            headers,
            body,
        };
        let timeout = task
            .remaining()
            .unwrap_or(GATEWAY_TIMEOUT)
            .min(GATEWAY_TIMEOUT);
        let agent = self.agent.clone();
        let answer = crate::transport::blocking(move || http_task::send(&agent, call, timeout))
            .await
            .map_err(|error| TaskError::new("ApiGateway.Exception", error.to_string()))?
            .map_err(|error| {
                TaskError::new("ApiGateway.Exception", error.cause.unwrap_or_default())
            })?;
        let status = answer.status();
        let result = answer.into_result();
        if (200..300).contains(&status) {
            Ok(result)
        } else {
            Err(TaskError::new(
                format!("ApiGateway.{status}"),
                result.to_string(),
            ))
        }
    }

    /// `bedrock:invokeModel`: `ModelId` and `Body` (any JSON); the result is
    /// `{Body, ContentType}`, the body parsed when it is JSON.
    pub(super) async fn bedrock(
        &self,
        task: &TaskContext<'_>,
        parameters: Value,
    ) -> Result<Value, TaskError> {
        let model = parameters["ModelId"].as_str().ok_or_else(|| {
            TaskError::new("States.Runtime", "bedrock:invokeModel: ModelId is required")
        })?;
        let body = match &parameters["Body"] {
            Value::String(text) => text.clone().into_bytes(),
            Value::Null => Vec::new(),
            other => other.to_string().into_bytes(),
        };
        let endpoint = self.config.endpoint(BEDROCK.id, BEDROCK.endpoint_prefix);
        let mut headers = vec![(
            "content-type".to_owned(),
            parameters["ContentType"]
                .as_str()
                .unwrap_or("application/json")
                .to_owned(),
        )];
        if let Some(accept) = parameters["Accept"].as_str() {
            headers.push(("accept".to_owned(), accept.to_owned()));
        }
        let request = Request {
            method: "POST",
            url: format!("{endpoint}/model/{}/invoke", encode(model)),
            headers,
            body,
        };
        let response = self.call_service(&BEDROCK, request, task).await?;
        let text = response.text();
        let mut result = Map::new();
        result.insert(
            "Body".into(),
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        );
        if let Some(kind) = response.header("content-type") {
            result.insert("ContentType".into(), kind.into());
        }
        Ok(Value::Object(result))
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `method` as the `&'static str` a signed request names.
fn static_method(method: &str) -> &'static str {
    match method.to_ascii_uppercase().as_str() {
        "GET" => "GET",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => "POST",
    }
}
