//! The executor: runs a generated state machine from its first state to the end,
//! one transition at a time.

use std::future::Future;
use std::sync::Arc;

use serde_json::Value;
use tracing::Instrument;

use crate::arn::Account;
use crate::context::{Execution, ExecutionType};
use crate::error::ExecutionError;
use crate::events::Events;
use crate::limits;
pub use crate::machine::{MachineState, StateType, Step};
use crate::variables::Variables;

mod run;
pub mod test;

pub use self::run::Run;

/// A compiled state machine, implemented by generated code.
pub trait Workflow: Sync {
    /// The generated state enum.
    type State: MachineState + Send;

    /// Whether any state reads the Context object (`$$`), which then needs a copy
    /// of the execution input.
    const READS_CONTEXT: bool;

    /// The state machine's name (`$$.StateMachine.Name`).
    fn name(&self) -> &str;

    /// The machine's `TimeoutSeconds`: past it the execution fails with
    /// `States.Timeout`.
    fn timeout(&self) -> Option<std::time::Duration> {
        None
    }

    /// The first state, carrying the execution input.
    fn start(&self, input: Value) -> Self::State;

    /// The names of the workflow variables of the machine's own scope, by slot,
    /// for a machine generated for TestState (see [`crate::probe`]); empty for
    /// the others.
    fn variable_names(&self) -> &'static [&'static str] {
        &[]
    }

    /// Runs a state that does not wait (Pass, Choice, Succeed, Fail: see
    /// [`StateType::waits`]) at once, without a future, and says where to go next.
    /// The executor runs the others with [`Workflow::step`]; given one, this fails
    /// with [`cannot_run_now`]. (Returning the outcome itself, rather than an enum
    /// around it, saves a copy of it per transition.)
    fn step_now(
        &self,
        state: Self::State,
        run: &mut Run,
    ) -> Result<Step<Self::State>, ExecutionError>;

    /// Runs one state, waiting as it needs to, and says where to go next.
    fn step(
        &self,
        state: Self::State,
        run: &mut Run,
    ) -> impl Future<Output = Result<Step<Self::State>, ExecutionError>> + Send;

    /// Runs child execution `name` of the Distributed Map state `map_state` from
    /// `input`, as [`run_child`] runs it in the process of its parent `parent`: how
    /// another process of a fleet runs a child handed out there (see
    /// [`Spread`](crate::hooks::Spread)). `None` when no Distributed Map state of
    /// the machine (outside the processors of other Distributed Maps) has that name.
    fn map_child<'a>(
        &'a self,
        map_state: &str,
        parent: &'a Execution,
        name: String,
        input: Value,
    ) -> Option<crate::hooks::Boxed<'a, Result<Value, ExecutionError>>> {
        let _ = (map_state, parent, name, input);
        None
    }
}

/// How to start an execution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOptions {
    name: Option<String>,
    seed: Option<u64>,
    storage: Option<crate::storage::Storage>,
    account: Option<Arc<Account>>,
    express_id: Option<String>,
}

impl RunOptions {
    /// Names the execution (`$$.Execution.Name`); without a name it gets a fresh
    /// one (AWS uses a UUID; see [`execution_name`]).
    pub fn name(mut self, name: impl Into<String>) -> RunOptions {
        self.name = Some(name.into());
        self
    }

    /// Seeds the execution's random numbers (the `FULL` retry jitter), so that a run
    /// can be repeated exactly; otherwise they come from the thread's generator.
    pub fn seed(mut self, seed: u64) -> RunOptions {
        self.seed = Some(seed);
        self
    }

    /// Where Distributed Map readers and writers find buckets: object `Key` of
    /// `Bucket` is the file `<root>/<Bucket>/<Key>` (default `$ASL_S3_ROOT`, else
    /// `./s3`).
    pub fn storage_root(mut self, root: impl Into<std::path::PathBuf>) -> RunOptions {
        self.storage = Some(crate::storage::Storage::new(root));
        self
    }

