//! The bindings file: TOML tables binding Task states, by name or by Resource, to a
//! command or an HTTP endpoint.
//!
//! ```toml
//! [states.Validate]
//! command = ["python3", "validate.py"]
//!
//! [resources."arn:aws:lambda:us-east-1:123456789012:function:charge"]
//! http = "http://localhost:8080/charge"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::command::{Command, CommandLine};
use super::http::Http;

/// The whole file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct File {
    /// Bindings by Task state name.
    #[serde(default)]
    pub(super) states: BTreeMap<String, Entry>,
    /// Bindings by Task `Resource`.
    #[serde(default)]
    pub(super) resources: BTreeMap<String, Entry>,
    /// The connections of HTTP Tasks, by ARN (see [`crate::http_task`]).
    #[serde(default)]
    pub(super) connections: BTreeMap<String, crate::http_task::Connection>,
}

/// One binding, checked: a command or an HTTP endpoint, with only the keys that
/// apply to it.
#[derive(Debug, Deserialize)]
#[serde(try_from = "RawEntry")]
pub(super) enum Entry {
    /// `command = ...`, with its `env` and `dir`.
    Command {
        line: CommandLine,
        env: BTreeMap<String, String>,
        dir: Option<PathBuf>,
    },
    /// `http = ...`, with its `headers` and `timeout_seconds`.
    Http {
        url: String,
        headers: BTreeMap<String, String>,
        timeout: Option<Duration>,
    },
}

impl Entry {
    /// The binding this entry describes; a relative `dir` is taken from `base`, the
    /// directory of the bindings file, which is also the default working directory.
    /// HTTP bindings send through `agent`.
    pub(super) fn into_binding(self, base: &Path, agent: &ureq::Agent) -> super::Binding {
        match self {
            Entry::Command { line, env, dir } => super::Binding::Command(Command {
                line,
                env,
                dir: dir.map_or_else(|| base.to_owned(), |dir| base.join(dir)),
            }),
            Entry::Http {
                url,
                headers,
                timeout,
            } => super::Binding::Http(Http {
                agent: agent.clone(),
                url,
                headers,
                timeout,
            }),
        }
    }
}

/// An entry as TOML spells it, before the keys are checked against each other.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    command: Option<CommandLine>,
    env: Option<BTreeMap<String, String>>,
    dir: Option<PathBuf>,
    http: Option<String>,
    headers: Option<BTreeMap<String, String>>,
    timeout_seconds: Option<u64>,
}

impl TryFrom<RawEntry> for Entry {
    type Error = String;

    fn try_from(raw: RawEntry) -> Result<Entry, String> {
        match (raw.command, raw.http) {
            (Some(line), None) => {
                only_with("command", "headers", raw.headers.is_some())?;
                only_with("command", "timeout_seconds", raw.timeout_seconds.is_some())?;
                line.check()?;
                Ok(Entry::Command {
                    line,
                    env: raw.env.unwrap_or_default(),
                    dir: raw.dir,
                })
            }
            (None, Some(url)) => {
                only_with("http", "env", raw.env.is_some())?;
                only_with("http", "dir", raw.dir.is_some())?;
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(format!(
                        "`http` must be an http:// or https:// URL, not `{url}`"
                    ));
                }
                if raw.timeout_seconds == Some(0) {
                    return Err("`timeout_seconds` must be at least 1".to_owned());
                }
                Ok(Entry::Http {
                    url,
                    headers: raw.headers.unwrap_or_default(),
                    timeout: raw.timeout_seconds.map(Duration::from_secs),
                })
            }
            (Some(_), Some(_)) => {
                Err("a binding has either `command` or `http`, not both".to_owned())
            }
            (None, None) => Err(
                "a binding needs `command = [\"program\", \"arg\"]` or `http = \"http://host/path\"`"
                    .to_owned(),
            ),
        }
    }
}

/// Fails when `key` is set on a binding of the other kind than `kind`.
fn only_with(kind: &str, key: &str, present: bool) -> Result<(), String> {
    let owner = match key {
        "env" | "dir" => "command",
        _ => "http",
    };
    let article = if kind == "http" { "an" } else { "a" };
    if present {
        return Err(format!(
            "`{key}` applies to `{owner}` bindings, not to {article} `{kind}` binding"
        ));
    }
    Ok(())
}

/// `name` as a TOML key: bare when it can be, quoted otherwise.
pub(super) fn toml_key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-');
    if bare {
        name.to_owned()
    } else {
        // A JSON string literal is a valid TOML basic string.
        serde_json::Value::from(name).to_string()
    }
}
