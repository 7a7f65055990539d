//! The compiled machines of the server, each run by worker processes.
//!
//! A definition given to [`Host::prepare`] (with the name of its state machine) is
//! compiled once, in the background, into a binary that `asl_build` keeps in its
//! cache; its id is a hash of both, and the definition is written to the data
//! directory so that executions can be resumed with it after a restart. Each
//! compiled definition runs in a worker process of its own (the binary run with
//! `--worker`), which checkpoints to the server's execution store itself: a
//! machine that crashes takes down its worker, never the server, and the next call
//! starts a new worker that resumes the executions the dead one left.
//!
//! An execution keeps the definition it started with: its definition's id is noted
//! in the store before it starts, and every later call for it (stop, redrive, a
//! callback's outcome) and its resumption go to that definition's worker.

mod compile;
mod worker;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_build::Cache;
use asl_engine::Control;
use asl_engine::store::ExecutionStatus;
use asl_runtime::arn::Account;
use asl_runtime::task::callback;
use asl_standalone::worker::protocol::{
    ActivityTask, Answer, Ask, Call, Ended, Failure, definition_key,
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::{OnceCell, Semaphore, watch};

use worker::Worker;

/// Why the host could not do what was asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HostError {
    /// The definition could not be compiled; what the compiler said.
    #[error("the state machine could not be compiled: {0}")]
    Compile(String),
    /// The worker running the machine failed or exited.
    #[error("{0}")]
    Worker(String),
    /// The call failed as the API says (an execution that exists, a bad name...).
    #[error("{}", .0.message)]
    Api(Failure),
    /// No definition with this id is known (not prepared, and not in the data
    /// directory).
    #[error("no compiled state machine {0}")]
    Unknown(String),
}

impl HostError {
    /// The API exception it is: the engine's for [`HostError::Api`],
    /// `ServiceFailure` for the rest (no fault of the caller's).
    pub fn code(&self) -> &str {
        match self {
            HostError::Api(failure) => &failure.code,
            _ => "ServiceFailure",
        }
    }
}

/// Where and how the host runs machines.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Where definitions are kept (`definitions/<id>.json`).
    pub data_dir: PathBuf,
    /// The execution store the workers checkpoint to (a SQLite file).
    pub db: PathBuf,
    /// The cache compiled machines are kept in.
    pub cache: Cache,
    /// The bindings of Task states, as for `asl run`.
    pub bindings: Option<PathBuf>,
    /// The account the ARNs name.
    pub account: Arc<Account>,
}

/// The id of a compiled definition: a hash of the state machine's name and its
/// definition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefinitionId(String);

impl DefinitionId {
    /// The id of `definition` of the state machine `machine`.
    pub fn of(machine: &str, definition: &str) -> DefinitionId {
        let mut hash = Sha256::new();
        hash.update(machine.as_bytes());
        hash.update([0]);
        hash.update(definition.as_bytes());
        let digest = hash.finalize();
        DefinitionId(
            digest[..16]
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect(),
        )
    }

    /// Its text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The compiled machines of a server and their workers (see the [module](self)).
#[derive(Debug, Clone)]
pub struct Host {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: HostConfig,
    control: Arc<Control>,
    /// One compile at a time: each is a cargo build, which uses every core.
    compiles: Semaphore,
    definitions: Mutex<HashMap<DefinitionId, Arc<Definition>>>,
    /// The definition new executions of each state machine run, by name.
    deployed: Mutex<HashMap<String, DefinitionId>>,
    /// Becomes `true` when the server stops: `GetActivityTask` waits no longer.
    stopping: watch::Sender<bool>,
}

/// A definition of a state machine, its binary once compiled, and its worker.
#[derive(Debug)]
struct Definition {
    machine: String,
    text: String,
    binary: OnceCell<Result<PathBuf, HostError>>,
    worker: tokio::sync::Mutex<Option<Arc<Worker>>>,
}

/// How long after a worker exited another starts in its place.
const RESTART_DELAY: Duration = Duration::from_millis(200);

/// How often `GetActivityTask` looks at the workers again while it waits.
const ACTIVITY_POLL: Duration = Duration::from_millis(50);

impl Host {
    /// A host running machines as `config` says, on the store of `control`.
    pub fn new(config: HostConfig, control: Arc<Control>) -> Host {
        Host {
            inner: Arc::new(Inner {
                config,
                control,
                compiles: Semaphore::new(1),
                definitions: Mutex::new(HashMap::new()),
                deployed: Mutex::new(HashMap::new()),
                stopping: watch::Sender::new(false),
            }),
        }
    }

