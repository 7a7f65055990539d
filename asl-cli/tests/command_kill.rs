//! A command bound to a Task dies with the process running its execution, even when
//! that process is SIGKILLed, and never starts with less than its whole input.
//!
//! A standalone workflow binary (durable, on a SQLite file) runs a Task whose
//! command records its pid, reads its input, records it, starts a long `sleep` and
//! waits. The binary is SIGKILLed at many moments: before the command starts, around
//! its spawn (with an input bigger than a pipe's buffer, so that feeding it takes a
//! while), and right after it started. After each kill, no process of the command
//! may be left, and every input a command recorded must be the whole input.
//!
//! `ASL_COMMAND_KILLS` changes the number of kills (default 60).

#![cfg(target_os = "linux")]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use asl_cli::{Cache, Durability, Profile, compile};
use common::asl;

const MACHINE: &str = r#"{
  "StartAt": "Prepare",
  "States": {
    "Prepare": {"Type": "Pass", "Next": "Work"},
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
      "End": true
    }
  }
}"#;

/// How long a command's `sleep` would last: odd enough to find it by its command line.
const SLEEP: &str = "987.654";

/// How long a killed execution's commands may take to be gone.
const GONE_WITHIN: Duration = Duration::from_secs(5);

/// The standalone binary of [`MACHINE`], compiled through the cache the CLI tests
/// share.
fn binary(dir: &Path) -> PathBuf {
    let definition = dir.join("machine.asl.json");
    std::fs::write(&definition, MACHINE).unwrap();
    let generated = asl().arg("gen").arg(&definition).output().unwrap();
    assert!(generated.status.success(), "{generated:?}");
    let module = String::from_utf8(generated.stdout).unwrap();
    let cache = Cache::new(concat!(env!("CARGO_TARGET_TMPDIR"), "/asl-cache"));
    compile(&module, Profile::Run, Durability::Durable, &cache).unwrap()
}

/// The processes whose command line holds `marker`, with their command lines; none
/// that has ended (a zombie waiting to be reaped by its new parent).
fn running_with(marker: &str) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if !cmdline.contains(marker) {
            continue;
        }
        let zombie = std::fs::read_to_string(entry.path().join("stat")).map_or(true, |stat| {
            stat.rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
        });
        if !zombie {
            found.push((pid, cmdline));
        }
    }
    found
}

/// Whether process `pid` has ended: gone, or a zombie.
fn ended(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |stat| {
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
    })
}

