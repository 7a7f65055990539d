//! The generic AWS SDK integration, `arn:aws:states:::aws-sdk:<service>:<action>`,
//! for the services that speak AWS JSON 1.0/1.1 or the Query protocol: the action
//! in camelCase becomes the operation (`getSecretValue` → `GetSecretValue`), the
//! parameters in PascalCase become the service's member names, the answer comes
//! back with every member name in PascalCase and no SDK envelope, and errors are
//! named as the AWS Java SDK v2 names them (`SecretsManager.ResourceNotFoundException`).

use serde_json::{Map, Value};

use asl_runtime::task::{TaskContext, TaskError};

use super::Aws;
use super::http::Response;
use super::operations::OPERATIONS;
use super::protocol::{error_code, json_request, query_request, request_id, xml};

/// A service the generic integration calls.
#[derive(Debug, Clone, Copy)]
pub struct SdkService {
    /// Its name in Resources (`aws-sdk:<sdk>:...`).
    pub sdk: &'static str,
    /// Its service id.
    pub id: &'static str,
    /// The first label of its hosts.
    pub endpoint_prefix: &'static str,
    /// Its name in signatures.
    pub signing_name: &'static str,
    /// Its protocol.
    pub protocol: Wire,
    /// Whether its member names are camelCase (else PascalCase, as Resources
    /// write them).
    pub camel_case: bool,
    /// The prefix of its error names (`SecretsManager`).
    pub error_prefix: &'static str,
}

/// How a service's requests are written.
#[derive(Debug, Clone, Copy)]
pub enum Wire {
    /// AWS JSON: `X-Amz-Target: <target>.<Operation>`, content type
    /// `application/x-amz-json-<version>`.
    Json(&'static str, &'static str),
    /// The Query protocol of API version `.0`.
    Query(&'static str),
}

/// A service whose hosts and signatures are named `prefix`, speaking `protocol`.
const fn sdk_service(
    (sdk, id, prefix): (&'static str, &'static str, &'static str),
    protocol: Wire,
    error_prefix: &'static str,
) -> SdkService {
    SdkService {
        sdk,
        id,
        endpoint_prefix: prefix,
        signing_name: prefix,
        protocol,
        camel_case: false,
        error_prefix,
    }
}

const fn json(
    sdk: &'static str,
    id: &'static str,
    prefix: &'static str,
    target: &'static str,
    version: &'static str,
    error_prefix: &'static str,
) -> SdkService {
    sdk_service((sdk, id, prefix), Wire::Json(target, version), error_prefix)
}

const fn query(
    sdk: &'static str,
    id: &'static str,
    prefix: &'static str,
    version: &'static str,
    error_prefix: &'static str,
) -> SdkService {
    sdk_service((sdk, id, prefix), Wire::Query(version), error_prefix)
}

const fn camel(service: SdkService) -> SdkService {
    SdkService {
        camel_case: true,
        ..service
    }
}

const fn signed_as(service: SdkService, signing_name: &'static str) -> SdkService {
    SdkService {
        signing_name,
        ..service
    }
}

/// The services the generic integration calls.
pub const SERVICES: &[SdkService] = &[
    json(
        "dynamodb",
        "DynamoDB",
        "dynamodb",
        "DynamoDB_20120810",
        "1.0",
        "DynamoDb",
    ),
    json("sqs", "SQS", "sqs", "AmazonSQS", "1.0", "Sqs"),
    json(
        "eventbridge",
        "EventBridge",
        "events",
        "AWSEvents",
        "1.1",
        "EventBridge",
    ),
    json(
        "secretsmanager",
        "Secrets Manager",
        "secretsmanager",
        "secretsmanager",
        "1.1",
        "SecretsManager",
    ),
    json("ssm", "SSM", "ssm", "AmazonSSM", "1.1", "Ssm"),
    json(
        "kinesis",
        "Kinesis",
        "kinesis",
        "Kinesis_20131202",
        "1.1",
        "Kinesis",
    ),
    json("kms", "KMS", "kms", "TrentService", "1.1", "Kms"),
    json(
        "firehose",
        "Firehose",
        "firehose",
        "Firehose_20150804",
        "1.1",
        "Firehose",
    ),
    json(
        "athena",
        "Athena",
        "athena",
        "AmazonAthena",
        "1.1",
        "Athena",
    ),
    json("glue", "Glue", "glue", "AWSGlue", "1.1", "Glue"),
    json(
        "textract", "Textract", "textract", "Textract", "1.1", "Textract",
    ),
    json(
        "comprehend",
        "Comprehend",
        "comprehend",
        "Comprehend_20171127",
        "1.1",
        "Comprehend",
    ),
    json(
        "translate",
        "Translate",
        "translate",
        "AWSShineFrontendService_20170701",
        "1.1",
        "Translate",
    ),
    json(
        "cognitoidentityprovider",
        "Cognito Identity Provider",
        "cognito-idp",
        "AWSCognitoIdentityProviderService",
        "1.1",
        "CognitoIdentityProvider",
    ),
    json(
        "emr",
        "EMR",
        "elasticmapreduce",
        "ElasticMapReduce",
        "1.1",
        "Emr",
    ),
    signed_as(
        json(
            "sagemaker",
            "SageMaker",
            "api.sagemaker",
            "SageMaker",
            "1.1",
            "SageMaker",
        ),
        "sagemaker",
    ),
    camel(signed_as(
        json("sfn", "SFN", "states", "AWSStepFunctions", "1.0", "Sfn"),
        "states",
    )),
    camel(json(
        "ecs",
        "ECS",
        "ecs",
        "AmazonEC2ContainerServiceV20141113",
        "1.1",
        "Ecs",
    )),
    camel(signed_as(
        json(
            "ecr",
            "ECR",
            "api.ecr",
            "AmazonEC2ContainerRegistry_V20150921",
            "1.1",
            "Ecr",
        ),
        "ecr",
    )),
    camel(json(
        "codebuild",
        "CodeBuild",
        "codebuild",
        "CodeBuild_20161006",
        "1.1",
        "CodeBuild",
    )),
    camel(json(
        "codepipeline",
        "CodePipeline",
        "codepipeline",
        "CodePipeline_20150709",
        "1.1",
        "CodePipeline",
    )),
    camel(json(
        "cloudwatchlogs",
        "CloudWatch Logs",
        "logs",
        "Logs_20140328",
        "1.1",
        "CloudWatchLogs",
    )),
    query("sns", "SNS", "sns", "2010-03-31", "Sns"),
    query("sts", "STS", "sts", "2011-06-15", "Sts"),
    query("iam", "IAM", "iam", "2010-05-08", "Iam"),
    signed_as(query("ses", "SES", "email", "2010-12-01", "Ses"), "ses"),
    query("rds", "RDS", "rds", "2014-10-31", "Rds"),
    query(
        "cloudformation",
        "CloudFormation",
        "cloudformation",
        "2010-05-15",
        "CloudFormation",
    ),
    query(
        "elasticache",
        "ElastiCache",
        "elasticache",
        "2015-02-02",
        "ElastiCache",
    ),
];

impl SdkService {
    /// Whether the service has `action` (camelCase, as Resources name it).
    pub fn has(&self, action: &str) -> bool {
        self.operations()
            .binary_search(&upper_first(action).as_str())
            .is_ok()
    }

    /// The action of the service whose name differs from `action` only in case,
    /// in camelCase.
    pub fn like(&self, action: &str) -> Option<String> {
        self.operations()
            .iter()
            .find(|operation| operation.eq_ignore_ascii_case(action))
            .map(|operation| lower_first(operation))
    }

    /// Its operations, sorted.
    fn operations(&self) -> &'static [&'static str] {
        OPERATIONS
            .binary_search_by_key(&self.sdk, |(sdk, _)| sdk)
            .map_or(&[], |found| OPERATIONS[found].1)
    }
}

/// The service `aws-sdk:<sdk>` names, when the generic integration calls it.
pub fn service(sdk: &str) -> Option<&'static SdkService> {
    SERVICES.iter().find(|service| service.sdk == sdk)
}

