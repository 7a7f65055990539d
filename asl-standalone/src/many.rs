//! The `main` of a binary holding several state machines: what `asl serve` compiles
//! from a batch of definitions, one generated module each, so that one cargo build
//! and one worker process serve them all.
//!
//! ```text
//! workflow --worker --db FILE [--bindings FILE] [--s3-root DIR]
//! ```
//!
//! Such a binary runs only as a worker of `asl serve` (see the
//! [`worker`](crate::worker) module): each call names the machine it is for by the
//! key given to [`machine`]. Its Task bindings (`--bindings`) are loaded once and
//! shared by all its machines.

use std::ffi::OsString;
use std::io;
use std::process::ExitCode;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use asl_integrations::Integrations;
use asl_runtime::exec::Workflow;
use asl_runtime::task::{Dispatch, TaskContext, TaskError};

use super::{Streams, USAGE, worker};

/// What serves the Tasks of a binary of several machines, which they all share.
#[derive(Debug, Clone)]
pub struct SharedIntegrations(Arc<Integrations>);

impl Dispatch for SharedIntegrations {
    async fn call(&self, task: TaskContext<'_>, input: Value) -> Result<Value, TaskError> {
        self.0.call(task, input).await
    }
}

/// One state machine of a binary of several (see [`main_of`]).
pub struct Machine {
    key: &'static str,
    make: Box<dyn FnOnce(SharedIntegrations) -> worker::Make>,
}

impl std::fmt::Debug for Machine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Machine").field("key", &self.key).finish()
    }
}

/// The machine that `make` builds from the binary's Task bindings, called `key`
/// in the calls of the server.
pub fn machine<W, F>(key: &'static str, make: F) -> Machine
where
    W: Workflow + Send + 'static,
    W::State: Serialize + DeserializeOwned + 'static,
    F: FnOnce(SharedIntegrations) -> W + 'static,
{
    Machine {
        key,
        make: Box::new(move |bindings| {
            Box::new(move |shared: &worker::Shared| worker::hosted(make(bindings), shared))
        }),
    }
}

/// Serves `machines` as a worker of `asl serve`, with the process's arguments and
/// standard streams.
///
/// ```ignore
/// fn main() -> std::process::ExitCode {
///     asl_standalone::main_of(vec![
///         asl_standalone::machine("a", |bindings| m_a::Machine::new(asl_runtime::Dynamic(bindings))),
///         asl_standalone::machine("b", |bindings| m_b::Machine::new(asl_runtime::Dynamic(bindings))),
///     ])
/// }
/// ```
pub fn main_of(machines: Vec<Machine>) -> ExitCode {
    let telemetry = super::Telemetry::from_env(&|name| std::env::var(name).ok());
    let status = execute(
        std::env::args_os(),
        &|name| std::env::var(name).ok(),
        machines,
        Streams {
            stdin: &mut io::stdin(),
            stdout: &mut io::stdout(),
            stderr: &mut io::stderr(),
        },
    );
    drop(telemetry);
    ExitCode::from(status)
}

/// Serves `machines` as `args` say, reading the environment variables that name
/// the account with `var`; returns the exit status.
fn execute(
    args: impl IntoIterator<Item = OsString>,
    var: &dyn Fn(&str) -> Option<String>,
    machines: Vec<Machine>,
    mut streams: Streams<'_>,
) -> u8 {
    let args = match super::parse_args_or_report(args, &mut streams) {
        Ok(args) => args,
        Err(status) => return status,
    };
    let (true, Some(db)) = (args.worker, &args.db) else {
        let keys: Vec<&str> = machines.iter().map(|machine| machine.key).collect();
        let _ = writeln!(
            streams.stderr,
            "error: this binary holds the state machines {} of `asl serve`, and runs only as its worker (--worker --db FILE)",
            keys.join(", ")
        );
        return USAGE;
    };
    let prepared = super::account(var)
        .and_then(|account| Ok((account, super::integrations(&args, var, "", &[])?)))
        .and_then(|(account, bindings)| Ok((account, bindings, super::runtime()?)));
    let (account, bindings, runtime) = match prepared {
        Ok(prepared) => prepared,
        Err(refusal) => {
            let _ = writeln!(streams.stderr, "error: {refusal}");
            return USAGE;
        }
    };
    let mocks = bindings.per_execution();
    let bindings = SharedIntegrations(Arc::new(bindings));
    let machines = machines
        .into_iter()
        .map(|machine| (machine.key.to_owned(), (machine.make)(bindings.clone())))
        .collect();
    worker::serve(
        machines,
        db,
        account,
        (args.s3_root, mocks),
        runtime,
        streams,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use asl_runtime::Run;
    use asl_runtime::error::ExecutionError;
    use asl_runtime::exec::{MachineState, StateType, Step};

    /// A machine that succeeds with its input.
    #[derive(Debug)]
    struct Echo;

    #[derive(Debug, serde::Serialize, serde::Deserialize)]
    struct Only(Value);

    impl MachineState for Only {
        fn name(&self) -> &'static str {
            "Only"
        }

        fn state_type(&self) -> StateType {
            StateType::Pass
        }

        fn input(&self) -> &Value {
            &self.0
        }
    }

    impl Workflow for Echo {
        type State = Only;

        const READS_CONTEXT: bool = false;

        fn name(&self) -> &str {
            "Echo"
        }

        fn start(&self, input: Value) -> Only {
            Only(input)
        }

        fn step_now(&self, Only(input): Only, _: &mut Run) -> Result<Step<Only>, ExecutionError> {
            Ok(Step::Succeed(input))
        }

        async fn step(&self, state: Only, run: &mut Run) -> Result<Step<Only>, ExecutionError> {
            self.step_now(state, run)
        }
    }

    fn run(args: &[&str]) -> (u8, String) {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let argv = std::iter::once("machines")
            .chain(args.iter().copied())
            .map(OsString::from);
        let machines = vec![machine("a", |_| Echo), machine("b", |_| Echo)];
        let status = execute(
            argv,
            &|_| None,
            machines,
            Streams {
                stdin: &mut &b""[..],
                stdout: &mut stdout,
                stderr: &mut stderr,
            },
        );
        (status, String::from_utf8(stderr).unwrap())
    }

    #[test]
    fn a_binary_of_several_machines_runs_only_as_a_worker() {
        let (status, stderr) = run(&["--input", "{}"]);
        assert_eq!(status, USAGE);
        assert_eq!(
            stderr,
            "error: this binary holds the state machines a, b of `asl serve`, and runs only as its worker (--worker --db FILE)\n"
        );
        let (status, stderr) = run(&["--worker"]);
        assert_eq!(status, USAGE);
        assert!(stderr.contains("--db <FILE>"), "{stderr}");
    }
}
