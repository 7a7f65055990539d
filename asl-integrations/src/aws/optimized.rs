//! The optimized integrations: `lambda:invoke` (and Lambda function ARNs),
//! `dynamodb:getItem|putItem|updateItem|deleteItem`, `sqs:sendMessage`,
//! `sns:publish` and `events:putEvents`, with AWS's parameter names, result shapes
//! (the service's response and, where AWS adds it, the SDK envelope) and error
//! names.

use serde_json::{Map, Value};

use asl_runtime::task::{TaskContext, TaskError};

use super::Aws;
use super::http::{Request, Response};
use super::protocol::{DYNAMODB, EVENTS, LAMBDA, SNS, SQS, Service, encode, envelope, xml};

/// An optimized integration asl calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Optimized {
    /// `lambda:invoke`.
    LambdaInvoke,
    /// A Lambda function ARN as the Resource: its result is the function's alone.
    LambdaFunction,
    /// `dynamodb:<action>`: one of the four item actions.
    DynamoDb(&'static str),
    /// `sqs:sendMessage`.
    SqsSendMessage,
    /// `sns:publish`.
    SnsPublish,
    /// `events:putEvents`.
    EventsPutEvents,
}

impl Optimized {
    /// The integration `service:action` names, if asl calls it.
    pub fn named(service: &str, action: &str) -> Option<Optimized> {
        Some(match (service, action) {
            ("lambda", "invoke") => Optimized::LambdaInvoke,
            ("dynamodb", "getItem") => Optimized::DynamoDb("GetItem"),
            ("dynamodb", "putItem") => Optimized::DynamoDb("PutItem"),
            ("dynamodb", "updateItem") => Optimized::DynamoDb("UpdateItem"),
            ("dynamodb", "deleteItem") => Optimized::DynamoDb("DeleteItem"),
            ("sqs", "sendMessage") => Optimized::SqsSendMessage,
            ("sns", "publish") => Optimized::SnsPublish,
            ("events", "putEvents") => Optimized::EventsPutEvents,
            _ => return None,
        })
    }

    /// The service it calls.
    fn service(self) -> &'static Service {
        match self {
            Optimized::LambdaInvoke | Optimized::LambdaFunction => &LAMBDA,
            Optimized::DynamoDb(_) => &DYNAMODB,
            Optimized::SqsSendMessage => &SQS,
            Optimized::SnsPublish => &SNS,
            Optimized::EventsPutEvents => &EVENTS,
        }
    }
}

impl Aws {
    /// Calls `integration` with the Task's `parameters`.
    pub(super) async fn optimized(
        &self,
        integration: Optimized,
        task: &TaskContext<'_>,
        parameters: Value,
    ) -> Result<Value, TaskError> {
        let service = integration.service();
        let endpoint = self.config.endpoint(service.id, service.endpoint_prefix);
        let request = match integration {
            Optimized::LambdaInvoke => invoke_request(&endpoint, &parameters)?,
            Optimized::LambdaFunction => {
                let arn = task.resource();
                let payload = parameters.to_string();
                lambda_request(&endpoint, arn, None, payload.into_bytes(), Vec::new())
            }
            Optimized::DynamoDb(action) => service.json_request(&endpoint, action, &parameters),
            Optimized::SqsSendMessage => {
                let mut body = object(parameters, "sqs:sendMessage")?;
                text_member(&mut body, "MessageBody");
                service.json_request(&endpoint, "SendMessage", &Value::Object(body))
            }
            Optimized::EventsPutEvents => {
                let body = put_events_body(task, parameters)?;
                service.json_request(&endpoint, "PutEvents", &body)
            }
            Optimized::SnsPublish => {
                let mut body = object(parameters, "sns:publish")?;
                text_member(&mut body, "Message");
                service.query_request(&endpoint, "Publish", &form(&body))
            }
        };
        let response = self.call_service(service, request, task).await?;
        match integration {
            Optimized::LambdaInvoke => invoke_result(&response),
            Optimized::LambdaFunction => {
                function_error(&response)?;
                Ok(payload(&response))
            }
            Optimized::DynamoDb(_) | Optimized::SqsSendMessage => {
                let mut result = json_object(&response)?;
                envelope(&response, &mut result);
                Ok(Value::Object(result))
            }
            Optimized::EventsPutEvents => {
                let result = Value::Object(json_object(&response)?);
                let failed = result["FailedEntryCount"].as_u64().unwrap_or(0);
                if failed > 0 {
                    return Err(TaskError::new(
                        "EventBridge.FailedEntry",
                        result.to_string(),
                    ));
                }
                Ok(result)
            }
            Optimized::SnsPublish => {
                let mut result = publish_result(&response)?;
                envelope(&response, &mut result);
                Ok(Value::Object(result))
            }
        }
    }
}

