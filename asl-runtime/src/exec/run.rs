//! The executor's state of one run of a machine, beside the Context object.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use crate::context::{Context, Execution};
use crate::error::ExecutionError;
use crate::events::Events;
use crate::place::{Anchor, Around, Place};
use crate::probe::{MapLimits, Probe, Stage};
use crate::variables::Variables;
use serde_json::Value;

/// One run of a machine by the executor: a whole execution, a Parallel branch, a
/// Map iteration or a Distributed Map child execution. It holds the Context object
/// of the state being run ([`Run::context`], what `$$` reads) and what the executor
/// needs besides: the workflow variables, the state's history event ids, when its
/// attempt began, whether its Catch caught an error, the execution's seeded random
/// generator, the place of the branch or iteration, and where history events go.
/// Generated state functions receive it as `run: &mut Run`.
#[derive(Debug, Clone)]
pub struct Run {
    context: Context,
    variables: Arc<Variables>,
    /// How many times [`Run::variables_mut`] handed out the variables: while it
    /// stays the same, they did not change.
    assignments: u64,
    entered_event_id: u64,
    last_event_id: u64,
    random: Option<Xoshiro256PlusPlus>,
    /// The Parallel branch or Map iteration this run is, if any.
    place: Option<Arc<Place>>,
    /// For a redriven state's first attempt: the entry whose finished branches and
    /// iterations it keeps.
    anchor: Option<Anchor>,
    /// Whether the entry time was recorded by the durable engine (and survives a
    /// restart), rather than stamped by the state.
    entry_recorded: bool,
    /// When the current retry attempt began, when a restart resumed it (see
    /// [`Run::resume_attempt`]).
    attempt_started: Option<SystemTime>,
    /// Where the states record their history events, under the durable engine.
    events: Option<Arc<Events>>,
    /// Whether the current state's Catch caught an error (see [`Run::catch`]).
    caught: bool,
    /// For a TestState run: what it mocks and records (see [`crate::probe`]).
    probe: Option<Arc<Probe>>,
}

impl Run {
    /// The run of a new execution, before its first state.
    pub fn new(execution: Arc<Execution>) -> Run {
        Run::with_variables(execution, Variables::default())
    }

    /// The run of a Parallel branch or Map iteration of `execution`, whose variables
    /// are a scope inside `outer`.
    pub fn inner(execution: Arc<Execution>, outer: Arc<Variables>) -> Run {
        Run::with_variables(execution, Variables::inner(outer))
    }

    /// The run of an execution resumed with its top-level `variables`.
    pub fn resumed(execution: Arc<Execution>, variables: Variables) -> Run {
        Run::with_variables(execution, variables)
    }

    /// The same run, at `place`.
    pub fn in_place(self, place: Arc<Place>) -> Run {
        Run {
            place: Some(place),
            ..self
        }
    }

    /// The same run, its states recording their history events in `events`.
    pub fn recording(self, events: Arc<Events>) -> Run {
        Run {
            events: Some(events),
            ..self
        }
    }

