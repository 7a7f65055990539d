//! `aws-sdk:s3:<action>`: the S3 actions workflows use most, over S3's REST-XML
//! protocol: `getObject` (the body as text), `putObject` (a JSON body as its text),
//! `headObject`, `listObjectsV2`, `copyObject` and `deleteObject`. Buckets are
//! addressed by path (`<endpoint>/<bucket>/<key>`) on a configured endpoint, by
//! host (`<bucket>.s3.<region>.amazonaws.com`) on AWS.

use serde_json::{Map, Value};

use asl_runtime::task::{TaskContext, TaskError};

use std::time::Duration;

use asl_runtime::hooks::ObjectStore;

use super::http::{Request, Response, Signing, send, send_blocking, unsent};
use super::protocol::{encode, request_id};
use super::{Aws, Credentials};

/// The error prefix of S3 errors.
const PREFIX: &str = "S3";

/// The S3 actions asl calls.
pub const ACTIONS: &[&str] = &[
    "getObject",
    "putObject",
    "headObject",
    "listObjectsV2",
    "copyObject",
    "deleteObject",
];

impl Aws {
    /// Calls S3 `action` with `parameters`.
    pub(super) async fn s3(
        &self,
        action: &str,
        task: &TaskContext<'_>,
        parameters: Value,
    ) -> Result<Value, TaskError> {
        let Value::Object(parameters) = parameters else {
            return Err(invalid(action, "the parameters must be an object"));
        };
        let text = |name: &str| parameters.get(name).and_then(Value::as_str);
        let bucket = text("Bucket").ok_or_else(|| invalid(action, "Bucket is required"))?;
        let key = text("Key");
        let need_key = || key.ok_or_else(|| invalid(action, "Key is required"));
        let (method, key, query, mut headers, body) = match action {
            "getObject" => (
                "GET",
                Some(need_key()?),
                String::new(),
                Vec::new(),
                Vec::new(),
            ),
            "headObject" => (
                "HEAD",
                Some(need_key()?),
                String::new(),
                Vec::new(),
                Vec::new(),
            ),
            "deleteObject" => (
                "DELETE",
                Some(need_key()?),
                String::new(),
                Vec::new(),
                Vec::new(),
            ),
            "putObject" => {
                let body = match parameters.get("Body") {
                    None => Vec::new(),
                    Some(Value::String(text)) => text.clone().into_bytes(),
                    Some(value) => value.to_string().into_bytes(),
                };
                let mut headers = Vec::new();
                if let Some(kind) = text("ContentType") {
                    headers.push(("content-type".to_owned(), kind.to_owned()));
                }
                ("PUT", Some(need_key()?), String::new(), headers, body)
            }
            "copyObject" => {
                let source =
                    text("CopySource").ok_or_else(|| invalid(action, "CopySource is required"))?;
                let headers = vec![("x-amz-copy-source".to_owned(), source.to_owned())];
                ("PUT", Some(need_key()?), String::new(), headers, Vec::new())
            }
            "listObjectsV2" => {
                let mut query = vec![("list-type".to_owned(), "2".to_owned())];
                for (parameter, name) in [
                    ("Prefix", "prefix"),
                    ("Delimiter", "delimiter"),
                    ("ContinuationToken", "continuation-token"),
                    ("StartAfter", "start-after"),
                ] {
                    if let Some(value) = text(parameter) {
                        query.push((name.to_owned(), value.to_owned()));
                    }
                }
                if let Some(max) = parameters.get("MaxKeys").and_then(Value::as_u64) {
                    query.push(("max-keys".to_owned(), max.to_string()));
                }
                query.sort();
                let query = query
                    .iter()
                    .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
                    .collect::<Vec<_>>()
                    .join("&");
                ("GET", None, query, Vec::new(), Vec::new())
            }
            other => return Err(invalid(other, "asl does not call this S3 action")),
        };
        let url = self.object_url(bucket, key, &query);
        headers.push((
            "x-amz-content-sha256".to_owned(),
            super::http::sha256_hex(&body),
        ));
        let request = Request {
            method,
            url,
            headers,
            body,
        };
        let keys = self.config.credentials.get().await;
        let response = send(&self.agent, self.s3_signing(&keys), request, task)
            .await
            .map_err(|why| unsent(PREFIX, why))?;
        if !(200..300).contains(&response.status) {
            return Err(error(&response, key));
        }
        Ok(match action {
            "getObject" | "headObject" => {
                let mut result = object_headers(&response);
                if action == "getObject" {
                    result.insert("Body".into(), response.text().into());
                }
                Value::Object(result)
            }
            "putObject" | "deleteObject" => Value::Object(object_headers(&response)),
            "copyObject" => {
                let mut result = xml_members(&response, "CopyObjectResult");
                for (name, value) in object_headers(&response) {
                    result.entry(name).or_insert(value);
                }
                Value::Object(result)
            }
            _ => Value::Object(list_result(&response)),
        })
    }