impl Aws {
    /// Sends `request` to `service`: its answer, or the error the Java SDK v1
    /// would raise.
    pub(super) async fn call_service(
        &self,
        service: &Service,
        request: Request,
        task: &TaskContext<'_>,
    ) -> Result<Response, TaskError> {
        self.exchange(
            service.signing_name,
            service.error_prefix,
            request,
            task,
            |response| service.error(response),
        )
        .await
    }

    /// JSON-protocol `action` of `service` with `body`: the answer, or the error
    /// the Java SDK v1 would raise.
    pub(super) async fn json_call(
        &self,
        service: &Service,
        action: &str,
        body: &Value,
        task: &TaskContext<'_>,
    ) -> Result<(Response, Value), TaskError> {
        let endpoint = self.config.endpoint(service.id, service.endpoint_prefix);
        let request = service.json_request(&endpoint, action, body);
        let response = self.call_service(service, request, task).await?;
        let answer = Value::Object(json_object(&response)?);
        Ok((response, answer))
    }
}

/// The Lambda Invoke request of `lambda:invoke`'s parameters.
fn invoke_request(endpoint: &str, parameters: &Value) -> Result<Request, TaskError> {
    let invalid = |why: &str| TaskError::new("States.Runtime", format!("lambda:invoke: {why}"));
    let function = parameters["FunctionName"]
        .as_str()
        .ok_or_else(|| invalid("the parameter FunctionName (a string) is required"))?;
    // A string that is JSON text goes as it is, as on AWS; another value as its
    // JSON text.
    let payload = match parameters.get("Payload") {
        None => Vec::new(),
        Some(Value::String(text)) if serde_json::from_str::<Value>(text).is_ok() => {
            text.clone().into_bytes()
        }
        Some(value) => value.to_string().into_bytes(),
    };
    let mut headers = Vec::new();
    for (parameter, header) in [
        ("InvocationType", "x-amz-invocation-type"),
        ("LogType", "x-amz-log-type"),
        ("ClientContext", "x-amz-client-context"),
    ] {
        if let Some(value) = parameters[parameter].as_str() {
            headers.push((header.to_owned(), value.to_owned()));
        }
    }
    let qualifier = parameters["Qualifier"].as_str();
    Ok(lambda_request(
        endpoint, function, qualifier, payload, headers,
    ))
}

/// A Lambda Invoke request of `function`.
fn lambda_request(
    endpoint: &str,
    function: &str,
    qualifier: Option<&str>,
    body: Vec<u8>,
    mut headers: Vec<(String, String)>,
) -> Request {
    let mut url = format!(
        "{endpoint}/2015-03-31/functions/{}/invocations",
        encode(function)
    );
    if let Some(qualifier) = qualifier {
        url.push_str(&format!("?Qualifier={}", encode(qualifier)));
    }
    headers.push(("content-type".into(), "application/json".into()));
    Request {
        method: "POST",
        url,
        headers,
        body,
    }
}

/// A function error (`X-Amz-Function-Error`): the Task fails with the error's
/// `errorType` (`Lambda.Unknown` without one) and the whole payload as its cause.
fn function_error(response: &Response) -> Result<(), TaskError> {
    if response.header("x-amz-function-error").is_none() {
        return Ok(());
    }
    let text = response.text();
    let error = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|payload| payload["errorType"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "Lambda.Unknown".to_owned());
    Err(TaskError::new(error, text))
}

