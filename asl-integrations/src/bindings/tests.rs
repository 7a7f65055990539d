use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use asl_runtime::context::Execution;
use asl_runtime::exec::Run;
use asl_runtime::task::Resource;

const RESOURCE: &str = "arn:aws:lambda:us-east-1:123456789012:function:greet";
/// [`RESOURCE`], as generated code describes it.
static GREET: Resource = Resource::lambda_function(RESOURCE);

fn parse(text: &str) -> Result<Bindings, BindingsError> {
    Bindings::parse(text, Path::new("bindings.toml"))
}

fn parse_error(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

/// Runs Task state `state` (Resource [`RESOURCE`]) through `bindings`.
async fn call(bindings: &Bindings, state: &'static str, input: Value) -> Result<Value, TaskError> {
    let execution = Arc::new(Execution::new(
        "Machine",
        Some("run-1".to_owned()),
        json!({}),
    ));
    let mut run = Run::new(execution);
    run.enter(state);
    bindings
        .call(TaskContext::new(state, &GREET, &run), input)
        .await
}

/// Runs Task state `state` through `bindings` as one attempt limited to
/// `timeout_seconds`, as generated code runs it.
async fn attempt(
    bindings: &Bindings,
    state: &'static str,
    timeout_seconds: u64,
) -> Result<Value, asl_runtime::ExecutionError> {
    let execution = Arc::new(Execution::new("Machine", None, json!({})));
    let mut run = Run::new(execution);
    run.enter(state);
    let attempt = asl_runtime::task::Attempt::new(timeout_seconds, None);
    let task = attempt.context(state, &GREET, &run);
    attempt.run(bindings.call(task, json!({}))).await
}

/// Whether process `pid` has ended (gone, or a zombie waiting to be reaped).
#[cfg(target_os = "linux")]
fn ended(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

/// Bindings with one command, bound to state `Greet`.
fn command(command: &str) -> Bindings {
    parse(&format!("[states.Greet]\ncommand = {command}\n")).unwrap()
}

#[test]
fn a_file_binds_by_state_name_and_by_resource() {
    let bindings = parse(
        r#"
[states.Validate]
command = ["python3", "validate.py"]
env = { LEVEL = "strict" }
dir = "scripts"

[resources."arn:aws:lambda:us-east-1:123456789012:function:charge"]
http = "http://localhost:8080/charge"
headers = { Authorization = "Bearer dev" }
timeout_seconds = 30
"#,
    )
    .unwrap();
    let Some(Binding::Command(validate)) = bindings.find("Validate", "any") else {
        panic!("Validate is bound to a command");
    };
    assert_eq!(validate.dir, Path::new("./scripts"));
    assert_eq!(validate.env["LEVEL"], "strict");
    let charge = "arn:aws:lambda:us-east-1:123456789012:function:charge";
    let Some(Binding::Http(http)) = bindings.find("Charge", charge) else {
        panic!("the charge Resource is bound to an endpoint");
    };
    assert_eq!(http.url, "http://localhost:8080/charge");
    assert_eq!(http.timeout, Some(Duration::from_secs(30)));
    assert!(bindings.find("Other", "arn:other").is_none());
}

#[test]
fn a_state_name_binding_wins_over_a_resource_binding() {
    let bindings = parse(&format!(
        "[states.Greet]\ncommand = \"by-name\"\n[resources.{}]\ncommand = \"by-resource\"\n",
        file::toml_key(RESOURCE)
    ))
    .unwrap();
    let Some(Binding::Command(command)) = bindings.find("Greet", RESOURCE) else {
        panic!("Greet is bound");
    };
    assert_eq!(
        command.line,
        command::CommandLine::Shell("by-name".to_owned())
    );
    let Some(Binding::Command(command)) = bindings.find("Other", RESOURCE) else {
        panic!("the Resource is bound");
    };
    assert_eq!(command.line.to_string(), "by-resource");
}

#[test]
fn relative_dirs_are_taken_from_the_bindings_file() {
    let text = "[states.A]\ncommand = \"true\"\n[states.B]\ncommand = \"true\"\ndir = \"sub\"\n";
    let bindings = Bindings::parse(text, Path::new("/etc/flows/bindings.toml")).unwrap();
    let dir = |state| match bindings.find(state, "") {
        Some(Binding::Command(command)) => command.dir.clone(),
        _ => panic!("{state} is bound to a command"),
    };
    assert_eq!(dir("A"), Path::new("/etc/flows"));
    assert_eq!(dir("B"), Path::new("/etc/flows/sub"));
}

#[test]
fn toml_errors_give_the_line_and_column() {
    let message = parse_error("[states.Greet]\ncommand = [\"a\"\n");
    assert!(
        message.starts_with(
            "invalid bindings file `bindings.toml`: TOML parse error at line 2, column"
        ),
        "{message}"
    );
    let message = parse_error("[states.Greet]\ncomand = \"a\"\n");
    assert!(message.contains("line 2, column 1"), "{message}");
    assert!(message.contains("unknown field `comand`"), "{message}");
    let message = parse_error("[state.Greet]\ncommand = \"a\"\n");
    assert!(message.contains("line 1, column 2"), "{message}");
    assert!(
        message.contains(
            "unknown field `state`, expected one of `states`, `resources`, `connections`"
        ),
        "{message}"
    );
}

#[test]
fn each_binding_has_one_kind_and_only_its_keys() {
    let cases = [
        (
            "command = \"a\"\nhttp = \"http://h/\"",
            "either `command` or `http`, not both",
        ),
        (
            "env = { A = \"1\" }",
            "needs `command = [\"program\", \"arg\"]` or `http = \"http://host/path\"`",
        ),
        (
            "command = \"a\"\nheaders = { A = \"1\" }",
            "`headers` applies to `http` bindings, not to a `command` binding",
        ),
        (
            "command = \"a\"\ntimeout_seconds = 3",
            "`timeout_seconds` applies to `http` bindings",
        ),
        (
            "http = \"http://h/\"\ndir = \"x\"",
            "`dir` applies to `command` bindings, not to an `http` binding",
        ),
        (
            "http = \"ftp://h/\"",
            "`http` must be an http:// or https:// URL, not `ftp://h/`",
        ),
        (
            "http = \"http://h/\"\ntimeout_seconds = 0",
            "`timeout_seconds` must be at least 1",
        ),
        ("command = []", "`command` is empty"),
        ("command = \"  \"", "`command` is empty"),
        (
            "command = 3",
            "a string (run with `sh -c`) or an array of strings (program and arguments)",
        ),
    ];
    for (entry, expected) in cases {
        let message = parse_error(&format!("[states.Greet]\n{entry}\n"));
        assert!(message.contains(expected), "{entry}: {message}");
        assert!(message.contains("line "), "{entry}: {message}");
    }
}

#[test]
fn a_missing_file_is_named() {
    let error = Bindings::load(Path::new("no/such/bindings.toml")).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot read the bindings file `no/such/bindings.toml`: "),
        "{error}"
    );
}

#[test]
fn check_names_every_unbound_task_and_shows_how_to_bind_it() {
    let bindings = parse("[states.Validate]\ncommand = \"true\"\n").unwrap();
    let tasks = [
        (
            "Validate",
            "arn:aws:lambda:us-east-1:123456789012:function:validate",
        ),
        (
            "Charge card",
            "arn:aws:lambda:us-east-1:123456789012:function:charge",
        ),
        ("Ship", "arn:aws:states:::http:invoke"),
    ];
    let unbound = bindings.check(&tasks).unwrap_err();
    assert_eq!(
        unbound.to_string(),
        r#"2 Task states have no binding:
  `Charge card` (Resource `arn:aws:lambda:us-east-1:123456789012:function:charge`)
  `Ship` (Resource `arn:aws:states:::http:invoke`)
bind each one by state name or by Resource in a bindings file (TOML), for example:

    [states."Charge card"]
    command = ["./charge-card"]  # input JSON on stdin, result JSON on stdout

    [resources."arn:aws:lambda:us-east-1:123456789012:function:charge"]
    http = "http://localhost:8080/charge-card"  # input JSON POSTed, response JSON is the result"#
    );
    assert_eq!(bindings.check(&tasks[..1]), Ok(()));
    assert_eq!(Bindings::default().check(&[]), Ok(()));
}

#[tokio::test]
async fn an_unbound_task_fails_with_a_runtime_error_saying_how_to_bind_it() {
    let error = call(&Bindings::default(), "Greet", json!({}))
        .await
        .unwrap_err();
    assert_eq!(error.error.as_deref(), Some("States.Runtime"));
    let cause = error.cause.unwrap();
    assert!(
        cause.starts_with(&format!(
            "Task state `Greet` (Resource `{RESOURCE}`) has no binding\n"
        )),
        "{cause}"
    );
    assert!(cause.contains("[states.Greet]"), "{cause}");
}

#[tokio::test]
async fn a_command_reads_the_input_on_stdin_and_prints_the_result() {
    let bindings = command(r#"["sh", "-c", "cat"]"#);
    let input = json!({"order": {"id": 7, "items": ["a", "b"]}});
    assert_eq!(call(&bindings, "Greet", input.clone()).await, Ok(input));
}

#[tokio::test]
async fn a_string_command_runs_with_sh_and_sees_the_task() {
    let bindings = parse(
        r#"
[states.Greet]
command = "printf '{\"state\": \"%s\", \"resource\": \"%s\", \"retry\": %s, \"level\": \"%s\", \"dir\": \"%s\"}' \"$ASL_STATE_NAME\" \"$ASL_RESOURCE\" \"$ASL_RETRY_COUNT\" \"$LEVEL\" \"$(basename \"$PWD\")\""
env = { LEVEL = "strict" }
dir = "/"
"#,
    )
    .unwrap();
    let result = call(&bindings, "Greet", json!(null)).await.unwrap();
    assert_eq!(
        result,
        json!({"state": "Greet", "resource": RESOURCE, "retry": 0, "level": "strict", "dir": "/"})
    );
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_timed_out_command_is_killed_with_everything_it_started() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("sleep.pid");
    let bindings = command(&format!(
        "\"sleep 60 & echo $! > '{}'; wait\"",
        pid_file.display()
    ));
    let started = std::time::Instant::now();
    let error = attempt(&bindings, "Greet", 1).await.unwrap_err();
    assert_eq!(error, asl_runtime::ExecutionError::timeout());
    assert!(started.elapsed() < Duration::from_secs(10));
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let pid = pid.trim();
    // The kill is immediate; reaping the orphan may take the init process a moment.
    let gone = (0..50).any(|_| {
        thread::sleep(Duration::from_millis(100));
        ended(pid)
    });
    assert!(gone, "the command's child {pid} outlived the Task");
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn what_a_command_that_ended_left_in_the_background_keeps_running() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("sleep.pid");
    let bindings = command(&format!(
        "\"sleep 30 > /dev/null 2>&1 & echo $! > '{}'; echo 1\"",
        pid_file.display()
    ));
    assert_eq!(call(&bindings, "Greet", json!({})).await, Ok(json!(1)));
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let pid = pid.trim();
    // Long enough for the watchdog, were it not killed first, to kill its group.
    thread::sleep(Duration::from_millis(300));
    assert!(
        !ended(pid),
        "the command's background child {pid} was killed"
    );
    let _ = std::process::Command::new("kill").arg(pid).status();
}

#[tokio::test]
async fn a_command_reading_its_input_late_gets_all_of_it() {
    let bindings = command(r#""sleep 0.2; cat""#);
    let input = json!("x".repeat(1 << 20));
    assert_eq!(call(&bindings, "Greet", input.clone()).await, Ok(input));
}

#[tokio::test]
async fn a_command_that_prints_nothing_returns_null() {
    assert_eq!(
        call(&command("\"true\""), "Greet", json!(1)).await,
        Ok(Value::Null)
    );
}

#[tokio::test]
async fn a_failing_command_reports_its_error_and_cause_as_json() {
    let bindings =
        command(r#""echo '{\"error\": \"Declined\", \"cause\": \"card expired\"}'; exit 3""#);
    assert_eq!(
        call(&bindings, "Greet", json!({})).await,
        Err(TaskError::new("Declined", "card expired"))
    );
}

#[tokio::test]
async fn a_failing_command_without_json_fails_the_task_with_its_stderr() {
    let bindings = command(r#""echo partial; echo 'no such order' >&2; exit 1""#);
    assert_eq!(
        call(&bindings, "Greet", json!({})).await,
        Err(TaskError::failed("no such order"))
    );
    let bindings = command(r#""echo 'only stdout'; exit 1""#);
    assert_eq!(
        call(&bindings, "Greet", json!({})).await,
        Err(TaskError::failed("only stdout"))
    );
    let error = call(&command("\"exit 4\""), "Greet", json!({}))
        .await
        .unwrap_err();
    assert_eq!(error.error, None);
    assert_eq!(
        error.cause.as_deref(),
        Some("`exit 4` failed (exit status: 4)")
    );
}

#[tokio::test]
async fn a_command_printing_something_other_than_json_fails_the_task() {
    let error = call(&command("\"echo hello\""), "Greet", json!({}))
        .await
        .unwrap_err();
    assert_eq!(error.error, None);
    assert_eq!(
        error.cause.as_deref(),
        Some(
            "`echo hello` returned a result that is not JSON (expected value at line 1 column 1): hello"
        )
    );
}

#[tokio::test]
async fn a_missing_program_fails_the_task() {
    let error = call(&command(r#"["/no/such/program", "x"]"#), "Greet", json!({}))
        .await
        .unwrap_err();
    assert_eq!(error.error, None);
    let cause = error.cause.unwrap();
    assert!(
        cause.starts_with("cannot run `/no/such/program x` in `.`: "),
        "{cause}"
    );
}

#[tokio::test]
async fn a_command_that_ignores_its_input_still_succeeds() {
    let big = json!("x".repeat(1 << 20));
    assert_eq!(
        call(&command("\"echo 1\""), "Greet", big).await,
        Ok(json!(1))
    );
}

/// A request the test server received.
#[derive(Debug)]
struct Received {
    request_line: String,
    headers: Vec<String>,
    body: String,
}

/// Serves one HTTP request on a local port: answers `status` with `body` after
/// `delay`. Returns the URL and what the request was.
fn serve_once(status: &str, body: &str, delay: Duration) -> (String, thread::JoinHandle<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/task", listener.local_addr().unwrap());
    let (status, body) = (status.to_owned(), body.to_owned());
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let received = read_request(&stream);
        thread::sleep(delay);
        let mut stream = stream;
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        received
    });
    (url, server)
}

fn read_request(stream: &TcpStream) -> Received {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end().to_owned();
        if line.is_empty() {
            break;
        }
        headers.push(line.to_ascii_lowercase());
    }
    let length = headers
        .iter()
        .find_map(|header| header.strip_prefix("content-length: "))
        .map_or(0, |length| length.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    Received {
        request_line: request_line.trim_end().to_owned(),
        headers,
        body: String::from_utf8(body).unwrap(),
    }
}

fn http(url: &str, extra: &str) -> Bindings {
    parse(&format!("[states.Greet]\nhttp = \"{url}\"\n{extra}\n")).unwrap()
}

#[tokio::test]
async fn an_endpoint_gets_the_input_posted_and_answers_the_result() {
    let (url, server) = serve_once("200 OK", r#"{"greeting": "hi"}"#, Duration::ZERO);
    let bindings = http(&url, "headers = { Authorization = \"Bearer dev\" }");
    let result = call(&bindings, "Greet", json!({"name": "Ada"})).await;
    assert_eq!(result, Ok(json!({"greeting": "hi"})));
    let received = server.join().unwrap();
    assert_eq!(received.request_line, "POST /task HTTP/1.1");
    assert_eq!(received.body, r#"{"name":"Ada"}"#);
    for header in [
        "authorization: bearer dev",
        "content-type: application/json",
    ] {
        assert!(
            received.headers.iter().any(|h| h == header),
            "{header}: {received:?}"
        );
    }
}

#[tokio::test]
async fn an_endpoint_error_status_with_an_error_body_fails_with_that_error() {
    let (url, server) = serve_once(
        "500 Internal Server Error",
        r#"{"error": "Declined", "cause": "card expired"}"#,
        Duration::ZERO,
    );
    let result = call(&http(&url, ""), "Greet", json!({})).await;
    assert_eq!(result, Err(TaskError::new("Declined", "card expired")));
    server.join().unwrap();
}

#[tokio::test]
async fn an_endpoint_error_status_is_named_as_aws_names_it() {
    let (url, server) = serve_once("404 Not Found", "no such route", Duration::ZERO);
    let result = call(&http(&url, ""), "Greet", json!({})).await;
    assert_eq!(
        result,
        Err(TaskError::new(
            "States.Http.StatusCode.404",
            "no such route"
        ))
    );
    server.join().unwrap();
    let (url, server) = serve_once("503 Service Unavailable", "", Duration::ZERO);
    let result = call(&http(&url, ""), "Greet", json!({})).await;
    assert_eq!(
        result,
        Err(TaskError::new(
            "States.Http.StatusCode.503",
            format!("POST {url} answered 503")
        ))
    );
    server.join().unwrap();
}

#[tokio::test]
async fn an_endpoint_answering_something_other_than_json_fails_the_task() {
    let (url, server) = serve_once("200 OK", "<html>", Duration::ZERO);
    let error = call(&http(&url, ""), "Greet", json!({})).await.unwrap_err();
    assert_eq!(error.error, None);
    assert_eq!(
        error.cause.unwrap(),
        format!(
            "POST {url} returned a result that is not JSON (expected value at line 1 column 1): <html>"
        )
    );
    server.join().unwrap();
}

#[tokio::test]
async fn an_unreachable_endpoint_fails_the_task() {
    // Bind a port, then free it, so that nothing listens there.
    let url = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/task", listener.local_addr().unwrap())
    };
    let error = call(&http(&url, ""), "Greet", json!({})).await.unwrap_err();
    assert_eq!(error.error, None);
    let cause = error.cause.unwrap();
    assert!(
        cause.starts_with(&format!("POST {url} failed: ")),
        "{cause}"
    );
}

#[tokio::test]
async fn a_slow_endpoint_is_cut_off_by_the_task_timeout() {
    let (url, server) = serve_once("200 OK", "{}", Duration::from_millis(3000));
    let started = std::time::Instant::now();
    let error = attempt(&http(&url, ""), "Greet", 1).await.unwrap_err();
    assert_eq!(error, asl_runtime::ExecutionError::timeout());
    assert!(started.elapsed() < Duration::from_millis(2500));
    server.join().unwrap();
}

#[tokio::test]
async fn a_slow_endpoint_times_out_with_the_socket_error() {
    let (url, server) = serve_once("200 OK", "{}", Duration::from_millis(2500));
    let error = call(&http(&url, "timeout_seconds = 1"), "Greet", json!({}))
        .await
        .unwrap_err();
    assert_eq!(error.error.as_deref(), Some("States.Http.Socket"));
    assert!(
        error
            .cause
            .unwrap()
            .starts_with(&format!("POST {url} timed out"))
    );
    server.join().unwrap();
}
