//! The Context object (`$$`): facts about the execution and the current state.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use serde_json::{Map, Value};

use crate::arn::Account;
use crate::clock::context_time;
use crate::events::Events;
use crate::place::{Anchor, Around, Place};
use crate::variables::Variables;

/// What is known about an execution when it starts; shared by all its states.
///
/// Starting one costs no formatting and no copying that nothing will read: the ARNs
/// are derived when asked for, a generated name is made on first use, and the input
/// is kept only for machines that read `$$`.
#[derive(Debug, Clone)]
pub struct Execution {
    name: OnceLock<String>,
    input: Option<Value>,
    start_time: SystemTime,
    redrive_count: u32,
    state_machine: String,
    seed: Option<u64>,
    storage: Option<crate::storage::Storage>,
    execution_type: ExecutionType,
    account: Arc<Account>,
    callbacks: Option<Arc<crate::hooks::Callbacks>>,
    journal: Option<Arc<crate::journal::Journal>>,
    /// For a Distributed Map child under the engine: the ARN of the top-level
    /// execution it runs in, which the engine's store keeps (and task tokens name).
    top_level: Option<Arc<str>>,
    transitions: Transitions,
}

/// How many transitions an execution made (see [`Execution::transitions`]).
#[derive(Debug, Default)]
struct Transitions(AtomicU64);

impl Clone for Transitions {
    fn clone(&self) -> Transitions {
        Transitions(AtomicU64::new(self.0.load(Ordering::Relaxed)))
    }
}

/// Whether an execution is a Standard or an Express workflow execution. Top-level
/// executions here are Standard; a Distributed Map's `ProcessorConfig.ExecutionType`
/// chooses for its children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExecutionType {
    /// `STANDARD`: runs for up to a year.
    #[default]
    Standard,
    /// `EXPRESS`: runs for at most [`ExecutionType::EXPRESS_DURATION`]; its ARN is an
    /// `express:` one.
    Express,
}

impl ExecutionType {
    /// How long an Express execution may run before it fails with `States.Timeout`.
    pub const EXPRESS_DURATION: std::time::Duration = std::time::Duration::from_secs(5 * 60);

    /// The word in the ARN of an execution of this type: `execution` or `express`.
    pub fn arn_kind(self) -> &'static str {
        match self {
            ExecutionType::Standard => "execution",
            ExecutionType::Express => "express",
        }
    }
}

impl PartialEq for Execution {
    fn eq(&self, other: &Execution) -> bool {
        self.name() == other.name()
            && self.input == other.input
            && self.start_time == other.start_time
            && self.redrive_count == other.redrive_count
            && self.state_machine == other.state_machine
            && self.seed == other.seed
            && self.storage == other.storage
            && self.execution_type == other.execution_type
            && self.account == other.account
            && self.top_level == other.top_level
    }
}

impl Execution {
    /// A new execution of `state_machine` with `input`, named `name` (a UUID, made
    /// when first asked for, when `None`), starting now. Its ARNs name the
    /// [default account](Account::default) until [`Execution::with_account`].
    pub fn new(state_machine: &str, name: Option<String>, input: Value) -> Execution {
        Execution {
            name: name.map(OnceLock::from).unwrap_or_default(),
            input: Some(input),
            start_time: SystemTime::now(),
            redrive_count: 0,
            state_machine: state_machine.to_owned(),
            seed: None,
            storage: None,
            execution_type: ExecutionType::Standard,
            account: Account::shared_default(),
            callbacks: None,
            journal: None,
            top_level: None,
            transitions: Transitions::default(),
        }
    }

    /// The same execution, with Distributed Map readers and writers using
    /// `storage` (otherwise [`Storage::from_env`](crate::storage::Storage::from_env)).
    pub fn with_storage(self, storage: Option<crate::storage::Storage>) -> Execution {
        Execution { storage, ..self }
    }

