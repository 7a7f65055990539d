//! SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat and GetActivityTask: the
//! answers of callback Tasks and activity workers, recorded in the store and handed
//! to the worker whose execution waits for them.

use std::sync::Arc;
use std::time::Duration;

use asl_engine::EngineError;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::executions::{CAUSE, DATA, ERROR};
use super::state_machines::{ARN, NAME};
use crate::arn;
use crate::protocol::{ApiError, ErrorCode, Kind, Member, Request};
use crate::server::AppState;

/// A task token: 1 to 2048 characters.
const TOKEN: Kind = Kind::string(1, 2048);

/// How long GetActivityTask waits for a task (AWS long-polls 60 seconds).
const LONG_POLL: Duration = Duration::from_secs(60);

/// What an engine's refusal of a token answers.
fn token_error(error: EngineError) -> ApiError {
    match error {
        EngineError::InvalidToken(_) => {
            ApiError::new(ErrorCode::InvalidToken, "Invalid Token: 'Invalid token'")
        }
        EngineError::TaskDoesNotExist => ApiError::new(
            ErrorCode::TaskDoesNotExist,
            "Task Does Not Exist: no execution waits for this token",
        ),
        EngineError::TaskTimedOut => ApiError::new(
            ErrorCode::TaskTimedOut,
            "Task Timed Out: the task of this token was answered, timed out, or its execution ended",
        ),
        other => ApiError::internal(&other),
    }
}

/// SendTaskSuccess's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuccessInput {
    task_token: String,
    output: String,
}

impl Request for SuccessInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("taskToken", TOKEN).required(),
        Member::new("output", DATA).required(),
    ];
}

/// The empty answer of the callback actions.
#[derive(Debug, Serialize)]
pub struct Empty {}

/// SendTaskSuccess: the output must be JSON (`InvalidOutput`).
pub async fn success(state: Arc<AppState>, input: SuccessInput) -> Result<Empty, ApiError> {
    let output: Value = serde_json::from_str(&input.output).map_err(|error| {
        ApiError::new(
            ErrorCode::InvalidOutput,
            format!("Invalid Output: '{error}'"),
        )
    })?;
    state
        .control
        .send_task_success(&input.task_token, output)
        .map_err(token_error)?;
    state.host.deliver(&input.task_token).await;
    Ok(Empty {})
}

/// SendTaskFailure's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureInput {
    task_token: String,
    error: Option<String>,
    cause: Option<String>,
}

impl Request for FailureInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("taskToken", TOKEN).required(),
        Member::new("error", ERROR),
        Member::new("cause", CAUSE),
    ];
}

/// SendTaskFailure: the Task fails with `error` and `cause`, which its Retry and
/// Catch see.
pub async fn failure(state: Arc<AppState>, input: FailureInput) -> Result<Empty, ApiError> {
    state
        .control
        .send_task_failure(&input.task_token, input.error, input.cause)
        .map_err(token_error)?;
    state.host.deliver(&input.task_token).await;
    Ok(Empty {})
}

/// SendTaskHeartbeat's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeartbeatInput {
    task_token: String,
}

impl Request for HeartbeatInput {
    const MEMBERS: &'static [Member] = &[Member::new("taskToken", TOKEN).required()];
}

/// SendTaskHeartbeat: restarts the Task's `HeartbeatSeconds` clock.
pub async fn heartbeat(state: Arc<AppState>, input: HeartbeatInput) -> Result<Empty, ApiError> {
    state
        .control
        .send_task_heartbeat(&input.task_token)
        .map_err(token_error)?;
    state.host.heartbeat(&input.task_token).await;
    Ok(Empty {})
}

/// GetActivityTask's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityTaskInput {
    activity_arn: String,
}

impl Request for ActivityTaskInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("activityArn", ARN).required(),
        // Checked and accepted; the history does not name workers.
        Member::new("workerName", NAME),
    ];
}

/// GetActivityTask's response: empty when no task came within the long poll.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityTaskOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    task_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    input: Option<String>,
}

/// GetActivityTask: the next task of the activity that any execution offers,
/// long-polling 60 seconds.
pub async fn activity_task(
    state: Arc<AppState>,
    input: ActivityTaskInput,
) -> Result<ActivityTaskOutput, ApiError> {
    arn::activity(&input.activity_arn)?;
    state
        .catalog
        .activity(&input.activity_arn)?
        .ok_or_else(|| ApiError::activity_does_not_exist(&input.activity_arn))?;
    let task = state
        .host
        .activity_task(&input.activity_arn, LONG_POLL)
        .await;
    Ok(ActivityTaskOutput {
        task_token: task.as_ref().map(|task| task.token.clone()),
        input: task.map(|task| task.input.to_string()),
    })
}
