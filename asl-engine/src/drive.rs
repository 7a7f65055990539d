//! One durable run: the executor loop with a checkpoint after every transition.

use std::time::SystemTime;
use tracing::Instrument;

use serde::Serialize;
use std::sync::Arc;

use tokio::sync::{Notify, oneshot};

use asl_runtime::clock::from_unix_millis;
use asl_runtime::error::ExecutionError;
use asl_runtime::events::Pending;
use asl_runtime::exec::{self, MachineState, Run, StateType, Step, Workflow};

use crate::error::EngineError;
use crate::history::{
    Details, Entered, EventType, Exited, Failure, MAX_EVENTS, Output, Recorder, Truncated,
};
use crate::store::{Checkpoint, ExecutionStatus, Position, Store};

/// The error and cause a stop records in `ExecutionAborted`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Stop {
    pub(crate) error: Option<String>,
    pub(crate) cause: Option<String>,
}

/// An execution between two transitions: the state to run and all it needs.
#[derive(Debug)]
pub(crate) struct DurableRun<W: Workflow> {
    arn: String,
    state: W::State,
    /// The state as committed: `{"<name>": <input>}`.
    state_text: String,
    run: Run,
    recorder: Recorder,
    seq: u64,
    /// When the execution was last redriven: its `TimeoutSeconds` count from then.
    redrive_date: Option<SystemTime>,
    /// Notified when the execution was parked (see [`crate::park`]): the run ends.
    parked: Arc<Notify>,
}

/// How a state's run ended.
enum Outcome<S> {
    Ran(Result<Step<S>, ExecutionError>),
    Stopped(Stop),
    TimedOut,
    Parked,
}

/// How the execution ended, as its last checkpoint records it.
struct End {
    status: ExecutionStatus,
    output: Option<String>,
    error: Option<String>,
    cause: Option<String>,
}

