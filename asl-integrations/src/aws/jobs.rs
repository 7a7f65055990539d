//! The Run a Job pattern (`.sync`): `athena:startQueryExecution`,
//! `glue:startJobRun`, `batch:submitJob` and `ecs:runTask` start their job, then
//! poll it, waiting longer between polls (1 s, growing by half up to 30 s), until it
//! ends: its final description is the Task's result, and a job that failed fails
//! the Task with `States.TaskFailed` and that description as the cause. Without
//! `.sync` they return what starting the job answered, as `athena:getQueryResults`
//! returns the results of a query.

use std::time::Duration;

use serde_json::{Value, json};

use asl_runtime::task::{TaskContext, TaskError};

use super::Aws;
use super::http::Request;
use super::protocol::{SFN, envelope};
use super::sdk::{self, SdkService};

/// The first wait between two polls of a job.
const FIRST_POLL: Duration = Duration::from_secs(1);
/// The longest wait between two polls.
const LONGEST_POLL: Duration = Duration::from_secs(30);

/// A job integration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// `athena:startQueryExecution`.
    AthenaQuery,
    /// `athena:getQueryResults` (request-response only).
    AthenaResults,
    /// `glue:startJobRun`.
    GlueJobRun,
    /// `batch:submitJob`.
    Batch,
    /// `ecs:runTask`.
    EcsTask,
    /// `states:startExecution`: an execution of a state machine of a Step
    /// Functions endpoint (a machine asl runs itself is started by the runtime).
    Execution,
}

/// How a job integration waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// It does not: the answer to starting the job is the result.
    No,
    /// `.sync`: until the job ends.
    Sync,
    /// `.sync:2`: until the job ends, with its input and output as JSON.
    Sync2,
}

impl Job {
    /// The job integration `service:action` names.
    pub fn named(service: &str, action: &str) -> Option<Job> {
        Some(match (service, action) {
            ("athena", "startQueryExecution") => Job::AthenaQuery,
            ("athena", "getQueryResults") => Job::AthenaResults,
            ("glue", "startJobRun") => Job::GlueJobRun,
            ("batch", "submitJob") => Job::Batch,
            ("ecs", "runTask") => Job::EcsTask,
            ("states", "startExecution") => Job::Execution,
            _ => return None,
        })
    }

    /// Whether it can wait as `wait` says.
    pub fn waits(self, wait: Wait) -> bool {
        match wait {
            Wait::No => true,
            Wait::Sync => self != Job::AthenaResults,
            Wait::Sync2 => self == Job::Execution,
        }
    }
}

/// How a polled job stands.
enum Standing {
    /// Still going.
    Running,
    /// Ended well.
    Succeeded,
    /// Ended badly.
    Failed,
}

fn service(name: &str) -> &'static SdkService {
    sdk::service(name).unwrap_or_else(|| unreachable!("{name} is in the service table"))
}

