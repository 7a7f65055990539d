//! Generated module -> standalone binary, through the cache.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cache::Cache;
use crate::fingerprint::Fingerprint;
use crate::scaffold::{Durability, scaffold};

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
    let runtime = runtime_path()?;
    // The standalone crate links the runtime and every other crate a binary needs.
    let standalone = crate::scaffold::standalone_path(&runtime);
    let fingerprint = Fingerprint::of(&standalone).map_err(|source| CompileError::Runtime {
        path: standalone,
        source,
    })?;
    let krate = scaffold(module, &runtime, durability, &fingerprint);
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
    let dir = cache.store(&krate).map_err(cache_error)?;
    cargo_build(&dir, &target, profile)?;
    Ok(binary)
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

/// Runs `cargo build` quietly, keeping its messages for when it fails. Cargo's lock
/// on the target directory makes concurrent builds wait for each other.
fn cargo_build(dir: &Path, target: &Path, profile: Profile) -> Result<(), CompileError> {
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
    let output = command.output().map_err(CompileError::Cargo)?;
    if output.status.success() {
        return Ok(());
    }
    let mut message = String::from_utf8_lossy(&output.stderr).into_owned();
    message.push_str(&String::from_utf8_lossy(&output.stdout));
    Err(CompileError::Build(message))
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
