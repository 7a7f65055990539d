//! Where the keys that sign AWS requests come from, as the AWS SDKs find them:
//! access keys in the environment or the profile ([`Keys::Fixed`]), else the rest
//! of the SDKs' default chain ([`Keys::Chain`]): the profile's
//! `credential_process`, IAM Identity Center (SSO) session or role to assume, a
//! web identity token (EKS), the ECS container's role, the EC2 instance's role.
//! The chain is the AWS SDK for Rust's own providers (`aws-config`); the keys it
//! gives are kept until five minutes before they expire.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_config::ecs::EcsCredentialsProvider;
use aws_config::imds::credentials::ImdsCredentialsProvider;
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::web_identity_token::{StaticConfiguration, WebIdentityTokenCredentialsProvider};
use aws_credential_types::provider::ProvideCredentials;
pub use aws_runtime::env_config::file::EnvConfigFileKind;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_types::region::Region;

use super::config::Credentials;

/// What to say when no credentials are found.
pub const HOW_TO_SET: &str = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile \
     (AWS_PROFILE) with keys, a credential_process, an SSO session or a role";

/// Keys are renewed this long before they expire.
const RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);

/// The keys requests are signed with.
#[derive(Debug, Clone, Default)]
pub enum Keys {
    /// None: requests are not sent.
    #[default]
    None,
    /// These (from the environment or the profile).
    Fixed(Credentials),
    /// Those the rest of the default chain gives.
    Chain(Chain),
}

impl Keys {
    /// The keys to sign with now, or why there are none.
    pub async fn get(&self) -> Result<Credentials, String> {
        match self {
            Keys::Chain(chain) => chain.get().await,
            other => other.get_blocking(),
        }
    }

    /// The same from a thread that may block, inside a runtime or not.
    pub fn get_blocking(&self) -> Result<Credentials, String> {
        match self {
            Keys::None => Err(HOW_TO_SET.to_owned()),
            Keys::Fixed(credentials) => Ok(credentials.clone()),
            Keys::Chain(chain) => chain.get_blocking(),
        }
    }
}

/// What the chain consults, from the environment and the profile.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The profile's name and the files it is read from.
    pub profile: Option<Profile>,
    /// `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME`.
    pub web_identity: Option<(PathBuf, String, Option<String>)>,
    /// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `..._FULL_URI` is set.
    pub container: bool,
    /// The EC2 instance metadata service is not disabled
    /// (`AWS_EC2_METADATA_DISABLED`).
    pub instance_metadata: bool,
    /// The region the chain's own requests (STS, SSO) go to.
    pub region: String,
}

/// A profile of the shared files.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Its name.
    pub name: String,
    /// The shared files it is in: the config file, the credentials file.
    pub files: Vec<(EnvConfigFileKind, PathBuf)>,
}

impl Sources {
    /// Whether the chain has anything to consult.
    pub fn any(&self) -> bool {
        self.profile.is_some()
            || self.web_identity.is_some()
            || self.container
            || self.instance_metadata
    }

    /// The chain of the AWS SDK for Rust's providers for these sources.
    fn provider(&self) -> Option<CredentialsProviderChain> {
        let client = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let config = ProviderConfig::default()
            .with_http_client(client)
            .with_region(Some(Region::new(self.region.clone())));
        let mut chain = None;
        if let Some(profile) = &self.profile {
            let files = profile
                .files
                .iter()
                .fold(
                    EnvConfigFiles::builder()
                        .include_default_config_file(false)
                        .include_default_credentials_file(false),
                    |files, (kind, path)| files.with_file(*kind, path),
                )
                .build();
            let provider = ProfileFileCredentialsProvider::builder()
                .configure(&config)
                .profile_name(&profile.name)
                .profile_files(files)
                .build();
            chain = then(chain, "Profile", provider);
        }
        if let Some((token_file, role_arn, session)) = &self.web_identity {
            let provider = WebIdentityTokenCredentialsProvider::builder()
                .configure(&config)
                .static_configuration(StaticConfiguration {
                    web_identity_token_file: token_file.clone(),
                    role_arn: role_arn.clone(),
                    session_name: session.clone().unwrap_or_else(|| "asl".to_owned()),
                })
                .build();
            chain = then(chain, "WebIdentityToken", provider);
        }
        if self.container {
            let provider = EcsCredentialsProvider::builder().configure(&config).build();
            chain = then(chain, "EcsContainer", provider);
        }
        if self.instance_metadata {
            let provider = ImdsCredentialsProvider::builder()
                .configure(&config)
                .build();
            chain = then(chain, "Ec2InstanceMetadata", provider);
        }
        chain
    }
}