    /// How S3 requests are signed.
    fn s3_signing<'a>(&'a self, keys: &'a Result<Credentials, String>) -> Signing<'a> {
        Signing {
            s3: true,
            ..self.signing(keys, "s3")
        }
    }

    /// The URL of `key` of `bucket` (the bucket itself without a key).
    fn object_url(&self, bucket: &str, key: Option<&str>, query: &str) -> String {
        let path = key
            .map(|key| key.split('/').map(encode).collect::<Vec<_>>().join("/"))
            .unwrap_or_default();
        let mut url = match self.config.configured_endpoint("S3") {
            Some(configured) => format!("{configured}/{bucket}/{path}"),
            None => {
                let aws = self.config.endpoint("S3", &format!("{bucket}.s3"));
                format!("{aws}/{path}")
            }
        };
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        url
    }
}

fn invalid(action: &str, why: &str) -> TaskError {
    TaskError::new("States.Runtime", format!("s3:{action}: {why}"))
}

/// What S3 says of an object in the headers of its answer.
fn object_headers(response: &Response) -> Map<String, Value> {
    let mut result = Map::new();
    for (header, member) in [
        ("etag", "ETag"),
        ("content-type", "ContentType"),
        ("last-modified", "LastModified"),
        ("accept-ranges", "AcceptRanges"),
        ("x-amz-server-side-encryption", "ServerSideEncryption"),
        ("x-amz-version-id", "VersionId"),
        ("x-amz-delete-marker", "DeleteMarker"),
        ("x-amz-checksum-crc32", "ChecksumCRC32"),
    ] {
        if let Some(value) = response.header(header) {
            result.insert(member.into(), value.into());
        }
    }
    if let Some(length) = response
        .header("content-length")
        .and_then(|n| n.parse::<u64>().ok())
    {
        result.insert("ContentLength".into(), length.into());
    }
    let metadata: Map<String, Value> = response
        .headers
        .iter()
        .filter_map(|(name, value)| {
            let name = name.to_ascii_lowercase();
            let key = name.strip_prefix("x-amz-meta-")?;
            Some((key.to_owned(), Value::String(value.clone())))
        })
        .collect();
    if !metadata.is_empty() || result.contains_key("ETag") {
        result.insert("Metadata".into(), Value::Object(metadata));
    }
    result
}