    /// The same execution, its ARNs naming `account` (its partition, region and
    /// id); its Distributed Map children share it.
    pub fn with_account(self, account: Arc<Account>) -> Execution {
        Execution { account, ..self }
    }

    /// The partition, region and account its ARNs name.
    pub fn account(&self) -> &Arc<Account> {
        &self.account
    }

    /// Where Distributed Map readers and writers find buckets.
    pub fn storage(&self) -> crate::storage::Storage {
        self.storage
            .clone()
            .unwrap_or_else(crate::storage::Storage::from_env)
    }

    /// A child execution of a Distributed Map run, of type `execution_type`: named
    /// `name`, of the state machine `<this machine>/<label>`, started with `input`,
    /// sharing this execution's seed and storage.
    pub fn child(
        &self,
        label: &str,
        execution_type: ExecutionType,
        name: String,
        input: Option<Value>,
    ) -> Execution {
        Execution {
            name: OnceLock::from(name),
            input,
            start_time: SystemTime::now(),
            redrive_count: 0,
            state_machine: format!("{}/{label}", self.state_machine),
            seed: self.seed,
            storage: self.storage.clone(),
            execution_type,
            account: Arc::clone(&self.account),
            callbacks: self.callbacks.clone(),
            // A child keeps no journal: a Distributed Map's children run again whole.
            journal: None,
            // Only the task tokens of the engine's callback tasks need it.
            top_level: self
                .callbacks
                .as_ref()
                .map(|_| self.top_level.clone().unwrap_or_else(|| self.id().into())),
            transitions: Transitions::default(),
        }
    }

    /// The ARN of the top-level execution this one runs in, as the engine's store
    /// keeps it, when this is a Distributed Map child under the engine; `None` for a
    /// top-level execution (its own [`Execution::id`]).
    pub fn top_level(&self) -> Option<&str> {
        self.top_level.as_deref()
    }

    /// The same execution, redriven `count` times (`$$.Execution.RedriveCount`).
    pub fn redriven(self, count: u32) -> Execution {
        Execution {
            redrive_count: count,
            ..self
        }
    }

    /// The same execution, started at `time` (a resumed one keeps its start).
    pub fn started_at(self, time: SystemTime) -> Execution {
        Execution {
            start_time: time,
            ..self
        }
    }

    /// The same execution, its callback tasks waiting for tokens in `callbacks` (as
    /// the durable engine runs them).
    pub fn with_callbacks(self, callbacks: Arc<crate::hooks::Callbacks>) -> Execution {
        Execution {
            callbacks: Some(callbacks),
            ..self
        }
    }

    /// Where callback tasks wait for their tokens, under the engine.
    pub fn callbacks(&self) -> Option<&Arc<crate::hooks::Callbacks>> {
        self.callbacks.as_ref()
    }

    /// The same execution, keeping the work inside its states in `journal` (as the
    /// durable engine runs it).
    pub fn with_journal(self, journal: Arc<crate::journal::Journal>) -> Execution {
        Execution {
            journal: Some(journal),
            ..self
        }
    }

    /// Where the work inside states is kept, under the engine.
    pub fn journal(&self) -> Option<&Arc<crate::journal::Journal>> {
        self.journal.as_ref()
    }

    /// Whether this is a Standard or an Express execution.
    pub fn execution_type(&self) -> ExecutionType {
        self.execution_type
    }

    /// The same execution, drawing its random numbers (retry jitter) from a
    /// generator seeded with `seed`, so that a run can be repeated exactly.
    pub fn with_seed(self, seed: Option<u64>) -> Execution {
        Execution { seed, ..self }
    }

    /// An execution whose input nothing will read (the machine never reads `$$`):
    /// `$$.Execution.Input` is then `null`.
    pub fn without_input(state_machine: &str, name: Option<String>) -> Execution {
        Execution {
            input: None,
            ..Execution::new(state_machine, name, Value::Null)
        }
    }

