//! `asl run`: compile a definition through the cache and run one execution.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::definition::{self, Refusal};
use crate::{ColorChoice, Io, RunArgs};
use asl_build::Durability;
use asl_build::{Cache, CompileError, Profile, compile};

/// Exit status when the execution could not run.
pub(crate) const NOT_RUN: u8 = 2;

/// Runs one execution of `args.file`; returns the exit status: 0 with the output
/// JSON on stdout, 1 with `{"error", "cause"}` on stdout, 2 when it could not run.
pub fn execute(args: &RunArgs, io: &mut Io<'_>) -> io::Result<u8> {
    let durability = match args.db {
        Some(_) => Durability::Durable,
        None => Durability::None,
    };
    let launch = Launch {
        file: &args.file,
        input: &args.input,
        bindings: args.bindings.as_deref(),
        color: args.color,
        profile: Profile::Run,
        durability,
    };
    let (binary, input) = match prepare(&launch, io)? {
        Ok(prepared) => prepared,
        Err(status) => return Ok(status),
    };
    let mut command = Command::new(&binary);
    command.args(["--input", "-"]);
    if let Some(bindings) = &args.bindings {
        command.arg("--bindings").arg(bindings);
    }
    if let Some(name) = &args.name {
        command.args(["--name", name]);
    }
    if let Some(config) = &args.mock_config {
        command.arg("--mock-config").arg(config);
    }
    if let Some(case) = &args.test_case {
        command.args(["--test-case", case]);
    }
    if let Some(seed) = args.seed {
        command.args(["--seed", &seed.to_string()]);
    }
    if let Some(root) = &args.s3_root {
        command.arg("--s3-root").arg(root);
    }
    if let Some(db) = &args.db {
        command.arg("--db").arg(db);
    }
    if args.redrive {
        command.arg("--redrive");
    }
    if let Some(endpoint) = &args.otlp_endpoint {
        command.env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
    }
    let output = match spawn(&mut command, &binary, &input, io)? {
        Ok(output) => output,
        Err(status) => return Ok(status),
    };
    io.stdout.write_all(&output.stdout)?;
    status(&output, io)
}

/// What [`prepare`] compiles and checks.
pub(crate) struct Launch<'a> {
    /// The definition; `-` reads standard input.
    pub(crate) file: &'a str,
    /// The execution input: JSON text, `@FILE` or `-`.
    pub(crate) input: &'a str,
    /// The bindings file, if any.
    pub(crate) bindings: Option<&'a Path>,
    /// When to colour diagnostics.
    pub(crate) color: ColorChoice,
    /// How to compile the binary.
    pub(crate) profile: Profile,
    /// Whether the binary can run durably.
    pub(crate) durability: Durability,
}

/// The compiled binary of `launch.file` (through the cache) and its input as JSON
/// text, checked; or the exit status [`NOT_RUN`] when it cannot run (the reason is
/// on stderr). Everything that can be wrong with the command line is reported
/// before the definition is compiled, which may take a while the first time.
pub(crate) fn prepare(
    launch: &Launch<'_>,
    io: &mut Io<'_>,
) -> io::Result<Result<(PathBuf, String), u8>> {
    if launch.file == "-" && launch.input == "-" {
        writeln!(
            io.stderr,
            "error: the definition and the input cannot both come from stdin"
        )?;
        return Ok(Err(NOT_RUN));
    }
    let input = match read_input(launch.input, io.stdin) {
        Ok(input) => input,
        Err(message) => {
            writeln!(io.stderr, "error: {message}")?;
            return Ok(Err(NOT_RUN));
        }
    };
    if let Some(bindings) = launch.bindings
        && let Err(error) = std::fs::metadata(bindings)
    {
        writeln!(
            io.stderr,
            "error: cannot read the bindings file `{}`: {error}",
            bindings.display()
        )?;
        return Ok(Err(NOT_RUN));
    }
    let module = match definition::generate(launch.file, launch.color, false, io)? {
        Ok(module) => module,
        Err(Refusal::Invalid | Refusal::Unsupported | Refusal::Unreadable) => {
            return Ok(Err(NOT_RUN));
        }
    };
    let binary = Cache::from_env()
        .ok_or(CompileError::NoCache)
        .and_then(|cache| compile(&module, launch.profile, launch.durability, &cache));
    match binary {
        Ok(binary) => Ok(Ok((binary, input))),
        Err(error) => {
            writeln!(io.stderr, "error: {error}")?;
            Ok(Err(NOT_RUN))
        }
    }
}

/// Runs `command` (the workflow `binary`) with `input` on its stdin, its stdout
/// captured and its stderr (its messages and its Tasks' logs) going straight
/// through; or the exit status [`NOT_RUN`] when it cannot start.
pub(crate) fn spawn(
    command: &mut Command,
    binary: &Path,
    input: &str,
    io: &mut Io<'_>,
) -> io::Result<Result<Output, u8>> {
    // The binary reads its input as the first value on stdin, which stays open while
    // this process lives: when it dies, even by SIGKILL, the binary ends too, and the
    // commands its Tasks run with it.
    let mut child = match command
        .arg("--tied-to-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => {
            writeln!(
                io.stderr,
                "error: cannot run `{}`: {error}",
                binary.display()
            )?;
            return Ok(Err(NOT_RUN));
        }
    };
    let mut stdin = child.stdin.take();
    if let Some(stdin) = &mut stdin {
        // The binary reads its input first; it fails on its own if it cannot. The
        // newline ends a number.
        let _ = stdin.write_all(input.as_bytes());
        let _ = stdin.write_all(b"\n");
    }
    let output = child.wait_with_output()?;
    drop(stdin);
    Ok(Ok(output))
}

/// The binary's exit status as ours; [`NOT_RUN`], said on stderr, when a signal
/// ended it.
pub(crate) fn status(output: &Output, io: &mut Io<'_>) -> io::Result<u8> {
    match output
        .status
        .code()
        .and_then(|code| u8::try_from(code).ok())
    {
        Some(code) => Ok(code),
        None => {
            writeln!(
                io.stderr,
                "error: the workflow ended abnormally ({})",
                output.status
            )?;
            Ok(NOT_RUN)
        }
    }
}

/// The execution input `--input` gives (JSON text, `@FILE` or `-` for stdin), as
/// JSON text, checked.
fn read_input(input: &str, stdin: &mut dyn Read) -> Result<String, String> {
    asl_standalone::read_input(input, stdin).map(|value| value.to_string())
}