    /// The partition, region and account the execution's ARNs name
    /// (`$$.Execution.Id`, `$$.StateMachine.Id` ...); otherwise
    /// [`Account::default`].
    pub fn account(mut self, account: impl Into<Arc<Account>>) -> RunOptions {
        self.account = Some(account.into());
        self
    }

    /// Runs it as an Express execution whose ARN (`$$.Execution.Id`) ends with
    /// `id`, as AWS's do: `express:<machine>:<name>:<id>`.
    pub fn express(mut self, id: impl Into<String>) -> RunOptions {
        self.express_id = Some(id.into());
        self
    }
}

/// Runs an execution of `workflow` with `input` to its end, started as `options`
/// say.
///
/// Errors AWS reports with the failing state's location (`States.Runtime`,
/// `States.QueryEvaluationError`) get AWS's prefix naming the state and the id of
/// its `StateEntered` event.
pub async fn run<W: Workflow>(
    workflow: &W,
    options: RunOptions,
    input: Value,
) -> Result<Value, ExecutionError> {
    run_counting(workflow, options, input).await.0
}

/// [`run`], also saying how many transitions the execution made (see
/// [`Execution::transitions`]): what `asl bench` reports.
pub async fn run_counting<W: Workflow>(
    workflow: &W,
    options: RunOptions,
    input: Value,
) -> (Result<Value, ExecutionError>, u64) {
    if let Err(error) = limits::check_execution_input(&input) {
        return (Err(error), 0);
    }
    let RunOptions {
        name,
        seed,
        storage,
        account,
        express_id,
    } = options;
    let execution = if W::READS_CONTEXT {
        Execution::new(workflow.name(), name, input.clone())
    } else {
        Execution::without_input(workflow.name(), name)
    };
    let mut execution = execution.with_seed(seed).with_storage(storage);
    if let Some(express_id) = express_id {
        execution = execution.express(express_id);
    }
    let execution = Arc::new(match account {
        Some(account) => execution.with_account(account),
        None => execution,
    });
    let span = execution_span(&execution, workflow.name());
    let run = run_execution(workflow, Arc::clone(&execution), input).instrument(span);
    let ended = match workflow.timeout() {
        None => run.await,
        Some(limit) => tokio::time::timeout(limit, run)
            .await
            .unwrap_or_else(|_| Err(ExecutionError::timeout())),
    };
    (ended, execution.transitions())
}

/// Runs `execution` of `workflow`, starting from `input`.
pub async fn run_execution<W: Workflow>(
    workflow: &W,
    execution: Arc<Execution>,
    input: Value,
) -> Result<Value, ExecutionError> {
    let mut run = Run::new(execution);
    drive(workflow, &mut run, input).await
}

/// Runs a Parallel branch or a Map iteration of `execution`: the sub-machine
/// `workflow` from `input` to its end, its variables a scope inside `variables`, at
/// `place` (see [`Run::around`]). An error it ends with names the state inside
/// it that failed, as AWS reports it. Under the
/// durable engine, a branch or iteration that finished before (see
/// [`Journal`](crate::journal::Journal)) is not run again.
pub async fn run_branch<W: Workflow>(
    workflow: &W,
    execution: Arc<Execution>,
    variables: Arc<Variables>,
    place: Arc<crate::place::Place>,
    input: Value,
) -> Result<Value, ExecutionError> {
    match execution.journal().cloned() {
        None => {
            let mut run = Run::inner(execution, variables).in_place(place);
            drive(workflow, &mut run, input).await
        }
        Some(journal) => {
            let arn = execution.id();
            let around = match place.around_events() {
                Some(events) => Arc::clone(events),
                None => Arc::clone(journal.events()),
            };
            let own = Arc::new(Events::default());
            let mut run = Run::inner(execution, variables)
                .in_place(Arc::clone(&place))
                .recording(Arc::clone(&own));
            let ran = drive(workflow, &mut run, input);
            journal.branch(&arn, &place, &around, &own, ran).await
        }
    }
}