    /// `$$.Execution.Name`.
    pub fn name(&self) -> &str {
        self.name.get_or_init(execution_name)
    }

    /// `$$.Execution.Input`: the input the execution started with.
    pub fn input(&self) -> &Value {
        self.input.as_ref().unwrap_or(&Value::Null)
    }

    /// `$$.Execution.StartTime`.
    pub fn start_time(&self) -> SystemTime {
        self.start_time
    }

    /// `$$.Execution.RedriveCount`.
    pub fn redrive_count(&self) -> u32 {
        self.redrive_count
    }

    /// `$$.Execution.Id`: the execution ARN (an `express:` one for an Express
    /// execution).
    pub fn id(&self) -> String {
        self.account.states_arn(format_args!(
            "{}:{}:{}",
            self.execution_type.arn_kind(),
            self.state_machine,
            self.name()
        ))
    }

    /// `$$.Execution.RoleArn`.
    pub fn role_arn(&self) -> String {
        self.account.role_arn()
    }

    /// `$$.StateMachine.Id`: the state machine ARN.
    pub fn state_machine_id(&self) -> String {
        self.account
            .states_arn(format_args!("stateMachine:{}", self.state_machine))
    }

    /// `$$.StateMachine.Name`.
    pub fn state_machine_name(&self) -> &str {
        &self.state_machine
    }

    /// How many transitions (states entered) the execution has made so far,
    /// counting those of its Parallel branches, Map iterations and Distributed Map
    /// child executions. Each of those adds its count when it ends, so that nothing
    /// is counted per transition across threads.
    pub fn transitions(&self) -> u64 {
        self.transitions.0.load(Ordering::Relaxed)
    }

    /// Adds `count` transitions (see [`Execution::transitions`]).
    pub(crate) fn count_transitions(&self, count: u64) {
        self.transitions.0.fetch_add(count, Ordering::Relaxed);
    }
}

/// The Context object of the state being run: the execution, plus the state's name,
/// entry time, retry count and task token.
#[derive(Debug, Clone)]
pub struct Context {
    execution: Arc<Execution>,
    state_name: &'static str,
    entered_time: SystemTime,
    entered_event_id: u64,
    last_event_id: u64,
    retry_count: u32,
    task_token: Option<String>,
    random: Option<Xoshiro256PlusPlus>,
    variables: Arc<Variables>,
    /// How many times [`Context::variables_mut`] handed out the variables: while it
    /// stays the same, they did not change.
    assignments: u64,
    /// The Parallel branch or Map iteration this context runs in, if any.
    place: Option<Arc<Place>>,
    /// For a redriven state's first attempt: the entry whose finished branches and
    /// iterations it keeps.
    anchor: Option<Anchor>,
    /// Whether the entry time was recorded by the durable engine (and survives a
    /// restart), rather than stamped by the state.
    entry_recorded: bool,
    /// When the current retry attempt began, when a restart resumed it (see
    /// [`Context::resume_attempt`]).
    attempt_started: Option<SystemTime>,
    /// Where the states record their history events, under the durable engine.
    events: Option<Arc<Events>>,
    /// Whether the current state's Catch caught an error (see [`Context::catch`]).
    caught: bool,
}

impl Context {
    /// The context of a new execution, before its first state.
    pub fn new(execution: Arc<Execution>) -> Context {
        Context::with_variables(execution, Variables::default())
    }

    /// The context of a Parallel branch or Map iteration of `execution`, whose
    /// variables are a scope inside `outer`.
    pub fn inner(execution: Arc<Execution>, outer: Arc<Variables>) -> Context {
        Context::with_variables(execution, Variables::inner(outer))
    }

    /// The same context, running at `place`.
    pub fn in_place(self, place: Arc<Place>) -> Context {
        Context {
            place: Some(place),
            ..self
        }
    }

