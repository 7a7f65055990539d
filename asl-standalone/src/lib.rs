//! The `main` of a standalone workflow binary, as `asl build` and `asl run` make them:
//! reads the execution input and the Task bindings from the command line, runs one
//! execution and prints how it ended.
//!
//! ```text
//! workflow [--input JSON|@FILE|-] [--bindings FILE] [--name NAME]
//!          [--mock-config FILE --test-case NAME] [--db FILE [--redrive]]
//! ```
//!
//! A hidden `--bench N` runs the execution N times and prints figures instead (see
//! `asl bench`).
//!
//! Exit status 0: the output JSON is on stdout. 1: the execution failed, and
//! `{"error": ..., "cause": ...}` is on stdout. 2: bad usage, an unreadable or invalid
//! input or bindings file, Tasks without a binding, or (with `--db`) an execution
//! store that cannot be opened or can no longer write; the message is on stderr.
//!
//! `AWS_REGION` (else `AWS_DEFAULT_REGION`), `ASL_ACCOUNT_ID` and `ASL_PARTITION` name
//! the region, account and partition of the execution's ARNs (see
//! [`Account::from_env`]).
//!
//! With `--db`, the execution runs durably under the [`Engine`](asl_engine::Engine) on a
//! SQLite store, and running the same command again goes on with it.
//!
//! A binary that `asl serve` compiles from several definitions at once has
//! [`main_of`] as its `main` instead: one [`machine`] per definition, run only as a
//! worker of the server (see the [`worker`] module).

mod bench;
mod durable;
mod many;
pub mod telemetry;
pub mod worker;

use std::ffi::OsString;

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{CommandFactory, FromArgMatches};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use asl_integrations::aws::{Aws, Config, S3Objects};
use asl_integrations::mock::{MockConfig, MockRun};
use asl_integrations::{Bindings, Integrations};
use asl_runtime::arn::Account;
use asl_runtime::error::ExecutionError;
use asl_runtime::exec::{self, Workflow};

pub use many::{Machine, SharedIntegrations, machine, main_of};
pub use telemetry::Telemetry;

/// Exit status of an execution that succeeded.
const SUCCEEDED: u8 = 0;
/// Exit status of an execution that failed.
const FAILED: u8 = 1;
/// Exit status when no execution could start.
const USAGE: u8 = 2;
/// Exit status when Ctrl-C stopped the execution (128 + SIGINT, as shells report).
const INTERRUPTED: u8 = 130;

/// Runs one execution of the state machine `machine` (its name) that `make` builds
/// from what serves its Tasks, with the process's arguments and standard streams.
///
/// `tasks` lists every Task state as (state name, Resource), as the generated
/// module's `TASKS` does; all must be bound (or mocked) before the execution
/// starts.
///
/// ```ignore
/// fn main() -> std::process::ExitCode {
///     asl_standalone::main(workflow::MACHINE_NAME, workflow::TASKS, |integrations| {
///         workflow::Machine::new(asl_runtime::Dynamic(integrations))
///     })
/// }
/// ```
pub fn main<W, F>(machine: &str, tasks: &[(&str, &str)], make: F) -> ExitCode
where
    W: Workflow + Send + 'static,
    W::State: Serialize + DeserializeOwned + 'static,
    F: FnOnce(Integrations) -> W,
{
    let telemetry = Telemetry::from_env(&|name| std::env::var(name).ok());
    let status = execute(
        std::env::args_os(),
        &|name| std::env::var(name).ok(),
        (machine, tasks),
        make,
        // Not locked for the whole run: Tasks running on other threads (a command's
        // messages, under the durable engine) write to stderr too.
        Streams {
            stdin: &mut io::stdin(),
            stdout: &mut io::stdout(),
            stderr: &mut io::stderr(),
        },
    );
    drop(telemetry);
    ExitCode::from(status)
}

