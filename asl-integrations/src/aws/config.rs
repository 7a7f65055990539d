//! Where AWS requests go and whose they are, found as the AWS SDKs find them: the
//! region, the credentials (the environment's or the profile's keys, else the rest
//! of the SDKs' chain, see [`credentials`]), and each
//! service's endpoint (`AWS_ENDPOINT_URL_<SERVICE>`,
//! `AWS_ENDPOINT_URL`, the profile's `endpoint_url` and `services` section, else
//! AWS's own).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::credentials::{self, Chain, EnvConfigFileKind, Keys, Sources};

/// Reads an environment variable (replaceable in tests).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// An access key.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret.
    pub secret_access_key: String,
    /// The session token of temporary credentials.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// The AWS client configuration of a process.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The region requests go to.
    pub region: String,
    /// The keys they are signed with.
    pub credentials: Keys,
    /// `AWS_ENDPOINT_URL`, else the profile's `endpoint_url`.
    endpoint: Option<String>,
    /// Endpoints by service: `AWS_ENDPOINT_URL_<SERVICE>` (keyed by `<SERVICE>`),
    /// and the profile's `services` section (keyed by the same name).
    service_endpoints: BTreeMap<String, String>,
}

impl Config {
    /// The configuration the environment `env` and the shared files describe.
    pub fn from_env(env: Env<'_>) -> Config {
        let profile_name = env("AWS_PROFILE")
            .or_else(|| env("AWS_DEFAULT_PROFILE"))
            .unwrap_or_else(|| "default".to_owned());
        let home = env("HOME").map(PathBuf::from);
        let path = |variable: &str, default: &str| {
            env(variable)
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|home| home.join(".aws").join(default)))
        };
        let config_path = path("AWS_CONFIG_FILE", "config");
        let credentials_path = path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
        let file = |path: &Option<PathBuf>| {
            path.as_ref()
                .and_then(|path| std::fs::read_to_string(path).ok())
                .map(|text| parse_profiles(&text))
                .unwrap_or_default()
        };
        let config_file = file(&config_path);
        let credentials_file = file(&credentials_path);
        let config_section = if profile_name == "default" {
            "default".to_owned()
        } else {
            format!("profile {profile_name}")
        };
        let profile = config_file.get(&config_section);
        let setting = |key: &str| {
            credentials_file
                .get(&profile_name)
                .and_then(|section| section.values.get(key))
                .or_else(|| profile.and_then(|section| section.values.get(key)))
                .cloned()
        };
        let region = env("AWS_REGION")
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .or_else(|| setting("region"))
            .unwrap_or_else(|| "us-east-1".to_owned());
        let from_env = env("AWS_ACCESS_KEY_ID")
            .zip(env("AWS_SECRET_ACCESS_KEY"))
            .map(|(access_key_id, secret_access_key)| Credentials {
                access_key_id,
                secret_access_key,
                session_token: env("AWS_SESSION_TOKEN").or_else(|| env("AWS_SECURITY_TOKEN")),
            });
        // An explicit profile skips the environment's keys, as the SDKs do.
        let explicit = env("AWS_PROFILE").is_some();
        let from_profile = setting("aws_access_key_id")
            .zip(setting("aws_secret_access_key"))
            .map(|(access_key_id, secret_access_key)| Credentials {
                access_key_id,
                secret_access_key,
                session_token: setting("aws_session_token"),
            });
        let fixed = if explicit {
            from_profile.or(from_env)
        } else {
            from_env.or(from_profile)
        };
        let credentials = match fixed {
            Some(fixed) => Keys::Fixed(fixed),
            None => {
                // The rest of the chain: what the profile says (a process, SSO, a
                // role), a web identity, the container's or the instance's role.
                let files: Vec<_> = [
                    (EnvConfigFileKind::Config, config_path, profile.is_some()),
                    (
                        EnvConfigFileKind::Credentials,
                        credentials_path,
                        credentials_file.contains_key(&profile_name),
                    ),
                ]
                .into_iter()
                .filter_map(|(kind, path, has)| path.map(|path| (kind, path, has)))
                .filter(|(_, path, _)| path.is_file())
                .collect();
                let in_files = files.iter().any(|(_, _, has)| *has);
                let sources = Sources {
                    profile: in_files.then(|| credentials::Profile {
                        name: profile_name.clone(),
                        files: files
                            .into_iter()
                            .map(|(kind, path, _)| (kind, path))
                            .collect(),
                    }),
                    web_identity: env("AWS_WEB_IDENTITY_TOKEN_FILE")
                        .zip(env("AWS_ROLE_ARN"))
                        .map(|(file, role)| {
                            (PathBuf::from(file), role, env("AWS_ROLE_SESSION_NAME"))
                        }),
                    container: env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
                        || env("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some(),
                    instance_metadata: !env("AWS_EC2_METADATA_DISABLED")
                        .is_some_and(|value| value.eq_ignore_ascii_case("true")),
                    region: region.clone(),
                };
                if sources.any() {
                    Keys::Chain(Chain::new(sources))
                } else {
                    Keys::None
                }
            }
        };
        let ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
            .is_some_and(|value| value == "true")
            || setting("ignore_configured_endpoint_urls").is_some_and(|value| value == "true");
        let mut config = Config {
            region,
            credentials,
            ..Config::default()
        };
        if ignore {
            return config;
        }
        config.endpoint = env("AWS_ENDPOINT_URL").or_else(|| setting("endpoint_url"));
        // The profile's `services = <name>` section: `<service> =` then indented
        // `endpoint_url = ...` lines.
        if let Some(services) = profile
            .and_then(|section| section.values.get("services"))
            .and_then(|name| config_file.get(&format!("services {name}")))
        {
            for (service, nested) in &services.nested {
                if let Some(url) = nested.get("endpoint_url") {
                    config
                        .service_endpoints
                        .insert(env_name(service), url.clone());
                }
            }
        }
        let sdk_services = super::sdk::SERVICES.iter().map(|service| service.id);
        for service in SERVICE_IDS.iter().copied().chain(sdk_services) {
            let name = env_name(service);
            if let Some(url) = env(&format!("AWS_ENDPOINT_URL_{name}")) {
                config.service_endpoints.insert(name, url);
            }
        }
        config
    }

    /// The endpoint of the service with id `service_id` (`DynamoDB`, `SQS`,
    /// `Lambda`...) whose hosts start `prefix` (`dynamodb`): an endpoint the
    /// environment or profile configures, else AWS's, without a trailing `/`.
    pub fn endpoint(&self, service_id: &str, prefix: &str) -> String {
        match self.configured_endpoint(service_id) {
            Some(url) => url,
            None => {
                let suffix = if self.region.starts_with("cn-") {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                };
                format!("https://{prefix}.{}.{suffix}", self.region)
            }
        }
    }
}

