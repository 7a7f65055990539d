//! Command bindings: the Task input JSON on the command's stdin, its result JSON on
//! stdout.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::process::{Output, Stdio};

use serde::Deserialize;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

use super::answer;
use crate::task::{TaskContext, TaskError};

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
    /// `ASL_EXECUTION_NAME` and `ASL_RETRY_COUNT`. It runs in a process group of
    /// its own, which is killed (with everything the command started) if the Task is
    /// abandoned: its `TimeoutSeconds` or `HeartbeatSeconds` ran out.
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
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        #[cfg(unix)]
        command.process_group(0);
        let mut child = command.spawn().map_err(|error| {
            TaskError::failed(format!(
                "cannot run `{}` in `{}`: {error}",
                self.line,
                self.dir.display()
            ))
        })?;
        let group = ProcessGroup::of(&child);
        let stdin = child.stdin.take();
        let payload = input.to_string();
        let feed = async move {
            if let Some(mut stdin) = stdin {
                // A command may exit without reading its input: a broken pipe here is
                // not a failure; its exit status says how it went.
                let _ = stdin.write_all(payload.as_bytes()).await;
            }
        };
        let ((), output) = tokio::join!(feed, child.wait_with_output());
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

/// The process group a command leads. Dropped before the command ended (the Task
/// was abandoned), it kills the whole group, so that a shell's children die with it.
struct ProcessGroup {
    leader: Option<u32>,
}

impl ProcessGroup {
    fn of(child: &tokio::process::Child) -> ProcessGroup {
        ProcessGroup { leader: child.id() }
    }

    /// The command ended: what it left running in the background is its business.
    fn ended(mut self) {
        self.leader = None;
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(leader) = self.leader.and_then(|id| i32::try_from(id).ok()) {
            // The group may be gone already; nothing is left to do then.
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(leader),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}
