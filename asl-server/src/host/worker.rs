//! One worker process: a compiled binary run with `--worker`, hosting every machine
//! in it, and the calls in flight to it over its stdin and stdout.

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::HostConfig;
use asl_standalone::worker::protocol::{
    Answer, Ask, Call, FromWorker, Request, Response, ToWorker,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot};

use super::HostError;

/// The answers awaited, by request id.
type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Answer>>>>;

/// Answers what a worker asks.
pub(super) type Answering =
    Arc<dyn Fn(Ask) -> std::pin::Pin<Box<dyn Future<Output = Answer> + Send>> + Send + Sync>;

/// A running worker process.
#[derive(Debug)]
pub(super) struct Worker {
    requests: mpsc::UnboundedSender<ToWorker>,
    pending: Pending,
    next_id: AtomicU64,
    alive: Arc<AtomicBool>,
    /// Stopped on purpose: its exit is not reported.
    retired: Arc<AtomicBool>,
    /// Killed when the worker is dropped.
    _child: Child,
}

impl Worker {
    /// Starts `binary` as a worker as `config` says: checkpointing to its store,
    /// its Tasks bound by its bindings and mocked by test cases of its mock
    /// configuration, its ARNs naming its account, its traces exported to its
    /// OTLP endpoint; what it asks, `answering` answers, and `exited` is called
    /// once it exits, unless it was [retired](Worker::retire).
    pub(super) fn spawn(
        binary: &Path,
        config: &HostConfig,
        answering: Answering,
        exited: Box<dyn FnOnce() + Send>,
    ) -> Result<Worker, HostError> {
        let account = &config.account;
        let mut command = Command::new(binary);
        command
            .arg("--worker")
            .arg("--db")
            .arg(&config.db)
            .env("AWS_REGION", account.region())
            .env("ASL_ACCOUNT_ID", account.id())
            .env("ASL_PARTITION", account.partition())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        if let Some(bindings) = &config.bindings {
            command.arg("--bindings").arg(bindings);
        }
        if let Some(mock_config) = &config.mock_config {
            command.arg("--mock-config").arg(mock_config);
        }
        if let Some(endpoint) = &config.otlp_endpoint {
            command.env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
        }
        if let Some(node) = &config.fleet {
            // Its writes are fenced with the node's id of now.
            command.env("ASL_NODE", node.id().to_string());
        }
        let mut child = command.spawn().map_err(|error| {
            HostError::Worker(format!("cannot start `{}`: {error}", binary.display()))
        })?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(HostError::Worker("the worker has no pipes".into()));
        };
        let pending: Pending = Arc::default();
        let alive = Arc::new(AtomicBool::new(true));
        let (requests, mut outbox) = mpsc::unbounded_channel::<ToWorker>();
        let replies = requests.clone();
        tokio::spawn(async move {
            let mut line = Vec::new();
            while let Some(request) = outbox.recv().await {
                line.clear();
                // A request is plain data: it always serializes.
                let _ = serde_json::to_writer(&mut line, &request);
                line.push(b'\n');
                if stdin.write_all(&line).await.is_err() {
                    return;
                }
                if outbox.is_empty() && stdin.flush().await.is_err() {
                    return;
                }
            }
        });
        let reading = Arc::clone(&pending);
        let living = Arc::clone(&alive);
        let retired = Arc::new(AtomicBool::new(false));
        let retiring = Arc::clone(&retired);
        tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                match serde_json::from_str::<FromWorker>(&line) {
                    Ok(FromWorker::Response(response)) => {
                        let waiting = lock(&reading).remove(&response.id);
                        if let Some(waiting) = waiting {
                            let _ = waiting.send(response.answer);
                        }
                    }
                    Ok(FromWorker::Asking(asking)) => {
                        let answer = answering(asking.ask);
                        let replies = replies.clone();
                        tokio::spawn(async move {
                            let response = Response {
                                id: asking.id,
                                answer: answer.await,
                            };
                            let _ = replies.send(ToWorker::Response(response));
                        });
                    }
                    Err(_) => tracing::warn!(%line, "a worker wrote a line that is not a message"),
                }
            }
            // The worker exited: every call in flight fails (their senders drop).
            living.store(false, Ordering::SeqCst);
            lock(&reading).clear();
            if !retiring.load(Ordering::SeqCst) {
                exited();
            }
        });
        Ok(Worker {
            requests,
            pending,
            next_id: AtomicU64::new(1),
            alive,
            retired,
            _child: child,
        })
    }

    /// Whether the process still runs (as far as its output says).
    pub(super) fn is_alive(&self) -> bool {
        self.alive.load(Ordering::SeqCst)
    }

    /// Marks the worker as stopped on purpose: once it is dropped (which kills it),
    /// its exit is not reported.
    pub(super) fn retire(&self) {
        self.retired.store(true, Ordering::SeqCst);
    }

    /// Makes `call` to its machine `machine` (all of them: `None`) and waits for its
    /// answer.
    pub(super) async fn call(
        &self,
        machine: Option<String>,
        call: Call,
    ) -> Result<Answer, HostError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (answer, answered) = oneshot::channel();
        lock(&self.pending).insert(id, answer);
        let request = ToWorker::Request(Request { id, machine, call });
        if !self.is_alive() || self.requests.send(request).is_err() {
            lock(&self.pending).remove(&id);
            return Err(HostError::Exited);
        }
        answered.await.map_err(|_| HostError::Exited)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
