//! `asl check`: validate definitions and report every problem.

use std::io;

use asl_codegen::diagnostic::report::Report;
use asl_codegen::ir::Machine;
use asl_codegen::ir::resource::ResourceKind;
use asl_integrations::Bindings;
use asl_integrations::aws::Aws;
use asl_integrations::http_task;

use crate::definition;
use crate::{CheckArgs, Format, Io};

/// Exit status when every definition is valid.
const VALID: u8 = 0;
/// Exit status when a definition has an error.
const INVALID: u8 = 1;
/// Exit status for a file that cannot be read.
const IO_ERROR: u8 = 2;

/// Checks each file and prints its diagnostics; returns the exit status.
pub fn check(args: &CheckArgs, io: &mut Io<'_>) -> io::Result<u8> {
    let style = definition::style(args.color, io);
    let mut status = VALID;
    for file in &args.files {
        let source = match definition::read(file, io) {
            Ok(source) => source,
            Err(error) => {
                writeln!(io.stderr, "error: cannot read `{file}`: {error}")?;
                status = status.max(IO_ERROR);
                continue;
            }
        };
        let checked = asl_codegen::check(&source);
        let diagnostics = &checked.diagnostics;
        match args.format {
            Format::Json => {
                let report = Report::new(&source, diagnostics);
                serde_json::to_writer(&mut *io.stdout, &report)?;
                writeln!(io.stdout)?;
            }
            Format::Text => {
                write!(io.stderr, "{}", diagnostics.render(&source, style))?;
                writeln!(io.stderr, "{}", summary(source.name(), diagnostics))?;
            }
        }
        if !checked.is_valid() {
            status = status.max(INVALID);
        }
        if let (true, Some(workflow)) = (args.integrations, &checked.workflow) {
            let bindings = match &args.bindings {
                Some(path) => match Bindings::load(path) {
                    Ok(bindings) => bindings,
                    Err(error) => {
                        writeln!(io.stderr, "error: {error}")?;
                        return Ok(IO_ERROR);
                    }
                },
                None => Bindings::default(),
            };
            integrations(&workflow.machine, &bindings, io)?;
        }
    }
    Ok(status)
}

/// Prints, for each Task state of `machine` and the machines nested in it, what
/// will serve it: `<state>  <Resource>  <what>`; warns about those nothing serves.
fn integrations(machine: &Machine, bindings: &Bindings, io: &mut Io<'_>) -> io::Result<()> {
    for (name, task) in definition::task_states(machine) {
        let resource = &task.resource.arn;
        let served = if bindings.binds(name, resource) {
            "a binding of --bindings"
        } else if Aws::serves(resource) {
            "the AWS service it names"
        } else if http_task::is_http_task(resource) {
            "the HTTP Task (its connection in the bindings file)"
        } else {
            match &task.resource.kind {
                ResourceKind::Activity { .. } => "activity workers (asl serve's GetActivityTask)",
                ResourceKind::Integration {
                    service, action, ..
                } if service == "states" && action == "startExecution" => {
                    "a nested execution of a machine of asl serve (or a binding)"
                }
                _ => {
                    let why = Aws::why_not(resource)
                        .unwrap_or_else(|| "asl calls nothing for this Resource".to_owned());
                    writeln!(
                        io.stderr,
                        "warning: Task `{name}` (Resource `{resource}`): {why}; bind it (--bindings) or mock it (--mock-config)"
                    )?;
                    "nothing: needs a binding or a mock"
                }
            }
        };
        writeln!(io.stdout, "{name}\t{resource}\t{served}")?;
    }
    Ok(())
}

fn summary(name: &str, diagnostics: &asl_codegen::Diagnostics) -> String {
    let errors = diagnostics.error_count();
    let warnings = diagnostics.warning_count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => format!("{name}: valid"),
        (0, warnings) => format!("{name}: valid, {}", plural(warnings, "warning")),
        (errors, 0) => format!("{name}: invalid, {}", plural(errors, "error")),
        (errors, warnings) => format!(
            "{name}: invalid, {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        ),
    }
}
