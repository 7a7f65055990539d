//! A load generator for `asl serve`: starts the server given (a release build of
//! `asl`) on a fresh data directory and measures, over keep-alive HTTP from this
//! process on the same machine:
//!
//! 1. `CreateStateMachine` of a new 20-state EXPRESS definition until its first
//!    `StartSyncExecution` answers (a compile), and the same once that definition
//!    was compiled before (the machine deleted and created again);
//! 2. `StartSyncExecution` of a 5-state EXPRESS machine: executions/s and p50/p99
//!    latency;
//! 3. `StartExecution` of a 5-state STANDARD machine (SQLite, synchronous FULL):
//!    starts/s and p50/p99 latency.
//!
//! `cargo run --release -p asl-benches --example api_load -- ASL_BINARY [N] [CONNECTIONS]`
//! (defaults: 20000 requests of each kind over 16 connections). Set `ASL_CACHE_DIR`
//! to reuse compiled runtimes.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ROLE: &str = "arn:aws:iam::123456789012:role/service-role/asl-bench";

/// The server under test, killed when dropped.
struct Server {
    child: Child,
    endpoint: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(binary: &str, data_dir: &std::path::Path) -> Server {
    let mut child = Command::new(binary)
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        // One log line per request would measure the terminal.
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .expect("asl serve starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
    let mut first = String::new();
    stderr
        .read_line(&mut first)
        .expect("asl serve prints where it listens");
    let endpoint = first
        .split_once("listening on ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("asl serve did not start: {first}"))
        .to_owned();
    std::thread::spawn(move || for _ in stderr.lines() {});
    Server { child, endpoint }
}

/// One API call; its answer, or the error's body.
fn call(agent: &ureq::Agent, endpoint: &str, action: &str, body: &Value) -> Result<Value, String> {
    let response = agent
        .post(endpoint)
        .header("X-Amz-Target", format!("AWSStepFunctions.{action}"))
        .header("Content-Type", "application/x-amz-json-1.0")
        .send(body.to_string())
        .map_err(|error| error.to_string())?;
    let status = response.status();
    let text = response
        .into_body()
        .read_to_string()
        .map_err(|error| error.to_string())?;
    if status.is_success() {
        serde_json::from_str(&text).map_err(|error| error.to_string())
    } else {
        Err(text)
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// A chain of `n` Pass states, the first holding `mark`.
fn chain(n: usize, mark: u64) -> String {
    let mut states = serde_json::Map::new();
    for i in 0..n {
        let mut state = json!({"Type": "Pass", "ResultPath": format!("$.s{i}")});
        state["Result"] = if i == 0 { json!(mark) } else { json!(i) };
        if i + 1 == n {
            state["End"] = json!(true);
        } else {
            state["Next"] = json!(format!("S{}", i + 1));
        }
        states.insert(format!("S{i}"), state);
    }
    json!({"StartAt": "S0", "States": states}).to_string()
}

fn create(agent: &ureq::Agent, endpoint: &str, name: &str, definition: &str, kind: &str) -> String {
    let created = call(
        agent,
        endpoint,
        "CreateStateMachine",
        &json!({"name": name, "definition": definition, "roleArn": ROLE, "type": kind}),
    )
    .expect("CreateStateMachine answers");
    created["stateMachineArn"]
        .as_str()
        .expect("an ARN")
        .to_owned()
}

/// Runs `total` calls of `action` on `machine` over `connections` keep-alive
/// connections, all driven by this one thread (hyper's client on a current-thread
/// runtime), so that the load generator takes as little of the machine as it can;
/// prints calls/s and p50/p99 latency.
fn load(endpoint: &str, action: &str, machine: &str, total: usize, connections: usize) {
    let address = endpoint.trim_start_matches("http://").to_owned();
    let body = json!({"stateMachineArn": machine, "input": "{\"n\":1}"}).to_string();
    let next = AtomicUsize::new(0);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let started = Instant::now();
    let mut latencies: Vec<Duration> = runtime.block_on(async {
        let connections =
            (0..connections).map(|_| connection(&address, action, &body, &next, total));
        futures::future::join_all(connections)
            .await
            .into_iter()
            .flatten()
            .collect()
    });
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{action}: {total} in {:.2} s over {connections} connections: {:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        at(0.50).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
    );
}

/// One keep-alive connection to `address` sending `action` with `body` until
/// `total` calls were taken from `next`: the latency of each of its calls.
async fn connection(
    address: &str,
    action: &str,
    body: &str,
    next: &AtomicUsize,
    total: usize,
) -> Vec<Duration> {
    let stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("the server accepts a connection");
    stream.set_nodelay(true).expect("TCP_NODELAY");
    let (mut sender, driver) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .expect("an HTTP/1.1 connection");
    let calls = async {
        let mut latencies = Vec::new();
        while next.fetch_add(1, Ordering::Relaxed) < total {
            let request = hyper::Request::post("/")
                .header("Host", address)
                .header("X-Amz-Target", format!("AWSStepFunctions.{action}"))
                .header("Content-Type", "application/x-amz-json-1.0")
                .body(http_body_util::Full::new(hyper::body::Bytes::from(
                    body.to_owned(),
                )))
                .expect("a request");
            let sent = Instant::now();
            let response = sender
                .send_request(request)
                .await
                .unwrap_or_else(|error| panic!("{action} failed: {error}"));
            let status = response.status();
            let answer = http_body_util::BodyExt::collect(response.into_body())
                .await
                .unwrap_or_else(|error| panic!("{action} failed: {error}"))
                .to_bytes();
            latencies.push(sent.elapsed());
            assert!(status.is_success(), "{action}: {status} {answer:?}");
            if action == "StartSyncExecution" {
                let answer: Value = serde_json::from_slice(&answer).expect("a JSON answer");
                assert_eq!(answer["status"], "SUCCEEDED", "{answer}");
            }
        }
        latencies
    };
    tokio::select! {
        latencies = calls => latencies,
        ended = driver => panic!("the connection ended: {ended:?}"),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(binary) = args.first() else {
        eprintln!("usage: api_load ASL_BINARY [N] [CONNECTIONS]");
        return ExitCode::from(2);
    };
    let total: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let connections: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(16);
    let data = tempfile::tempdir().expect("a temporary directory");
    let server = start(binary, data.path());
    let endpoint = server.endpoint.clone();
    let agent = agent();

    // 1. A new definition to its first answer, then the same definition again.
    let mark = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos() as u64;
    let definition = chain(20, mark);
    for attempt in ["new", "compiled before"] {
        let started = Instant::now();
        let arn = create(&agent, &endpoint, "twenty", &definition, "EXPRESS");
        let answer = call(
            &agent,
            &endpoint,
            "StartSyncExecution",
            &json!({"stateMachineArn": arn}),
        )
        .expect("StartSyncExecution answers");
        assert_eq!(answer["status"], "SUCCEEDED", "{answer}");
        println!(
            "CreateStateMachine of a 20-state definition ({attempt}) to its first StartSyncExecution answer: {:.0} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
        call(
            &agent,
            &endpoint,
            "DeleteStateMachine",
            &json!({"stateMachineArn": arn}),
        )
        .expect("DeleteStateMachine answers");
    }

    // 2. and 3.
    let express = create(&agent, &endpoint, "express5", &chain(5, 0), "EXPRESS");
    let standard = create(&agent, &endpoint, "standard5", &chain(5, 0), "STANDARD");
    for machine in [&express, &standard] {
        // Compiled and its worker started before the clock runs.
        let warm = call(
            &agent,
            &endpoint,
            if machine == &express {
                "StartSyncExecution"
            } else {
                "StartExecution"
            },
            &json!({"stateMachineArn": machine}),
        );
        warm.expect("the first execution starts");
    }
    load(
        &endpoint,
        "StartSyncExecution",
        &express,
        total,
        connections,
    );
    load(&endpoint, "StartExecution", &standard, total, connections);
    drop(server);
    ExitCode::SUCCESS
}