/// The function's response: JSON when it is, else text.
fn payload(response: &Response) -> Value {
    let text = response.text();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

/// The result of `lambda:invoke`: `ExecutedVersion`, `Payload`, `StatusCode`
/// (`LogResult` with `LogType: Tail`) and the SDK envelope.
fn invoke_result(response: &Response) -> Result<Value, TaskError> {
    function_error(response)?;
    let mut result = Map::new();
    if let Some(version) = response.header("x-amz-executed-version") {
        result.insert("ExecutedVersion".into(), version.into());
    }
    if let Some(log) = response.header("x-amz-log-result") {
        result.insert("LogResult".into(), log.into());
    }
    result.insert("Payload".into(), payload(response));
    envelope(response, &mut result);
    result.insert("StatusCode".into(), response.status.into());
    Ok(Value::Object(result))
}

/// The parameters of `action`, which must be an object.
fn object(parameters: Value, action: &str) -> Result<Map<String, Value>, TaskError> {
    match parameters {
        Value::Object(members) => Ok(members),
        other => Err(TaskError::new(
            "States.Runtime",
            format!("{action}: the parameters must be an object, not {other}"),
        )),
    }
}

/// Member `name`, when not a string, becomes its JSON text (as AWS sends a
/// message body given as an object).
fn text_member(members: &mut Map<String, Value>, name: &str) {
    if let Some(value) = members.get_mut(name)
        && !value.is_string()
    {
        *value = Value::String(value.to_string());
    }
}

/// PutEvents' body: each entry's `Detail` as text, and the state machine's and
/// the execution's ARNs added to its `Resources`, as Step Functions does.
fn put_events_body(task: &TaskContext<'_>, parameters: Value) -> Result<Value, TaskError> {
    let mut body = object(parameters, "events:putEvents")?;
    if let Some(Value::Array(entries)) = body.get_mut("Entries") {
        for entry in entries.iter_mut().filter_map(Value::as_object_mut) {
            text_member(entry, "Detail");
            let resources = entry
                .entry("Resources")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(resources) = resources {
                resources.push(task.state_machine_arn().into());
                resources.push(task.execution_arn().into());
            }
        }
    }
    Ok(Value::Object(body))
}

/// The form fields of SNS Publish's parameters: scalars as they are, and
/// `MessageAttributes` as the Query protocol's `entry.N` map.
fn form(parameters: &Map<String, Value>) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for (name, value) in parameters {
        match (name.as_str(), value) {
            ("MessageAttributes", Value::Object(attributes)) => {
                for (n, (key, attribute)) in attributes.iter().enumerate() {
                    let prefix = format!("MessageAttributes.entry.{}", n + 1);
                    fields.push((format!("{prefix}.Name"), key.clone()));
                    if let Value::Object(members) = attribute {
                        for (member, value) in members {
                            fields.push((format!("{prefix}.Value.{member}"), scalar(value)));
                        }
                    }
                }
            }
            (_, value) => fields.push((name.clone(), scalar(value))),
        }
    }
    fields
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A JSON object answer.
fn json_object(response: &Response) -> Result<Map<String, Value>, TaskError> {
    if response.body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice(&response.body) {
        Ok(Value::Object(members)) => Ok(members),
        _ => Err(TaskError::new(
            "States.TaskFailed",
            format!(
                "the service answered what is not a JSON object: {}",
                response.text()
            ),
        )),
    }
}

/// SNS Publish's XML answer: `MessageId` (and `SequenceNumber`).
fn publish_result(response: &Response) -> Result<Map<String, Value>, TaskError> {
    let text = response.text();
    let document = xml(&text, "SNS")?;
    let mut result = Map::new();
    for member in ["MessageId", "SequenceNumber"] {
        if let Some(value) = document
            .descendants()
            .find(|node| node.has_tag_name(member))
            .and_then(|node| node.text())
        {
            result.insert(member.into(), value.into());
        }
    }
    Ok(result)
}
