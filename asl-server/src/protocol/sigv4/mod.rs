//! AWS Signature Version 4, verified: what `asl serve --auth sigv4` checks on
//! every request (INTEGRATIONS §7 has the algorithm).
//!
//! The server recomputes the signature over the request as it arrived: the
//! canonical request (method, canonical URI, canonical query string, the signed
//! headers in the order `SignedHeaders` names them, the SHA-256 of the body), the
//! string to sign (`AWS4-HMAC-SHA256`, the request's date, the credential scope,
//! the canonical request's hash) and the key derived from the secret of the
//! access key the `Credential` names; then compares it with `Signature` in
//! constant time.
//!
//! Rejections are AWS's, all HTTP 400 as an AWS JSON service answers them, in the
//! order AWS checks (recorded against DynamoDB, another AWS JSON 1.0 service, by
//! mhart/dynalite): no `Authorization` is `MissingAuthenticationTokenException`;
//! a malformed one, a missing date or an unknown algorithm
//! `IncompleteSignatureException`; a date more than 5 minutes off, a scope of
//! another region, service or day, or a wrong signature
//! `InvalidSignatureException`; an access key or a session token the server does
//! not know `UnrecognizedClientException`.
//!
//! Presigned requests (the signature in the query string) are not accepted.

mod credentials;

use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, Method, Uri};
use chrono::{DateTime, NaiveDateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::error::{ApiError, ErrorCode};

pub use credentials::{Credentials, CredentialsError};

/// The only algorithm: HMAC-SHA256 over the string to sign.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The last element of a credential scope.
const TERMINATOR: &str = "aws4_request";
/// The signing name of Step Functions.
pub const SERVICE: &str = "states";
/// How far a request's date may be from the server's clock, either way.
pub const MAX_SKEW: Duration = Duration::from_secs(5 * 60);
/// The ISO-8601 basic format of `X-Amz-Date`.
const BASIC_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// A verifier of Signature Version 4 for one region and the access keys of its
/// [`Credentials`].
#[derive(Debug, Clone)]
pub struct SigV4 {
    credentials: Credentials,
    region: String,
    service: String,
}

/// The request's headers passed the checks that need no body; [`Pending::verify`]
/// checks the signature over the body.
#[derive(Debug)]
pub struct Pending<'a> {
    verifier: &'a SigV4,
    authorization: Authorization,
    /// `X-Amz-Date` (or `Date`) in basic format.
    date: String,
    /// The day of `date`, the first element of the credential scope.
    day: String,
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
}

/// A request whose signature was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The access key it was signed with.
    pub access_key_id: String,
}

impl SigV4 {
    /// Requests for `region`, signed with one of `credentials`' keys.
    pub fn new(credentials: Credentials, region: impl Into<String>) -> SigV4 {
        SigV4 {
            credentials,
            region: region.into(),
            service: SERVICE.to_owned(),
        }
    }

