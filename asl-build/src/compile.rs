//! Generated module -> standalone binary, through the cache.

use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cache::Cache;
use crate::fingerprint::Fingerprint;
use crate::scaffold::{Crate, Durability, scaffold, scaffold_many};

/// Where `cargo` finds the runtime when `ASL_RUNTIME_PATH` does not say: this
/// checkout's `asl-runtime`.
const RUNTIME_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../asl-runtime");

/// How to compile a workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// For `asl run`: cargo's `dev` profile, with optimized dependencies and no
    /// debug info, so that a new workflow compiles in seconds.
    Run,
    /// For `asl build`: cargo's `release` profile.
    Release,
}

impl Profile {
    /// The subdirectory of the target directory that holds its binaries.
    fn dir(self) -> &'static str {
        match self {
            Profile::Run => "debug",
            Profile::Release => "release",
        }
    }
}

/// Why a workflow could not be compiled.
#[derive(Debug)]
pub enum CompileError {
    /// The runtime's sources are not where the CLI expects them.
    Runtime {
        /// Where they were looked for.
        path: PathBuf,
        /// Why they could not be used.
        source: io::Error,
    },
    /// No cache directory is known.
    NoCache,
    /// The cache could not be written.
    Cache {
        /// The cache's root.
        root: PathBuf,
        /// What failed.
        source: io::Error,
    },
    /// `cargo` could not be started.
    Cargo(io::Error),
    /// `cargo build` failed; what it printed.
    Build(String),
    /// `cargo build` ran longer than the limit given and was killed.
    TimedOut(Duration),
    /// The modules given to [`compile_many`] cannot make one crate: none, a key
    /// that is not lowercase ASCII letters, digits and `_`, or a key given twice.
    Keys(String),
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Runtime { path, source } => write!(
                f,
                "cannot use the asl-runtime sources at `{}`: {source}; set ASL_RUNTIME_PATH to the asl-runtime directory of an asl checkout",
                path.display()
            ),
            CompileError::NoCache => {
                f.write_str("no cache directory: set ASL_CACHE_DIR (or XDG_CACHE_HOME, or HOME)")
            }
            CompileError::Cache { root, source } => {
                write!(f, "cannot write the cache `{}`: {source}", root.display())
            }
            CompileError::Cargo(source) => write!(
                f,
                "cannot run cargo: {source}; compiling workflows needs a Rust toolchain (https://rustup.rs)"
            ),
            CompileError::Build(output) => {
                write!(f, "compiling the workflow failed:\n{}", output.trim_end())
            }
            CompileError::TimedOut(limit) => write!(
                f,
                "compiling the workflow took longer than {} s and was stopped",
                limit.as_secs()
            ),
            CompileError::Keys(why) => write!(f, "cannot compile these modules together: {why}"),
        }
    }
}

impl std::error::Error for CompileError {}

/// The standalone binary of `module` (a generated workflow module) in `cache`,
/// compiled with `profile` and `durability` unless it already is: a binary in the
/// cache is used without running cargo when it was built from the same module,
/// runtime sources and toolchain (its name covers them all).
pub fn compile(
    module: &str,
    profile: Profile,
    durability: Durability,
    cache: &Cache,
) -> Result<PathBuf, CompileError> {
    let (runtime, fingerprint) = fingerprint()?;
    let krate = scaffold(module, &runtime, durability, &fingerprint);
    build(&krate, profile, cache, Build::default())
}

/// The binary holding every module of `modules` (a key, and a generated workflow
/// module) in `cache`, compiled with `profile` and `durability` in one cargo build
/// unless the cache holds it already (as [`compile`] does).
///
/// The binary runs only as a worker of `asl serve` (`--worker --db FILE`): it hosts
/// all the machines, and each call names its machine by its key. Keys are
/// lowercase ASCII letters, digits and `_`, and distinct ([`CompileError::Keys`]
/// otherwise); each module becomes `mod m_<key>`.
///
/// With a `timeout`, a build that runs longer is killed (cargo and every compiler
/// it started) and the compile fails with [`CompileError::TimedOut`]. The time
/// grows with the number and size of the modules (about 1.5 s, plus a quarter of
/// a second per typical state machine in the `Run` profile on 2 cores), and so
/// does the compiler's memory (about 2 GB for 300), so bound what one call
/// compiles.
pub fn compile_many(
    modules: &[(&str, &str)],
    profile: Profile,
    durability: Durability,
    cache: &Cache,
    timeout: Option<Duration>,
) -> Result<PathBuf, CompileError> {
    check_keys(modules)?;
    let (runtime, fingerprint) = fingerprint()?;
    let krate = scaffold_many(modules, &runtime, durability, &fingerprint);
    let options = Build {
        timeout,
        // A batch's crate is built once: incremental state (over 100 MB for a
        // batch of 80) would only fill the disk.
        incremental: false,
    };
    build(&krate, profile, cache, options)
}

