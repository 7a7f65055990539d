//! Map states: the item source, the processor and the Distributed Map fields.

use super::param::Param;
use super::path::ReferencePath;
use super::resource::Resource;
use super::retry::{Catcher, Retrier};
use super::template::Template;
use super::{Machine, Transition};

/// A Map state.
#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    /// Where the items come from (ignored when an [`ItemReader`] is set).
    pub items: Items,
    /// `ItemSelector` (or the legacy `Parameters`): each iteration's input.
    pub item_selector: Option<Template>,
    /// The processor run for each item or batch.
    pub processor: Processor,
    /// `MaxConcurrency` / `MaxConcurrencyPath`; 0 means unbounded (the default).
    pub max_concurrency: Param<u64>,
    /// `ToleratedFailureCount` / `...Path`.
    pub tolerated_failure_count: Option<Param<u64>>,
    /// `ToleratedFailurePercentage` / `...Path` (0 to 100).
    pub tolerated_failure_percentage: Option<Param<f64>>,
    /// `Label`: names the Map Run of a Distributed Map.
    pub label: Option<String>,
    /// `ItemReader`: read the items from a file or listing (Distributed only).
    pub item_reader: Option<ItemReader>,
    /// `ItemBatcher`: group items into batches (Distributed only).
    pub item_batcher: Option<ItemBatcher>,
    /// `ResultWriter`: write results out instead of returning them (Distributed only).
    pub result_writer: Option<ResultWriter>,
    /// Retry policy, in order.
    pub retry: Vec<Retrier>,
    /// Fallback states, in order.
    pub catch: Vec<Catcher>,
    /// Where to go next.
    pub next: Transition,
}

/// Where a Map's items come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Items {
    /// `ItemsPath` (JSONPath mode, default `$`): an array or object in the input.
    Path(ReferencePath),
    /// `Items` (JSONata mode): an array literal or a `{% %}` expression.
    Template(Template),
}

/// `ItemProcessor` (or the legacy `Iterator`).
#[derive(Debug, Clone, PartialEq)]
pub struct Processor {
    /// The states run for each item.
    pub machine: Machine,
    /// `ProcessorConfig.Mode`.
    pub mode: ProcessorMode,
    /// `ProcessorConfig.ExecutionType` (Distributed only).
    pub execution_type: Option<ExecutionType>,
    /// True when written as the deprecated `Iterator`.
    pub legacy_iterator: bool,
}

/// How a Map runs its iterations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ProcessorMode {
    /// Within the execution (the default).
    #[default]
    Inline,
    /// As child executions.
    Distributed,
}

/// The kind of child executions of a Distributed Map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExecutionType {
    /// Standard workflows.
    Standard,
    /// Express workflows.
    Express,
}

/// `ItemReader`.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemReader {
    /// `arn:aws:states:::s3:getObject` or `arn:aws:states:::s3:listObjectsV2`.
    pub resource: Resource,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata): Bucket, Key or Prefix...
    pub arguments: Option<Template>,
    /// `ReaderConfig`.
    pub config: ReaderConfig,
}

/// `ItemReader.ReaderConfig`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReaderConfig {
    /// `InputType`.
    pub input_type: Option<InputType>,
    /// `Transformation`.
    pub transformation: Option<ReaderTransformation>,
    /// `ManifestType`.
    pub manifest_type: Option<ManifestType>,
    /// `CSVDelimiter` (default comma).
    pub csv_delimiter: Option<CsvDelimiter>,
    /// `CSVHeaderLocation`.
    pub csv_header_location: Option<CsvHeaderLocation>,
    /// `CSVHeaders` (with `CSVHeaderLocation: GIVEN`).
    pub csv_headers: Option<Vec<String>>,
    /// `ItemsPointer`: a JSON Pointer into a JSON file.
    pub items_pointer: Option<String>,
    /// `MaxItems` / `MaxItemsPath`.
    pub max_items: Option<Param<u64>>,
}

/// `ReaderConfig.InputType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputType {
    /// `CSV`
    Csv,
    /// `JSON`
    Json,
    /// `JSONL`
    Jsonl,
    /// `PARQUET`
    Parquet,
    /// `MANIFEST`
    Manifest,
}

/// `ReaderConfig.Transformation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReaderTransformation {
    /// `NONE`: iterate over the listing's metadata.
    None,
    /// `LOAD_AND_FLATTEN`: read the listed objects' contents.
    LoadAndFlatten,
}

/// `ReaderConfig.ManifestType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ManifestType {
    /// `ATHENA_DATA`
    AthenaData,
    /// `S3_INVENTORY`
    S3Inventory,
}

/// `ReaderConfig.CSVDelimiter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CsvDelimiter {
    /// `COMMA`
    Comma,
    /// `PIPE`
    Pipe,
    /// `SEMICOLON`
    Semicolon,
    /// `SPACE`
    Space,
    /// `TAB`
    Tab,
}

/// `ReaderConfig.CSVHeaderLocation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CsvHeaderLocation {
    /// `FIRST_ROW`
    FirstRow,
    /// `GIVEN` (then `CSVHeaders` lists the columns)
    Given,
}

/// `ItemBatcher`.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemBatcher {
    /// `MaxItemsPerBatch` / `...Path`.
    pub max_items_per_batch: Option<Param<u64>>,
    /// `MaxInputBytesPerBatch` / `...Path` (at most 256 KiB).
    pub max_input_bytes_per_batch: Option<Param<u64>>,
    /// `BatchInput`: added to every batch as `BatchInput`.
    pub batch_input: Option<Template>,
}

/// `ResultWriter`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultWriter {
    /// `arn:aws:states:::s3:putObject`, when results go to storage.
    pub resource: Option<Resource>,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata): Bucket and Prefix.
    pub arguments: Option<Template>,
    /// `WriterConfig`.
    pub config: Option<WriterConfig>,
}

/// `ResultWriter.WriterConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WriterConfig {
    /// `OutputType`.
    pub output_type: OutputType,
    /// `Transformation` (default NONE).
    pub transformation: WriterTransformation,
}

/// `WriterConfig.OutputType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputType {
    /// `JSON`
    Json,
    /// `JSONL`
    Jsonl,
}

/// `WriterConfig.Transformation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WriterTransformation {
    /// `NONE`: the full execution records.
    #[default]
    None,
    /// `COMPACT`: only each child's output.
    Compact,
    /// `FLATTEN`: outputs, with arrays flattened.
    Flatten,
}
