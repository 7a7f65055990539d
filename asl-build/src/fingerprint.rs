//! What a workflow binary is built from outside its own crate: the sources of the
//! runtime and of every workspace crate it links (their `src/`, `build.rs` and
//! `Cargo.toml`), the workspace manifest they inherit from, and the Rust toolchain.
//! Part of a cached binary's name, so that a runtime changed in place (an upgraded
//! checkout, an edit) or another toolchain builds a new binary rather than reusing
//! one built from something else.
//!
//! It is computed on every `asl run` whose binary may be cached: the sources are
//! hashed (about a megabyte, read from the page cache) while `rustc -vV` runs.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::scaffold::Fnv1a;

/// Environment variables that change what cargo builds with the same sources.
const FLAGS: [&str; 2] = ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS"];

/// What a binary linking the runtime at a given path is built from, besides its own
/// crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    /// The hash of the runtime's and its workspace crates' sources and manifests.
    pub(crate) sources: u64,
    /// `rustc -vV` and the flags cargo passes it.
    pub(crate) toolchain: String,
}

impl Fingerprint {
    /// The fingerprint of binaries linking the runtime at `runtime`.
    pub(crate) fn of(runtime: &Path) -> io::Result<Fingerprint> {
        std::thread::scope(|scope| {
            let toolchain = scope.spawn(toolchain);
            let sources = sources(runtime)?;
            let toolchain = toolchain
                .join()
                .unwrap_or_else(|_| "rustc -vV failed".to_owned());
            Ok(Fingerprint { sources, toolchain })
        })
    }
}

#[cfg(test)]
impl Fingerprint {
    /// A fingerprint for tests.
    pub(crate) fn example() -> Fingerprint {
        Fingerprint {
            sources: 7,
            toolchain: "rustc 1.95.0".to_owned(),
        }
    }
}

/// What `rustc -vV` prints, as cargo would run it from here, with the flags cargo
/// passes it; a toolchain that cannot run gives a constant (and the build fails
/// then with cargo's own message).
fn toolchain() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let mut text = match Command::new(rustc)
        .arg("-vV")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
    {
        Ok(output) => String::from_utf8_lossy(&output.stdout).into_owned(),
        Err(_) => "no rustc".to_owned(),
    };
    for name in FLAGS {
        if let Some(value) = std::env::var_os(name) {
            text.push_str(&format!("\n{name}={}", value.to_string_lossy()));
        }
    }
    text
}

/// The hash of the sources of the crate at `runtime` and of the crates it depends
/// on by path (directly or through its workspace's `[workspace.dependencies]`), and
/// of the workspace manifest.
pub(crate) fn sources(runtime: &Path) -> io::Result<u64> {
    let workspace = workspace_of(runtime);
    let mut hash = Fnv1a::default();
    if let Some((root, _)) = &workspace {
        hash_file(&mut hash, root, Path::new("Cargo.toml"))?;
    }
    let members = workspace
        .as_ref()
        .map(|(root, manifest)| path_dependencies(manifest, "workspace", root))
        .unwrap_or_default();
    let mut crates = BTreeSet::new();
    let mut pending = vec![runtime.to_owned()];
    while let Some(krate) = pending.pop() {
        let krate = std::fs::canonicalize(&krate)?;
        if !crates.insert(krate.clone()) {
            continue;
        }
        let manifest = read_manifest(&krate.join("Cargo.toml"))?;
        for (name, dependency) in dependencies(&manifest) {
            if let Some(path) = dependency.get("path").and_then(toml::Value::as_str) {
                pending.push(krate.join(path));
            } else if dependency.get("workspace").and_then(toml::Value::as_bool) == Some(true)
                && let Some(path) = members.iter().find(|(member, _)| *member == name)
            {
                pending.push(path.1.clone());
            }
        }
    }
    for krate in &crates {
        hash.write(krate.to_string_lossy().as_bytes());
        hash.write(&[0xff]);
        hash_file(&mut hash, krate, Path::new("Cargo.toml"))?;
        if krate.join("build.rs").is_file() {
            hash_file(&mut hash, krate, Path::new("build.rs"))?;
        }
        let mut files = Vec::new();
        list_files(&krate.join("src"), &mut files)?;
        files.sort();
        for file in files {
            let relative = file.strip_prefix(krate).unwrap_or(&file);
            hash_file(&mut hash, krate, relative)?;
        }
    }
    Ok(hash.finish())
}

/// The workspace the crate at `krate` belongs to: the nearest directory above it
/// whose `Cargo.toml` has a `[workspace]`, with that manifest.
fn workspace_of(krate: &Path) -> Option<(PathBuf, toml::Table)> {
    krate.ancestors().skip(1).find_map(|dir| {
        let manifest = read_manifest(&dir.join("Cargo.toml")).ok()?;
        manifest
            .contains_key("workspace")
            .then(|| (dir.to_owned(), manifest))
    })
}

fn read_manifest(path: &Path) -> io::Result<toml::Table> {
    std::fs::read_to_string(path)?
        .parse()
        .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, format!("{error}")))
}

/// The dependencies with a `path` in `[<table>.dependencies]` of `manifest`, their
/// paths taken from `dir`.
fn path_dependencies(manifest: &toml::Table, table: &str, dir: &Path) -> Vec<(String, PathBuf)> {
    manifest
        .get(table)
        .and_then(|table| table.get("dependencies"))
        .and_then(toml::Value::as_table)
        .into_iter()
        .flatten()
        .filter_map(|(name, dependency)| {
            let path = dependency.get("path")?.as_str()?;
            Some((name.clone(), dir.join(path)))
        })
        .collect()
}

