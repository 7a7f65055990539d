//! `asl check`: validate definitions and report every problem.

use std::io;

use asl_codegen::diagnostic::report::Report;

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
    }
    Ok(status)
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
