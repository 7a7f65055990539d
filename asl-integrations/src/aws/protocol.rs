//! The wire protocols of the services the optimized integrations call, and how
//! their errors are named: AWS JSON 1.0/1.1 (DynamoDB, SQS, EventBridge), the Query
//! protocol (SNS), and REST-JSON (Lambda), with the error names and causes of the
//! AWS Java SDK v1 that Step Functions reports for optimized integrations.

use serde_json::{Map, Value};

use asl_runtime::task::TaskError;

use super::http::{Request, Response};
pub(crate) use crate::transport::encode;

/// A service as the optimized integrations call it.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    /// Its service id (`AWS_ENDPOINT_URL_<SERVICE>` is made of it).
    pub id: &'static str,
    /// The first label of its hosts (`dynamodb.us-east-1.amazonaws.com`).
    pub endpoint_prefix: &'static str,
    /// Its name in signatures.
    pub signing_name: &'static str,
    /// How requests are written.
    pub protocol: Protocol,
    /// The prefix of its error names in Step Functions (`DynamoDB.`).
    pub error_prefix: &'static str,
    /// The service name of its errors' causes (`AmazonDynamoDBv2`).
    pub sdk_name: &'static str,
    /// The Java SDK v1's base exception class, for errors it does not model.
    pub base_exception: &'static str,
}

/// How a service's requests are written.
#[derive(Debug, Clone, Copy)]
pub enum Protocol {
    /// `POST /` with `X-Amz-Target: <target>.<Action>` and a JSON body of type
    /// `application/x-amz-json-<version>`.
    Json {
        /// The target prefix.
        target: &'static str,
        /// `1.0` or `1.1`.
        version: &'static str,
    },
    /// `POST /`, a form body `Action=<Action>&Version=<version>&...`, XML answers.
    Query {
        /// The API version.
        version: &'static str,
    },
    /// Each action its own method and path, JSON bodies.
    RestJson,
}

/// DynamoDB.
pub const DYNAMODB: Service = Service {
    id: "DynamoDB",
    endpoint_prefix: "dynamodb",
    signing_name: "dynamodb",
    protocol: Protocol::Json {
        target: "DynamoDB_20120810",
        version: "1.0",
    },
    error_prefix: "DynamoDB",
    sdk_name: "AmazonDynamoDBv2",
    base_exception: "AmazonDynamoDBException",
};

/// SQS (its JSON protocol).
pub const SQS: Service = Service {
    id: "SQS",
    endpoint_prefix: "sqs",
    signing_name: "sqs",
    protocol: Protocol::Json {
        target: "AmazonSQS",
        version: "1.0",
    },
    error_prefix: "SQS",
    sdk_name: "AmazonSQS",
    base_exception: "AmazonSQSException",
};

/// EventBridge.
pub const EVENTS: Service = Service {
    id: "EventBridge",
    endpoint_prefix: "events",
    signing_name: "events",
    protocol: Protocol::Json {
        target: "AWSEvents",
        version: "1.1",
    },
    error_prefix: "EventBridge",
    sdk_name: "AmazonEventBridge",
    base_exception: "AmazonEventBridgeException",
};

/// SNS.
pub const SNS: Service = Service {
    id: "SNS",
    endpoint_prefix: "sns",
    signing_name: "sns",
    protocol: Protocol::Query {
        version: "2010-03-31",
    },
    error_prefix: "SNS",
    sdk_name: "AmazonSNS",
    base_exception: "AmazonSNSException",
};

/// Lambda.
pub const LAMBDA: Service = Service {
    id: "Lambda",
    endpoint_prefix: "lambda",
    signing_name: "lambda",
    protocol: Protocol::RestJson,
    error_prefix: "Lambda",
    sdk_name: "AWSLambda",
    base_exception: "AWSLambdaException",
};

/// Step Functions, as `states:startExecution` calls it.
pub const SFN: Service = Service {
    id: "SFN",
    endpoint_prefix: "states",
    signing_name: "states",
    protocol: Protocol::Json {
        target: "AWSStepFunctions",
        version: "1.0",
    },
    error_prefix: "StepFunctions",
    sdk_name: "AWSStepFunctions",
    base_exception: "AWSStepFunctionsException",
};

/// AWS Batch.
pub const BATCH: Service = Service {
    id: "Batch",
    endpoint_prefix: "batch",
    signing_name: "batch",
    protocol: Protocol::RestJson,
    error_prefix: "Batch",
    sdk_name: "AWSBatch",
    base_exception: "AWSBatchException",
};