/// The dependencies a crate's build links (normal and build dependencies, for any
/// target) that are given as tables; those given as a version string are not
/// workspace crates.
fn dependencies(manifest: &toml::Table) -> Vec<(&str, &toml::Table)> {
    let kinds = ["dependencies", "build-dependencies"];
    let targets = manifest
        .get("target")
        .and_then(toml::Value::as_table)
        .into_iter()
        .flat_map(|targets| targets.values().filter_map(toml::Value::as_table));
    std::iter::once(manifest)
        .chain(targets)
        .flat_map(|table| kinds.iter().filter_map(|kind| table.get(*kind)))
        .filter_map(toml::Value::as_table)
        .flatten()
        .filter_map(|(name, dependency)| Some((name.as_str(), dependency.as_table()?)))
        .collect()
}

/// Every file under `dir`.
fn list_files(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            list_files(&entry.path(), files)?;
        } else {
            files.push(entry.path());
        }
    }
    Ok(())
}

/// Hashes the file at `relative` in `dir`: its path, then its contents.
fn hash_file(hash: &mut Fnv1a, dir: &Path, relative: &Path) -> io::Result<()> {
    hash.write(relative.to_string_lossy().as_bytes());
    hash.write(&[0xff]);
    hash.write(&std::fs::read(dir.join(relative))?);
    hash.write(&[0xff]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace with a runtime depending on a sibling (through the workspace) and
    /// a nested crate (by path), and a crate it does not link.
    fn workspace(root: &Path) {
        let files = [
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"rt\", \"json\", \"other\"]\n\n[workspace.dependencies]\njson = { path = \"json\" }\nother = { path = \"other\" }\nserde = \"1\"\n",
            ),
            (
                "rt/Cargo.toml",
                "[package]\nname = \"rt\"\n\n[dependencies]\njson.workspace = true\nserde.workspace = true\n\n[target.'cfg(unix)'.dependencies]\nsys = { path = \"sys\" }\n\n[dev-dependencies]\nother.workspace = true\n",
            ),
            ("rt/src/lib.rs", "mod engine;"),
            ("rt/src/engine/mod.rs", "pub fn run() {}"),
            ("rt/sys/Cargo.toml", "[package]\nname = \"sys\"\n"),
            ("rt/sys/src/lib.rs", "pub fn sys() {}"),
            ("rt/sys/build.rs", "fn main() {}"),
            ("json/Cargo.toml", "[package]\nname = \"json\"\n"),
            ("json/src/lib.rs", "pub fn parse() {}"),
            ("other/Cargo.toml", "[package]\nname = \"other\"\n"),
            ("other/src/lib.rs", "pub fn other() {}"),
            ("rt/tests/engine.rs", "#[test] fn t() {}"),
        ];
        for (path, contents) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
        }
    }

    #[test]
    fn the_sources_hash_follows_every_source_the_runtime_is_built_from() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        workspace(root);
        let runtime = root.join("rt");
        let original = sources(&runtime).unwrap();
        assert_eq!(sources(&runtime).unwrap(), original, "stable");
        for (path, changed) in [
            ("rt/src/engine/mod.rs", true),
            ("rt/Cargo.toml", true),
            ("rt/sys/src/lib.rs", true),
            ("rt/sys/build.rs", true),
            ("json/src/lib.rs", true),
            ("json/Cargo.toml", true),
            ("Cargo.toml", true),
            // Not linked into the binary.
            ("other/src/lib.rs", false),
            ("rt/tests/engine.rs", false),
        ] {
            let file = root.join(path);
            let before = std::fs::read_to_string(&file).unwrap();
            let comment = if path.ends_with(".toml") { "#" } else { "//" };
            std::fs::write(&file, format!("{before}\n{comment} changed\n")).unwrap();
            assert_eq!(
                sources(&runtime).unwrap() != original,
                changed,
                "a change to {path}"
            );
            std::fs::write(&file, before).unwrap();
        }
        std::fs::write(root.join("rt/src/new.rs"), "").unwrap();
        assert_ne!(sources(&runtime).unwrap(), original, "a new source file");
    }

    #[test]
    fn a_runtime_outside_a_workspace_is_hashed_alone() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("rt/src")).unwrap();
        std::fs::write(
            root.path().join("rt/Cargo.toml"),
            "[package]\nname = \"rt\"\n",
        )
        .unwrap();
        std::fs::write(root.path().join("rt/src/lib.rs"), "").unwrap();
        assert!(sources(&root.path().join("rt")).is_ok());
        assert!(sources(&root.path().join("missing")).is_err());
    }

    #[test]
    fn this_checkout_s_runtime_is_hashed() {
        let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../asl-runtime");
        let started = std::time::Instant::now();
        sources(&runtime).unwrap();
        let hashed = started.elapsed();
        let started = std::time::Instant::now();
        Fingerprint::of(&runtime).unwrap();
        println!(
            "hashed the runtime's sources in {hashed:?}; with rustc -vV alongside, {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn the_toolchain_names_rustc_s_version() {
        assert!(toolchain().contains("rustc "), "{}", toolchain());
    }
}
