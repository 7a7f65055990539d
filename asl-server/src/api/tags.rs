//! TagResource, UntagResource and ListTagsForResource, on state machines and
//! activities.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::shapes::{self, TAG_KEY, TAGS, Tag};
use super::state_machines::{ARN, Empty};
use crate::arn;
use crate::catalog::CatalogError;
use crate::protocol::{ApiError, Kind, Member, Request};
use crate::server::AppState;

/// `ResourceNotFound` unless `resource` is a state machine or an activity that
/// exists; `InvalidArn` unless it is the ARN of one.
fn require_resource(state: &AppState, resource: &str) -> Result<(), ApiError> {
    let exists = if arn::activity(resource).is_ok() {
        state.catalog.activity(resource)?.is_some()
    } else {
        let machine = arn::unqualified_machine(resource)?;
        state.catalog.machine(&machine.machine)?.is_some()
    };
    if exists {
        Ok(())
    } else {
        Err(ApiError::resource_not_found("Resource", resource))
    }
}

/// TagResource's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagInput {
    resource_arn: String,
    tags: Vec<Tag>,
}

impl Request for TagInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("resourceArn", ARN).required(),
        Member::new("tags", TAGS).required(),
    ];
}

/// TagResource: a key tagged again gets the new value; a resource has at most 50
/// tags (`TooManyTags`).
pub async fn tag(state: Arc<AppState>, input: TagInput) -> Result<Empty, ApiError> {
    require_resource(&state, &input.resource_arn)?;
    let tags = shapes::tags_to_set(input.tags)?;
    match state.catalog.tag(&input.resource_arn, &tags) {
        Err(CatalogError::TooManyTags) => Err(shapes::too_many_tags(&input.resource_arn)),
        result => result.map_err(ApiError::from),
    }?;
    Ok(Empty {})
}

/// UntagResource's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UntagInput {
    resource_arn: String,
    tag_keys: Vec<String>,
}

impl Request for UntagInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("resourceArn", ARN).required(),
        Member::new(
            "tagKeys",
            Kind::List {
                min: 0,
                max: usize::MAX,
                item: &TAG_KEY,
            },
        )
        .required(),
    ];
}

/// UntagResource: keys the resource does not have are no error.
pub async fn untag(state: Arc<AppState>, input: UntagInput) -> Result<Empty, ApiError> {
    require_resource(&state, &input.resource_arn)?;
    state.catalog.untag(&input.resource_arn, &input.tag_keys)?;
    Ok(Empty {})
}

/// ListTagsForResource's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListInput {
    resource_arn: String,
}

impl Request for ListInput {
    const MEMBERS: &'static [Member] = &[Member::new("resourceArn", ARN).required()];
}

/// ListTagsForResource's response.
#[derive(Debug, Serialize)]
pub struct ListOutput {
    tags: Vec<Tag>,
}

/// ListTagsForResource, in the order the keys were first set.
pub async fn list(state: Arc<AppState>, input: ListInput) -> Result<ListOutput, ApiError> {
    require_resource(&state, &input.resource_arn)?;
    let tags = state.catalog.tags(&input.resource_arn)?;
    Ok(ListOutput {
        tags: tags
            .into_iter()
            .map(|tag| Tag {
                key: tag.key,
                value: tag.value,
            })
            .collect(),
    })
}