/// `chain`, then `provider`.
fn then(
    chain: Option<CredentialsProviderChain>,
    name: &'static str,
    provider: impl ProvideCredentials + 'static,
) -> Option<CredentialsProviderChain> {
    Some(match chain {
        None => CredentialsProviderChain::first_try(name, provider),
        Some(chain) => chain.or_else(name, provider),
    })
}

/// Keys the chain gave, and when they expire (never: `None`).
type Kept = (Credentials, Option<SystemTime>);

/// The default chain after the environment's and the profile's keys, and the
/// keys it last gave.
#[derive(Debug, Clone)]
pub struct Chain {
    sources: Sources,
    /// The keys last given, and when they expire.
    kept: Arc<Mutex<Option<Kept>>>,
}

impl Chain {
    /// The chain of `sources`.
    pub fn new(sources: Sources) -> Chain {
        Chain {
            sources,
            kept: Arc::default(),
        }
    }

    /// What it consults.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// The keys kept, while they are good for more than [`RENEW_BEFORE`].
    fn kept(&self) -> Option<Credentials> {
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.as_ref()
            .filter(|(_, expiry)| {
                expiry.is_none_or(|expiry| {
                    expiry
                        .duration_since(SystemTime::now())
                        .is_ok_and(|left| left > RENEW_BEFORE)
                })
            })
            .map(|(credentials, _)| credentials.clone())
    }

    /// The keys to sign with now: those kept, else the chain's (kept).
    async fn get(&self) -> Result<Credentials, String> {
        if let Some(kept) = self.kept() {
            return Ok(kept);
        }
        let provider = self
            .sources
            .provider()
            .ok_or_else(|| HOW_TO_SET.to_owned())?;
        let given = provider
            .provide_credentials()
            .await
            .map_err(|error| format!("{}; {HOW_TO_SET}", error_chain(&error)))?;
        let credentials = Credentials {
            access_key_id: given.access_key_id().to_owned(),
            secret_access_key: given.secret_access_key().to_owned(),
            session_token: given.session_token().map(str::to_owned),
        };
        *self
            .kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Some((credentials.clone(), given.expiry()));
        Ok(credentials)
    }

    /// [`Chain::get`] on a thread of its own with a runtime of its own, so that
    /// any thread may wait for it.
    fn get_blocking(&self) -> Result<Credentials, String> {
        if let Some(kept) = self.kept() {
            return Ok(kept);
        }
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|error| error.to_string())?;
                    runtime.block_on(self.get())
                })
                .join()
                .unwrap_or_else(|_| Err("the credentials chain panicked".to_owned()))
        })
    }
}

/// `error` and its sources, each said once.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_credential_process_gives_the_keys_and_they_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let answer = dir.path().join("answer.json");
        std::fs::write(
            &answer,
            r#"{"Version": 1, "AccessKeyId": "PROCESS", "SecretAccessKey": "s", "SessionToken": "t"}"#,
        )
        .unwrap();
        let config = dir.path().join("config");
        std::fs::write(
            &config,
            format!(
                "[profile ci]\ncredential_process = cat {}\n",
                answer.display()
            ),
        )
        .unwrap();
        let chain = profile_chain(config);
        let keys = chain.get().await.unwrap();
        assert_eq!(
            (keys.access_key_id.as_str(), keys.session_token.as_deref()),
            ("PROCESS", Some("t"))
        );
        // Kept: the process is not run again.
        std::fs::remove_file(&answer).unwrap();
        assert_eq!(chain.get_blocking().unwrap().access_key_id, "PROCESS");
    }

    /// The chain of profile `ci` of the config file `config`.
    fn profile_chain(config: std::path::PathBuf) -> Keys {
        Keys::Chain(Chain::new(Sources {
            profile: Some(Profile {
                name: "ci".to_owned(),
                files: vec![(EnvConfigFileKind::Config, config)],
            }),
            region: "us-east-1".to_owned(),
            ..Sources::default()
        }))
    }

    #[test]
    fn a_chain_that_finds_nothing_says_why_and_how_to_set_keys() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        std::fs::write(&config, "[profile ci]\ncredential_process = false\n").unwrap();
        let chain = profile_chain(config);
        let why = chain.get_blocking().unwrap_err();
        assert!(why.contains("credential_process"), "{why}");
        assert!(why.ends_with(HOW_TO_SET), "{why}");
    }
}
