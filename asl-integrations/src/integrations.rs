//! [`Integrations`]: everything that serves Task states, in the order a Task is
//! resolved.

use std::sync::Arc;

use serde_json::Value;

use asl_runtime::task::{Dispatch, TaskContext, TaskError};

use crate::bindings::{Bindings, UnboundTasks};
use crate::mock::MockRun;

/// What serves the Task states of a machine: for each Task, the mock of its state
/// in the execution's test case, else the binding of its state name, else the
/// binding of its Resource; a Task with none of them fails with `States.Runtime`,
/// its cause showing how to bind it.
#[derive(Debug, Default)]
pub struct Integrations {
    bindings: Bindings,
    mocks: Option<Arc<MockRun>>,
}

impl Integrations {
    /// Tasks served by `bindings`.
    pub fn new(bindings: Bindings) -> Integrations {
        Integrations {
            bindings,
            mocks: None,
        }
    }

    /// The same, the states `mocks`' test case names mocked (every execution runs
    /// that test case).
    pub fn with_mocks(self, mocks: MockRun) -> Integrations {
        Integrations {
            mocks: Some(Arc::new(mocks)),
            ..self
        }
    }

    /// Checks that every Task of `tasks` (state name, Resource), as a generated
    /// module's `TASKS` lists them, is bound; names all those that are not. With a
    /// test case, nothing is checked before the run: a test case mocks the states
    /// its path reaches, and a state it reaches unmocked and unbound fails there.
    pub fn check(&self, tasks: &[(&str, &str)]) -> Result<(), UnboundTasks> {
        match self.mocks {
            Some(_) => Ok(()),
            None => self.bindings.check(tasks),
        }
    }
}

impl Dispatch for Integrations {
    async fn call(&self, task: TaskContext<'_>, input: Value) -> Result<Value, TaskError> {
        if let Some(answer) = self.mocks.as_ref().and_then(|mocks| mocks.answer(&task)) {
            return answer;
        }
        self.bindings.call(task, input).await
    }
}
