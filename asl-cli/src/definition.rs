//! The first step of `asl gen`, `build` and `run`: read a definition, check it, and
//! generate its Rust module, reporting problems as `asl check` does.

use std::io;
use std::path::Path;

use asl_codegen::diagnostic::render::Style;
use asl_codegen::ir::state::{StateKind, Task};
use asl_codegen::ir::{Machine, Workflow};
use asl_codegen::{Settings, SourceFile, Syntax};
use asl_integrations::aws::Aws;

use crate::{ColorChoice, Io};

/// Why no code was generated; the message is already on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The file cannot be read.
    Unreadable,
    /// The definition has errors.
    Invalid,
    /// The definition uses features the code generator does not compile yet.
    Unsupported,
}

/// The checked definition in `file` (`-`: stdin): its source and its workflow.
/// Warnings go to stderr; errors too, and then there is no workflow and
/// `refused` (what was not done) ends the message.
pub(crate) fn checked(
    file: &str,
    color: ColorChoice,
    refused: &str,
    io: &mut Io<'_>,
) -> io::Result<Result<(SourceFile, Workflow), Refusal>> {
    let source = match read(file, io) {
        Ok(source) => source,
        Err(error) => {
            writeln!(io.stderr, "error: cannot read `{file}`: {error}")?;
            return Ok(Err(Refusal::Unreadable));
        }
    };
    let checked = asl_codegen::check(&source);
    if !checked.diagnostics.is_empty() {
        write!(
            io.stderr,
            "{}",
            checked.diagnostics.render(&source, style(color, io))
        )?;
    }
    match checked.workflow {
        Some(workflow) => Ok(Ok((source, workflow))),
        None => {
            writeln!(
                io.stderr,
                "error: `{}` is invalid; {refused}",
                source.name()
            )?;
            Ok(Err(Refusal::Invalid))
        }
    }
}

/// The Rust module (items, formatted) for the definition in `file` (`-`: stdin).
/// Warnings go to stderr; errors too, and then nothing is generated. With
/// `warn`, also a warning for each Task naming an AWS service integration asl
/// does not call (`asl run` says it when it refuses to run them instead).
pub(crate) fn generate(
    file: &str,
    color: ColorChoice,
    warn: bool,
    io: &mut Io<'_>,
) -> io::Result<Result<String, Refusal>> {
    let (source, workflow) = match checked(file, color, "no code was generated", io)? {
        Ok(checked) => checked,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if warn {
        warn_unserved(&workflow.machine, &source, io)?;
    }
    let mut settings = Settings::default();
    settings.with_machine_name(machine_name(file));
    match asl_codegen::generate(&workflow, &settings) {
        Ok(items) => Ok(Ok(asl_codegen::to_source(items))),
        Err(unsupported) => {
            for item in unsupported {
                writeln!(io.stderr, "error: {}: {item}", source.name())?;
            }
            Ok(Err(Refusal::Unsupported))
        }
    }
}

/// The Task states of `machine` and of the machines nested in it (Parallel
/// branches, Map processors), each after the state holding it: (name, Task).
pub(crate) fn task_states(machine: &Machine) -> Vec<(&str, &Task)> {
    let mut tasks = Vec::new();
    for state in &machine.states {
        match &state.kind {
            StateKind::Task(task) => tasks.push((state.name.as_str(), &**task)),
            StateKind::Parallel(parallel) => {
                for branch in &parallel.branches {
                    tasks.extend(task_states(branch));
                }
            }
            StateKind::Map(map) => tasks.extend(task_states(&map.processor.machine)),
            _ => {}
        }
    }
    tasks
}

/// Warns about each Task of `machine` whose Resource names an AWS service
/// integration asl does not call: it runs only bound or mocked.
fn warn_unserved(machine: &Machine, source: &SourceFile, io: &mut Io<'_>) -> io::Result<()> {
    for (name, task) in task_states(machine) {
        if let Some(why) = Aws::why_not(&task.resource.arn) {
            writeln!(
                io.stderr,
                "warning: {}: Task `{name}` (Resource `{}`): {why}; it runs only with a binding or a mock",
                source.name(),
                task.resource.arn
            )?;
        }
    }
    Ok(())
}

/// Writes `text` to `output`, else to stdout; the exit status: 0, or 2 (and the
/// reason on stderr) when the file cannot be written.
pub(crate) fn write_out(output: Option<&Path>, text: &str, io: &mut Io<'_>) -> io::Result<u8> {
    match output {
        None => io.stdout.write_all(text.as_bytes())?,
        Some(path) => {
            if let Err(error) = std::fs::write(path, text) {
                writeln!(
                    io.stderr,
                    "error: cannot write `{}`: {error}",
                    path.display()
                )?;
                return Ok(2);
            }
        }
    }
    Ok(0)
}

/// How to render diagnostics on stderr.
pub(crate) fn style(color: ColorChoice, io: &Io<'_>) -> Style {
    match color {
        ColorChoice::Always => Style::Color,
        ColorChoice::Never => Style::Plain,
        ColorChoice::Auto if io.stderr_is_terminal && std::env::var_os("NO_COLOR").is_none() => {
            Style::Color
        }
        ColorChoice::Auto => Style::Plain,
    }
}

/// The definition in `file` (`-`: stdin, its syntax sniffed).
pub(crate) fn read(file: &str, io: &mut Io<'_>) -> io::Result<SourceFile> {
    if file == "-" {
        let mut text = String::new();
        io.stdin.read_to_string(&mut text)?;
        let syntax = Syntax::sniff(&text);
        return Ok(SourceFile::with_syntax("<stdin>", text, syntax));
    }
    let text = std::fs::read_to_string(file)?;
    Ok(SourceFile::new(file, text))
}

/// The state machine's name (`$$.StateMachine.Name`): the file's name without its
/// definition extension, `workflow` for stdin.
pub(crate) fn machine_name(file: &str) -> String {
    const EXTENSIONS: [&str; 6] = [
        ".asl.json",
        ".asl.yaml",
        ".asl.yml",
        ".json",
        ".yaml",
        ".yml",
    ];
    let name = Path::new(file).file_name().and_then(|name| name.to_str());
    let Some(name) = name.filter(|_| file != "-") else {
        return "workflow".to_owned();
    };
    EXTENSIONS
        .iter()
        .find_map(|extension| name.strip_suffix(extension))
        .filter(|stem| !stem.is_empty())
        .unwrap_or(name)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machines_are_named_after_their_file() {
        assert_eq!(machine_name("examples/workflows/hello.asl.json"), "hello");
        assert_eq!(machine_name("orders.asl.yml"), "orders");
        assert_eq!(machine_name("dir/flow.json"), "flow");
        assert_eq!(machine_name("flow"), "flow");
        assert_eq!(machine_name("-"), "workflow");
        assert_eq!(machine_name(".json"), ".json");
    }
}