    /// The server stops: the `GetActivityTask` long polls in flight end at once
    /// without a task (as their 60 s would have), and later ones do not wait, so
    /// that a graceful shutdown does not wait for them. A call to a worker in
    /// flight is never cut off: a task it took is handed out.
    pub fn stop_polls(&self) {
        self.inner.stopping.send_replace(true);
    }

    /// Keeps `definition` of state machine `machine` and starts compiling it in the
    /// background unless it was before; returns its id at once. The definition must
    /// be valid (checked by the caller with the diagnostics it reports).
    pub fn prepare(&self, machine: &str, definition: &str) -> Result<DefinitionId, HostError> {
        let id = DefinitionId::of(machine, definition);
        if self.lock().contains_key(&id) {
            return Ok(id);
        }
        let path = self.definition_path(&id);
        if !path.is_file() {
            let record = serde_json::json!({"machine": machine, "definition": definition});
            write_atomically(&path, record.to_string().as_bytes()).map_err(|error| {
                HostError::Worker(format!("cannot keep the definition: {error}"))
            })?;
        }
        self.insert(&id, machine, definition);
        let host = self.clone();
        let compiling = id.clone();
        tokio::spawn(async move {
            let _ = host.compiled(&compiling).await;
        });
        Ok(id)
    }

    /// Makes definition `id` the one that executions of state machine `machine`
    /// started by other executions (`states:startExecution`) run.
    pub fn deploy(&self, machine: &str, id: &DefinitionId) {
        lock(&self.inner.deployed).insert(machine.to_owned(), id.clone());
    }

    /// State machine `machine` is deleted: executions can no longer start it.
    pub fn retire(&self, machine: &str) {
        lock(&self.inner.deployed).remove(machine);
    }

    /// Waits until definition `id` is compiled.
    pub async fn compiled(&self, id: &DefinitionId) -> Result<(), HostError> {
        self.binary(&self.definition(id)?).await.map(|_| ())
    }

    /// `StartExecution` of a STANDARD machine: starts execution `name` of
    /// definition `id` durably; its ARN once the start is committed.
    pub async fn start(
        &self,
        id: &DefinitionId,
        name: &str,
        input: Value,
    ) -> Result<String, HostError> {
        let definition = self.definition(id)?;
        let call = Call::Start {
            name: name.to_owned(),
            input,
            definition: id.0.clone(),
        };
        match self.call(&definition, call).await? {
            Answer::Started { arn } => Ok(arn),
            other => Err(unexpected(other)),
        }
    }

    /// An EXPRESS execution `name` of definition `id`, run in memory to its end.
    pub async fn run(
        &self,
        id: &DefinitionId,
        name: &str,
        input: Value,
    ) -> Result<Ended, HostError> {
        let definition = self.definition(id)?;
        let call = Call::Run {
            name: name.to_owned(),
            input,
        };
        match self.call(&definition, call).await? {
            Answer::Ended(ended) => Ok(ended),
            other => Err(unexpected(other)),
        }
    }

    /// `StopExecution` of the running execution `arn`, once `ExecutionAborted` is
    /// committed.
    pub async fn stop(
        &self,
        arn: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<(), HostError> {
        let definition = self.definition_of(arn)?;
        let call = Call::Stop {
            arn: arn.to_owned(),
            error,
            cause,
        };
        self.call(&definition, call).await.map(|_| ())
    }

    /// `RedriveExecution` of `arn`, with the definition it started with.
    pub async fn redrive(&self, arn: &str) -> Result<String, HostError> {
        let definition = self.definition_of(arn)?;
        match self
            .call(
                &definition,
                Call::Redrive {
                    arn: arn.to_owned(),
                },
            )
            .await?
        {
            Answer::Started { arn } => Ok(arn),
            other => Err(unexpected(other)),
        }
    }

    /// After an outcome was recorded for `token` (`SendTaskSuccess`,
    /// `SendTaskFailure`): hands it to the state waiting for it now, rather than at
    /// its next look at the store.
    pub async fn deliver(&self, token: &str) {
        if let Some(definition) = self.definition_of_token(token) {
            let _ = self
                .call(
                    &definition,
                    Call::Deliver {
                        token: token.to_owned(),
                    },
                )
                .await;
        }
    }

    /// `SendTaskHeartbeat` for `token`, to the worker of its execution.
    pub async fn heartbeat(&self, token: &str) {
        if let Some(definition) = self.definition_of_token(token) {
            let _ = self
                .call(
                    &definition,
                    Call::Heartbeat {
                        token: token.to_owned(),
                    },
                )
                .await;
        }
    }

    /// `GetActivityTask`: the next task of `activity` that an execution of any
    /// worker offers, waiting up to `wait`; `None` when none came.
    pub async fn activity_task(&self, activity: &str, wait: Duration) -> Option<ActivityTask> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut stopping = self.inner.stopping.subscribe();
        loop {
            for definition in self.definitions() {
                let Some(worker) = definition.worker.lock().await.clone() else {
                    continue;
                };
                let call = Call::TakeActivityTask {
                    activity: activity.to_owned(),
                };
                if let Ok(Answer::ActivityTask(Some(task))) = worker.call(call).await {
                    return Some(task);
                }
            }
            if tokio::time::Instant::now() >= deadline || *stopping.borrow_and_update() {
                return None;
            }
            tokio::select! {
                () = tokio::time::sleep(ACTIVITY_POLL) => {}
                _ = stopping.changed() => {}
            }
        }
    }