/// The pids the commands recorded (the shells and their `sleep`s).
fn recorded_pids(log: &Path) -> Vec<u32> {
    std::fs::read_to_string(log.join("pids"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.trim().parse().ok())
        .collect()
}

#[test]
fn commands_die_with_a_killed_execution_and_never_see_a_truncated_input() {
    let kills: u32 = std::env::var("ASL_COMMAND_KILLS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(60);
    let dir = tempfile::tempdir().unwrap();
    let binary = binary(dir.path());
    let log = dir.path().join("log");
    std::fs::create_dir(&log).unwrap();
    // Bigger than a pipe's buffer (64 KiB): written through a pipe, the command would
    // start before it has all of it.
    let input = serde_json::json!({"payload": "x".repeat(200_000)}).to_string();
    let input_file = dir.path().join("input.json");
    std::fs::write(&input_file, &input).unwrap();
    // The script names the log directory, which marks the shells; its sleep is
    // marked by its odd duration.
    let script = format!(
        "echo $$ >> '{log}/pids'\n\
         input=$(cat)\n\
         printf '%s' \"$input\" > '{log}/input.'$$'.part' && mv '{log}/input.'$$'.part' '{log}/input.'$$\n\
         sleep {SLEEP} & echo $! >> '{log}/pids'\n\
         wait\n\
         echo '{{}}'\n",
        log = log.display()
    );
    let bindings = dir.path().join("bindings.toml");
    std::fs::write(&bindings, format!("[states.Work]\ncommand = {script:?}\n")).unwrap();
    let marker = log.display().to_string();

    let start = |run: u32| -> Child {
        Command::new(&binary)
            .arg("--input")
            .arg(format!("@{}", input_file.display()))
            .arg("--bindings")
            .arg(&bindings)
            .arg("--db")
            .arg(dir.path().join(format!("run-{run}.db")))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long the binary takes to start the command: the kills are spread from
    // its start to past that.
    let pids_before = |log: &Path| recorded_pids(log).len();
    let calibrate = Instant::now();
    let mut first = start(0);
    while pids_before(&log) == 0 {
        assert!(
            calibrate.elapsed() < Duration::from_secs(60),
            "the command never started"
        );
        std::thread::sleep(Duration::from_micros(200));
    }
    let to_command = calibrate.elapsed();
    first.kill().unwrap();
    first.wait().unwrap();

    let mut slowest = Duration::ZERO;
    // Kills after the command started (it recorded its pid).
    let mut started_commands = 0;
    for run in 1..=kills {
        let before = pids_before(&log);
        let mut child = start(run);
        if run % 4 == 0 {
            // Right after the command started.
            let waiting = Instant::now();
            while pids_before(&log) == before && waiting.elapsed() < Duration::from_secs(60) {
                std::thread::sleep(Duration::from_micros(100));
            }
        } else {
            std::thread::sleep(to_command * 2 * run / kills);
        }
        // Child::kill sends SIGKILL.
        child.kill().unwrap();
        child.wait().unwrap();
        let killed = Instant::now();
        loop {
            let mut left = running_with(&marker);
            left.extend(running_with(SLEEP));
            left.sort();
            left.dedup();
            let recorded_alive: Vec<u32> = recorded_pids(&log)
                .into_iter()
                .filter(|pid| !ended(*pid))
                .collect();
            if left.is_empty() && recorded_alive.is_empty() {
                break;
            }
            assert!(
                killed.elapsed() < GONE_WITHIN,
                "run {run}: left running {:?} after the execution was killed: {left:?} {recorded_alive:?}",
                killed.elapsed()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        slowest = slowest.max(killed.elapsed());
        if pids_before(&log) > before {
            started_commands += 1;
        }
    }

    let mut inputs = 0;
    for entry in std::fs::read_dir(&log).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("input.") && !name.ends_with(".part") {
            let seen = std::fs::read_to_string(entry.path()).unwrap();
            assert!(
                seen == input,
                "{name}: a command read {} bytes of its {}-byte input",
                seen.len(),
                input.len()
            );
            inputs += 1;
        }
    }
    assert!(
        started_commands >= kills / 4 && started_commands < kills,
        "the kills came before and after the command started: {started_commands} of {kills} after"
    );
    println!(
        "{kills} kills (the command starting {to_command:?} after the binary), \
         {started_commands} after the command started, {inputs} whole inputs recorded, \
         none truncated; every process of the commands gone within {slowest:?} of a kill"
    );
}

/// `asl run` starts the workflow binary as a child: when `asl run` is SIGKILLed, the
/// binary (whose stdin `asl run` holds open) ends too, and the command its Task runs
/// with it.
#[test]
fn killing_asl_run_ends_its_workflow_binary_and_commands() {
    let dir = tempfile::tempdir().unwrap();
    let definition = dir.path().join("machine.asl.json");
    std::fs::write(&definition, MACHINE).unwrap();
    let log = dir.path().join("log");
    std::fs::create_dir(&log).unwrap();
    // The shell records its pid, then sleeps (marked by its odd duration).
    let script = format!(
        "echo $$ >> '{log}/pids'\nsleep {SLEEP}1 & echo $! >> '{log}/pids'\nwait\necho '{{}}'\n",
        log = log.display()
    );
    let bindings = dir.path().join("bindings.toml");
    std::fs::write(&bindings, format!("[states.Work]\ncommand = {script:?}\n")).unwrap();
    let mut run = Command::new(assert_cmd::cargo::cargo_bin("asl"))
        .env(
            "ASL_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/asl-cache"),
        )
        .arg("run")
        .arg(&definition)
        .arg("--input")
        .arg("{\"n\": 1}")
        .arg("--bindings")
        .arg(&bindings)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Compiling may take minutes the first time; then the command starts.
    let waiting = Instant::now();
    while recorded_pids(&log).len() < 2 {
        assert!(
            waiting.elapsed() < Duration::from_secs(900),
            "the command never started"
        );
        assert!(run.try_wait().unwrap().is_none(), "asl run ended early");
        std::thread::sleep(Duration::from_millis(20));
    }
    let binary_marker = "--tied-to-stdin";
    assert!(
        !running_with(binary_marker).is_empty(),
        "the workflow binary runs, tied to asl run's pipe"
    );
    run.kill().unwrap();
    run.wait().unwrap();
    let killed = Instant::now();
    loop {
        let mut left = running_with(binary_marker);
        left.extend(running_with(&format!("{SLEEP}1")));
        let alive: Vec<u32> = recorded_pids(&log)
            .into_iter()
            .filter(|pid| !ended(*pid))
            .collect();
        if left.is_empty() && alive.is_empty() {
            break;
        }
        assert!(
            killed.elapsed() < GONE_WITHIN,
            "left running after asl run was killed: {left:?} {alive:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}