/// What binaries compiled now with `profile` and `durability` are built from
/// besides their modules (asl's version, the runtime's sources and path, the
/// toolchain, the manifest and lock file), as a short text: binaries compiled
/// from the same modules under the same build key are the same, so a binary kept
/// from an earlier compile (by [`compile_many`], whose result names no key of its
/// own) may be used again as long as the build key has not changed.
pub fn build_key(profile: Profile, durability: Durability) -> Result<String, CompileError> {
    let (runtime, fingerprint) = fingerprint()?;
    let key = crate::scaffold::build_key(&runtime, durability, &fingerprint);
    Ok(format!("{}-{key:016x}", profile.dir()))
}

/// The runtime the binaries link, and its fingerprint.
fn fingerprint() -> Result<(PathBuf, Fingerprint), CompileError> {
    let runtime = runtime_path()?;
    // The standalone crate links the runtime and every other crate a binary needs.
    let standalone = crate::scaffold::standalone_path(&runtime);
    let fingerprint = Fingerprint::of(&standalone).map_err(|source| CompileError::Runtime {
        path: standalone,
        source,
    })?;
    Ok((runtime, fingerprint))
}

/// How cargo builds a crate.
#[derive(Debug, Clone, Copy)]
struct Build {
    /// Killed past this.
    timeout: Option<Duration>,
    /// Whether the crate's incremental state is kept (cargo's default).
    incremental: bool,
}

impl Default for Build {
    fn default() -> Build {
        Build {
            timeout: None,
            incremental: true,
        }
    }
}

/// The binary of `krate`, built unless the cache holds it.
fn build(
    krate: &Crate,
    profile: Profile,
    cache: &Cache,
    options: Build,
) -> Result<PathBuf, CompileError> {
    let target = cache.target_dir();
    let binary =
        target
            .join(profile.dir())
            .join(format!("{}{}", krate.name, std::env::consts::EXE_SUFFIX));
    if binary.is_file() {
        return Ok(binary);
    }
    let cache_error = |source| CompileError::Cache {
        root: cache.root().to_owned(),
        source,
    };
    let dir = cache.store(krate).map_err(cache_error)?;
    cargo_build(&dir, &target, profile, options)?;
    Ok(binary)
}

/// Checks that `modules` can make one crate (see [`CompileError::Keys`]).
fn check_keys(modules: &[(&str, &str)]) -> Result<(), CompileError> {
    if modules.is_empty() {
        return Err(CompileError::Keys("no module".into()));
    }
    let mut seen = std::collections::HashSet::new();
    for (key, _) in modules {
        let valid = !key.is_empty()
            && key
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_');
        if !valid {
            return Err(CompileError::Keys(format!(
                "the key `{key}` is not lowercase ASCII letters, digits and `_`"
            )));
        }
        if !seen.insert(key) {
            return Err(CompileError::Keys(format!(
                "the key `{key}` is given twice"
            )));
        }
    }
    Ok(())
}

/// The runtime the binaries link: `$ASL_RUNTIME_PATH`, else this checkout's.
fn runtime_path() -> Result<PathBuf, CompileError> {
    let path = std::env::var_os("ASL_RUNTIME_PATH")
        .filter(|path| !path.is_empty())
        .map_or_else(|| PathBuf::from(RUNTIME_PATH), PathBuf::from);
    let manifest = path.join("Cargo.toml");
    match std::fs::metadata(&manifest) {
        Ok(_) => {
            std::fs::canonicalize(&path).map_err(|source| CompileError::Runtime { path, source })
        }
        Err(source) => Err(CompileError::Runtime {
            path: manifest,
            source,
        }),
    }
}

/// Runs `cargo build` quietly as `options` say, keeping its messages for when it
/// fails. Cargo's lock on the target directory makes concurrent builds wait for
/// each other.
fn cargo_build(
    dir: &Path,
    target: &Path,
    profile: Profile,
    options: Build,
) -> Result<(), CompileError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    // When asl itself runs under cargo (`cargo run`, `cargo test`), cargo's variables
    // for the running crate would reach the build scripts of the cached crates, and
    // some rebuild when they change (ring watches CARGO_MANIFEST_DIR): every switch
    // between a shell and cargo would recompile the runtime.
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_set_by_cargo_for_a_crate) {
            command.env_remove(name);
        }
    }
    command
        .arg("build")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target);
    if profile == Profile::Release {
        command.arg("--release");
    }
    if !options.incremental {
        // Only the crate itself: the dependencies' builds do not change with it.
        command.env("CARGO_INCREMENTAL", "0");
    }
    run(command, options.timeout)
}