/// The command line of a standalone workflow binary.
#[derive(Debug, clap::Parser)]
#[command(
    about = "Runs a state machine compiled by asl and prints how the execution ended",
    long_about = "Runs a state machine compiled by asl and prints how the execution ended.\n\n\
        Exit status: 0 when it succeeded (the output JSON is on stdout), 1 when it failed \
        ({\"error\", \"cause\"} on stdout), 2 when it could not start (the message is on stderr), \
        130 when Ctrl-C stopped it (its running commands are killed).\n\n\
        Environment: AWS_REGION (else AWS_DEFAULT_REGION) and ASL_ACCOUNT_ID set the region \
        and the account (12 digits) the execution's ARNs name ($$.Execution.Id, \
        $$.StateMachine.Id, $$.Execution.RoleArn, the history's TaskScheduled region), \
        ASL_PARTITION their partition [default: us-east-1, 123456789012, aws]; ASL_S3_ROOT \
        is the default of --s3-root."
)]
struct Args {
    /// The execution input: JSON text, `@FILE` to read a file, or `-` to read
    /// standard input.
    #[arg(long, value_name = "JSON|@FILE|-", default_value = "{}")]
    input: String,
    /// The TOML file binding Task states, by name or by Resource, to commands and
    /// HTTP endpoints.
    #[arg(long, value_name = "FILE")]
    bindings: Option<PathBuf>,
    /// The execution's name (`$$.Execution.Name`); a random UUID by default.
    #[arg(long)]
    name: Option<String>,
    /// A mock configuration file in AWS Step Functions Local's format
    /// (StateMachines, TestCases, MockedResponses) [default: $SFN_MOCK_CONFIG]
    #[arg(long, value_name = "FILE")]
    mock_config: Option<PathBuf>,
    /// Runs the execution as this test case of the mock configuration: the states
    /// it names answer its mocked responses.
    #[arg(long, value_name = "NAME")]
    test_case: Option<String>,
    /// Seeds the execution's random numbers (FULL retry jitter), to repeat a run
    /// exactly.
    #[arg(long)]
    seed: Option<u64>,
    /// The directory standing in for S3 in Distributed Map readers and writers:
    /// object KEY of bucket BUCKET is DIR/BUCKET/KEY [default: $ASL_S3_ROOT, else ./s3]
    #[arg(long, value_name = "DIR")]
    s3_root: Option<PathBuf>,
    /// Runs the execution durably: every transition is checkpointed to this SQLite
    /// file, and running the same command again (same --name) after a crash or
    /// Ctrl-C goes on where it stopped. Needs a binary built with the SQLite store
    /// (`asl run --db`).
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// With --db: redrives the failed, timed-out or aborted execution --name from
    /// the state it ended in, instead of starting one.
    #[arg(long, requires_all = ["db", "name"])]
    redrive: bool,
    /// Runs the execution N times in this process and prints one JSON object of
    /// timings instead of its output (what `asl bench` runs).
    #[arg(
        long,
        value_name = "N",
        hide = true,
        conflicts_with = "db",
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    bench: Option<u64>,
    /// With --db: serves the calls of `asl serve` on stdin and stdout instead of
    /// running one execution (see the `worker` module).
    #[arg(long, hide = true, requires = "db", conflicts_with_all = ["redrive", "bench"])]
    worker: bool,
    /// With `--input -`: reads the input as the first JSON value on stdin and ends
    /// the process when stdin closes after it, so that a process that started this
    /// binary with its stdin open (`asl run`, `asl bench`) takes it down with it when
    /// it dies, even by SIGKILL (running commands die with this process).
    #[arg(long, hide = true)]
    tied_to_stdin: bool,
}

/// The standard streams, replaceable in tests.
struct Streams<'a> {
    stdin: &'a mut dyn Read,
    stdout: &'a mut dyn Write,
    stderr: &'a mut dyn Write,
}

/// A reason no execution could start, for stderr.
type Refusal = String;