    /// Goes on with every running execution in the store, each with the definition
    /// it started with (after a restart); returns how many.
    pub async fn resume(&self) -> Result<usize, HostError> {
        let mut by_definition: HashMap<DefinitionId, Vec<String>> = HashMap::new();
        let store = self.inner.control.store();
        let executions = store
            .executions()
            .map_err(|error| HostError::Worker(error.to_string()))?;
        for record in executions {
            if record.position.status != ExecutionStatus::Running {
                continue;
            }
            let noted = store
                .noted(&definition_key(&record.identity.arn))
                .map_err(|error| HostError::Worker(error.to_string()))?;
            if let Some(id) = noted {
                by_definition
                    .entry(DefinitionId(id))
                    .or_default()
                    .push(record.identity.arn);
            }
        }
        let mut resumed = 0;
        for (id, arns) in by_definition {
            let definition = self.definition(&id)?;
            if let Answer::Resumed { count } = self.call(&definition, Call::Resume { arns }).await?
            {
                resumed += count;
            }
        }
        Ok(resumed)
    }

    /// Makes `call` to the worker of `definition`, starting one (compiling the
    /// definition first if need be) when none runs; a worker started again after
    /// its predecessor died first resumes the executions it left.
    async fn call(&self, definition: &Arc<Definition>, call: Call) -> Result<Answer, HostError> {
        let worker = self.worker(definition).await?;
        match worker.call(call).await? {
            Answer::Failed(failure) => Err(HostError::Api(failure)),
            answer => Ok(answer),
        }
    }

    /// The live worker of `definition`.
    async fn worker(&self, definition: &Arc<Definition>) -> Result<Arc<Worker>, HostError> {
        let binary = self.binary(definition).await?;
        let mut slot = definition.worker.lock().await;
        if let Some(worker) = slot.as_ref().filter(|worker| worker.is_alive()) {
            return Ok(Arc::clone(worker));
        }
        let restarted = slot.is_some();
        let config = &self.inner.config;
        let worker = Arc::new(Worker::spawn(
            &binary,
            &config.db,
            config.bindings.as_deref(),
            &config.account,
            self.answering(),
            self.restarting(definition),
        )?);
        *slot = Some(Arc::clone(&worker));
        drop(slot);
        if restarted {
            tracing::warn!(machine = %definition.machine, "a worker exited; started another");
            let arns = self.running_of(definition);
            worker.call(Call::Resume { arns }).await?;
        }
        Ok(worker)
    }

    /// What to do when the worker of `definition` exits: unless the host is gone
    /// (the server stopped), start another after [`RESTART_DELAY`], which resumes
    /// the executions the dead one left, so that their timers fire even when no
    /// call comes for them.
    fn restarting(&self, definition: &Arc<Definition>) -> Box<dyn FnOnce() + Send> {
        let host = Arc::downgrade(&self.inner);
        let definition = Arc::downgrade(definition);
        Box::new(move || {
            tokio::spawn(async move {
                tokio::time::sleep(RESTART_DELAY).await;
                let (Some(inner), Some(definition)) = (host.upgrade(), definition.upgrade()) else {
                    return;
                };
                if let Err(error) = (Host { inner }).worker(&definition).await {
                    tracing::error!(machine = %definition.machine, %error, "cannot start a worker again");
                }
            });
        })
    }

    /// Answers what a worker asks.
    async fn answer(&self, ask: Ask) -> Answer {
        match ask {
            Ask::StartExecution {
                machine,
                name,
                input,
            } => {
                let deployed = lock(&self.inner.deployed).get(&machine).cloned();
                let Some(id) = deployed else {
                    let arn = self
                        .inner
                        .config
                        .account
                        .states_arn(format_args!("stateMachine:{machine}"));
                    return Answer::Failed(Failure {
                        code: "StateMachineDoesNotExist".into(),
                        message: format!("State Machine Does Not Exist: '{arn}'"),
                    });
                };
                match self.start(&id, &name, input).await {
                    Ok(arn) => Answer::Started { arn },
                    Err(error) => Answer::Failed(Failure {
                        code: error.code().to_owned(),
                        message: error.to_string(),
                    }),
                }
            }
        }
    }

