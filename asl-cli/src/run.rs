//! `asl run`: compile a definition through the cache and run one execution.

use std::io::{self, Read, Write};
use std::process::{Command, Stdio};

use crate::cache::Cache;
use crate::compile::{CompileError, Profile, compile};
use crate::definition::{self, Refusal};
use crate::scaffold::Durability;
use crate::{Io, RunArgs};

/// Exit status when the execution could not run.
const NOT_RUN: u8 = 2;

/// Runs one execution of `args.file`; returns the exit status: 0 with the output
/// JSON on stdout, 1 with `{"error", "cause"}` on stdout, 2 when it could not run.
pub fn execute(args: &RunArgs, io: &mut Io<'_>) -> io::Result<u8> {
    // Everything that can be wrong with the command line is reported before the
    // definition is compiled, which may take a while the first time.
    if args.file == "-" && args.input == "-" {
        writeln!(
            io.stderr,
            "error: the definition and the input cannot both come from stdin"
        )?;
        return Ok(NOT_RUN);
    }
    let input = match read_input(&args.input, io.stdin) {
        Ok(input) => input,
        Err(message) => {
            writeln!(io.stderr, "error: {message}")?;
            return Ok(NOT_RUN);
        }
    };
    if let Some(bindings) = &args.bindings
        && let Err(error) = std::fs::metadata(bindings)
    {
        writeln!(
            io.stderr,
            "error: cannot read the bindings file `{}`: {error}",
            bindings.display()
        )?;
        return Ok(NOT_RUN);
    }
    let module = match definition::generate(&args.file, args.color, io)? {
        Ok(module) => module,
        Err(Refusal::Invalid | Refusal::Unsupported | Refusal::Unreadable) => return Ok(NOT_RUN),
    };
    let binary = Cache::from_env()
        .ok_or(CompileError::NoCache)
        .and_then(|cache| {
            let durability = match args.db {
                Some(_) => Durability::Sqlite,
                None => Durability::None,
            };
            compile(&module, Profile::Run, durability, &cache)
        });
    let binary = match binary {
        Ok(binary) => binary,
        Err(error) => {
            writeln!(io.stderr, "error: {error}")?;
            return Ok(NOT_RUN);
        }
    };
    let mut command = Command::new(&binary);
    command.args(["--input", "-"]);
    if let Some(bindings) = &args.bindings {
        command.arg("--bindings").arg(bindings);
    }
    if let Some(name) = &args.name {
        command.args(["--name", name]);
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
    // The binary's stderr (its messages and its Tasks' logs) goes straight through.
    let mut child = match command
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
            return Ok(NOT_RUN);
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        // The binary reads all of its input first; it fails on its own if it cannot.
        let _ = stdin.write_all(input.as_bytes());
    }
    let output = child.wait_with_output()?;
    io.stdout.write_all(&output.stdout)?;
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
    asl_runtime::standalone::read_input(input, stdin).map(|value| value.to_string())
}
