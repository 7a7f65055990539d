//! CreateStateMachine, DescribeStateMachine, UpdateStateMachine,
//! DeleteStateMachine and ListStateMachines.

use std::sync::Arc;

use asl_engine::store::ExecutionStatus;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::definition::{DEFINITION, MACHINE_TYPE, require_valid};
use super::paging::{ListInput, Paging};
use super::shapes::{
    self, ENCRYPTION, EncryptionConfiguration, LOGGING, LoggingConfiguration, TAGS, TRACING, Tag,
    TracingConfiguration,
};
use crate::arn::{self, Qualifier};
use crate::catalog::{CatalogError, MachineType, Publish, Revision, StateMachine};
use crate::protocol::{ApiError, ErrorCode, Kind, Member, Request};
use crate::server::AppState;
use crate::time::Timestamp;

/// An ARN member: 1 to 256 characters.
pub const ARN: Kind = Kind::string(1, 256);
/// A name member: 1 to 80 characters.
pub const NAME: Kind = Kind::string(1, 80);
/// A description: at most 256 characters.
pub const DESCRIPTION: Kind = Kind::string(0, 256);

/// CreateStateMachine's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateInput {
    name: String,
    definition: String,
    role_arn: String,
    #[serde(rename = "type")]
    machine_type: Option<MachineType>,
    logging_configuration: Option<LoggingConfiguration>,
    tags: Option<Vec<Tag>>,
    tracing_configuration: Option<TracingConfiguration>,
    publish: Option<bool>,
    version_description: Option<String>,
    encryption_configuration: Option<EncryptionConfiguration>,
}

impl Request for CreateInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("name", NAME).required(),
        Member::new("definition", DEFINITION).required(),
        Member::new("roleArn", ARN).required(),
        Member::new("type", MACHINE_TYPE),
        Member::new("loggingConfiguration", LOGGING),
        Member::new("tags", TAGS),
        Member::new("tracingConfiguration", TRACING),
        Member::new("publish", Kind::Boolean),
        Member::new("versionDescription", DESCRIPTION),
        Member::new("encryptionConfiguration", ENCRYPTION),
    ];
}

/// CreateStateMachine's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOutput {
    state_machine_arn: String,
    creation_date: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    state_machine_version_arn: Option<String>,
}

/// The IAM role ARN executions run as: `InvalidArn` unless it is an IAM ARN.
fn role_arn(arn: &str) -> Result<(), ApiError> {
    let mut parts = arn.splitn(6, ':');
    let well_formed = parts.next() == Some("arn")
        && parts
            .next()
            .is_some_and(|partition| partition.starts_with("aws"))
        && parts.next() == Some("iam")
        && parts.next() == Some("")
        && parts.next().is_some_and(|account| !account.is_empty())
        && parts.next().is_some_and(|role| role.starts_with("role/"));
    if well_formed {
        Ok(())
    } else {
        Err(ApiError::invalid_arn(arn))
    }
}

/// `ValidationException` for a version description without `publish`.
fn description_needs_publish(
    publish: Option<bool>,
    description: Option<&String>,
) -> Result<(), ApiError> {
    if description.is_some() && publish != Some(true) {
        return Err(ApiError::validation(
            "Version description can only be set when publish is true",
        ));
    }
    Ok(())
}

/// What publishing asks for when `publish` is true.
fn publish_request(
    publish: Option<bool>,
    description: Option<String>,
    date: Timestamp,
) -> Option<Publish> {
    (publish == Some(true)).then(|| Publish {
        description,
        expected_revision: None,
        new_revision_id: uuid::Uuid::new_v4().to_string(),
        date,
    })
}

