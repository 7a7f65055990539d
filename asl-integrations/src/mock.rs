//! Mocked Task results, in the mock configuration format of AWS Step Functions
//! Local, so that the test suites written for it run unchanged.
//!
//! ```json
//! {
//!   "StateMachines": {
//!     "OrderFlow": {
//!       "TestCases": {
//!         "HappyPath": {"ChargeCard": "ChargeOk"},
//!         "FlakyPayment": {"ChargeCard": "ChargeFlaky"}
//!       }
//!     }
//!   },
//!   "MockedResponses": {
//!     "ChargeOk": {"0": {"Return": {"StatusCode": 200, "Payload": {"charged": true}}}},
//!     "ChargeFlaky": {
//!       "0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
//!       "2": {"Return": {"StatusCode": 200, "Payload": {"charged": true}}}
//!     }
//!   }
//! }
//! ```
//!
//! A test case of a state machine (by its name) maps Task state names to mocked
//! responses. A mocked response answers each invocation of the state in an
//! execution in turn: the first (`"0"`), the next ones (`"1-2"`, a range), every
//! attempt counting (a retry is the next invocation, so is each Map iteration or
//! Parallel branch that runs the state). `Return` is the service's response, which
//! becomes the Task's result as the real response would (a legacy Lambda function
//! ARN Task takes its `Payload`); `Throw` fails the attempt with its `Error` and
//! `Cause`, which Retry and Catch see. An invocation past the last key fails the
//! execution (`States.Runtime`). A state the test case does not name runs as it
//! would without mocks.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

use asl_runtime::error::names;
use asl_runtime::task::{IntegrationPattern, ResourceKind, TaskContext, TaskError};

/// A mock configuration file: the test cases of each state machine.
#[derive(Debug, Clone, Default)]
pub struct MockConfig {
    /// Test cases by state machine name, then by test case name.
    machines: BTreeMap<String, BTreeMap<String, TestCase>>,
}

/// One test case: the mocked responses of its states.
#[derive(Debug, Clone, Default)]
pub struct TestCase {
    /// Its name.
    name: String,
    /// The mocked response of each state it mocks, by state name.
    states: BTreeMap<String, Arc<Responses>>,
}

/// A mocked response: what each invocation of a state answers.
#[derive(Debug, Clone, PartialEq)]
struct Responses {
    /// Its name in the file.
    name: String,
    /// The invocations `first..=last` each answer `step`, consecutive from 0.
    steps: Vec<(u64, u64, Step)>,
}

/// What one invocation answers.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// The service's response.
    Return(Value),
    /// An error and cause.
    Throw { error: String, cause: String },
}

/// A mock configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MockConfigError {
    /// The file cannot be read.
    #[error("cannot read the mock configuration file `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not JSON; the error gives the line and column.
    #[error("the mock configuration file `{}` is not JSON: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        source: serde_json::Error,
    },
    /// The file is JSON, but not a mock configuration.
    #[error("invalid mock configuration file `{}`: {problem}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming where (`MockedResponses.ChargeFlaky."1-2"`).
        problem: String,
    },
}

/// A test case a configuration does not have, with the message Step Functions
/// emulators give for it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Invalid mock test case name '{case}' for state machine '{machine}'. Either the test \
     case is not defined or the mock configuration file could not be loaded."
)]
pub struct UnknownTestCase {
    /// The state machine's name.
    pub machine: String,
    /// The test case asked for.
    pub case: String,
}

impl MockConfig {
    /// Reads the mock configuration file at `path`.
    pub fn load(path: &Path) -> Result<MockConfig, MockConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| MockConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        MockConfig::parse(&text, path)
    }

    /// Parses `text`, the contents of the mock configuration file at `path`,
    /// checking it whole: both top-level objects, every key of every mocked
    /// response (consecutive from 0, no gap or overlap), each step with exactly one
    /// of `Return` and `Throw` (with its `Error` and `Cause`), every test case naming
    /// mocked responses that exist.
    pub fn parse(text: &str, path: &Path) -> Result<MockConfig, MockConfigError> {
        let file: Value = serde_json::from_str(text).map_err(|source| MockConfigError::Json {
            path: path.to_owned(),
            source,
        })?;
        config(&file).map_err(|problem| MockConfigError::Invalid {
            path: path.to_owned(),
            problem,
        })
    }

    /// Test case `case` of the state machine named `machine`.
    pub fn test_case(&self, machine: &str, case: &str) -> Result<TestCase, UnknownTestCase> {
        self.machines
            .get(machine)
            .and_then(|cases| cases.get(case))
            .cloned()
            .ok_or_else(|| UnknownTestCase {
                machine: machine.to_owned(),
                case: case.to_owned(),
            })
    }
}

