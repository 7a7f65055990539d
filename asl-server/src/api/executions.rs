//! StartExecution, StartSyncExecution, DescribeExecution, ListExecutions,
//! StopExecution, GetExecutionHistory, RedriveExecution and
//! DescribeStateMachineForExecution: executions run by the [host](crate::host) and
//! read back from the store.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use asl_engine::store::{ExecutionRecord, ExecutionStatus};
use asl_standalone::worker::protocol::Ended;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::map_runs;
use super::paging::{MAX_RESULTS, Paging};
use super::state_machines::{ARN, NAME};
use crate::arn::{self, Qualifier};
use crate::catalog::{Listed, MachineType, StateMachine};
use crate::host::{DefinitionId, HostError};
use crate::protocol::{ApiError, ErrorCode, Kind, Member, Request};
use crate::server::AppState;
use crate::time::Timestamp;

/// Execution input and output: at most 256 KiB.
pub const DATA: Kind = Kind::string(0, 262_144);
/// `traceHeader`.
const TRACE_HEADER: Kind = Kind::string(0, 256);
/// `error` of StopExecution and SendTaskFailure.
pub const ERROR: Kind = Kind::string(0, 256);
/// `cause` of StopExecution and SendTaskFailure.
pub const CAUSE: Kind = Kind::string(0, 32_768);
/// `statusFilter` of ListExecutions.
const STATUS: Kind = Kind::Enum(&[
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
    "TIMED_OUT",
    "ABORTED",
    "PENDING_REDRIVE",
]);
/// `redriveFilter` of ListExecutions.
const REDRIVE_FILTER: Kind = Kind::Enum(&["REDRIVEN", "NOT_REDRIVEN"]);

/// How long an EXPRESS execution may run (AWS: five minutes).
const EXPRESS_LIMIT: Duration = Duration::from_secs(300);

/// The store note keeping the version and alias an execution was started through.
fn through_key(arn: &str) -> String {
    format!("asl-serve/started-through/{arn}")
}

/// What a state machine ARN of a request starts: the machine, the definition, and
/// the version and alias it went through.
struct Target {
    machine: StateMachine,
    definition: String,
    version_arn: Option<String>,
    alias_arn: Option<String>,
}

/// The machine, version or alias `requested` names; an alias picks one of its
/// versions by weight.
fn target(state: &AppState, requested: &str) -> Result<Target, ApiError> {
    let parsed = arn::machine(requested)?;
    let missing = || ApiError::state_machine_does_not_exist(requested);
    let machine = state
        .catalog
        .machine(&parsed.machine)?
        .ok_or_else(missing)?;
    let (version_number, alias_arn) = match &parsed.qualifier {
        None => {
            let definition = machine.revision.definition.clone();
            return Ok(Target {
                machine,
                definition,
                version_arn: None,
                alias_arn: None,
            });
        }
        Some(Qualifier::Version(number)) => (*number, None),
        Some(Qualifier::Alias(_)) => {
            let alias = state
                .catalog
                .alias(requested)?
                .ok_or_else(|| ApiError::resource_not_found("State Machine Alias", requested))?;
            let mut pick = rand_percent();
            let route = alias
                .routing
                .iter()
                .find(|route| {
                    let chosen = pick < u32::from(route.weight);
                    pick = pick.saturating_sub(u32::from(route.weight));
                    chosen
                })
                .or(alias.routing.last())
                .ok_or_else(missing)?;
            let (_, number) = arn::version(&route.version_arn)?;
            (number, Some(alias.arn))
        }
    };
    let version = state
        .catalog
        .version(&machine.arn, version_number)?
        .ok_or_else(missing)?;
    Ok(Target {
        definition: version.revision.definition,
        version_arn: Some(version.arn),
        alias_arn,
        machine,
    })
}

/// A number in 0..100, for alias routing.
fn rand_percent() -> u32 {
    let bytes = *uuid::Uuid::new_v4().as_bytes();
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) % 100
}

