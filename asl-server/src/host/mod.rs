//! The compiled machines of the server, run by worker processes.
//!
//! A definition given to [`Host::prepare`] (with the name of its state machine) is
//! kept in the execution store (a note, its id a hash of both) so that executions
//! can be resumed with it after a restart, by any server sharing the store, and
//! compiled in the background.
//!
//! **Compiles come in batches.** One compile runs at a time; the definitions
//! prepared meanwhile queue up, and the next compile takes them all (up to
//! [`Limits::batch_definitions`], and up to [`Limits::batch_bytes`] of generated
//! code, a definition larger than that alone) into one crate with one module per
//! definition, built by one cargo build into one binary. Each definition's module
//! is its machine in that binary, under a key (its id). Which binary and key a
//! definition compiled into is kept beside it (`definitions/<id>.compiled.json`,
//! with the build key of `asl_build`), so a definition is compiled once, also
//! across restarts, as long as its binary is in the cache and was built from the
//! runtime and toolchain of today. A compile running longer than
//! [`Limits::compile_timeout`] is killed and its definitions fail with
//! [`HostError::Compile`]; a module the compiler rejects fails alone, and the
//! others of its batch are built again without it.
//!
//! **One worker process per binary** (the binary run with `--worker`) hosts every
//! machine in it and checkpoints to the server's execution store itself: a machine
//! that crashes takes down its worker, never the server, and the host starts
//! another, which resumes the executions of all the machines the dead one left. A
//! worker running no execution and called by no one for [`Limits::worker_idle`] is
//! stopped, and started again by the next call; at most [`Limits::workers`] run
//! at once, as long as the ones beyond are idle (busy workers are never stopped).
//!
//! An execution keeps the definition it started with: its definition's id is noted
//! in the store before it starts, and every later call for it (stop, redrive, a
//! callback's outcome) and its resumption go to that definition's machine.

mod batch;
mod compile;
mod pool;
mod worker;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_build::Cache;
use asl_engine::Control;
use asl_engine::store::ExecutionStatus;
use asl_runtime::arn::Account;
use asl_runtime::hooks::SpreadChild;
use asl_runtime::map::progress::{self, Update};
use asl_runtime::task::callback;
use asl_standalone::worker::protocol::{
    ActivityTask, Answer, Ask, Call, Ended, Failure, Test, Tested, definition_key,
};
use asl_store_postgres::fleet::{Announcement, Node, given_key, stop_key, update_key, want_key};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::{OnceCell, watch};

use pool::Binary;

/// Why the host could not do what was asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HostError {
    /// The definition could not be compiled; what the compiler said.
    #[error("the state machine could not be compiled: {0}")]
    Compile(String),
    /// The worker running the machine failed.
    #[error("{0}")]
    Worker(String),
    /// The worker running the machine exited before answering (it crashed, or its
    /// node lost its lease).
    #[error("the worker running the state machine exited")]
    Exited,
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
    /// The execution store the workers checkpoint to: a SQLite file, or a
    /// PostgreSQL URL (`postgres://...`) with [`HostConfig::fleet`].
    pub db: PathBuf,
    /// The cache compiled machines are kept in.
    pub cache: Cache,
    /// The bindings of Task states, as for `asl run`.
    pub bindings: Option<PathBuf>,
    /// The mock configuration whose test cases executions may run.
    pub mock_config: Option<PathBuf>,
    /// The account the ARNs name.
    pub account: Arc<Account>,
    /// How compiles and workers are bounded.
    pub limits: Limits,
    /// The OTLP/HTTP endpoint the workers export their traces to; without it,
    /// they export to `OTEL_EXPORTER_OTLP_ENDPOINT` if the environment names one.
    pub otlp_endpoint: Option<String>,
    /// On PostgreSQL, the node of the fleet this server is: its workers write for
    /// it, and it runs only the executions it owns (see [`crate::fleet`]).
    pub fleet: Option<Arc<Node>>,
}

impl HostConfig {
    /// Definitions kept in `data_dir`, executions in the SQLite file `db`,
    /// binaries in `cache`; no bindings, the default account and limits.
    pub fn new(data_dir: impl Into<PathBuf>, db: impl Into<PathBuf>, cache: Cache) -> HostConfig {
        HostConfig {
            data_dir: data_dir.into(),
            db: db.into(),
            cache,
            bindings: None,
            mock_config: None,
            account: Account::shared_default(),
            limits: Limits::default(),
            otlp_endpoint: None,
            fleet: None,
        }
    }
}

