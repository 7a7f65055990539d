//! The access keys a server accepts: from a file in the AWS shared-credentials
//! format, and from the `AWS_*` variables of the server's environment.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One access key's secret, and the session token it must come with (temporary
/// credentials).
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Secret {
    pub(super) secret_access_key: String,
    pub(super) session_token: Option<String>,
}

/// The access keys requests may be signed with: access key id to secret.
///
/// Read from a file in the AWS shared-credentials format (`~/.aws/credentials`:
/// every `[profile]` with an `aws_access_key_id` and an `aws_secret_access_key`,
/// and an `aws_session_token` for temporary credentials) and from the
/// environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN`). Its `Debug` shows the key ids, never a secret.
///
/// ```
/// use asl_server::protocol::Credentials;
///
/// let keys = Credentials::parse(
///     "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n",
///     "credentials",
/// )?;
/// assert_eq!(keys.key_ids().collect::<Vec<_>>(), ["AKIDEXAMPLE"]);
/// # Ok::<(), asl_server::protocol::CredentialsError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    keys: BTreeMap<String, Secret>,
}

/// Why access keys cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// The file cannot be read.
    #[error("cannot read the credentials file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line of the file is not what the format allows.
    #[error("{origin}:{line}: {message}")]
    Syntax {
        /// The file (or what the text came from).
        origin: String,
        /// The line, from 1.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The file names no access key.
    #[error("{origin}: no profile has both aws_access_key_id and aws_secret_access_key")]
    Empty {
        /// The file.
        origin: String,
    },
    /// One access key id is given two different secrets.
    #[error("access key {key_id} is given two different secrets ({first} and {second})")]
    Conflict {
        /// The access key id.
        key_id: String,
        /// Where the first came from.
        first: String,
        /// Where the second came from.
        second: String,
    },
    /// Only one of `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` is set.
    #[error("{0} is set without {1}")]
    HalfSet(&'static str, &'static str),
}

impl Credentials {
    /// No key.
    pub fn new() -> Credentials {
        Credentials::default()
    }

    /// Accepts `key_id` signed with `secret_access_key` (and, when `session_token`
    /// is given, only with that `X-Amz-Security-Token`).
    pub fn with_key(
        mut self,
        key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Credentials {
        self.keys.insert(
            key_id.into(),
            Secret {
                secret_access_key: secret_access_key.into(),
                session_token,
            },
        );
        self
    }

    /// The keys of the AWS shared-credentials file at `path`.
    pub fn from_file(path: &Path) -> Result<Credentials, CredentialsError> {
        let text = std::fs::read_to_string(path).map_err(|source| CredentialsError::Read {
            path: path.to_owned(),
            source,
        })?;
        Credentials::parse(&text, &path.display().to_string())
    }

    /// The keys of `text` in the AWS shared-credentials format (an INI file),
    /// `origin` naming it in errors. Section names are free (`[default]`,
    /// `[profile ci]`); option names are case-insensitive; `#` and `;` start
    /// comment lines; indented lines (nested settings) are ignored; a profile
    /// with neither key option (a role or SSO profile) is skipped.
    pub fn parse(text: &str, origin: &str) -> Result<Credentials, CredentialsError> {
        let syntax = |line: usize, message: String| CredentialsError::Syntax {
            origin: origin.to_owned(),
            line,
            message,
        };
        let mut keys = Credentials::new();
        let mut profile: Option<Profile> = None;
        let finish = |profile: Option<Profile>, keys: &mut Credentials| match profile {
            Some(profile) => profile.add_to(keys, origin),
            None => Ok(()),
        };
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            let line = raw.trim_end();
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            if trimmed.len() != line.len() {
                // A continuation or a nested setting (`s3 =` then indented lines).
                continue;
            }
            if let Some(name) = line.strip_prefix('[') {
                let name = name
                    .strip_suffix(']')
                    .ok_or_else(|| syntax(number, format!("`{line}` does not end with `]`")))?;
                finish(profile.take(), &mut keys)?;
                profile = Some(Profile::new(name.trim(), number));
                continue;
            }
            let Some(at) = line.find(['=', ':']) else {
                return Err(syntax(
                    number,
                    format!("`{line}` is neither `[profile]` nor `option = value`"),
                ));
            };
            let Some(current) = profile.as_mut() else {
                return Err(syntax(
                    number,
                    "an option before the first `[profile]`".to_owned(),
                ));
            };
            let option = line[..at].trim().to_ascii_lowercase();
            let value = line[at + 1..].trim().to_owned();
            match option.as_str() {
                "aws_access_key_id" => current.key_id = Some(value),
                "aws_secret_access_key" => current.secret = Some(value),
                "aws_session_token" | "aws_security_token" => current.token = Some(value),
                _ => {}
            }
        }
        finish(profile, &mut keys)?;
        if keys.is_empty() {
            return Err(CredentialsError::Empty {
                origin: origin.to_owned(),
            });
        }
        Ok(keys)
    }

