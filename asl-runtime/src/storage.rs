//! Where Distributed Map readers and writers find buckets: a local directory
//! standing in for S3 (object `Key` of bucket `Bucket` is the file
//! `<root>/<Bucket>/<Key>`), or S3 itself through an installed [`ObjectStore`].

use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value};

use crate::error::ExecutionError;
use crate::hooks::ObjectStore;

/// Where Distributed Map readers and writers find buckets.
#[derive(Debug, Clone)]
pub struct Storage {
    root: PathBuf,
    /// S3, when buckets are S3's rather than directories under `root`.
    remote: Option<Arc<dyn ObjectStore>>,
}

impl PartialEq for Storage {
    fn eq(&self, other: &Storage) -> bool {
        self.root == other.root
            && match (&self.remote, &other.remote) {
                (None, None) => true,
                (Some(one), Some(other)) => Arc::ptr_eq(one, other),
                _ => false,
            }
    }
}

impl Eq for Storage {}

/// The process's object store, when S3 (or an S3-compatible store) is configured.
static OBJECT_STORE: OnceLock<Arc<dyn ObjectStore>> = OnceLock::new();

/// Makes `store` where the buckets of executions without a storage root of their
/// own are (`ASL_S3_ROOT` unset): S3 rather than `./s3`. The first call wins.
pub fn install_object_store(store: Arc<dyn ObjectStore>) {
    let _ = OBJECT_STORE.set(store);
}

/// The variable naming the storage root when a run sets none.
pub const ROOT_VARIABLE: &str = "ASL_S3_ROOT";

impl Storage {
    /// Buckets under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Storage {
        Storage {
            root: root.into(),
            remote: None,
        }
    }

    /// `$ASL_S3_ROOT`; else the installed object store (see
    /// [`install_object_store`]); else `./s3`.
    pub fn from_env() -> Storage {
        if let Some(root) = std::env::var_os(ROOT_VARIABLE) {
            return Storage::new(root);
        }
        Storage {
            root: PathBuf::from("s3"),
            remote: OBJECT_STORE.get().cloned(),
        }
    }

    /// The contents of object `key` of `bucket`.
    pub fn open(&self, bucket: &str, key: &str) -> Result<Box<dyn Read + Send>, String> {
        if let Some(remote) = &self.remote {
            let contents = remote
                .get(bucket, key)
                .map_err(|error| format!("cannot read s3://{bucket}/{key}: {error}"))?;
            return Ok(Box::new(std::io::Cursor::new(contents)));
        }
        let path = self.object(bucket, key)?;
        let file = std::fs::File::open(&path).map_err(|error| {
            format!(
                "cannot read s3://{bucket}/{key} ({}): {error}",
                path.display()
            )
        })?;
        Ok(Box::new(file))
    }

    /// The directory a writer of objects under `key` of `bucket` writes its files
    /// into: the objects' own directory, or for S3 a fresh local one, which
    /// [`Storage::publish`] then uploads.
    pub fn output_dir(&self, bucket: &str, key: &str) -> Result<PathBuf, String> {
        if self.remote.is_none() {
            return self.object(bucket, key);
        }
        let dir = std::env::temp_dir().join(format!("asl-results-{}", uuid::Uuid::new_v4()));
        Ok(dir)
    }

    /// Makes the files a writer left in `dir` (see [`Storage::output_dir`])
    /// objects under `key` of `bucket`: for S3, uploads them and removes `dir`.
    pub fn publish(&self, bucket: &str, key: &str, dir: &Path) -> Result<(), String> {
        let Some(remote) = &self.remote else {
            return Ok(());
        };
        let mut files = Vec::new();
        collect(dir, dir, &mut files)
            .map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
        for (name, path) in files {
            let body = std::fs::read(&path)
                .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
            remote
                .put(bucket, &format!("{key}/{name}"), body)
                .map_err(|error| format!("cannot write s3://{bucket}/{key}/{name}: {error}"))?;
        }
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }

    /// The directory of the buckets.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file of object `key` in `bucket`. Names that would leave the bucket (`..`,
    /// absolute keys) are refused.
    pub fn object(&self, bucket: &str, key: &str) -> Result<PathBuf, String> {
        let bucket_dir = self.bucket(bucket)?;
        let relative = Path::new(key);
        if key.is_empty()
            || relative
                .components()
                .any(|part| !matches!(part, Component::Normal(_)))
        {
            return Err(format!("the key {key:?} does not name an object"));
        }
        Ok(bucket_dir.join(relative))
    }

    /// The directory of `bucket`.
    pub fn bucket(&self, bucket: &str) -> Result<PathBuf, String> {
        if bucket.is_empty() || bucket.contains(['/', '\\']) || bucket == "." || bucket == ".." {
            return Err(format!("{bucket:?} is not a bucket name"));
        }
        Ok(self.root.join(bucket))
    }

    /// The objects of `bucket` whose keys start with `prefix`, in key order, as
    /// ListObjectsV2 describes them: `Etag`, `Key`, `LastModified`, `Size`,
    /// `StorageClass`.
    pub fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<Value>, String> {
        if let Some(remote) = &self.remote {
            return remote.list(bucket, prefix);
        }
        let dir = self.bucket(bucket)?;
        if !dir.is_dir() {
            return Err(format!(
                "the bucket {bucket:?} does not exist (no directory {})",
                dir.display()
            ));
        }
        let mut files = Vec::new();
        collect(&dir, &dir, &mut files)
            .map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
        files.retain(|(key, _)| key.starts_with(prefix));
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
            .into_iter()
            .map(|(key, path)| describe(&key, &path))
            .collect()
    }
}

/// Every file under `dir`, with its key (its path under `base`, `/`-separated).
fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(base, &path, files)?;
        } else if let Ok(relative) = path.strip_prefix(base) {
            let key = relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((key, path));
        }
    }
    Ok(())
}

/// An object as ListObjectsV2 lists it.
fn describe(key: &str, path: &Path) -> Result<Value, String> {
    use md5::Digest;
    let failed = |error: std::io::Error| format!("cannot read {}: {error}", path.display());
    let metadata = std::fs::metadata(path).map_err(failed)?;
    let contents = std::fs::read(path).map_err(failed)?;
    let etag = format!(
        "\"{}\"",
        crate::intrinsics::encoding::to_hex(&md5::Md5::digest(&contents))
    );
    let modified = metadata
        .modified()
        .map(crate::clock::context_time)
        .unwrap_or_default();
    let mut object = Map::with_capacity(5);
    object.insert("Etag".into(), etag.into());
    object.insert("Key".into(), key.into());
    object.insert("LastModified".into(), modified.into());
    object.insert("Size".into(), metadata.len().into());
    object.insert("StorageClass".into(), "STANDARD".into());
    Ok(Value::Object(object))
}

/// `States.ItemReaderFailed` with `cause`.
pub(super) fn reader_failed(cause: impl Into<String>) -> ExecutionError {
    ExecutionError::new(crate::error::names::ITEM_READER_FAILED, cause)
}

/// `States.ResultWriterFailed` with `cause`.
pub(super) fn writer_failed(cause: impl Into<String>) -> ExecutionError {
    ExecutionError::new(crate::error::names::RESULT_WRITER_FAILED, cause)
}