/// The execution input a request gave (`{}` when none), or `InvalidExecutionInput`.
fn parse_input(input: Option<&str>) -> Result<Value, ApiError> {
    let Some(text) = input else {
        return Ok(json!({}));
    };
    serde_json::from_str(text).map_err(|error| {
        ApiError::new(
            ErrorCode::InvalidExecutionInput,
            format!("Invalid State Machine Execution Input: '{error}'"),
        )
    })
}

/// A state machine ARN as StartExecution takes it, and the mock test case it
/// names after `#` (Step Functions Local's `stateMachineArn#TestCase`).
fn test_case<'a>(
    state: &AppState,
    requested: &'a str,
) -> Result<(&'a str, Option<String>), ApiError> {
    let Some((arn, case)) = requested.split_once('#') else {
        return Ok((requested, None));
    };
    if state.mocks.is_none() {
        return Err(ApiError::new(
            ErrorCode::InvalidName,
            format!(
                "Invalid mock test case name '{case}': the server has no mock configuration \
                 (asl serve --mock-config FILE, or SFN_MOCK_CONFIG)"
            ),
        ));
    }
    Ok((arn, Some(case.to_owned())))
}

/// `InvalidName` unless the mock configuration has test case `case` for the
/// state machine of `target`.
fn mocked_by(state: &AppState, target: &Target, case: &str) -> Result<(), ApiError> {
    let found = state
        .mocks
        .as_ref()
        .map(|mocks| mocks.test_case(&target.machine.name, case));
    match found {
        Some(Ok(_)) => Ok(()),
        Some(Err(unknown)) => Err(ApiError::new(ErrorCode::InvalidName, unknown.to_string())),
        None => Err(ApiError::new(
            ErrorCode::InvalidName,
            "no mock configuration",
        )),
    }
}

/// The execution name a request gave, checked, or a fresh UUID.
fn execution_name(name: Option<String>) -> Result<String, ApiError> {
    let name = name.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    if arn::valid_name(&name) {
        Ok(name)
    } else {
        Err(ApiError::invalid_name(&name))
    }
}

/// What a host failure answers.
pub fn host_error(error: HostError) -> ApiError {
    match &error {
        HostError::Api(failure) => match ErrorCode::named(&failure.code) {
            Some(code) => ApiError::new(code, failure.message.clone()),
            None => ApiError::internal(&error),
        },
        HostError::Compile(message) => ApiError::new(
            ErrorCode::InternalFailure,
            format!("The state machine could not be compiled: {message}"),
        ),
        _ => ApiError::internal(&error),
    }
}

/// StartExecution's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartInput {
    state_machine_arn: String,
    name: Option<String>,
    input: Option<String>,
}

impl Request for StartInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("stateMachineArn", ARN).required(),
        Member::new("name", NAME),
        Member::new("input", DATA),
        // Checked and accepted as AWS does; X-Ray is not modelled.
        Member::new("traceHeader", TRACE_HEADER),
    ];
}

/// StartExecution's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartOutput {
    execution_arn: String,
    start_date: Timestamp,
}