/// CreateStateMachine: validated, kept, tagged, and version 1 if `publish`. A
/// repeat with the same name, definition, type and configurations answers the
/// first creation; another difference is `StateMachineAlreadyExists`.
pub async fn create(state: Arc<AppState>, input: CreateInput) -> Result<CreateOutput, ApiError> {
    if !arn::valid_name(&input.name) {
        return Err(ApiError::invalid_name(&input.name));
    }
    role_arn(&input.role_arn)?;
    description_needs_publish(input.publish, input.version_description.as_ref())?;
    let machine_type = input.machine_type.unwrap_or(MachineType::Standard);
    let arn = state.machine_arn(&input.name);
    let tags = shapes::new_tags(&arn, input.tags)?;
    let revision = Revision {
        logging: shapes::logging(input.logging_configuration)?,
        tracing: shapes::tracing(input.tracing_configuration),
        encryption: shapes::encryption(input.encryption_configuration)?,
        definition: input.definition,
        role_arn: input.role_arn,
    };
    require_valid(&revision.definition, machine_type)?;
    let now = Timestamp::now();
    let machine = StateMachine {
        arn: arn.clone(),
        name: input.name,
        machine_type,
        revision,
        creation_date: now,
        update_date: now,
        revision_id: None,
    };
    let publish = publish_request(input.publish, input.version_description, now);
    match state
        .catalog
        .create_machine(&machine, &tags, publish.as_ref())
    {
        Ok(version) => {
            state.deploy(&machine)?;
            Ok(CreateOutput {
                state_machine_arn: arn,
                creation_date: now,
                state_machine_version_arn: version.map(|version| version.arn),
            })
        }
        Err(CatalogError::Exists(_)) => repeat(&state, &machine, publish.as_ref()),
        Err(error) => Err(error.into()),
    }
}

/// The answer to a CreateStateMachine of a name that exists: the first answer when
/// the request is the same (its role and tags aside), else
/// `StateMachineAlreadyExists`.
fn repeat(
    state: &AppState,
    machine: &StateMachine,
    publish: Option<&Publish>,
) -> Result<CreateOutput, ApiError> {
    let exists = || {
        ApiError::new(
            ErrorCode::StateMachineAlreadyExists,
            format!("State Machine Already Exists: '{}'", machine.arn),
        )
    };
    let existing = state.catalog.machine(&machine.arn)?.ok_or_else(exists)?;
    let same = |a: &Revision, b: &Revision| {
        (&a.definition, &a.logging, &a.tracing, &a.encryption)
            == (&b.definition, &b.logging, &b.tracing, &b.encryption)
    };
    if existing.machine_type != machine.machine_type || !same(&existing.revision, &machine.revision)
    {
        return Err(exists());
    }
    let version_arn = match publish {
        None => None,
        Some(publish) => {
            let versions = state.catalog.versions(
                &existing.arn,
                crate::catalog::Page {
                    after: None,
                    limit: crate::catalog::MAX_VERSIONS,
                },
            )?;
            let published = versions.into_iter().find(|version| {
                Some(&version.revision_id) == existing.revision_id.as_ref()
                    && version.description == publish.description
            });
            Some(published.ok_or_else(exists)?.arn)
        }
    };
    Ok(CreateOutput {
        state_machine_arn: existing.arn,
        creation_date: existing.creation_date,
        state_machine_version_arn: version_arn,
    })
}

/// DescribeStateMachine's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeInput {
    state_machine_arn: String,
    included_data: Option<String>,
}

/// `includedData`: ALL_DATA or METADATA_ONLY.
pub const INCLUDED_DATA: Kind = Kind::Enum(&["ALL_DATA", "METADATA_ONLY"]);

impl Request for DescribeInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("stateMachineArn", ARN).required(),
        Member::new("includedData", INCLUDED_DATA),
    ];
}

/// DescribeStateMachine's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeOutput {
    state_machine_arn: String,
    name: String,
    status: &'static str,
    definition: String,
    role_arn: String,
    #[serde(rename = "type")]
    machine_type: MachineType,
    creation_date: Timestamp,
    logging_configuration: Value,
    tracing_configuration: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption_configuration: Option<Value>,
}

