//! The messages between `asl serve` and the worker processes that run its compiled
//! machines: one JSON object per line, [`ToWorker`] on the worker's stdin and
//! [`FromWorker`] on its stdout. The server's [`Call`]s and the worker's [`Ask`]s
//! are each answered by a [`Response`] with their id, in any order.

use asl_runtime::exec::test;
use asl_runtime::probe::Record;
use asl_runtime::{ExecutionError, MachineState, Step};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The key of the store note naming the definition execution `arn` runs, so that
/// every later call for it, and its resumption, go to a worker of that definition.
pub fn definition_key(arn: &str) -> String {
    format!("asl-serve/definition/{arn}")
}

/// The key of the store note naming the mock test case execution `arn` runs, so
/// that it runs it again when resumed.
pub fn test_case_key(arn: &str) -> String {
    format!("asl-serve/test-case/{arn}")
}

/// A line on a worker's stdin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ToWorker {
    /// A call of the server's.
    Request(Request),
    /// The answer to an [`Asking`] of the worker's.
    Response(Response),
}

/// A line on a worker's stdout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FromWorker {
    /// The answer to a [`Request`] of the server's.
    Response(Response),
    /// Something the worker asks of the server.
    Asking(Asking),
}

/// A worker's question to the server, answered by the [`Response`] with the same
/// `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asking {
    /// Chosen by the worker, unique among its questions in flight.
    pub id: u64,
    /// What it asks.
    pub ask: Ask,
}

/// What a worker asks of the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Ask {
    /// A `states:startExecution` Task: start execution `name` of the server's state
    /// machine `machine` (its current definition); [`Answer::Started`].
    StartExecution {
        /// The state machine's name.
        machine: String,
        /// The execution's name.
        name: String,
        /// Its input.
        input: Value,
    },
}

/// A call from the server, answered by the [`Response`] with the same `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Chosen by the server, unique among its calls in flight.
    pub id: u64,
    /// The key of the machine of the binary the call is for (a binary compiled
    /// from several definitions hosts one machine per definition); `None` for the
    /// only machine of a binary that has one, and for the calls about every
    /// machine of the worker ([`Call::TakeActivityTask`], [`Call::Running`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
    /// What to do.
    pub call: Call,
}

/// What the server asks of a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Call {
    /// `StartExecution` of a STANDARD machine: starts execution `name` durably;
    /// [`Answer::Started`] once its start is committed.
    Start {
        /// The execution's name.
        name: String,
        /// Its input.
        input: Value,
        /// The id of the definition the worker runs, noted for the execution (see
        /// [`definition_key`]) no later than its start is committed.
        definition: String,
        /// The test case of the worker's mock configuration it runs
        /// (`stateMachineArn#TestCase`), noted for it too (see [`test_case_key`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        test_case: Option<String>,
    },
    /// Goes on with these running executions (after a restart of the server or of
    /// the worker); [`Answer::Resumed`] with how many it took.
    Resume {
        /// Their ARNs.
        arns: Vec<String>,
    },
    /// `StopExecution`; [`Answer::Done`] once `ExecutionAborted` is committed.
    Stop {
        /// The execution's ARN.
        arn: String,
        /// The error it ends with.
        error: Option<String>,
        /// The cause.
        cause: Option<String>,
    },
    /// `RedriveExecution`; [`Answer::Started`].
    Redrive {
        /// The execution's ARN.
        arn: String,
    },
    /// An EXPRESS execution, in memory and without history; [`Answer::Ended`].
    Run {
        /// The execution's name.
        name: String,
        /// The random id that ends its ARN (`express:<machine>:<name>:<id>`).
        id: String,
        /// Its input.
        input: Value,
        /// The test case of the worker's mock configuration it runs.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        test_case: Option<String>,
    },
    /// Takes the next task of `activity` offered by an execution of any machine of
    /// this worker, if there is one now; [`Answer::ActivityTask`].
    TakeActivityTask {
        /// The activity's ARN.
        activity: String,
    },
    /// Whether an execution of any machine of this worker offers a task of
    /// `activity` now (none is taken); [`Answer::Offers`].
    OffersActivityTask {
        /// The activity's ARN.
        activity: String,
    },
    /// An outcome was recorded for `token` in the store: hand it to the state
    /// waiting for it here, if one does; [`Answer::Done`].
    Deliver {
        /// The task token.
        token: String,
    },
    /// `SendTaskHeartbeat` for `token`; [`Answer::Done`].
    Heartbeat {
        /// The task token.
        token: String,
    },
    /// `UpdateMapRun` of a Map Run of an execution this worker runs;
    /// [`Answer::Done`], or `ResourceNotFound` when no such run is running here.
    UpdateMapRun {
        /// The Map Run's ARN.
        arn: String,
        /// A new `MaxConcurrency`.
        max_concurrency: Option<u64>,
        /// A new `ToleratedFailurePercentage`.
        tolerated_failure_percentage: Option<f64>,
        /// A new `ToleratedFailureCount`.
        tolerated_failure_count: Option<u64>,
    },
    /// A child execution of a Distributed Map that a process of the fleet handed
    /// out (see `asl_runtime::hooks::Spread`): runs it as its parent's process
    /// would; [`Answer::Ended`].
    RunChild(Box<asl_runtime::hooks::SpreadChild>),
    /// How many executions the worker runs now, all its machines together
    /// ([`Answer::Running`]): a worker running none and called by no one may be
    /// stopped.
    Running,
    /// `TestState`: runs the first state of a machine compiled for TestState alone;
    /// [`Answer::Tested`].
    Test(Box<Test>),
}

