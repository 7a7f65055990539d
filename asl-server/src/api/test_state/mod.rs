//! TestState: one state run alone on a given input, as AWS's `TestState` runs it.
//!
//! The state (given alone, or as `stateName` of a whole machine) is compiled, as
//! every definition is, into a machine of its own built for TestState (see
//! `asl_codegen::Settings::for_test_state`): it runs only that state, records each
//! step of its data flow, takes the request's mock for its work, does not wait,
//! and decides its retries and catches without running them. The compile is
//! content-addressed like any other: testing the same state again, with any input,
//! mock or configuration, reuses it.
//!
//! What differs from AWS: a Task without a mock runs as in executions (its
//! binding, or the AWS service with the server's credentials), not with the IAM
//! role; `fieldValidationMode` STRICT and PRESENT do not check a mocked result
//! against the AWS service's response shape (asl carries no service models).

mod inspection;
mod plan;

use std::sync::Arc;
use std::time::Duration;

use asl_standalone::worker::protocol::Test;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::definition::DEFINITION;
use super::executions::{CAUSE, DATA, ERROR, host_error};
use crate::protocol::{ApiError, ErrorCode, Kind, Member, Request};
use crate::server::AppState;
use plan::{Plan, StateType};

/// The machine name states are tested under (`$$.StateMachine.Name`).
const MACHINE: &str = "TestState";

/// How long a test may run (AWS: five minutes, then `States.Timeout`).
const LIMIT: Duration = Duration::from_secs(300);

/// `mock`.
const MOCK: Kind = Kind::Structure(&[
    Member::new("result", DATA),
    Member::new(
        "errorOutput",
        Kind::Structure(&[Member::new("error", ERROR), Member::new("cause", CAUSE)]),
    ),
    Member::new(
        "fieldValidationMode",
        Kind::Enum(&["STRICT", "PRESENT", "NONE"]),
    ),
]);

/// `stateConfiguration`.
const CONFIGURATION: Kind = Kind::Structure(&[
    Member::new("retrierRetryCount", Kind::integer(0, i32::MAX as i64)),
    Member::new("errorCausedByState", Kind::string(1, 80)),
    Member::new(
        "mapIterationFailureCount",
        Kind::integer(0, i32::MAX as i64),
    ),
    Member::new("mapItemReaderData", DATA),
]);

/// TestState's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestInput {
    definition: String,
    role_arn: Option<String>,
    input: Option<String>,
    inspection_level: Option<String>,
    reveal_secrets: Option<bool>,
    variables: Option<String>,
    state_name: Option<String>,
    mock: Option<MockInput>,
    context: Option<String>,
    state_configuration: Option<Configuration>,
}

impl Request for TestInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("definition", DEFINITION).required(),
        Member::new("roleArn", Kind::string(1, 256)),
        Member::new("input", DATA),
        Member::new("inspectionLevel", Kind::Enum(&["INFO", "DEBUG", "TRACE"])),
        Member::new("revealSecrets", Kind::Boolean),
        Member::new("variables", DATA),
        Member::new("stateName", Kind::string(1, 80)),
        Member::new("mock", MOCK),
        Member::new("context", DATA),
        Member::new("stateConfiguration", CONFIGURATION),
    ];
}

/// `mock`: the result of the state's work, or the error it fails with.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MockInput {
    result: Option<String>,
    error_output: Option<MockError>,
}

/// `mock.errorOutput`.
#[derive(Debug, Deserialize)]
struct MockError {
    error: Option<String>,
    cause: Option<String>,
}

/// `stateConfiguration`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Configuration {
    retrier_retry_count: Option<u64>,
    error_caused_by_state: Option<String>,
    map_iteration_failure_count: Option<u64>,
    map_item_reader_data: Option<String>,
}

/// TestState's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    inspection_data: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_state: Option<String>,
    status: String,
}

/// The mock a request gives, checked against the state it mocks.
enum Mocked {
    Result(Value),
    Error(String, String),
}