    /// The access keys accepted.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Checks what can be checked before the body is read: the `Authorization`
    /// header, the date against `now`, the credential scope and the access key.
    pub fn check<'a>(
        &'a self,
        method: &'a Method,
        uri: &'a Uri,
        headers: &'a HeaderMap,
        now: SystemTime,
    ) -> Result<Pending<'a>, ApiError> {
        let header = text(headers, "authorization");
        let presigned = uri
            .query()
            .is_some_and(|query| query_pairs(query).any(|(key, _)| key == "X-Amz-Algorithm"));
        if header.is_some() && presigned {
            return Err(invalid(
                "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
            ));
        }
        let header = match header {
            Some(header) if header.trim_start().starts_with("AWS4-") => header,
            _ => {
                return Err(ApiError::new(
                    ErrorCode::MissingAuthenticationTokenException,
                    "Request is missing Authentication Token",
                ));
            }
        };
        let authorization = Authorization::parse(&header, headers)?;
        let date = request_date(headers);
        self.check_date(&date, now)?;
        if !authorization
            .signed_headers
            .iter()
            .any(|name| name == "host")
        {
            return Err(invalid(
                "'Host' must be a 'SignedHeader' in the AWS Authorization.",
            ));
        }
        if authorization.algorithm != ALGORITHM {
            return Err(incomplete(format!(
                "Unsupported AWS 'algorithm': '{}' (only {ALGORITHM} for now). ",
                authorization.algorithm
            )));
        }
        let day = self.check_scope(&authorization, &date)?;
        if self.credentials.get(&authorization.key_id).is_none() {
            return Err(unrecognized(
                "The security token included in the request is invalid.",
            ));
        }
        Ok(Pending {
            verifier: self,
            authorization,
            date,
            day,
            method,
            uri,
            headers,
        })
    }

    /// `date` (basic format) is within [`MAX_SKEW`] of `now`.
    fn check_date(&self, date: &str, now: SystemTime) -> Result<(), ApiError> {
        let signed = parse_basic(date).ok_or_else(|| {
            incomplete(format!(
                "Date must be in ISO-8601 'basic format'. Got '{date}'. See http://en.wikipedia.org/wiki/ISO_8601"
            ))
        })?;
        let now = DateTime::<Utc>::from(now);
        let skew = chrono::Duration::from_std(MAX_SKEW).unwrap_or(chrono::Duration::MAX);
        let minutes = MAX_SKEW.as_secs() / 60;
        if signed < now - skew {
            return Err(invalid(format!(
                "Signature expired: {date} is now earlier than {} ({} - {minutes} min.)",
                basic(now - skew),
                basic(now)
            )));
        }
        if signed > now + skew {
            return Err(invalid(format!(
                "Signature not yet current: {date} is still later than {} ({} + {minutes} min.)",
                basic(now + skew),
                basic(now)
            )));
        }
        Ok(())
    }

    /// The credential scope is `<key>/<day of date>/<region>/states/aws4_request`;
    /// the day.
    fn check_scope(&self, authorization: &Authorization, date: &str) -> Result<String, ApiError> {
        let scope = &authorization.credential;
        let parts: Vec<&str> = scope.trim_end_matches('/').split('/').collect();
        let [_, day, region, service, terminator] = parts[..] else {
            return Err(incomplete(format!(
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{scope}'"
            )));
        };
        let mut message = String::new();
        if region != self.region {
            message.push_str(&format!(
                "Credential should be scoped to a valid region, not '{region}'. "
            ));
        }
        if service != self.service {
            message.push_str(&format!(
                "Credential should be scoped to correct service: '{}'. ",
                self.service
            ));
        }
        if terminator != TERMINATOR {
            message.push_str(&format!(
                "Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{terminator}'. "
            ));
        }
        let today = date.get(..8).unwrap_or(date);
        if day != today {
            message.push_str(&format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{day}' != '{today}', from '{date}'."
            ));
        }
        if message.is_empty() {
            Ok(today.to_owned())
        } else {
            Err(invalid(message.trim_end()))
        }
    }
}