impl Aws {
    /// Calls `action` (camelCase) of `service` with `parameters`.
    pub(super) async fn sdk(
        &self,
        service: &'static SdkService,
        action: &str,
        task: &TaskContext<'_>,
        parameters: Value,
    ) -> Result<Value, TaskError> {
        let operation = upper_first(action);
        let endpoint = self.config.endpoint(service.id, service.endpoint_prefix);
        let request = match service.protocol {
            Wire::Json(target, version) => {
                let body = if service.camel_case {
                    renamed(parameters, lower_first)
                } else {
                    parameters
                };
                json_request(&endpoint, (target, version), &operation, &body)
            }
            Wire::Query(version) => {
                let mut fields = Vec::new();
                flatten("", &parameters, &mut fields);
                query_request(&endpoint, version, &operation, &fields)
            }
        };
        let response = self
            .exchange(
                service.signing_name,
                service.error_prefix,
                request,
                task,
                |response| error(service, response),
            )
            .await?;
        match service.protocol {
            Wire::Json(..) => {
                let answer: Value = if response.body.is_empty() {
                    Value::Object(Map::new())
                } else {
                    serde_json::from_slice(&response.body).map_err(|error| {
                        TaskError::new("States.TaskFailed", format!("{}: {error}", service.id))
                    })?
                };
                // A camelCase service's answer in PascalCase; the others' are
                // already (and their maps keep their keys).
                Ok(if service.camel_case {
                    renamed(answer, upper_first)
                } else {
                    answer
                })
            }
            Wire::Query(_) => query_result(&response, &operation),
        }
    }
}