impl<W> DurableRun<W>
where
    W: Workflow,
    W::State: Serialize,
{
    /// The durable run of `arn` from `state` (committed as checkpoint `seq`), the
    /// executor's `run` of it, whose last event is `recorder`'s, last redriven at
    /// `redrive_date`, which ends when `parked` is notified.
    pub(crate) fn new(
        arn: String,
        state: W::State,
        run: Run,
        recorder: Recorder,
        seq: u64,
        redrive_date: Option<SystemTime>,
        parked: Arc<Notify>,
    ) -> Result<DurableRun<W>, EngineError> {
        Ok(DurableRun {
            arn,
            state_text: self::state_text(&state)?,
            state,
            run,
            recorder,
            seq,
            redrive_date,
            parked,
        })
    }

    /// The execution's ARN.
    pub(crate) fn arn(&self) -> &str {
        &self.arn
    }

    /// The span the run goes in (see [`asl_runtime::exec::execution_span`]).
    pub(crate) fn span(&self, machine: &str) -> tracing::Span {
        asl_runtime::exec::execution_span(self.run.execution(), machine)
    }

    /// Runs the execution to its end, committing each transition before the next
    /// state starts. A refused or failed commit ends the run with its error (another
    /// process runs the execution, or the store failed or is poisoned); what was
    /// committed stays.
    pub(crate) async fn run(
        self,
        workflow: &W,
        store: &dyn Store,
        stop: oneshot::Receiver<Stop>,
    ) -> Result<(), EngineError> {
        self.transitions(workflow, store, stop).await
    }

    async fn transitions(
        self,
        workflow: &W,
        store: &dyn Store,
        stop: oneshot::Receiver<Stop>,
    ) -> Result<(), EngineError> {
        let DurableRun {
            arn,
            mut state,
            mut state_text,
            mut run,
            mut recorder,
            mut seq,
            redrive_date,
            parked,
        } = self;
        let redrive_count = run.execution().redrive_count();
        let deadline = workflow.timeout().map(|limit| {
            let since = redrive_date.unwrap_or_else(|| run.execution().start_time());
            let end = since + limit;
            let left = end.duration_since(SystemTime::now()).unwrap_or_default();
            tokio::time::Instant::now() + left
        });
        let stopped = async move {
            match stop.await {
                Ok(stop) => stop,
                // The engine dropped the handle: nobody can stop this run any more.
                Err(_) => std::future::pending().await,
            }
        };
        tokio::pin!(stopped);
        // The variables are checkpointed only when a state may have assigned some:
        // the store keeps the last ones (the run started from them).
        let mut checkpointed = run.assignments();
        let mut changed_variables = |run: &Run| {
            let assignments = run.assignments();
            let changed = assignments != checkpointed;
            checkpointed = assignments;
            changed.then(|| run.variables().to_json()).flatten()
        };
        loop {
            let name = state.name();
            let state_type = state.state_type();
            let step = async {
                if state_type.waits() {
                    workflow.step(state, &mut run).await
                } else {
                    workflow.step_now(state, &mut run)
                }
            }
            .instrument(asl_runtime::exec::state_span(name, state_type));
            let outcome = tokio::select! {
                biased;
                stop = &mut stopped => Outcome::Stopped(stop),
                () = expiry(deadline) => Outcome::TimedOut,
                () = parked.notified() => Outcome::Parked,
                ran = step => Outcome::Ran(ran),
            };
            let before = recorder.last_id();
            let end = match outcome {
                Outcome::Ran(Ok(Step::Next(next))) => {
                    let next_text = self::state_text(&next)?;
                    // The next state's input, the value its checkpoint holds.
                    let output = next.input().to_string();
                    inner_events(&mut recorder, &run, state_type, Some(true));
                    exited(&mut recorder, state_type, name, &output);
                    let entered = SystemTime::now();
                    entry(&mut recorder, entered, &next, output);
                    if recorder.last_id() < MAX_EVENTS {
                        run.enter_at(next.name(), recorder.last_id(), entered);
                        seq += 1;
                        let variables = changed_variables(&run);
                        let position = Position {
                            redrive_count,
                            redrive_date,
                            ..Position::running(
                                seq,
                                next_text.clone(),
                                variables,
                                recorder.last_id(),
                                entered,
                            )
                        };
                        commit(store, &arn, position, recorder.take()).await?;
                        state = next;
                        state_text = next_text;
                        continue;
                    }
                    recorder = Recorder::after(before);
                    failed(
                        &mut recorder,
                        ExecutionError::runtime(format!(
                            "The execution reached the limit of {MAX_EVENTS} history events."
                        )),
                    )
                }
                Outcome::Ran(Ok(Step::Succeed(output))) => {
                    let output = output.to_string();
                    inner_events(&mut recorder, &run, state_type, Some(true));
                    exited(&mut recorder, state_type, name, &output);
                    recorder.record(
                        EventType::ExecutionSucceeded,
                        Details::ExecutionSucceeded(Output {
                            output: output.clone(),
                            output_details: Truncated::default(),
                        }),
                    );
                    End {
                        status: ExecutionStatus::Succeeded,
                        output: Some(output),
                        error: None,
                        cause: None,
                    }
                }
                Outcome::Ran(Err(error)) => {
                    let error = exec::locate(error, &run);
                    inner_events(&mut recorder, &run, state_type, Some(false));
                    failed(&mut recorder, error)
                }
                Outcome::Stopped(Stop { error, cause }) => {
                    inner_events(&mut recorder, &run, state_type, None);
                    unsuccessful(
                        &mut recorder,
                        ExecutionStatus::Aborted,
                        Failure { error, cause },
                    )
                }
                // Whoever fires its timer goes on from its last checkpoint.
                Outcome::Parked => return Ok(()),
                Outcome::TimedOut => {
                    inner_events(&mut recorder, &run, state_type, None);
                    let ExecutionError { error, cause, .. } = ExecutionError::timeout();
                    unsuccessful(
                        &mut recorder,
                        ExecutionStatus::TimedOut,
                        Failure { error, cause },
                    )
                }
            };
            // A failed, timed-out or aborted execution keeps the state it was in, for
            // a redrive.
            let failed = end.status != ExecutionStatus::Succeeded;
            let position = Position {
                seq: seq + 1,
                status: end.status,
                state: failed.then_some(state_text),
                variables: changed_variables(&run),
                last_event_id: recorder.last_id(),
                entered_event_id: run.entered_event_id(),
                entered: SystemTime::now(),
                stop: Some(SystemTime::now()),
                output: end.output,
                error: end.error,
                cause: end.cause,
                redrive_count,
                redrive_date,
            };
            return commit(store, &arn, position, recorder.take()).await;
        }
    }
}

async fn commit(
    store: &dyn Store,
    arn: &str,
    position: Position,
    events: Vec<crate::history::HistoryEvent>,
) -> Result<(), EngineError> {
    store
        .commit(Checkpoint {
            arn: arn.to_owned(),
            start: None,
            position,
            events,
        })
        .await?;
    Ok(())
}

