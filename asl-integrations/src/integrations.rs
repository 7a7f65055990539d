//! [`Integrations`]: everything that serves Task states, in the order a Task is
//! resolved.

use std::sync::Arc;

use serde_json::Value;

use asl_runtime::task::{Dispatch, TaskContext, TaskError};

use crate::aws::Aws;
use crate::bindings::{Bindings, UnboundTasks};
use crate::http_task;
use crate::mock::{MockConfig, MockRun, PerExecution};

/// What serves the Task states of a machine: for each Task, the mock of its state
/// in the execution's test case, else the binding of its state name, else the
/// binding of its Resource, else the AWS service its Resource names (when asl
/// calls that service); a Task with none of them fails with `States.Runtime`, its
/// cause showing how to bind it.
#[derive(Debug, Default)]
pub struct Integrations {
    bindings: Bindings,
    mocks: Mocks,
    aws: Option<Aws>,
    /// The client of HTTP Tasks.
    agent: Agent,
}

/// An HTTP client that answers any status.
#[derive(Debug, Clone)]
struct Agent(ureq::Agent);

impl Default for Agent {
    fn default() -> Agent {
        Agent(ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build(),
        ))
    }
}

/// Which executions run a test case.
#[derive(Debug, Default)]
enum Mocks {
    /// None.
    #[default]
    None,
    /// All, the same one.
    All(MockRun),
    /// Each the one it was started with, if any.
    PerExecution(Arc<PerExecution>),
}

impl Integrations {
    /// Tasks served by `bindings`.
    pub fn new(bindings: Bindings) -> Integrations {
        Integrations {
            bindings,
            ..Integrations::default()
        }
    }

    /// The same, Tasks whose Resource names an AWS service asl calls (and that no
    /// binding serves) calling it through `aws`.
    pub fn with_aws(self, aws: Aws) -> Integrations {
        Integrations {
            aws: Some(aws),
            ..self
        }
    }

    /// The same, the states `mocks`' test case names mocked (every execution runs
    /// that test case).
    pub fn with_mocks(self, mocks: MockRun) -> Integrations {
        Integrations {
            mocks: Mocks::All(mocks),
            ..self
        }
    }

    /// The same, each execution running the test case of `config` that
    /// [`PerExecution::select`] chose for it, if any.
    pub fn with_mock_config(self, config: MockConfig) -> Integrations {
        Integrations {
            mocks: Mocks::PerExecution(Arc::new(PerExecution::new(config))),
            ..self
        }
    }

    /// Where the test case of each execution is chosen, with
    /// [`Integrations::with_mock_config`].
    pub fn per_execution(&self) -> Option<Arc<PerExecution>> {
        match &self.mocks {
            Mocks::PerExecution(mocks) => Some(Arc::clone(mocks)),
            _ => None,
        }
    }

    /// Checks that every Task of `tasks` (state name, Resource), as a generated
    /// module's `TASKS` lists them, is bound, or names an AWS service asl calls
    /// with credentials found; names all those that are not. With a test case,
    /// nothing is checked before the run: a test case mocks the states its path
    /// reaches, and a state it reaches unmocked and unbound fails there.
    pub fn check(&self, tasks: &[(&str, &str)]) -> Result<(), UnboundTasks> {
        if !matches!(self.mocks, Mocks::None) {
            return Ok(());
        }
        // The credentials chain is asked once, and only for Tasks naming AWS.
        let signed = std::cell::OnceCell::new();
        let unserved: Vec<_> = tasks
            .iter()
            .copied()
            .filter(|(_, resource)| {
                let calls_aws = Aws::serves(resource)
                    && *signed.get_or_init(|| self.aws.as_ref().is_some_and(Aws::has_credentials));
                !http_task::is_http_task(resource) && !calls_aws
            })
            .collect();
        self.bindings.check(&unserved)
    }
}

impl Dispatch for Integrations {
    async fn call(&self, task: TaskContext<'_>, input: Value) -> Result<Value, TaskError> {
        let mocked = match &self.mocks {
            Mocks::None => None,
            Mocks::All(mocks) => mocks.answer(&task),
            Mocks::PerExecution(mocks) => mocks.answer(&task),
        };
        if let Some(answer) = mocked {
            return answer;
        }
        let bound = self.bindings.binds(task.state_name(), task.resource());
        if let Some(aws) = &self.aws
            && Aws::serves(task.resource())
            && !bound
        {
            return aws.call(&task, input).await;
        }
        if http_task::is_http_task(task.resource()) && !bound {
            let connections = self.bindings.connections();
            return http_task::call(&self.agent.0, connections, &task, input).await;
        }
        self.bindings.call(task, input).await
    }
}