/// StartExecution: a STANDARD execution starts durably (idempotent by name and
/// input while it runs); an EXPRESS one runs in memory, without history.
pub async fn start(state: Arc<AppState>, input: StartInput) -> Result<StartOutput, ApiError> {
    let (requested, test_case) = test_case(&state, &input.state_machine_arn)?;
    let target = target(&state, requested)?;
    if let Some(case) = &test_case {
        mocked_by(&state, &target, case)?;
    }
    let name = execution_name(input.name)?;
    let execution_input = parse_input(input.input.as_deref())?;
    let id = state
        .host
        .prepare(&target.machine.name, &target.definition)
        .map_err(host_error)?;
    if target.machine.machine_type == MachineType::Express {
        let express_id = uuid::Uuid::new_v4().to_string();
        let arn = state.config.account.states_arn(format_args!(
            "express:{}:{name}:{express_id}",
            target.machine.name,
        ));
        let state = Arc::clone(&state);
        let machine = target.machine.arn.clone();
        tokio::spawn(async move {
            let run = (name.as_str(), express_id.as_str());
            let ended = run_express(&state, &machine, &id, run, execution_input, test_case);
            if ended.await.is_err() {
                tracing::warn!("an EXPRESS execution ran past five minutes");
            }
        });
        return Ok(StartOutput {
            execution_arn: arn,
            start_date: Timestamp::now(),
        });
    }
    if target.version_arn.is_some() {
        let arn = state
            .config
            .account
            .states_arn(format_args!("execution:{}:{name}", target.machine.name));
        let through = json!({"version": target.version_arn, "alias": target.alias_arn});
        state
            .control
            .store()
            .note(through_key(&arn), through.to_string())
            .await
            .map_err(|error| ApiError::internal(&error))?;
    }
    let arn = state
        .host
        .start_with(&id, &name, execution_input, test_case)
        .await
        .map_err(|error| match error {
            HostError::Api(failure) if failure.code == "ExecutionAlreadyExists" => {
                let arn = state
                    .config
                    .account
                    .states_arn(format_args!("execution:{}:{name}", target.machine.name));
                ApiError::new(
                    ErrorCode::ExecutionAlreadyExists,
                    format!("Execution Already Exists: '{arn}'"),
                )
            }
            other => host_error(other),
        })?;
    let record = stored(&state, &arn)?;
    Ok(StartOutput {
        execution_arn: arn,
        start_date: record.identity.start.into(),
    })
}

/// StartSyncExecution's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncOutput {
    execution_arn: String,
    state_machine_arn: String,
    name: String,
    start_date: Timestamp,
    stop_date: Timestamp,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<String>,
    input: String,
    input_details: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_details: Option<Value>,
    billing_details: Value,
}

/// StartSyncExecution: an EXPRESS execution run to its end; its outcome in the
/// answer (HTTP 200 even when it failed). A STANDARD machine is
/// `StateMachineTypeNotSupported`.
pub async fn start_sync(state: Arc<AppState>, input: StartInput) -> Result<SyncOutput, ApiError> {
    let (requested, test_case) = test_case(&state, &input.state_machine_arn)?;
    let target = target(&state, requested)?;
    if let Some(case) = &test_case {
        mocked_by(&state, &target, case)?;
    }
    if target.machine.machine_type != MachineType::Express {
        return Err(ApiError::new(
            ErrorCode::StateMachineTypeNotSupported,
            "This operation is not supported by this type of state machine",
        ));
    }
    let name = execution_name(input.name)?;
    let execution_input = parse_input(input.input.as_deref())?;
    let input_text = execution_input.to_string();
    let id = state
        .host
        .prepare(&target.machine.name, &target.definition)
        .map_err(host_error)?;
    let started = SystemTime::now();
    let express_id = uuid::Uuid::new_v4().to_string();
    let run = (name.as_str(), express_id.as_str());
    let machine = &target.machine.arn;
    let ended = run_express(&state, machine, &id, run, execution_input, test_case).await;
    let stopped = SystemTime::now();
    let (status, output, error, cause) = match ended {
        Ok(Ok(Ended::Succeeded(output))) => ("SUCCEEDED", Some(output.to_string()), None, None),
        Ok(Ok(Ended::Failed { error, cause })) => ("FAILED", None, Some(error), Some(cause)),
        Ok(Err(error)) => return Err(host_error(error)),
        Err(_) => (
            "TIMED_OUT",
            None,
            Some("States.Timeout".to_owned()),
            Some("The execution ran past five minutes".to_owned()),
        ),
    };
    let billed = stopped
        .duration_since(started)
        .unwrap_or_default()
        .as_millis()
        .div_ceil(100)
        * 100;
    Ok(SyncOutput {
        execution_arn: state.config.account.states_arn(format_args!(
            "express:{}:{name}:{express_id}",
            target.machine.name,
        )),
        state_machine_arn: target
            .alias_arn
            .or(target.version_arn)
            .unwrap_or(target.machine.arn),
        name,
        start_date: started.into(),
        stop_date: stopped.into(),
        status,
        error,
        cause,
        input: input_text,
        input_details: json!({"included": true}),
        output_details: output.as_ref().map(|_| json!({"included": true})),
        output,
        billing_details: json!({
            "billedMemoryUsedInMB": 64,
            "billedDurationInMilliseconds": billed.max(100),
        }),
    })
}

