//! The verifier against AWS's own Signature Version 4 test suite (the vectors of
//! awslabs/aws-c-auth `tests/aws-signing-test-suite/v4`), and every way a request
//! can be refused.

use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};

use super::*;

/// The test suite's key, secret, region and time (2015-08-30T12:36:00Z).
const SUITE_KEY: &str = "AKIDEXAMPLE";
const SUITE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SUITE_DATE: &str = "20150830T123600Z";
const SUITE_TIME: u64 = 1_440_938_160;

fn at(seconds: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

/// The suite's verifier: its key, `us-east-1`, service `service`.
fn suite_verifier(token: Option<&str>) -> SigV4 {
    let mut verifier = SigV4::new(
        Credentials::new().with_key(SUITE_KEY, SUITE_SECRET, token.map(str::to_owned)),
        "us-east-1",
    );
    verifier.service = "service".to_owned();
    verifier
}

fn verify(
    verifier: &SigV4,
    method: &Method,
    uri: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<Verified, ApiError> {
    let uri: Uri = uri.parse().unwrap();
    verifier.check(method, &uri, headers, now)?.verify(body)
}

fn refused(result: Result<Verified, ApiError>) -> (ErrorCode, String) {
    let error = result.expect_err("the request is refused");
    (error.code(), error.message().to_owned())
}

// post-x-www-form-urlencoded: a body, signed with x-amz-content-sha256.
const FORM_BODY: &[u8] = b"Param1=value1";
const FORM_HASH: &str = "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e";
const FORM_SIGNATURE: &str = "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b";

fn form_headers() -> HeaderMap {
    headers(&[
        ("content-type", "application/x-www-form-urlencoded"),
        ("host", "example.amazonaws.com"),
        ("content-length", "13"),
        ("x-amz-date", SUITE_DATE),
        ("x-amz-content-sha256", FORM_HASH),
        (
            "authorization",
            &format!(
                "AWS4-HMAC-SHA256 Credential={SUITE_KEY}/20150830/us-east-1/service/aws4_request, \
                 SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, \
                 Signature={FORM_SIGNATURE}"
            ),
        ),
    ])
}

#[test]
fn the_suites_canonical_request_string_to_sign_and_signature() {
    let signed: Vec<String> = "content-length;content-type;host;x-amz-content-sha256;x-amz-date"
        .split(';')
        .map(str::to_owned)
        .collect();
    let canonical = canonical_request(
        &Method::POST,
        &"/".parse().unwrap(),
        &form_headers(),
        &signed,
        FORM_HASH,
    );
    // header-canonical-request.txt
    assert_eq!(
        canonical,
        "POST\n/\n\ncontent-length:13\ncontent-type:application/x-www-form-urlencoded\n\
         host:example.amazonaws.com\nx-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e\n\
         x-amz-date:20150830T123600Z\n\n\
         content-length;content-type;host;x-amz-content-sha256;x-amz-date\n\
         9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"
    );
    let to_sign = string_to_sign(
        SUITE_DATE,
        "20150830/us-east-1/service/aws4_request",
        &canonical,
    );
    // header-string-to-sign.txt
    assert_eq!(
        to_sign,
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\
         b1edd1d03544c25390e32085d55b57acc9a3961bb59415ff86c45c3d89d16cfb"
    );
    let key = signing_key(SUITE_SECRET, "20150830", "us-east-1", "service");
    // header-signature.txt
    assert_eq!(hex(&mac(&key, to_sign.as_bytes())), FORM_SIGNATURE);
}

#[test]
fn the_suites_signed_requests_are_verified() {
    let now = at(SUITE_TIME);
    let verified = verify(
        &suite_verifier(None),
        &Method::POST,
        "/",
        &form_headers(),
        FORM_BODY,
        now,
    )
    .unwrap();
    assert_eq!(verified.access_key_id, SUITE_KEY);

    // post-vanilla: no body, only host and x-amz-date signed.
    let vanilla = headers(&[
        ("host", "example.amazonaws.com"),
        ("x-amz-date", SUITE_DATE),
        (
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
        ),
    ]);
    verify(
        &suite_verifier(None),
        &Method::POST,
        "/",
        &vanilla,
        b"",
        now,
    )
    .unwrap();

    // get-vanilla-with-session-token: temporary credentials.
    let token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
    let with_token = headers(&[
        ("host", "example.amazonaws.com"),
        ("x-amz-security-token", token),
        ("x-amz-date", SUITE_DATE),
        (
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date;x-amz-security-token, \
             Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8",
        ),
    ]);
    let verifier = suite_verifier(Some(token));
    verify(&verifier, &Method::GET, "/", &with_token, b"", now).unwrap();
    // The token must be the key's: another, or none, is refused.
    let (code, message) = refused(verify(
        &suite_verifier(Some("another")),
        &Method::GET,
        "/",
        &with_token,
        b"",
        now,
    ));
    assert_eq!(code, ErrorCode::UnrecognizedClientException);
    assert_eq!(
        message,
        "The security token included in the request is invalid"
    );
    let (code, _) = refused(verify(
        &suite_verifier(None),
        &Method::GET,
        "/",
        &with_token,
        b"",
        now,
    ));
    assert_eq!(code, ErrorCode::UnrecognizedClientException);
}

#[test]
fn paths_and_queries_are_canonical_as_the_suite_says() {
    assert_eq!(canonical_uri("/"), "/");
    assert_eq!(canonical_uri(""), "/");
    // get-space, get-slashes, get-relative-relative, get-unreserved.
    assert_eq!(canonical_uri("/example space/"), "/example%20space/");
    assert_eq!(canonical_uri("//example//"), "/example/");
    assert_eq!(canonical_uri("/example1/example2/../.."), "/");
    assert_eq!(canonical_uri("/-._~AZaz09"), "/-._~AZaz09");
    // A path as sent (already encoded) is encoded again, as botocore signs it.
    assert_eq!(canonical_uri("/a%20b"), "/a%2520b");
    // get-vanilla-query-order-key-case, get-vanilla-query-order-value,
    // get-vanilla-query-unreserved.
    assert_eq!(
        canonical_query("Param2=value2&Param1=value1"),
        "Param1=value1&Param2=value2"
    );
    assert_eq!(
        canonical_query("Param1=value2&Param1=Value1"),
        "Param1=Value1&Param1=value2"
    );
    assert_eq!(canonical_query("a%20b=c d&e"), "a%20b=c%20d&e=");
    assert_eq!(canonical_query(""), "");
}

/// Signs `body` for the server's service as a client would: `POST /` with the
/// headers botocore signs.
fn signed(key: &str, secret: &str, region: &str, date: &str, body: &[u8]) -> HeaderMap {
    let mut map = headers(&[
        ("host", "127.0.0.1:8083"),
        ("content-type", "application/x-amz-json-1.0"),
        ("x-amz-date", date),
        ("x-amz-target", "AWSStepFunctions.ListStateMachines"),
    ]);
    let names: Vec<String> = ["content-type", "host", "x-amz-date", "x-amz-target"]
        .map(str::to_owned)
        .to_vec();
    let payload = hex(&Sha256::digest(body));
    let canonical = canonical_request(&Method::POST, &"/".parse().unwrap(), &map, &names, &payload);
    let day = &date[..8];
    let scope = format!("{day}/{region}/{SERVICE}/aws4_request");
    let to_sign = string_to_sign(date, &scope, &canonical);
    let signature = hex(&mac(
        &signing_key(secret, day, region, SERVICE),
        to_sign.as_bytes(),
    ));
    map.insert(
        "authorization",
        HeaderValue::from_str(&format!(
            "AWS4-HMAC-SHA256 Credential={key}/{scope}, SignedHeaders={}, Signature={signature}",
            names.join(";")
        ))
        .unwrap(),
    );
    map
}

/// 2026-12-06T16:34:38Z.
const NOW: u64 = 1_796_574_878;
const DATE: &str = "20261206T163438Z";
const BODY: &[u8] = b"{}";

fn server() -> SigV4 {
    SigV4::new(
        Credentials::new().with_key("good", "secret", None),
        "us-east-1",
    )
}

fn answer(headers: &HeaderMap, body: &[u8]) -> Result<Verified, ApiError> {
    verify(&server(), &Method::POST, "/", headers, body, at(NOW))
}

#[test]
fn a_request_signed_with_a_known_key_passes() {
    assert_eq!(basic(DateTime::<Utc>::from(at(NOW))), DATE);
    let verified = answer(&signed("good", "secret", "us-east-1", DATE, BODY), BODY).unwrap();
    assert_eq!(verified.access_key_id, "good");
}

const MISMATCH: &str = "The request signature we calculated does not match the signature you \
                        provided. Check your AWS Secret Access Key and signing method. Consult \
                        the service documentation for details.";

#[test]
fn a_tampered_body_header_or_date_does_not_match() {
    let good = signed("good", "secret", "us-east-1", DATE, BODY);
    let (code, message) = refused(answer(&good, b"{\"maxResults\": 1}"));
    assert_eq!(code, ErrorCode::InvalidSignatureException);
    assert!(message.starts_with(MISMATCH), "{message}");
    assert!(
        message
            .contains("\n\nThe Canonical String for this request should have been\n'POST\n/\n\n"),
        "{message}"
    );

    let mut other_action = good.clone();
    other_action.insert(
        "x-amz-target",
        HeaderValue::from_static("AWSStepFunctions.DeleteStateMachine"),
    );
    let (code, message) = refused(answer(&other_action, BODY));
    assert_eq!(code, ErrorCode::InvalidSignatureException);
    assert!(message.starts_with(MISMATCH), "{message}");

    let mut later = good.clone();
    later.insert("x-amz-date", HeaderValue::from_static("20261206T163439Z"));
    let (code, message) = refused(answer(&later, BODY));
    assert_eq!(code, ErrorCode::InvalidSignatureException);
    assert!(message.starts_with(MISMATCH), "{message}");

    // An unsigned header may change; a signed one may not be dropped.
    let mut extra = good.clone();
    extra.insert("user-agent", HeaderValue::from_static("curl"));
    answer(&extra, BODY).unwrap();
    let mut dropped = good;
    dropped.remove("content-type");
    assert_eq!(
        refused(answer(&dropped, BODY)).0,
        ErrorCode::InvalidSignatureException
    );
}

#[test]
fn a_wrong_secret_or_an_unknown_key_is_refused() {
    let (code, message) = refused(answer(
        &signed("good", "wrong", "us-east-1", DATE, BODY),
        BODY,
    ));
    assert_eq!(code, ErrorCode::InvalidSignatureException);
    assert!(message.starts_with(MISMATCH), "{message}");

    let (code, message) = refused(answer(
        &signed("nobody", "secret", "us-east-1", DATE, BODY),
        BODY,
    ));
    assert_eq!(code, ErrorCode::UnrecognizedClientException);
    assert_eq!(
        message,
        "The security token included in the request is invalid."
    );
}

#[test]
fn a_date_more_than_five_minutes_off_has_expired_or_is_not_yet_current() {
    let old = "20261206T162938Z"; // 5 minutes before NOW: still good
    answer(&signed("good", "secret", "us-east-1", old, BODY), BODY).unwrap();
    let (code, message) = refused(answer(
        &signed("good", "secret", "us-east-1", "20261206T162937Z", BODY),
        BODY,
    ));
    assert_eq!(code, ErrorCode::InvalidSignatureException);
    assert_eq!(
        message,
        "Signature expired: 20261206T162937Z is now earlier than 20261206T162938Z (20261206T163438Z - 5 min.)"
    );
    let (code, message) = refused(answer(
        &signed("good", "secret", "us-east-1", "20261206T163939Z", BODY),
        BODY,
    ));
    assert_eq!(code, ErrorCode::InvalidSignatureException);
    assert_eq!(
        message,
        "Signature not yet current: 20261206T163939Z is still later than 20261206T163938Z (20261206T163438Z + 5 min.)"
    );
    let mut garbled = signed("good", "secret", "us-east-1", DATE, BODY);
    garbled.insert("x-amz-date", HeaderValue::from_static("2026-12-06"));
    let (code, message) = refused(answer(&garbled, BODY));
    assert_eq!(code, ErrorCode::IncompleteSignatureException);
    assert_eq!(
        message,
        "Date must be in ISO-8601 'basic format'. Got '2026-12-06'. See http://en.wikipedia.org/wiki/ISO_8601"
    );
}

#[test]
fn a_scope_of_another_region_service_or_day_is_refused() {
    let (code, message) = refused(answer(
        &signed("good", "secret", "us-west-2", DATE, BODY),
        BODY,
    ));
    assert_eq!(code, ErrorCode::InvalidSignatureException);
    assert_eq!(
        message,
        "Credential should be scoped to a valid region, not 'us-west-2'."
    );

    let mut other = signed("good", "secret", "us-east-1", DATE, BODY);
    let authorization = other["authorization"].to_str().unwrap().replace(
        "good/20261206/us-east-1/states/aws4_request",
        "good/20261205/eu-west-1/lambda/aws5_request",
    );
    other.insert(
        "authorization",
        HeaderValue::from_str(&authorization).unwrap(),
    );
    let (code, message) = refused(answer(&other, BODY));
    assert_eq!(code, ErrorCode::InvalidSignatureException);
    assert_eq!(
        message,
        "Credential should be scoped to a valid region, not 'eu-west-1'. \
         Credential should be scoped to correct service: 'states'. \
         Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. \
         Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: \
         '20261205' != '20261206', from '20261206T163438Z'."
    );
}

fn with_authorization(value: &str) -> HeaderMap {
    let mut map = signed("good", "secret", "us-east-1", DATE, BODY);
    map.insert("authorization", HeaderValue::from_str(value).unwrap());
    map
}

#[test]
fn no_or_a_malformed_authorization_is_refused() {
    let mut none = signed("good", "secret", "us-east-1", DATE, BODY);
    none.remove("authorization");
    assert_eq!(
        refused(answer(&none, BODY)),
        (
            ErrorCode::MissingAuthenticationTokenException,
            "Request is missing Authentication Token".to_owned()
        )
    );
    let (code, _) = refused(answer(&with_authorization("Bearer abc"), BODY));
    assert_eq!(code, ErrorCode::MissingAuthenticationTokenException);

    let header = "AWS4-HMAC-SHA256 Credential=good/20261206/us-east-1/states/aws4_request";
    assert_eq!(
        refused(answer(&with_authorization(header), BODY)),
        (
            ErrorCode::IncompleteSignatureException,
            format!(
                "Authorization header requires 'Signature' parameter. Authorization header \
                 requires 'SignedHeaders' parameter. Authorization={header}"
            )
        )
    );

    let header = "AWS4-HMAC-SHA256 Credential= good/20261206/us-east-1/states/aws4_request, \
                  SignedHeaders=host, Signature=00";
    let (code, message) = refused(answer(&with_authorization(header), BODY));
    assert_eq!(code, ErrorCode::IncompleteSignatureException);
    assert_eq!(
        message,
        format!(
            "'good/20261206/us-east-1/states/aws4_request' not a valid key=value pair \
             (missing equal-sign) in Authorization header: '{header}'."
        )
    );

    let mut undated = signed("good", "secret", "us-east-1", DATE, BODY);
    undated.remove("x-amz-date");
    let (code, message) = refused(answer(&undated, BODY));
    assert_eq!(code, ErrorCode::IncompleteSignatureException);
    assert!(
        message.starts_with(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 "
        ),
        "{message}"
    );

    let header = "AWS4-HMAC-SHA1 Credential=good/20261206/us-east-1/states/aws4_request, \
                  SignedHeaders=host, Signature=00";
    assert_eq!(
        refused(answer(&with_authorization(header), BODY)),
        (
            ErrorCode::IncompleteSignatureException,
            "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). "
                .to_owned()
        )
    );

    let header = "AWS4-HMAC-SHA256 Credential=good/20261206/us-east-1/states, \
                  SignedHeaders=host, Signature=00";
    assert_eq!(
        refused(answer(&with_authorization(header), BODY)),
        (
            ErrorCode::IncompleteSignatureException,
            "Credential must have exactly 5 slash-delimited elements, e.g. \
             keyid/date/region/service/term, got 'good/20261206/us-east-1/states'"
                .to_owned()
        )
    );

    let header = "AWS4-HMAC-SHA256 Credential=good/20261206/us-east-1/states/aws4_request, \
                  SignedHeaders=content-type;x-amz-date, Signature=00";
    assert_eq!(
        refused(answer(&with_authorization(header), BODY)),
        (
            ErrorCode::InvalidSignatureException,
            "'Host' must be a 'SignedHeader' in the AWS Authorization.".to_owned()
        )
    );

    let header = "AWS4-HMAC-SHA256 Credential=good/20261206/us-east-1/states/aws4_request, \
                  SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=not-hex!";
    let (code, message) = refused(answer(&with_authorization(header), BODY));
    assert_eq!(code, ErrorCode::InvalidSignatureException);
    assert!(message.starts_with(MISMATCH), "{message}");
}

#[test]
fn a_content_hash_other_than_the_bodys_is_refused() {
    let mut claimed = signed("good", "secret", "us-east-1", DATE, BODY);
    claimed.insert(
        "x-amz-content-sha256",
        HeaderValue::from_static("UNSIGNED-PAYLOAD"),
    );
    assert_eq!(
        refused(answer(&claimed, BODY)),
        (
            ErrorCode::InvalidSignatureException,
            "The provided 'x-amz-content-sha256' header does not match what was computed."
                .to_owned()
        )
    );
}

#[test]
fn a_presigned_request_is_not_taken() {
    let good = signed("good", "secret", "us-east-1", DATE, BODY);
    let uri: Uri = "/?X-Amz-Algorithm=AWS4-HMAC-SHA256".parse().unwrap();
    let error = server()
        .check(&Method::POST, &uri, &good, at(NOW))
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidSignatureException);
    assert_eq!(
        error.message(),
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
    );
    let mut unsigned = good;
    unsigned.remove("authorization");
    let error = server()
        .check(&Method::POST, &uri, &unsigned, at(NOW))
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::MissingAuthenticationTokenException);
}

