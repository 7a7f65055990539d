//! The Step Functions API driven by real clients: `asl serve` on a free port with a
//! fresh data directory, and the pytest suite of `tests/api/` (boto3, the AWS CLI,
//! and the JavaScript SDK v3 run by node) against it.
//!
//! The Python clients are installed, pinned by `tests/api/requirements.txt`, into a
//! virtual environment in `target/python-venv` (made again when the requirements
//! change); the JavaScript SDK, pinned by `tests/api/js/package-lock.json`, with
//! `npm ci` into `target/js-sdk`. Without `python3` or `node`, or when the packages
//! cannot be installed, the test fails: it never skips.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

// Shared with the crash test's target (`tests/api_crash.rs`), without the rest of
// `tests/common`.
#[path = "common/api.rs"]
mod api_common;

use api_common::{CACHE, clients, passed, pytest, run, suite, workspace};

/// The variables that would give the server under test AWS keys or endpoints.
const NO_AWS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
];

/// `asl serve`, stopped (SIGTERM) when dropped if it still runs.
struct Served {
    child: Child,
    endpoint: String,
    log: Arc<Mutex<String>>,
}

impl Served {
    fn start(data_dir: &Path) -> Served {
        let mut command = Command::new(env!("CARGO_BIN_EXE_asl"));
        // It reaches no AWS account, whatever the environment of the tests.
        for name in NO_AWS {
            command.env_remove(name);
        }
        let mut child = command
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env("ASL_CACHE_DIR", CACHE)
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
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
    let data = tempfile::tempdir().unwrap();
    let mut server = Served::start(data.path());
    let suite = suite();
    // The crash and fleet tests run in targets of their own.
    let ignore = |file: &str| format!("--ignore={}", suite.join(file).display());
    let (crash, fleet) = (ignore("test_crash.py"), ignore("test_fleet.py"));
    let output = pytest(
        [
            OsStr::new("-q"),
            OsStr::new(&crash),
            OsStr::new(&fleet),
            suite.as_os_str(),
        ],
        [("ASL_ENDPOINT", server.endpoint.as_str())],
    );
    assert!(
        passed(&output),
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
