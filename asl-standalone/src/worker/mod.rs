//! `--worker`: the binary as a worker of `asl serve`, running the executions of its
//! machine that the server hands it, durably in the server's execution store.
//!
//! The server writes [`protocol::Request`]s to the worker's stdin, one JSON object
//! per line, and reads [`protocol::Response`]s from its stdout; calls run
//! concurrently and are answered as they end. The worker checkpoints to the store
//! file itself (SQLite serializes its writers), so the server reads executions and
//! histories from the store and never relays a transition. When stdin closes (the
//! server stopped or died), the worker exits at once, as a crash would stop it:
//! what it committed stays, and the next server resumes the rest.

mod nested;
pub mod protocol;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

use asl_engine::Engine;
use asl_runtime::arn::Account;
use asl_runtime::exec::{self, Workflow};

use nested::{Asker, ServerMachines};
use protocol::{ActivityTask, Answer, Call, Ended, Failure, FromWorker, Response, ToWorker};

use super::{Streams, USAGE};

/// Serves the calls on stdin for `workflow`, checkpointing to the store in `db`,
/// its ARNs naming `account`; returns the exit status once stdin closes.
pub(super) fn serve<W>(
    workflow: W,
    db: &Path,
    account: Arc<Account>,
    storage_root: Option<PathBuf>,
    runtime: tokio::runtime::Runtime,
    streams: Streams<'_>,
) -> u8
where
    W: Workflow + Send + Sync + 'static,
    W::State: Serialize + DeserializeOwned + 'static,
{
    let store = match super::durable::store(db) {
        Ok(store) => store,
        Err(message) => {
            let _ = writeln!(streams.stderr, "error: {message}");
            return USAGE;
        }
    };
    let (outbox, lines) = mpsc::unbounded_channel();
    let asker = Arc::new(Asker::new(outbox.clone()));
    let machines = ServerMachines {
        asker: Arc::clone(&asker),
        store: Arc::clone(&store),
        account: Arc::clone(&account),
    };
    let worker = Worker {
        engine: Engine::with_nested(workflow, store, Arc::new(machines))
            .with_account(Arc::clone(&account)),
        account,
        storage_root,
        asker,
    };
    runtime.block_on(worker.serve(outbox, lines));
    // Executions still running stop here, as a crash would stop them.
    runtime.shutdown_background();
    0
}

/// The engine of the worker's machine, and what its in-memory runs need.
struct Worker<W> {
    engine: Engine<W>,
    account: Arc<Account>,
    storage_root: Option<PathBuf>,
    asker: Arc<Asker>,
}

impl<W> Worker<W>
where
    W: Workflow + Send + Sync + 'static,
    W::State: Serialize + DeserializeOwned + 'static,
{
    /// Answers the requests on stdin, and hands the answers to its questions, until
    /// stdin closes; writes what goes to `outbox` to stdout, one line each.
    async fn serve(
        self,
        outbox: mpsc::UnboundedSender<FromWorker>,
        mut lines_out: mpsc::UnboundedReceiver<FromWorker>,
    ) {
        let worker = Arc::new(self);
        let writer = tokio::spawn(async move {
            let mut stdout = tokio::io::BufWriter::new(tokio::io::stdout());
            let mut line = Vec::new();
            while let Some(message) = lines_out.recv().await {
                line.clear();
                // Plain data: it always serializes.
                let _ = serde_json::to_writer(&mut line, &message);
                line.push(b'\n');
                if stdout.write_all(&line).await.is_err() {
                    return;
                }
                // Flushed once nothing else waits, so that a burst goes out in one
                // write.
                if lines_out.is_empty() && stdout.flush().await.is_err() {
                    return;
                }
            }
        });
        let mut lines = BufReader::new(tokio::io::stdin()).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let request = match serde_json::from_str(&line) {
                Ok(ToWorker::Request(request)) => request,
                Ok(ToWorker::Response(response)) => {
                    worker.asker.answered(response);
                    continue;
                }
                Err(error) => {
                    eprintln!("asl worker: ignoring a line that is not a message: {error}");
                    continue;
                }
            };
            let worker = Arc::clone(&worker);
            let outbox = outbox.clone();
            tokio::spawn(async move {
                let answer = worker.answer(request.call).await;
                let _ = outbox.send(FromWorker::Response(Response {
                    id: request.id,
                    answer,
                }));
            });
        }
        writer.abort();
    }

    /// Does what `call` asks.
    async fn answer(&self, call: Call) -> Answer {
        let engine = &self.engine;
        let failed = |error: asl_engine::EngineError| Answer::Failed(Failure::from(&error));
        match call {
            Call::Start {
                name,
                input,
                definition,
            } => {
                // Not awaited: the store's writer commits it with or before the
                // start's checkpoint, which is what is awaited.
                drop(
                    engine
                        .store()
                        .note(protocol::definition_key(&engine.arn(&name)), definition),
                );
                match engine.start(&name, input).await {
                    Ok(arn) => Answer::Started { arn },
                    Err(error) => failed(error),
                }
            }
            Call::Resume { arns } => {
                let mut count = 0;
                for arn in arns {
                    match engine.resume_execution(&arn) {
                        Ok(resumed) => count += usize::from(resumed),
                        Err(error) => return failed(error),
                    }
                }
                Answer::Resumed { count }
            }
            Call::Stop { arn, error, cause } => match engine.stop(&arn, error, cause).await {
                Ok(_) => Answer::Done,
                Err(error) => failed(error),
            },
            Call::Redrive { arn } => match engine.redrive(&arn).await {
                Ok(arn) => Answer::Started { arn },
                Err(error) => failed(error),
            },
            Call::Run { name, input } => Answer::Ended(self.run(name, input).await),
            Call::TakeActivityTask { activity } => Answer::ActivityTask(
                engine
                    .next_activity_task(&activity, Duration::ZERO)
                    .await
                    .map(|task| ActivityTask {
                        token: task.token,
                        input: task.input,
                    }),
            ),
            Call::Deliver { token } => {
                engine.deliver_callback(&token);
                Answer::Done
            }
            Call::Heartbeat { token } => match engine.send_task_heartbeat(&token) {
                Ok(()) => Answer::Done,
                Err(error) => failed(error),
            },
        }
    }

    /// Runs an EXPRESS execution in memory.
    async fn run(&self, name: String, input: serde_json::Value) -> Ended {
        let mut options = exec::RunOptions::default()
            .account(Arc::clone(&self.account))
            .name(name);
        if let Some(root) = &self.storage_root {
            options = options.storage_root(root.clone());
        }
        match exec::run(self.engine.workflow(), options, input).await {
            Ok(output) => Ended::Succeeded(output),
            Err(error) => Ended::Failed {
                error: error.name().to_owned(),
                cause: error.cause_text().to_owned(),
            },
        }
    }
}