/// `value` with the first letter of every member name changed by `case`.
pub(super) fn renamed(value: Value, case: fn(&str) -> String) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .map(|(name, value)| (case(&name), renamed(value, case)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|item| renamed(item, case)).collect())
        }
        other => other,
    }
}

/// `value` with the first letter of its own member names (not of those nested in
/// them) changed by `case`.
pub(super) fn renamed_top(value: Value, case: fn(&str) -> String) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .map(|(name, value)| (case(&name), value))
                .collect(),
        ),
        other => other,
    }
}

pub(super) fn upper_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub(super) fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The Query protocol's form fields of `value` under `prefix`: members as
/// `Prefix.Member`, list items as `Prefix.member.N`, scalars as text.
fn flatten(prefix: &str, value: &Value, fields: &mut Vec<(String, String)>) {
    let join = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        }
    };
    match value {
        Value::Object(members) => {
            for (name, value) in members {
                flatten(&join(name), value, fields);
            }
        }
        Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                flatten(&join(&format!("member.{}", n + 1)), item, fields);
            }
        }
        Value::String(text) => fields.push((prefix.to_owned(), text.clone())),
        Value::Null => {}
        other => fields.push((prefix.to_owned(), other.to_string())),
    }
}

/// A Query answer: the elements of `<OperationResult>` as JSON, lists of
/// `member` elements as arrays, texts as strings.
fn query_result(response: &Response, operation: &str) -> Result<Value, TaskError> {
    let text = response.text();
    let document = xml(&text, "the service")?;
    let result = document
        .descendants()
        .find(|node| node.has_tag_name(format!("{operation}Result").as_str()));
    Ok(result.map_or(Value::Object(Map::new()), element))
}

fn element(node: roxmltree::Node<'_, '_>) -> Value {
    let children: Vec<_> = node
        .children()
        .filter(roxmltree::Node::is_element)
        .collect();
    if children.is_empty() {
        return Value::String(node.text().unwrap_or_default().to_owned());
    }
    if children.iter().all(|child| child.has_tag_name("member")) {
        return Value::Array(children.into_iter().map(element).collect());
    }
    let mut members = Map::new();
    for child in children {
        members.insert(child.tag_name().name().to_owned(), element(child));
    }
    Value::Object(members)
}

/// The error of a non-2xx answer, as the Java SDK v2 names it:
/// `<Prefix>.<Code>Exception`, or `<Prefix>.<Prefix>Exception` without a code.
fn error(service: &SdkService, response: &Response) -> TaskError {
    let (code, message) = error_code(response);
    let prefix = service.error_prefix;
    let class = match code {
        Some(code) if code.ends_with("Exception") => code,
        Some(code) => format!("{code}Exception"),
        None => format!("{prefix}Exception"),
    };
    TaskError::new(
        format!("{prefix}.{class}"),
        format!(
            "{message} (Service: {prefix}, Status Code: {}, Request ID: {})",
            response.status,
            request_id(response).unwrap_or_default()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn camel_case_services_take_their_own_member_names() {
        let given = json!({"StateMachineArn": "arn", "Tags": [{"Key": "k"}]});
        assert_eq!(
            renamed(given, lower_first),
            json!({"stateMachineArn": "arn", "tags": [{"key": "k"}]})
        );
        assert_eq!(
            renamed(json!({"executionArn": "a", "startDate": 1.5}), upper_first),
            json!({"ExecutionArn": "a", "StartDate": 1.5})
        );
    }

    #[test]
    fn query_forms_flatten_members_and_lists() {
        let mut fields = Vec::new();
        flatten(
            "",
            &json!({"TopicArn": "t", "Tags": [{"Key": "k", "Value": "v"}], "Count": 2}),
            &mut fields,
        );
        assert_eq!(
            fields,
            vec![
                ("TopicArn".to_owned(), "t".to_owned()),
                ("Tags.member.1.Key".to_owned(), "k".to_owned()),
                ("Tags.member.1.Value".to_owned(), "v".to_owned()),
                ("Count".to_owned(), "2".to_owned()),
            ]
        );
    }

    #[test]
    fn errors_are_named_as_the_java_sdk_v2_names_them() {
        let response = Response {
            status: 400,
            headers: vec![("x-amzn-RequestId".into(), "R".into())],
            body: br#"{"__type": "ResourceNotFoundException", "message": "Secrets Manager can't find the specified secret."}"#.to_vec(),
        };
        let error = error(service("secretsmanager").unwrap(), &response);
        assert_eq!(
            error.error.as_deref(),
            Some("SecretsManager.ResourceNotFoundException")
        );
        assert_eq!(
            error.cause.as_deref(),
            Some(
                "Secrets Manager can't find the specified secret. (Service: SecretsManager, Status Code: 400, Request ID: R)"
            )
        );
    }
}