/// Sleeps until the machine's `TimeoutSeconds` ran out; never without one.
async fn expiry(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// The events a state made between its entry and its exit (see
/// [`Events`](asl_runtime::events::Events)): a Task's attempts, a Parallel or Map state's
/// events, wrapped as [`Events::wrap`](asl_runtime::events::Events::wrap) says (a
/// failure its Catch caught counting as a failure).
fn inner_events(
    recorder: &mut Recorder,
    run: &Run,
    state_type: StateType,
    succeeded: Option<bool>,
) {
    if let Some(events) = run.events() {
        let succeeded = succeeded.map(|succeeded| succeeded && !run.caught());
        events.wrap(0, state_type, succeeded);
        record_all(recorder, events.take());
    }
}

fn record_all(recorder: &mut Recorder, events: Vec<Pending>) {
    for Pending {
        time,
        kind,
        details,
    } in events
    {
        recorder.record_at(from_unix_millis(time), kind, details);
    }
}

/// `<Type>StateEntered` for `state` (committed as `state_text`), at `time`.
pub(crate) fn record_entry(
    recorder: &mut Recorder,
    time: SystemTime,
    state: &impl MachineState,
    state_text: &str,
) {
    entry(recorder, time, state, input_text(state_text));
}

/// `<Type>StateEntered` for `state`, whose input is `input` (JSON text), at `time`.
fn entry(recorder: &mut Recorder, time: SystemTime, state: &impl MachineState, input: String) {
    recorder.record_at(
        time,
        EventType::entered(state.state_type()),
        Details::StateEntered(Entered {
            name: state.name().to_owned(),
            input,
            input_details: Truncated::default(),
        }),
    );
}

/// `<Type>StateExited` (a Fail state has none).
fn exited(recorder: &mut Recorder, state_type: StateType, name: &str, output: &str) {
    if let Some(kind) = EventType::exited(state_type) {
        recorder.record(
            kind,
            Details::StateExited(Exited {
                name: name.to_owned(),
                output: output.to_owned(),
                output_details: Truncated::default(),
            }),
        );
    }
}

fn failed(recorder: &mut Recorder, error: ExecutionError) -> End {
    let ExecutionError { error, cause, .. } = error;
    unsuccessful(recorder, ExecutionStatus::Failed, Failure { error, cause })
}

/// Ends the execution with `status` (failed, timed out or aborted): its last event
/// and outcome.
fn unsuccessful(recorder: &mut Recorder, status: ExecutionStatus, failure: Failure) -> End {
    let (kind, details) = match status {
        ExecutionStatus::Aborted => (
            EventType::ExecutionAborted,
            Details::ExecutionAborted(failure.clone()),
        ),
        ExecutionStatus::TimedOut => (
            EventType::ExecutionTimedOut,
            Details::ExecutionTimedOut(failure.clone()),
        ),
        _ => (
            EventType::ExecutionFailed,
            Details::ExecutionFailed(failure.clone()),
        ),
    };
    recorder.record(kind, details);
    End {
        status,
        output: None,
        error: failure.error,
        cause: failure.cause,
    }
}

/// `state` as committed: the generated enum's JSON, `{"<name>": <input>}`.
pub(crate) fn state_text(state: &impl Serialize) -> Result<String, EngineError> {
    serde_json::to_string(state).map_err(|error| {
        EngineError::Store(crate::store::StoreError::Corrupt(format!(
            "a state that cannot be written as JSON: {error}"
        )))
    })
}

/// The input inside `state_text`, a committed state `{"<name>": <input>}`, as JSON
/// text. The text is read as JSON, never cut: the key is the state's name as the
/// generated enum writes it, which may differ from the definition's in checkpoints
/// written before variants carried the definition's names.
fn input_text(state_text: &str) -> String {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(state_text)
        .ok()
        .and_then(|state| state.into_iter().next())
        .map_or_else(|| "null".to_owned(), |(_, input)| input.to_string())
}

#[cfg(test)]
mod tests {
    use super::input_text;

    #[test]
    fn the_input_is_read_from_the_committed_state_whatever_its_name() {
        for name in [
            "Ask for approval",
            r#"Say "hi""#,
            "v1.2",
            "Überprüfen",
            "AskForApproval",
        ] {
            let key = serde_json::to_string(name).unwrap();
            let text = format!(r#"{{{key}:{{"x":1,"y":"a\"b"}}}}"#);
            assert_eq!(input_text(&text), r#"{"x":1,"y":"a\"b"}"#, "{name}");
        }
        assert_eq!(input_text(r#"{"A":null}"#), "null");
        assert_eq!(input_text("not JSON"), "null");
    }
}