/// Runs an EXPRESS execution of `machine` (its ARN) to its end, five minutes
/// at most, counted in the server's metrics.
async fn run_express(
    state: &AppState,
    machine: &str,
    id: &DefinitionId,
    run: (&str, &str),
    input: Value,
    test_case: Option<String>,
) -> Result<Result<Ended, HostError>, tokio::time::error::Elapsed> {
    state.metrics.express_started(machine);
    let started = std::time::Instant::now();
    let running = state.host.run_with(id, run, input, test_case);
    let ended = tokio::time::timeout(EXPRESS_LIMIT, running).await;
    let status = match &ended {
        Ok(Ok(Ended::Succeeded(_))) => Some("SUCCEEDED"),
        Ok(Ok(Ended::Failed { .. })) => Some("FAILED"),
        Ok(Err(_)) => None,
        Err(_) => Some("TIMED_OUT"),
    };
    if let Some(status) = status {
        let seconds = started.elapsed().as_secs_f64();
        state.metrics.express_ended(machine, status, seconds);
    }
    ended
}

/// The request of the actions on one execution.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionInput {
    execution_arn: String,
}

impl Request for ExecutionInput {
    const MEMBERS: &'static [Member] = &[Member::new("executionArn", ARN).required()];
}

/// Checks that `arn` is a STANDARD execution's ARN, as the actions reading
/// executions take.
fn execution_arn(arn: &str) -> Result<(), ApiError> {
    let mut fields = arn.splitn(7, ':');
    let prefix: Vec<&str> = fields.by_ref().take(6).collect();
    let rest = fields.next().unwrap_or("");
    match prefix[..] {
        ["arn", _, "states", _, _, "execution"] if rest.split(':').count() == 2 => Ok(()),
        ["arn", _, "states", _, _, "express"] => Err(ApiError::new(
            ErrorCode::InvalidArn,
            "Invalid Arn: 'Resource type not valid in this context: express'",
        )),
        _ => Err(ApiError::invalid_arn(arn)),
    }
}

/// Execution `arn` as stored, or `ExecutionDoesNotExist`.
pub(crate) fn stored(state: &AppState, arn: &str) -> Result<ExecutionRecord, ApiError> {
    execution_arn(arn)?;
    state
        .control
        .store()
        .execution(arn)
        .map_err(|error| ApiError::internal(&error))?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::ExecutionDoesNotExist,
                format!("Execution Does Not Exist: '{arn}'"),
            )
        })
}

/// The version and alias execution `arn` was started through.
fn through(state: &AppState, arn: &str) -> (Option<String>, Option<String>) {
    let noted = state
        .control
        .store()
        .noted(&through_key(arn))
        .ok()
        .flatten();
    let through: Value = noted
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let text = |key: &str| through[key].as_str().map(str::to_owned);
    (text("version"), text("alias"))
}

/// Whether and why an execution can be redriven, as DescribeExecution says.
fn redrive_status(status: ExecutionStatus) -> (&'static str, Option<String>) {
    match status {
        ExecutionStatus::Failed | ExecutionStatus::TimedOut | ExecutionStatus::Aborted => {
            ("REDRIVABLE", None)
        }
        ExecutionStatus::Running | ExecutionStatus::Succeeded => (
            "NOT_REDRIVABLE",
            Some(format!("Execution is {status} and cannot be redriven")),
        ),
    }
}

/// DescribeExecution's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeOutput {
    execution_arn: String,
    state_machine_arn: String,
    name: String,
    status: &'static str,
    start_date: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_date: Option<Timestamp>,
    input: String,
    input_details: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_details: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<String>,
    redrive_count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    redrive_date: Option<Timestamp>,
    redrive_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    redrive_status_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state_machine_version_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state_machine_alias_arn: Option<String>,
}

