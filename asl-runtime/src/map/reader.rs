//! Distributed Map `ItemReader` over [`Storage`]: a JSON array (with `ItemsPointer`),
//! JSON Lines, CSV (header row or `CSVHeaders`, `CSVDelimiter`), or a
//! ListObjectsV2 listing. JSON Lines and CSV are streamed: one item is read at a
//! time, so a file of any size is never held whole.

use std::fs::File;
use std::io::{BufRead, BufReader};

use serde_json::{Map, Value};

use super::storage::{Storage, reader_failed};
use crate::error::ExecutionError;

/// The items an ItemReader yields, one at a time.
pub type Items<'a> = Box<dyn Iterator<Item = Result<Value, ExecutionError>> + Send + 'a>;

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

/// An ItemReader, as the definition gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    /// What the Resource reads.
    pub source: Source,
    /// How an object's contents are read (GetObject).
    pub input_type: InputType,
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
        let text = |name: &str| -> Result<&str, ExecutionError> {
            arguments[name].as_str().ok_or_else(|| {
                reader_failed(format!(
                    "The ItemReader's Parameters need a string `{name}`: {arguments}"
                ))
            })
        };
        let bucket = text("Bucket")?;
        let items: Items<'static> = match self.source {
            Source::ListObjects => {
                let prefix = arguments["Prefix"].as_str().unwrap_or_default();
                let listing = storage.list(bucket, prefix).map_err(reader_failed)?;
                Box::new(listing.into_iter().map(Ok))
            }
            Source::GetObject => {
                let key = text("Key")?;
                let path = storage.object(bucket, key).map_err(reader_failed)?;
                let file = File::open(&path).map_err(|error| {
                    reader_failed(format!(
                        "cannot read s3://{bucket}/{key} ({}): {error}",
                        path.display()
                    ))
                })?;
                let name = format!("s3://{bucket}/{key}");
                match self.input_type {
                    InputType::Json => json(file, &name, self.items_pointer)?,
                    InputType::Jsonl => jsonl(file, name),
                    InputType::Csv => csv(file, name, self.csv_delimiter, self.csv_headers),
                }
            }
        };
        Ok(match max_items.and_then(|max| usize::try_from(max).ok()) {
            Some(max) if max > 0 => Box::new(items.take(max)),
            _ => items,
        })
    }
}

/// The items of a JSON array, or of the array at `pointer`.
fn json(file: File, name: &str, pointer: Option<&str>) -> Result<Items<'static>, ExecutionError> {
    let document: Value = serde_json::from_reader(BufReader::new(file))
        .map_err(|error| reader_failed(format!("{name} is not valid JSON: {error}")))?;
    let document = match pointer {
        None => document,
        Some(pointer) => {
            let mut document = document;
            document
                .pointer_mut(pointer)
                .map(std::mem::take)
                .ok_or_else(|| {
                    reader_failed(format!("ItemsPointer {pointer} matches nothing in {name}"))
                })?
        }
    };
    match document {
        Value::Array(items) => Ok(Box::new(items.into_iter().map(Ok))),
        other => Err(reader_failed(format!(
            "{name} does not hold a JSON array{}: it holds {}",
            pointer.map(|p| format!(" at {p}")).unwrap_or_default(),
            kind(&other)
        ))),
    }
}

/// One item per non-empty line.
fn jsonl(file: File, name: String) -> Items<'static> {
    Box::new(
        BufReader::new(file)
            .lines()
            .enumerate()
            .filter_map(move |(number, line)| {
                let line = match line {
                    Ok(line) if line.trim().is_empty() => return None,
                    Ok(line) => line,
                    Err(error) => {
                        return Some(Err(reader_failed(format!("cannot read {name}: {error}"))));
                    }
                };
                Some(serde_json::from_str(&line).map_err(|error| {
                    reader_failed(format!("{name}, line {}: not JSON: {error}", number + 1))
                }))
            }),
    )
}

/// One object of strings per row, keyed by the header row or `headers`.
fn csv(
    file: File,
    name: String,
    delimiter: u8,
    headers: Option<&'static [&'static str]>,
) -> Items<'static> {
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(headers.is_none())
        .from_reader(BufReader::new(file));
    let columns: Result<Vec<String>, ExecutionError> = match headers {
        Some(headers) => Ok(headers.iter().map(|h| (*h).to_owned()).collect()),
        None => reader
            .headers()
            .map(|row| row.iter().map(str::to_owned).collect())
            .map_err(|error| reader_failed(format!("{name}: cannot read the header row: {error}"))),
    };
    let columns = match columns {
        Ok(columns) => columns,
        Err(error) => return Box::new(std::iter::once(Err(error))),
    };
    Box::new(reader.into_records().map(move |row| {
        let row = row.map_err(|error| reader_failed(format!("{name}: {error}")))?;
        if row.len() != columns.len() {
            return Err(reader_failed(format!(
                "{name}, line {}: {} fields where the header has {}",
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
        Ok(Value::Object(object))
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