    /// What answers the questions of workers: this host, while it lives.
    fn answering(&self) -> worker::Answering {
        let host = Arc::downgrade(&self.inner);
        Arc::new(move |ask| {
            let host = host.upgrade().map(|inner| Host { inner });
            Box::pin(async move {
                match host {
                    Some(host) => host.answer(ask).await,
                    None => Answer::Failed(Failure {
                        code: "ServiceFailure".into(),
                        message: "the server is stopping".into(),
                    }),
                }
            })
        })
    }

    /// The running executions that run `definition`.
    fn running_of(&self, definition: &Definition) -> Vec<String> {
        let id = DefinitionId::of(&definition.machine, &definition.text);
        let store = self.inner.control.store();
        let Ok(executions) = store.executions() else {
            return Vec::new();
        };
        executions
            .into_iter()
            .filter(|record| record.position.status == ExecutionStatus::Running)
            .map(|record| record.identity.arn)
            .filter(|arn| {
                store.noted(&definition_key(arn)).ok().flatten().as_deref() == Some(id.as_str())
            })
            .collect()
    }

    /// The binary of `definition`, compiled on first use.
    async fn binary(&self, definition: &Arc<Definition>) -> Result<PathBuf, HostError> {
        definition
            .binary
            .get_or_init(|| async {
                let _permit = self.inner.compiles.acquire().await;
                let (machine, text) = (definition.machine.clone(), definition.text.clone());
                let cache = self.inner.config.cache.clone();
                tokio::task::spawn_blocking(move || compile::binary(&machine, &text, &cache))
                    .await
                    .unwrap_or_else(|error| Err(HostError::Compile(error.to_string())))
            })
            .await
            .clone()
    }

    /// Definition `id`: prepared in this process, or read back from the data
    /// directory.
    fn definition(&self, id: &DefinitionId) -> Result<Arc<Definition>, HostError> {
        if let Some(definition) = self.lock().get(id) {
            return Ok(Arc::clone(definition));
        }
        let unknown = || HostError::Unknown(id.0.clone());
        let text = std::fs::read_to_string(self.definition_path(id)).map_err(|_| unknown())?;
        let record: Value = serde_json::from_str(&text).map_err(|_| unknown())?;
        let (Some(machine), Some(definition)) =
            (record["machine"].as_str(), record["definition"].as_str())
        else {
            return Err(unknown());
        };
        Ok(self.insert(id, machine, definition))
    }

    /// The definition execution `arn` runs.
    fn definition_of(&self, arn: &str) -> Result<Arc<Definition>, HostError> {
        let noted = self
            .inner
            .control
            .store()
            .noted(&definition_key(arn))
            .map_err(|error| HostError::Worker(error.to_string()))?;
        let id = noted.ok_or_else(|| {
            HostError::Api(Failure {
                code: "ExecutionDoesNotExist".into(),
                message: format!("Execution Does Not Exist: '{arn}'"),
            })
        })?;
        self.definition(&DefinitionId(id))
    }

    /// The definition execution `arn` runs (the one it started with).
    pub fn definition_of_execution(&self, arn: &str) -> Result<String, HostError> {
        Ok(self.definition_of(arn)?.text.clone())
    }

    /// The definition the execution that made `token` runs, if known.
    fn definition_of_token(&self, token: &str) -> Option<Arc<Definition>> {
        let arn = callback::execution_of(token)?;
        self.definition_of(&arn).ok()
    }

    fn insert(&self, id: &DefinitionId, machine: &str, text: &str) -> Arc<Definition> {
        Arc::clone(self.lock().entry(id.clone()).or_insert_with(|| {
            Arc::new(Definition {
                machine: machine.to_owned(),
                text: text.to_owned(),
                binary: OnceCell::new(),
                worker: tokio::sync::Mutex::new(None),
            })
        }))
    }

    fn definitions(&self) -> Vec<Arc<Definition>> {
        self.lock().values().cloned().collect()
    }

    fn definition_path(&self, id: &DefinitionId) -> PathBuf {
        self.inner
            .config
            .data_dir
            .join("definitions")
            .join(format!("{}.json", id.0))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<DefinitionId, Arc<Definition>>> {
        lock(&self.inner.definitions)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The error of an answer that does not fit its call.
fn unexpected(answer: Answer) -> HostError {
    HostError::Worker(format!("the worker answered {answer:?}"))
}

/// Writes `contents` to `path` through a temporary file renamed into place, so that
/// a crash never leaves half a file.
fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&temporary, contents)?;
    std::fs::File::open(&temporary)?.sync_all()?;
    std::fs::rename(&temporary, path)
}
