//! `asl bench`: compile a definition in release through the cache and time N
//! executions of it in one process (the binary's hidden `--bench N`).

use std::io;
use std::process::Command;

use serde_json::{Map, Value};

use crate::run::{Launch, NOT_RUN, prepare, spawn, status};
use crate::{BenchArgs, Io};
use asl_build::Durability;
use asl_build::Profile;

/// The figures the binary prints, in the order `--json` gives them.
const FIGURES: [&str; 7] = [
    "executions",
    "transitions",
    "seconds",
    "executions_per_second",
    "transitions_per_second",
    "p50_seconds",
    "p99_seconds",
];

/// Runs `args.executions` executions of `args.file` and prints their figures;
/// returns the exit status: 0, 1 when an execution failed (its `{"error", "cause"}`
/// on stdout), 2 when it could not run.
pub fn bench(args: &BenchArgs, io: &mut Io<'_>) -> io::Result<u8> {
    let launch = Launch {
        file: &args.file,
        input: &args.input,
        bindings: args.bindings.as_deref(),
        color: args.color,
        profile: Profile::Release,
        durability: Durability::None,
    };
    let (binary, input) = match prepare(&launch, io)? {
        Ok(prepared) => prepared,
        Err(status) => return Ok(status),
    };
    let mut command = Command::new(&binary);
    command.args(["--input", "-", "--bench", &args.executions.to_string()]);
    if let Some(bindings) = &args.bindings {
        command.arg("--bindings").arg(bindings);
    }
    let output = match spawn(&mut command, &binary, &input, io)? {
        Ok(output) => output,
        Err(status) => return Ok(status),
    };
    let code = status(&output, io)?;
    if code != 0 {
        // A failed execution's `{"error", "cause"}`, or nothing.
        io.stdout.write_all(&output.stdout)?;
        return Ok(code);
    }
    let figures = match serde_json::from_slice::<Map<String, Value>>(&output.stdout) {
        Ok(figures) if FIGURES.iter().all(|key| figures.contains_key(*key)) => figures,
        _ => {
            writeln!(
                io.stderr,
                "error: the workflow binary printed no figures: {}",
                String::from_utf8_lossy(&output.stdout).trim_end()
            )?;
            return Ok(NOT_RUN);
        }
    };
    let workflow = workflow_name(&args.file);
    if args.json {
        let mut object = Map::with_capacity(FIGURES.len() + 1);
        object.insert("workflow".to_owned(), workflow.into());
        for key in FIGURES {
            object.insert(key.to_owned(), figures[key].clone());
        }
        writeln!(io.stdout, "{}", Value::Object(object))?;
    } else {
        write!(io.stdout, "{}", text(&workflow, &figures))?;
    }
    Ok(0)
}

/// The definition's file name, or `-` for stdin.
fn workflow_name(file: &str) -> String {
    std::path::Path::new(file).file_name().map_or_else(
        || file.to_owned(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// The figures for people: counts, rates with SI prefixes, latencies in the unit
/// that suits them.
fn text(workflow: &str, figures: &Map<String, Value>) -> String {
    let number = |key: &str| figures[key].as_f64().unwrap_or(0.0);
    let executions = figures["executions"].as_u64().unwrap_or(0);
    let transitions = figures["transitions"].as_u64().unwrap_or(0);
    let plural = |count: u64| if count == 1 { "" } else { "s" };
    format!(
        "{workflow}: {executions} execution{}, {transitions} transition{} in {}\n\
         executions/s   {}\n\
         transitions/s  {}\n\
         latency p50    {}\n\
         latency p99    {}\n",
        plural(executions),
        plural(transitions),
        duration(number("seconds")),
        rate(number("executions_per_second")),
        rate(number("transitions_per_second")),
        duration(number("p50_seconds")),
        duration(number("p99_seconds")),
    )
}

/// `1.92 M`, `19.2 k`, `512`: three significant digits.
fn rate(per_second: f64) -> String {
    let (value, prefix) = if per_second >= 1e9 {
        (per_second / 1e9, " G")
    } else if per_second >= 1e6 {
        (per_second / 1e6, " M")
    } else if per_second >= 1e3 {
        (per_second / 1e3, " k")
    } else {
        (per_second, "")
    };
    format!("{}{prefix}", significant(value))
}

/// `1.25 s`, `48.1 ms`, `310 µs`, `950 ns`: three significant digits.
fn duration(seconds: f64) -> String {
    let (value, unit) = if seconds >= 1.0 {
        (seconds, "s")
    } else if seconds >= 1e-3 {
        (seconds * 1e3, "ms")
    } else if seconds >= 1e-6 {
        (seconds * 1e6, "µs")
    } else {
        (seconds * 1e9, "ns")
    };
    format!("{} {unit}", significant(value))
}

/// `value` with three significant digits (no fraction from 100 on).
fn significant(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_durations_have_three_significant_digits() {
        assert_eq!(rate(1_923_456.0), "1.92 M");
        assert_eq!(rate(19_234.0), "19.2 k");
        assert_eq!(rate(512.4), "512");
        assert_eq!(rate(2.5e9), "2.50 G");
        assert_eq!(duration(1.25), "1.25 s");
        assert_eq!(duration(0.048_14), "48.1 ms");
        assert_eq!(duration(0.000_310), "310 µs");
        assert_eq!(duration(9.5e-7), "950 ns");
        assert_eq!(duration(0.0), "0.00 ns");
    }

    #[test]
    fn the_text_names_the_workflow_and_every_figure() {
        let figures: Map<String, Value> = serde_json::from_str(
            r#"{"executions": 10, "transitions": 1000, "seconds": 0.002,
                "executions_per_second": 5000.0, "transitions_per_second": 500000.0,
                "p50_seconds": 0.00019, "p99_seconds": 0.00031}"#,
        )
        .unwrap();
        assert_eq!(
            text("flow.asl.json", &figures),
            "flow.asl.json: 10 executions, 1000 transitions in 2.00 ms\n\
             executions/s   5.00 k\n\
             transitions/s  500 k\n\
             latency p50    190 µs\n\
             latency p99    310 µs\n"
        );
        let mut one = figures.clone();
        one.insert("executions".to_owned(), 1.into());
        one.insert("transitions".to_owned(), 1.into());
        assert!(
            text("f", &one).starts_with("f: 1 execution, 1 transition in 2.00 ms\n"),
            "{}",
            text("f", &one)
        );
        assert_eq!(workflow_name("dir/flow.asl.json"), "flow.asl.json");
        assert_eq!(workflow_name("-"), "-");
    }
}
