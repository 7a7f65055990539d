//! Task bindings read from a TOML file: each Task state, found by its name or its
//! `Resource`, runs a command or calls an HTTP endpoint. Standalone workflow
//! binaries use them as their [`Dispatch`].
//!
//! ```toml
//! # By state name: the input JSON on stdin, the result JSON on stdout.
//! [states.Validate]
//! command = ["python3", "validate.py"]   # or one string, run with `sh -c`
//! env = { LEVEL = "strict" }             # optional
//! dir = "scripts"                        # optional, relative to this file
//!
//! # By Resource: the input JSON POSTed, the 2xx response's JSON is the result.
//! [resources."arn:aws:lambda:us-east-1:123456789012:function:charge"]
//! http = "http://localhost:8080/charge"
//! headers = { Authorization = "Bearer dev" }   # optional
//! timeout_seconds = 30                         # optional
//! ```
//!
//! A command that exits non-zero, or an endpoint that answers non-2xx, fails the
//! task. When it printed (or answered) `{"error": "...", "cause": "..."}`, the task
//! fails with that error and cause, which Retry and Catch match. Otherwise a command
//! fails with `States.TaskFailed` and its stderr (or stdout) as the cause, and an
//! endpoint with `States.Http.StatusCode.<status>` and its body as the cause.
//!
//! Bound Tasks keep their state's `Retry`, `Catch` and `TimeoutSeconds`: each retry
//! runs the command (or request) again, with `ASL_RETRY_COUNT` counting up; at the
//! timeout a command is killed with its whole process group and a request is cut
//! off, and the state fails with `States.Timeout`. Neither can send heartbeats, so a
//! `HeartbeatSeconds` on a bound Task limits each attempt to that long. A command
//! also dies, with its process group, when the process running its execution dies,
//! however it dies; and its input is complete before it starts.

mod answer;
mod command;
mod file;
mod group;
mod http;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use asl_runtime::error::names;
use asl_runtime::task::{Dispatch, TaskContext, TaskError};

use crate::aws::Aws;
use crate::http_task::Connection;

/// Task bindings: what each Task state runs, by state name or by Resource.
#[derive(Debug, Default)]
pub struct Bindings {
    states: BTreeMap<String, Binding>,
    resources: BTreeMap<String, Binding>,
    connections: BTreeMap<String, Connection>,
}

/// What one Task state is bound to.
#[derive(Debug)]
enum Binding {
    Command(command::Command),
    Http(http::Http),
}

/// A bindings file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BindingsError {
    /// The file cannot be read.
    #[error("cannot read the bindings file `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid bindings file; the TOML error gives the line and column.
    #[error("invalid bindings file `{}`: {source}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        source: toml::de::Error,
    },
}

impl Bindings {
    /// Reads the bindings file at `path`.
    pub fn load(path: &Path) -> Result<Bindings, BindingsError> {
        let text = std::fs::read_to_string(path).map_err(|source| BindingsError::Read {
            path: path.to_owned(),
            source,
        })?;
        Bindings::parse(&text, path)
    }

    /// Parses `text`, the contents of the bindings file at `path`. Commands run in
    /// the directory that holds `path` unless their `dir` says otherwise; a relative
    /// `dir` is taken from there too.
    pub fn parse(text: &str, path: &Path) -> Result<Bindings, BindingsError> {
        let file: file::File = toml::from_str(text).map_err(|source| BindingsError::Invalid {
            path: path.to_owned(),
            source,
        })?;
        let base = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        // One client for all HTTP bindings, so that they share its connections.
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build(),
        );
        let bind = |entries: BTreeMap<String, file::Entry>| {
            entries
                .into_iter()
                .map(|(key, entry)| (key, entry.into_binding(base, &agent)))
                .collect()
        };
        Ok(Bindings {
            states: bind(file.states),
            resources: bind(file.resources),
            connections: file.connections,
        })
    }

    /// Checks that every Task of `tasks` (state name, Resource), as a generated
    /// module's `TASKS` lists them, has a binding; names all those that have none.
    pub fn check(&self, tasks: &[(&str, &str)]) -> Result<(), UnboundTasks> {
        let unbound: Vec<_> = tasks
            .iter()
            .filter(|(state, resource)| self.find(state, resource).is_none())
            .map(|&(state, resource)| (state.to_owned(), resource.to_owned()))
            .collect();
        if unbound.is_empty() {
            Ok(())
        } else {
            Err(UnboundTasks { tasks: unbound })
        }
    }

    /// The connections of HTTP Tasks, by ARN.
    pub fn connections(&self) -> &BTreeMap<String, Connection> {
        &self.connections
    }

    /// Whether a binding serves Task state `state` of `resource`.
    pub fn binds(&self, state: &str, resource: &str) -> bool {
        self.find(state, resource).is_some()
    }

    fn find(&self, state: &str, resource: &str) -> Option<&Binding> {
        self.states
            .get(state)
            .or_else(|| self.resources.get(resource))
    }
}

impl Dispatch for Bindings {
    /// Runs the binding of the Task's state name, else of its Resource. A Task with
    /// neither fails with `States.Runtime` (a setup mistake, which AWS neither
    /// retries nor lets `States.ALL` catch), its cause showing how to bind it.
    async fn call(&self, task: TaskContext<'_>, input: Value) -> Result<Value, TaskError> {
        match self.find(task.state_name(), task.resource()) {
            Some(Binding::Command(command)) => command.call(task, &input).await,
            Some(Binding::Http(http)) => http.call(task, &input).await,
            None => {
                let unbound = UnboundTasks {
                    tasks: vec![(task.state_name().to_owned(), task.resource().to_owned())],
                };
                Err(TaskError::new(names::RUNTIME, unbound.to_string()))
            }
        }
    }
}

/// Task states without a binding, as (state name, Resource); its message shows how
/// to bind them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnboundTasks {
    /// The unbound Tasks: (state name, Resource).
    pub tasks: Vec<(String, String)>,
}

impl fmt::Display for UnboundTasks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.tasks[..] {
            [(state, resource)] => {
                writeln!(
                    f,
                    "Task state `{state}` (Resource `{resource}`) has no binding{}",
                    why_unserved(resource)
                )?;
            }
            tasks => {
                writeln!(f, "{} Task states have no binding:", tasks.len())?;
                for (state, resource) in tasks {
                    writeln!(
                        f,
                        "  `{state}` (Resource `{resource}`){}",
                        why_unserved(resource)
                    )?;
                }
            }
        }
        let Some((state, resource)) = self.tasks.first() else {
            return Ok(());
        };
        let program: String = state
            .chars()
            .map(|c| {
                if c.is_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        write!(
            f,
            "bind each one by state name or by Resource in a bindings file (TOML), for example:\n\
             \n    [states.{}]\
             \n    command = [\"./{program}\"]  # input JSON on stdin, result JSON on stdout\
             \n\
             \n    [resources.{}]\
             \n    http = \"http://localhost:8080/{program}\"  # input JSON POSTed, response JSON is the result",
            file::toml_key(state),
            file::toml_key(resource),
        )
    }
}

impl std::error::Error for UnboundTasks {}

/// `: <why>` when `resource` names an AWS service integration asl does not call.
fn why_unserved(resource: &str) -> String {
    Aws::why_not(resource)
        .map(|why| format!(": {why}"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
