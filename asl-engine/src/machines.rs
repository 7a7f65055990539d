//! The state machines the engines of one process run, by name, so that an
//! execution of one can start executions of another (`states:startExecution`,
//! `.sync`, `.sync:2`; see [`asl_runtime::task::nested`]).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use asl_runtime::arn::Account;
use asl_runtime::clock::context_time;
use asl_runtime::task::nested::{self, Starter};
use serde_json::{Value, json};

use crate::store::{ExecutionRecord, ExecutionStatus};

/// The state machines engines in this process run, by name.
#[derive(Default)]
pub struct Machines {
    by_name: RwLock<HashMap<String, Arc<dyn Starter>>>,
}

impl std::fmt::Debug for Machines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.read().keys().cloned().collect();
        f.debug_struct("Machines").field("names", &names).finish()
    }
}

impl Machines {
    /// An empty registry.
    pub fn new() -> Machines {
        Machines::default()
    }

    /// Registers the engine of machine `name`.
    pub fn register(&self, name: &str, starter: Arc<dyn Starter>) {
        self.by_name
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(name.to_owned(), starter);
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<dyn Starter>>> {
        self.by_name
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl nested::Machines for Machines {
    fn starter(&self, name: &str) -> Option<Arc<dyn Starter>> {
        self.read().get(name).cloned()
    }
}

/// `{ExecutionArn, StartDate}` of a child, as a `startExecution` Task without a
/// suffix returns it.
pub fn child_started(record: &ExecutionRecord) -> Value {
    json!({
        "ExecutionArn": record.identity.arn,
        "StartDate": context_time(record.identity.start),
    })
}

/// Whether a child that ended succeeded, and its `DescribeExecution` output, as
/// `.sync` returns it (`.sync:2` with `Input` and `Output` `parsed`); its machine is
/// in `account`.
pub fn child_ended(record: &ExecutionRecord, parsed: bool, account: &Account) -> (bool, Value) {
    let (identity, position) = (&record.identity, &record.position);
    let payload = |text: &str| {
        if parsed {
            serde_json::from_str(text).unwrap_or_else(|_| json!(text))
        } else {
            json!(text)
        }
    };
    let mut described = json!({
        "ExecutionArn": identity.arn,
        "Input": payload(&identity.input),
        "InputDetails": {"Included": true},
        "Name": identity.name,
        "StartDate": context_time(identity.start),
        "StateMachineArn": account.states_arn(format_args!("stateMachine:{}", identity.machine)),
        "Status": position.status.as_str(),
    });
    let fields = [
        ("Output", position.output.as_deref().map(payload)),
        ("Error", position.error.clone().map(Value::from)),
        ("Cause", position.cause.clone().map(Value::from)),
        (
            "StopDate",
            position.stop.map(|stop| json!(context_time(stop))),
        ),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            described[key] = value;
        }
    }
    if position.output.is_some() {
        described["OutputDetails"] = json!({"Included": true});
    }
    (position.status == ExecutionStatus::Succeeded, described)
}