/// Runs `command` (a build), keeping its messages for when it fails
/// ([`CompileError::Build`]); past `timeout`, kills it and every process it started
/// ([`CompileError::TimedOut`]).
fn run(mut command: Command, timeout: Option<Duration>) -> Result<(), CompileError> {
    let Some(timeout) = timeout else {
        let output = command.output().map_err(CompileError::Cargo)?;
        if output.status.success() {
            return Ok(());
        }
        let mut message = String::from_utf8_lossy(&output.stderr).into_owned();
        message.push_str(&String::from_utf8_lossy(&output.stdout));
        return Err(CompileError::Build(message));
    };
    // A group of its own, so that a build past its time is killed with the
    // compilers it started (which killing cargo alone would leave running).
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(CompileError::Cargo)?;
    let readers = [
        child.stdout.take().map(|out| read_all(Box::new(out))),
        child.stderr.take().map(|err| read_all(Box::new(err))),
    ];
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < timeout => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(None) => {
                kill_group(&mut child);
                let _ = child.wait();
                return Err(CompileError::TimedOut(timeout));
            }
            Err(error) => return Err(CompileError::Cargo(error)),
        }
    };
    let [stdout, stderr] = readers.map(|reader| {
        reader
            .and_then(|reader| reader.join().ok())
            .unwrap_or_default()
    });
    if status.success() {
        return Ok(());
    }
    let mut message = String::from_utf8_lossy(&stderr).into_owned();
    message.push_str(&String::from_utf8_lossy(&stdout));
    Err(CompileError::Build(message))
}

/// Reads `pipe` to its end on a thread of its own (so that a full pipe never
/// blocks the build); its bytes when joined.
fn read_all(mut pipe: Box<dyn Read + Send>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Kills `child` and every process of its group.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        if let Ok(id) = i32::try_from(child.id()) {
            let _ = killpg(Pid::from_raw(id), Signal::SIGKILL);
        }
    }
    let _ = child.kill();
}

/// Whether cargo sets the variable `name` for the crate it builds or runs (as
/// opposed to the variables that configure cargo itself).
fn is_set_by_cargo_for_a_crate(name: &str) -> bool {
    const EXACT: [&str; 8] = [
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_TMPDIR",
        "CARGO_RUSTC_CURRENT_DIR",
        "OUT_DIR",
    ];
    EXACT.contains(&name) || name.starts_with("CARGO_PKG_") || name.starts_with("CARGO_BIN_EXE_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_past_its_time_is_killed_with_the_processes_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let pid = dir.path().join("pid");
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg("sleep 30 & echo $! > \"$1\"; wait")
            .arg("build")
            .arg(&pid);
        let started = Instant::now();
        let outcome = run(command, Some(Duration::from_millis(500)));
        assert!(
            matches!(outcome, Err(CompileError::TimedOut(_))),
            "{outcome:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        let pid = std::fs::read_to_string(&pid).unwrap();
        // Killed, and reaped by init once orphaned: gone, or a zombie for a moment.
        for _ in 0..100 {
            let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()));
            match stat {
                Err(_) => return,
                Ok(stat) if stat.contains(") Z ") => return,
                Ok(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        panic!("the process the build started still runs");
    }

    #[test]
    fn a_failed_build_says_what_it_printed() {
        for timeout in [None, Some(Duration::from_secs(60))] {
            let mut command = Command::new("sh");
            command.arg("-c").arg("echo out; echo err >&2; exit 3");
            match run(command, timeout) {
                Err(CompileError::Build(output)) => assert_eq!(output, "err\nout\n"),
                other => panic!("{other:?}"),
            }
            assert!(run(Command::new("true"), timeout).is_ok());
        }
    }

    #[test]
    fn keys_must_name_modules_once() {
        assert!(check_keys(&[("a_1", ""), ("b", "")]).is_ok());
        for (modules, why) in [
            (vec![], "no module"),
            (vec![("A", "")], "the key `A` is not"),
            (vec![("", "")], "the key `` is not"),
            (vec![("a-b", "")], "the key `a-b` is not"),
            (vec![("a", ""), ("a", "")], "the key `a` is given twice"),
        ] {
            match check_keys(&modules) {
                Err(CompileError::Keys(message)) => {
                    assert!(message.starts_with(why), "{message}")
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn only_the_variables_cargo_sets_for_a_crate_are_removed() {
        for name in [
            "CARGO_MANIFEST_DIR",
            "CARGO_PKG_NAME",
            "CARGO_BIN_EXE_asl",
            "OUT_DIR",
        ] {
            assert!(is_set_by_cargo_for_a_crate(name), "{name}");
        }
        for name in [
            "CARGO",
            "CARGO_HOME",
            "CARGO_NET_OFFLINE",
            "CARGO_TARGET_DIR",
            "PATH",
        ] {
            assert!(!is_set_by_cargo_for_a_crate(name), "{name}");
        }
    }
}
