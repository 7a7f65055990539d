//! A local directory standing in for S3: object `Key` of bucket `Bucket` is the
//! file `<root>/<Bucket>/<Key>`.

use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::ExecutionError;

/// Where Distributed Map readers and writers find buckets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Storage {
    root: PathBuf,
}

/// The variable naming the storage root when a run sets none.
pub const ROOT_VARIABLE: &str = "ASL_S3_ROOT";

impl Storage {
    /// Buckets under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Storage {
        Storage { root: root.into() }
    }

    /// `$ASL_S3_ROOT`, or `./s3` when it is not set.
    pub fn from_env() -> Storage {
        Storage::new(
            std::env::var_os(ROOT_VARIABLE).map_or_else(|| PathBuf::from("s3"), PathBuf::from),
        )
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
