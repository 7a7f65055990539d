//! Manifests that name the data files rather than hold the data: an S3 Inventory
//! `manifest.json` and an Athena UNLOAD manifest.

use std::io::{BufRead, Read};
use std::sync::Arc;

use serde_json::Value;

use super::{SourcedItems, flatten, formats};
use crate::error::ExecutionError;
use crate::storage::{Storage, reader_failed};

/// The rows of the inventory files `manifest.json` (object `key` of `bucket`)
/// lists, each an object keyed by the manifest's `fileSchema`. The files are read
/// from the manifest's `destinationBucket`, one after another; only CSV
/// inventories can be read, as in AWS.
pub(super) fn s3_inventory(
    storage: &Storage,
    bucket: &str,
    key: &str,
) -> Result<SourcedItems<'static>, ExecutionError> {
    let name = format!("s3://{bucket}/{key}");
    let mut text = String::new();
    formats::open(storage, bucket, key)?
        .read_to_string(&mut text)
        .map_err(|error| reader_failed(format!("cannot read {name}: {error}")))?;
    let manifest: Value = serde_json::from_str(&text)
        .map_err(|error| reader_failed(format!("{name} is not a JSON manifest: {error}")))?;
    let field = |field: &str| {
        manifest[field].as_str().ok_or_else(|| {
            reader_failed(format!(
                "the S3 Inventory manifest {name} has no string `{field}`"
            ))
        })
    };
    let format = field("fileFormat")?;
    if !format.eq_ignore_ascii_case("CSV") {
        return Err(reader_failed(format!(
            "the S3 Inventory manifest {name} lists {format} files; only CSV inventories can be read"
        )));
    }
    let schema: Arc<[String]> = field("fileSchema")?
        .split(',')
        .map(|column| column.trim().to_owned())
        .collect();
    let destination = field("destinationBucket")?;
    let destination = destination
        .strip_prefix("arn:aws:s3:::")
        .unwrap_or(destination)
        .to_owned();
    let files = manifest["files"]
        .as_array()
        .ok_or_else(|| reader_failed(format!("the S3 Inventory manifest {name} has no `files`")))?
        .iter()
        .map(|file| {
            file["key"].as_str().map(str::to_owned).ok_or_else(|| {
                reader_failed(format!(
                    "a file of the S3 Inventory manifest {name} has no `key`: {file}"
                ))
            })
        })
        .collect::<Result<Vec<String>, ExecutionError>>()?;
    let storage = storage.clone();
    Ok(flatten(files.into_iter().map(move |key| {
        let contents = formats::open(&storage, &destination, &key)?;
        let source: Arc<str> = format!("S3://{destination}/{key}").into();
        Ok(formats::csv(contents, source, b',', Some(&schema[..])))
    })))
}

/// The `(bucket, key)` of each `s3://bucket/key` line of the Athena UNLOAD
/// manifest at object `key` of `bucket`.
pub(super) fn athena_data(
    storage: &Storage,
    bucket: &str,
    key: &str,
) -> Result<Vec<(String, String)>, ExecutionError> {
    let name = format!("s3://{bucket}/{key}");
    formats::open(storage, bucket, key)?
        .lines()
        .filter(|line| !line.as_ref().is_ok_and(|line| line.trim().is_empty()))
        .map(|line| {
            let line = line.map_err(|error| reader_failed(format!("cannot read {name}: {error}")))?;
            let uri = line.trim();
            uri.strip_prefix("s3://")
                .and_then(|rest| rest.split_once('/'))
                .filter(|(bucket, key)| !bucket.is_empty() && !key.is_empty())
                .map(|(bucket, key)| (bucket.to_owned(), key.to_owned()))
                .ok_or_else(|| {
                    reader_failed(format!(
                        "the Athena manifest {name} lists {uri:?}, which is not an s3://bucket/key URI"
                    ))
                })
        })
        .collect()
}