    /// The key of the environment: `AWS_ACCESS_KEY_ID` with
    /// `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`, or the older
    /// `AWS_SECURITY_TOKEN`), as the AWS CLI reads them; none when neither is set.
    pub fn from_env() -> Result<Credentials, CredentialsError> {
        Credentials::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Credentials::from_env`], reading the variables with `var`.
    pub fn from_vars(
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Credentials, CredentialsError> {
        const ID: &str = "AWS_ACCESS_KEY_ID";
        const SECRET: &str = "AWS_SECRET_ACCESS_KEY";
        let set = |name: &str| var(name).filter(|value| !value.is_empty());
        match (set(ID), set(SECRET)) {
            (None, None) => Ok(Credentials::new()),
            (Some(_), None) => Err(CredentialsError::HalfSet(ID, SECRET)),
            (None, Some(_)) => Err(CredentialsError::HalfSet(SECRET, ID)),
            (Some(id), Some(secret)) => {
                let token = set("AWS_SESSION_TOKEN").or_else(|| set("AWS_SECURITY_TOKEN"));
                Ok(Credentials::new().with_key(id, secret, token))
            }
        }
    }

    /// These keys and `other`'s; `first` and `second` name where each came from
    /// when one key id has two secrets (an error).
    pub fn merge(
        mut self,
        other: Credentials,
        first: &str,
        second: &str,
    ) -> Result<Credentials, CredentialsError> {
        for (key_id, secret) in other.keys {
            match self.keys.get(&key_id) {
                Some(known) if *known != secret => {
                    return Err(CredentialsError::Conflict {
                        key_id,
                        first: first.to_owned(),
                        second: second.to_owned(),
                    });
                }
                _ => {
                    self.keys.insert(key_id, secret);
                }
            }
        }
        Ok(self)
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// The access key ids, in order.
    pub fn key_ids(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    pub(super) fn get(&self, key_id: &str) -> Option<&Secret> {
        self.keys.get(key_id)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("key_ids", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// A `[profile]` being read.
struct Profile {
    name: String,
    line: usize,
    key_id: Option<String>,
    secret: Option<String>,
    token: Option<String>,
}

impl Profile {
    fn new(name: &str, line: usize) -> Profile {
        Profile {
            name: name.to_owned(),
            line,
            key_id: None,
            secret: None,
            token: None,
        }
    }

    fn add_to(self, keys: &mut Credentials, origin: &str) -> Result<(), CredentialsError> {
        let missing = |has: &str, lacks: &str| CredentialsError::Syntax {
            origin: origin.to_owned(),
            line: self.line,
            message: format!("profile [{}] has {has} but no {lacks}", self.name),
        };
        match (self.key_id.clone(), self.secret.clone()) {
            (None, None) => Ok(()),
            (Some(_), None) => Err(missing("aws_access_key_id", "aws_secret_access_key")),
            (None, Some(_)) => Err(missing("aws_secret_access_key", "aws_access_key_id")),
            (Some(key_id), Some(secret)) => {
                let here = format!("{origin} [{}]", self.name);
                let merged = std::mem::take(keys).merge(
                    Credentials::new().with_key(key_id, secret, self.token),
                    origin,
                    &here,
                )?;
                *keys = merged;
                Ok(())
            }
        }
    }
}