/// Map iterations run without a future, for a processor none of whose states waits
/// (only Pass, Choice, Succeed and Fail states, as the generated code knows), outside
/// the durable engine (see [`Execution::journal`]): each runs to its end at once, as
/// [`run_branch`] would run it, with nothing to poll. The iterations, one after the
/// other, share one [`Run`], made afresh for each (see [`Run::next_item`]) without
/// allocating again.
#[derive(Debug)]
pub struct Iterations<'a> {
    execution: Arc<Execution>,
    variables: Arc<Variables>,
    around: &'a crate::place::Around,
    run: Option<Run>,
}

impl<'a> Iterations<'a> {
    /// Iterations of `execution` inside the variables `variables`, of the Map state
    /// entry `around`.
    pub fn new(
        execution: Arc<Execution>,
        variables: Arc<Variables>,
        around: &'a crate::place::Around,
    ) -> Iterations<'a> {
        Iterations {
            execution,
            variables,
            around,
            run: None,
        }
    }

    /// Runs the iteration of item `index`: the processor `workflow` from `input` to
    /// its end.
    pub fn run<W: Workflow>(
        &mut self,
        workflow: &W,
        index: usize,
        input: Value,
    ) -> Result<Value, ExecutionError> {
        let mut run = match self.run.take() {
            Some(run) => run.next_item(&self.variables, self.around, index),
            None => Run::inner(Arc::clone(&self.execution), Arc::clone(&self.variables))
                .in_place(self.around.item(index)),
        };
        let ended = drive_now(workflow, &mut run, input);
        self.run = Some(run);
        ended
    }
}

/// A child execution of a Distributed Map, as the generated code names it.
#[derive(Debug, Clone)]
pub struct Child {
    /// The Distributed Map state, when its children may run in another process of
    /// a fleet (see [`Spread`](crate::hooks::Spread)); `None` for a processor with
    /// Tasks that wait for a task token or an activity worker, whose children run
    /// where their parent runs.
    pub map_state: Option<&'static str>,
    /// The Map's `Label` (or its name): the children's state machine is
    /// `<machine>/<label>`.
    pub label: &'static str,
    /// Whether the children are Standard or Express executions.
    pub execution_type: ExecutionType,
    /// The child's name.
    pub name: String,
}

/// Runs a child execution of a Distributed Map: the processor `workflow` from
/// `input`, as its own execution (`$$.Execution` is the child's) named as `child`
/// says. An Express child that runs longer than 5 minutes fails with
/// `States.Timeout`. Under the durable engine, a child that finished before is not
/// run again (see [`Journal`](crate::journal::Journal)), and one the engine spreads
/// over a fleet runs in whichever process takes it.
pub async fn run_child<W: Workflow>(
    workflow: &W,
    parent: &Execution,
    child: Child,
    input: Value,
) -> Result<Value, ExecutionError> {
    let Child {
        map_state,
        label,
        execution_type,
        name,
    } = child;
    let kept = W::READS_CONTEXT.then(|| input.clone());
    let execution = Arc::new(parent.child(label, execution_type, name, kept));
    let Some(journal) = parent.journal() else {
        let ended = run_child_here(workflow, &execution, input).await;
        parent.count_transitions(execution.transitions());
        return ended;
    };
    let arn = execution.id();
    let elsewhere = match (parent.spread(), map_state) {
        (Some(spread), Some(map_state)) => spread.run(crate::hooks::SpreadChild {
            parent: parent.id(),
            state_machine: parent.state_machine_name().to_owned(),
            map_state: map_state.to_owned(),
            name: execution.name().to_owned(),
            arn: arn.clone(),
            input: input.clone(),
            seed: parent.seed(),
        }),
        _ => None,
    };
    let ended = match elsewhere {
        Some(ran) => journal.once(arn, ran).await,
        None => {
            journal
                .once(arn, run_child_here(workflow, &execution, input))
                .await
        }
    };
    parent.count_transitions(execution.transitions());
    ended
}