/// Error codes every AWS service may answer that no service models: the Java SDK
/// v1 raises them as the service's base exception.
const COMMON_ERRORS: &[&str] = &[
    "ValidationException",
    "ValidationError",
    "MissingParameter",
    "InvalidParameterValue",
    "InvalidParameterCombination",
    "InvalidQueryParameter",
    "MalformedQueryString",
    "MissingAction",
    "InvalidAction",
    "AccessDeniedException",
    "IncompleteSignature",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "MissingAuthenticationToken",
    "SerializationException",
    "InternalFailure",
    "ServiceUnavailable",
];

impl Service {
    /// The request of JSON-protocol `action` with `body`, to `endpoint`.
    pub fn json_request(&self, endpoint: &str, action: &str, body: &Value) -> Request {
        let Protocol::Json { target, version } = self.protocol else {
            unreachable!("{} does not speak JSON", self.id)
        };
        json_request(endpoint, (target, version), action, body)
    }

    /// The request of Query-protocol `action` with the form `fields`, to
    /// `endpoint`.
    pub fn query_request(
        &self,
        endpoint: &str,
        action: &str,
        fields: &[(String, String)],
    ) -> Request {
        let Protocol::Query { version } = self.protocol else {
            unreachable!("{} does not speak the Query protocol", self.id)
        };
        query_request(endpoint, version, action, fields)
    }

    /// The error of a response with a non-2xx status: `<prefix>.<Code>Exception`
    /// (or the base exception for codes no service models), its cause the message
    /// with the Java SDK v1's suffix.
    pub fn error(&self, response: &Response) -> TaskError {
        let (code, message) = error_code(response);
        let code = code.unwrap_or_else(|| format!("Http{}", response.status));
        let class = if COMMON_ERRORS.contains(&code.as_str()) {
            self.base_exception.to_owned()
        } else if code.ends_with("Exception") {
            code.clone()
        } else {
            format!("{code}Exception")
        };
        let request_id = request_id(response).unwrap_or_default();
        TaskError::new(
            format!("{}.{class}", self.error_prefix),
            format!(
                "{message} (Service: {}; Status Code: {}; Error Code: {code}; Request ID: {request_id}; Proxy: null)",
                self.sdk_name, response.status
            ),
        )
    }
}

/// The AWS JSON request of `action` with `body` to `endpoint`, for the service of
/// this `(target prefix, protocol version)`.
pub fn json_request(
    endpoint: &str,
    (target, version): (&str, &str),
    action: &str,
    body: &Value,
) -> Request {
    Request {
        method: "POST",
        url: format!("{endpoint}/"),
        headers: vec![
            ("x-amz-target".into(), format!("{target}.{action}")),
            (
                "content-type".into(),
                format!("application/x-amz-json-{version}"),
            ),
        ],
        body: body.to_string().into_bytes(),
    }
}

/// The Query-protocol request of `action` of API `version` with the form
/// `fields`, to `endpoint`.
pub fn query_request(
    endpoint: &str,
    version: &str,
    action: &str,
    fields: &[(String, String)],
) -> Request {
    let mut form = format!("Action={}&Version={}", encode(action), encode(version));
    for (name, value) in fields {
        form.push_str(&format!("&{}={}", encode(name), encode(value)));
    }
    Request {
        method: "POST",
        url: format!("{endpoint}/"),
        headers: vec![(
            "content-type".into(),
            "application/x-www-form-urlencoded; charset=utf-8".into(),
        )],
        body: form.into_bytes(),
    }
}

/// The error code and message of an error response, of any protocol: the JSON
/// `__type` (after its `#`) and `message`, the `x-amzn-ErrorType` header, or the
/// XML `<Code>` and `<Message>`.
pub fn error_code(response: &Response) -> (Option<String>, String) {
    let text = response.text();
    if let Ok(Value::Object(body)) = serde_json::from_str::<Value>(&text) {
        let code = body
            .get("__type")
            .or_else(|| body.get("code"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| response.header("x-amzn-errortype").map(str::to_owned))
            .map(|code| short_code(&code));
        let message = ["message", "Message", "errorMessage"]
            .iter()
            .find_map(|key| body.get(*key).and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned();
        return (code, message);
    }
    if let Ok(document) = roxmltree::Document::parse(&text) {
        let find = |name: &str| {
            document
                .descendants()
                .find(|node| node.has_tag_name(name))
                .and_then(|node| node.text())
                .map(str::to_owned)
        };
        return (find("Code"), find("Message").unwrap_or_default());
    }
    let code = response.header("x-amzn-errortype").map(short_code);
    (code, text)
}

/// `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException` →
/// `ResourceNotFoundException`; `ResourceNotFoundException:http://...` too.
fn short_code(code: &str) -> String {
    let code = code.rsplit('#').next().unwrap_or(code);
    code.split(':').next().unwrap_or(code).to_owned()
}

/// The XML document of an answer from `who`, or the Task's failure.
pub fn xml<'a>(text: &'a str, who: &str) -> Result<roxmltree::Document<'a>, TaskError> {
    roxmltree::Document::parse(text).map_err(|error| {
        TaskError::new(
            "States.TaskFailed",
            format!("{who} answered what is not XML: {error}"),
        )
    })
}