/// DescribeExecution: a STANDARD execution as last committed.
pub async fn describe(
    state: Arc<AppState>,
    input: ExecutionInput,
) -> Result<DescribeOutput, ApiError> {
    let record = stored(&state, &input.execution_arn)?;
    let (version, alias) = through(&state, &input.execution_arn);
    let ExecutionRecord { identity, position } = record;
    let (redrive_status, redrive_status_reason) = redrive_status(position.status);
    Ok(DescribeOutput {
        state_machine_arn: state.machine_arn(&identity.machine),
        execution_arn: identity.arn,
        name: identity.name,
        status: position.status.as_str(),
        start_date: identity.start.into(),
        stop_date: position.stop.map(Timestamp::from),
        input: identity.input,
        input_details: json!({"included": true}),
        output_details: position.output.as_ref().map(|_| json!({"included": true})),
        output: position.output,
        error: position.error,
        cause: position.cause,
        redrive_count: position.redrive_count,
        redrive_date: position.redrive_date.map(Timestamp::from),
        redrive_status,
        redrive_status_reason,
        state_machine_version_arn: version,
        state_machine_alias_arn: alias,
    })
}

/// ListExecutions's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListInput {
    state_machine_arn: Option<String>,
    map_run_arn: Option<String>,
    status_filter: Option<String>,
    redrive_filter: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

impl Request for ListInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("stateMachineArn", ARN),
        Member::new("statusFilter", STATUS),
        Member::new("maxResults", MAX_RESULTS),
        Member::new("nextToken", Kind::string(1, 3096)),
        Member::new("mapRunArn", Kind::string(1, 2000)),
        Member::new("redriveFilter", REDRIVE_FILTER),
    ];
}

/// ListExecutions's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOutput {
    executions: Vec<Listing>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// One execution of ListExecutions: of a state machine, or a Map Run's child.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Listing {
    Execution(ListItem),
    Child(map_runs::ChildItem),
}

/// One execution of a list.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItem {
    execution_arn: String,
    state_machine_arn: String,
    name: String,
    status: &'static str,
    start_date: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_date: Option<Timestamp>,
    redrive_count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    redrive_date: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state_machine_version_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state_machine_alias_arn: Option<String>,
}

impl Listed for ListItem {
    /// The ARN.
    fn cursor(&self) -> String {
        self.execution_arn.clone()
    }
}