    /// The current (Parallel or Map) state's entry and attempt, where its branches
    /// or iterations run (see [`Around::branch`], [`Around::item`]).
    pub fn around(&self) -> Around {
        let (entered, attempt) = match self.anchor {
            Some(anchor) if self.retry_count == 0 => (anchor.entered, anchor.attempt),
            _ => (self.entered_event_id, self.retry_count),
        };
        Around::new(
            self.place.clone(),
            self.state_name,
            entered,
            attempt,
            self.events.clone(),
        )
    }

    /// Whether this context runs a Parallel branch or Map iteration.
    pub fn in_branch(&self) -> bool {
        self.place.is_some()
    }

    /// The same context, its states recording their history events in `events`.
    pub fn recording(self, events: Arc<Events>) -> Context {
        Context {
            events: Some(events),
            ..self
        }
    }

    /// Where the states record their history events (under the durable engine).
    #[inline]
    pub fn events(&self) -> Option<&Arc<Events>> {
        self.events.as_ref()
    }

    /// Makes the current state, being redriven, keep the branches and iterations
    /// that finished in its failed entry `anchor` (see
    /// [`Journal`](crate::journal::Journal)).
    pub fn redriven_from(&mut self, anchor: Anchor) {
        self.anchor = Some(anchor);
    }

    /// The key of the current state's entry: `<execution ARN>/[<place>/]<state>/<StateEntered
    /// id>`, which idempotency keys and the journal's notes extend.
    pub fn entry_key(&self) -> String {
        crate::place::entry_key(
            &self.execution.id(),
            self.place.as_deref(),
            self.state_name,
            self.entered_event_id,
        )
    }

    /// The context of an execution resumed with its top-level `variables`.
    pub fn resumed(execution: Arc<Execution>, variables: Variables) -> Context {
        Context::with_variables(execution, variables)
    }

    /// The context of the iteration of item `index` of the Map state entry `around`
    /// inside the variables `outer`, made from this one (of the iteration before it):
    /// the same as `Context::inner(execution, outer).in_place(around.item(index))`,
    /// but reusing this one's variable scope and place when nothing else holds them.
    pub fn next_item(self, outer: &Arc<Variables>, around: &Around, index: usize) -> Context {
        let Context {
            execution,
            mut variables,
            place,
            ..
        } = self;
        match Arc::get_mut(&mut variables) {
            Some(scope) => *scope = Variables::inner(Arc::clone(outer)),
            None => variables = Arc::new(Variables::inner(Arc::clone(outer))),
        }
        let place = match place {
            Some(mut place) => match Arc::get_mut(&mut place) {
                Some(own) => {
                    *own = around.item_place(index);
                    place
                }
                None => around.item(index),
            },
            None => around.item(index),
        };
        Context::with_shared_variables(execution, variables).in_place(place)
    }

    fn with_variables(execution: Arc<Execution>, variables: Variables) -> Context {
        Context::with_shared_variables(execution, Arc::new(variables))
    }

    fn with_shared_variables(execution: Arc<Execution>, variables: Arc<Variables>) -> Context {
        // Under the engine, the top-level states record into the execution's events;
        // branches and iterations into their own (see `recording`).
        let events = execution
            .journal()
            .map(|journal| Arc::clone(journal.events()));
        Context {
            execution,
            state_name: "",
            entered_time: SystemTime::UNIX_EPOCH,
            entered_event_id: 0,
            // ExecutionStarted is event 1.
            last_event_id: 1,
            retry_count: 0,
            task_token: None,
            random: None,
            variables,
            assignments: 0,
            place: None,
            anchor: None,
            entry_recorded: false,
            attempt_started: None,
            events,
            caught: false,
        }
    }

    /// The workflow variables the running state can read.
    pub fn variables(&self) -> &Variables {
        &self.variables
    }

    /// The variables of the running machine's scope, to assign to.
    pub fn variables_mut(&mut self) -> &mut Variables {
        self.assignments += 1;
        Arc::make_mut(&mut self.variables)
    }

