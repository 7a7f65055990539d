//! `--worker`: the binary as a worker of `asl serve`, running the executions of its
//! machines that the server hands it, durably in the server's execution store.
//!
//! A binary holds one machine ([`main`](crate::main)) or several
//! ([`main_of`](crate::main_of): one per definition compiled in the same batch); its
//! worker hosts them all, each under its own [`Engine`] on one shared store, and
//! every [`protocol::Request`] names the machine it is for.
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

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

use asl_engine::Engine;
use asl_engine::store::Store;
use asl_integrations::mock::PerExecution;
use asl_runtime::arn::Account;
use asl_runtime::exec::{self, Workflow};
use asl_runtime::hooks::Boxed;
use asl_runtime::map::progress;

use nested::{Asker, ServerMachines};
use protocol::{
    ActivityTask, Answer, Call, Ended, Failure, FromWorker, Request, Response, ToWorker,
};

use super::{Streams, USAGE};

/// What the machines of a worker share: the store they checkpoint to, the
/// server's machines their `states:startExecution` Tasks start, the account
/// their ARNs name, the directory standing in for S3.
pub(crate) struct Shared {
    store: Arc<dyn Store>,
    machines: Arc<ServerMachines>,
    account: Arc<Account>,
    storage_root: Option<PathBuf>,
    /// The worker's mock configuration, whose test cases executions may run.
    mocks: Option<Arc<PerExecution>>,
    /// Where the children of Distributed Maps run, on a fleet.
    spread: Option<Arc<dyn asl_runtime::hooks::Spread>>,
}

/// Makes one machine of the worker, once the store is open.
pub(crate) type Make = Box<dyn FnOnce(&Shared) -> Box<dyn Hosted>>;

/// One machine of a worker, without its type (each generated machine is a type of
/// its own).
pub(crate) trait Hosted: Send + Sync {
    /// Does what `call` asks of this machine.
    fn answer(&self, call: Call) -> Boxed<'_, Answer>;

    /// How many of its executions run here now.
    fn running(&self) -> usize;
}

/// `workflow` as a machine of a worker sharing `shared`.
pub(crate) fn hosted<W>(workflow: W, shared: &Shared) -> Box<dyn Hosted>
where
    W: Workflow + Send + Sync + 'static,
    W::State: Serialize + DeserializeOwned + 'static,
{
    let machines = Arc::clone(&shared.machines) as Arc<dyn asl_runtime::hooks::Machines>;
    let mut engine = Engine::with_nested(workflow, Arc::clone(&shared.store), machines)
        .with_account(Arc::clone(&shared.account));
    // The test cases of a mock configuration are selected per execution in this
    // worker: their children run here.
    if let (Some(spread), None) = (&shared.spread, &shared.mocks) {
        engine = engine.with_spread(Arc::clone(spread));
    }
    Box::new(Machine {
        engine,
        account: Arc::clone(&shared.account),
        storage_root: shared.storage_root.clone(),
        mocks: shared.mocks.clone(),
    })
}

/// Serves the calls on stdin for the machines `machines` makes (by key),
/// checkpointing to the store in `db`, their ARNs naming `account`, their
/// executions running test cases of `mocks` when started with one; returns the
/// exit status once stdin closes.
pub(super) fn serve(
    machines: Vec<(String, Make)>,
    db: &Path,
    account: Arc<Account>,
    (storage_root, mocks): (Option<PathBuf>, Option<Arc<PerExecution>>),
    runtime: tokio::runtime::Runtime,
    streams: Streams<'_>,
) -> u8 {
    let (store, spread) = match super::durable::shared_store(db) {
        Ok(shared) => shared,
        Err(message) => {
            let _ = writeln!(streams.stderr, "error: {message}");
            return USAGE;
        }
    };
    let (outbox, lines) = mpsc::unbounded_channel();
    let asker = Arc::new(Asker::new(outbox.clone()));
    let shared = Shared {
        machines: Arc::new(ServerMachines {
            asker: Arc::clone(&asker),
            store: Arc::clone(&store),
            account: Arc::clone(&account),
        }),
        store,
        account,
        storage_root,
        mocks,
        spread,
    };
    let machines = machines
        .into_iter()
        .map(|(key, make)| (key, make(&shared)))
        .collect();
    let worker = Worker { machines, asker };
    runtime.block_on(worker.serve(outbox, lines));
    // Executions still running stop here, as a crash would stop them.
    runtime.shutdown_background();
    0
}

/// The machines of the worker, by key, and its questions to the server.
struct Worker {
    machines: HashMap<String, Box<dyn Hosted>>,
    asker: Arc<Asker>,
}

