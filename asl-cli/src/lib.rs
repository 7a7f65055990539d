//! The `asl` command line: a library, so that it can be tested without a process.
#![deny(missing_docs)]

mod check;

use std::io::{self, Read, Write};

use clap::{Parser, Subcommand, ValueEnum};

pub use check::check;

/// Amazon States Language workflows, checked exactly as AWS checks them.
#[derive(Debug, Parser)]
#[command(name = "asl", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate definitions with AWS's rules and report every problem.
    ///
    /// Exit status: 0 when all definitions are valid (warnings allowed), 1 when any
    /// has an error, 2 for usage or I/O errors.
    Check(CheckArgs),
}

/// Arguments of `asl check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Definition files (`.asl.json`, `.json`, `.asl.yaml`, `.asl.yml`); `-` reads
    /// standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// Output format: rustc-style text on stderr, or one ValidateStateMachineDefinition
    /// JSON object per file (one per line) on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Output formats of `asl check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics like rustc's.
    Text,
    /// AWS ValidateStateMachineDefinition's response shape, plus line and column.
    Json,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stderr is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The process's standard streams, replaceable in tests.
pub struct Io<'a> {
    /// Standard input.
    pub stdin: &'a mut dyn Read,
    /// Standard output.
    pub stdout: &'a mut dyn Write,
    /// Standard error.
    pub stderr: &'a mut dyn Write,
    /// True when stderr is a terminal (for `--color auto`).
    pub stderr_is_terminal: bool,
}

impl std::fmt::Debug for Io<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Io").finish_non_exhaustive()
    }
}

/// Runs a parsed command line; returns the exit status.
pub fn run(cli: Cli, io: &mut Io<'_>) -> io::Result<u8> {
    match cli.command {
        Command::Check(args) => check(&args, io),
    }
}
