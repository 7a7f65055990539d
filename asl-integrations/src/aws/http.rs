//! One signed request to an AWS service, sent with ureq on tokio's blocking pool
//! (as the HTTP bindings are) and bounded by the Task's deadline. No retries: a
//! failure goes to the state's Retry, as on AWS.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use asl_runtime::task::{TaskContext, TaskError};

use super::config::Credentials;
use crate::transport::{Outgoing, exchange};

/// How long a request may outlive its Task's deadline: the Task's own
/// `States.Timeout` ends the attempt first.
const DEADLINE_GRACE: Duration = Duration::from_secs(1);

/// A request to send.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`...
    pub method: &'static str,
    /// The whole URL, query included.
    pub url: String,
    /// Headers besides those of the signature.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// What the service answered.
#[derive(Debug, Clone)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The headers, as received.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsent {
    /// No credentials were found to sign with, for this reason.
    NoCredentials(String),
    /// The request could not be made or sent, or no answer came in time.
    Failed(String),
}

/// How a request is signed.
#[derive(Debug, Clone, Copy)]
pub struct Signing<'a> {
    /// With these credentials, or why none were found (the request is not sent).
    pub credentials: Result<&'a Credentials, &'a str>,
    /// For this region.
    pub region: &'a str,
    /// For the service of this signing name.
    pub name: &'a str,
    /// As S3 wants it: the path encoded once and not normalized, the payload's
    /// hash in `x-amz-content-sha256`.
    pub s3: bool,
}

/// Signs `request` as `signing` says and sends it, within what is left of
/// `task`'s time.
pub async fn send(
    agent: &ureq::Agent,
    signing: Signing<'_>,
    mut request: Request,
    task: &TaskContext<'_>,
) -> Result<Response, Unsent> {
    let signature = signature_headers(signing, &request)?;
    request.headers.extend(signature);
    let timeout = task.remaining().map(|left| left + DEADLINE_GRACE);
    let agent = agent.clone();
    crate::transport::blocking(move || blocking(&agent, request, timeout))
        .await
        .map_err(|error| Unsent::Failed(error.to_string()))?
}

/// The headers of the signature of `request` as `signing` says, for a request
/// sent by other means.
pub fn signature_headers(
    signing: Signing<'_>,
    request: &Request,
) -> Result<Vec<(String, String)>, Unsent> {
    let credentials = signing
        .credentials
        .map_err(|why| Unsent::NoCredentials(why.to_owned()))?;
    signature(credentials, signing, request)
        .map_err(|error| Unsent::Failed(format!("cannot sign the request: {error}")))
}

/// [`send`] from a thread that may block (not a tokio worker's), within
/// `timeout`.
pub fn send_blocking(
    agent: &ureq::Agent,
    signing: Signing<'_>,
    mut request: Request,
    timeout: Duration,
) -> Result<Response, Unsent> {
    let signature = signature_headers(signing, &request)?;
    request.headers.extend(signature);
    blocking(agent, request, Some(timeout))
}

/// The headers of the Signature Version 4 of `request`.
fn signature(
    credentials: &Credentials,
    signing: Signing<'_>,
    request: &Request,
) -> Result<Vec<(String, String)>, Box<dyn std::error::Error + Send + Sync>> {
    let identity: Identity = AwsCredentials::new(
        &credentials.access_key_id,
        &credentials.secret_access_key,
        credentials.session_token.clone(),
        None,
        "asl",
    )
    .into();
    let mut settings = SigningSettings::default();
    if signing.s3 {
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(signing.region)
        .name(signing.name)
        .time(SystemTime::now())
        .settings(settings)
        .build()?
        .into();
    let signable = SignableRequest::new(
        request.method,
        &request.url,
        request
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
        SignableBody::Bytes(&request.body),
    )?;
    let (instructions, _) = sign(signable, &params)?.into_parts();
    let (headers, _) = instructions.into_parts();
    Ok(headers
        .into_iter()
        .map(|header| (header.name().to_owned(), header.value().to_owned()))
        .collect())
}

fn blocking(
    agent: &ureq::Agent,
    request: Request,
    timeout: Option<Duration>,
) -> Result<Response, Unsent> {
    let outgoing = Outgoing {
        method: request.method,
        url: &request.url,
        headers: &request.headers,
        body: request.body,
    };
    let answer = exchange(agent, outgoing, timeout, 64 << 20).map_err(Unsent::Failed)?;
    Ok(Response {
        status: answer.status.as_u16(),
        headers: answer.headers,
        body: answer.body,
    })
}

/// How the cause of a request made without credentials starts.
pub const NO_CREDENTIALS: &str = "Unable to load AWS credentials from any provider in the chain";

/// The error of a request that got no answer, as the AWS Java SDK names it for
/// the service whose errors start `prefix`.
pub fn unsent(prefix: &str, unsent: Unsent) -> TaskError {
    match unsent {
        Unsent::NoCredentials(why) => TaskError::new(
            format!("{prefix}.SdkClientException"),
            format!("{NO_CREDENTIALS}: {why}"),
        ),
        Unsent::Failed(why) => TaskError::new(
            format!("{prefix}.SdkClientException"),
            format!("Unable to execute HTTP request: {why}"),
        ),
    }
}

/// The hex SHA-256 of `body` (S3's `x-amz-content-sha256`).
pub fn sha256_hex(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(body)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
