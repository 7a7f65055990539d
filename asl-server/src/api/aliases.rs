//! CreateStateMachineAlias, DescribeStateMachineAlias, UpdateStateMachineAlias,
//! DeleteStateMachineAlias and ListStateMachineAliases.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::paging::{MachineListInput, Paging};
use super::shapes::{ROUTING, Route};
use super::state_machines::{ARN, DESCRIPTION, Empty};
use crate::arn::{self, ALIAS_NAME_PATTERN, Qualifier};
use crate::catalog::{self, Alias, CatalogError};
use crate::protocol::{ApiError, ErrorCode, Kind, Member, Pattern, Request};
use crate::server::AppState;
use crate::time::Timestamp;

/// An alias name: 1 to 80 characters of [`ALIAS_NAME_PATTERN`].
const ALIAS_NAME: Kind = Kind::String {
    min: 1,
    max: 80,
    pattern: Some(Pattern {
        text: ALIAS_NAME_PATTERN,
        matches: arn::valid_alias_name,
    }),
};

/// The reason of a ValidationException about routing.
const INVALID_ROUTING: &str = "INVALID_ROUTING_CONFIGURATION";

/// The machine ARN `routing` routes to, checked as AWS does: version ARNs of one
/// state machine, each once, weights summing to 100.
fn routing_machine(routing: &[Route]) -> Result<String, ApiError> {
    let arns: Vec<&str> = routing
        .iter()
        .map(|route| route.state_machine_version_arn.as_str())
        .collect();
    let versions: Vec<_> = arns.iter().map(|arn| arn::version(arn)).collect();
    let Ok(versions) = versions.into_iter().collect::<Result<Vec<_>, _>>() else {
        return Err(ApiError::validation_because(
            format!(
                "Routing configuration must contain state machine version ARNs. Received: [{}]",
                arns.join(", ")
            ),
            INVALID_ROUTING,
        ));
    };
    let machine = versions[0].0.machine.clone();
    if versions.iter().any(|(other, _)| other.machine != machine) {
        return Err(ApiError::validation_because(
            format!(
                "Routing configuration must contain versions of the same state machine. Received: [{}]",
                arns.join(", ")
            ),
            INVALID_ROUTING,
        ));
    }
    if versions.len() == 2 && versions[0].1 == versions[1].1 {
        return Err(ApiError::validation_because(
            format!(
                "Routing configuration must contain distinct state machine versions. Received: [{}]",
                arns.join(", ")
            ),
            INVALID_ROUTING,
        ));
    }
    let total: u32 = routing.iter().map(|route| u32::from(route.weight)).sum();
    if total != 100 {
        return Err(ApiError::validation_because(
            format!("Sum of routing configuration weights must be equal to 100. Received: {total}"),
            INVALID_ROUTING,
        ));
    }
    Ok(machine)
}

/// `ResourceNotFound` for alias `arn`.
fn no_alias(arn: &str) -> ApiError {
    ApiError::resource_not_found("Alias", arn)
}

/// CreateStateMachineAlias's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateInput {
    description: Option<String>,
    name: String,
    routing_configuration: Vec<Route>,
}

impl Request for CreateInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("description", DESCRIPTION),
        Member::new("name", ALIAS_NAME).required(),
        Member::new("routingConfiguration", ROUTING).required(),
    ];
}

/// CreateStateMachineAlias's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOutput {
    state_machine_alias_arn: String,
    creation_date: Timestamp,
}

/// CreateStateMachineAlias: the state machine is the one the routing's versions
/// belong to. A repeat with the same description and routing answers the first
/// creation; another alias of that name is a `ConflictException`.
pub async fn create(state: Arc<AppState>, input: CreateInput) -> Result<CreateOutput, ApiError> {
    let machine_arn = routing_machine(&input.routing_configuration)?;
    if state.catalog.machine(&machine_arn)?.is_none() {
        return Err(ApiError::resource_not_found("State Machine", &machine_arn));
    }
    let now = Timestamp::now();
    let alias = Alias {
        arn: format!("{machine_arn}:{}", input.name),
        machine_arn,
        name: input.name,
        description: input.description,
        routing: input
            .routing_configuration
            .into_iter()
            .map(catalog::Route::from)
            .collect(),
        creation_date: now,
        update_date: now,
    };
    match state.catalog.create_alias(&alias) {
        Ok(()) => Ok(CreateOutput {
            state_machine_alias_arn: alias.arn,
            creation_date: now,
        }),
        Err(CatalogError::Exists(_)) => {
            let existing = state
                .catalog
                .alias(&alias.arn)?
                .filter(|existing| {
                    (&existing.description, &existing.routing) == (&alias.description, &alias.routing)
                })
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::ConflictException,
                        format!(
                            "Failed to create alias because an alias with the same name and a different routing configuration or description already exists: '{}'",
                            alias.arn
                        ),
                    )
                })?;
            Ok(CreateOutput {
                state_machine_alias_arn: existing.arn,
                creation_date: existing.creation_date,
            })
        }
        Err(error) => Err(error.into()),
    }
}

/// DescribeStateMachineAlias's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeInput {
    state_machine_alias_arn: String,
}

impl Request for DescribeInput {
    const MEMBERS: &'static [Member] = &[Member::new("stateMachineAliasArn", ARN).required()];
}

/// DescribeStateMachineAlias's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeOutput {
    state_machine_alias_arn: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    routing_configuration: Vec<Route>,
    creation_date: Timestamp,
    update_date: Timestamp,
}