/// Runs the execution `args` describe, reading the environment variables that
/// name its account with `var`; returns the exit status.
fn execute<W, F>(
    args: impl IntoIterator<Item = OsString>,
    var: &dyn Fn(&str) -> Option<String>,
    (machine, tasks): (&str, &[(&str, &str)]),
    make: F,
    mut streams: Streams<'_>,
) -> u8
where
    W: Workflow + Send + 'static,
    W::State: Serialize + DeserializeOwned + 'static,
    F: FnOnce(Integrations) -> W,
{
    let args = match parse_args_or_report(args, &mut streams) {
        Ok(args) => args,
        Err(status) => return status,
    };
    let input = if args.tied_to_stdin && args.input == "-" {
        read_first_value(streams.stdin).inspect(|_| exit_when_stdin_closes())
    } else {
        read_input(&args.input, streams.stdin)
    };
    let account = account(var);
    let prepared = input
        .and_then(|input| Ok((input, account?)))
        .and_then(|(input, account)| {
            Ok((input, account, integrations(&args, var, machine, tasks)?))
        })
        .and_then(|(input, account, bindings)| Ok((input, account, bindings, runtime()?)));
    let (input, account, bindings, runtime) = match prepared {
        Ok(prepared) => prepared,
        Err(refusal) => {
            let _ = writeln!(streams.stderr, "error: {refusal}");
            return USAGE;
        }
    };
    let mocks = bindings.per_execution();
    let workflow = make(bindings);
    if let (true, Some(db)) = (args.worker, &args.db) {
        let key = workflow.name().to_owned();
        let make: worker::Make = Box::new(move |shared| worker::hosted(workflow, shared));
        let machines = vec![(key, make)];
        let places = (args.s3_root, mocks);
        return worker::serve(machines, db, account, places, runtime, streams);
    }
    if let Some(db) = &args.db {
        let name = args.name.clone();
        return durable::run(
            workflow,
            db,
            account,
            name,
            args.redrive,
            input,
            runtime,
            streams,
        );
    }
    let mut options = exec::RunOptions::default().account(account);
    if let Some(name) = args.name {
        options = options.name(name);
    }
    if let Some(seed) = args.seed {
        options = options.seed(seed);
    }
    if let Some(root) = args.s3_root {
        options = options.storage_root(root);
    }
    if let Some(executions) = args.bench {
        let report = runtime.block_on(async {
            tokio::select! {
                report = bench::bench(&workflow, &options, &input, executions) => Some(report),
                _ = tokio::signal::ctrl_c() => None,
            }
        });
        runtime.shutdown_background();
        return match report {
            Some(report) => print_report(report, streams),
            None => interrupted(streams),
        };
    }
    let outcome = runtime.block_on(async {
        tokio::select! {
            outcome = exec::run(&workflow, options, input) => Some(outcome),
            // Dropping the execution kills the commands its Tasks run.
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    // Blocking work a Task abandoned (an HTTP call past its TimeoutSeconds) must not
    // hold the process.
    runtime.shutdown_background();
    match outcome {
        Some(outcome) => print_outcome(outcome, streams),
        None => interrupted(streams),
    }
}

/// Says that Ctrl-C stopped the execution; returns the exit status.
fn interrupted(streams: Streams<'_>) -> u8 {
    let _ = writeln!(
        streams.stderr,
        "interrupted: the execution was stopped and its running commands killed"
    );
    INTERRUPTED
}

/// Prints the figures of `--bench` as one JSON object on stdout, or the error of the
/// execution that failed as [`print_outcome`] does; returns the exit status.
fn print_report(report: Result<bench::Report, ExecutionError>, streams: Streams<'_>) -> u8 {
    let report = match report {
        Ok(report) => report,
        Err(error) => return print_outcome(Err(error), streams),
    };
    match serde_json::to_value(report) {
        Ok(figures) => print_outcome(Ok(figures), streams),
        Err(error) => {
            let _ = writeln!(streams.stderr, "error: cannot write the figures: {error}");
            USAGE
        }
    }
}

/// Prints how an execution ended (its output, or `{"error", "cause"}`) on stdout and
/// returns the exit status.
fn print_outcome(outcome: Result<Value, ExecutionError>, streams: Streams<'_>) -> u8 {
    let (status, printed) = match outcome {
        Ok(output) => (
            SUCCEEDED,
            serde_json::to_writer(&mut *streams.stdout, &output),
        ),
        Err(error) => (FAILED, serde_json::to_writer(&mut *streams.stdout, &error)),
    };
    match printed
        .map_err(io::Error::from)
        .and_then(|()| writeln!(streams.stdout))
    {
        Ok(()) => status,
        Err(error) => {
            let _ = writeln!(streams.stderr, "error: cannot write the outcome: {error}");
            USAGE
        }
    }
}

fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Args, clap::Error> {
    let matches = Args::command().try_get_matches_from(args)?;
    Args::from_arg_matches(&matches)
}

/// The parsed `args`; else prints clap's message (usage errors on stderr, `--help`
/// on stdout) and returns the exit status.
fn parse_args_or_report(
    args: impl IntoIterator<Item = OsString>,
    streams: &mut Streams<'_>,
) -> Result<Args, u8> {
    parse_args(args).map_err(|error| {
        let output = if error.use_stderr() {
            &mut *streams.stderr
        } else {
            &mut *streams.stdout
        };
        let _ = write!(output, "{}", error.render());
        if error.use_stderr() { USAGE } else { SUCCEEDED }
    })
}

/// The account the environment (read with `var`) names.
fn account(var: &dyn Fn(&str) -> Option<String>) -> Result<Arc<Account>, Refusal> {
    Account::from_vars(var).map(Arc::new).map_err(|error| {
        format!(
            "{error}: set AWS_REGION (or AWS_DEFAULT_REGION), ASL_ACCOUNT_ID and ASL_PARTITION to name the account of the execution's ARNs"
        )
    })
}

/// The execution input an `--input` argument gives: JSON text, `@FILE` or `-`
/// (stdin); the error says which and why. `asl run` reads its `--input` with it too.
pub fn read_input(input: &str, stdin: &mut dyn Read) -> Result<Value, String> {
    let (text, origin) = match input {
        "-" => {
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .map_err(|error| format!("cannot read the input from stdin: {error}"))?;
            (text, "the input on stdin".to_owned())
        }
        _ => match input.strip_prefix('@') {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|error| format!("cannot read the input file `{path}`: {error}"))?;
                (text, format!("the input file `{path}`"))
            }
            None => (input.to_owned(), "--input".to_owned()),
        },
    };
    serde_json::from_str(&text).map_err(|error| format!("{origin} is not valid JSON: {error}"))
}

/// The first JSON value on `stdin`, read without waiting for the end of it (see
/// `--tied-to-stdin`).
fn read_first_value(stdin: &mut dyn Read) -> Result<Value, String> {
    match serde_json::Deserializer::from_reader(stdin)
        .into_iter::<Value>()
        .next()
    {
        Some(Ok(value)) => Ok(value),
        Some(Err(error)) => Err(format!("the input on stdin is not valid JSON: {error}")),
        None => Err("the input on stdin is empty".to_owned()),
    }
}

/// Ends this process when its stdin closes: whoever started it with `--tied-to-stdin`
/// is gone. A thread waits for the end of stdin; the process exits as if interrupted.
fn exit_when_stdin_closes() {
    std::thread::spawn(|| {
        let _ = io::copy(&mut io::stdin(), &mut io::sink());
        std::process::exit(i32::from(INTERRUPTED));
    });
}

/// What serves the Tasks of machine `machine`: the bindings `--bindings` names
/// (none without it), and the test case `--test-case` names of the mock
/// configuration (`--mock-config`, else `$SFN_MOCK_CONFIG`), checked to bind or
/// mock every Task unless the binary is a worker: a server hosts machines whatever
/// their bindings, and an unbound Task fails its execution with a cause naming its
/// Resource.
fn integrations(
    args: &Args,
    var: &dyn Fn(&str) -> Option<String>,
    machine: &str,
    tasks: &[(&str, &str)],
) -> Result<Integrations, Refusal> {
    let bindings = match &args.bindings {
        Some(path) => Bindings::load(path).map_err(|error| error.to_string())?,
        None => Bindings::default(),
    };
    // Tasks naming an AWS service no binding serves call it, configured as the AWS
    // SDKs are (credentials, region, AWS_ENDPOINT_URL...).
    let aws = Aws::new(Config::from_env(var));
    // Distributed Map buckets are S3's when S3 is configured and no --s3-root says
    // otherwise.
    if args.s3_root.is_none() && aws.buckets_on_s3(var) {
        asl_runtime::storage::install_object_store(Arc::new(S3Objects::new(aws.clone())));
    }
    let mut integrations = Integrations::new(bindings).with_aws(aws);
    let path = args
        .mock_config
        .clone()
        .or_else(|| var("SFN_MOCK_CONFIG").map(PathBuf::from));
    match (&args.test_case, path) {
        (Some(case), Some(path)) => {
            let config = MockConfig::load(&path).map_err(|error| error.to_string())?;
            let case = config
                .test_case(machine, case)
                .map_err(|error| format!("{error}\n(in `{}`)", path.display()))?;
            integrations = integrations.with_mocks(MockRun::new(case));
        }
        (Some(_), None) => {
            return Err(
                "--test-case needs a mock configuration: --mock-config FILE or $SFN_MOCK_CONFIG"
                    .into(),
            );
        }
        // A worker's executions each choose a test case, or none.
        (None, Some(path)) if args.worker => {
            let config = MockConfig::load(&path).map_err(|error| error.to_string())?;
            integrations = integrations.with_mock_config(config);
        }
        (None, _) => {}
    }
    if args.worker {
        return Ok(integrations);
    }
    integrations.check(tasks).map_err(|unbound| {
        let aws = if unbound
            .tasks
            .iter()
            .any(|(_, resource)| Aws::serves(resource))
        {
            "\n(a Task naming an AWS service calls it once AWS credentials are set: \
             AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile; AWS_ENDPOINT_URL \
             points it at a local endpoint)"
        } else {
            ""
        };
        match &args.bindings {
            Some(path) => format!("{unbound}\n(in `{}`){aws}", path.display()),
            None => format!("{unbound}\nthen pass that file with --bindings FILE{aws}"),
        }
    })?;
    Ok(integrations)
}

fn runtime() -> Result<tokio::runtime::Runtime, Refusal> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the tokio runtime: {error}"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use asl_runtime::exec::{self, MachineState, StateType, Step};
    use asl_runtime::task::{Dispatch, Resource, TaskContext};

    const RESOURCE: &str = "arn:aws:lambda:us-east-1:123456789012:function:greet";
    static GREET: Resource = Resource::lambda_function(RESOURCE);
    const TASKS: &[(&str, &str)] = &[("Greet", RESOURCE)];

    /// A hand-written machine: `Greet`, a Task served through `Integrations`, then the
    /// end; or, when the input has `"fail"`, a failure; or, when it has `"id"`, its
    /// execution ARN.
    #[derive(Debug)]
    struct Greeter {
        bindings: Integrations,
    }

    #[derive(Debug, serde::Serialize, serde::Deserialize)]
    struct Greet(Value);

    impl MachineState for Greet {
        fn name(&self) -> &'static str {
            "Greet"
        }

        fn state_type(&self) -> StateType {
            StateType::Task
        }

        fn input(&self) -> &Value {
            &self.0
        }
    }

    impl Workflow for Greeter {
        type State = Greet;

        const READS_CONTEXT: bool = false;

        fn name(&self) -> &str {
            "Greeter"
        }

        fn start(&self, input: Value) -> Greet {
            Greet(input)
        }

        fn step_now(&self, state: Greet, _: &mut exec::Run) -> Result<Step<Greet>, ExecutionError> {
            Err(exec::cannot_run_now(state.name()))
        }

        async fn step(
            &self,
            Greet(input): Greet,
            run: &mut exec::Run,
        ) -> Result<Step<Greet>, ExecutionError> {
            if input.get("fail").is_some() {
                return Err(ExecutionError::from_parts(Some("Boom".to_owned()), None));
            }
            if input.get("id").is_some() {
                return Ok(Step::Succeed(json!(run.execution().id())));
            }
            let task = TaskContext::new("Greet", &GREET, run);
            Ok(Step::Succeed(self.bindings.call(task, input).await?))
        }
    }

    /// What a run printed, and its exit status.
    #[derive(Debug)]
    struct Run {
        status: u8,
        stdout: String,
        stderr: String,
    }

    fn run(args: &[&str], stdin: &str) -> Run {
        run_in(&[], args, stdin)
    }

    /// [`run`] with the environment variables `env` (and no others).
    fn run_in(env: &[(&str, &str)], args: &[&str], stdin: &str) -> Run {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let argv = std::iter::once("greeter")
            .chain(args.iter().copied())
            .map(OsString::from);
        let var = |name: &str| {
            env.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        };
        let status = execute(
            argv,
            &var,
            ("Greeter", TASKS),
            |bindings| Greeter { bindings },
            Streams {
                stdin: &mut stdin.as_bytes(),
                stdout: &mut stdout,
                stderr: &mut stderr,
            },
        );
        Run {
            status,
            stdout: String::from_utf8(stdout).unwrap(),
            stderr: String::from_utf8(stderr).unwrap(),
        }
    }

    #[test]
    fn the_environment_names_the_account_of_the_execution_arns() {
        let (_dir, bindings) = bindings_file("\"cat\"");
        let args = [
            "--bindings",
            &bindings,
            "--input",
            r#"{"id": true}"#,
            "--name",
            "e",
        ];
        let run = run(&args, "");
        assert_eq!(
            (run.status, run.stdout.trim()),
            (
                SUCCEEDED,
                r#""arn:aws:states:us-east-1:123456789012:execution:Greeter:e""#
            )
        );
        let env = [
            ("AWS_DEFAULT_REGION", "eu-central-1"),
            ("ASL_ACCOUNT_ID", "111122223333"),
        ];
        let run = run_in(&env, &args, "");
        assert_eq!(
            (run.status, run.stdout.trim()),
            (
                SUCCEEDED,
                r#""arn:aws:states:eu-central-1:111122223333:execution:Greeter:e""#
            )
        );
        let run = run_in(&[("ASL_ACCOUNT_ID", "me")], &args, "");
        assert_eq!(run.status, USAGE);
        assert!(
            run.stderr
                .starts_with("error: `me` is not an account id (12 digits): set AWS_REGION"),
            "{}",
            run.stderr
        );
    }

    #[test]
    fn a_tied_input_is_the_first_value_on_stdin() {
        // What follows the value (the rest of the open pipe) is not read.
        let mut stdin: &[u8] = b"{\"n\": 1}\n";
        assert_eq!(read_first_value(&mut stdin), Ok(json!({"n": 1})));
        let mut stdin: &[u8] = b"12\n";
        assert_eq!(read_first_value(&mut stdin), Ok(json!(12)));
        let mut stdin: &[u8] = b"[1, 2] trailing";
        assert_eq!(read_first_value(&mut stdin), Ok(json!([1, 2])));
        let mut stdin: &[u8] = b"  ";
        assert_eq!(
            read_first_value(&mut stdin),
            Err("the input on stdin is empty".to_owned())
        );
        let mut stdin: &[u8] = b"{oops";
        assert!(
            read_first_value(&mut stdin)
                .unwrap_err()
                .starts_with("the input on stdin is not valid JSON: ")
        );
    }

    /// A mock configuration in a temporary directory: test case `Hello` of
    /// `Greeter` answers `Greet` with a Lambda response, `Down` throws.
    fn mock_file() -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("MockConfigFile.json");
        let config = json!({
            "StateMachines": {"Greeter": {"TestCases": {
                "Hello": {"Greet": "Hi"},
                "Down": {"Greet": "Fails"}
            }}},
            "MockedResponses": {
                "Hi": {"0": {"Return": {"StatusCode": 200, "Payload": {"greeting": "hi"}}}},
                "Fails": {"0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "down"}}}
            }
        });
        std::fs::write(&path, config.to_string()).unwrap();
        let path = path.to_str().unwrap().to_owned();
        (dir, path)
    }

    #[test]
    fn a_test_case_of_the_mock_configuration_answers_the_states_it_mocks() {
        let (_dir, mocks) = mock_file();
        // No bindings needed: the test case mocks the only Task.
        let hello = run(&["--mock-config", &mocks, "--test-case", "Hello"], "");
        assert_eq!(
            (hello.status, hello.stdout.trim()),
            (SUCCEEDED, r#"{"greeting":"hi"}"#)
        );
        let down = run_in(&[("SFN_MOCK_CONFIG", &mocks)], &["--test-case", "Down"], "");
        assert_eq!(down.status, FAILED);
        assert_eq!(
            serde_json::from_str::<Value>(&down.stdout).unwrap(),
            json!({"error": "Lambda.ServiceException", "cause": "down"})
        );
        let unknown = run(&["--mock-config", &mocks, "--test-case", "Nope"], "");
        assert_eq!(unknown.status, USAGE);
        assert!(
            unknown
                .stderr
                .contains("Invalid mock test case name 'Nope' for state machine 'Greeter'"),
            "{}",
            unknown.stderr
        );
        let without = run(&["--test-case", "Hello"], "");
        assert_eq!(without.status, USAGE);
        assert!(
            without
                .stderr
                .contains("--test-case needs a mock configuration")
        );
    }

    /// A bindings file in a temporary directory binding `Greet` to `command`.
    fn bindings_file(command: &str) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bindings.toml");
        std::fs::write(&path, format!("[states.Greet]\ncommand = {command}\n")).unwrap();
        let path = path.to_str().unwrap().to_owned();
        (dir, path)
    }

    #[test]
    fn the_output_is_printed_as_json_and_the_status_is_zero() {
        let (_dir, bindings) = bindings_file("\"cat\"");
        let run = run(
            &["--bindings", &bindings, "--input", r#"{"name": "Ada"}"#],
            "",
        );
        assert_eq!(
            (run.status, run.stdout.as_str(), run.stderr.as_str()),
            (0, "{\"name\":\"Ada\"}\n", "")
        );
    }

    #[test]
    fn the_input_defaults_to_an_empty_object_and_can_come_from_a_file_or_stdin() {
        let (dir, bindings) = bindings_file("\"cat\"");
        assert_eq!(run(&["--bindings", &bindings], "").stdout, "{}\n");
        let input = dir.path().join("input.json");
        std::fs::write(&input, "[1, 2]").unwrap();
        let at_file = format!("@{}", input.display());
        assert_eq!(
            run(&["--bindings", &bindings, "--input", &at_file], "").stdout,
            "[1,2]\n"
        );
        assert_eq!(
            run(&["--bindings", &bindings, "--input", "-"], "\"text\"").stdout,
            "\"text\"\n"
        );
    }

    #[test]
    fn a_failed_execution_prints_error_and_cause_and_exits_one() {
        let (_dir, bindings) = bindings_file("\"cat\"");
        let run = run(&["--bindings", &bindings, "--input", r#"{"fail": 1}"#], "");
        assert_eq!(
            (run.status, run.stdout.as_str()),
            (1, "{\"error\":\"Boom\",\"cause\":null}\n")
        );
        let (_dir, bindings) = bindings_file("\"echo 'no' >&2; exit 1\"");
        let run = super::tests::run(&["--bindings", &bindings], "");
        assert_eq!(run.status, 1);
        let failure: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(
            failure,
            json!({"error": "States.TaskFailed", "cause": "no"})
        );
    }

    #[test]
    fn the_execution_name_can_be_given() {
        let (_dir, bindings) = bindings_file("\"printf '\\\"%s\\\"' \\\"$ASL_EXECUTION_NAME\\\"\"");
        let run = run(&["--bindings", &bindings, "--name", "nightly-1"], "");
        assert_eq!(run.stdout, "\"nightly-1\"\n", "{}", run.stderr);
    }

    #[test]
    fn bad_input_exits_two_with_a_message() {
        let (_dir, bindings) = bindings_file("\"cat\"");
        let cases = [
            (
                vec!["--input", "{oops"],
                "",
                "error: --input is not valid JSON: key must be a string at line 1 column 2\n",
            ),
            (
                vec!["--input", "-"],
                "",
                "error: the input on stdin is not valid JSON: EOF while parsing a value at line 1 column 0\n",
            ),
            (
                vec!["--input", "@/no/such.json"],
                "",
                "error: cannot read the input file `/no/such.json`: No such file or directory (os error 2)\n",
            ),
        ];
        for (args, stdin, expected) in cases {
            let args: Vec<&str> = ["--bindings", bindings.as_str()]
                .into_iter()
                .chain(args)
                .collect();
            let run = run(&args, stdin);
            assert_eq!(
                (run.status, run.stdout.as_str(), run.stderr.as_str()),
                (2, "", expected)
            );
        }
    }

    #[test]
    fn unbound_tasks_are_reported_before_running() {
        let run = run(&[], "");
        assert_eq!(run.status, 2);
        assert!(
            run.stderr.starts_with(&format!(
                "error: Task state `Greet` (Resource `{RESOURCE}`) has no binding\n"
            )),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("\nthen pass that file with --bindings FILE\n"),
            "{}",
            run.stderr
        );
        // The Task names Lambda: it would call it with credentials.
        assert!(
            run.stderr.ends_with(
                "\n(a Task naming an AWS service calls it once AWS credentials are set: \
                 AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile; AWS_ENDPOINT_URL \
                 points it at a local endpoint)\n"
            ),
            "{}",
            run.stderr
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bindings.toml");
        std::fs::write(&path, "[states.Other]\ncommand = \"cat\"\n").unwrap();
        let run = super::tests::run(&["--bindings", path.to_str().unwrap()], "");
        assert_eq!(run.status, 2);
        assert!(
            run.stderr
                .contains(&format!("\n(in `{}`)\n(a Task naming", path.display())),
            "{}",
            run.stderr
        );
    }

    #[test]
    fn an_invalid_bindings_file_exits_two() {
        let run = run(&["--bindings", "/no/such/bindings.toml"], "");
        assert_eq!(run.status, 2);
        assert!(
            run.stderr
                .starts_with("error: cannot read the bindings file `/no/such/bindings.toml`"),
            "{}",
            run.stderr
        );
        let (_dir, bindings) = bindings_file("[");
        let run = super::tests::run(&["--bindings", &bindings], "");
        assert_eq!(run.status, 2);
        assert!(
            run.stderr.contains("TOML parse error at line 2, column 1"),
            "{}",
            run.stderr
        );
    }

    #[test]
    fn bench_runs_the_execution_n_times_and_prints_figures() {
        let (_dir, bindings) = bindings_file("\"cat\"");
        let run = run(&["--bindings", &bindings, "--bench", "3"], "");
        assert_eq!(run.status, 0, "{}", run.stderr);
        let figures: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(figures["executions"], 3);
        assert_eq!(figures["transitions"], 3);
        let mut keys: Vec<&str> = figures
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "executions",
                "executions_per_second",
                "p50_seconds",
                "p99_seconds",
                "seconds",
                "transitions",
                "transitions_per_second"
            ]
        );
        assert!(
            figures["p50_seconds"].as_f64().unwrap() <= figures["p99_seconds"].as_f64().unwrap()
        );
    }

    #[test]
    fn bench_stops_at_a_failed_execution_and_refuses_zero_or_db() {
        let (_dir, bindings) = bindings_file("\"cat\"");
        let failed = run(
            &[
                "--bindings",
                &bindings,
                "--bench",
                "2",
                "--input",
                r#"{"fail": 1}"#,
            ],
            "",
        );
        assert_eq!(
            (failed.status, failed.stdout.as_str()),
            (1, "{\"error\":\"Boom\",\"cause\":null}\n")
        );
        for args in [
            vec!["--bench", "0"],
            vec!["--bench", "2", "--db", "runs.db"],
        ] {
            let refused = run(&args, "");
            assert_eq!((refused.status, refused.stdout.as_str()), (2, ""));
        }
    }

    #[test]
    fn usage_errors_exit_two_and_help_exits_zero() {
        let run = run(&["--inptu", "{}"], "");
        assert_eq!(run.status, 2);
        assert!(
            run.stderr.contains("unexpected argument '--inptu'"),
            "{}",
            run.stderr
        );
        let help = super::tests::run(&["--help"], "");
        assert_eq!(help.status, 0);
        assert!(
            help.stdout.contains("Usage: greeter [OPTIONS]"),
            "{}",
            help.stdout
        );
        assert!(
            help.stdout.contains("--input <JSON|@FILE|->"),
            "{}",
            help.stdout
        );
        assert!(
            help.stdout.contains("Exit status: 0 when it succeeded"),
            "{}",
            help.stdout
        );
    }
}