/// How compiles and workers are bounded (see the [module](self)).
///
/// A batch compiles in about 1.5 s plus 0.22 s per typical definition of the
/// conformance corpus on 2 cores, and the compiler's memory grows with it (2.2 GB
/// for 300; see `docs/speed.md` and the `compile_speed` test): the defaults keep
/// one compile near a minute and a few GB, far below the timeout, which is there
/// for pathological definitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// A compile running longer is killed, and its definitions fail. Default: 10
    /// minutes.
    pub compile_timeout: Duration,
    /// At most this many definitions compile together. Default: 300.
    pub batch_definitions: usize,
    /// At most this much generated Rust (bytes) compiles together; a definition
    /// whose module is larger compiles alone. Default: 16 MiB.
    pub batch_bytes: usize,
    /// A worker that runs no execution and got no call for this long is stopped
    /// (the next call starts it again). Default: 60 s.
    pub worker_idle: Duration,
    /// At most this many workers run at once: starting another stops the idle ones
    /// called least recently first; busy workers are never stopped, so more may
    /// run while all are busy. Default: 32.
    pub workers: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            compile_timeout: Duration::from_secs(600),
            batch_definitions: 300,
            batch_bytes: 16 << 20,
            worker_idle: Duration::from_secs(60),
            workers: 32,
        }
    }
}

/// The id of a compiled definition: a hash of the state machine's name and its
/// definition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefinitionId(String);

impl DefinitionId {
    /// The id of `definition` of the state machine `machine`.
    pub fn of(machine: &str, definition: &str) -> DefinitionId {
        DefinitionId::built(machine, definition, None)
    }

