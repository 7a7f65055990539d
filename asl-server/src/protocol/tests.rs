//! The protocol's edge cases, through the router as a client sees it.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request as HttpRequest, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EchoInput {
    text: String,
    count: Option<i64>,
}

impl Request for EchoInput {
    const MEMBERS: &'static [Member] = &[
        Member::new("text", Kind::string(1, 5)).required(),
        Member::new("count", Kind::integer(0, 10)),
    ];
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EchoOutput {
    text: String,
    count_twice: i64,
}

async fn echo(_state: Arc<()>, input: EchoInput) -> Result<EchoOutput, ApiError> {
    if input.text == "fail" {
        return Err(ApiError::validation_because("no", "WHY"));
    }
    Ok(EchoOutput {
        text: input.text,
        count_twice: input.count.unwrap_or(0) * 2,
    })
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Value,
}

async fn send(target: Option<&str>, body: impl Into<Body>) -> Answer {
    let router = router(Actions::new().add("Echo", echo), Arc::new(()), Auth::None);
    let mut request = HttpRequest::post("/any/path").header("content-type", CONTENT_TYPE);
    if let Some(target) = target {
        request = request.header("x-amz-target", target);
    }
    let response = router
        .oneshot(request.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Answer {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap(),
    }
}

fn error_of(answer: &Answer) -> (&str, &str) {
    (
        answer.body["__type"].as_str().unwrap(),
        answer.body["message"].as_str().unwrap(),
    )
}

#[tokio::test]
async fn an_action_answers_with_its_typed_response_on_any_path() {
    let answer = send(
        Some("AWSStepFunctions.Echo"),
        r#"{"text": "hi", "count": 2}"#,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, json!({"text": "hi", "countTwice": 4}));
    assert_eq!(answer.headers["content-type"], CONTENT_TYPE);
    let id = answer.headers["x-amzn-requestid"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    assert!(answer.headers.get("x-amzn-errortype").is_none());
}

#[tokio::test]
async fn errors_carry_their_code_in_the_body_and_the_header_with_their_members() {
    let answer = send(Some("AWSStepFunctions.Echo"), r#"{"text": "fail"}"#).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.body,
        json!({"__type": "ValidationException", "message": "no", "reason": "WHY"})
    );
    assert_eq!(answer.headers["x-amzn-errortype"], "ValidationException");
    assert!(answer.headers.contains_key("x-amzn-requestid"));
}

#[tokio::test]
async fn a_missing_or_unknown_target_is_an_unknown_operation() {
    for target in [
        None,
        Some("AWSStepFunctions.StartExecution"),
        Some("Other.Echo"),
    ] {
        let answer = send(target, "{}").await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{target:?}");
        assert_eq!(error_of(&answer).0, "UnknownOperationException");
    }
}

#[tokio::test]
async fn bodies_that_are_not_json_objects_are_serialization_errors() {
    for body in ["", "{", "[1]", "\"text\"", "null", "{\"text\": \"a\"} x"] {
        let answer = send(Some("AWSStepFunctions.Echo"), body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_of(&answer).0, "SerializationException", "{body}");
    }
}

#[tokio::test]
async fn members_are_checked_before_the_handler_runs() {
    let answer = send(Some("AWSStepFunctions.Echo"), r#"{"text": 3}"#).await;
    assert_eq!(error_of(&answer).0, "SerializationException");
    let answer = send(Some("AWSStepFunctions.Echo"), r#"{"count": 11}"#).await;
    assert_eq!(
        error_of(&answer),
        (
            "ValidationException",
            "2 validation errors detected: Value null at 'text' failed to satisfy constraint: Member must not be null; \
             Value '11' at 'count' failed to satisfy constraint: Member must have value less than or equal to 10"
        )
    );
    let answer = send(Some("AWSStepFunctions.Echo"), r#"{"text": "toolong"}"#).await;
    assert_eq!(error_of(&answer).0, "ValidationException");
}

#[tokio::test]
async fn unknown_and_null_members_are_ignored() {
    let answer = send(
        Some("AWSStepFunctions.Echo"),
        r#"{"text": "a", "count": null, "newMember": [1]}"#,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_without_being_read_whole() {
    let body = format!(r#"{{"text": "{}"}}"#, "a".repeat(MAX_BODY));
    let answer = send(Some("AWSStepFunctions.Echo"), body).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_of(&answer).0, "ValidationException");
}

/// Signs a request to the echo router for `us-east-1` with `key`/`secret`, dated
/// now: SigV4 as botocore does it.
fn signed_request(key: &str, secret: &str, body: &str) -> HttpRequest<Body> {
    let date = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let mut headers = axum::http::HeaderMap::new();
    for (name, value) in [
        ("content-type", CONTENT_TYPE),
        ("host", "localhost:8083"),
        ("x-amz-date", date.as_str()),
        ("x-amz-target", "AWSStepFunctions.Echo"),
    ] {
        headers.insert(name, value.parse().unwrap());
    }
    let names: Vec<String> = ["content-type", "host", "x-amz-date", "x-amz-target"]
        .map(str::to_owned)
        .to_vec();
    let payload = sigv4::tests_support::sha256_hex(body.as_bytes());
    let canonical = sigv4::canonical_request(
        &axum::http::Method::POST,
        &"/".parse().unwrap(),
        &headers,
        &names,
        &payload,
    );
    let scope = format!("{}/us-east-1/states/aws4_request", &date[..8]);
    let to_sign = sigv4::string_to_sign(&date, &scope, &canonical);
    let key_bytes = sigv4::signing_key(secret, &date[..8], "us-east-1", "states");
    let signature = sigv4::tests_support::sign(&key_bytes, &to_sign);
    let mut request = HttpRequest::post("/");
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    request
        .header(
            "authorization",
            format!(
                "AWS4-HMAC-SHA256 Credential={key}/{scope}, SignedHeaders={}, Signature={signature}",
                names.join(";")
            ),
        )
        .body(Body::from(body.to_owned()))
        .unwrap()
}

async fn send_signed(request: HttpRequest<Body>) -> Answer {
    let auth = Auth::SigV4(SigV4::new(
        Credentials::new().with_key("good", "secret", None),
        "us-east-1",
    ));
    let router = router(Actions::new().add("Echo", echo), Arc::new(()), auth);
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Answer {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap(),
    }
}

#[tokio::test]
async fn with_sigv4_a_signed_request_is_answered_and_others_are_refused_first() {
    let answer = send_signed(signed_request("good", "secret", r#"{"text": "hi"}"#)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["text"], "hi");

    // Refused before the action is looked at: an unknown action, a bad body.
    let unsigned = HttpRequest::post("/")
        .header("x-amz-target", "AWSStepFunctions.Nothing")
        .body(Body::from("{"))
        .unwrap();
    let answer = send_signed(unsigned).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        error_of(&answer),
        (
            "MissingAuthenticationTokenException",
            "Request is missing Authentication Token"
        )
    );
    assert_eq!(
        answer.headers["x-amzn-errortype"],
        "MissingAuthenticationTokenException"
    );

    let answer = send_signed(signed_request("good", "wrong", r#"{"text": "hi"}"#)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_of(&answer).0, "InvalidSignatureException");
    let answer = send_signed(signed_request("other", "secret", r#"{"text": "hi"}"#)).await;
    assert_eq!(
        error_of(&answer),
        (
            "UnrecognizedClientException",
            "The security token included in the request is invalid."
        )
    );

    // The body is signed: another body under the same signature is refused.
    let request = signed_request("good", "secret", r#"{"text": "hi"}"#);
    let (parts, _) = request.into_parts();
    let tampered = HttpRequest::from_parts(parts, Body::from(r#"{"text": "yo"}"#));
    let answer = send_signed(tampered).await;
    assert_eq!(error_of(&answer).0, "InvalidSignatureException");
}

#[test]
fn every_error_code_is_found_by_its_name() {
    for code in ErrorCode::ALL {
        assert_eq!(ErrorCode::named(code.as_str()), Some(*code));
    }
    assert_eq!(
        ErrorCode::named("UnrecognizedClientException"),
        Some(ErrorCode::UnrecognizedClientException)
    );
    assert_eq!(ErrorCode::named("NoSuchCode"), None);
}