impl Config {
    /// The endpoint the environment or profile configures for the service with id
    /// `service_id`, if any, without a trailing `/`.
    pub fn configured_endpoint(&self, service_id: &str) -> Option<String> {
        self.service_endpoints
            .get(&env_name(service_id))
            .or(self.endpoint.as_ref())
            .map(|url| url.trim_end_matches('/').to_owned())
    }
}

/// The service ids whose `AWS_ENDPOINT_URL_<SERVICE>` variables are read, besides
/// those of the services `aws-sdk:*` calls.
const SERVICE_IDS: &[&str] = &[
    "DynamoDB",
    "SQS",
    "SNS",
    "EventBridge",
    "Lambda",
    "SFN",
    "S3",
    "Secrets Manager",
    "SSM",
    "Kinesis",
    "STS",
    "KMS",
    "Athena",
    "Glue",
    "Batch",
    "ECS",
    "IAM",
    "Firehose",
    "CloudWatch Logs",
    "Bedrock Runtime",
];

/// A service id as the environment names it: upper case, spaces and hyphens as
/// `_` (`Secrets Manager` → `SECRETS_MANAGER`).
fn env_name(service_id: &str) -> String {
    service_id
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// One `[section]` of an AWS config or credentials file.
#[derive(Debug, Clone, Default, PartialEq)]
struct Section {
    /// `key = value` lines.
    values: BTreeMap<String, String>,
    /// `key =` lines followed by indented `subkey = value` lines.
    nested: BTreeMap<String, BTreeMap<String, String>>,
}

/// The sections of an AWS config or credentials file, by name (`default`,
/// `profile dev`, `services local`); comments (`#`, `;`) skipped.
fn parse_profiles(text: &str) -> BTreeMap<String, Section> {
    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut parent: Option<String> = None;
    for line in text.lines() {
        let indented = line.starts_with([' ', '\t']);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if let Some(name) = trimmed
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            sections.entry(name.clone()).or_default();
            current = Some(name);
            parent = None;
            continue;
        }
        let (Some(section), Some((key, value))) = (&current, trimmed.split_once('=')) else {
            continue;
        };
        let (key, value) = (key.trim().to_owned(), value.trim().to_owned());
        let section = sections.entry(section.clone()).or_default();
        match (&parent, indented) {
            (Some(parent), true) => {
                section
                    .nested
                    .entry(parent.clone())
                    .or_default()
                    .insert(key, value);
            }
            _ if value.is_empty() => parent = Some(key),
            _ => {
                parent = None;
                section.values.insert(key, value);
            }
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Config {
        let vars: BTreeMap<String, String> = vars
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        Config::from_env(&|name| vars.get(name).cloned())
    }

    /// The fixed keys of `config`.
    fn fixed(config: &Config) -> &Credentials {
        match &config.credentials {
            Keys::Fixed(keys) => keys,
            other => panic!("no fixed keys: {other:?}"),
        }
    }

    #[test]
    fn the_environment_names_region_keys_and_endpoints() {
        let config = config(&[
            ("AWS_DEFAULT_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000/"),
            ("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:6000"),
            ("AWS_ENDPOINT_URL_TEXTRACT", "http://127.0.0.1:7000"),
        ]);
        assert_eq!(config.region, "eu-west-1");
        assert_eq!(fixed(&config).access_key_id, "AKID");
        assert_eq!(
            config.endpoint("DynamoDB", "dynamodb"),
            "http://127.0.0.1:5000"
        );
        assert_eq!(
            config.endpoint("Secrets Manager", "secretsmanager"),
            "http://127.0.0.1:6000"
        );
        assert_eq!(
            config.endpoint("Textract", "textract"),
            "http://127.0.0.1:7000"
        );
    }

    #[test]
    fn without_overrides_the_endpoint_is_aws() {
        let config = config(&[
            ("AWS_REGION", "ap-south-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        assert_eq!(
            config.endpoint("DynamoDB", "dynamodb"),
            "https://dynamodb.ap-south-1.amazonaws.com"
        );
        assert!(matches!(config.credentials, Keys::None));
    }

    #[test]
    fn a_profile_gives_keys_region_and_service_endpoints() {
        let dir = tempfile::tempdir().unwrap();
        let credentials = dir.path().join("credentials");
        std::fs::write(
            &credentials,
            "[default]\naws_access_key_id = D\naws_secret_access_key = d\n\n[dev]\naws_access_key_id = DEV\naws_secret_access_key = dev\naws_session_token = token\n",
        )
        .unwrap();
        let file = dir.path().join("config");
        std::fs::write(
            &file,
            "[profile dev]\nregion = eu-north-1\nservices = local\n\n[services local]\ndynamodb =\n  endpoint_url = http://localhost:8000\n# a comment\n",
        )
        .unwrap();
        let (credentials, file) = (credentials.to_str().unwrap(), file.to_str().unwrap());
        let dev = config(&[
            ("AWS_SHARED_CREDENTIALS_FILE", credentials),
            ("AWS_CONFIG_FILE", file),
            ("AWS_PROFILE", "dev"),
            ("AWS_ACCESS_KEY_ID", "ENV"),
            ("AWS_SECRET_ACCESS_KEY", "env"),
        ]);
        let keys = fixed(&dev);
        assert_eq!(
            (keys.access_key_id.as_str(), keys.session_token.as_deref()),
            ("DEV", Some("token"))
        );
        assert_eq!(dev.region, "eu-north-1");
        assert_eq!(
            dev.endpoint("DynamoDB", "dynamodb"),
            "http://localhost:8000"
        );
        assert_eq!(
            dev.endpoint("SQS", "sqs"),
            "https://sqs.eu-north-1.amazonaws.com"
        );
        // Without AWS_PROFILE, the environment's keys come first.
        let default = config(&[
            ("AWS_SHARED_CREDENTIALS_FILE", credentials),
            ("AWS_ACCESS_KEY_ID", "ENV"),
            ("AWS_SECRET_ACCESS_KEY", "env"),
        ]);
        assert_eq!(fixed(&default).access_key_id, "ENV");
        let ignored = config(&[
            ("AWS_ENDPOINT_URL", "http://x"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ]);
        assert_eq!(
            ignored.endpoint("SQS", "sqs"),
            "https://sqs.us-east-1.amazonaws.com"
        );
    }

    #[test]
    fn without_keys_the_rest_of_the_chain_is_asked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        std::fs::write(
            &file,
            "[profile ci]\ncredential_process = /bin/true\n[profile sso]\nsso_session = s\n",
        )
        .unwrap();
        let file = file.to_str().unwrap();
        let chain = |vars: &[(&str, &str)]| match config(vars).credentials {
            Keys::Chain(chain) => chain.sources().clone(),
            other => panic!("not a chain: {other:?}"),
        };
        let ci = chain(&[("AWS_CONFIG_FILE", file), ("AWS_PROFILE", "ci")]);
        assert_eq!(ci.profile.unwrap().name, "ci");
        assert!(ci.instance_metadata && !ci.container && ci.web_identity.is_none());
        let eks = chain(&[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/token"),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        assert!(eks.profile.is_none() && !eks.instance_metadata);
        assert_eq!(
            eks.web_identity,
            Some((
                PathBuf::from("/var/token"),
                "arn:aws:iam::123456789012:role/r".to_owned(),
                None
            ))
        );
        let ecs = chain(&[
            (
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "/v2/credentials/x",
            ),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        assert!(ecs.container);
        // A profile that is in neither file is not asked.
        let missing = config(&[
            ("AWS_CONFIG_FILE", file),
            ("AWS_PROFILE", "nobody"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        assert!(matches!(missing.credentials, Keys::None));
    }
}