    /// The id of `definition` of `machine` as `build` says: the same definition
    /// compiled for TestState is another machine.
    fn built(machine: &str, definition: &str, test: Option<&[String]>) -> DefinitionId {
        let mut hash = Sha256::new();
        hash.update(machine.as_bytes());
        hash.update([0]);
        hash.update(definition.as_bytes());
        if let Some(variables) = test {
            hash.update(b"\0test-state");
            for name in variables {
                hash.update([0]);
                hash.update(name.as_bytes());
            }
        }
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

/// A [`Host`] that does not keep it alive (for the tasks that end with it).
#[derive(Debug, Clone)]
pub struct WeakHost(std::sync::Weak<Inner>);

impl WeakHost {
    /// The host, while it lives.
    pub fn upgrade(&self) -> Option<Host> {
        self.0.upgrade().map(|inner| Host { inner })
    }
}

#[derive(Debug)]
struct Inner {
    config: HostConfig,
    control: Arc<Control>,
    definitions: Mutex<HashMap<DefinitionId, Arc<Definition>>>,
    /// The definition new executions of each state machine run, by name.
    deployed: Mutex<HashMap<String, DefinitionId>>,
    /// The definitions waiting for the next compile.
    queue: Mutex<batch::Queue>,
    /// What binaries compiled now are built from besides their modules.
    build_key: OnceCell<Result<String, HostError>>,
    /// How many batches were handed to the compiler.
    compiles: AtomicUsize,
    /// The compiled binaries in use, by path, with their workers.
    binaries: Mutex<HashMap<PathBuf, Arc<Binary>>>,
    /// Whether the task stopping idle workers runs.
    reaping: AtomicBool,
    /// Becomes `true` when the server stops: `GetActivityTask` waits no longer.
    stopping: watch::Sender<bool>,
    /// On PostgreSQL, the `GetActivityTask` requests this node asked the others
    /// to answer, by id: where a task given for one goes.
    wanted: Mutex<HashMap<String, tokio::sync::mpsc::UnboundedSender<ActivityTask>>>,
}

/// A definition of a state machine, and where it is compiled once it is.
#[derive(Debug)]
struct Definition {
    id: DefinitionId,
    machine: String,
    text: String,
    /// For a machine compiled for TestState: the variables the test sets.
    test: Option<Vec<String>>,
    /// Whether it was handed to the compile queue.
    queued: AtomicBool,
    /// Its binary and key there, or why it could not be compiled, once known.
    compiled: watch::Sender<Option<Result<Compiled, HostError>>>,
}

/// Where a definition is compiled: a machine of a binary.
#[derive(Debug, Clone)]
struct Compiled {
    binary: Arc<Binary>,
    /// The machine's key in the binary.
    key: String,
}

/// How long after a worker exited another starts in its place (doubled for each
/// worker of the same binary in a row that died young: `pool::restart_delay`).
const RESTART_DELAY: Duration = Duration::from_millis(200);

/// How long `StopExecution` of an execution another node runs waits for it to stop.
const STOP_ELSEWHERE: Duration = Duration::from_secs(60);

/// How often `GetActivityTask` asks the other nodes of a fleet again while it waits.
const ASK_EVERY: Duration = Duration::from_millis(250);

/// How long `GetActivityTask` waits for the task another node claimed its request
/// for (it takes the task, notes it and announces it).
const GIVEN_WITHIN: Duration = Duration::from_secs(10);

/// How often `GetActivityTask` looks at the workers again while it waits.
const ACTIVITY_POLL: Duration = Duration::from_millis(50);

impl Host {
    /// A host running machines as `config` says, on the store of `control`.
    pub fn new(config: HostConfig, control: Arc<Control>) -> Host {
        Host {
            inner: Arc::new(Inner {
                config,
                control,
                definitions: Mutex::new(HashMap::new()),
                deployed: Mutex::new(HashMap::new()),
                queue: Mutex::new(batch::Queue::default()),
                build_key: OnceCell::new(),
                compiles: AtomicUsize::new(0),
                binaries: Mutex::new(HashMap::new()),
                reaping: AtomicBool::new(false),
                stopping: watch::Sender::new(false),
                wanted: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// On PostgreSQL, the node of the fleet this server is.
    pub fn fleet(&self) -> Option<&Arc<Node>> {
        self.inner.config.fleet.as_ref()
    }

    /// This host, without keeping it alive.
    pub fn downgrade(&self) -> WeakHost {
        WeakHost(Arc::downgrade(&self.inner))
    }

    /// The server stops: the `GetActivityTask` long polls in flight end at once
    /// without a task (as their 60 s would have), and later ones do not wait, so
    /// that a graceful shutdown does not wait for them. A call to a worker in
    /// flight is never cut off: a task it took is handed out.
    pub fn stop_polls(&self) {
        self.inner.stopping.send_replace(true);
    }

    /// Keeps `definition` of state machine `machine` and starts compiling it in the
    /// background unless it was before (a compile that failed, such as one past
    /// its time, is tried again); returns its id at once. The definition must be
    /// valid (checked by the caller with the diagnostics it reports).
    pub fn prepare(&self, machine: &str, definition: &str) -> Result<DefinitionId, HostError> {
        self.prepare_built(machine, definition, None)
    }

    /// [`Host::prepare`] for `TestState`: `definition` (valid, its first state the
    /// one under test) compiled for TestState (see
    /// `asl_codegen::Settings::for_test_state`), with the names of the `variables`
    /// the test sets.
    pub fn prepare_test(
        &self,
        machine: &str,
        definition: &str,
        variables: Vec<String>,
    ) -> Result<DefinitionId, HostError> {
        self.prepare_built(machine, definition, Some(variables))
    }

    fn prepare_built(
        &self,
        machine: &str,
        definition: &str,
        test: Option<Vec<String>>,
    ) -> Result<DefinitionId, HostError> {
        let id = DefinitionId::built(machine, definition, test.as_deref());
        let known = self.lock().get(&id).cloned();
        if let Some(known) = known {
            let failed = matches!(*known.compiled.borrow(), Some(Err(_)));
            if failed {
                known.compiled.send_replace(None);
                known.queued.store(false, Ordering::SeqCst);
                let host = self.clone();
                tokio::spawn(async move {
                    let _ = host.compiled_of(&known).await;
                });
            }
            return Ok(id);
        }
        // Kept in the store, where every server sharing it finds it (to resume an
        // execution another started).
        let record = serde_json::json!({
            "machine": machine,
            "definition": definition,
            "testState": test,
        });
        drop(
            self.inner
                .control
                .store()
                .note(stored_definition_key(&id), record.to_string()),
        );
        let definition = self.insert(&id, machine, definition, test);
        let host = self.clone();
        tokio::spawn(async move {
            let _ = host.compiled_of(&definition).await;
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
        self.compiled_of(&self.definition(id)?).await.map(|_| ())
    }

    /// How many batches of definitions this host has handed to the compiler: each
    /// is one cargo build (none when the cache held its binary already). For tests
    /// and metrics.
    pub fn compile_count(&self) -> usize {
        self.inner.compiles.load(Ordering::SeqCst)
    }

    /// `StartExecution` of a STANDARD machine: starts execution `name` of
    /// definition `id` durably; its ARN once the start is committed.
    pub async fn start(
        &self,
        id: &DefinitionId,
        name: &str,
        input: Value,
    ) -> Result<String, HostError> {
        self.start_with(id, name, input, None).await
    }

    /// [`Host::start`], the execution running `test_case` of the mock
    /// configuration if given (`InvalidName` when there is no such test case).
    pub async fn start_with(
        &self,
        id: &DefinitionId,
        name: &str,
        input: Value,
        test_case: Option<String>,
    ) -> Result<String, HostError> {
        let definition = self.definition(id)?;
        let call = Call::Start {
            name: name.to_owned(),
            input,
            definition: id.0.clone(),
            test_case,
        };
        // A start is idempotent (the same name and input start nothing twice): when
        // the worker exited before answering, the next one is asked again.
        let answer = match self.call(&definition, call.clone()).await {
            Err(HostError::Exited) => {
                tokio::time::sleep(RESTART_DELAY).await;
                self.call(&definition, call).await?
            }
            answer => answer?,
        };
        match answer {
            Answer::Started { arn } => Ok(arn),
            other => Err(unexpected(other)),
        }
    }

    /// An EXPRESS execution `name` of definition `id`, run in memory to its end;
    /// its ARN ends with `express_id` (`express:<machine>:<name>:<express_id>`).
    pub async fn run(
        &self,
        id: &DefinitionId,
        name: &str,
        express_id: &str,
        input: Value,
    ) -> Result<Ended, HostError> {
        self.run_with(id, (name, express_id), input, None).await
    }

    /// [`Host::run`] of execution `(name, express_id)`, running `test_case` of the
    /// mock configuration if given (`InvalidName` when there is no such test case).
    pub async fn run_with(
        &self,
        id: &DefinitionId,
        (name, express_id): (&str, &str),
        input: Value,
        test_case: Option<String>,
    ) -> Result<Ended, HostError> {
        let definition = self.definition(id)?;
        let call = Call::Run {
            name: name.to_owned(),
            id: express_id.to_owned(),
            input,
            test_case,
        };
        match self.call(&definition, call).await? {
            Answer::Ended(ended) => Ok(ended),
            other => Err(unexpected(other)),
        }
    }

    /// `TestState`: runs the first state of definition `id` (prepared with
    /// [`Host::prepare_test`]) alone, as `test` says.
    pub async fn test(&self, id: &DefinitionId, test: Test) -> Result<Tested, HostError> {
        let definition = self.definition(id)?;
        match self.call(&definition, Call::Test(Box::new(test))).await? {
            Answer::Tested(tested) => Ok(*tested),
            other => Err(unexpected(other)),
        }
    }

    /// `StopExecution` of the running execution `arn`, once `ExecutionAborted` is
    /// committed. On PostgreSQL, an execution another node runs is stopped there
    /// (see `Host::stop_elsewhere`); a parked one is woken here to be stopped.
    pub async fn stop(
        &self,
        arn: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<(), HostError> {
        if let Some(node) = self.elsewhere(arn).await?
            && !wake(node, arn).await?
        {
            return self.stop_elsewhere(node, arn, error, cause).await;
        }
        self.stop_here(arn, error, cause).await
    }

    /// Stops `arn`, which this server runs (or owns, not running it yet).
    async fn stop_here(
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

    /// Stops `arn`, which another node runs: notes the error and cause, announces
    /// the stop, and waits until the execution ended, announcing it again every
    /// second (the node running it may die meanwhile, and the one taking it over
    /// must hear it too; or park it, and then this one wakes it to stop it).
    async fn stop_elsewhere(
        &self,
        node: &Node,
        arn: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<(), HostError> {
        let store = self.inner.control.store();
        let stop = serde_json::json!({ "error": error, "cause": cause }).to_string();
        store
            .note(stop_key(arn), stop)
            .await
            .map_err(|error| HostError::Worker(error.to_string()))?;
        let deadline = tokio::time::Instant::now() + STOP_ELSEWHERE;
        loop {
            if wake(node, arn).await? {
                return self.stop_here(arn, error, cause).await;
            }
            node.announce(&Announcement::Stop(arn.to_owned()))
                .await
                .map_err(|error| HostError::Worker(error.to_string()))?;
            for _ in 0..20 {
                let record = store
                    .execution(arn)
                    .map_err(|error| HostError::Worker(error.to_string()))?;
                if record.is_none_or(|record| record.position.status != ExecutionStatus::Running) {
                    return Ok(());
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(HostError::Worker(format!(
                    "the node running {arn} did not stop it within {STOP_ELSEWHERE:?}"
                )));
            }
        }
    }

    /// What a node announced that concerns this one: hands an answer or a
    /// heartbeat to a task waiting here, stops an execution that runs here.
    pub async fn announced(&self, announcement: Announcement) {
        let concerns_me = |arn: String| async move {
            match &self.inner.config.fleet {
                Some(node) => node.owns(&arn).await.unwrap_or(false),
                None => true,
            }
        };
        match announcement {
            Announcement::Callback(token) => {
                if let Some(arn) = callback::execution_of(&token)
                    && concerns_me(arn).await
                {
                    self.deliver_here(&token).await;
                }
            }
            Announcement::Heartbeat(token) => {
                if let Some(arn) = callback::execution_of(&token)
                    && concerns_me(arn).await
                {
                    self.heartbeat_here(&token).await;
                }
            }
            Announcement::Want { request, activity } => {
                if let Some(node) = &self.inner.config.fleet {
                    self.give_activity_task(node, request, activity).await;
                }
            }
            Announcement::Gave(request) => {
                // Only the node that asked reads what was given.
                let Some(waiting) = lock(&self.inner.wanted).remove(&request) else {
                    return;
                };
                let noted = self.inner.control.store().noted(&given_key(&request));
                let task = noted
                    .ok()
                    .flatten()
                    .and_then(|text| serde_json::from_str::<ActivityTask>(&text).ok());
                if let Some(task) = task {
                    let _ = waiting.send(task);
                }
            }
            Announcement::UpdateMapRun(map_run) => {
                let noted = self.inner.control.store().noted(&update_key(&map_run));
                let Some(noted) = noted
                    .ok()
                    .flatten()
                    .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                else {
                    return;
                };
                let Some(execution) = noted["execution"].as_str() else {
                    return;
                };
                if !concerns_me(execution.to_owned()).await {
                    return;
                }
                let update = Update {
                    max_concurrency: noted["maxConcurrency"].as_u64(),
                    tolerated_failure_percentage: noted["toleratedFailurePercentage"].as_f64(),
                    tolerated_failure_count: noted["toleratedFailureCount"].as_u64(),
                };
                if let Err(error) = self.update_map_run_here(execution, &map_run, update).await {
                    tracing::warn!(%error, %map_run, "cannot update a Map Run as another node asked");
                }
            }
            // The fleet's claimer of Distributed Map children hears those.
            Announcement::Children => {}
            Announcement::Stop(arn) => {
                if !concerns_me(arn.clone()).await {
                    return;
                }
                let noted = self.inner.control.store().noted(&stop_key(&arn));
                let stop: Value = noted
                    .ok()
                    .flatten()
                    .and_then(|text| serde_json::from_str(&text).ok())
                    .unwrap_or_default();
                let text = |key: &str| stop[key].as_str().map(str::to_owned);
                let (error, cause) = (text("error"), text("cause"));
                if let Ok(definition) = self.definition_of(&arn) {
                    let call = Call::Stop { arn, error, cause };
                    let _ = self.call(&definition, call).await;
                }
            }
        }
    }

    /// On PostgreSQL, the fleet's node when another node owns execution `arn`;
    /// `None` when this server runs it (or runs alone).
    async fn elsewhere(&self, arn: &str) -> Result<Option<&Node>, HostError> {
        let Some(node) = &self.inner.config.fleet else {
            return Ok(None);
        };
        let owns = node
            .owns(arn)
            .await
            .map_err(|error| HostError::Worker(error.to_string()))?;
        Ok((!owns).then_some(&**node))
    }

    /// `UpdateMapRun` of Map Run `map_run` of the running execution `execution`, in
    /// the worker that runs it. On PostgreSQL, a Map Run another node runs is
    /// updated there (see `Host::update_map_run_elsewhere`).
    pub async fn update_map_run(
        &self,
        execution: &str,
        map_run: &str,
        update: Update,
    ) -> Result<(), HostError> {
        if let Some(node) = self.elsewhere(execution).await? {
            return self
                .update_map_run_elsewhere(node, execution, map_run, update)
                .await;
        }
        self.update_map_run_here(execution, map_run, update).await
    }

    async fn update_map_run_here(
        &self,
        execution: &str,
        map_run: &str,
        update: Update,
    ) -> Result<(), HostError> {
        let definition = self.definition_of(execution)?;
        let call = Call::UpdateMapRun {
            arn: map_run.to_owned(),
            max_concurrency: update.max_concurrency,
            tolerated_failure_percentage: update.tolerated_failure_percentage,
            tolerated_failure_count: update.tolerated_failure_count,
        };
        self.call(&definition, call).await.map(|_| ())
    }

    /// Updates `map_run`, which another node runs: notes the changes, announces
    /// them, and waits until the run's record shows them (announcing again every
    /// second, as [`Host::stop_elsewhere`] does); `ValidationException` when the run
    /// ended meanwhile.
    async fn update_map_run_elsewhere(
        &self,
        node: &Node,
        execution: &str,
        map_run: &str,
        update: Update,
    ) -> Result<(), HostError> {
        let store = self.inner.control.store();
        let failed = |error: &dyn std::fmt::Display| HostError::Worker(error.to_string());
        let noted = serde_json::json!({
            "execution": execution,
            "maxConcurrency": update.max_concurrency,
            "toleratedFailurePercentage": update.tolerated_failure_percentage,
            "toleratedFailureCount": update.tolerated_failure_count,
        });
        store
            .note(update_key(map_run), noted.to_string())
            .await
            .map_err(|error| failed(&error))?;
        let deadline = tokio::time::Instant::now() + STOP_ELSEWHERE;
        loop {
            node.announce(&Announcement::UpdateMapRun(map_run.to_owned()))
                .await
                .map_err(|error| failed(&error))?;
            for _ in 0..20 {
                let record = store
                    .noted(&progress::record_key(map_run))
                    .map_err(|error| failed(&error))?
                    .and_then(|text| serde_json::from_str::<progress::Record>(&text).ok());
                match record {
                    Some(record) if record.status != progress::Status::Running => {
                        return Err(HostError::Api(Failure {
                            code: "ValidationException".into(),
                            message: format!("Map Run '{map_run}' has ended and cannot be updated"),
                        }));
                    }
                    Some(record) if applied(&record, update) => return Ok(()),
                    _ => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(HostError::Worker(format!(
                    "the node running {map_run} did not update it within {STOP_ELSEWHERE:?}"
                )));
            }
        }
    }

    /// `RedriveExecution` of `arn`, with the definition it started with.
    pub async fn redrive(&self, arn: &str) -> Result<String, HostError> {
        let definition = self.definition_of(arn)?;
        let call = Call::Redrive {
            arn: arn.to_owned(),
        };
        match self.call(&definition, call).await? {
            Answer::Started { arn } => Ok(arn),
            other => Err(unexpected(other)),
        }
    }

    /// After an outcome was recorded for `token` (`SendTaskSuccess`,
    /// `SendTaskFailure`): hands it to the state waiting for it now, rather than at
    /// its next look at the store. On PostgreSQL the store announced it, and the
    /// node that runs the execution hands it over; an execution parked while it
    /// waited is woken here, and goes on here.
    pub async fn deliver(&self, token: &str) {
        let Some(node) = &self.inner.config.fleet else {
            return self.deliver_here(token).await;
        };
        let Some(arn) = callback::execution_of(token) else {
            return;
        };
        match wake(node, &arn).await {
            Ok(true) => {
                if let Err(error) = self.resume_executions(vec![arn]).await {
                    tracing::error!(%error, "cannot go on with an execution whose task token was answered");
                }
            }
            Ok(false) => {}
            // Another node finds it answered (see `Node::fire_answered`).
            Err(error) => {
                tracing::warn!(%error, "cannot wake an execution whose task token was answered")
            }
        }
    }

    async fn deliver_here(&self, token: &str) {
        if let Some(definition) = self.definition_of_token(token) {
            let call = Call::Deliver {
                token: token.to_owned(),
            };
            let _ = self.call(&definition, call).await;
        }
    }

    /// `SendTaskHeartbeat` for `token`, to the worker of its execution, on
    /// whichever node runs it.
    pub async fn heartbeat(&self, token: &str) {
        if let Some(arn) = callback::execution_of(token)
            && let Ok(Some(node)) = self.elsewhere(&arn).await
        {
            let _ = node
                .announce(&Announcement::Heartbeat(token.to_owned()))
                .await;
            return;
        }
        self.heartbeat_here(token).await;
    }

    async fn heartbeat_here(&self, token: &str) {
        if let Some(definition) = self.definition_of_token(token) {
            let call = Call::Heartbeat {
                token: token.to_owned(),
            };
            let _ = self.call(&definition, call).await;
        }
    }

    /// `GetActivityTask`: the next task of `activity` that an execution of any
    /// worker offers, waiting up to `wait`; `None` when none came. On PostgreSQL,
    /// while no worker here offers one, the other nodes are asked every
    /// `ASK_EVERY` (see [`Announcement::Want`]); a task given after the wait
    /// ended is lost as a response cut off would be (its attempt times out).
    pub async fn activity_task(&self, activity: &str, wait: Duration) -> Option<ActivityTask> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut stopping = self.inner.stopping.subscribe();
        let (given, mut received) = tokio::sync::mpsc::unbounded_channel();
        // The one request of this poll the other nodes may answer (see
        // `Host::withdraw`): never two, so that at most one task is given for it.
        let mut outstanding: Option<String> = None;
        let mut last_ask: Option<tokio::time::Instant> = None;
        let found = loop {
            if let Ok(task) = received.try_recv() {
                break Some(task);
            }
            let ending = tokio::time::Instant::now() >= deadline || *stopping.borrow_and_update();
            let asking_again = last_ask.is_none_or(|asked| asked.elapsed() >= ASK_EVERY);
            let offered_here = self.offers_activity_task(activity).await;
            if let Some(request) = outstanding.take_if(|_| ending || asking_again || offered_here)
                && !self.withdraw(&request)
            {
                // Another node claimed it: its task is on its way.
                let task = tokio::time::timeout(GIVEN_WITHIN, received.recv()).await;
                break task.ok().flatten();
            }
            if offered_here && let Some(task) = self.take_activity_task(activity).await {
                break Some(task);
            }
            if ending {
                break None;
            }
            if let Some(node) = &self.inner.config.fleet
                && asking_again
            {
                let request = uuid::Uuid::new_v4().to_string();
                lock(&self.inner.wanted).insert(request.clone(), given.clone());
                outstanding = Some(request.clone());
                last_ask = Some(tokio::time::Instant::now());
                let want = Announcement::Want {
                    request,
                    activity: activity.to_owned(),
                };
                if let Err(error) = node.announce(&want).await {
                    tracing::warn!(%error, "cannot ask the other nodes for an activity task");
                }
            }
            tokio::select! {
                () = tokio::time::sleep(ACTIVITY_POLL) => {}
                _ = stopping.changed() => {}
                task = received.recv() => if let Some(task) = task { break Some(task) },
            }
        };
        lock(&self.inner.wanted).retain(|_, waiting| !waiting.same_channel(&given));
        found
    }

    /// Withdraws this node's request `request` for an activity task: `false` when
    /// another node claimed it first (it takes a task and gives it for the
    /// request). The first to record an outcome for it wins, so a request is
    /// either withdrawn or answered, never both.
    fn withdraw(&self, request: &str) -> bool {
        let store = self.inner.control.store();
        store
            .record_callback(&want_key(request), "withdrawn")
            .unwrap_or(true)
    }

    /// Whether a live worker of this server offers a task of `activity` now.
    async fn offers_activity_task(&self, activity: &str) -> bool {
        for binary in self.binaries() {
            let Some(busy) = binary.live_worker().await else {
                continue;
            };
            let call = Call::OffersActivityTask {
                activity: activity.to_owned(),
            };
            if let Ok(Answer::Offers(true)) = busy.worker.call(None, call).await {
                return true;
            }
        }
        false
    }

    /// The next task of `activity` a live worker of this server offers now.
    async fn take_activity_task(&self, activity: &str) -> Option<ActivityTask> {
        for binary in self.binaries() {
            let Some(busy) = binary.live_worker().await else {
                continue;
            };
            let call = Call::TakeActivityTask {
                activity: activity.to_owned(),
            };
            if let Ok(Answer::ActivityTask(Some(task))) = busy.worker.call(None, call).await {
                return Some(task);
            }
        }
        None
    }

    /// Another node's `GetActivityTask` request: when a live worker here offers a
    /// task of `activity`, claims the request (only one node does), takes the task
    /// and gives it.
    async fn give_activity_task(&self, node: &Node, request: String, activity: String) {
        let offering = self.offers_activity_task(&activity).await;
        let store = self.inner.control.store();
        if !offering
            || !store
                .record_callback(&want_key(&request), &node.id().to_string())
                .unwrap_or(false)
        {
            return;
        }
        // None when a local GetActivityTask took it meanwhile: the requester asks again.
        let Some(task) = self.take_activity_task(&activity).await else {
            return;
        };
        let Ok(text) = serde_json::to_string(&task) else {
            return;
        };
        let given = store.note(given_key(&request), text).await;
        if given.is_ok() && node.announce(&Announcement::Gave(request)).await.is_ok() {
            return;
        }
        tracing::warn!(token = %task.token, "an activity task taken for another node could not be given: its attempt will time out");
    }

    /// Goes on with every running execution in the store (on PostgreSQL, every one
    /// this node owns), each with the definition it started with (after a
    /// restart); returns how many.
    pub async fn resume(&self) -> Result<usize, HostError> {
        let arns = self.running().await?;
        self.resume_executions(arns).await
    }

    /// Runs `child`, a child of a Distributed Map that a node of the fleet handed
    /// out, in the worker of the definition its parent runs.
    pub async fn run_map_child(&self, child: SpreadChild) -> Result<Ended, HostError> {
        let definition = self.definition_of(&child.parent)?;
        match self
            .call(&definition, Call::RunChild(Box::new(child)))
            .await?
        {
            Answer::Ended(ended) => Ok(ended),
            other => Err(unexpected(other)),
        }
    }

    /// Goes on with the running executions `arns` (those a node took over), each
    /// with the definition it started with; returns how many.
    pub async fn resume_executions(&self, arns: Vec<String>) -> Result<usize, HostError> {
        let mut by_definition: HashMap<DefinitionId, Vec<String>> = HashMap::new();
        let store = self.inner.control.store();
        for arn in arns {
            let noted = store
                .noted(&definition_key(&arn))
                .map_err(|error| HostError::Worker(error.to_string()))?;
            if let Some(id) = noted {
                by_definition.entry(DefinitionId(id)).or_default().push(arn);
            }
        }
        let mut resumed = 0;
        let mut failed = None;
        for (id, arns) in by_definition {
            let call = Call::Resume { arns: arns.clone() };
            let answer = match self.definition(&id) {
                Ok(definition) => self.call(&definition, call).await,
                Err(error) => Err(error),
            };
            match answer {
                Ok(Answer::Resumed { count }) => resumed += count,
                Ok(_) => {}
                Err(error) => {
                    // On PostgreSQL, others may go on with them.
                    if let Some(node) = &self.inner.config.fleet
                        && let Err(released) = node.release(arns).await
                    {
                        tracing::warn!(%released, "cannot give up executions this node cannot run");
                    }
                    failed = Some(error);
                }
            }
        }
        failed.map_or(Ok(resumed), Err)
    }

    /// The running executions this server runs: all those in the store, or on
    /// PostgreSQL those its node owns.
    async fn running(&self) -> Result<Vec<String>, HostError> {
        if let Some(node) = &self.inner.config.fleet {
            return node
                .owned()
                .await
                .map_err(|error| HostError::Worker(error.to_string()));
        }
        let executions = self
            .inner
            .control
            .store()
            .executions()
            .map_err(|error| HostError::Worker(error.to_string()))?;
        Ok(executions
            .into_iter()
            .filter(|record| record.position.status == ExecutionStatus::Running)
            .map(|record| record.identity.arn)
            .collect())
    }

    /// Stops every worker now (their executions stop as in a crash): after this
    /// node lost its lease, so that none writes for it any more; the next call
    /// starts workers writing for its new id.
    pub async fn stop_workers(&self) {
        for binary in self.binaries() {
            binary.retire_now().await;
        }
    }

    /// Makes `call` to the machine of `definition` in its binary's worker, starting
    /// one (compiling the definition first if need be) when none runs.
    async fn call(&self, definition: &Arc<Definition>, call: Call) -> Result<Answer, HostError> {
        let compiled = self.compiled_of(definition).await?;
        let busy = self.worker(&compiled.binary).await?;
        match busy.worker.call(Some(compiled.key.clone()), call).await? {
            Answer::Failed(failure) => Err(HostError::Api(failure)),
            answer => Ok(answer),
        }
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

    /// Definition `id`: prepared in this process, or read back from the data
    /// directory.
    fn definition(&self, id: &DefinitionId) -> Result<Arc<Definition>, HostError> {
        if let Some(definition) = self.lock().get(id) {
            return Ok(Arc::clone(definition));
        }
        let unknown = || HostError::Unknown(id.0.clone());
        let noted = self
            .inner
            .control
            .store()
            .noted(&stored_definition_key(id))
            .map_err(|error| HostError::Worker(error.to_string()))?;
        // Data directories of before the store kept definitions have them as files.
        let text = match noted {
            Some(text) => text,
            None => std::fs::read_to_string(self.definition_path(id)).map_err(|_| unknown())?,
        };
        let record: Value = serde_json::from_str(&text).map_err(|_| unknown())?;
        let (Some(machine), Some(definition)) =
            (record["machine"].as_str(), record["definition"].as_str())
        else {
            return Err(unknown());
        };
        let test = serde_json::from_value(record["testState"].clone()).unwrap_or_default();
        Ok(self.insert(id, machine, definition, test))
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

    fn insert(
        &self,
        id: &DefinitionId,
        machine: &str,
        text: &str,
        test: Option<Vec<String>>,
    ) -> Arc<Definition> {
        Arc::clone(self.lock().entry(id.clone()).or_insert_with(|| {
            Arc::new(Definition {
                id: id.clone(),
                machine: machine.to_owned(),
                text: text.to_owned(),
                test,
                queued: AtomicBool::new(false),
                compiled: watch::Sender::new(None),
            })
        }))
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

/// Whether the Map Run `record` shows every change of `update`.
fn applied(record: &progress::Record, update: Update) -> bool {
    update
        .max_concurrency
        .is_none_or(|value| record.max_concurrency == value)
        && update
            .tolerated_failure_percentage
            .is_none_or(|value| record.tolerated_failure_percentage == value)
        && update
            .tolerated_failure_count
            .is_none_or(|value| record.tolerated_failure_count == value)
}

/// The key of the store note keeping definition `id` (its machine, text and, for
/// TestState, variables).
fn stored_definition_key(id: &DefinitionId) -> String {
    format!("asl-serve/definitions/{}", id.0)
}

/// Wakes `arn` if it is parked, for `node` to run it now (see [`Node::wake`]).
async fn wake(node: &Node, arn: &str) -> Result<bool, HostError> {
    node.wake(arn)
        .await
        .map_err(|error| HostError::Worker(error.to_string()))
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