/// DescribeStateMachine of a state machine (its latest revision) or of a version
/// ARN (that version: its ARN, date, revision and description). An alias ARN is
/// not a state machine here (`InvalidArn`); `METADATA_ONLY` leaves the definition
/// out (`{}`).
pub async fn describe(
    state: Arc<AppState>,
    input: DescribeInput,
) -> Result<DescribeOutput, ApiError> {
    let requested = arn::machine(&input.state_machine_arn)?;
    let not_found = || ApiError::state_machine_does_not_exist(&input.state_machine_arn);
    let machine = state
        .catalog
        .machine(&requested.machine)?
        .ok_or_else(not_found)?;
    let metadata_only = input.included_data.as_deref() == Some("METADATA_ONLY");
    let mut output = match requested.qualifier {
        None => DescribeOutput {
            state_machine_arn: machine.arn,
            name: machine.name,
            status: "ACTIVE",
            machine_type: machine.machine_type,
            creation_date: machine.creation_date,
            revision_id: machine.revision_id,
            description: None,
            definition: machine.revision.definition,
            role_arn: machine.revision.role_arn,
            logging_configuration: machine.revision.logging,
            tracing_configuration: machine.revision.tracing,
            encryption_configuration: machine.revision.encryption,
        },
        Some(Qualifier::Version(number)) => {
            let version = state
                .catalog
                .version(&machine.arn, number)?
                .ok_or_else(not_found)?;
            DescribeOutput {
                state_machine_arn: version.arn,
                name: machine.name,
                status: "ACTIVE",
                machine_type: machine.machine_type,
                creation_date: version.creation_date,
                revision_id: Some(version.revision_id),
                description: version.description,
                definition: version.revision.definition,
                role_arn: version.revision.role_arn,
                logging_configuration: version.revision.logging,
                tracing_configuration: version.revision.tracing,
                encryption_configuration: version.revision.encryption,
            }
        }
        Some(Qualifier::Alias(_)) => return Err(ApiError::invalid_arn(&input.state_machine_arn)),
    };
    if metadata_only {
        output.definition = "{}".to_owned();
    }
    Ok(output)
}

/// UpdateStateMachine's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInput {
    state_machine_arn: String,
    definition: Option<String>,
    role_arn: Option<String>,
    logging_configuration: Option<LoggingConfiguration>,
    tracing_configuration: Option<TracingConfiguration>,
    publish: Option<bool>,
    version_description: Option<String>,
    encryption_configuration: Option<EncryptionConfiguration>,
}

impl Request for UpdateInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("stateMachineArn", ARN).required(),
        Member::new("definition", DEFINITION),
        Member::new("roleArn", ARN),
        Member::new("loggingConfiguration", LOGGING),
        Member::new("tracingConfiguration", TRACING),
        Member::new("publish", Kind::Boolean),
        Member::new("versionDescription", DESCRIPTION),
        Member::new("encryptionConfiguration", ENCRYPTION),
    ];
}

/// UpdateStateMachine's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOutput {
    update_date: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state_machine_version_arn: Option<String>,
}

