//! `states:startExecution` Tasks in a worker: the child is an execution of another
//! state machine of the server, which the server starts in the worker of that
//! machine; the parent follows it in the shared store.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_engine::store::{ExecutionStatus, Store};
use asl_runtime::arn::Account;
use asl_runtime::hooks::{Boxed, Machines, Starter};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use super::protocol::{Answer, Ask, Asking, FromWorker, Response};

/// The worker's questions to the server in flight.
#[derive(Debug)]
pub(super) struct Asker {
    outbox: mpsc::UnboundedSender<FromWorker>,
    pending: Mutex<HashMap<u64, oneshot::Sender<Answer>>>,
    next_id: AtomicU64,
}

impl Asker {
    /// Questions written to `outbox` (the worker's stdout).
    pub(super) fn new(outbox: mpsc::UnboundedSender<FromWorker>) -> Asker {
        Asker {
            outbox,
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
        }
    }

    /// Asks `ask` and waits for the answer; `None` when the server is gone.
    async fn ask(&self, ask: Ask) -> Option<Answer> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (answer, answered) = oneshot::channel();
        self.lock().insert(id, answer);
        self.outbox
            .send(FromWorker::Asking(Asking { id, ask }))
            .ok()?;
        answered.await.ok()
    }

    /// The server answered `response`.
    pub(super) fn answered(&self, response: Response) {
        if let Some(waiting) = self.lock().remove(&response.id) {
            let _ = waiting.send(response.answer);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<Answer>>> {
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The state machines of the server, as `states:startExecution` Tasks see them.
#[derive(Debug)]
pub(super) struct ServerMachines {
    pub(super) asker: Arc<Asker>,
    pub(super) store: Arc<dyn Store>,
    pub(super) account: Arc<Account>,
}

impl Machines for ServerMachines {
    fn starter(&self, name: &str) -> Option<Arc<dyn Starter>> {
        Some(Arc::new(ServerMachine {
            machine: name.to_owned(),
            asker: Arc::clone(&self.asker),
            store: Arc::clone(&self.store),
            account: Arc::clone(&self.account),
        }))
    }
}

/// One state machine of the server.
struct ServerMachine {
    machine: String,
    asker: Arc<Asker>,
    store: Arc<dyn Store>,
    account: Arc<Account>,
}

/// How long a parent waits before it looks at its child again, at first and at
/// most.
const FIRST_LOOK: Duration = Duration::from_millis(10);
const LONGEST_LOOK: Duration = Duration::from_millis(500);

impl ServerMachine {
    /// The ARN of its execution `name`.
    fn arn(&self, name: &str) -> String {
        self.account
            .states_arn(format_args!("execution:{}:{name}", self.machine))
    }

    /// Its execution `name`, as committed.
    fn record(&self, name: &str) -> Result<asl_engine::store::ExecutionRecord, String> {
        let arn = self.arn(name);
        self.store
            .execution(&arn)
            .map_err(|error| error.to_string())?
            .ok_or_else(|| format!("Execution Does Not Exist: '{arn}'"))
    }
}

impl Starter for ServerMachine {
    fn start<'a>(&'a self, name: &'a str, input: Value) -> Boxed<'a, Result<(), String>> {
        Box::pin(async move {
            let ask = Ask::StartExecution {
                machine: self.machine.clone(),
                name: name.to_owned(),
                input,
            };
            match self.asker.ask(ask).await {
                Some(Answer::Started { .. }) => Ok(()),
                // Started before: by this attempt before a restart.
                Some(Answer::Failed(failure)) if failure.code == "ExecutionAlreadyExists" => Ok(()),
                Some(Answer::Failed(failure)) => Err(failure.message),
                Some(other) => Err(format!("the server answered {other:?}")),
                None => Err("the server is gone".to_owned()),
            }
        })
    }

    fn started(&self, name: &str) -> Result<Value, String> {
        Ok(asl_engine::child_started(&self.record(name)?))
    }

    fn ended<'a>(
        &'a self,
        name: &'a str,
        parsed: bool,
    ) -> Boxed<'a, Result<(bool, Value), String>> {
        Box::pin(async move {
            let mut wait = FIRST_LOOK;
            loop {
                let record = self.record(name)?;
                if record.position.status != ExecutionStatus::Running {
                    return Ok(asl_engine::child_ended(&record, parsed, &self.account));
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(LONGEST_LOOK);
            }
        })
    }
}