impl Pending<'_> {
    /// Verifies the signature over the request and its `body`, then the session
    /// token.
    pub fn verify(self, body: &[u8]) -> Result<Verified, ApiError> {
        let Some(secret) = self.verifier.credentials.get(&self.authorization.key_id) else {
            return Err(unrecognized(
                "The security token included in the request is invalid.",
            ));
        };
        let payload = hex(&Sha256::digest(body));
        if let Some(claimed) = text(self.headers, "x-amz-content-sha256")
            && claimed != payload
        {
            return Err(invalid(
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
            ));
        }
        let canonical = canonical_request(
            self.method,
            self.uri,
            self.headers,
            &self.authorization.signed_headers,
            &payload,
        );
        // The scope checked in `check`: the day, this server's region and service.
        let verifier = self.verifier;
        let scope = format!(
            "{}/{}/{}/{TERMINATOR}",
            self.day, verifier.region, verifier.service
        );
        let to_sign = string_to_sign(&self.date, &scope, &canonical);
        let key = signing_key(
            &secret.secret_access_key,
            &self.day,
            &verifier.region,
            &verifier.service,
        );
        let mut mac = hmac_sha256(&key);
        mac.update(to_sign.as_bytes());
        let matches = unhex(&self.authorization.signature)
            .is_some_and(|signature| mac.verify_slice(&signature).is_ok());
        if !matches {
            return Err(invalid(format!(
                "The request signature we calculated does not match the signature you provided. \
                 Check your AWS Secret Access Key and signing method. Consult the service \
                 documentation for details.\n\nThe Canonical String for this request should have \
                 been\n'{canonical}'\n\nThe String-to-Sign should have been\n'{to_sign}'\n"
            )));
        }
        let sent = text(self.headers, "x-amz-security-token");
        let token_matches = match (&secret.session_token, sent) {
            (None, None) => true,
            (Some(expected), Some(sent)) => bool::from(expected.as_bytes().ct_eq(sent.as_bytes())),
            _ => false,
        };
        if !token_matches {
            return Err(unrecognized(
                "The security token included in the request is invalid",
            ));
        }
        Ok(Verified {
            access_key_id: self.authorization.key_id,
        })
    }
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
/// Signature=...` header.
#[derive(Debug)]
struct Authorization {
    algorithm: String,
    credential: String,
    key_id: String,
    signed_headers: Vec<String>,
    signature: String,
}

impl Authorization {
    /// Parses `header`; the request must carry a date too (`headers`).
    fn parse(header: &str, headers: &HeaderMap) -> Result<Authorization, ApiError> {
        let header = header.trim();
        let (algorithm, rest) = header.split_once(' ').unwrap_or((header, ""));
        let mut credential = None;
        let mut signed_headers = None;
        let mut signature = None;
        for part in rest.split([',', ' ']).filter(|part| !part.is_empty()) {
            let Some((key, value)) = part.split_once('=') else {
                return Err(incomplete(format!(
                    "'{part}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'."
                )));
            };
            match key {
                "Credential" => credential = Some(value.to_owned()),
                "SignedHeaders" => signed_headers = Some(value.to_owned()),
                "Signature" => signature = Some(value.to_owned()),
                _ => {}
            }
        }
        let mut message = String::new();
        for (name, value) in [
            ("Credential", &credential),
            ("Signature", &signature),
            ("SignedHeaders", &signed_headers),
        ] {
            if value.as_deref().is_none_or(str::is_empty) {
                message.push_str(&format!(
                    "Authorization header requires '{name}' parameter. "
                ));
            }
        }
        if !headers.contains_key("x-amz-date") && !headers.contains_key("date") {
            message.push_str(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ",
            );
        }
        if !message.is_empty() {
            return Err(incomplete(format!("{message}Authorization={header}")));
        }
        let credential = credential.unwrap_or_default();
        Ok(Authorization {
            algorithm: algorithm.to_owned(),
            key_id: credential
                .split_once('/')
                .map_or(credential.as_str(), |(key, _)| key)
                .to_owned(),
            credential,
            signed_headers: signed_headers
                .unwrap_or_default()
                .split(';')
                .map(str::to_ascii_lowercase)
                .collect(),
            signature: signature.unwrap_or_default(),
        })
    }
}

