//! The first step of `asl gen`, `build` and `run`: read a definition, check it, and
//! generate its Rust module, reporting problems as `asl check` does.

use std::io;
use std::path::Path;

use asl_codegen::diagnostic::render::Style;
use asl_codegen::{Settings, SourceFile, Syntax};

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

/// The Rust module (items, formatted) for the definition in `file` (`-`: stdin).
/// Warnings go to stderr; errors too, and then nothing is generated.
pub(crate) fn generate(
    file: &str,
    color: ColorChoice,
    io: &mut Io<'_>,
) -> io::Result<Result<String, Refusal>> {
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
    let Some(workflow) = checked.workflow else {
        writeln!(
            io.stderr,
            "error: `{}` is invalid; no code was generated",
            source.name()
        )?;
        return Ok(Err(Refusal::Invalid));
    };
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
fn machine_name(file: &str) -> String {
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