/// TestState: runs the state the request names on its input, as AWS would (see
/// the [module](self)).
pub async fn test(state: Arc<AppState>, request: TestInput) -> Result<TestOutput, ApiError> {
    let plan = Plan::new(&request.definition, request.state_name.as_deref())?;
    let mock = mocked(&plan, &request)?;
    let configuration = request.state_configuration.unwrap_or_default();
    configured(&plan, mock.as_ref(), &configuration)?;
    if plan.state_type == StateType::Task && mock.is_none() {
        if request.role_arn.is_none() {
            return Err(ApiError::validation(
                "RoleArn must be specified when testing a Task state",
            ));
        }
        if plan.waits_for_answer() {
            return Err(ApiError::validation(
                "TestState supports activity tasks and the .sync and .waitForTaskToken \
                 integration patterns only when a mock is specified",
            ));
        }
    }
    let input = json_text(request.input.as_deref(), "input")?.unwrap_or_else(|| json!({}));
    let variables = match json_text(request.variables.as_deref(), "variables")? {
        None => Map::new(),
        Some(Value::Object(variables)) => variables,
        Some(_) => {
            return Err(ApiError::validation(
                "Invalid variables provided: variables must be a JSON object",
            ));
        }
    };
    let context = match json_text(request.context.as_deref(), "context")? {
        None => None,
        Some(_) if mock.is_none() => {
            return Err(ApiError::validation(
                "TestState does not support a Context object when a mock is not specified.",
            ));
        }
        Some(context) => Some(checked_context(&plan, context)?),
    };
    let names: Vec<String> = variables.keys().cloned().collect();
    let id = state
        .host
        .prepare_test(MACHINE, &plan.definition, names)
        .map_err(host_error)?;
    let (mock, mock_error) = match mock {
        None => (None, None),
        Some(Mocked::Result(result)) => (Some(result), None),
        Some(Mocked::Error(error, cause)) => (None, Some((error, cause))),
    };
    let test = Test {
        input: input.clone(),
        name: uuid::Uuid::new_v4().to_string(),
        variables,
        context,
        mock,
        mock_error,
        retrier_retry_count: configuration.retrier_retry_count.unwrap_or(0),
        map_iteration_failure_count: configuration.map_iteration_failure_count,
        reveal_secrets: request.reveal_secrets.unwrap_or(false),
    };
    let tested = match tokio::time::timeout(LIMIT, state.host.test(&id, test)).await {
        Ok(tested) => tested.map_err(host_error)?,
        Err(_) => {
            return Ok(TestOutput {
                output: None,
                error: Some("States.Timeout".into()),
                cause: Some("The state ran past five minutes".into()),
                inspection_data: None,
                next_state: None,
                status: "FAILED".into(),
            });
        }
    };
    let level = request.inspection_level.as_deref();
    let inspect = matches!(level, Some("DEBUG" | "TRACE"));
    let trace = level == Some("TRACE");
    Ok(TestOutput {
        inspection_data: inspect.then(|| inspection::data(&plan, &input, &tested, trace)),
        output: tested.output.map(|output| output.to_string()),
        error: tested.error,
        cause: tested.cause,
        next_state: tested.next_state,
        status: tested.status,
    })
}

/// The request's mock, checked as AWS checks it.
fn mocked(plan: &Plan, request: &TestInput) -> Result<Option<Mocked>, ApiError> {
    let Some(mock) = &request.mock else {
        if matches!(plan.state_type, StateType::Map | StateType::Parallel) {
            return Err(ApiError::new(
                ErrorCode::InvalidDefinition,
                "TestState API does not support Map or Parallel states. Supported state types \
                 include: [Task, Wait, Pass, Succeed, Fail, Choice]",
            ));
        }
        return Ok(None);
    };
    if matches!(
        plan.state_type,
        StateType::Pass | StateType::Fail | StateType::Succeed
    ) {
        return Err(ApiError::validation(format!(
            "State type '{}' is not supported when a mock is specified",
            plan.state_type.name()
        )));
    }
    if request.reveal_secrets == Some(true) {
        return Err(ApiError::validation(
            "TestState does not support RevealSecrets when a mock is specified.",
        ));
    }
    match (&mock.result, &mock.error_output) {
        (Some(_), Some(_)) => Err(ApiError::validation(
            "A test mock should have only one of the following fields: [result, errorOutput].",
        )),
        (Some(text), None) => {
            let result: Value = serde_json::from_str(text)
                .map_err(|_| ApiError::validation("Mocked result must be valid JSON"))?;
            mock_shape(plan, &result)?;
            Ok(Some(Mocked::Result(result)))
        }
        (None, Some(error)) => Ok(Some(Mocked::Error(
            error.error.clone().unwrap_or_default(),
            error.cause.clone().unwrap_or_default(),
        ))),
        (None, None) => Err(ApiError::validation(
            "A test mock should have one of the following fields: [result, errorOutput].",
        )),
    }
}