impl Worker {
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
                let id = request.id;
                let answer = worker.answer(request).await;
                let _ = outbox.send(FromWorker::Response(Response { id, answer }));
            });
        }
        writer.abort();
    }

    /// Does what `request` asks, of the machine it names or of all of them.
    async fn answer(&self, request: Request) -> Answer {
        match request.call {
            Call::TakeActivityTask { activity } => {
                for machine in self.machines.values() {
                    let call = Call::TakeActivityTask {
                        activity: activity.clone(),
                    };
                    let answer = machine.answer(call).await;
                    if matches!(answer, Answer::ActivityTask(Some(_))) {
                        return answer;
                    }
                }
                Answer::ActivityTask(None)
            }
            Call::OffersActivityTask { activity } => {
                for machine in self.machines.values() {
                    let call = Call::OffersActivityTask {
                        activity: activity.clone(),
                    };
                    if matches!(machine.answer(call).await, Answer::Offers(true)) {
                        return Answer::Offers(true);
                    }
                }
                Answer::Offers(false)
            }
            Call::Running => Answer::Running {
                count: self
                    .machines
                    .values()
                    .map(|machine| machine.running())
                    .sum(),
            },
            call => match self.machine(request.machine.as_deref()) {
                Ok(machine) => machine.answer(call).await,
                Err(failure) => Answer::Failed(failure),
            },
        }
    }

    /// The machine `key` names; without a key, the only one.
    fn machine(&self, key: Option<&str>) -> Result<&dyn Hosted, Failure> {
        let found = match key {
            Some(key) => self.machines.get(key),
            None if self.machines.len() == 1 => self.machines.values().next(),
            None => None,
        };
        found.map(|machine| &**machine).ok_or_else(|| Failure {
            code: "ServiceFailure".into(),
            message: match key {
                Some(key) => format!("this worker has no state machine `{key}`"),
                None => "a call to a worker of several state machines names none".into(),
            },
        })
    }
}

/// The engine of one machine of the worker, and what its in-memory runs need.
struct Machine<W> {
    engine: Engine<W>,
    account: Arc<Account>,
    storage_root: Option<PathBuf>,
    mocks: Option<Arc<PerExecution>>,
}

impl<W> Hosted for Machine<W>
where
    W: Workflow + Send + Sync + 'static,
    W::State: Serialize + DeserializeOwned + 'static,
{
    fn answer(&self, call: Call) -> Boxed<'_, Answer> {
        Box::pin(Machine::answer(self, call))
    }

    fn running(&self) -> usize {
        self.engine.running_count()
    }
}

