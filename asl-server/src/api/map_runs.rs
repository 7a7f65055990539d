//! ListMapRuns, DescribeMapRun, UpdateMapRun and ListExecutions of a Map Run's
//! child executions: Distributed Map runs, read from what the worker running the
//! execution notes in the store as they go (see [`asl_runtime::map::progress`]).

use std::sync::Arc;

use asl_runtime::map::progress::{self, Child, Counts, Record, Status, Update};
use serde::{Deserialize, Serialize};

use super::executions::{after_cursor, host_error, stored};
use super::paging::{MAX_RESULTS, NEXT_TOKEN, Paging};
use super::state_machines::ARN;
use crate::catalog::Listed;
use crate::protocol::{ApiError, ErrorCode, Kind, Member, Request};
use crate::server::AppState;
use crate::time::Timestamp;

/// `mapRunArn`.
pub const MAP_RUN_ARN: Kind = Kind::string(1, 2000);

/// ListMapRuns's request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListInput {
    execution_arn: String,
    max_results: Option<i64>,
    next_token: Option<String>,
}

impl Request for ListInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("executionArn", ARN).required(),
        Member::new("maxResults", MAX_RESULTS),
        Member::new("nextToken", NEXT_TOKEN),
    ];
}

/// ListMapRuns's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOutput {
    map_runs: Vec<ListItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// One Map Run of a list (`MapRunListItem`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItem {
    execution_arn: String,
    map_run_arn: String,
    state_machine_arn: String,
    start_date: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_date: Option<Timestamp>,
}

impl Listed for ListItem {
    /// The ARN.
    fn cursor(&self) -> String {
        self.map_run_arn.clone()
    }
}

/// ListMapRuns: the Map Runs an execution started, in the order they started.
pub async fn list(state: Arc<AppState>, input: ListInput) -> Result<ListOutput, ApiError> {
    stored(&state, &input.execution_arn)?;
    let list = format!("ListMapRuns:{}", input.execution_arn);
    let paging = Paging::new(list, input.max_results, input.next_token.as_deref())?;
    let prefix = progress::index_prefix(&input.execution_arn);
    let mut items = Vec::new();
    for (key, _) in notes(&state, &prefix)? {
        // After the prefix: the run's start time, then its ARN.
        let Some((_, arn)) = key[prefix.len()..].split_once(':') else {
            continue;
        };
        if let Some(record) = record(&state, arn)? {
            items.push(ListItem {
                execution_arn: record.execution_arn,
                map_run_arn: record.map_run_arn,
                state_machine_arn: record.state_machine_arn,
                start_date: Timestamp(record.start_ms),
                stop_date: record.stop_ms.map(Timestamp),
            });
        }
    }
    let (map_runs, next_token) = paging.finish(after_cursor(items, paging.after()));
    Ok(ListOutput {
        map_runs,
        next_token,
    })
}

/// The request of DescribeMapRun.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeInput {
    map_run_arn: String,
}

impl Request for DescribeInput {
    const MEMBERS: &'static [Member] = &[Member::new("mapRunArn", MAP_RUN_ARN).required()];
}

/// DescribeMapRun's response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeOutput {
    map_run_arn: String,
    execution_arn: String,
    status: &'static str,
    start_date: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_date: Option<Timestamp>,
    max_concurrency: u64,
    tolerated_failure_percentage: f64,
    tolerated_failure_count: u64,
    item_counts: Counts,
    execution_counts: Counts,
    redrive_count: u32,
}

/// DescribeMapRun: the run's status, settings and counts, as last noted (at most
/// [`progress::PUBLISH_EVERY`] old while it runs).
pub async fn describe(
    state: Arc<AppState>,
    input: DescribeInput,
) -> Result<DescribeOutput, ApiError> {
    let record = existing(&state, &input.map_run_arn)?;
    Ok(DescribeOutput {
        status: record.status.as_str(),
        start_date: Timestamp(record.start_ms),
        stop_date: record.stop_ms.map(Timestamp),
        max_concurrency: record.max_concurrency,
        tolerated_failure_percentage: record.tolerated_failure_percentage,
        tolerated_failure_count: record.tolerated_failure_count,
        item_counts: record.item_counts,
        execution_counts: record.execution_counts,
        redrive_count: 0,
        map_run_arn: record.map_run_arn,
        execution_arn: record.execution_arn,
    })
}

/// The request of UpdateMapRun.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInput {
    map_run_arn: String,
    max_concurrency: Option<u64>,
    tolerated_failure_percentage: Option<f64>,
    tolerated_failure_count: Option<u64>,
}

impl Request for UpdateInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("mapRunArn", MAP_RUN_ARN).required(),
        Member::new("maxConcurrency", Kind::integer(0, i64::MAX)),
        Member::new("toleratedFailurePercentage", Kind::float(0.0, 100.0)),
        Member::new("toleratedFailureCount", Kind::integer(0, i64::MAX)),
    ];
}

/// UpdateMapRun's (empty) response.
#[derive(Debug, Serialize)]
pub struct UpdateOutput {}

