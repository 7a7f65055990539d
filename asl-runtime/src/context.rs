//! The Context object (`$$`): facts about the execution and the current state.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use serde_json::{Map, Value};

use crate::arn::Account;
use crate::clock::context_time;

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
    /// The random id that ends an Express execution's ARN, when it has one.
    express_id: Option<String>,
    account: Arc<Account>,
    callbacks: Option<Arc<crate::hooks::Callbacks>>,
    journal: Option<Arc<crate::journal::Journal>>,
    /// Where the children of its Distributed Maps may run, under an engine shared
    /// by a fleet.
    spread: Option<Arc<dyn crate::hooks::Spread>>,
    /// Where it waits out a long Wait or backoff, under an engine whose store keeps
    /// timers.
    park: Option<Arc<dyn crate::hooks::Park>>,
    /// For a Distributed Map child under the engine: the ARN of the top-level
    /// execution it runs in, which the engine's store keeps (and task tokens name).
    top_level: Option<Arc<str>>,
    transitions: Transitions,
    /// The whole Context object, when TestState was given one (see
    /// [`Execution::with_context`]).
    context: Option<Value>,
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
            && self.express_id == other.express_id
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
            express_id: None,
            account: Account::shared_default(),
            callbacks: None,
            journal: None,
            spread: None,
            park: None,
            top_level: None,
            transitions: Transitions::default(),
            context: None,
        }
    }

    /// The same execution, whose states all see `context` as their Context object
    /// (`$$`), whatever they are: what TestState's `context` sets.
    pub fn with_context(self, context: Value) -> Execution {
        Execution {
            context: Some(context),
            ..self
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
            express_id: None,
            account: Arc::clone(&self.account),
            callbacks: self.callbacks.clone(),
            // A child keeps no journal: a Distributed Map's children run again whole.
            journal: None,
            // Its own Distributed Maps run their children where it runs.
            spread: None,
            // It waits in its parent's run, which may not leave memory meanwhile.
            park: None,
            // Only the task tokens of the engine's callback tasks need it.
            top_level: self
                .callbacks
                .as_ref()
                .map(|_| self.top_level.clone().unwrap_or_else(|| self.id().into())),
            transitions: Transitions::default(),
            context: None,
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

    /// The same execution, the children of its Distributed Maps run wherever
    /// `spread` hands them (as a durable engine shared by a fleet runs it).
    pub fn with_spread(self, spread: Option<Arc<dyn crate::hooks::Spread>>) -> Execution {
        Execution { spread, ..self }
    }

    /// Where the children of its Distributed Maps may run, under such an engine.
    pub fn spread(&self) -> Option<&Arc<dyn crate::hooks::Spread>> {
        self.spread.as_ref()
    }

    /// The same execution, its long Waits and backoffs parked with `park` (as a
    /// durable engine whose store keeps timers runs it).
    pub fn with_park(self, park: Option<Arc<dyn crate::hooks::Park>>) -> Execution {
        Execution { park, ..self }
    }

    /// Where its long Waits and backoffs are parked, under such an engine.
    pub fn park(&self) -> Option<&Arc<dyn crate::hooks::Park>> {
        self.park.as_ref()
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

    /// The seed of the execution's random numbers, if it has one.
    pub fn seed(&self) -> Option<u64> {
        self.seed
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

    /// The same execution as a top-level Express one, whose ARN ends with
    /// `express_id` as AWS's do (`express:<machine>:<name>:<id>`).
    pub fn express(self, express_id: String) -> Execution {
        Execution {
            execution_type: ExecutionType::Express,
            express_id: Some(express_id),
            ..self
        }
    }

    /// The same execution as an Express one whose ARN ends with its name
    /// (`express:<machine>:<name>`), as the executions TestState runs states in.
    pub fn express_named(self) -> Execution {
        Execution {
            execution_type: ExecutionType::Express,
            express_id: None,
            ..self
        }
    }

    /// `$$.Execution.Id`: the execution ARN (an `express:` one for an Express
    /// execution).
    pub fn id(&self) -> String {
        let id = self.account.states_arn(format_args!(
            "{}:{}:{}",
            self.execution_type.arn_kind(),
            self.state_machine,
            self.name()
        ));
        match &self.express_id {
            Some(express_id) => format!("{id}:{express_id}"),
            None => id,
        }
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

/// The Context object (`$$`) of the state being run: the execution, plus the
/// state's name, entry time, retry count and task token. The executor keeps it in
/// the [`Run`](crate::exec::Run) of the machine, beside what else it needs to run
/// the state, and changes it as the run goes on.
#[derive(Debug, Clone)]
pub struct Context {
    execution: Arc<Execution>,
    state_name: &'static str,
    entered_time: SystemTime,
    retry_count: u32,
    task_token: Option<String>,
}

impl Context {
    /// The Context object of `execution`, before its first state.
    pub fn new(execution: Arc<Execution>) -> Context {
        Context {
            execution,
            state_name: "",
            entered_time: SystemTime::UNIX_EPOCH,
            retry_count: 0,
            task_token: None,
        }
    }

    /// Enters `state`: its first attempt, without a task token. The entry time is
    /// set apart ([`Context::set_entered_time`]), only when something can observe it.
    #[inline]
    pub(crate) fn enter(&mut self, state: &'static str) {
        self.state_name = state;
        self.retry_count = 0;
        self.task_token = None;
    }

    /// Sets `$$.State.EnteredTime`.
    pub(crate) fn set_entered_time(&mut self, time: SystemTime) {
        self.entered_time = time;
    }

    /// Sets `$$.State.RetryCount`.
    pub(crate) fn set_retry_count(&mut self, count: u32) {
        self.retry_count = count;
    }

    /// Sets `$$.Task.Token`.
    pub(crate) fn set_task_token(&mut self, token: Option<String>) {
        self.task_token = token;
    }

    /// The execution (`$$.Execution`, `$$.StateMachine`).
    pub fn execution(&self) -> &Execution {
        &self.execution
    }

    /// The execution, shared: Parallel branches and Map iterations run in it.
    pub fn shared_execution(&self) -> Arc<Execution> {
        Arc::clone(&self.execution)
    }

    /// The execution, given back.
    pub(crate) fn into_execution(self) -> Arc<Execution> {
        self.execution
    }

    /// `$$.State.Name`: the name of the current state.
    pub fn state_name(&self) -> &'static str {
        self.state_name
    }

    /// `$$.State.EnteredTime`, as last set.
    pub fn entered_time(&self) -> SystemTime {
        self.entered_time
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
        if let Some(context) = &execution.context {
            return context.clone();
        }
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
        context.set_entered_time(SystemTime::now());
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
        context.set_task_token(Some("token".to_owned()));
        assert_eq!(context.to_value()["Task"]["Token"], "token");
        context.enter("Next");
        assert_eq!((context.retry_count(), context.task_token()), (0, None));
    }

    #[test]
    fn an_express_execution_id_ends_with_its_random_id() {
        let execution = Execution::new("Orders", Some("run-1".to_owned()), Value::Null)
            .express("0f0e8e4a-1b2c-4d3e-8f90-123456789abc".to_owned());
        assert_eq!(execution.execution_type(), ExecutionType::Express);
        assert_eq!(
            execution.id(),
            "arn:aws:states:us-east-1:123456789012:express:Orders:run-1:0f0e8e4a-1b2c-4d3e-8f90-123456789abc"
        );
    }
}
