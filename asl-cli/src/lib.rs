//! The `asl` command line: a library, so that it can be tested without a process.
#![deny(missing_docs)]

mod bench;
mod build;
mod check;
mod definition;
mod executions;
mod generate;
mod graph;
mod run;
mod serve;

use std::io::{self, Read, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

pub use asl_build::{Cache, CompileError, Durability, Profile, compile};
pub use bench::bench;
pub use build::build;
pub use check::check;
pub use executions::executions;
pub use generate::generate;
pub use graph::graph;
pub use run::execute;
pub use serve::serve;

/// Amazon States Language workflows, checked exactly as AWS checks them.
#[derive(Debug, Parser)]
#[command(name = "asl", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate definitions with AWS's rules and report every problem.
    ///
    /// Exit status: 0 when all definitions are valid (warnings allowed), 1 when any
    /// has an error, 2 for usage or I/O errors.
    Check(CheckArgs),
    /// Print the Rust module generated for a definition.
    ///
    /// The module's items, with no `mod` around them: `enum State`, `trait Tasks`,
    /// `struct Machine`.
    ///
    /// Exit status: 0 when the module was generated, 1 when the definition is invalid
    /// (its diagnostics are on stderr), 2 for I/O errors.
    Gen(GenArgs),
    /// Compile a definition into a standalone binary.
    ///
    /// The binary runs one execution as `asl run` does: `BIN [--input JSON|@FILE|-]
    /// [--bindings FILE] [--name NAME]`. Compiling needs cargo, and shares the cache
    /// of `asl run`.
    ///
    /// Exit status: 0 when the binary was written, 1 when the definition is invalid
    /// (its diagnostics are on stderr), 2 for I/O or compile errors.
    Build(BuildArgs),
    /// Draw a definition: its states, transitions, Choice rules, Catch edges,
    /// Parallel branches and Map processors.
    ///
    /// `--format svg` (the default) is laid out by asl itself; `dot` is for
    /// Graphviz (`dot -Tpng`), `mermaid` for Markdown pages (GitHub, GitLab).
    ///
    /// Exit status: 0 when the picture was written, 1 when the definition is
    /// invalid (its diagnostics are on stderr), 2 for I/O errors.
    Graph(GraphArgs),
    /// Compile a definition (cached) and run one execution.
    ///
    /// Compiled workflows are cached in $ASL_CACHE_DIR, else $XDG_CACHE_HOME/asl,
    /// else ~/.cache/asl: the first run compiles the runtime (about a minute), a new
    /// definition then compiles in seconds, and one run before starts at once.
    ///
    /// Exit status: 0 when the execution succeeded (its output JSON is on stdout), 1
    /// when it failed ({"error": ..., "cause": ...} on stdout), 2 when it could not
    /// run: bad usage or input, an invalid definition, Tasks without a binding,
    /// compile errors (the message is on stderr).
    Run(RunArgs),
    /// Compile a definition in release (cached) and time N executions in one process.
    ///
    /// Prints executions/s, transitions/s (states entered, those inside Parallel
    /// branches and Map iterations included) and the median and 99th percentile
    /// latency of one execution; `--json` prints them as one JSON object. The
    /// executions run one after the other, each from a copy of the input.
    ///
    /// Exit status: 0 when every execution succeeded, 1 when one failed (its
    /// {"error": ..., "cause": ...} is on stdout), 2 when it could not run (as `asl
    /// run`).
    Bench(BenchArgs),
    /// List, describe and print the history of executions in a durable store.
    ///
    /// The store is a SQLite file written by `asl_engine::Engine` with `asl_store_sqlite::SqliteStore`.
    ///
    /// Exit status: 0, 1 when the execution asked for is not there, 2 when the store
    /// cannot be read.
    Executions(ExecutionsArgs),
    /// Serve the Step Functions API (AWS JSON 1.0) for boto3, the AWS CLI and the
    /// AWS SDKs.
    ///
    /// State machines, versions, aliases, activities and tags are kept in
    /// DATA_DIR/catalog.db, executions in DATA_DIR/executions.db; both survive
    /// restarts. ARNs name the account and region of ASL_ACCOUNT_ID (default
    /// 123456789012), AWS_REGION or AWS_DEFAULT_REGION (default us-east-1) and
    /// ASL_PARTITION (default aws). One log line per request goes to stderr
    /// (RUST_LOG filters them). Ctrl-C or SIGTERM stops it after the requests in
    /// flight.
    ///
    /// Requests are not authenticated unless `--auth sigv4` is given: then each one
    /// must carry a valid AWS Signature Version 4 of an access key of the
    /// --credentials file (AWS shared-credentials format, e.g. ~/.aws/credentials)
    /// or of the server's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
    ///
    /// Exit status: 0 when stopped by a signal, 2 when it cannot start.
    Serve(ServeArgs),
}