/// UpdateMapRun: new settings for a running Map Run, taken by the worker running
/// it at once.
pub async fn update(state: Arc<AppState>, input: UpdateInput) -> Result<UpdateOutput, ApiError> {
    let record = existing(&state, &input.map_run_arn)?;
    if input.max_concurrency.is_none()
        && input.tolerated_failure_percentage.is_none()
        && input.tolerated_failure_count.is_none()
    {
        return Err(ApiError::validation_because(
            "At least one of the following fields must be provided: \
             [maxConcurrency, toleratedFailurePercentage, toleratedFailureCount]",
            "MISSING_REQUIRED_PARAMETER",
        ));
    }
    if record.status != Status::Running {
        return Err(ended(&input.map_run_arn));
    }
    let update = Update {
        max_concurrency: input.max_concurrency,
        tolerated_failure_percentage: input.tolerated_failure_percentage,
        tolerated_failure_count: input.tolerated_failure_count,
    };
    state
        .host
        .update_map_run(&record.execution_arn, &input.map_run_arn, update)
        .await
        .map_err(|error| {
            // The run ended between the read above and the worker's answer.
            let api = host_error(error);
            if api.code() == ErrorCode::ValidationException {
                ended(&input.map_run_arn)
            } else {
                api
            }
        })?;
    Ok(UpdateOutput {})
}

/// `ValidationException` for an update of a Map Run that ended.
fn ended(arn: &str) -> ApiError {
    ApiError::validation_because(
        format!("Map Run '{arn}' is not running and cannot be updated"),
        "CANNOT_UPDATE_COMPLETED_MAP_RUN",
    )
}

/// One child execution of a Map Run, as ListExecutions lists it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChildItem {
    execution_arn: String,
    state_machine_arn: String,
    name: String,
    status: &'static str,
    start_date: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_date: Option<Timestamp>,
    map_run_arn: String,
    item_count: u64,
}

impl Listed for ChildItem {
    /// The ARN.
    fn cursor(&self) -> String {
        self.execution_arn.clone()
    }
}

/// ListExecutions with `mapRunArn`: the run's child executions in item order,
/// those with `status` only when given (an AWS execution status name).
pub fn children(
    state: &AppState,
    map_run_arn: &str,
    status: Option<&str>,
    paging: &Paging,
) -> Result<(Vec<ChildItem>, Option<String>), ApiError> {
    let record = existing(state, map_run_arn)?;
    let mut items = Vec::new();
    for (_, text) in notes(state, &progress::child_prefix(map_run_arn))? {
        let Ok(child) = serde_json::from_str::<Child>(&text) else {
            continue;
        };
        if status.is_some_and(|status| status != child.status.as_str()) {
            continue;
        }
        items.push(ChildItem {
            execution_arn: child.execution_arn,
            state_machine_arn: record.state_machine_arn.clone(),
            name: child.name,
            status: child.status.as_str(),
            start_date: Timestamp(child.start_ms),
            stop_date: child.stop_ms.map(Timestamp),
            map_run_arn: map_run_arn.to_owned(),
            item_count: child.items,
        });
    }
    Ok(paging.finish(after_cursor(items, paging.after())))
}

/// Map Run `arn`'s record, `InvalidArn` when `arn` is not a Map Run ARN, or
/// `ResourceNotFound`.
fn existing(state: &AppState, arn: &str) -> Result<Record, ApiError> {
    if !is_map_run_arn(arn) {
        return Err(ApiError::invalid_arn(arn));
    }
    record(state, arn)?.ok_or_else(|| ApiError::resource_not_found("Map Run", arn))
}

/// Whether `arn` has the form of a Map Run ARN:
/// `arn:<partition>:states:<region>:<account>:mapRun:<machine>/<label>:<id>`.
fn is_map_run_arn(arn: &str) -> bool {
    let fields: Vec<&str> = arn.splitn(8, ':').collect();
    matches!(
        fields[..],
        ["arn", _, "states", _, _, "mapRun", machine, id]
            if machine.contains('/') && !id.is_empty() && !id.contains(':')
    )
}

/// Map Run `arn`'s record, if noted.
fn record(state: &AppState, arn: &str) -> Result<Option<Record>, ApiError> {
    let noted = state
        .control
        .store()
        .noted(&progress::record_key(arn))
        .map_err(|error| ApiError::internal(&error))?;
    Ok(noted.and_then(|text| serde_json::from_str(&text).ok()))
}

/// The store's notes under `prefix`.
fn notes(state: &AppState, prefix: &str) -> Result<Vec<(String, String)>, ApiError> {
    state
        .control
        .store()
        .notes_under(prefix)
        .map_err(|error| ApiError::internal(&error))
}

#[cfg(test)]
mod tests {
    use super::is_map_run_arn;

    #[test]
    fn map_run_arns_have_a_label_and_an_id() {
        assert!(is_map_run_arn(
            "arn:aws:states:us-east-1:123456789012:mapRun:m/Label:5f2c4d1e-0000-4000-8000-000000000000"
        ));
        for arn in [
            "arn:aws:states:us-east-1:123456789012:mapRun:m:id",
            "arn:aws:states:us-east-1:123456789012:execution:m:e",
            "arn:aws:states:us-east-1:123456789012:mapRun:m/L:",
            "arn:aws:states:us-east-1:123456789012:mapRun:m/L:a:b",
            "not an arn",
        ] {
            assert!(!is_map_run_arn(arn), "{arn}");
        }
    }
}
