//! Reading one object's contents as items: a JSON array, JSON Lines or CSV. An
//! object stored gzip-compressed (as S3 Inventory and Athena write their data
//! files) is decompressed as it is read.

use std::io::{BufRead, BufReader};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::SourcedItems;
use crate::error::ExecutionError;
use crate::storage::{Storage, reader_failed};

/// A readable object.
pub(super) type Contents = Box<dyn BufRead + Send>;

/// Opens object `key` of `bucket`, decompressing it when it starts with the gzip
/// magic bytes.
pub(super) fn open(storage: &Storage, bucket: &str, key: &str) -> Result<Contents, ExecutionError> {
    let failed =
        |error: std::io::Error| reader_failed(format!("cannot read s3://{bucket}/{key}: {error}"));
    let mut file = BufReader::new(storage.open(bucket, key).map_err(reader_failed)?);
    let gzipped = file.fill_buf().map_err(failed)?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzipped {
        Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(file)))
    } else {
        Box::new(file)
    })
}

/// The items of a JSON array, or of the array at `pointer`.
pub(super) fn json(
    file: Contents,
    source: Arc<str>,
    pointer: Option<&str>,
) -> Result<SourcedItems<'static>, ExecutionError> {
    let document: Value = serde_json::from_reader(file)
        .map_err(|error| reader_failed(format!("{source} is not valid JSON: {error}")))?;
    let document = match pointer {
        None => document,
        Some(pointer) => {
            let mut document = document;
            document
                .pointer_mut(pointer)
                .map(std::mem::take)
                .ok_or_else(|| {
                    reader_failed(format!(
                        "ItemsPointer {pointer} matches nothing in {source}"
                    ))
                })?
        }
    };
    match document {
        Value::Array(items) => Ok(Box::new(
            items
                .into_iter()
                .map(move |item| Ok((item, source.clone()))),
        )),
        other => Err(reader_failed(format!(
            "{source} does not hold a JSON array{}: it holds {}",
            pointer.map(|p| format!(" at {p}")).unwrap_or_default(),
            kind(&other)
        ))),
    }
}

/// One item per non-empty line.
pub(super) fn jsonl(file: Contents, source: Arc<str>) -> SourcedItems<'static> {
    Box::new(file.lines().enumerate().filter_map(move |(number, line)| {
        let line = match line {
            Ok(line) if line.trim().is_empty() => return None,
            Ok(line) => line,
            Err(error) => {
                return Some(Err(reader_failed(format!("cannot read {source}: {error}"))));
            }
        };
        Some(
            serde_json::from_str(&line)
                .map(|item| (item, source.clone()))
                .map_err(|error| {
                    reader_failed(format!("{source}, line {}: not JSON: {error}", number + 1))
                }),
        )
    }))
}

/// One object of strings per row, keyed by the header row or `headers`.
pub(super) fn csv<H: AsRef<str>>(
    file: Contents,
    source: Arc<str>,
    delimiter: u8,
    headers: Option<&[H]>,
) -> SourcedItems<'static> {
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(headers.is_none())
        .from_reader(file);
    let columns: Result<Vec<String>, ExecutionError> = match headers {
        Some(headers) => Ok(headers.iter().map(|h| h.as_ref().to_owned()).collect()),
        None => reader
            .headers()
            .map(|row| row.iter().map(str::to_owned).collect())
            .map_err(|error| {
                reader_failed(format!("{source}: cannot read the header row: {error}"))
            }),
    };
    let columns = match columns {
        Ok(columns) => columns,
        Err(error) => return Box::new(std::iter::once(Err(error))),
    };
    Box::new(reader.into_records().map(move |row| {
        let row = row.map_err(|error| reader_failed(format!("{source}: {error}")))?;
        if row.len() != columns.len() {
            return Err(reader_failed(format!(
                "{source}, line {}: {} fields where the header has {}",
                row.position().map_or(0, ::csv::Position::line),
                row.len(),
                columns.len()
            )));
        }
        let object: Map<String, Value> = columns
            .iter()
            .zip(row.iter())
            .map(|(column, value)| (column.clone(), Value::from(value)))
            .collect();
        Ok((Value::Object(object), source.clone()))
    }))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
