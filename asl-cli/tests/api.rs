//! The Step Functions API driven by real clients: `asl serve` on a free port with a
//! fresh data directory, and the pytest suite of `tests/api/` (boto3 and the AWS
//! CLI) against it.
//!
//! The clients are installed, pinned by `tests/api/requirements.txt`, into a
//! virtual environment in `target/python-venv` (made again when the requirements
//! change). Without `python3`, or when the packages cannot be installed, the test
//! fails: it never skips.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("asl-cli is in the workspace")
        .to_owned()
}

/// The cache the servers compile their machines in: the one the other CLI tests
/// share, so that the runtime is compiled once.
const CACHE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/asl-cache");

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api")
}

/// Runs `command`; panics with its output unless it succeeds.
fn run(command: &mut Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot {what}: {error} ({command:?})"));
    assert!(
        output.status.success(),
        "cannot {what} ({command:?}, {}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The virtual environment with the pinned clients: its `bin` directory.
fn clients() -> PathBuf {
    let venv = workspace().join("target/python-venv");
    let requirements = std::fs::read_to_string(suite().join("requirements.txt")).unwrap();
    let installed = venv.join("asl-requirements.txt");
    if std::fs::read_to_string(&installed).ok().as_deref() == Some(requirements.as_str()) {
        return venv.join("bin");
    }
    let _ = std::fs::remove_dir_all(&venv);
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        "create a Python virtual environment with `python3 -m venv` (install python3 and its venv module)",
    );
    run(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(suite().join("requirements.txt")),
        "install the pinned API clients (boto3, awscli, pytest) from PyPI",
    );
    std::fs::write(&installed, requirements).unwrap();
    venv.join("bin")
}

/// `asl serve`, stopped (SIGTERM) when dropped if it still runs.
struct Served {
    child: Child,
    endpoint: String,
    log: Arc<Mutex<String>>,
}

impl Served {
    fn start(data_dir: &Path) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_asl"))
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env("ASL_CACHE_DIR", CACHE)
            .stderr(Stdio::piped())
            .spawn()
            .expect("asl serve starts");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        stderr.read_line(&mut first).unwrap();
        let endpoint = first
            .split_once("listening on ")
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("asl serve did not start: {first}"))
            .to_owned();
        let log = Arc::new(Mutex::new(first));
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let mut log = lines.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Served {
            child,
            endpoint,
            log,
        }
    }

    /// Stops it as SIGTERM does; whether it exited cleanly.
    fn stop(&mut self) -> bool {
        run(
            Command::new("kill").args(["-TERM", &self.child.id().to_string()]),
            "send SIGTERM to asl serve",
        );
        self.child.wait().unwrap().success()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[test]
fn boto3_and_the_aws_cli_drive_the_api() {
    let bin = clients();
    let data = tempfile::tempdir().unwrap();
    let mut server = Served::start(data.path());
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let output = Command::new(bin.join("python"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(suite())
        .env("ASL_ENDPOINT", &server.endpoint)
        .env("ASL_BIN", env!("CARGO_BIN_EXE_asl"))
        .env("ASL_CACHE_DIR", CACHE)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PATH", path)
        .output()
        .expect("pytest runs");
    let printed = String::from_utf8_lossy(&output.stdout);
    println!("{printed}{}", String::from_utf8_lossy(&output.stderr));
    let summary = printed.lines().last().unwrap_or_default();
    assert!(
        output.status.success() && summary.contains(" passed") && !summary.contains("failed"),
        "the API tests failed ({}); the server's log:\n{}",
        output.status,
        server.log.lock().unwrap()
    );
    assert!(server.stop(), "asl serve did not stop cleanly on SIGTERM");
    let log = server.log.lock().unwrap();
    assert!(
        log.contains("action=\"CreateStateMachine\" status=200"),
        "one line per request:\n{log}"
    );
}

/// The conformance corpus beside the workspace.
fn conformance_cases() -> PathBuf {
    workspace().join("../shared/conformance/cases")
}

#[test]
fn the_conformance_corpus_passes_through_boto3() {
    let bin = clients();
    let data = tempfile::tempdir().unwrap();
    let server = Served::start(data.path());
    let output = Command::new(bin.join("python"))
        .arg(suite().join("conformance.py"))
        .arg(&server.endpoint)
        .arg(conformance_cases())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("the conformance script runs");
    let printed = String::from_utf8_lossy(&output.stdout);
    println!("{printed}{}", String::from_utf8_lossy(&output.stderr));
    let summary = printed.lines().last().unwrap_or_default();
    assert!(
        output.status.success() && summary.ends_with(" passed, 0 failed"),
        "conformance through the API: {summary}"
    );
    let total = std::fs::read_dir(conformance_cases()).unwrap().count();
    assert_eq!(summary, format!("{total} passed, 0 failed"));
}
