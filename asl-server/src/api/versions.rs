//! PublishStateMachineVersion, ListStateMachineVersions and
//! DeleteStateMachineVersion.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::paging::{MachineListInput, Paging};
use super::state_machines::{ARN, DESCRIPTION, Empty};
use crate::arn;
use crate::catalog::{CatalogError, Publish};
use crate::protocol::{ApiError, ErrorCode, Kind, Member, Request};
use crate::server::AppState;
use crate::time::Timestamp;

/// PublishStateMachineVersion's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishInput {
    state_machine_arn: String,
    revision_id: Option<String>,
    description: Option<String>,
}

impl Request for PublishInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("stateMachineArn", ARN).required(),
        Member::new("revisionId", Kind::string(0, usize::MAX)),
        Member::new("description", DESCRIPTION),
    ];
}

/// PublishStateMachineVersion's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishOutput {
    creation_date: Timestamp,
    state_machine_version_arn: String,
}

/// PublishStateMachineVersion: the current revision as the next version, or the
/// version that has it already. `revisionId`, if given, must be the current one
/// (`INITIAL` for a machine never updated or published), else `ConflictException`.
pub async fn publish(state: Arc<AppState>, input: PublishInput) -> Result<PublishOutput, ApiError> {
    let machine = arn::unqualified_machine(&input.state_machine_arn)?;
    let publish = Publish {
        description: input.description,
        expected_revision: input.revision_id,
        new_revision_id: uuid::Uuid::new_v4().to_string(),
        date: Timestamp::now(),
    };
    match state.catalog.publish(&machine.machine, &publish) {
        Ok(published) => Ok(PublishOutput {
            creation_date: published.version.creation_date,
            state_machine_version_arn: published.version.arn,
        }),
        Err(CatalogError::NotFound(_)) => Err(ApiError::state_machine_does_not_exist(
            &input.state_machine_arn,
        )),
        Err(CatalogError::RevisionMismatch { current }) => Err(ApiError::new(
            ErrorCode::ConflictException,
            format!(
                "Failed to publish the State Machine version for revision {}. The current State Machine revision is {}.",
                publish.expected_revision.as_deref().unwrap_or_default(),
                current.as_deref().unwrap_or("INITIAL")
            ),
        )),
        Err(error) => Err(error.into()),
    }
}

/// ListStateMachineVersions's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOutput {
    state_machine_versions: Vec<ListItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItem {
    state_machine_version_arn: String,
    creation_date: Timestamp,
}

/// ListStateMachineVersions, newest first.
pub async fn list(state: Arc<AppState>, input: MachineListInput) -> Result<ListOutput, ApiError> {
    let machine = arn::unqualified_machine(&input.state_machine_arn)?;
    let paging = Paging::new(
        format!("ListStateMachineVersions {}", machine.machine),
        input.max_results,
        input.next_token.as_deref(),
    )?;
    let versions = state.catalog.versions(&machine.machine, paging.page())?;
    let (versions, next_token) = paging.finish(versions);
    Ok(ListOutput {
        state_machine_versions: versions
            .into_iter()
            .map(|version| ListItem {
                state_machine_version_arn: version.arn,
                creation_date: version.creation_date,
            })
            .collect(),
        next_token,
    })
}

/// DeleteStateMachineVersion's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteInput {
    state_machine_version_arn: String,
}

impl Request for DeleteInput {
    const MEMBERS: &'static [Member] =
        &[Member::new("stateMachineVersionArn", Kind::string(1, 2000)).required()];
}

/// DeleteStateMachineVersion: `ConflictException` while an alias routes to it;
/// deleting one that does not exist is no error. Its number is never given again.
pub async fn delete(state: Arc<AppState>, input: DeleteInput) -> Result<Empty, ApiError> {
    let (machine, number) = arn::version(&input.state_machine_version_arn)?;
    state.catalog.delete_version(&machine.machine, number)?;
    Ok(Empty {})
}