/// ListExecutions: a STANDARD machine's executions (of one version or alias when
/// its ARN is qualified), newest first.
pub async fn list(state: Arc<AppState>, input: ListInput) -> Result<ListOutput, ApiError> {
    if let Some(map_run) = &input.map_run_arn {
        let list = format!(
            "ListExecutions:{map_run}:{}",
            input.status_filter.as_deref().unwrap_or("")
        );
        let paging = Paging::new(list, input.max_results, input.next_token.as_deref())?;
        let status = input.status_filter.as_deref();
        let (executions, next_token) = map_runs::children(&state, map_run, status, &paging)?;
        return Ok(ListOutput {
            executions: executions.into_iter().map(Listing::Child).collect(),
            next_token,
        });
    }
    let requested = input.state_machine_arn.as_deref().ok_or_else(|| {
        ApiError::validation_because(
            "Either stateMachineArn or mapRunArn must be given",
            "MISSING_REQUIRED_PARAMETER",
        )
    })?;
    let parsed = arn::machine(requested)?;
    let machine = state
        .catalog
        .machine(&parsed.machine)?
        .ok_or_else(|| ApiError::state_machine_does_not_exist(requested))?;
    if machine.machine_type == MachineType::Express {
        return Err(ApiError::new(
            ErrorCode::StateMachineTypeNotSupported,
            "This operation is not supported by this type of state machine",
        ));
    }
    let list = format!(
        "ListExecutions:{requested}:{}:{}",
        input.status_filter.as_deref().unwrap_or(""),
        input.redrive_filter.as_deref().unwrap_or("")
    );
    let paging = Paging::new(list, input.max_results, input.next_token.as_deref())?;
    let status = input
        .status_filter
        .as_deref()
        .and_then(ExecutionStatus::parse);
    let pending_redrive = input.status_filter.as_deref() == Some("PENDING_REDRIVE");
    let mut records = state
        .control
        .list(Some(&machine.name), status)
        .map_err(|error| ApiError::internal(&error))?;
    records.reverse();
    let mut items = Vec::new();
    for record in records {
        if pending_redrive {
            break;
        }
        let (version, alias) = through(&state, &record.identity.arn);
        let qualified_by = match &parsed.qualifier {
            None => true,
            Some(Qualifier::Version(_)) => version.as_deref() == Some(requested),
            Some(Qualifier::Alias(_)) => alias.as_deref() == Some(requested),
        };
        let redriven = record.position.redrive_count > 0;
        let redrive_wanted = match input.redrive_filter.as_deref() {
            Some("REDRIVEN") => redriven,
            Some("NOT_REDRIVEN") => !redriven,
            _ => true,
        };
        if !(qualified_by && redrive_wanted) {
            continue;
        }
        let ExecutionRecord { identity, position } = record;
        items.push(ListItem {
            state_machine_arn: state.machine_arn(&identity.machine),
            execution_arn: identity.arn,
            name: identity.name,
            status: position.status.as_str(),
            start_date: identity.start.into(),
            stop_date: position.stop.map(Timestamp::from),
            redrive_count: position.redrive_count,
            redrive_date: position.redrive_date.map(Timestamp::from),
            state_machine_version_arn: version,
            state_machine_alias_arn: alias,
        });
    }
    let (executions, next_token) = paging.finish(after_cursor(items, paging.after()));
    Ok(ListOutput {
        executions: executions.into_iter().map(Listing::Execution).collect(),
        next_token,
    })
}

/// The items of a list after the one whose cursor is `after` (all without one).
pub fn after_cursor<T: Listed>(items: Vec<T>, after: Option<&str>) -> Vec<T> {
    match after {
        None => items,
        Some(after) => items
            .into_iter()
            .skip_while(|item| item.cursor() != after)
            .skip(1)
            .collect(),
    }
}

/// StopExecution's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopInput {
    execution_arn: String,
    error: Option<String>,
    cause: Option<String>,
}

impl Request for StopInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("executionArn", ARN).required(),
        Member::new("error", ERROR),
        Member::new("cause", CAUSE),
    ];
}

/// StopExecution's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StopOutput {
    stop_date: Timestamp,
}

/// StopExecution: a running execution ends `ABORTED` once its worker committed
/// `ExecutionAborted`; one that ended already answers when it ended.
pub async fn stop(state: Arc<AppState>, input: StopInput) -> Result<StopOutput, ApiError> {
    let record = stored(&state, &input.execution_arn)?;
    if record.position.status == ExecutionStatus::Running {
        state
            .host
            .stop(&input.execution_arn, input.error, input.cause)
            .await
            .map_err(host_error)?;
    }
    let record = stored(&state, &input.execution_arn)?;
    Ok(StopOutput {
        stop_date: record
            .position
            .stop
            .map_or_else(Timestamp::now, Timestamp::from),
    })
}

/// GetExecutionHistory's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryInput {
    execution_arn: String,
    max_results: Option<i64>,
    reverse_order: Option<bool>,
    next_token: Option<String>,
    include_execution_data: Option<bool>,
}

impl Request for HistoryInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("executionArn", ARN).required(),
        Member::new("maxResults", MAX_RESULTS),
        Member::new("reverseOrder", Kind::Boolean),
        Member::new("nextToken", Kind::string(1, 1024)),
        Member::new("includeExecutionData", Kind::Boolean),
    ];
}

/// GetExecutionHistory's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryOutput {
    events: Vec<Event>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// One history event, as the API answers it.
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct Event(Value);

impl Listed for Event {
    /// The event id.
    fn cursor(&self) -> String {
        self.0["id"].to_string()
    }
}