/// A mocked result of a Map or Parallel state must have the shape of theirs.
fn mock_shape(plan: &Plan, result: &Value) -> Result<(), ApiError> {
    let writes = plan.state.contains_key("ResultWriter");
    match plan.state_type {
        StateType::Map if writes && !result.is_object() => {
            Err(ApiError::validation("Mocked result must be a JSON object."))
        }
        StateType::Map if !writes && !result.is_array() => {
            Err(ApiError::validation("Mocked result must be an array."))
        }
        StateType::Parallel => match result.as_array() {
            None => Err(ApiError::validation("Mocked result must be an array.")),
            Some(results) if results.len() != plan.branches() => Err(ApiError::validation(
                "Mocked result must contain the same number of items as number of Parallel \
                 branches.",
            )),
            Some(_) => Ok(()),
        },
        _ => Ok(()),
    }
}

/// `stateConfiguration`, checked against the state and the mock.
fn configured(
    plan: &Plan,
    mock: Option<&Mocked>,
    configuration: &Configuration,
) -> Result<(), ApiError> {
    if let Some(failures) = configuration.map_iteration_failure_count {
        let Some(mock) = mock else {
            return Err(ApiError::validation(
                "TestState does not support MapIterationFailureCount when a mock is not \
                 specified.",
            ));
        };
        if let Mocked::Result(Value::Array(results)) = mock
            && failures > results.len() as u64
        {
            return Err(ApiError::validation(
                "Map iteration failure count must be less than or equal to the number of Map \
                 iterations",
            ));
        }
    }
    if let Some(name) = &configuration.error_caused_by_state {
        if !matches!(plan.state_type, StateType::Map | StateType::Parallel) {
            return Err(ApiError::validation(
                "ErrorCausedByState is supported only for Map and Parallel states.",
            ));
        }
        if !plan.has_nested_state(name) {
            return Err(ApiError::validation(format!(
                "ErrorCausedByState '{name}' is not a state of the Map or Parallel state"
            )));
        }
    }
    if let Some(text) = &configuration.map_item_reader_data
        && serde_json::from_str::<Value>(text).is_err()
    {
        return Err(ApiError::validation("MapItemReaderData must be valid JSON"));
    }
    Ok(())
}

/// A JSON text member of the request, parsed; bad JSON is `InvalidExecutionInput`
/// for `input`, `ValidationException` for the others.
fn json_text(text: Option<&str>, member: &str) -> Result<Option<Value>, ApiError> {
    let Some(text) = text else {
        return Ok(None);
    };
    serde_json::from_str(text).map(Some).map_err(|error| {
        if member == "input" {
            ApiError::new(
                ErrorCode::InvalidExecutionInput,
                format!("Invalid State Machine Execution Input: '{error}'"),
            )
        } else {
            ApiError::validation(format!("Invalid {member} provided: '{error}'"))
        }
    })
}

/// The Context object a request gives, checked as AWS checks it: an object of
/// `Execution`, `State`, `StateMachine` (and `Task`, for a Task waiting for a
/// token) with their known fields, the ids and names strings.
fn checked_context(plan: &Plan, context: Value) -> Result<Value, ApiError> {
    let invalid =
        |why: String| ApiError::validation(format!("Invalid Context object provided: {why}"));
    let Value::Object(members) = &context else {
        return Err(invalid("the Context object must be a JSON object".into()));
    };
    for (member, value) in members {
        let fields: &[&str] = match member.as_str() {
            "Execution" => &[
                "Id",
                "Input",
                "Name",
                "RoleArn",
                "StartTime",
                "RedriveCount",
                "RedriveTime",
            ],
            "State" => &["EnteredTime", "Name", "RetryCount"],
            "StateMachine" => &["Id", "Name"],
            "Task" if plan.state_type == StateType::Task && plan.has_token() => &["Token"],
            "Task" => {
                return Err(invalid(
                    "Context object contains 'Task' when state is not a Task state with a \
                     '.sync' or '.waitForTaskToken' service integration pattern"
                        .into(),
                ));
            }
            "Map" => {
                return Err(invalid(
                    "'Map' field is not supported when mocking a Context object".into(),
                ));
            }
            other => return Err(invalid(format!("Field '{other}' is not allowed"))),
        };
        let Value::Object(inner) = value else {
            return Err(invalid(format!("{member} must be an object")));
        };
        for (field, value) in inner {
            if !fields.contains(&field.as_str()) {
                return Err(invalid(format!("Field '{field}' is not allowed")));
            }
            let text = matches!(
                field.as_str(),
                "Id" | "Name" | "RoleArn" | "StartTime" | "EnteredTime" | "Token" | "RedriveTime"
            );
            if text && !value.is_string() {
                return Err(invalid(format!("{member}.{field} must be a string")));
            }
        }
    }
    Ok(context)
}