/// The children of element `name` of an XML answer, as strings.
fn xml_members(response: &Response, name: &str) -> Map<String, Value> {
    let text = response.text();
    let Ok(document) = roxmltree::Document::parse(&text) else {
        return Map::new();
    };
    document
        .descendants()
        .find(|node| node.has_tag_name(name))
        .map(|node| {
            node.children()
                .filter(roxmltree::Node::is_element)
                .map(|child| {
                    (
                        child.tag_name().name().to_owned(),
                        Value::String(child.text().unwrap_or_default().to_owned()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// ListObjectsV2's answer: `Contents` (each object's `Key`, `LastModified`,
/// `ETag`, `Size`, `StorageClass`), `CommonPrefixes`, and the listing's members.
fn list_result(response: &Response) -> Map<String, Value> {
    let text = response.text();
    let mut result = Map::new();
    let Ok(document) = roxmltree::Document::parse(&text) else {
        return result;
    };
    let root = document.root_element();
    let mut contents = Vec::new();
    let mut prefixes = Vec::new();
    for child in root.children().filter(roxmltree::Node::is_element) {
        let name = child.tag_name().name();
        match name {
            "Contents" => {
                let mut object = Map::new();
                for member in child.children().filter(roxmltree::Node::is_element) {
                    let value = member.text().unwrap_or_default();
                    let value = match member.tag_name().name() {
                        "Size" => value.parse::<u64>().map_or(Value::from(value), Value::from),
                        _ => Value::from(value),
                    };
                    object.insert(member.tag_name().name().to_owned(), value);
                }
                contents.push(Value::Object(object));
            }
            "CommonPrefixes" => {
                let prefix = child
                    .children()
                    .find(|node| node.has_tag_name("Prefix"))
                    .and_then(|node| node.text())
                    .unwrap_or_default();
                prefixes.push(serde_json::json!({"Prefix": prefix}));
            }
            _ => {
                let value = child.text().unwrap_or_default();
                let value = match name {
                    "KeyCount" | "MaxKeys" => {
                        value.parse::<u64>().map_or(Value::from(value), Value::from)
                    }
                    "IsTruncated" => Value::Bool(value == "true"),
                    _ => Value::from(value),
                };
                result.insert(name.to_owned(), value);
            }
        }
    }
    if !contents.is_empty() {
        result.insert("Contents".into(), Value::Array(contents));
    }
    if !prefixes.is_empty() {
        result.insert("CommonPrefixes".into(), Value::Array(prefixes));
    }
    result
}

/// An S3 error: `S3.<Code>Exception` (`S3.NoSuchKeyException`), its cause as the
/// Java SDK v2 writes it, with the extended request id. A HEAD answer has no body:
/// its 404 is `NoSuchKey` when a key was asked for.
fn error(response: &Response, key: Option<&str>) -> TaskError {
    let text = response.text();
    let document = roxmltree::Document::parse(&text).ok();
    let find = |name: &str| {
        document.as_ref().and_then(|document| {
            document
                .descendants()
                .find(|node| node.has_tag_name(name))
                .and_then(|node| node.text())
                .map(str::to_owned)
        })
    };
    let code = find("Code").unwrap_or_else(|| match (response.status, key) {
        (404, Some(_)) => "NoSuchKey".to_owned(),
        (status, _) => format!("Http{status}"),
    });
    let message = find("Message").unwrap_or_default();
    let class = if code.ends_with("Exception") {
        code
    } else {
        format!("{code}Exception")
    };
    TaskError::new(
        format!("{PREFIX}.{class}"),
        format!(
            "{message} (Service: S3, Status Code: {}, Request ID: {}, Extended Request ID: {})",
            response.status,
            request_id(response).unwrap_or_default(),
            response.header("x-amz-id-2").unwrap_or_default()
        ),
    )
}

/// The buckets of Distributed Map readers and writers on S3 (or an S3-compatible
/// store): installed with `asl_runtime::storage::install_object_store` when S3 is
/// configured. Its calls block, each within a minute.
#[derive(Debug, Clone)]
pub struct S3Objects {
    aws: Aws,
}

/// How long one object store request may take.
const OBJECT_TIMEOUT: Duration = Duration::from_secs(60);

impl S3Objects {
    /// Buckets reached through `aws`.
    pub fn new(aws: Aws) -> S3Objects {
        S3Objects { aws }
    }

    fn call(&self, method: &'static str, url: String, body: Vec<u8>) -> Result<Response, String> {
        let request = Request {
            method,
            url,
            headers: vec![(
                "x-amz-content-sha256".into(),
                super::http::sha256_hex(&body),
            )],
            body,
        };
        let keys = self.aws.config.credentials.get_blocking();
        let response = send_blocking(
            &self.aws.agent,
            self.aws.s3_signing(&keys),
            request,
            OBJECT_TIMEOUT,
        )
        .map_err(|unsent| unsent_text(&unsent))?;
        if (200..300).contains(&response.status) {
            Ok(response)
        } else {
            let failed = error(&response, None);
            Err(format!(
                "{}: {}",
                failed.error.unwrap_or_default(),
                failed.cause.unwrap_or_default()
            ))
        }
    }
}

fn unsent_text(unsent: &super::http::Unsent) -> String {
    match unsent {
        super::http::Unsent::NoCredentials(why) => format!("no AWS credentials were found: {why}"),
        super::http::Unsent::Failed(why) => why.clone(),
    }
}

impl ObjectStore for S3Objects {
    fn get(&self, bucket: &str, key: &str) -> Result<Vec<u8>, String> {
        let url = self.aws.object_url(bucket, Some(key), "");
        Ok(self.call("GET", url, Vec::new())?.body)
    }

    fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<Value>, String> {
        let mut objects = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query = format!("list-type=2&prefix={}", encode(prefix));
            if let Some(token) = &token {
                query = format!("continuation-token={}&{query}", encode(token));
            }
            let url = self.aws.object_url(bucket, None, &query);
            let listing = list_result(&self.call("GET", url, Vec::new())?);
            if let Some(Value::Array(contents)) = listing.get("Contents") {
                // Items as Distributed Map readers list them: `Etag`, not `ETag`.
                objects.extend(contents.iter().cloned().map(|mut object| {
                    if let Some(members) = object.as_object_mut()
                        && let Some(etag) = members.remove("ETag")
                    {
                        members.insert("Etag".into(), etag);
                    }
                    object
                }));
            }
            token = listing
                .get("NextContinuationToken")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if token.is_none() {
                return Ok(objects);
            }
        }
    }

    fn put(&self, bucket: &str, key: &str, body: Vec<u8>) -> Result<(), String> {
        let url = self.aws.object_url(bucket, Some(key), "");
        self.call("PUT", url, body).map(|_| ())
    }
}
