//! `asl executions`: lists the executions in a durable store, shows one, prints its
//! history as `GetExecutionHistory` returns it, or answers a callback task
//! (`SendTaskSuccess`, `SendTaskFailure`).

use std::io;
use std::sync::Arc;

use asl_engine::store::{ExecutionRecord, unix_millis as millis};
use asl_engine::{Control, EngineError};
use asl_runtime::arn::Account;
use asl_store_sqlite::SqliteStore;
use serde_json::{Value, json};

use crate::{ExecutionsArgs, ExecutionsCommand, Io};

/// Runs `asl executions`; returns the exit status (0, or 1 when the execution asked
/// for is not in the store).
pub fn executions(args: &ExecutionsArgs, io: &mut Io<'_>) -> io::Result<u8> {
    if !args.db.exists() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no execution store at {}", args.db.display()),
        ));
    }
    let store = SqliteStore::open(&args.db).map_err(io::Error::other)?;
    // No engine runs here: the control reads the store and records answers in it,
    // which the process running the execution picks up.
    let control = Control::new(Arc::new(store));
    match &args.command {
        ExecutionsCommand::List => {
            for record in control.list(None, None).map_err(io::Error::other)? {
                let identity = &record.identity;
                writeln!(
                    io.stdout,
                    "{:<10} {:<24} {} {}",
                    record.position.status,
                    identity.machine,
                    identity.name,
                    asl_runtime::clock::context_time(identity.start)
                )?;
            }
            Ok(0)
        }
        ExecutionsCommand::Show { execution } => {
            let shown = control.describe(execution).map(|record| {
                let text = serde_json::to_string_pretty(&describe(&record))?;
                writeln!(io.stdout, "{text}")
            });
            answer(shown, io)
        }
        ExecutionsCommand::History { execution } => {
            let shown = control.history(execution).map(|events| {
                let text = serde_json::to_string_pretty(&json!({ "events": events }))?;
                writeln!(io.stdout, "{text}")
            });
            answer(shown, io)
        }
        ExecutionsCommand::SendTaskSuccess { token, output } => {
            let output = asl_standalone::read_input(output, io.stdin)
                .map_err(|message| io::Error::new(io::ErrorKind::InvalidInput, message))?;
            answer(control.send_task_success(token, output).map(Ok), io)
        }
        ExecutionsCommand::SendTaskFailure {
            token,
            error,
            cause,
        } => {
            let sent = control.send_task_failure(token, error.clone(), cause.clone());
            answer(sent.map(Ok), io)
        }
    }
}

/// The exit status of a command that did what it was asked (0), or that the store
/// refused as AWS would (1, the error on stderr; with the ARNs to choose from when
/// a name is ambiguous). A failing store or terminal is an error.
fn answer(result: Result<io::Result<()>, EngineError>, io: &mut Io<'_>) -> io::Result<u8> {
    match result {
        Ok(written) => written.map(|()| 0),
        Err(EngineError::Store(error)) => Err(io::Error::other(error)),
        Err(error) => {
            writeln!(io.stderr, "error: {error}")?;
            if let EngineError::AmbiguousName { arns, .. } = &error {
                for arn in arns {
                    writeln!(io.stderr, "  {arn}")?;
                }
            }
            Ok(1)
        }
    }
}

/// `DescribeExecution`'s fields for `record`.
fn describe(record: &ExecutionRecord) -> Value {
    let (identity, position) = (&record.identity, &record.position);
    let running = position.status == asl_engine::store::ExecutionStatus::Running;
    let seconds = |time| millis(time) as f64 / 1000.0;
    let mut description = json!({
        "executionArn": identity.arn,
        // In the account of the execution.
        "stateMachineArn": Account::of_arn(&identity.arn)
            .unwrap_or_default()
            .states_arn(format_args!("stateMachine:{}", identity.machine)),
        "name": identity.name,
        "status": position.status.as_str(),
        "startDate": seconds(identity.start),
        "input": identity.input,
    });
    let fields = [
        ("stopDate", position.stop.map(|stop| json!(seconds(stop)))),
        ("output", position.output.clone().map(Value::from)),
        ("error", position.error.clone().map(Value::from)),
        ("cause", position.cause.clone().map(Value::from)),
        (
            "redriveCount",
            (position.redrive_count > 0).then(|| json!(position.redrive_count)),
        ),
        (
            "redriveDate",
            position.redrive_date.map(|date| json!(seconds(date))),
        ),
        (
            "currentState",
            running
                .then_some(position.state.as_deref())
                .flatten()
                .map(|state| {
                    serde_json::from_str::<Value>(state)
                        .ok()
                        .and_then(|state| state.as_object()?.keys().next().cloned())
                        .map_or(Value::Null, Value::from)
                }),
        ),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            description[key] = value;
        }
    }
    description
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use asl_engine::store::{ExecutionStatus, Identity, Position};

    use super::*;

    #[test]
    fn an_execution_s_machine_is_in_the_account_of_its_arn() {
        let start = SystemTime::UNIX_EPOCH;
        let record = ExecutionRecord {
            identity: Identity {
                arn: "arn:aws:states:eu-west-1:111122223333:execution:Orders:first".into(),
                machine: "Orders".into(),
                name: "first".into(),
                input: "{}".into(),
                start,
            },
            position: Position {
                seq: 0,
                status: ExecutionStatus::Running,
                state: None,
                variables: None,
                last_event_id: 1,
                entered_event_id: 1,
                entered: start,
                stop: None,
                output: None,
                error: None,
                cause: None,
                redrive_count: 0,
                redrive_date: None,
            },
        };
        assert_eq!(
            describe(&record)["stateMachineArn"],
            "arn:aws:states:eu-west-1:111122223333:stateMachine:Orders"
        );
    }
}
