//! The `asl` binary.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = asl_cli::Cli::parse();
    let mut io = asl_cli::Io {
        stdin: &mut std::io::stdin().lock(),
        stdout: &mut std::io::stdout().lock(),
        // Not locked: `asl serve` logs to stderr from other threads.
        stderr: &mut std::io::stderr(),
        stderr_is_terminal: std::io::stderr().is_terminal(),
    };
    match asl_cli::run(cli, &mut io) {
        Ok(status) => ExitCode::from(status),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}