/// Arguments of `asl serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The address to listen on (port 0: any free port; the address is printed).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8083")]
    pub bind: String,
    /// The directory of the server's durable state.
    #[arg(long, value_name = "DIR", default_value = "./asl-data")]
    pub data_dir: PathBuf,
    /// The TOML file binding Task states to commands and HTTP endpoints (as `asl
    /// run`).
    #[arg(long, value_name = "FILE")]
    pub bindings: Option<PathBuf>,
    /// A mock configuration file in AWS Step Functions Local's format: an execution
    /// started as `stateMachineArn#TestCase` runs that test case [default:
    /// $SFN_MOCK_CONFIG]
    #[arg(long, value_name = "FILE")]
    pub mock_config: Option<PathBuf>,
    /// How requests are authenticated.
    #[arg(long, value_enum, default_value_t = AuthChoice::None)]
    pub auth: AuthChoice,
    /// The access keys of `--auth sigv4`: a file in the AWS shared-credentials
    /// format (each `[profile]` with aws_access_key_id and aws_secret_access_key,
    /// optionally aws_session_token); AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
    /// of the environment are accepted too.
    #[arg(long, value_name = "FILE")]
    pub credentials: Option<PathBuf>,
    /// Append the execution logs (one JSON line per history event, as Step
    /// Functions sends them to CloudWatch Logs, for the state machines whose
    /// loggingConfiguration level is ALL, ERROR or FATAL) to this file instead of
    /// stderr.
    #[arg(long, value_name = "FILE")]
    pub execution_logs: Option<PathBuf>,
    /// Export the executions' traces (a span per execution, state, Task attempt
    /// and HTTP request) over OTLP/HTTP to this collector, e.g.
    /// http://127.0.0.1:4318 [default: $OTEL_EXPORTER_OTLP_ENDPOINT]
    #[arg(long, value_name = "URL")]
    pub otlp_endpoint: Option<String>,
    /// Keep the catalog and the executions in this PostgreSQL database
    /// (postgres://user:password@host:port/dbname) instead of the data directory:
    /// any number of servers may share it, each running the executions it owns
    /// and taking over those of a server that died [default: $ASL_DATABASE_URL]
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// With --db: the longest a dead server's executions wait before the others
    /// take them over.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub takeover_seconds: f64,
    /// With --db: create or migrate the database's schema, then exit.
    #[arg(long, requires = "db")]
    pub migrate_only: bool,
}

/// How `asl serve` authenticates requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthChoice {
    /// Not at all: any signature, or none (keep the server on loopback).
    None,
    /// AWS Signature Version 4 with a known access key, on every request.
    Sigv4,
}

/// Arguments of `asl executions`.
#[derive(Debug, clap::Args)]
pub struct ExecutionsArgs {
    /// The SQLite execution store.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// What to show.
    #[command(subcommand)]
    pub command: ExecutionsCommand,
}

/// What `asl executions` shows.
#[derive(Debug, Subcommand)]
pub enum ExecutionsCommand {
    /// One line per execution: status, machine, name, start time.
    List,
    /// One execution as DescribeExecution returns it.
    Show {
        /// Its name or ARN.
        execution: String,
    },
    /// One execution's history as GetExecutionHistory returns it.
    History {
        /// Its name or ARN.
        execution: String,
    },
    /// SendTaskSuccess: the callback task waiting for TOKEN succeeds with OUTPUT.
    ///
    /// The running workflow process picks it up within a second; one started
    /// later finds it when it resumes the execution.
    SendTaskSuccess {
        /// The task token (`$$.Task.Token`).
        #[arg(long)]
        token: String,
        /// The task's output: JSON text, `@FILE` or `-`.
        #[arg(long, value_name = "JSON|@FILE|-")]
        output: String,
    },
    /// SendTaskFailure: the callback task waiting for TOKEN fails.
    SendTaskFailure {
        /// The task token.
        #[arg(long)]
        token: String,
        /// The error name Retry and Catch see.
        #[arg(long)]
        error: Option<String>,
        /// The cause.
        #[arg(long)]
        cause: Option<String>,
    },
}

/// Arguments of `asl check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Definition files (`.asl.json`, `.json`, `.asl.yaml`, `.asl.yml`); `-` reads
    /// standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// Output format: rustc-style text on stderr, or one ValidateStateMachineDefinition
    /// JSON object per file (one per line) on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Also lists, for each Task state, what will serve it: a binding of
    /// --bindings, an AWS service asl calls, activity workers, a nested execution,
    /// or nothing (then the Task needs a binding or a mock, and is warned about).
    #[arg(long)]
    pub integrations: bool,
    /// With --integrations: the bindings file the Tasks will run with.
    #[arg(long, value_name = "FILE", requires = "integrations")]
    pub bindings: Option<PathBuf>,
}

