//! The durable engine: runs executions of one compiled state machine, checkpointing
//! every transition to a [`Store`], and resumes the unfinished ones after a restart.
//!
//! ```text
//! start ─► ExecutionStarted + first StateEntered committed (seq 0)
//!   each transition ─► its events + the next state and its input committed (seq n)
//!   end ─► ExecutionSucceeded / Failed / TimedOut / Aborted committed
//! ```
//!
//! A transition is acknowledged by the store before the next state runs, so a crash
//! loses at most the state in flight, which runs again on [`Engine::resume`]. Tasks are
//! therefore at least once: each attempt has an
//! [`idempotency_key`](asl_runtime::TaskContext::idempotency_key) that stays the same when it
//! runs again. Wait states count from their recorded entry, and the machine's
//! `TimeoutSeconds` from the recorded start, so both survive restarts.
//!
//! The unit of a checkpoint is a top-level transition. Inside a state, the
//! [`Journal`] keeps the outputs of the Parallel branches and Map iterations that
//! finished, and the retry progress of each state: a Parallel or Map state that is
//! interrupted runs again only what had not finished, and a retry backoff counts
//! from when it began.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, SystemTime};
use tracing::Instrument;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::{Notify, oneshot, watch};

use asl_runtime::ExecutionError;
use asl_runtime::arn::Account;
use asl_runtime::context::Execution;
use asl_runtime::exec::{MachineState, Workflow};
use asl_runtime::hooks::{Boxed, Notes, Park, Spread, SpreadChild};
use asl_runtime::journal::Journal;
use asl_runtime::limits;
use asl_runtime::task::Callbacks;
use asl_runtime::task::callback::{ActivityTask, Outcome};
use asl_runtime::task::nested::Starter;
use asl_runtime::variables::Variables;

use crate::callbacks::{ActivityQueue, TokenRegistry};
use crate::control::{self, Control, Runner};
use crate::drive::{self, DurableRun, Stop};
use crate::error::{EngineError, valid_name};
use crate::history::{Details, EventType, HistoryEvent, Recorder, Redriven, Started, Truncated};
use crate::machines::{self, Machines};
use crate::park::Parker;
use crate::store::{
    Checkpoint, Created, ExecutionRecord, ExecutionStatus, Identity, Position, Store, StoreError,
};

/// Runs and keeps executions of the state machine `W`.
///
/// The methods that take an `execution` accept its name or its ARN; an ARN of
/// another machine's execution is [`EngineError::DoesNotExist`].
#[derive(Debug)]
pub struct Engine<W> {
    shared: Arc<Shared<W>>,
}