/// A `TestState` run (see [`Call::Test`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Test {
    /// The state's input.
    pub input: Value,
    /// The name of the execution it runs in (`$$.Execution.Name`).
    pub name: String,
    /// The workflow variables set before the state runs.
    #[serde(default)]
    pub variables: serde_json::Map<String, Value>,
    /// The whole Context object the state sees, when the test gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// The mocked result of the state's work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mock: Option<Value>,
    /// The mocked error of the state's work: `[error, cause]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mock_error: Option<(String, String)>,
    /// `retrierRetryCount`.
    #[serde(default)]
    pub retrier_retry_count: u64,
    /// `mapIterationFailureCount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_iteration_failure_count: Option<u64>,
    /// `revealSecrets`.
    #[serde(default)]
    pub reveal_secrets: bool,
}

/// How a [`Test`] went: what `TestState` answers, before the server shapes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tested {
    /// `SUCCEEDED`, `FAILED`, `RETRIABLE` or `CAUGHT_ERROR`.
    pub status: String,
    /// The state's output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// The state it goes on to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_state: Option<String>,
    /// The error it failed with (or a retrier would retry, or a catcher caught).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its cause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// Each step of the state's data flow, by its `inspectionData` member name.
    #[serde(default)]
    pub stages: serde_json::Map<String, Value>,
    /// The retrier that matched the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_index: Option<usize>,
    /// The seconds it would wait before retrying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_backoff_seconds: Option<u64>,
    /// The catcher that caught the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catch_index: Option<usize>,
    /// A Map state's `[MaxConcurrency, ToleratedFailureCount,
    /// ToleratedFailurePercentage]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<(u64, Option<u64>, Option<f64>)>,
    /// The workflow variables after the state, by name.
    #[serde(default)]
    pub variables: serde_json::Map<String, Value>,
    /// An HTTP Task's `[request, response]`, as `inspectionData` shows them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<(Value, Value)>,
}

/// The answer to the [`Request`] or [`Asking`] with the same `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The request's id.
    pub id: u64,
    /// How it went.
    pub answer: Answer,
}

/// How a call went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Answer {
    /// The execution with this ARN started (or was redriven).
    Started {
        /// Its ARN.
        arn: String,
    },
    /// How many executions it resumed.
    Resumed {
        /// Their number.
        count: usize,
    },
    /// Done.
    Done,
    /// An EXPRESS execution ended.
    Ended(Ended),
    /// The activity task taken, if any.
    ActivityTask(Option<ActivityTask>),
    /// Whether a task of the activity is offered ([`Call::OffersActivityTask`]).
    Offers(bool),
    /// How a TestState run went.
    Tested(Box<Tested>),
    /// How many executions run in the worker.
    Running {
        /// Their number.
        count: usize,
    },
    /// The call failed.
    Failed(Failure),
}

/// How an in-memory execution ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Ended {
    /// With this output.
    Succeeded(Value),
    /// With this error and cause.
    Failed {
        /// The error name (`States.Timeout` when it ran past `TimeoutSeconds`).
        error: String,
        /// The cause.
        cause: String,
    },
}

impl Tested {
    /// A test that failed with `error` before the state ran.
    pub fn failed(error: &ExecutionError) -> Tested {
        let mut tested = Tested {
            status: "FAILED".into(),
            ..Tested::default()
        };
        tested.noted(error);
        tested
    }

    /// What the probe `record`ed: the data-flow steps and what matched the error.
    pub fn recorded(record: &Record) -> Tested {
        Tested {
            stages: record
                .stages
                .iter()
                .map(|(stage, value)| (stage.member().to_owned(), value.clone()))
                .collect(),
            retry_index: record.retry_index,
            retry_backoff_seconds: record.retry_backoff_seconds,
            catch_index: record.catch_index,
            map: record.map.map(|limits| {
                (
                    limits.max_concurrency,
                    limits.tolerated_failure_count,
                    limits.tolerated_failure_percentage,
                )
            }),
            http: record.http.clone(),
            ..Tested::default()
        }
    }

    /// The status, output, next state or error of a state that ended as `tested`
    /// says, having recorded `record`.
    pub fn ended<S: MachineState>(&mut self, tested: test::Tested<S>, record: &Record) {
        match tested {
            test::Tested::Stepped(step) => {
                match record
                    .error
                    .as_ref()
                    .filter(|_| record.catch_index.is_some())
                {
                    Some(error) => {
                        self.status = "CAUGHT_ERROR".into();
                        self.noted(error);
                    }
                    None => self.status = "SUCCEEDED".into(),
                }
                match step {
                    Step::Next(next) => {
                        self.next_state = Some(next.name().to_owned());
                        self.output = Some(next.input().clone());
                    }
                    Step::Succeed(output) => self.output = Some(output),
                }
            }
            test::Tested::Failed(error) => {
                self.status = "FAILED".into();
                self.noted(&error);
            }
            test::Tested::Retriable => {
                self.status = "RETRIABLE".into();
                if let Some(error) = &record.error {
                    self.noted(error);
                }
            }
        }
    }

    fn noted(&mut self, error: &ExecutionError) {
        self.error = Some(error.name().to_owned());
        self.cause = Some(error.cause_text().to_owned());
    }
}

/// An activity task handed to a worker of the activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityTask {
    /// The token to answer with.
    pub token: String,
    /// The Task's input.
    pub input: Value,
}

/// Why a call failed: the API exception it is and its message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// The exception's name (`ExecutionAlreadyExists`, `ServiceFailure`...).
    pub code: String,
    /// What went wrong.
    pub message: String,
}

impl From<&asl_engine::EngineError> for Failure {
    fn from(error: &asl_engine::EngineError) -> Failure {
        Failure {
            code: error.code().to_owned(),
            message: error.to_string(),
        }
    }
}