    /// A count that moves whenever the running machine's variables may have changed
    /// (were handed out to assign to): the durable engine checkpoints them only then.
    pub fn assignments(&self) -> u64 {
        self.assignments
    }

    /// The variables, shared with the branches or iterations a Parallel or Map
    /// state runs (see [`Context::inner`]).
    pub fn shared_variables(&self) -> Arc<Variables> {
        Arc::clone(&self.variables)
    }

    /// Records entering `state`: its name and its `StateEntered` event. The entry
    /// time is read by [`Context::stamp_entry`], which generated code calls only in
    /// states that can observe it (Task states and states reading `$$`): reading the
    /// clock costs as much as a whole Pass transition.
    #[inline]
    pub fn enter(&mut self, state: &'static str) {
        self.state_name = state;
        self.caught = false;
        self.last_event_id += 1;
        self.entered_event_id = self.last_event_id;
        self.retry_count = 0;
        self.task_token = None;
        self.anchor = None;
        self.attempt_started = None;
    }

    /// Records entering `state` as the durable engine does: its `StateEntered` event is
    /// `event_id`, recorded at `time`. Both are persisted, so a resumed state keeps
    /// them: `$$.State.EnteredTime` stays, and a Wait counts from `time`.
    pub fn enter_at(&mut self, state: &'static str, event_id: u64, time: SystemTime) {
        self.state_name = state;
        self.caught = false;
        self.last_event_id = event_id;
        self.entered_event_id = event_id;
        self.entered_time = time;
        self.entry_recorded = true;
        self.retry_count = 0;
        self.task_token = None;
        self.anchor = None;
        self.attempt_started = None;
    }

    /// Records now as `$$.State.EnteredTime` (unless the engine recorded the entry).
    pub fn stamp_entry(&mut self) {
        if !self.entry_recorded {
            self.entered_time = SystemTime::now();
        }
    }

    /// How long ago the engine recorded the current state's entry: zero unless it
    /// did (see [`Context::enter_at`]), so that a resumed Wait sleeps only what is
    /// left.
    pub fn since_recorded_entry(&self) -> std::time::Duration {
        if self.entry_recorded {
            SystemTime::now()
                .duration_since(self.entered_time)
                .unwrap_or_default()
        } else {
            std::time::Duration::ZERO
        }
    }

    /// How long ago the current attempt began, as far as a restart knows: for the
    /// first attempt the recorded entry ([`Context::since_recorded_entry`]), for a
    /// retry resumed after a restart the time it was due; zero otherwise.
    pub fn since_attempt_start(&self) -> std::time::Duration {
        match (self.retry_count, self.attempt_started) {
            (0, _) => self.since_recorded_entry(),
            (_, Some(started)) => SystemTime::now()
                .duration_since(started)
                .unwrap_or_default(),
            (_, None) => std::time::Duration::ZERO,
        }
    }

    /// Counts `count` more history events in the current state.
    #[inline]
    pub fn record_events(&mut self, count: u64) {
        self.last_event_id += count;
    }

    /// Sets `$$.State.RetryCount` for the next attempt.
    pub fn set_retry_count(&mut self, count: u32) {
        self.retry_count = count;
        self.attempt_started = None;
    }

    /// Resumes retry attempt `count` after a restart: it began (was due) at `due`.
    pub fn resume_attempt(&mut self, count: u32, due: SystemTime) {
        self.retry_count = count;
        self.attempt_started = Some(due);
    }

    /// Notes that the current state's Catch caught an error: the state goes on to the
    /// catcher's `Next`, and a Parallel or Map state records `...StateFailed`, as AWS
    /// does, not `...StateSucceeded`.
    pub fn catch(&mut self) {
        self.caught = true;
    }

    /// Whether the current state's Catch caught an error (see [`Context::catch`]).
    #[inline]
    pub fn caught(&self) -> bool {
        self.caught
    }

    /// Sets `$$.Task.Token` for a callback task.
    pub fn set_task_token(&mut self, token: Option<String>) {
        self.task_token = token;
    }

