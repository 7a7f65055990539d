//! The actions of the API: one module per family, each action a typed handler over
//! the [`AppState`]. [`actions`] is the dispatch table.
//!
//! To add an action: write its request struct (`#[derive(Deserialize)]`,
//! camelCase members) with the model's constraints as its
//! [`Request::MEMBERS`](crate::protocol::Request::MEMBERS), its response struct
//! (`#[derive(Serialize)]`), an `async fn(Arc<AppState>, Input) -> Result<Output,
//! ApiError>`, and one line in [`actions`].

mod activities;
mod aliases;
mod callbacks;
mod definition;
pub(crate) mod executions;
mod map_runs;
mod paging;
mod shapes;
mod state_machines;
mod tags;
mod test_state;
mod versions;

use crate::catalog::CatalogError;
use crate::protocol::{Actions, ApiError, ErrorCode};
use crate::server::AppState;

/// Every action the server answers, by name.
pub fn actions() -> Actions<AppState> {
    Actions::new()
        .add("CreateStateMachine", state_machines::create)
        .add("DescribeStateMachine", state_machines::describe)
        .add("UpdateStateMachine", state_machines::update)
        .add("DeleteStateMachine", state_machines::delete)
        .add("ListStateMachines", state_machines::list)
        .add("ValidateStateMachineDefinition", definition::validate)
        .add("PublishStateMachineVersion", versions::publish)
        .add("ListStateMachineVersions", versions::list)
        .add("DeleteStateMachineVersion", versions::delete)
        .add("CreateStateMachineAlias", aliases::create)
        .add("DescribeStateMachineAlias", aliases::describe)
        .add("UpdateStateMachineAlias", aliases::update)
        .add("DeleteStateMachineAlias", aliases::delete)
        .add("ListStateMachineAliases", aliases::list)
        .add("CreateActivity", activities::create)
        .add("DescribeActivity", activities::describe)
        .add("DeleteActivity", activities::delete)
        .add("ListActivities", activities::list)
        .add("TagResource", tags::tag)
        .add("UntagResource", tags::untag)
        .add("ListTagsForResource", tags::list)
        .add("StartExecution", executions::start)
        .add("StartSyncExecution", executions::start_sync)
        .add("DescribeExecution", executions::describe)
        .add("ListExecutions", executions::list)
        .add("StopExecution", executions::stop)
        .add("GetExecutionHistory", executions::history)
        .add("RedriveExecution", executions::redrive)
        .add("ListMapRuns", map_runs::list)
        .add("DescribeMapRun", map_runs::describe)
        .add("UpdateMapRun", map_runs::update)
        .add(
            "DescribeStateMachineForExecution",
            executions::machine_for_execution,
        )
        .add("SendTaskSuccess", callbacks::success)
        .add("SendTaskFailure", callbacks::failure)
        .add("SendTaskHeartbeat", callbacks::heartbeat)
        .add("GetActivityTask", callbacks::activity_task)
        .add("TestState", test_state::test)
}

/// What a catalog failure answers when the action has nothing more precise to say.
impl From<CatalogError> for ApiError {
    fn from(error: CatalogError) -> ApiError {
        match error {
            CatalogError::Exists(arn) => ApiError::new(
                ErrorCode::ConflictException,
                format!("Resource already exists: '{arn}'"),
            ),
            CatalogError::NotFound(arn) => ApiError::resource_not_found("Resource", &arn),
            CatalogError::RevisionMismatch { current } => ApiError::new(
                ErrorCode::ConflictException,
                format!(
                    "The revision id given is not the state machine's current revision ({})",
                    current.as_deref().unwrap_or("INITIAL")
                ),
            ),
            CatalogError::VersionInUse(aliases) => ApiError::new(
                ErrorCode::ConflictException,
                format!(
                    "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [{}]",
                    aliases.join(", ")
                ),
            ),
            CatalogError::MissingVersion(arn) => {
                ApiError::resource_not_found("State Machine Version", &arn)
            }
            CatalogError::QuotaExceeded(message) => {
                ApiError::new(ErrorCode::ServiceQuotaExceededException, message)
            }
            CatalogError::BadCursor(_) => ApiError::invalid_token(),
            CatalogError::TooManyTags => ApiError::new(
                ErrorCode::TooManyTags,
                format!(
                    "A resource can have at most {} tags",
                    crate::catalog::MAX_TAGS
                ),
            ),
            CatalogError::Backend(error) => ApiError::internal(&*error),
        }
    }
}