/// DescribeStateMachineAlias.
pub async fn describe(
    state: Arc<AppState>,
    input: DescribeInput,
) -> Result<DescribeOutput, ApiError> {
    arn::alias(&input.state_machine_alias_arn)?;
    let alias = state
        .catalog
        .alias(&input.state_machine_alias_arn)?
        .ok_or_else(|| no_alias(&input.state_machine_alias_arn))?;
    Ok(DescribeOutput {
        state_machine_alias_arn: alias.arn,
        name: alias.name,
        description: alias.description,
        routing_configuration: alias.routing.into_iter().map(Route::from).collect(),
        creation_date: alias.creation_date,
        update_date: alias.update_date,
    })
}

/// UpdateStateMachineAlias's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInput {
    state_machine_alias_arn: String,
    description: Option<String>,
    routing_configuration: Option<Vec<Route>>,
}

impl Request for UpdateInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("stateMachineAliasArn", ARN).required(),
        Member::new("description", DESCRIPTION),
        Member::new("routingConfiguration", ROUTING),
    ];
}

/// UpdateStateMachineAlias's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOutput {
    update_date: Timestamp,
}

/// UpdateStateMachineAlias: a new description, routing or both; the routing's
/// versions must be of the alias's state machine.
pub async fn update(state: Arc<AppState>, input: UpdateInput) -> Result<UpdateOutput, ApiError> {
    let (machine, _) = arn::alias(&input.state_machine_alias_arn)?;
    if input.description.is_none() && input.routing_configuration.is_none() {
        return Err(ApiError::validation_because(
            "Either the description or the RoutingConfiguration must be specified",
            "MISSING_REQUIRED_PARAMETER",
        ));
    }
    if let Some(routing) = &input.routing_configuration
        && routing_machine(routing)? != machine.machine
    {
        return Err(ApiError::validation_because(
            "Routing configuration must contain versions of the alias's state machine",
            INVALID_ROUTING,
        ));
    }
    let mut alias = state
        .catalog
        .alias(&input.state_machine_alias_arn)?
        .ok_or_else(|| no_alias(&input.state_machine_alias_arn))?;
    if let Some(description) = input.description {
        alias.description = Some(description);
    }
    if let Some(routing) = input.routing_configuration {
        alias.routing = routing.into_iter().map(catalog::Route::from).collect();
    }
    alias.update_date = Timestamp::now();
    match state.catalog.update_alias(&alias) {
        Err(CatalogError::NotFound(arn)) => Err(no_alias(&arn)),
        result => result.map_err(ApiError::from),
    }?;
    Ok(UpdateOutput {
        update_date: alias.update_date,
    })
}

/// DeleteStateMachineAlias's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteInput {
    state_machine_alias_arn: String,
}

impl Request for DeleteInput {
    const MEMBERS: &'static [Member] = &[Member::new("stateMachineAliasArn", ARN).required()];
}

/// DeleteStateMachineAlias: its versions stay; deleting one that does not exist is
/// no error.
pub async fn delete(state: Arc<AppState>, input: DeleteInput) -> Result<Empty, ApiError> {
    arn::alias(&input.state_machine_alias_arn)?;
    state.catalog.delete_alias(&input.state_machine_alias_arn)?;
    Ok(Empty {})
}

/// ListStateMachineAliases's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOutput {
    state_machine_aliases: Vec<ListItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItem {
    state_machine_alias_arn: String,
    creation_date: Timestamp,
}

/// ListStateMachineAliases of a state machine, newest first; of a version ARN, the
/// aliases that route to that version.
pub async fn list(state: Arc<AppState>, input: MachineListInput) -> Result<ListOutput, ApiError> {
    let requested = arn::machine(&input.state_machine_arn)?;
    let version = match &requested.qualifier {
        None => None,
        Some(Qualifier::Version(number)) => Some(*number),
        Some(Qualifier::Alias(_)) => return Err(ApiError::invalid_arn(&input.state_machine_arn)),
    };
    if state.catalog.machine(&requested.machine)?.is_none() {
        return Err(ApiError::state_machine_does_not_exist(
            &input.state_machine_arn,
        ));
    }
    if let Some(number) = version
        && state.catalog.version(&requested.machine, number)?.is_none()
    {
        return Err(ApiError::resource_not_found(
            "State Machine Version",
            &input.state_machine_arn,
        ));
    }
    let paging = Paging::new(
        format!("ListStateMachineAliases {}", input.state_machine_arn),
        input.max_results,
        input.next_token.as_deref(),
    )?;
    let after = paging.after().map(cursor).transpose()?;
    let aliases: Vec<Alias> = state
        .catalog
        .aliases(&requested.machine)?
        .into_iter()
        .filter(|alias| {
            version.is_none()
                || alias
                    .routing
                    .iter()
                    .any(|route| route.version_arn == input.state_machine_arn)
        })
        .filter(|alias| after.as_ref().is_none_or(|after| sorts_after(alias, after)))
        .collect();
    let (aliases, next_token) = paging.finish(aliases);
    Ok(ListOutput {
        state_machine_aliases: aliases
            .into_iter()
            .map(|alias| ListItem {
                state_machine_alias_arn: alias.arn,
                creation_date: alias.creation_date,
            })
            .collect(),
        next_token,
    })
}

/// The creation date and name an [`Alias::cursor`] holds.
fn cursor(text: &str) -> Result<(i64, String), ApiError> {
    text.split_once(':')
        .and_then(|(ms, name)| Some((ms.parse().ok()?, name.to_owned())))
        .ok_or_else(ApiError::invalid_token)
}

/// Whether `alias` comes after the alias `after` describes, newest first.
fn sorts_after(alias: &Alias, (ms, name): &(i64, String)) -> bool {
    alias.creation_date.0 < *ms || (alias.creation_date.0 == *ms && alias.name > *name)
}
