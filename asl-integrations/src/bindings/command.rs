//! Command bindings: the Task input JSON on the command's stdin, its result JSON on
//! stdout.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::process::{Output, Stdio};

use serde::Deserialize;
use serde_json::Value;

use super::answer;
use super::group::Group;
use asl_runtime::task::{TaskContext, TaskError};

/// The command to run: an argv array, or one string run with `sh -c`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    untagged,
    expecting = "a string (run with `sh -c`) or an array of strings (program and arguments)"
)]
pub(super) enum CommandLine {
    /// `command = "jq .order"`
    Shell(String),
    /// `command = ["python3", "validate.py"]`
    Argv(Vec<String>),
}

impl CommandLine {
    /// Fails when there is nothing to run.
    pub(super) fn check(&self) -> Result<(), String> {
        let empty = match self {
            CommandLine::Shell(script) => script.trim().is_empty(),
            CommandLine::Argv(argv) => argv.first().is_none_or(|program| program.is_empty()),
        };
        if empty {
            return Err("`command` is empty".to_owned());
        }
        Ok(())
    }
}

impl fmt::Display for CommandLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandLine::Shell(script) => f.write_str(script),
            CommandLine::Argv(argv) => f.write_str(&argv.join(" ")),
        }
    }
}

/// A command binding, ready to run.
#[derive(Debug, Clone)]
pub(super) struct Command {
    /// What to run.
    pub(super) line: CommandLine,
    /// Variables added to the inherited environment.
    pub(super) env: BTreeMap<String, String>,
    /// The working directory.
    pub(super) dir: PathBuf,
}

impl Command {
    /// Runs the command with `input` on its stdin and reads its answer.
    ///
    /// Besides `env`, the command sees `ASL_STATE_NAME`, `ASL_RESOURCE`,
    /// `ASL_EXECUTION_NAME` and `ASL_RETRY_COUNT`. Its input is complete before it
    /// starts. It runs in a process group of its own, which is killed (with
    /// everything the command started) if the Task is abandoned (its
    /// `TimeoutSeconds` or `HeartbeatSeconds` ran out) or this process dies, even
    /// by SIGKILL.
    pub(super) async fn call(
        &self,
        task: TaskContext<'_>,
        input: &Value,
    ) -> Result<Value, TaskError> {
        let mut command = match &self.line {
            CommandLine::Shell(script) => {
                let mut command = tokio::process::Command::new("sh");
                command.arg("-c").arg(script);
                command
            }
            CommandLine::Argv(argv) => {
                // The file format rejects an empty argv; were it empty, spawning ""
                // fails below like any missing program.
                let (program, args) = argv
                    .split_first()
                    .map_or(("", &[][..]), |(program, args)| (program.as_str(), args));
                let mut command = tokio::process::Command::new(program);
                command.args(args);
                command
            }
        };
        command
            .envs(&self.env)
            .env("ASL_STATE_NAME", task.state_name())
            .env("ASL_RESOURCE", task.resource())
            .env("ASL_EXECUTION_NAME", task.execution_name())
            .env("ASL_RETRY_COUNT", task.retry_count().to_string())
            .current_dir(&self.dir)
            .stdin(input_file(input).map_err(|error| {
                TaskError::failed(format!(
                    "cannot write the input of `{}` to a temporary file: {error}",
                    self.line
                ))
            })?)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let group = Group::start().map_err(|error| {
            TaskError::failed(format!(
                "cannot start the watchdog of `{}` (`sh`): {error}",
                self.line
            ))
        })?;
        group.join(&mut command);
        let child = command.spawn().map_err(|error| {
            TaskError::failed(format!(
                "cannot run `{}` in `{}`: {error}",
                self.line,
                self.dir.display()
            ))
        })?;
        let output = child.wait_with_output().await;
        group.ended();
        let output = output.map_err(|error| {
            TaskError::failed(format!(
                "cannot read the output of `{}`: {error}",
                self.line
            ))
        })?;
        self.answer(output)
    }

    fn answer(&self, output: Output) -> Result<Value, TaskError> {
        if output.status.success() {
            // The command's log lines would be lost otherwise.
            let _ = std::io::Write::write_all(&mut std::io::stderr(), &output.stderr);
            return answer::result(&output.stdout, || format!("`{}`", self.line));
        }
        if let Some(failure) = answer::failure(&output.stdout) {
            return Err(failure);
        }
        let cause = [&output.stderr, &output.stdout]
            .into_iter()
            .map(|stream| String::from_utf8_lossy(stream).trim().to_owned())
            .find(|text| !text.is_empty())
            .unwrap_or_else(|| format!("`{}` failed ({})", self.line, output.status));
        Err(TaskError::failed(cause))
    }
}

/// `input` as JSON text in an anonymous temporary file, read from its start: a
/// command's stdin, complete before the command starts. (Through a pipe, a command
/// whose execution died before writing it all would read a truncated input.)
fn input_file(input: &Value) -> std::io::Result<std::fs::File> {
    let mut file = tempfile::tempfile()?;
    file.write_all(&serde_json::to_vec(input)?)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(file)
}
