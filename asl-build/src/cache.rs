//! Where `asl build` and `asl run` keep their work: one small crate per generated
//! module, and one cargo target directory they all share.
//!
//! ```text
//! $ASL_CACHE_DIR (else $XDG_CACHE_HOME/asl, else ~/.cache/asl)
//! ├── crates/asl-workflow-<hash>/   Cargo.toml, Cargo.lock, src/{main,workflow}.rs
//! └── target/                       shared: debug/asl-workflow-<hash>, release/...
//! ```

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::scaffold::Crate;

/// The cache directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    /// The cache at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Cache {
        Cache { root: root.into() }
    }

    /// The cache the environment names: `$ASL_CACHE_DIR`, else `$XDG_CACHE_HOME/asl`,
    /// else `~/.cache/asl`; `None` when none of them is set.
    pub fn from_env() -> Option<Cache> {
        let set = |name| std::env::var_os(name).filter(|value| !value.is_empty());
        if let Some(root) = set("ASL_CACHE_DIR") {
            return Some(Cache::new(root));
        }
        // The XDG spec says to ignore a relative XDG_CACHE_HOME.
        if let Some(cache) = set("XDG_CACHE_HOME").filter(|dir| Path::new(dir).is_absolute()) {
            return Some(Cache::new(Path::new(&cache).join("asl")));
        }
        std::env::home_dir().map(|home| Cache::new(home.join(".cache").join("asl")))
    }

    /// The cache's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The target directory every crate builds into.
    pub(crate) fn target_dir(&self) -> PathBuf {
        self.root.join("target")
    }

    /// Writes `krate` into the cache unless it is there already; returns its
    /// directory. Safe when several processes do it at once: each writes a
    /// temporary directory and renames it into place, and the first rename wins.
    pub(crate) fn store(&self, krate: &Crate) -> io::Result<PathBuf> {
        let crates = self.root.join("crates");
        let dir = crates.join(&krate.name);
        if dir.join("Cargo.toml").is_file() {
            return Ok(dir);
        }
        std::fs::create_dir_all(&crates)?;
        // Unique among processes (the id) and among threads (the counter).
        static ATTEMPTS: AtomicU64 = AtomicU64::new(0);
        let temporary = crates.join(format!(
            ".{}.{}.{}.tmp",
            krate.name,
            std::process::id(),
            ATTEMPTS.fetch_add(1, Ordering::Relaxed)
        ));
        let written = write_files(&temporary, krate);
        let renamed = written.and_then(|()| std::fs::rename(&temporary, &dir));
        if renamed.is_err() {
            let _ = std::fs::remove_dir_all(&temporary);
        }
        match renamed {
            Ok(()) => Ok(dir),
            // Another process stored the same crate first.
            Err(_) if dir.join("Cargo.toml").is_file() => Ok(dir),
            Err(error) => Err(error),
        }
    }
}

fn write_files(dir: &Path, krate: &Crate) -> io::Result<()> {
    for (path, contents) in &krate.files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, contents)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::Fingerprint;
    use crate::scaffold::{Durability, scaffold};

    #[test]
    fn a_crate_is_stored_once_with_all_its_files() {
        let root = tempfile::tempdir().unwrap();
        let cache = Cache::new(root.path());
        let krate = scaffold(
            "pub const A: u8 = 1;",
            Path::new("/runtime"),
            Durability::None,
            &Fingerprint::example(),
        );
        let dir = cache.store(&krate).unwrap();
        assert_eq!(dir, root.path().join("crates").join(&krate.name));
        for (path, contents) in &krate.files {
            assert_eq!(&std::fs::read_to_string(dir.join(path)).unwrap(), contents);
        }
        std::fs::write(dir.join("src/workflow.rs"), "changed").unwrap();
        assert_eq!(cache.store(&krate).unwrap(), dir);
        assert_eq!(
            std::fs::read_to_string(dir.join("src/workflow.rs")).unwrap(),
            "changed",
            "a stored crate is not rewritten"
        );
        let entries = std::fs::read_dir(root.path().join("crates"))
            .unwrap()
            .count();
        assert_eq!(entries, 1, "no temporary directory is left");
    }

    #[test]
    fn concurrent_stores_of_one_crate_all_succeed() {
        let root = tempfile::tempdir().unwrap();
        let cache = Cache::new(root.path());
        let krate = scaffold(
            "pub const B: u8 = 2;",
            Path::new("/runtime"),
            Durability::None,
            &Fingerprint::example(),
        );
        let dirs: Vec<PathBuf> = std::thread::scope(|scope| {
            let stores: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| cache.store(&krate).unwrap()))
                .collect();
            stores
                .into_iter()
                .map(|store| store.join().unwrap())
                .collect()
        });
        assert!(dirs.iter().all(|dir| *dir == dirs[0]));
        let entries = std::fs::read_dir(root.path().join("crates"))
            .unwrap()
            .count();
        assert_eq!(entries, 1);
    }
}