/// The request id a response names.
pub fn request_id(response: &Response) -> Option<String> {
    ["x-amzn-requestid", "x-amz-request-id"]
        .iter()
        .find_map(|name| response.header(name))
        .map(str::to_owned)
        .or_else(|| {
            let document =
                roxmltree::Document::parse(std::str::from_utf8(&response.body).ok()?).ok()?;
            document
                .descendants()
                .find(|node| node.has_tag_name("RequestId"))
                .and_then(|node| node.text())
                .map(str::to_owned)
        })
}

/// The `SdkHttpMetadata` and `SdkResponseMetadata` that optimized integrations
/// add to a service's response, as the Java SDK v1 reports its metadata.
pub fn envelope(response: &Response, result: &mut Map<String, Value>) {
    let mut all = Map::new();
    let mut single = Map::new();
    for (name, value) in &response.headers {
        let entry = all
            .entry(name.clone())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(values) = entry {
            values.push(Value::String(value.clone()));
        }
        single
            .entry(name.clone())
            .or_insert_with(|| Value::String(value.clone()));
    }
    let mut http = Map::new();
    http.insert("AllHttpHeaders".into(), Value::Object(all));
    http.insert("HttpHeaders".into(), Value::Object(single));
    http.insert("HttpStatusCode".into(), response.status.into());
    result.insert("SdkHttpMetadata".into(), Value::Object(http));
    let mut metadata = Map::new();
    metadata.insert(
        "RequestId".into(),
        request_id(response).unwrap_or_default().into(),
    );
    result.insert("SdkResponseMetadata".into(), Value::Object(metadata));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn json_errors_are_named_as_the_java_sdk_v1_names_them() {
        let missing = response(
            400,
            &[("x-amzn-RequestId", "R1")],
            r#"{"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "message": "Requested resource not found"}"#,
        );
        let error = DYNAMODB.error(&missing);
        assert_eq!(
            error.error.as_deref(),
            Some("DynamoDB.ResourceNotFoundException")
        );
        assert_eq!(
            error.cause.as_deref(),
            Some(
                "Requested resource not found (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: R1; Proxy: null)"
            )
        );
        let invalid = response(
            400,
            &[],
            r#"{"__type": "com.amazon.coral.validate#ValidationException", "message": "bad"}"#,
        );
        assert_eq!(
            DYNAMODB.error(&invalid).error.as_deref(),
            Some("DynamoDB.AmazonDynamoDBException")
        );
        let queue = response(
            400,
            &[],
            r#"{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "no"}"#,
        );
        assert_eq!(
            SQS.error(&queue).error.as_deref(),
            Some("SQS.QueueDoesNotExistException")
        );
    }

    #[test]
    fn query_errors_are_read_from_their_xml() {
        let missing = response(
            404,
            &[],
            "<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>R2</RequestId></ErrorResponse>",
        );
        let error = SNS.error(&missing);
        assert_eq!(error.error.as_deref(), Some("SNS.NotFoundException"));
        assert!(error.cause.unwrap().starts_with("Topic does not exist (Service: AmazonSNS; Status Code: 404; Error Code: NotFound; Request ID: R2;"));
    }

    #[test]
    fn forms_are_percent_encoded() {
        assert_eq!(encode("a b/é~"), "a%20b%2F%C3%A9~");
        let request = SNS.query_request(
            "http://x",
            "Publish",
            &[("Message".into(), "hi there".into())],
        );
        assert_eq!(
            String::from_utf8(request.body).unwrap(),
            "Action=Publish&Version=2010-03-31&Message=hi%20there"
        );
    }
}