#[test]
fn a_date_header_stands_for_a_missing_x_amz_date() {
    let mut map = headers(&[
        ("host", "127.0.0.1:8083"),
        ("date", "Sun, 06 Dec 2026 16:34:38 GMT"),
    ]);
    let names = vec!["date".to_owned(), "host".to_owned()];
    let payload = hex(&Sha256::digest(BODY));
    let canonical = canonical_request(&Method::POST, &"/".parse().unwrap(), &map, &names, &payload);
    let to_sign = string_to_sign(DATE, "20261206/us-east-1/states/aws4_request", &canonical);
    let signature = hex(&mac(
        &signing_key("secret", "20261206", "us-east-1", SERVICE),
        to_sign.as_bytes(),
    ));
    map.insert(
        "authorization",
        HeaderValue::from_str(&format!(
            "AWS4-HMAC-SHA256 Credential=good/20261206/us-east-1/states/aws4_request, \
             SignedHeaders=date;host, Signature={signature}"
        ))
        .unwrap(),
    );
    answer(&map, BODY).unwrap();
}

#[test]
fn credentials_come_from_an_aws_credentials_file_and_the_environment() {
    let file = "\
# keys of the server
[default]
aws_access_key_id = AKIDEXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY

[profile ci]
AWS_ACCESS_KEY_ID=ci
aws_secret_access_key=ci-secret
aws_session_token = token==
s3 =
    max_concurrent_requests = 10

[sso]
sso_start_url = https://example.com/start
";
    let keys = Credentials::parse(file, "credentials").unwrap();
    assert_eq!(keys.key_ids().collect::<Vec<_>>(), ["AKIDEXAMPLE", "ci"]);
    assert_eq!(
        keys.get("ci").unwrap().session_token.as_deref(),
        Some("token==")
    );
    assert!(!format!("{keys:?}").contains("secret"), "{keys:?}");

    let error = Credentials::parse("[a]\naws_access_key_id = x\n", "f").unwrap_err();
    assert_eq!(
        error.to_string(),
        "f:1: profile [a] has aws_access_key_id but no aws_secret_access_key"
    );
    let error = Credentials::parse("key = value\n", "f").unwrap_err();
    assert_eq!(
        error.to_string(),
        "f:1: an option before the first `[profile]`"
    );
    let error = Credentials::parse("[a\n", "f").unwrap_err();
    assert_eq!(error.to_string(), "f:1: `[a` does not end with `]`");
    let error = Credentials::parse("[sso]\nsso_region = x\n", "f").unwrap_err();
    assert_eq!(
        error.to_string(),
        "f: no profile has both aws_access_key_id and aws_secret_access_key"
    );
    let error = Credentials::parse(
        "[a]\naws_access_key_id=k\naws_secret_access_key=1\n[b]\naws_access_key_id=k\naws_secret_access_key=2\n",
        "f",
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "access key k is given two different secrets (f and f [b])"
    );

    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    };
    assert!(Credentials::from_vars(env(&[])).unwrap().is_empty());
    let keys = Credentials::from_vars(env(&[
        ("AWS_ACCESS_KEY_ID", "env"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
        ("AWS_SESSION_TOKEN", "t"),
    ]))
    .unwrap();
    assert_eq!(keys.get("env").unwrap().session_token.as_deref(), Some("t"));
    let error = Credentials::from_vars(env(&[("AWS_ACCESS_KEY_ID", "env")])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY"
    );
    let merged = Credentials::parse(file, "credentials")
        .unwrap()
        .merge(keys, "credentials", "the environment")
        .unwrap();
    assert_eq!(merged.len(), 3);
}