/// The canonical request of SigV4 (INTEGRATIONS §7, step 1).
pub(crate) fn canonical_request(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    signed_headers: &[String],
    payload_hash: &str,
) -> String {
    let mut canonical = format!(
        "{}\n{}\n{}\n",
        method.as_str(),
        canonical_uri(uri.path()),
        canonical_query(uri.query().unwrap_or(""))
    );
    for name in signed_headers {
        let values: Vec<String> = headers
            .get_all(name.as_str())
            .iter()
            .map(|value| {
                String::from_utf8_lossy(value.as_bytes())
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        canonical.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    canonical.push_str(&format!("\n{}\n{payload_hash}", signed_headers.join(";")));
    canonical
}

/// The string to sign (INTEGRATIONS §7, step 2).
pub(crate) fn string_to_sign(date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

/// The signing key of `secret` for one day, region and service (step 3).
pub(crate) fn signing_key(secret: &str, day: &str, region: &str, service: &str) -> [u8; 32] {
    let mut key = mac(format!("AWS4{secret}").as_bytes(), day.as_bytes());
    for part in [region, service, TERMINATOR] {
        key = mac(&key, part.as_bytes());
    }
    key
}

fn hmac_sha256(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length: this never fails.
    <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

fn mac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = hmac_sha256(key);
    mac.update(data);
    let mut out = [0; 32];
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

/// The path normalized as botocore does (no empty, `.` or `..` segments), each
/// byte but the unreserved ones and `/` percent-encoded: the path as sent is
/// encoded again, as SigV4 asks of every service but S3.
fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            segment => segments.push(segment),
        }
    }
    let mut normalized = format!("/{}", segments.join("/"));
    if path.ends_with('/') && !segments.is_empty() {
        normalized.push('/');
    }
    encode(normalized.as_bytes(), true)
}

/// The query's pairs decoded, encoded again strictly and sorted by key then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query_pairs(query)
        .map(|(key, value)| (encode(&decode(key), false), encode(&decode(value), false)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The `key=value` pairs of a raw query (a pair without `=` has an empty value).
fn query_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
}

/// `bytes` percent-encoded but the unreserved characters (and `/` when
/// `keep_slash`), upper-case hex.
fn encode(bytes: &[u8], keep_slash: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &byte in bytes {
        if byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'.' | b'~')
            || (keep_slash && byte == b'/')
        {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `text` with its `%XX` escapes decoded (a stray `%` stays).
fn decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = bytes
            .get(index + 1..index + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[index], escaped) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    out
}

/// The request's date in basic format: `X-Amz-Date`, else `Date` (an HTTP date;
/// as sent when it is not one, for [`SigV4::check_date`] to refuse).
fn request_date(headers: &HeaderMap) -> String {
    if let Some(date) = text(headers, "x-amz-date") {
        return date;
    }
    let date = text(headers, "date").unwrap_or_default();
    DateTime::parse_from_rfc2822(&date)
        .map(|date| basic(date.with_timezone(&Utc)))
        .unwrap_or(date)
}

fn parse_basic(date: &str) -> Option<DateTime<Utc>> {
    if date.len() != 16 {
        return None;
    }
    NaiveDateTime::parse_from_str(date, BASIC_FORMAT)
        .ok()
        .map(|date| date.and_utc())
}

fn basic(date: DateTime<Utc>) -> String {
    date.format(BASIC_FORMAT).to_string()
}

/// Header `name` as text (lossy), if the request has it.
fn text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_owned())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&text[at..at + 2], 16).ok())
        .collect()
}

fn incomplete(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::IncompleteSignatureException, message)
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidSignatureException, message)
}

fn unrecognized(message: &str) -> ApiError {
    ApiError::new(ErrorCode::UnrecognizedClientException, message)
}

/// What the router's tests need to sign requests as a client does.
#[cfg(test)]
pub(crate) mod tests_support {
    /// The hex SHA-256 of `bytes`.
    pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
        use sha2::Digest;
        super::hex(&sha2::Sha256::digest(bytes))
    }

    /// The hex signature of `to_sign` with `key`.
    pub(crate) fn sign(key: &[u8; 32], to_sign: &str) -> String {
        super::hex(&super::mac(key, to_sign.as_bytes()))
    }
}

#[cfg(test)]
mod tests;