    /// The run of the iteration of item `index` of the Map state entry `around`
    /// inside the variables `outer`, made from this one (of the iteration before it):
    /// the same as `Run::inner(execution, outer).in_place(around.item(index))`, but
    /// reusing this one's variable scope and place when nothing else holds them.
    pub fn next_item(self, outer: &Arc<Variables>, around: &Around, index: usize) -> Run {
        let Run {
            context,
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
        Run::with_shared_variables(context.into_execution(), variables).in_place(place)
    }

    fn with_variables(execution: Arc<Execution>, variables: Variables) -> Run {
        Run::with_shared_variables(execution, Arc::new(variables))
    }

    fn with_shared_variables(execution: Arc<Execution>, variables: Arc<Variables>) -> Run {
        // Under the engine, the top-level states record into the execution's events;
        // branches and iterations into their own (see `recording`).
        let events = execution
            .journal()
            .map(|journal| Arc::clone(journal.events()));
        Run {
            context: Context::new(execution),
            variables,
            assignments: 0,
            entered_event_id: 0,
            // ExecutionStarted is event 1.
            last_event_id: 1,
            random: None,
            place: None,
            anchor: None,
            entry_recorded: false,
            attempt_started: None,
            events,
            caught: false,
            probe: None,
        }
    }

    /// The same run, as a TestState run with `probe`.
    pub fn probed(self, probe: Arc<Probe>) -> Run {
        Run {
            probe: Some(probe),
            ..self
        }
    }

    /// The probe of a TestState run (see [`crate::probe`]).
    #[inline]
    pub fn probe(&self) -> Option<&Arc<Probe>> {
        self.probe.as_ref()
    }

    /// Records `value` as the outcome of data-flow step `stage`, when this is a
    /// TestState run.
    pub fn inspect(&self, stage: Stage, value: &Value) {
        if let Some(probe) = &self.probe {
            probe.inspect(stage, value);
        }
    }

    /// Notes, in a TestState run, that catcher number `index` caught `error`.
    pub fn caught_by(&self, index: usize, error: &ExecutionError) {
        if let Some(probe) = &self.probe {
            probe.caught_by(index, error);
        }
    }

    /// The mocked outcome of a Task, Parallel or Map state's work, when this is a
    /// TestState run with a mock.
    pub fn mocked(&self) -> Option<Result<Value, ExecutionError>> {
        self.probe.as_ref()?.mocked()
    }

    /// The mocked outcome of a Map state (see [`Probe::mocked_map`]), when this is
    /// a TestState run with a mock.
    pub fn mocked_map(
        &self,
        items: Option<usize>,
        limits: MapLimits,
    ) -> Option<Result<Value, ExecutionError>> {
        self.probe.as_ref()?.mocked_map(items, limits)
    }

    /// The Context object (`$$`) of the state being run.
    #[inline]
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The execution this run belongs to.
    pub fn execution(&self) -> &Execution {
        self.context.execution()
    }

    /// The execution, shared: Parallel branches and Map iterations run in it.
    pub fn shared_execution(&self) -> Arc<Execution> {
        self.context.shared_execution()
    }

    /// The current (Parallel or Map) state's entry and attempt, where its branches
    /// or iterations run (see [`Around::branch`], [`Around::item`]).
    pub fn around(&self) -> Around {
        let retry_count = self.context.retry_count();
        let (entered, attempt) = match self.anchor {
            Some(anchor) if retry_count == 0 => (anchor.entered, anchor.attempt),
            _ => (self.entered_event_id, retry_count),
        };
        Around::new(
            self.place.clone(),
            self.context.state_name(),
            entered,
            attempt,
            self.events.clone(),
        )
    }

    /// Whether this run is a Parallel branch or Map iteration.
    pub fn in_branch(&self) -> bool {
        self.place.is_some()
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
            &self.execution().id(),
            self.place.as_deref(),
            self.context.state_name(),
            self.entered_event_id,
        )
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
    /// state runs (see [`Run::inner`]).
    pub fn shared_variables(&self) -> Arc<Variables> {
        Arc::clone(&self.variables)
    }

    /// Records entering `state`: its name and its `StateEntered` event. The entry
    /// time is read by [`Run::stamp_entry`], which generated code calls only in
    /// states that can observe it (Task states and states reading `$$`): reading the
    /// clock costs as much as a whole Pass transition.
    #[inline]
    pub fn enter(&mut self, state: &'static str) {
        self.context.enter(state);
        self.caught = false;
        self.last_event_id += 1;
        self.entered_event_id = self.last_event_id;
        self.anchor = None;
        self.attempt_started = None;
    }

    /// Records entering `state` as the durable engine does: its `StateEntered` event is
    /// `event_id`, recorded at `time`. Both are persisted, so a resumed state keeps
    /// them: `$$.State.EnteredTime` stays, and a Wait counts from `time`.
    pub fn enter_at(&mut self, state: &'static str, event_id: u64, time: SystemTime) {
        self.context.enter(state);
        self.context.set_entered_time(time);
        self.caught = false;
        self.last_event_id = event_id;
        self.entered_event_id = event_id;
        self.entry_recorded = true;
        self.anchor = None;
        self.attempt_started = None;
    }

    /// Records now as `$$.State.EnteredTime` (unless the engine recorded the entry).
    pub fn stamp_entry(&mut self) {
        if !self.entry_recorded {
            self.context.set_entered_time(SystemTime::now());
        }
    }

    /// How long ago the engine recorded the current state's entry: zero unless it
    /// did (see [`Run::enter_at`]), so that a resumed Wait sleeps only what is left.
    pub fn since_recorded_entry(&self) -> Duration {
        if self.entry_recorded {
            SystemTime::now()
                .duration_since(self.context.entered_time())
                .unwrap_or_default()
        } else {
            Duration::ZERO
        }
    }

    /// How long ago the current attempt began, as far as a restart knows: for the
    /// first attempt the recorded entry ([`Run::since_recorded_entry`]), for a retry
    /// resumed after a restart the time it was due; zero otherwise.
    pub fn since_attempt_start(&self) -> Duration {
        match (self.context.retry_count(), self.attempt_started) {
            (0, _) => self.since_recorded_entry(),
            (_, Some(started)) => SystemTime::now()
                .duration_since(started)
                .unwrap_or_default(),
            (_, None) => Duration::ZERO,
        }
    }

    /// Whether the current attempt began before a restart (or before the execution
    /// was parked): what [`Run::since_attempt_start`] counts from is recorded.
    pub(crate) fn resumes_attempt(&self) -> bool {
        match self.context.retry_count() {
            0 => self.entry_recorded,
            _ => self.attempt_started.is_some(),
        }
    }

    /// Counts `count` more history events in the current state.
    #[inline]
    pub fn record_events(&mut self, count: u64) {
        self.last_event_id += count;
    }

    /// Sets `$$.State.RetryCount` for the next attempt.
    pub fn set_retry_count(&mut self, count: u32) {
        self.context.set_retry_count(count);
        self.attempt_started = None;
    }

    /// Resumes retry attempt `count` after a restart: it began (was due) at `due`.
    pub fn resume_attempt(&mut self, count: u32, due: SystemTime) {
        self.context.set_retry_count(count);
        self.attempt_started = Some(due);
    }

    /// Notes that the current state's Catch caught an error: the state goes on to the
    /// catcher's `Next`, and a Parallel or Map state records `...StateFailed`, as AWS
    /// does, not `...StateSucceeded`.
    pub fn catch(&mut self) {
        self.caught = true;
    }

    /// Whether the current state's Catch caught an error (see [`Run::catch`]).
    #[inline]
    pub fn caught(&self) -> bool {
        self.caught
    }

    /// Sets `$$.Task.Token` for a callback task.
    pub fn set_task_token(&mut self, token: Option<String>) {
        self.context.set_task_token(token);
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
        let seed = self.context.execution().seed()?;
        Some(
            self.random
                .get_or_insert_with(|| Xoshiro256PlusPlus::seed_from_u64(seed)),
        )
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
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn entering_a_state_sets_its_context_and_counts_its_event() {
        let execution = Arc::new(Execution::new("Orders", None, Value::Null));
        let mut run = Run::new(execution);
        run.enter("Validate");
        run.stamp_entry();
        run.set_retry_count(2);
        run.set_task_token(Some("token".to_owned()));
        run.catch();
        assert_eq!(run.entered_event_id(), 2);
        assert_eq!(run.context().state_name(), "Validate");
        assert_eq!(run.context().retry_count(), 2);
        assert_eq!(run.context().task_token(), Some("token"));
        assert_ne!(run.context().entered_time(), SystemTime::UNIX_EPOCH);
        assert!(run.caught());
        run.record_events(3);
        run.enter("Ship");
        assert_eq!(run.entered_event_id(), 6);
        assert_eq!(run.context().state_name(), "Ship");
        assert_eq!(run.context().retry_count(), 0);
        assert_eq!(run.context().task_token(), None);
        assert!(!run.caught());
    }

    #[test]
    fn an_entry_the_engine_recorded_keeps_its_time() {
        let execution = Arc::new(Execution::new("Orders", None, Value::Null));
        let mut run = Run::new(execution);
        let entered = SystemTime::now() - Duration::from_secs(60);
        run.enter_at("Wait", 7, entered);
        run.stamp_entry();
        assert_eq!(run.context().entered_time(), entered);
        assert_eq!(run.entered_event_id(), 7);
        assert!(run.since_recorded_entry() >= Duration::from_secs(60));
        assert!(run.since_attempt_start() >= Duration::from_secs(60));
        run.set_retry_count(1);
        assert_eq!(run.since_attempt_start(), Duration::ZERO);
    }

    #[test]
    fn the_next_item_run_is_a_fresh_one() {
        let execution = Arc::new(Execution::new("m", None, Value::Null).with_seed(Some(3)));
        let mut map = Run::new(Arc::clone(&execution));
        map.enter("Fan");
        map.record_events(4);
        let around = map.around();
        let outer = map.shared_variables();
        let fresh = |index| {
            Run::inner(Arc::clone(&execution), Arc::clone(&outer)).in_place(around.item(index))
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
        assert_eq!(next.context().state_name(), "");
        assert_eq!(next.context().retry_count(), 0);
        assert_eq!(next.context().task_token(), None);
        assert_eq!(
            next.place.as_deref().and_then(Place::item),
            Some(("Fan", 1))
        );
        for run in [&mut next, &mut expected] {
            run.enter("Step");
        }
        assert_eq!(next.history_event_id(), expected.history_event_id());
        assert_eq!(next.random_fraction(), expected.random_fraction());
    }

    #[test]
    fn a_seeded_execution_draws_the_same_numbers_every_time() {
        let draws = |seed| {
            let execution = Execution::new("m", None, Value::Null).with_seed(seed);
            let mut run = Run::new(Arc::new(execution));
            [(); 4].map(|()| run.random_fraction())
        };
        assert_eq!(draws(Some(7)), draws(Some(7)));
        assert_ne!(draws(Some(7)), draws(Some(8)));
        assert_ne!(draws(None), draws(None));
        assert!(draws(None).iter().all(|x| (0.0..1.0).contains(x)));
    }
}
