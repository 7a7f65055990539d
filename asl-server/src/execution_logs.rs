//! Execution logs, as Step Functions sends them to CloudWatch Logs: for each
//! state machine whose `loggingConfiguration` level is not `OFF`, one JSON line
//! per history event of its executions, the events of its level only, with or
//! without their input and output (`includeExecutionData`):
//!
//! ```json
//! {"id":"3","type":"ExecutionFailed","details":{"cause":"...","error":"SomeFailure"},
//!  "previous_event_id":"2","event_timestamp":"1700000000123",
//!  "execution_arn":"arn:aws:states:...:execution:orders:run-1","redrive_count":"0"}
//! ```
//!
//! The lines go to the server's log sink (stderr, or `asl serve --execution-logs
//! FILE`) as the executions commit their transitions, whichever process runs
//! them. EXPRESS executions keep no history and are not logged.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value, json};

use asl_engine::history::{EventType, HistoryEvent};
use asl_engine::store::{Committed, Store, StoreError};

use crate::catalog::Catalog;
use crate::metrics::machine_arn;

/// How often new commits are looked for.
const POLL: Duration = Duration::from_millis(100);
/// How many commits one read takes.
const PAGE: usize = 500;

/// The events each level logs (ALL: all of them; OFF: none), as AWS lists them.
const ERROR_EVENTS: &[&str] = &[
    "ExecutionAborted",
    "ExecutionFailed",
    "ExecutionTimedOut",
    "FailStateEntered",
    "LambdaFunctionFailed",
    "LambdaFunctionScheduleFailed",
    "LambdaFunctionStartFailed",
    "LambdaFunctionTimedOut",
    "MapStateAborted",
    "MapStateFailed",
    "MapIterationAborted",
    "MapIterationFailed",
    "MapRunAborted",
    "MapRunFailed",
    "ParallelStateAborted",
    "ParallelStateFailed",
    "TaskFailed",
    "TaskStartFailed",
    "TaskStateAborted",
    "TaskSubmitFailed",
    "TaskTimedOut",
    "WaitStateAborted",
];
const FATAL_EVENTS: &[&str] = &["ExecutionAborted", "ExecutionFailed", "ExecutionTimedOut"];

/// A `loggingConfiguration`, as far as the lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Logging {
    /// Which events.
    pub level: Level,
    /// Whether their input and output are in the lines.
    pub include_execution_data: bool,
}

/// A log level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Every event.
    All,
    /// Errors: failures, time-outs and aborts of executions, states and Tasks.
    Error,
    /// The end of executions that did not succeed.
    Fatal,
    /// None.
    Off,
}

impl Logging {
    /// The configuration `loggingConfiguration` (its JSON, as the API stores it)
    /// says.
    pub fn of(configuration: &Value) -> Logging {
        let level = match configuration["level"].as_str() {
            Some("ALL") => Level::All,
            Some("ERROR") => Level::Error,
            Some("FATAL") => Level::Fatal,
            _ => Level::Off,
        };
        Logging {
            level,
            include_execution_data: configuration["includeExecutionData"]
                .as_bool()
                .unwrap_or(false),
        }
    }

    /// Whether an event of type `kind` (its AWS name) is logged.
    pub fn logs(self, kind: &str) -> bool {
        match self.level {
            Level::All => true,
            Level::Error => ERROR_EVENTS.contains(&kind),
            Level::Fatal => FATAL_EVENTS.contains(&kind),
            Level::Off => false,
        }
    }
}

/// The line of `event` of execution `arn`, redriven `redrive_count` times.
pub fn line(event: &HistoryEvent, arn: &str, redrive_count: u32, logging: Logging) -> String {
    let mut details = match serde_json::to_value(event) {
        Ok(Value::Object(fields)) => fields
            .into_iter()
            .find(|(name, _)| name.ends_with("EventDetails"))
            .map(|(_, details)| details)
            .unwrap_or_else(|| Value::Object(Map::new())),
        _ => Value::Object(Map::new()),
    };
    if !logging.include_execution_data
        && let Value::Object(fields) = &mut details
    {
        for name in ["input", "inputDetails", "output", "outputDetails"] {
            fields.remove(name);
        }
    }
    let millis = chrono::DateTime::parse_from_rfc3339(&event.timestamp)
        .map(|at| at.timestamp_millis())
        .unwrap_or_default();
    json!({
        "id": event.id.to_string(),
        "type": kind_name(event.kind),
        "details": details,
        "previous_event_id": event.previous_event_id.to_string(),
        "event_timestamp": millis.to_string(),
        "execution_arn": arn,
        "redrive_count": redrive_count.to_string(),
    })
    .to_string()
}

/// The AWS name of an event type.
fn kind_name(kind: EventType) -> String {
    match serde_json::to_value(kind) {
        Ok(Value::String(name)) => name,
        _ => String::new(),
    }
}

/// Writes the lines of the executions committed from now on to `sink`, until
/// the process ends.
pub fn follow(
    store: Arc<dyn Store>,
    catalog: Arc<dyn Catalog>,
    sink: Arc<Mutex<Box<dyn Write + Send>>>,
) {
    // What was committed before the server started was logged then, if at all.
    let mut cursor = 0;
    while let Ok(page) = store.committed_after(cursor, PAGE) {
        match page.last() {
            Some(last) => cursor = last.cursor,
            None => break,
        }
    }
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(POLL).await;
            let (store, catalog) = (Arc::clone(&store), Arc::clone(&catalog));
            let read = tokio::task::spawn_blocking(move || {
                let page = store.committed_after(cursor, PAGE)?;
                let next = page.last().map(|last| last.cursor);
                Ok::<_, StoreError>((next, lines(&page, store.as_ref(), catalog.as_ref())))
            });
            let (next, lines) = match read.await {
                Ok(Ok(read)) => read,
                Ok(Err(error)) => {
                    tracing::warn!(%error, "cannot read the executions to log");
                    continue;
                }
                Err(_) => continue,
            };
            cursor = next.unwrap_or(cursor);
            if lines.is_empty() {
                continue;
            }
            let mut sink = sink.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            for line in lines {
                if let Err(error) = writeln!(sink, "{line}") {
                    tracing::warn!(%error, "cannot write execution logs");
                    break;
                }
            }
            let _ = sink.flush();
        }
    });
}

/// The lines of `page`, each execution logged as its machine's configuration
/// says.
fn lines(page: &[Committed], store: &dyn Store, catalog: &dyn Catalog) -> Vec<String> {
    let mut configurations: HashMap<String, Logging> = HashMap::new();
    let mut lines = Vec::new();
    for committed in page {
        let machine = machine_arn(&committed.arn);
        let logging = *configurations.entry(machine.clone()).or_insert_with(|| {
            catalog
                .machine(&machine)
                .ok()
                .flatten()
                .map_or(Logging::of(&Value::Null), |found| {
                    Logging::of(&found.revision.logging)
                })
        });
        if logging.level == Level::Off {
            continue;
        }
        let redrives = store
            .execution(&committed.arn)
            .ok()
            .flatten()
            .map_or(0, |record| record.position.redrive_count);
        for event in &committed.events {
            if logging.logs(&kind_name(event.kind)) {
                lines.push(line(event, &committed.arn, redrives, logging));
            }
        }
    }
    lines
}
