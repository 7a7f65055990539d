//! Distributed Map `ItemReader` over [`Storage`]: a JSON array (with `ItemsPointer`),
//! JSON Lines, CSV (header row or `CSVHeaders`, `CSVDelimiter`), a ListObjectsV2
//! listing (or, with `LOAD_AND_FLATTEN`, the contents of the listed objects), an
//! S3 Inventory manifest or an Athena UNLOAD manifest. JSON Lines, CSV and the
//! files a manifest or listing names are streamed: one item is read at a time, so
//! a file of any size is never held whole.
//!
//! Every item comes with `$$.Map.Item.Source`, where it was read from:
//! `S3://bucket` for a listing's metadata, `S3://bucket/key` for an object's
//! contents.

mod formats;
mod manifest;

use std::sync::Arc;

use serde_json::Value;

use crate::error::ExecutionError;
use crate::storage::{Storage, reader_failed};

/// The items an ItemReader yields, one at a time.
pub type Items<'a> = Box<dyn Iterator<Item = Result<Value, ExecutionError>> + Send + 'a>;

/// The items an ItemReader yields, each with its `$$.Map.Item.Source`.
pub type SourcedItems<'a> =
    Box<dyn Iterator<Item = Result<(Value, Arc<str>), ExecutionError>> + Send + 'a>;

/// What the ItemReader's `Resource` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `arn:aws:states:::s3:getObject`: one object's contents (`Bucket`, `Key`).
    GetObject,
    /// `arn:aws:states:::s3:listObjectsV2`: the objects under `Bucket`/`Prefix`.
    ListObjects,
}

/// `ReaderConfig.InputType` of an object's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputType {
    /// A JSON array (or one inside the document, at `ItemsPointer`).
    Json,
    /// One JSON value per line.
    Jsonl,
    /// Comma (or `CSVDelimiter`) separated values; each row becomes an object of
    /// strings keyed by the header.
    Csv,
}

/// What a `getObject` reader's object is, when it is a manifest naming the data
/// files rather than the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manifest {
    /// `InputType: MANIFEST` or `ManifestType: S3_INVENTORY`: an S3 Inventory
    /// `manifest.json`; the items are the rows of its (gzipped) CSV files, keyed by
    /// its `fileSchema`.
    S3Inventory,
    /// `ManifestType: ATHENA_DATA`: an Athena UNLOAD manifest, one `s3://` URI per
    /// line; the items are those files' contents, read as `InputType`.
    AthenaData,
}

/// An ItemReader, as the definition gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    /// What the Resource reads.
    pub source: Source,
    /// How an object's contents are read.
    pub input_type: InputType,
    /// Set when a `getObject` reader reads a manifest.
    pub manifest: Option<Manifest>,
    /// `Transformation: LOAD_AND_FLATTEN`: a listing's objects are read as
    /// `input_type` and their items flattened into one sequence.
    pub load_and_flatten: bool,
    /// `CSVDelimiter`, as a byte.
    pub csv_delimiter: u8,
    /// `CSVHeaders` (with `CSVHeaderLocation: GIVEN`); `None` reads the first row.
    pub csv_headers: Option<&'static [&'static str]>,
    /// `ItemsPointer` into a JSON document.
    pub items_pointer: Option<&'static str>,
}

impl Reader {
    /// Opens the items `arguments` (the reader's evaluated `Parameters`: `Bucket`
    /// and `Key` or `Prefix`) name, at most `max_items` of them.
    pub fn open(
        &self,
        storage: &Storage,
        arguments: &Value,
        max_items: Option<u64>,
    ) -> Result<Items<'static>, ExecutionError> {
        let items = self.open_sourced(storage, arguments, max_items)?;
        Ok(Box::new(items.map(|item| item.map(|(value, _)| value))))
    }

    /// [`Reader::open`], with each item's `$$.Map.Item.Source`.
    pub fn open_sourced(
        &self,
        storage: &Storage,
        arguments: &Value,
        max_items: Option<u64>,
    ) -> Result<SourcedItems<'static>, ExecutionError> {
        let text = |name: &str| -> Result<&str, ExecutionError> {
            arguments[name].as_str().ok_or_else(|| {
                reader_failed(format!(
                    "The ItemReader's Parameters need a string `{name}`: {arguments}"
                ))
            })
        };
        let bucket = text("Bucket")?;
        let items: SourcedItems<'static> = match (self.source, self.manifest) {
            (Source::ListObjects, _) => {
                let prefix = arguments["Prefix"].as_str().unwrap_or_default();
                let listing = storage.list(bucket, prefix).map_err(reader_failed)?;
                if self.load_and_flatten {
                    let keys = listing
                        .into_iter()
                        .filter_map(|object| object["Key"].as_str().map(str::to_owned));
                    let (reader, storage, bucket) = (*self, storage.clone(), bucket.to_owned());
                    flatten(keys.map(move |key| reader.contents(&storage, &bucket, &key)))
                } else {
                    let source: Arc<str> = format!("S3://{bucket}").into();
                    Box::new(
                        listing
                            .into_iter()
                            .map(move |item| Ok((item, source.clone()))),
                    )
                }
            }
            (Source::GetObject, None) => self.contents(storage, bucket, text("Key")?)?,
            (Source::GetObject, Some(Manifest::S3Inventory)) => {
                manifest::s3_inventory(storage, bucket, text("Key")?)?
            }
            (Source::GetObject, Some(Manifest::AthenaData)) => {
                let files = manifest::athena_data(storage, bucket, text("Key")?)?;
                let (reader, storage) = (*self, storage.clone());
                flatten(
                    files
                        .into_iter()
                        .map(move |(bucket, key)| reader.contents(&storage, &bucket, &key)),
                )
            }
        };
        Ok(match max_items.and_then(|max| usize::try_from(max).ok()) {
            Some(max) if max > 0 => Box::new(items.take(max)),
            _ => items,
        })
    }

    /// The items of object `key` of `bucket`, read as [`Reader::input_type`].
    fn contents(
        &self,
        storage: &Storage,
        bucket: &str,
        key: &str,
    ) -> Result<SourcedItems<'static>, ExecutionError> {
        let file = formats::open(storage, bucket, key)?;
        let source: Arc<str> = format!("S3://{bucket}/{key}").into();
        Ok(match self.input_type {
            InputType::Json => formats::json(file, source, self.items_pointer)?,
            InputType::Jsonl => formats::jsonl(file, source),
            InputType::Csv => formats::csv(file, source, self.csv_delimiter, self.csv_headers),
        })
    }
}

/// The items of each source in turn; a source that cannot be opened yields its
/// error where its items would have been.
fn flatten(
    sources: impl Iterator<Item = Result<SourcedItems<'static>, ExecutionError>> + Send + 'static,
) -> SourcedItems<'static> {
    Box::new(sources.flat_map(|items| -> SourcedItems<'static> {
        match items {
            Ok(items) => items,
            Err(error) => Box::new(std::iter::once(Err(error))),
        }
    }))
}