    /// A random number in `[0, 1)`: from the execution's seeded generator when it
    /// has a seed ([`Execution::with_seed`]), otherwise from the thread's generator.
    pub fn random_fraction(&mut self) -> f64 {
        match self.seeded() {
            Some(random) => random.random(),
            None => rand::random(),
        }
    }

    /// For an execution with a seed ([`Execution::with_seed`]), a seed for the
    /// JSONata `$random()` and `$uuid()` of one evaluation, drawn from the
    /// execution's generator, so that a seeded execution repeats exactly; `None`
    /// otherwise (they draw from the thread's generator).
    pub fn jsonata_seed(&mut self) -> Option<i64> {
        self.seeded().map(|random| random.random())
    }

    /// The execution's seeded generator, when it has a seed.
    fn seeded(&mut self) -> Option<&mut Xoshiro256PlusPlus> {
        let seed = self.execution.seed?;
        Some(
            self.random
                .get_or_insert_with(|| Xoshiro256PlusPlus::seed_from_u64(seed)),
        )
    }

    /// The execution this context belongs to.
    pub fn execution(&self) -> &Execution {
        &self.execution
    }

    /// The execution, shared: Parallel branches and Map iterations run in it.
    pub fn shared_execution(&self) -> Arc<Execution> {
        Arc::clone(&self.execution)
    }

    /// The name of the current state.
    pub fn state_name(&self) -> &'static str {
        self.state_name
    }

    /// The id of the current state's `StateEntered` history event.
    pub fn entered_event_id(&self) -> u64 {
        self.entered_event_id
    }

    /// The id of the current state's `StateEntered` event in the execution's whole
    /// history, as error causes name it. Inside a Parallel branch or Map iteration,
    /// whose events are counted from its start, it is the id the event has when the
    /// branch or iteration runs alone: after its Parallel's `ParallelStateStarted`, or
    /// its Map's `MapStateStarted` and `MapIterationStarted`.
    pub fn history_event_id(&self) -> u64 {
        match &self.place {
            None => self.entered_event_id,
            Some(place) => place.first_event_id() + self.entered_event_id,
        }
    }

    /// `$$.State.RetryCount`.
    pub fn retry_count(&self) -> u32 {
        self.retry_count
    }

    /// `$$.Task.Token`, in callback tasks.
    pub fn task_token(&self) -> Option<&str> {
        self.task_token.as_deref()
    }

    /// The Context object as JSON, as `$$` paths see it.
    pub fn to_value(&self) -> Value {
        let execution = &self.execution;
        let mut exec = Map::with_capacity(6);
        exec.insert("Id".into(), execution.id().into());
        exec.insert("Input".into(), execution.input().clone());
        exec.insert("Name".into(), execution.name().into());
        exec.insert("RoleArn".into(), execution.role_arn().into());
        exec.insert(
            "StartTime".into(),
            context_time(execution.start_time).into(),
        );
        exec.insert("RedriveCount".into(), execution.redrive_count.into());
        let mut state = Map::with_capacity(3);
        state.insert("EnteredTime".into(), context_time(self.entered_time).into());
        state.insert("Name".into(), self.state_name.into());
        state.insert("RetryCount".into(), self.retry_count.into());
        let mut machine = Map::with_capacity(2);
        machine.insert("Id".into(), execution.state_machine_id().into());
        machine.insert("Name".into(), execution.state_machine.clone().into());
        let mut context = Map::with_capacity(4);
        context.insert("Execution".into(), Value::Object(exec));
        context.insert("State".into(), Value::Object(state));
        context.insert("StateMachine".into(), Value::Object(machine));
        if let Some(token) = &self.task_token {
            let mut task = Map::with_capacity(1);
            task.insert("Token".into(), token.clone().into());
            context.insert("Task".into(), Value::Object(task));
        }
        Value::Object(context)
    }
}