/// GetExecutionHistory: oldest event first (newest with `reverseOrder`);
/// `includeExecutionData: false` leaves out inputs and outputs.
pub async fn history(state: Arc<AppState>, input: HistoryInput) -> Result<HistoryOutput, ApiError> {
    stored(&state, &input.execution_arn)?;
    let reverse = input.reverse_order == Some(true);
    let include = input.include_execution_data != Some(false);
    let list = format!(
        "GetExecutionHistory:{}:{reverse}:{include}",
        input.execution_arn
    );
    let paging = Paging::new(list, input.max_results, input.next_token.as_deref())?;
    let mut events = state
        .control
        .history(&input.execution_arn)
        .map_err(|error| ApiError::internal(&error))?;
    if reverse {
        events.reverse();
    }
    let events = events
        .into_iter()
        .map(|event| Event(answered_event(&event, include)))
        .collect();
    let (events, next_token) = paging.finish(after_cursor(events, paging.after()));
    Ok(HistoryOutput { events, next_token })
}

/// `event` as GetExecutionHistory answers it: the timestamp in epoch seconds, and
/// without inputs and outputs unless `include`.
pub(crate) fn answered_event(event: &asl_engine::history::HistoryEvent, include: bool) -> Value {
    let mut value = serde_json::to_value(event).unwrap_or_default();
    if let Some(millis) = asl_engine::history::event_millis(&event.timestamp) {
        value["timestamp"] = serde_json::to_value(Timestamp(millis)).unwrap_or_default();
    }
    if !include && let Some(object) = value.as_object_mut() {
        for details in object.values_mut().filter_map(Value::as_object_mut) {
            details.remove("input");
            details.remove("output");
        }
    }
    value
}

/// RedriveExecution's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedriveInput {
    execution_arn: String,
}

impl Request for RedriveInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("executionArn", ARN).required(),
        // Checked and accepted: retries of one redrive are safe without it (a
        // redriven execution runs, and redriving a running one is refused).
        Member::new("clientToken", Kind::string(1, 64)),
    ];
}

/// RedriveExecution's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RedriveOutput {
    redrive_date: Timestamp,
}

/// RedriveExecution: a failed, timed-out or aborted execution goes on from the
/// state it ended in, with the definition it started with.
pub async fn redrive(state: Arc<AppState>, input: RedriveInput) -> Result<RedriveOutput, ApiError> {
    stored(&state, &input.execution_arn)?;
    state
        .host
        .redrive(&input.execution_arn)
        .await
        .map_err(host_error)?;
    let record = stored(&state, &input.execution_arn)?;
    Ok(RedriveOutput {
        redrive_date: record
            .position
            .redrive_date
            .map_or_else(Timestamp::now, Timestamp::from),
    })
}

/// DescribeStateMachineForExecution's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineForExecutionOutput {
    state_machine_arn: String,
    name: String,
    definition: String,
    role_arn: String,
    update_date: Timestamp,
    logging_configuration: Value,
    tracing_configuration: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision_id: Option<String>,
}

/// DescribeStateMachineForExecution: the definition the execution runs (the one
/// it started with, even when the machine was updated since).
pub async fn machine_for_execution(
    state: Arc<AppState>,
    input: ExecutionInput,
) -> Result<MachineForExecutionOutput, ApiError> {
    let record = stored(&state, &input.execution_arn)?;
    let definition = state
        .host
        .definition_of_execution(&input.execution_arn)
        .map_err(host_error)?;
    let machine_arn = state.machine_arn(&record.identity.machine);
    let machine = state
        .catalog
        .machine(&machine_arn)?
        .ok_or_else(|| ApiError::state_machine_does_not_exist(&machine_arn))?;
    Ok(MachineForExecutionOutput {
        state_machine_arn: machine.arn,
        name: machine.name,
        definition,
        role_arn: machine.revision.role_arn,
        update_date: machine.update_date,
        logging_configuration: machine.revision.logging,
        tracing_configuration: machine.revision.tracing,
        revision_id: machine.revision_id,
    })
}