impl<W> Machine<W>
where
    W: Workflow + Send + Sync + 'static,
    W::State: Serialize + DeserializeOwned + 'static,
{
    /// Does what `call` asks.
    async fn answer(&self, call: Call) -> Answer {
        let engine = &self.engine;
        let failed = |error: asl_engine::EngineError| Answer::Failed(Failure::from(&error));
        match call {
            Call::Start {
                name,
                input,
                definition,
                test_case,
            } => {
                let arn = engine.arn(&name);
                if let Some(case) = test_case {
                    if let Err(failure) = self.select(&arn, &case) {
                        return Answer::Failed(failure);
                    }
                    drop(engine.store().note(protocol::test_case_key(&arn), case));
                }
                // Not awaited: the store's writer commits it with or before the
                // start's checkpoint, which is what is awaited.
                drop(
                    engine
                        .store()
                        .note(protocol::definition_key(&arn), definition),
                );
                match engine.start(&name, input).await {
                    Ok(arn) => Answer::Started { arn },
                    Err(error) => failed(error),
                }
            }
            Call::Resume { arns } => {
                let mut count = 0;
                for arn in arns {
                    // It goes on with the test case it started with.
                    let case = engine.store().noted(&protocol::test_case_key(&arn));
                    if let Ok(Some(case)) = case
                        && let Err(failure) = self.select(&arn, &case)
                    {
                        return Answer::Failed(failure);
                    }
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
            Call::Run {
                name,
                id,
                input,
                test_case,
            } => {
                let arn = self.account.states_arn(format_args!(
                    "express:{}:{name}:{id}",
                    engine.workflow().name()
                ));
                if let Some(case) = test_case
                    && let Err(failure) = self.select(&arn, &case)
                {
                    return Answer::Failed(failure);
                }
                let ended = self.run(name, id, input).await;
                if let Some(mocks) = &self.mocks {
                    mocks.forget(&arn);
                }
                Answer::Ended(ended)
            }
            Call::TakeActivityTask { activity } => Answer::ActivityTask(
                engine
                    .next_activity_task(&activity, Duration::ZERO)
                    .await
                    .map(|task| ActivityTask {
                        token: task.token,
                        input: task.input,
                    }),
            ),
            Call::OffersActivityTask { activity } => {
                Answer::Offers(engine.offers_activity_task(&activity))
            }
            Call::UpdateMapRun {
                arn,
                max_concurrency,
                tolerated_failure_percentage,
                tolerated_failure_count,
            } => {
                let update = progress::Update {
                    max_concurrency,
                    tolerated_failure_percentage,
                    tolerated_failure_count,
                };
                match progress::update(&arn, update) {
                    Ok(()) => Answer::Done,
                    Err(refused) => Answer::Failed(map_run_refused(&arn, refused)),
                }
            }
            Call::Deliver { token } => {
                engine.deliver_callback(&token);
                Answer::Done
            }
            Call::Heartbeat { token } => match engine.send_task_heartbeat(&token) {
                Ok(()) => Answer::Done,
                Err(error) => failed(error),
            },
            Call::Running => Answer::Running {
                count: engine.running_count(),
            },
            Call::RunChild(child) => Answer::Ended(ended(engine.run_map_child(*child).await)),
            Call::Test(test) => Answer::Tested(Box::new(self.test(*test).await)),
        }
    }

    /// Execution `arn` runs test case `case` of the worker's mock configuration:
    /// `InvalidName` when there is no such test case (or no configuration).
    fn select(&self, arn: &str, case: &str) -> Result<(), Failure> {
        let machine = self.engine.workflow().name();
        let unknown = asl_integrations::mock::UnknownTestCase {
            machine: machine.to_owned(),
            case: case.to_owned(),
        };
        let engine = self.engine.clone();
        let tokens: asl_integrations::mock::TokenAnswer = Arc::new(move |token, outcome| {
            // A token no execution waits for any more is left unanswered, as a
            // late SendTaskSuccess would be.
            let _ = match outcome {
                Ok(output) => engine.send_task_success(token, output),
                Err(error) => engine.send_task_failure(token, error.error, error.cause),
            };
        });
        let selected = match &self.mocks {
            Some(mocks) => mocks.select(arn, (machine, case), Some(tokens)),
            None => Err(unknown),
        };
        selected.map_err(|unknown| Failure {
            code: "InvalidName".into(),
            message: unknown.to_string(),
        })
    }

    /// Runs the first state of the machine alone, as `TestState` asks.
    async fn test(&self, request: protocol::Test) -> protocol::Tested {
        use asl_runtime::exec::test;
        use asl_runtime::probe::{Mock, Probe, Setup};
        let workflow = self.engine.workflow();
        let mock = match (request.mock, request.mock_error) {
            (Some(result), _) => Some(Mock::Result(result)),
            (None, Some((error, cause))) => Some(Mock::Error { error, cause }),
            (None, None) => None,
        };
        let probe = Probe::new(Setup {
            mock,
            retrier_retry_count: request.retrier_retry_count,
            map_iteration_failure_count: request.map_iteration_failure_count,
            reveal_secrets: request.reveal_secrets,
        });
        let input = request.input;
        let mut execution =
            asl_runtime::Execution::new(workflow.name(), Some(request.name), input.clone())
                .with_account(Arc::clone(&self.account))
                .express_named();
        if let Some(context) = request.context {
            execution = execution.with_context(context);
        }
        let mut run = asl_runtime::Run::new(Arc::new(execution)).probed(Arc::clone(&probe));
        let names = workflow.variable_names();
        for (slot, name) in names.iter().enumerate() {
            let Some(value) = request.variables.get(*name) else {
                continue;
            };
            if let Err(error) = run.variables_mut().set(slot, name, value.clone()) {
                return protocol::Tested::failed(&error);
            }
        }
        let tested = test::run(workflow, &mut run, input).await;
        let mut answer = protocol::Tested::recorded(&probe.record());
        answer.variables = test::variables(&run, names);
        answer.ended(tested, &probe.record());
        answer
    }

    /// Runs an EXPRESS execution in memory.
    async fn run(&self, name: String, id: String, input: serde_json::Value) -> Ended {
        let mut options = exec::RunOptions::default()
            .account(Arc::clone(&self.account))
            .name(name)
            .express(id);
        if let Some(root) = &self.storage_root {
            options = options.storage_root(root.clone());
        }
        ended(exec::run(self.engine.workflow(), options, input).await)
    }
}

/// How an execution that ended with `outcome` ended, as the server is told.
fn ended(outcome: Result<serde_json::Value, asl_runtime::ExecutionError>) -> Ended {
    match outcome {
        Ok(output) => Ended::Succeeded(output),
        Err(error) => Ended::Failed {
            error: error.name().to_owned(),
            cause: error.cause_text().to_owned(),
        },
    }
}

/// What UpdateMapRun answers when the Map Run does not run here: AWS's
/// `ResourceNotFound`, or `ValidationException` for one that ended.
fn map_run_refused(arn: &str, refused: progress::Refused) -> Failure {
    match refused {
        progress::Refused::Unknown => Failure {
            code: "ResourceNotFound".into(),
            message: format!("Map Run Does Not Exist: '{arn}'"),
        },
        progress::Refused::Ended => Failure {
            code: "ValidationException".into(),
            message: format!("Map Run '{arn}' has ended and cannot be updated"),
        },
    }
}