/// Arguments of `asl gen`.
#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// The definition (`.asl.json`, `.json`, `.asl.yaml`, `.asl.yml`); `-` reads
    /// standard input.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// Write the module to this file instead of standard output.
    #[arg(short, long, value_name = "OUT.rs")]
    pub output: Option<PathBuf>,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Arguments of `asl graph`.
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// The definition; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// The picture's format.
    #[arg(short, long, value_enum, default_value_t = GraphFormat::Svg)]
    pub format: GraphFormat,
    /// Write the picture to this file instead of standard output.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Formats of `asl graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// An SVG image, laid out by asl.
    Svg,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
}

/// Arguments of `asl build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The definition; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// Where to write the binary.
    #[arg(short, long, value_name = "BIN")]
    pub output: PathBuf,
    /// Compiles the SQLite execution store in, so that the binary can run
    /// executions durably (`--db FILE`).
    #[arg(long)]
    pub durable: bool,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Arguments of `asl run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The definition; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// The execution input: JSON text, `@FILE` to read a file, or `-` to read
    /// standard input.
    #[arg(long, value_name = "JSON|@FILE|-", default_value = "{}")]
    pub input: String,
    /// The TOML file binding Task states, by name or by Resource, to commands and HTTP
    /// endpoints.
    #[arg(long, value_name = "FILE")]
    pub bindings: Option<PathBuf>,
    /// The execution's name (`$$.Execution.Name`); a random UUID by default.
    #[arg(long)]
    pub name: Option<String>,
    /// A mock configuration file in AWS Step Functions Local's format (StateMachines,
    /// TestCases, MockedResponses) [default: $SFN_MOCK_CONFIG]
    #[arg(long, value_name = "FILE")]
    pub mock_config: Option<PathBuf>,
    /// Runs the execution as this test case of the mock configuration, under the
    /// machine's name (the definition's file name without `.asl.json`): the Task
    /// states it names answer its mocked responses, the others run as bound.
    #[arg(long, value_name = "NAME")]
    pub test_case: Option<String>,
    /// Seeds the execution's random numbers (FULL retry jitter), to repeat a run
    /// exactly.
    #[arg(long)]
    pub seed: Option<u64>,
    /// The directory standing in for S3 in Distributed Map readers and writers:
    /// object KEY of bucket BUCKET is DIR/BUCKET/KEY [default: $ASL_S3_ROOT, else ./s3]
    #[arg(long, value_name = "DIR")]
    pub s3_root: Option<PathBuf>,
    /// Runs the execution durably: every transition is checkpointed to this SQLite
    /// file (`asl executions --db FILE` shows them). Running the same command again
    /// (same --name) after a crash or Ctrl-C goes on where it stopped.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// With --db: redrives the failed, timed-out or aborted execution --name from the
    /// state it ended in (its finished steps are kept), instead of starting one.
    #[arg(long, requires_all = ["db", "name"])]
    pub redrive: bool,
    /// Export the execution's trace (a span per execution, state, Task attempt
    /// and HTTP request) over OTLP/HTTP to this collector, e.g.
    /// http://127.0.0.1:4318 [default: $OTEL_EXPORTER_OTLP_ENDPOINT]
    #[arg(long, value_name = "URL")]
    pub otlp_endpoint: Option<String>,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Arguments of `asl bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// The definition; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// The input of every execution: JSON text, `@FILE` to read a file, or `-` to
    /// read standard input.
    #[arg(long, value_name = "JSON|@FILE|-", default_value = "{}")]
    pub input: String,
    /// How many executions to run.
    #[arg(short = 'n', value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub executions: u64,
    /// The TOML file binding Task states to commands and HTTP endpoints (as `asl
    /// run`).
    #[arg(long, value_name = "FILE")]
    pub bindings: Option<PathBuf>,
    /// Prints the figures as one JSON object: workflow, executions, transitions,
    /// seconds, executions_per_second, transitions_per_second, p50_seconds,
    /// p99_seconds.
    #[arg(long)]
    pub json: bool,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Output formats of `asl check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics like rustc's.
    Text,
    /// AWS ValidateStateMachineDefinition's response shape, plus line and column.
    Json,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stderr is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The process's standard streams, replaceable in tests.
pub struct Io<'a> {
    /// Standard input.
    pub stdin: &'a mut dyn Read,
    /// Standard output.
    pub stdout: &'a mut dyn Write,
    /// Standard error.
    pub stderr: &'a mut dyn Write,
    /// True when stderr is a terminal (for `--color auto`).
    pub stderr_is_terminal: bool,
}

impl std::fmt::Debug for Io<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Io").finish_non_exhaustive()
    }
}

/// Runs a parsed command line; returns the exit status.
pub fn run(cli: Cli, io: &mut Io<'_>) -> io::Result<u8> {
    match cli.command {
        Command::Check(args) => check(&args, io),
        Command::Gen(args) => generate(&args, io),
        Command::Build(args) => build(&args, io),
        Command::Graph(args) => graph(&args, io),
        Command::Run(args) => execute(&args, io),
        Command::Bench(args) => bench(&args, io),
        Command::Executions(args) => executions(&args, io),
        Command::Serve(args) => serve(&args, io),
    }
}