impl Aws {
    /// Runs `job` with `parameters`, waiting as `wait` says.
    pub(super) async fn job(
        &self,
        job: Job,
        wait: Wait,
        task: &TaskContext<'_>,
        parameters: Value,
    ) -> Result<Value, TaskError> {
        let sync = wait != Wait::No;
        match job {
            Job::Execution => {
                let mut parameters = parameters;
                // Input is text on the wire: an object given is sent as its JSON.
                if let Some(input) = parameters.get_mut("Input")
                    && !input.is_string()
                {
                    *input = Value::String(input.to_string());
                }
                let body = sdk::renamed_top(parameters, sdk::lower_first);
                let (response, started) =
                    self.json_call(&SFN, "StartExecution", &body, task).await?;
                let mut started = renamed_upper(started);
                if !sync {
                    if let Some(members) = started.as_object_mut() {
                        envelope(&response, members);
                    }
                    return Ok(started);
                }
                let execution = json!({"executionArn": started["ExecutionArn"]});
                self.poll(task, || async {
                    let (_, described) = self
                        .json_call(&SFN, "DescribeExecution", &execution, task)
                        .await?;
                    let mut described = renamed_upper(described);
                    let standing = match described["Status"].as_str() {
                        Some("RUNNING" | "PENDING_REDRIVE") => Standing::Running,
                        Some("SUCCEEDED") => Standing::Succeeded,
                        _ => Standing::Failed,
                    };
                    if wait == Wait::Sync2 {
                        for member in ["Input", "Output"] {
                            if let Some(text) = described[member].as_str()
                                && let Ok(parsed) = serde_json::from_str::<Value>(text)
                            {
                                described[member] = parsed;
                            }
                        }
                    }
                    Ok((standing, described))
                })
                .await
            }
            Job::AthenaResults => {
                self.sdk(service("athena"), "getQueryResults", task, parameters)
                    .await
            }
            Job::AthenaQuery => {
                let started = self
                    .sdk(service("athena"), "startQueryExecution", task, parameters)
                    .await?;
                if !sync {
                    return Ok(started);
                }
                let id = json!({"QueryExecutionId": started["QueryExecutionId"]});
                self.poll(task, || async {
                    let described = self
                        .sdk(service("athena"), "getQueryExecution", task, id.clone())
                        .await?;
                    let standing = match described["QueryExecution"]["Status"]["State"].as_str() {
                        Some("SUCCEEDED") => Standing::Succeeded,
                        Some("FAILED" | "CANCELLED") => Standing::Failed,
                        _ => Standing::Running,
                    };
                    Ok((standing, described))
                })
                .await
            }
            Job::GlueJobRun => {
                let name = parameters["JobName"].clone();
                let started = self
                    .sdk(service("glue"), "startJobRun", task, parameters)
                    .await?;
                if !sync {
                    // Step Functions copies JobName into the answer.
                    return Ok(json!({"JobRunId": started["JobRunId"], "JobName": name}));
                }
                let run = json!({"JobName": name, "RunId": started["JobRunId"]});
                self.poll(task, || async {
                    let described = self
                        .sdk(service("glue"), "getJobRun", task, run.clone())
                        .await?;
                    let mut job_run = described["JobRun"].clone();
                    let standing = match job_run["JobRunState"].as_str() {
                        Some("SUCCEEDED" | "STOPPED") => Standing::Succeeded,
                        Some("FAILED" | "TIMEOUT" | "ERROR") => Standing::Failed,
                        _ => Standing::Running,
                    };
                    if let Some(members) = job_run.as_object_mut() {
                        members.insert("JobName".into(), run["JobName"].clone());
                    }
                    Ok((standing, job_run))
                })
                .await
            }
            Job::EcsTask => {
                let mut parameters = parameters;
                if sync && let Some(members) = parameters.as_object_mut() {
                    members.insert("StartedBy".into(), "AWS Step Functions".into());
                }
                let cluster = parameters["Cluster"].clone();
                let started = self
                    .sdk(service("ecs"), "runTask", task, parameters)
                    .await?;
                if !sync {
                    return Ok(started);
                }
                let arn = started["Tasks"][0]["TaskArn"].clone();
                if arn.is_null() {
                    return Err(TaskError::new("AmazonECS.Unknown", started.to_string()));
                }
                let query = json!({"Cluster": cluster, "Tasks": [arn]});
                self.poll(task, || async {
                    let described = self
                        .sdk(service("ecs"), "describeTasks", task, query.clone())
                        .await?;
                    let ecs_task = described["Tasks"][0].clone();
                    let standing = match ecs_task["LastStatus"].as_str() {
                        Some("STOPPED") => {
                            let exits = ecs_task["Containers"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(|container| container["ExitCode"].as_i64());
                            let failed = ecs_task["StopCode"] == "TaskFailedToStart"
                                || exits.into_iter().any(|code| code != 0);
                            if failed {
                                Standing::Failed
                            } else {
                                Standing::Succeeded
                            }
                        }
                        _ => Standing::Running,
                    };
                    Ok((standing, ecs_task))
                })
                .await
            }
            Job::Batch => {
                let submitted = self
                    .batch("submitjob", task, renamed_lower(parameters))
                    .await?;
                let submitted = renamed_upper(submitted);
                if !sync {
                    return Ok(submitted);
                }
                let query = json!({"jobs": [submitted["JobId"]]});
                self.poll(task, || async {
                    let described =
                        renamed_upper(self.batch("describejobs", task, query.clone()).await?);
                    let job = described["Jobs"][0].clone();
                    let standing = match job["Status"].as_str() {
                        Some("SUCCEEDED") => Standing::Succeeded,
                        Some("FAILED") => Standing::Failed,
                        _ => Standing::Running,
                    };
                    Ok((standing, job))
                })
                .await
            }
        }
    }

    /// Polls with `describe` until the job ends: its description, or
    /// `States.TaskFailed` with it.
    async fn poll<F, Fut>(&self, task: &TaskContext<'_>, describe: F) -> Result<Value, TaskError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<(Standing, Value), TaskError>>,
    {
        let mut wait = FIRST_POLL;
        loop {
            let (standing, description) = describe().await?;
            match standing {
                Standing::Succeeded => return Ok(description),
                Standing::Failed => {
                    return Err(TaskError::new("States.TaskFailed", description.to_string()));
                }
                Standing::Running => {}
            }
            task.heartbeat().beat();
            tokio::time::sleep(wait).await;
            wait = (wait + wait / 2).min(LONGEST_POLL);
        }
    }

    /// AWS Batch's REST-JSON `POST /v1/<operation>` with `body`.
    async fn batch(
        &self,
        operation: &str,
        task: &TaskContext<'_>,
        body: Value,
    ) -> Result<Value, TaskError> {
        let endpoint = self.config.endpoint("Batch", "batch");
        let request = Request {
            method: "POST",
            url: format!("{endpoint}/v1/{operation}"),
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        };
        let response = self
            .exchange("batch", "Batch", request, task, |response| {
                super::protocol::BATCH.error(response)
            })
            .await?;
        serde_json::from_slice(&response.body)
            .map_err(|error| TaskError::new("States.TaskFailed", format!("Batch: {error}")))
    }
}

fn renamed_lower(value: Value) -> Value {
    sdk::renamed(value, sdk::lower_first)
}

fn renamed_upper(value: Value) -> Value {
    sdk::renamed(value, sdk::upper_first)
}
