//! What the targets running the pytest suite of `tests/api/` share: the pinned
//! clients in their virtual environment, and pytest run with them.
//!
//! The clients are installed, pinned by `tests/api/requirements.txt`, into a
//! virtual environment in `target/python-venv` (made again when the requirements
//! change). Without `python3`, or when the packages cannot be installed, the tests
//! fail: they never skip.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The cache the servers compile their machines in: the one the other CLI tests
/// share, so that the runtime is compiled once.
pub const CACHE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/asl-cache");

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("asl-cli is in the workspace")
        .to_owned()
}

/// The directory of the pytest suite.
pub fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api")
}

/// Runs `command`; panics with its output unless it succeeds.
pub fn run(command: &mut Command, what: &str) {
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

/// The virtual environment with the pinned clients: its `bin` directory. Made
/// by one test at a time: the tests of a target run in parallel, and two
/// `python3 -m venv` in one directory fail.
pub fn clients() -> PathBuf {
    static MAKING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _making = MAKING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
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

/// `pytest ARGUMENTS` with the pinned clients (first on `PATH`), the `asl` binary
/// as `ASL_BIN` and the shared cache, plus `env`; prints its output.
pub fn pytest<'a>(
    arguments: impl IntoIterator<Item = &'a OsStr>,
    env: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Output {
    let bin = clients();
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let output = Command::new(bin.join("python"))
        .args(["-m", "pytest", "-p", "no:cacheprovider"])
        .args(arguments)
        .env("ASL_BIN", env!("CARGO_BIN_EXE_asl"))
        .env("ASL_CACHE_DIR", CACHE)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PATH", path)
        .envs(env)
        .output()
        .expect("pytest runs");
    println!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Whether pytest's `output` says that every test passed.
pub fn passed(output: &Output) -> bool {
    let printed = String::from_utf8_lossy(&output.stdout);
    let summary = printed.lines().last().unwrap_or_default();
    output.status.success() && summary.contains(" passed") && !summary.contains("failed")
}
