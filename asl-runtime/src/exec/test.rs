//! TestState: the first state of a machine generated for it run alone (see
//! [`crate::probe`]).

use serde_json::{Map, Value};

use super::{MachineState, Run, Step, Workflow};
use crate::error::ExecutionError;

/// How the state under test ended.
#[derive(Debug)]
pub enum Tested<S> {
    /// It went on to the next state (carrying the state's output), or ended the
    /// machine with an output.
    Stepped(Step<S>),
    /// It failed with this error, no catcher catching it.
    Failed(ExecutionError),
    /// A retrier would retry its error (see [`crate::probe::Record::retriable`]).
    Retriable,
}

/// Runs the first state of `workflow` (a machine generated for TestState) alone,
/// from `input`, in `run` (a [`Run::probed`] one, with the test's variables set):
/// how it ended, and in the probe, what it recorded. It does not wait, and it
/// retries nothing.
pub async fn run<W: Workflow>(workflow: &W, run: &mut Run, input: Value) -> Tested<W::State> {
    let probe = run.probe().cloned();
    let state = workflow.start(input);
    let state_type = state.state_type();
    run.enter(state.name());
    run.stamp_entry();
    let stepped = async {
        if state_type.waits() {
            workflow.step(state, run).await
        } else {
            workflow.step_now(state, run)
        }
    };
    let retriable = async {
        match &probe {
            Some(probe) => probe.retriable().await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        biased;
        stepped = stepped => match stepped {
            Ok(step) => Tested::Stepped(step),
            Err(error) => Tested::Failed(error),
        },
        () = retriable => Tested::Retriable,
    }
}

/// The variables of `run`'s own scope, by the names of their slots (`names`, as
/// the machine's [`Workflow::variable_names`]
/// lists them): those assigned, as a JSON object.
pub fn variables(run: &Run, names: &[&str]) -> Map<String, Value> {
    names
        .iter()
        .enumerate()
        .filter_map(|(slot, name)| {
            let value = run.variables().get(0, slot)?;
            Some(((*name).to_owned(), value.clone()))
        })
        .collect()
}