/// A fresh execution name: a UUID, as AWS gives executions started without one.
pub fn execution_name() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// What an `ItemSelector` reads under `$$.Map` for the item at `index`:
/// `{"Map": {"Item": {"Index": index, "Value": value}}}`. The rest of the Context
/// object is read from [`Context::to_value`] as anywhere else.
pub fn map_item(index: usize, value: Value) -> Value {
    let mut item = Map::with_capacity(2);
    item.insert("Index".into(), index.into());
    item.insert("Value".into(), value);
    let mut map = Map::with_capacity(1);
    map.insert("Item".into(), Value::Object(item));
    let mut context = Map::with_capacity(1);
    context.insert("Map".into(), Value::Object(map));
    Value::Object(context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_object_has_the_fields_aws_documents() {
        let execution = Arc::new(Execution::new(
            "Orders",
            Some("run-1".to_owned()),
            serde_json::json!({"a": 1}),
        ));
        let mut context = Context::new(execution);
        context.enter("Validate");
        context.stamp_entry();
        context.set_retry_count(2);
        let value = context.to_value();
        assert_eq!(value["Execution"]["Input"], serde_json::json!({"a": 1}));
        assert_eq!(value["Execution"]["Name"], "run-1");
        assert_eq!(
            value["Execution"]["Id"],
            "arn:aws:states:us-east-1:123456789012:execution:Orders:run-1"
        );
        assert_eq!(value["Execution"]["RedriveCount"], 0);
        assert_eq!(value["State"]["Name"], "Validate");
        assert_eq!(value["State"]["RetryCount"], 2);
        assert_eq!(value["StateMachine"]["Name"], "Orders");
        assert!(value.get("Task").is_none());
        let entered = value["State"]["EnteredTime"].as_str().unwrap();
        assert_eq!(entered.len(), "2019-03-26T20:14:13.192Z".len());
        assert!(entered.ends_with('Z'));
        assert_eq!(context.entered_event_id(), 2);
    }

    #[test]
    fn the_next_item_context_is_a_fresh_one() {
        let execution = Arc::new(Execution::new("m", None, Value::Null).with_seed(Some(3)));
        let mut map = Context::new(Arc::clone(&execution));
        map.enter("Fan");
        map.record_events(4);
        let around = map.around();
        let outer = map.shared_variables();
        let fresh = |index| {
            Context::inner(Arc::clone(&execution), Arc::clone(&outer)).in_place(around.item(index))
        };
        let mut used = fresh(0);
        used.enter("Step");
        used.set_retry_count(2);
        used.set_task_token(Some("token".to_owned()));
        used.variables_mut();
        used.random_fraction();
        let mut next = used.next_item(&outer, &around, 1);
        let mut expected = fresh(1);
        assert_eq!(next.variables(), expected.variables());
        assert_eq!(next.assignments(), 0);
        assert_eq!(next.state_name(), "");
        assert_eq!(next.retry_count(), 0);
        assert_eq!(next.task_token(), None);
        assert_eq!(
            next.place.as_deref().and_then(Place::item),
            Some(("Fan", 1))
        );
        for context in [&mut next, &mut expected] {
            context.enter("Step");
        }
        assert_eq!(next.history_event_id(), expected.history_event_id());
        assert_eq!(next.random_fraction(), expected.random_fraction());
    }

    #[test]
    fn a_seeded_execution_draws_the_same_numbers_every_time() {
        let draws = |seed| {
            let execution = Execution::new("m", None, Value::Null).with_seed(seed);
            let mut context = Context::new(Arc::new(execution));
            [(); 4].map(|()| context.random_fraction())
        };
        assert_eq!(draws(Some(7)), draws(Some(7)));
        assert_ne!(draws(Some(7)), draws(Some(8)));
        assert_ne!(draws(None), draws(None));
        assert!(draws(None).iter().all(|x| (0.0..1.0).contains(x)));
    }
}
