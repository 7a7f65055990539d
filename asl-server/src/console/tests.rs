//! The console's routes through the server's router, as a browser reaches them.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

use crate::protocol::{CONTENT_TYPE, Credentials};
use crate::{Config, Server};

/// The router of a server on a fresh data directory, signed requests required
/// when `sigv4`.
fn router(sigv4: bool) -> (axum::Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::from_env(dir.path()).unwrap();
    if sigv4 {
        config = config.with_sigv4(Credentials::new().with_key("AKIDEXAMPLE", "secret", None));
    }
    (Server::open(config).unwrap().into_router(), dir)
}

async fn answer(router: axum::Router, request: Request<Body>) -> (StatusCode, String, String) {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, kind, String::from_utf8(body.to_vec()).unwrap())
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_by_the_binary() {
    let (router, _dir) = router(false);
    let (status, kind, body) = answer(router.clone(), get("/")).await;
    assert_eq!(
        (status, kind.as_str()),
        (StatusCode::OK, "text/html; charset=utf-8")
    );
    assert!(body.contains(r#"<script src="/console/console.js" defer></script>"#));
    assert!(!body.contains("http"), "no asset from elsewhere: {body}");
    let (status, kind, _) = answer(router.clone(), get("/console/console.js")).await;
    assert_eq!(
        (status, kind.as_str()),
        (StatusCode::OK, "text/javascript; charset=utf-8")
    );
    let (status, kind, _) = answer(router, get("/console/console.css")).await;
    assert_eq!(
        (status, kind.as_str()),
        (StatusCode::OK, "text/css; charset=utf-8")
    );
}

#[tokio::test]
async fn the_api_still_answers_on_the_same_path() {
    let (router, _dir) = router(false);
    let request = Request::post("/")
        .header(header::CONTENT_TYPE, CONTENT_TYPE)
        .header("x-amz-target", "AWSStepFunctions.ListStateMachines")
        .body(Body::from("{}"))
        .unwrap();
    let (status, _, body) = answer(router, request).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, r#"{"stateMachines":[]}"#)
    );
}

#[tokio::test]
async fn a_definition_is_drawn_with_its_names_escaped() {
    let (router, _dir) = router(false);
    let definition = r#"{"StartAt": "<img src=x onerror=alert(1)>",
        "States": {"<img src=x onerror=alert(1)>": {"Type": "Pass", "End": true}}}"#;
    let request = Request::post("/console/graph?name=%3Cb%3E&type=STANDARD")
        .body(Body::from(definition))
        .unwrap();
    let (status, kind, svg) = answer(router.clone(), request).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/svg+xml"));
    assert!(
        svg.contains(r#"data-state="&lt;img src=x onerror=alert(1)&gt;""#),
        "{svg}"
    );
    assert!(!svg.contains("<img") && !svg.contains("<b>"), "{svg}");

    let request = Request::post("/console/graph")
        .body(Body::from(r#"{"StartAt": "Missing", "States": {}}"#))
        .unwrap();
    let (status, _, why) = answer(router, request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(why.contains("SCHEMA_VALIDATION_FAILED"), "{why}");
}

#[tokio::test]
async fn an_unknown_execution_has_no_events_and_no_callbacks() {
    let (router, _dir) = router(false);
    let arn = "arn:aws:states:us-east-1:123456789012:execution:m:none";
    for route in ["events", "callbacks"] {
        let (status, _, _) = answer(
            router.clone(),
            get(&format!("/console/{route}?executionArn={arn}")),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{route}");
    }
}

#[tokio::test]
async fn under_sigv4_the_console_is_not_served_and_the_api_wants_signatures() {
    let (router, _dir) = router(true);
    let (status, _, body) = answer(router.clone(), get("/")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("--auth sigv4"), "{body}");
    let (status, _, body) = answer(router, get("/console/callbacks?executionArn=x")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("MissingAuthenticationToken"), "{body}");
}
