//! CreateActivity, DescribeActivity, DeleteActivity and ListActivities.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::paging::{ListInput, Paging};
use super::shapes::{self, ENCRYPTION, EncryptionConfiguration, TAGS, Tag};
use super::state_machines::{ARN, Empty, NAME};
use crate::arn;
use crate::catalog::{Activity, CatalogError};
use crate::protocol::{ApiError, ErrorCode, Member, Request};
use crate::server::AppState;
use crate::time::Timestamp;

/// CreateActivity's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateInput {
    name: String,
    tags: Option<Vec<Tag>>,
    encryption_configuration: Option<EncryptionConfiguration>,
}

impl Request for CreateInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("name", NAME).required(),
        Member::new("tags", TAGS),
        Member::new("encryptionConfiguration", ENCRYPTION),
    ];
}

/// CreateActivity's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOutput {
    activity_arn: String,
    creation_date: Timestamp,
}

/// CreateActivity: idempotent by name (the tags of a repeat are ignored); a
/// repeat with another encryption configuration is `ActivityAlreadyExists`.
pub async fn create(state: Arc<AppState>, input: CreateInput) -> Result<CreateOutput, ApiError> {
    if !arn::valid_name(&input.name) {
        return Err(ApiError::invalid_name(&input.name));
    }
    let arn = state.activity_arn(&input.name);
    let tags = shapes::new_tags(&arn, input.tags)?;
    let activity = Activity {
        arn: arn.clone(),
        name: input.name,
        encryption: shapes::encryption(input.encryption_configuration)?,
        creation_date: Timestamp::now(),
    };
    match state.catalog.create_activity(&activity, &tags) {
        Ok(()) => Ok(CreateOutput {
            activity_arn: arn,
            creation_date: activity.creation_date,
        }),
        Err(CatalogError::Exists(_)) => {
            let existing = state
                .catalog
                .activity(&arn)?
                .filter(|existing| existing.encryption == activity.encryption)
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::ActivityAlreadyExists,
                        format!("Activity Already Exists: '{arn}'"),
                    )
                })?;
            Ok(CreateOutput {
                activity_arn: existing.arn,
                creation_date: existing.creation_date,
            })
        }
        Err(error) => Err(error.into()),
    }
}

/// The request of DescribeActivity and DeleteActivity.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityInput {
    activity_arn: String,
}

impl Request for ActivityInput {
    const MEMBERS: &'static [Member] = &[Member::new("activityArn", ARN).required()];
}

/// DescribeActivity's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeOutput {
    activity_arn: String,
    name: String,
    creation_date: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption_configuration: Option<Value>,
}

/// DescribeActivity.
pub async fn describe(
    state: Arc<AppState>,
    input: ActivityInput,
) -> Result<DescribeOutput, ApiError> {
    arn::activity(&input.activity_arn)?;
    let activity = state
        .catalog
        .activity(&input.activity_arn)?
        .ok_or_else(|| ApiError::activity_does_not_exist(&input.activity_arn))?;
    Ok(DescribeOutput {
        activity_arn: activity.arn,
        name: activity.name,
        creation_date: activity.creation_date,
        encryption_configuration: activity.encryption,
    })
}

/// DeleteActivity: deleting one that does not exist is no error.
pub async fn delete(state: Arc<AppState>, input: ActivityInput) -> Result<Empty, ApiError> {
    arn::activity(&input.activity_arn)?;
    state.catalog.delete_activity(&input.activity_arn)?;
    Ok(Empty {})
}

/// ListActivities's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOutput {
    activities: Vec<ListItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItem {
    activity_arn: String,
    name: String,
    creation_date: Timestamp,
}

/// ListActivities, by name.
pub async fn list(state: Arc<AppState>, input: ListInput) -> Result<ListOutput, ApiError> {
    let paging = Paging::new(
        "ListActivities",
        input.max_results,
        input.next_token.as_deref(),
    )?;
    let (activities, next_token) = paging.finish(state.catalog.activities(paging.page())?);
    Ok(ListOutput {
        activities: activities
            .into_iter()
            .map(|activity| ListItem {
                activity_arn: activity.arn,
                name: activity.name,
                creation_date: activity.creation_date,
            })
            .collect(),
        next_token,
    })
}