impl<W> Clone for Engine<W> {
    fn clone(&self) -> Self {
        Engine {
            shared: Arc::clone(&self.shared),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Shared<W> {
    workflow: W,
    store: Arc<dyn Store>,
    tokens: Arc<TokenRegistry>,
    activities: Arc<ActivityQueue>,
    callbacks: Arc<Callbacks>,
    running: Mutex<HashMap<String, Handle>>,
    /// Why the runs that stopped without ending stopped (a commit refused or failed),
    /// by execution ARN, until the execution runs again.
    stopped: Mutex<HashMap<String, EngineError>>,
    /// The account the ARNs of its executions name (see [`Engine::with_account`]).
    account: RwLock<Arc<Account>>,
    /// Where the children of its Distributed Maps run (see [`Engine::with_spread`]).
    spread: RwLock<Option<Arc<dyn Spread>>>,
}

/// An execution running in this process.
#[derive(Debug)]
struct Handle {
    /// Becomes `true` when it ended (and its last checkpoint is committed).
    ended: watch::Receiver<bool>,
    /// Stops it with the error and cause given.
    stop: Option<oneshot::Sender<Stop>>,
}

impl<W> Engine<W>
where
    W: Workflow + Send + 'static,
    W::State: Serialize + DeserializeOwned + 'static,
{
    /// An engine running `workflow`, checkpointing to `store`. Call
    /// [`Engine::resume`] to go on with the executions a previous process left
    /// unfinished.
    pub fn new(workflow: W, store: impl Store) -> Engine<W> {
        Engine::with_store(workflow, Arc::new(store))
    }

    /// An engine sharing `store` with others (one per state machine).
    pub fn with_store(workflow: W, store: Arc<dyn Store>) -> Engine<W> {
        let tokens = Arc::new(TokenRegistry::new(Arc::clone(&store)));
        let activities = Arc::new(ActivityQueue::new(Arc::clone(&store)));
        Engine::build(workflow, store, tokens, activities, None)
    }

    /// An engine whose executions can start executions of the other machines in
    /// `machines` (`states:startExecution`), and be started by theirs; it registers
    /// itself there under its machine's name.
    pub fn with_machines(
        workflow: W,
        store: Arc<dyn Store>,
        machines: &Arc<Machines>,
    ) -> Engine<W> {
        let tokens = Arc::new(TokenRegistry::new(Arc::clone(&store)));
        let activities = Arc::new(ActivityQueue::new(Arc::clone(&store)));
        let engine = Engine::build(
            workflow,
            store,
            tokens,
            activities,
            Some(Arc::clone(machines) as _),
        );
        engine.register_in(machines);
        engine
    }

    /// An engine whose executions start the executions of other machines
    /// (`states:startExecution`) through `machines`, which may run them anywhere
    /// (a server hands them to the process that runs each machine); it is not
    /// registered there itself.
    pub fn with_nested(
        workflow: W,
        store: Arc<dyn Store>,
        machines: Arc<dyn asl_runtime::hooks::Machines>,
    ) -> Engine<W> {
        let tokens = Arc::new(TokenRegistry::new(Arc::clone(&store)));
        let activities = Arc::new(ActivityQueue::new(Arc::clone(&store)));
        Engine::build(workflow, store, tokens, activities, Some(machines))
    }

    /// An engine that joins `control`: it checkpoints to the control's store,
    /// shares its task tokens and activity tasks, starts executions of the other
    /// machines of the control (`states:startExecution`) and is started by theirs,
    /// and the control routes the calls for its executions to it (see
    /// [`Control`]).
    pub fn with_control(workflow: W, control: &Control) -> Engine<W> {
        let engine = Engine::build(
            workflow,
            Arc::clone(&control.store),
            Arc::clone(&control.tokens),
            Arc::clone(&control.activities),
            Some(Arc::clone(&control.machines) as _),
        );
        engine.register_in(&control.machines);
        control.register(Arc::new(engine.clone()));
        engine
    }

    fn build(
        workflow: W,
        store: Arc<dyn Store>,
        tokens: Arc<TokenRegistry>,
        activities: Arc<ActivityQueue>,
        machines: Option<Arc<dyn asl_runtime::hooks::Machines>>,
    ) -> Engine<W> {
        let callbacks = Callbacks {
            tokens: Arc::clone(&tokens) as _,
            activities: Arc::clone(&activities) as _,
            machines,
        };
        Engine {
            shared: Arc::new(Shared {
                workflow,
                tokens,
                activities,
                callbacks: Arc::new(callbacks),
                store,
                running: Mutex::new(HashMap::new()),
                stopped: Mutex::new(HashMap::new()),
                account: RwLock::new(Account::shared_default()),
                spread: RwLock::new(None),
            }),
        }
    }

    /// Registers this engine in `machines` under its machine's name, without keeping
    /// it alive.
    fn register_in(&self, machines: &Machines) {
        let name = self.shared.workflow.name();
        machines.register(name, Arc::new(Registered(Arc::downgrade(&self.shared))));
    }

    /// The same engine, the ARNs of the executions it starts or resumes from now on
    /// naming `account` (its partition, region and id) instead of
    /// [`Account::default`]; the store keeps executions by ARN, so give an engine
    /// the same account across restarts.
    pub fn with_account(self, account: impl Into<Arc<Account>>) -> Engine<W> {
        *self
            .shared
            .account
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = account.into();
        self
    }

    /// The same engine, the children of the Distributed Maps of the executions it
    /// starts or resumes from now on run wherever `spread` hands them (any process
    /// of a fleet sharing the store), each process running them with
    /// [`Engine::run_map_child`].
    pub fn with_spread(self, spread: Arc<dyn Spread>) -> Engine<W> {
        *self
            .shared
            .spread
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(spread);
        self
    }

    /// Runs `child`, a child execution of a Distributed Map that a process of the
    /// fleet handed out (see [`Engine::with_spread`]), as its parent's process
    /// would: its output, or the error it failed with.
    pub async fn run_map_child(&self, child: SpreadChild) -> Result<Value, ExecutionError> {
        let SpreadChild {
            parent,
            state_machine,
            map_state,
            name,
            input,
            seed,
            ..
        } = child;
        let parent_name = parent.rsplit(':').next().unwrap_or_default().to_owned();
        let parent = Execution::without_input(&state_machine, Some(parent_name))
            .with_account(self.account())
            .with_seed(seed);
        let workflow = &self.shared.workflow;
        match workflow.map_child(&map_state, &parent, name, input) {
            Some(ran) => ran.await,
            None => Err(ExecutionError::runtime(format!(
                "The state machine '{state_machine}' has no Distributed Map state '{map_state}' \
                 whose children run in any process"
            ))),
        }
    }

    /// The account the ARNs of its executions name.
    pub fn account(&self) -> Arc<Account> {
        self.shared.account()
    }

    /// The store the engine checkpoints to.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.shared.store
    }

    /// The ARN of this machine's execution `name`.
    pub fn arn(&self, name: &str) -> String {
        Execution::without_input(self.shared.workflow.name(), Some(name.to_owned()))
            .with_account(self.account())
            .id()
    }

    /// Starts execution `name` with `input` and returns its ARN once its start is
    /// committed. Starting a name that is running with the same input returns the
    /// same ARN and starts nothing, as `StartExecution` does; any other reuse of a
    /// name is [`EngineError::AlreadyExists`].
    pub async fn start(&self, name: &str, input: Value) -> Result<String, EngineError> {
        if !valid_name(name) {
            return Err(EngineError::InvalidName(name.to_owned()));
        }
        limits::check_execution_input(&input).map_err(EngineError::InvalidInput)?;
        let shared = &self.shared;
        let input_text = input.to_string();
        let execution = self.execution(name, &input, SystemTime::now());
        let arn = execution.id();
        let state = shared.workflow.start(input);
        let state_text = drive::state_text(&state)?;
        let entered = SystemTime::now();
        let mut recorder = Recorder::after(0);
        recorder.record_at(
            execution.start_time(),
            EventType::ExecutionStarted,
            Details::ExecutionStarted(Started {
                input: input_text.clone(),
                input_details: Truncated::default(),
                role_arn: execution.role_arn(),
            }),
        );
        drive::record_entry(&mut recorder, entered, &state, &state_text);
        let checkpoint = Checkpoint {
            arn: arn.clone(),
            start: Some(Identity {
                arn: arn.clone(),
                machine: shared.workflow.name().to_owned(),
                name: name.to_owned(),
                input: input_text.clone(),
                start: execution.start_time(),
            }),
            position: Position::running(0, state_text, None, recorder.last_id(), entered),
            events: recorder.take(),
        };
        match shared.store.commit(checkpoint).await? {
            Created::New => {
                let (park, parked) = self.parker(&arn, execution.start_time());
                let execution = execution.with_park(park);
                let mut run = asl_runtime::Run::new(Arc::new(execution));
                run.enter_at(state.name(), recorder.last_id(), entered);
                let run = DurableRun::new(arn.clone(), state, run, recorder, 0, None, parked)?;
                self.spawn(run, None);
                Ok(arn)
            }
            Created::Existing(record) => {
                let same = record.position.status == ExecutionStatus::Running
                    && serde_json::from_str::<Value>(&record.identity.input).ok()
                        == serde_json::from_str::<Value>(&input_text).ok();
                if same {
                    Ok(arn)
                } else {
                    Err(EngineError::AlreadyExists(name.to_owned()))
                }
            }
        }
    }

    /// Starts execution `name` and waits for it to end.
    pub async fn run(&self, name: &str, input: Value) -> Result<ExecutionRecord, EngineError> {
        self.start(name, input).await?;
        self.wait(name).await
    }

    /// Goes on with every execution of this machine the store holds as running and
    /// this engine does not run yet (those a stopped or crashed process left); returns
    /// how many.
    pub fn resume(&self) -> Result<usize, EngineError> {
        let machine = self.shared.workflow.name();
        let mut resumed = 0;
        for record in self.shared.store.executions()? {
            let running = record.position.status == ExecutionStatus::Running
                && record.identity.machine == machine
                && !self.running().contains_key(&record.identity.arn);
            if running {
                self.spawn(self.resumed(record)?, None);
                resumed += 1;
            }
        }
        Ok(resumed)
    }

    /// Goes on with execution `arn` of this machine if the store holds it as running
    /// and this engine does not run it yet; returns whether it did. A server that
    /// hosts several definitions of one machine (its versions) resumes each
    /// execution with the definition it started with, where [`Engine::resume`] would
    /// take them all.
    pub fn resume_execution(&self, arn: &str) -> Result<bool, EngineError> {
        let record = control::stored(&*self.shared.store, arn, arn)?;
        let resumable = record.position.status == ExecutionStatus::Running
            && record.identity.machine == self.shared.workflow.name()
            && !self.running().contains_key(arn);
        if resumable {
            self.spawn(self.resumed(record)?, None);
        }
        Ok(resumable)
    }

    /// `DescribeExecution`: `execution` (its name or ARN) as last committed.
    pub fn describe(&self, execution: &str) -> Result<ExecutionRecord, EngineError> {
        let record = control::stored(&*self.shared.store, &self.arn_of(execution), execution)?;
        if record.identity.machine == self.shared.workflow.name() {
            Ok(record)
        } else {
            Err(EngineError::DoesNotExist(execution.to_owned()))
        }
    }

    /// This machine's executions, in the order they started.
    pub fn list(&self) -> Result<Vec<ExecutionRecord>, EngineError> {
        control::list(&*self.shared.store, Some(self.shared.workflow.name()), None)
    }

    /// The history of `execution` (its name or ARN), oldest event first.
    pub fn history(&self, execution: &str) -> Result<Vec<HistoryEvent>, EngineError> {
        let record = self.describe(execution)?;
        Ok(self.shared.store.history(&record.identity.arn)?)
    }

    /// Waits until `execution` (its name or ARN) has ended, and returns it as
    /// committed. When its run here stopped without ending (a commit refused, or the
    /// store failed or is poisoned: see [`StoreError::Poisoned`](crate::store::StoreError::Poisoned)),
    /// the error it stopped on; the caller decides whether the process goes on. An
    /// execution this engine does not run (another process runs it) is returned at
    /// once, as committed: check its status.
    pub async fn wait(&self, execution: &str) -> Result<ExecutionRecord, EngineError> {
        let ended = self
            .running()
            .get(&self.arn_of(execution))
            .map(|handle| handle.ended.clone());
        if let Some(mut ended) = ended {
            // An error means the run is gone, and then it has committed its end.
            let _ = ended.wait_for(|ended| *ended).await;
        }
        if let Some(error) = self.shared.lock_stopped().get(&self.arn_of(execution)) {
            return Err(error.clone());
        }
        self.describe(execution)
    }

    /// `StopExecution`: aborts `execution` (its name or ARN) with `error` and
    /// `cause` (both optional, as AWS allows), and waits until `ExecutionAborted` is
    /// committed. Stopping an execution that has ended changes nothing; one the
    /// store holds as running that this engine does not run (parked, or not resumed
    /// yet) goes on only to be stopped, before its state runs again.
    pub async fn stop(
        &self,
        execution: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<ExecutionRecord, EngineError> {
        let stop = Stop { error, cause };
        let running = self
            .running()
            .get_mut(&self.arn_of(execution))
            .map(|handle| handle.stop.take());
        match running {
            Some(Some(stopper)) => {
                // A closed channel means the run ended meanwhile: nothing to stop.
                let _ = stopper.send(stop);
            }
            // Being stopped.
            Some(None) => {}
            // Not run here: parked, or not resumed yet. It goes on only to stop.
            None => {
                let record = self.describe(execution)?;
                if record.position.status == ExecutionStatus::Running {
                    self.spawn(self.resumed(record)?, Some(stop));
                }
            }
        }
        self.wait(execution).await
    }

    /// `RedriveExecution`: goes on with a failed, timed-out or aborted `execution`
    /// (its name or ARN) from
    /// the state it ended in (its input and the variables as they were), keeping the
    /// states that succeeded; `$$.Execution.RedriveCount` counts the redrives, and
    /// `TimeoutSeconds` counts from the redrive. A Parallel or Map state runs again
    /// only the branches or iterations that did not finish in its failed attempt.
    /// Anything else is [`EngineError::NotRedrivable`].
    pub async fn redrive(&self, execution: &str) -> Result<String, EngineError> {
        let record = self.describe(execution)?;
        let arn = record.identity.arn.clone();
        let redrivable = matches!(
            record.position.status,
            ExecutionStatus::Failed | ExecutionStatus::TimedOut | ExecutionStatus::Aborted
        ) && !self.running().contains_key(&arn);
        let not_redrivable = || EngineError::NotRedrivable(execution.to_owned());
        let state_text = record
            .position
            .state
            .clone()
            .filter(|_| redrivable)
            .ok_or_else(not_redrivable)?;
        let state: W::State = serde_json::from_str(&state_text).map_err(|_| not_redrivable())?;
        let redrive_count = record.position.redrive_count + 1;
        let now = SystemTime::now();
        let mut recorder = Recorder::after(record.position.last_event_id);
        recorder.record_at(
            now,
            EventType::ExecutionRedriven,
            Details::ExecutionRedriven(Redriven { redrive_count }),
        );
        drive::record_entry(&mut recorder, now, &state, &state_text);
        self.journal()
            .redrive(
                &arn,
                state.name(),
                record.position.entered_event_id,
                recorder.last_id(),
            )
            .await;
        let seq = record.position.seq + 1;
        let variables = record.position.variables;
        let position = Position {
            redrive_count,
            redrive_date: Some(now),
            ..Position::running(seq, state_text, variables, recorder.last_id(), now)
        };
        let checkpoint = Checkpoint {
            arn: arn.clone(),
            start: None,
            position: position.clone(),
            events: recorder.take(),
        };
        self.shared.store.commit(checkpoint).await?;
        let identity = record.identity;
        self.spawn(self.resumed(ExecutionRecord { identity, position })?, None);
        Ok(arn)
    }

    /// `GetActivityTask`: the next task of the activity `activity_arn` (as the Task
    /// state's Resource names it), long-polling up to 60 seconds as AWS does;
    /// `None` when none came. The worker answers with [`Engine::send_task_success`]
    /// or [`Engine::send_task_failure`], and heartbeats with
    /// [`Engine::send_task_heartbeat`], using the task's token.
    pub async fn get_activity_task(&self, activity_arn: &str) -> Option<ActivityTask> {
        self.next_activity_task(activity_arn, Duration::from_secs(60))
            .await
    }

    /// The next task of the activity `activity_arn`, waiting up to `wait` for one
    /// (zero: only one offered already); leased as for
    /// [`Engine::get_activity_task`].
    pub async fn next_activity_task(
        &self,
        activity_arn: &str,
        wait: Duration,
    ) -> Option<ActivityTask> {
        self.shared.activities.next(activity_arn, wait).await
    }

    /// Whether a task of the activity `activity_arn` is offered now, without taking
    /// it.
    pub fn offers_activity_task(&self, activity_arn: &str) -> bool {
        self.shared.activities.offers(activity_arn)
    }

    /// Hands the outcome recorded for `token` (by another process sharing the
    /// store, such as a server answering `SendTaskSuccess`) to the state of this
    /// engine waiting for it, at once rather than at its next look at the store;
    /// returns whether one waited here.
    pub fn deliver_callback(&self, token: &str) -> bool {
        self.shared.tokens.deliver(token)
    }

    /// How many executions run in this engine now (started, resumed or redriven
    /// here and not ended); a process hosting engines may stop when none does.
    pub fn running_count(&self) -> usize {
        self.running().len()
    }

    /// The machine it runs.
    pub fn workflow(&self) -> &W {
        &self.shared.workflow
    }

    /// `SendTaskSuccess`: the callback task waiting for `token` succeeds with
    /// `output`. The outcome is committed before this returns, so it survives a
    /// crash; an execution running in another process sharing the store picks it up
    /// within a second.
    pub fn send_task_success(&self, token: &str, output: Value) -> Result<(), EngineError> {
        self.shared.tokens.send(token, Outcome::Success(output))
    }

    /// `SendTaskFailure`: the callback task waiting for `token` fails with `error`
    /// and `cause`, which its Retry and Catch see.
    pub fn send_task_failure(
        &self,
        token: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<(), EngineError> {
        self.shared
            .tokens
            .send(token, Outcome::Failure { error, cause })
    }

    /// `SendTaskHeartbeat`: restarts the `HeartbeatSeconds` clock of the callback
    /// task waiting for `token`.
    pub fn send_task_heartbeat(&self, token: &str) -> Result<(), EngineError> {
        self.shared.tokens.heartbeat(token)
    }

    /// The ARN of `execution`: itself when it is an ARN, else this machine's
    /// execution of that name.
    fn arn_of(&self, execution: &str) -> String {
        if control::is_arn(execution) {
            execution.to_owned()
        } else {
            self.arn(execution)
        }
    }

    /// A fresh execution of this machine, named `name`, started at `start`.
    fn execution(&self, name: &str, input: &Value, start: SystemTime) -> Execution {
        let machine = self.shared.workflow.name();
        let execution = if W::READS_CONTEXT {
            Execution::new(machine, Some(name.to_owned()), input.clone())
        } else {
            Execution::without_input(machine, Some(name.to_owned()))
        };
        execution
            .started_at(start)
            .with_account(self.account())
            .with_callbacks(Arc::clone(&self.shared.callbacks))
            .with_journal(Arc::new(self.journal()))
            .with_spread(
                self.shared
                    .spread
                    .read()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .clone(),
            )
    }

    /// The journal of an execution: its notes kept in the store.
    fn journal(&self) -> Journal {
        Journal::new(Arc::new(StoreNotes(Arc::clone(&self.shared.store))))
    }

    /// The run that goes on with `record` where it was committed.
    fn resumed(&self, record: ExecutionRecord) -> Result<DurableRun<W>, EngineError> {
        let ExecutionRecord { identity, position } = record;
        let corrupt = |what: &str| {
            EngineError::Store(crate::store::StoreError::Corrupt(format!(
                "{what} of {}",
                identity.arn
            )))
        };
        let state_text = position.state.as_deref().ok_or_else(|| corrupt("state"))?;
        let state: W::State = serde_json::from_str(state_text).map_err(|_| corrupt("the state"))?;
        let input: Value =
            serde_json::from_str(&identity.input).map_err(|_| corrupt("the input"))?;
        let variables = match &position.variables {
            Some(text) => Variables::from_json(text).ok_or_else(|| corrupt("the variables"))?,
            None => Variables::default(),
        };
        let (park, parked) = self.parker(
            &identity.arn,
            position.redrive_date.unwrap_or(identity.start),
        );
        let execution = self
            .execution(&identity.name, &input, identity.start)
            .redriven(position.redrive_count)
            .with_park(park);
        let journal = execution.journal().cloned();
        let mut run = asl_runtime::Run::resumed(Arc::new(execution), variables);
        run.enter_at(state.name(), position.entered_event_id, position.entered);
        if let Some(anchor) =
            journal.and_then(|journal| journal.anchor(&identity.arn, position.entered_event_id))
        {
            run.redriven_from(anchor);
        }
        DurableRun::new(
            identity.arn,
            state,
            run,
            Recorder::after(position.last_event_id),
            position.seq,
            position.redrive_date,
            parked,
        )
    }

    /// The [`Parker`] of execution `arn`, whose `TimeoutSeconds` count from `since`,
    /// when the store parks (see [`Store::parks`](crate::store::Store::parks)), and
    /// what it notifies once the execution is parked (never without one).
    fn parker(&self, arn: &str, since: SystemTime) -> (Option<Arc<dyn Park>>, Arc<Notify>) {
        if !self.shared.store.parks() {
            return (None, Arc::new(Notify::new()));
        }
        let deadline = self.shared.workflow.timeout().map(|limit| since + limit);
        let parker = Parker::new(Arc::clone(&self.shared.store), arn.to_owned(), deadline);
        let parked = parker.parked();
        (Some(Arc::new(parker)), parked)
    }

    /// Runs `run` until its execution ends (or its run here stops without ending:
    /// parked, refused, failed). With `stop`, it is stopped before its state runs.
    fn spawn(&self, run: DurableRun<W>, stop: Option<Stop>) {
        let (stopper, stopped) = oneshot::channel();
        let (ended_sender, ended) = watch::channel(false);
        let arn = run.arn().to_owned();
        let stopper = match stop {
            Some(stop) => {
                // The receiver is alive: it is in `stopped`.
                let _ = stopper.send(stop);
                None
            }
            None => Some(stopper),
        };
        self.running().insert(
            arn.clone(),
            Handle {
                ended,
                stop: stopper,
            },
        );
        self.shared.lock_stopped().remove(&arn);
        let shared = Arc::clone(&self.shared);
        let span = run.span(shared.workflow.name());
        tokio::spawn(
            async move {
                let outcome = run.run(&shared.workflow, &*shared.store, stopped).await;
                if let Err(error) = outcome {
                    shared.lock_stopped().insert(arn.clone(), error);
                }
                shared.lock_running().remove(&arn);
                ended_sender.send_replace(true);
            }
            .instrument(span),
        );
    }

    fn running(&self) -> MutexGuard<'_, HashMap<String, Handle>> {
        self.shared.lock_running()
    }
}

impl<W> Runner for Engine<W>
where
    W: Workflow + Send + 'static,
    W::State: Serialize + DeserializeOwned + 'static,
{
    fn machine(&self) -> &str {
        self.shared.workflow.name()
    }

    fn start<'a>(&'a self, name: &'a str, input: Value) -> Boxed<'a, Result<String, EngineError>> {
        Box::pin(Engine::start(self, name, input))
    }

    fn resume(&self) -> Result<usize, EngineError> {
        Engine::resume(self)
    }

    fn wait<'a>(&'a self, execution: &'a str) -> Boxed<'a, Result<ExecutionRecord, EngineError>> {
        Box::pin(Engine::wait(self, execution))
    }

    fn stop<'a>(
        &'a self,
        execution: &'a str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Boxed<'a, Result<ExecutionRecord, EngineError>> {
        Box::pin(Engine::stop(self, execution, error, cause))
    }

    fn redrive<'a>(&'a self, execution: &'a str) -> Boxed<'a, Result<String, EngineError>> {
        Box::pin(Engine::redrive(self, execution))
    }
}

/// An engine as the [`Machines`] registry holds it: without keeping it alive.
struct Registered<W>(std::sync::Weak<Shared<W>>);

impl<W> Registered<W> {
    fn engine(&self) -> Result<Engine<W>, String> {
        let shared = self
            .0
            .upgrade()
            .ok_or("the engine of the nested machine was dropped")?;
        Ok(Engine { shared })
    }
}

impl<W> Starter for Registered<W>
where
    W: Workflow + Send + 'static,
    W::State: Serialize + DeserializeOwned + 'static,
{
    fn start<'a>(&'a self, name: &'a str, input: Value) -> Boxed<'a, Result<(), String>> {
        Box::pin(async move {
            match self.engine()?.start(name, input).await {
                Ok(_) | Err(EngineError::AlreadyExists(_)) => Ok(()),
                Err(error) => Err(error.to_string()),
            }
        })
    }

    fn started(&self, name: &str) -> Result<Value, String> {
        let record = self.engine()?.describe(name).map_err(|e| e.to_string())?;
        Ok(machines::child_started(&record))
    }

    fn ended<'a>(
        &'a self,
        name: &'a str,
        parsed: bool,
    ) -> Boxed<'a, Result<(bool, Value), String>> {
        Box::pin(async move {
            let engine = self.engine()?;
            let record = engine.wait(name).await.map_err(|e| e.to_string())?;
            Ok(machines::child_ended(&record, parsed, &engine.account()))
        })
    }
}

/// The journal's notes, kept in the engine's store.
#[derive(Debug)]
struct StoreNotes(Arc<dyn Store>);

impl Notes for StoreNotes {
    fn read(&self, key: &str) -> Option<String> {
        self.0.noted(key).ok().flatten()
    }

    fn write(&self, key: String, value: String) -> Boxed<'static, ()> {
        let ack = self.0.note(key, value);
        Box::pin(async move {
            // A store that cannot write is poisoned and fails the next checkpoint;
            // one whose writer is gone (the engine is being dropped) leaves the
            // note unwritten, which costs only work again. A refused note means that
            // another process took the execution over: the work goes no further
            // here (no more Task attempts, no more iterations), and the process's
            // server stops this worker.
            if let Err(StoreError::Fenced(_)) = ack.await {
                std::future::pending::<()>().await;
            }
        })
    }
}

impl<W> Shared<W> {
    fn lock_stopped(&self) -> MutexGuard<'_, HashMap<String, EngineError>> {
        self.stopped
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn account(&self) -> Arc<Account> {
        Arc::clone(
            &self
                .account
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    fn lock_running(&self) -> MutexGuard<'_, HashMap<String, Handle>> {
        self.running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
