//! `asl executions`: lists the executions in a durable store, shows one, prints its
//! history as `GetExecutionHistory` returns it, or answers a callback task
//! (`SendTaskSuccess`, `SendTaskFailure`).

use std::io;
use std::sync::Arc;

use asl_engine::store::{ExecutionRecord, Store, unix_millis as millis};
use asl_engine::{EngineError, TokenRegistry, check_token};
use asl_runtime::arn::Account;
use asl_runtime::task::Outcome;
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
    let store = Arc::new(SqliteStore::open(&args.db).map_err(io::Error::other)?);
    match &args.command {
        ExecutionsCommand::List => {
            for record in store.executions().map_err(io::Error::other)? {
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
        ExecutionsCommand::Show { execution } => match find(&store, execution, io)? {
            Some(record) => {
                let text = serde_json::to_string_pretty(&describe(&record))?;
                writeln!(io.stdout, "{text}")?;
                Ok(0)
            }
            None => Ok(1),
        },
        ExecutionsCommand::History { execution } => match find(&store, execution, io)? {
            Some(record) => {
                let events = store
                    .history(&record.identity.arn)
                    .map_err(io::Error::other)?;
                let text = serde_json::to_string_pretty(&json!({ "events": events }))?;
                writeln!(io.stdout, "{text}")?;
                Ok(0)
            }
            None => Ok(1),
        },
        ExecutionsCommand::SendTaskSuccess { token, output } => {
            let output = asl_standalone::read_input(output, io.stdin)
                .map_err(|message| io::Error::new(io::ErrorKind::InvalidInput, message))?;
            send(&store, token, Outcome::Success(output), io)
        }
        ExecutionsCommand::SendTaskFailure {
            token,
            error,
            cause,
        } => {
            let outcome = Outcome::Failure {
                error: error.clone(),
                cause: cause.clone(),
            };
            send(&store, token, outcome, io)
        }
    }
}

/// Records `outcome` for `token`; 1 when AWS would refuse it (the error on stderr).
fn send(
    store: &Arc<SqliteStore>,
    token: &str,
    outcome: Outcome,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    let tokens = TokenRegistry::new(Arc::clone(store) as Arc<dyn Store>);
    let sent = check_token(&**store, token).and_then(|()| {
        if tokens.complete(token, outcome)? {
            Ok(())
        } else {
            Err(EngineError::TaskTimedOut)
        }
    });
    match sent {
        Ok(()) => Ok(0),
        Err(error) => {
            writeln!(io.stderr, "error: {error}")?;
            Ok(1)
        }
    }
}

/// The execution named `wanted` (a name or an ARN); a name several machines use is
/// ambiguous.
fn find(store: &SqliteStore, wanted: &str, io: &mut Io<'_>) -> io::Result<Option<ExecutionRecord>> {
    let mut found: Vec<ExecutionRecord> = store
        .executions()
        .map_err(io::Error::other)?
        .into_iter()
        .filter(|record| record.identity.arn == wanted || record.identity.name == wanted)
        .collect();
    match found.len() {
        1 => Ok(found.pop()),
        0 => {
            writeln!(
                io.stderr,
                "error: ExecutionDoesNotExist: no execution '{wanted}'"
            )?;
            Ok(None)
        }
        _ => {
            writeln!(
                io.stderr,
                "error: several machines have an execution named '{wanted}'; give its ARN:"
            )?;
            for record in found {
                writeln!(io.stderr, "  {}", record.identity.arn)?;
            }
            Ok(None)
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