impl TestCase {
    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether it mocks the state named `state`.
    pub fn mocks(&self, state: &str) -> bool {
        self.states.contains_key(state)
    }
}

/// A test case as the executions of a machine run it: how many times each of its
/// mocked states was invoked in each execution.
#[derive(Debug, Default)]
pub struct MockRun {
    case: TestCase,
    /// Invocations so far, by execution ARN and state name.
    invocations: Mutex<HashMap<(String, &'static str), u64>>,
}

impl MockRun {
    /// Executions run with `case`.
    pub fn new(case: TestCase) -> MockRun {
        MockRun {
            case,
            invocations: Mutex::default(),
        }
    }

    /// The test case.
    pub fn case(&self) -> &TestCase {
        &self.case
    }

    /// The mocked outcome of this invocation of `task`, when the test case mocks its
    /// state; counts the invocation.
    pub fn answer(&self, task: &TaskContext<'_>) -> Option<Result<Value, TaskError>> {
        let state = task.state_name();
        let responses = self.case.states.get(state)?;
        let invocation = {
            let mut invocations = self
                .invocations
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let count = invocations
                .entry((task.execution_arn(), state))
                .or_insert(0);
            let invocation = *count;
            *count += 1;
            invocation
        };
        let step = responses
            .steps
            .iter()
            .find(|(first, last, _)| (*first..=*last).contains(&invocation))
            .map(|(_, _, step)| step);
        Some(match step {
            Some(Step::Return(value)) => Ok(result(task, value)),
            Some(Step::Throw { error, cause }) => Err(TaskError::new(error, cause)),
            None => Err(TaskError::new(
                names::RUNTIME,
                format!(
                    "No mocked response for state '{state}' and invocation number \
                     '{invocation}' in mocked response '{}' of test case '{}'",
                    responses.name, self.case.name
                ),
            )),
        })
    }
}

/// A mock configuration under which each execution may run a test case of its own
/// (`asl serve`'s `stateMachineArn#TestCase`): the test case of each execution, by
/// its ARN.
pub struct PerExecution {
    config: MockConfig,
    runs: Mutex<HashMap<String, Selected>>,
}

/// The test case an execution runs, and how its callback Tasks' tokens are answered.
type Selected = (Arc<MockRun>, Option<TokenAnswer>);

/// Sends the outcome of a callback Task's token, as `SendTaskSuccess` or
/// `SendTaskFailure` would, for the engine running the execution.
pub type TokenAnswer = Arc<dyn Fn(&str, Result<Value, TaskError>) + Send + Sync>;

impl std::fmt::Debug for PerExecution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PerExecution")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl PerExecution {
    /// Executions that may run test cases of `config`.
    pub fn new(config: MockConfig) -> PerExecution {
        PerExecution {
            config,
            runs: Mutex::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &MockConfig {
        &self.config
    }

    /// Execution `arn` of state machine `machine` runs test case `case`; under a
    /// durable engine, `tokens` answers the tokens of its callback Tasks, so that a
    /// mocked `.waitForTaskToken` Task ends with its mocked response at once, as in
    /// Step Functions Local.
    pub fn select(
        &self,
        arn: &str,
        (machine, case): (&str, &str),
        tokens: Option<TokenAnswer>,
    ) -> Result<(), UnknownTestCase> {
        let run = MockRun::new(self.config.test_case(machine, case)?);
        self.lock().insert(arn.to_owned(), (Arc::new(run), tokens));
        Ok(())
    }

    /// Execution `arn` ended: it runs its test case no more.
    pub fn forget(&self, arn: &str) {
        self.lock().remove(arn);
    }

    /// The mocked outcome of this invocation of `task`, when its execution runs a
    /// test case that mocks its state.
    pub fn answer(&self, task: &TaskContext<'_>) -> Option<Result<Value, TaskError>> {
        let (run, tokens) = self.lock().get(&task.execution_arn()).cloned()?;
        let answer = run.answer(task)?;
        let callback = matches!(
            task.resource_kind(),
            ResourceKind::Integration(IntegrationPattern::WaitForTaskToken)
        );
        match (callback, task.task_token(), tokens) {
            // The mocked response is the token's outcome; the call itself answers
            // nothing more.
            (true, Some(token), Some(tokens)) => {
                tokens(token, answer);
                Some(Ok(Value::Null))
            }
            _ => Some(answer),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Selected>> {
        self.runs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The Task result a mocked service `response` makes: the response itself, as a
/// real one would be, but a legacy Lambda function ARN Task's result is the
/// function's `Payload`.
fn result(task: &TaskContext<'_>, response: &Value) -> Value {
    match (task.resource_kind(), response.get("Payload")) {
        (ResourceKind::LambdaFunction, Some(payload)) => payload.clone(),
        _ => response.clone(),
    }
}

/// The configuration `file` holds, or what is wrong with it.
fn config(file: &Value) -> Result<MockConfig, String> {
    let top = file
        .as_object()
        .ok_or("the file must hold a JSON object with `StateMachines` and `MockedResponses`")?;
    let machines = object(top, "StateMachines", "")?;
    let responses = object(top, "MockedResponses", "")?;
    let mut parsed = BTreeMap::new();
    for (name, steps) in responses {
        let place = format!("MockedResponses.{name}");
        let steps = steps
            .as_object()
            .ok_or_else(|| format!("{place} must be an object"))?;
        parsed.insert(
            name.clone(),
            Arc::new(self::responses(name, steps, &place)?),
        );
    }
    let mut config = MockConfig::default();
    for (machine, cases) in machines {
        let place = format!("StateMachines.{machine}");
        let cases = cases
            .as_object()
            .ok_or_else(|| format!("{place} must be an object"))?;
        let cases = object(cases, "TestCases", &place)?;
        let mut own = BTreeMap::new();
        for (case, states) in cases {
            let place = format!("{place}.TestCases.{case}");
            let states = states
                .as_object()
                .ok_or_else(|| format!("{place} must be an object"))?;
            let mut mocked = BTreeMap::new();
            for (state, response) in states {
                let response = response
                    .as_str()
                    .ok_or_else(|| format!("{place}.{state} must name a mocked response"))?;
                let found = parsed.get(response).ok_or_else(|| {
                    format!("{place}.{state} names `{response}`, which MockedResponses lacks")
                })?;
                mocked.insert(state.clone(), Arc::clone(found));
            }
            let case_name = case.clone();
            own.insert(
                case.clone(),
                TestCase {
                    name: case_name,
                    states: mocked,
                },
            );
        }
        config.machines.insert(machine.clone(), own);
    }
    Ok(config)
}

/// Member `name` of `object`, an object itself.
fn object<'a>(
    object: &'a Map<String, Value>,
    name: &str,
    place: &str,
) -> Result<&'a Map<String, Value>, String> {
    let at = if place.is_empty() {
        name.to_owned()
    } else {
        format!("{place}.{name}")
    };
    object
        .get(name)
        .ok_or_else(|| format!("`{at}` is missing"))?
        .as_object()
        .ok_or_else(|| format!("`{at}` must be an object"))
}

/// The mocked response `name`, its invocation keys checked to number invocations
/// consecutively from 0.
fn responses(name: &str, steps: &Map<String, Value>, place: &str) -> Result<Responses, String> {
    let mut parsed = Vec::new();
    for (key, step) in steps {
        let place = format!("{place}.\"{key}\"");
        let (first, last) = invocations(key).ok_or_else(|| {
            format!("{place}: a key is an invocation number (\"0\") or a range (\"1-2\")")
        })?;
        parsed.push((first, last, self::step(step, &place)?));
    }
    parsed.sort_by_key(|(first, _, _)| *first);
    let mut next = 0;
    for (first, last, _) in &parsed {
        if *first != next {
            return Err(format!(
                "MockedResponses.{name}: the invocations must be numbered consecutively from 0, \
                 but {next} is followed by {first}"
            ));
        }
        next = last + 1;
    }
    Ok(Responses {
        name: name.to_owned(),
        steps: parsed,
    })
}

/// The invocations a key names: `"3"` (3..=3) or `"1-2"`.
fn invocations(key: &str) -> Option<(u64, u64)> {
    let number = |text: &str| {
        (!text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    };
    match key.split_once('-') {
        None => number(key).map(|n| (n, n)),
        Some((first, last)) => {
            let (first, last) = (number(first)?, number(last)?);
            (first <= last).then_some((first, last))
        }
    }
}

/// One step: exactly one of `Return` (any JSON) and `Throw` (`Error` and `Cause`).
fn step(step: &Value, place: &str) -> Result<Step, String> {
    let step = step
        .as_object()
        .ok_or_else(|| format!("{place} must be an object"))?;
    match (step.get("Return"), step.get("Throw")) {
        (Some(value), None) => Ok(Step::Return(value.clone())),
        (None, Some(Value::Object(throw))) => {
            let text = |field: &str| {
                throw
                    .get(field)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{place}.Throw needs `{field}`, a string"))
            };
            Ok(Step::Throw {
                error: text("Error")?,
                cause: text("Cause")?,
            })
        }
        (None, Some(_)) => Err(format!("{place}.Throw must be an object")),
        _ => Err(format!(
            "{place} must have exactly one of `Return` and `Throw`"
        )),
    }
}

#[cfg(test)]
mod tests;