/// UpdateStateMachine: a new revision (a new `revisionId`) when anything changes,
/// published if asked. Running executions keep the revision they started with.
pub async fn update(state: Arc<AppState>, input: UpdateInput) -> Result<UpdateOutput, ApiError> {
    let requested = arn::machine(&input.state_machine_arn)?;
    if requested.qualifier.is_some() {
        return Err(ApiError::state_machine_does_not_exist(
            &input.state_machine_arn,
        ));
    }
    if input.definition.is_none()
        && input.role_arn.is_none()
        && input.logging_configuration.is_none()
        && input.tracing_configuration.is_none()
        && input.encryption_configuration.is_none()
    {
        return Err(ApiError::new(
            ErrorCode::MissingRequiredParameter,
            "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified",
        ));
    }
    description_needs_publish(input.publish, input.version_description.as_ref())?;
    if let Some(role) = &input.role_arn {
        role_arn(role)?;
    }
    let mut machine = state
        .catalog
        .machine(&requested.machine)?
        .ok_or_else(|| ApiError::state_machine_does_not_exist(&input.state_machine_arn))?;
    let mut revision = machine.revision.clone();
    if let Some(definition) = input.definition {
        require_valid(&definition, machine.machine_type)?;
        revision.definition = definition;
    }
    if let Some(role) = input.role_arn {
        revision.role_arn = role;
    }
    if input.logging_configuration.is_some() {
        revision.logging = shapes::logging(input.logging_configuration)?;
    }
    if input.tracing_configuration.is_some() {
        revision.tracing = shapes::tracing(input.tracing_configuration);
    }
    if input.encryption_configuration.is_some() {
        revision.encryption = shapes::encryption(input.encryption_configuration)?;
    }
    let now = Timestamp::now();
    if revision != machine.revision {
        machine.revision = revision;
        machine.revision_id = Some(uuid::Uuid::new_v4().to_string());
        machine.update_date = now;
    }
    let publish = publish_request(input.publish, input.version_description, now);
    let version = match state.catalog.update_machine(&machine, publish.as_ref()) {
        Err(CatalogError::NotFound(_)) => Err(ApiError::state_machine_does_not_exist(
            &input.state_machine_arn,
        )),
        result => Ok(result?),
    }?;
    state.deploy(&machine)?;
    Ok(UpdateOutput {
        update_date: machine.update_date,
        revision_id: version
            .as_ref()
            .map(|version| version.revision_id.clone())
            .or(machine.revision_id),
        state_machine_version_arn: version.map(|version| version.arn),
    })
}

/// DeleteStateMachine's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteInput {
    state_machine_arn: String,
}

impl Request for DeleteInput {
    const MEMBERS: &'static [Member] = &[Member::new("stateMachineArn", ARN).required()];
}

/// An empty response, `{}`.
#[derive(Debug, Serialize)]
pub struct Empty {}

/// DeleteStateMachine: the machine, its versions, aliases and tags go, and its
/// running executions are stopped; deleting one that does not exist is no error. A version or alias ARN is a
/// `ValidationException` (they have delete actions of their own).
pub async fn delete(state: Arc<AppState>, input: DeleteInput) -> Result<Empty, ApiError> {
    let requested = arn::machine(&input.state_machine_arn)?;
    if requested.qualifier.is_some() {
        return Err(ApiError::validation(format!(
            "DeleteStateMachine takes a state machine ARN without a version or alias: '{}'; use DeleteStateMachineVersion or DeleteStateMachineAlias",
            input.state_machine_arn
        )));
    }
    state.catalog.delete_machine(&requested.machine)?;
    state.host.retire(&requested.name);
    // Its running executions stop, as on AWS, after the answer.
    let running = state
        .control
        .list(Some(&requested.name), Some(ExecutionStatus::Running))
        .map_err(|error| ApiError::internal(&error))?;
    let host = state.host.clone();
    tokio::spawn(async move {
        for record in running {
            if let Err(error) = host.stop(&record.identity.arn, None, None).await {
                tracing::warn!(%error, execution = record.identity.arn, "cannot stop an execution of a deleted state machine");
            }
        }
    });
    Ok(Empty {})
}

/// ListStateMachines's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOutput {
    state_machines: Vec<ListItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItem {
    state_machine_arn: String,
    name: String,
    #[serde(rename = "type")]
    machine_type: MachineType,
    creation_date: Timestamp,
}

/// ListStateMachines, by name.
pub async fn list(state: Arc<AppState>, input: ListInput) -> Result<ListOutput, ApiError> {
    let paging = Paging::new(
        "ListStateMachines",
        input.max_results,
        input.next_token.as_deref(),
    )?;
    let (machines, next_token) = paging.finish(state.catalog.machines(paging.page())?);
    Ok(ListOutput {
        state_machines: machines
            .into_iter()
            .map(|machine| ListItem {
                state_machine_arn: machine.arn,
                name: machine.name,
                machine_type: machine.machine_type,
                creation_date: machine.creation_date,
            })
            .collect(),
        next_token,
    })
}