/// Runs the child execution `execution` of a Distributed Map in this process.
async fn run_child_here<W: Workflow>(
    workflow: &W,
    execution: &Arc<Execution>,
    input: Value,
) -> Result<Value, ExecutionError> {
    let mut run = Run::new(Arc::clone(execution));
    let ran = drive(workflow, &mut run, input);
    match execution.execution_type() {
        ExecutionType::Standard => ran.await,
        ExecutionType::Express => tokio::time::timeout(ExecutionType::EXPRESS_DURATION, ran)
            .await
            .unwrap_or_else(|_| {
                Err(ExecutionError::new(
                    crate::error::names::TIMEOUT,
                    "The Express execution ran for longer than 5 minutes.",
                ))
            }),
    }
}

/// The executor loop: one transition at a time until the machine ends. An error
/// names the state it occurred in. Adds the transitions it made to the execution's
/// count once, when it ends.
async fn drive<W: Workflow>(
    workflow: &W,
    run: &mut Run,
    input: Value,
) -> Result<Value, ExecutionError> {
    let mut state = workflow.start(input);
    let mut transitions = 0;
    let ended = loop {
        transitions += 1;
        let state_type = state.state_type();
        let name = state.name();
        run.enter(name);
        let events = run.events().cloned();
        let from = events
            .as_ref()
            .map(|events| events.entered(name, state_type, state.input()));
        let span = state_span(name, state_type);
        let outcome = if state_type.waits() {
            workflow.step(state, run).instrument(span).await
        } else {
            span.in_scope(|| workflow.step_now(state, run))
        };
        if let Some(events) = &events
            && let Some(from) = from
        {
            events.exited(from, name, state_type, &outcome, run.caught());
        }
        // Matched here rather than in a helper, so that the next state is not
        // moved once more per transition.
        state = match outcome {
            Ok(Step::Next(next)) => next,
            Ok(Step::Succeed(output)) => break Ok(output),
            Err(error) => break Err(locate(error, run)),
        };
        run.record_events(state_type.events_after_entry());
    };
    run.execution().count_transitions(transitions);
    ended
}

/// The span of an execution (`execution`, named after it): the root of its
/// states' spans.
pub fn execution_span(execution: &Execution, machine: &str) -> tracing::Span {
    tracing::info_span!(
        "execution",
        otel.name = execution.name(),
        execution.arn = %execution.id(),
        state_machine = machine,
    )
}

/// The span of one state's run (`state`, named after the state), at DEBUG level:
/// a subscriber that keeps INFO only (a service's usual logs) makes none, so that
/// a transition costs nothing more.
pub fn state_span(name: &'static str, state_type: crate::machine::StateType) -> tracing::Span {
    tracing::debug_span!("state", otel.name = name, state.name = name, state.type = ?state_type)
}

/// [`drive`] for a machine none of whose states waits, recording no history events
/// (see [`Iterations`]). A state that waits all the same fails the execution
/// with `States.Runtime`: generated code never gets here with one.
fn drive_now<W: Workflow>(
    workflow: &W,
    run: &mut Run,
    input: Value,
) -> Result<Value, ExecutionError> {
    let mut state = workflow.start(input);
    let mut transitions = 0;
    let ended = loop {
        transitions += 1;
        let state_type = state.state_type();
        let name = state.name();
        run.enter(name);
        let outcome = if state_type.waits() {
            Err(cannot_run_now(name))
        } else {
            workflow.step_now(state, run)
        };
        // Matched here rather than in a helper, so that the next state is not
        // moved once more per transition.
        state = match outcome {
            Ok(Step::Next(next)) => next,
            Ok(Step::Succeed(output)) => break Ok(output),
            Err(error) => break Err(locate(error, run)),
        };
        run.record_events(state_type.events_after_entry());
    };
    run.execution().count_transitions(transitions);
    ended
}

/// The error of a state that waits run without waiting (see
/// [`Workflow::step_now`]): generated code never gets there.
pub fn cannot_run_now(state: &str) -> ExecutionError {
    ExecutionError::runtime(format!(
        "The state '{state}' waits, in a machine run without waiting"
    ))
}

pub use crate::context::execution_name;

/// `error`, raised by the state `run` runs, named after that state as AWS does
/// (see `ExecutionError::located_at`).
pub fn locate(error: ExecutionError, run: &Run) -> ExecutionError {
    error.located_at(run.context().state_name(), run.history_event_id())
}
