//! The Distributed Map parts of a Map state: ItemReader, ItemBatcher and
//! ResultWriter, read and written through the runtime's local storage.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::ir::Machine;
use crate::ir::map::{
    CsvDelimiter, CsvHeaderLocation, ExecutionType, InputType, ItemBatcher, ItemReader,
    ManifestType, Map, OutputType, ReaderTransformation, ResultWriter, WriterTransformation,
};
use crate::ir::param::Param;
use crate::ir::resource::{IntegrationPattern, ResourceKind};
use crate::ir::state::StateKind;

use super::scope::Scope;
use super::{json, template};

/// `map::ExecutionType::...` of a Distributed Map's children.
pub(super) fn execution_type(map: &Map) -> TokenStream {
    match map.processor.execution_type {
        Some(ExecutionType::Express) => quote!(map::ExecutionType::Express),
        Some(ExecutionType::Standard) | None => quote!(map::ExecutionType::Standard),
    }
}

/// Whether a Distributed Map's children may run in another process of a fleet
/// than their parent's: unless a Task of its processor waits for a task token or
/// an activity worker, whose answers reach the process that runs the parent.
pub(super) fn spreads(map: &Map) -> bool {
    !waits_for_answers(&map.processor.machine)
}

fn waits_for_answers(machine: &Machine) -> bool {
    machine.states.iter().any(|state| match &state.kind {
        StateKind::Task(task) => matches!(
            task.resource.kind,
            ResourceKind::Activity { .. }
                | ResourceKind::Integration {
                    pattern: IntegrationPattern::WaitForTaskToken,
                    ..
                }
        ),
        _ => super::machine::sub_machines(state)
            .into_iter()
            .any(waits_for_answers),
    })
}

/// Statements opening the ItemReader: `items`, a stream of the items, each with
/// its `$$.Map.Item.Source` when `sourced`.
pub(super) fn reader(
    scope: &mut Scope,
    reader: &ItemReader,
    input: &TokenStream,
    sourced: bool,
) -> TokenStream {
    let config = &reader.config;
    let source = if reader.resource.arn.ends_with("listObjectsV2") {
        quote!(map::reader::Source::ListObjects)
    } else {
        quote!(map::reader::Source::GetObject)
    };
    let input_type = match config.input_type {
        Some(InputType::Jsonl) => quote!(map::reader::InputType::Jsonl),
        Some(InputType::Csv | InputType::Manifest) => quote!(map::reader::InputType::Csv),
        // PARQUET is refused before generation.
        _ => quote!(map::reader::InputType::Json),
    };
    let manifest = match (config.manifest_type, config.input_type) {
        (Some(ManifestType::AthenaData), _) => quote!(Some(map::reader::Manifest::AthenaData)),
        (Some(ManifestType::S3Inventory), _) | (None, Some(InputType::Manifest)) => {
            quote!(Some(map::reader::Manifest::S3Inventory))
        }
        (None, _) => quote!(None),
    };
    let load_and_flatten = config.transformation == Some(ReaderTransformation::LoadAndFlatten);
    let delimiter = match config.csv_delimiter {
        None | Some(CsvDelimiter::Comma) => b',',
        Some(CsvDelimiter::Pipe) => b'|',
        Some(CsvDelimiter::Semicolon) => b';',
        Some(CsvDelimiter::Space) => b' ',
        Some(CsvDelimiter::Tab) => b'\t',
    };
    let delimiter = proc_macro2::Literal::byte_character(delimiter);
    let headers = match (&config.csv_header_location, &config.csv_headers) {
        (Some(CsvHeaderLocation::Given), Some(headers)) => quote!(Some(&[#(#headers),*])),
        _ => quote!(None),
    };
    let pointer = match &config.items_pointer {
        Some(pointer) => quote!(Some(#pointer)),
        None => quote!(None),
    };
    scope.push_static(quote! {
        static READER: map::reader::Reader = map::reader::Reader {
            source: #source,
            input_type: #input_type,
            manifest: #manifest,
            load_and_flatten: #load_and_flatten,
            csv_delimiter: #delimiter,
            csv_headers: #headers,
            items_pointer: #pointer,
        };
    });
    let arguments = arguments(scope, reader.arguments.as_ref(), input);
    let max_items = optional_count(scope, config.max_items.as_ref(), "MaxItemsPath", input);
    let open = if sourced {
        quote!(open_sourced)
    } else {
        quote!(open)
    };
    quote! {
        let reader_arguments = #arguments;
        let items = READER.#open(&run.execution().storage(), &reader_arguments, #max_items)?;
    }
}

/// An expression turning `inputs` (a stream) into a stream of batches.
pub(super) fn batches(
    scope: &mut Scope,
    batcher: &ItemBatcher,
    input: &TokenStream,
    inputs: TokenStream,
) -> TokenStream {
    let max_items = optional_count(
        scope,
        batcher.max_items_per_batch.as_ref(),
        "MaxItemsPerBatchPath",
        input,
    );
    let max_bytes = optional_count(
        scope,
        batcher.max_input_bytes_per_batch.as_ref(),
        "MaxInputBytesPerBatchPath",
        input,
    );
    let batch_input = match &batcher.batch_input {
        Some(template) => {
            let mut built = template::build(scope, template, "BatchInput", input);
            if scope.jsonata.is_some() {
                built = scope.with_bindings(built);
            }
            quote!(Some(#built))
        }
        None => quote!(None),
    };
    quote! {
        map::batcher::Batcher {
            max_items: #max_items,
            max_bytes: #max_bytes,
            batch_input: #batch_input,
        }
        .batches(#inputs)
    }
}

/// The ResultWriter's evaluated `Parameters` (Bucket, Prefix) as an expression, when
/// it writes to storage.
pub(super) fn writer_arguments(
    scope: &mut Scope,
    writer: &ResultWriter,
    input: &TokenStream,
) -> Option<TokenStream> {
    writer
        .resource
        .as_ref()
        .map(|_| arguments(scope, writer.arguments.as_ref(), input))
}

/// `(OutputType, Transformation)` of a ResultWriter: AWS's defaults are JSON, and
/// NONE when exporting (COMPACT otherwise).
pub(super) fn writer_format(writer: &ResultWriter) -> (TokenStream, TokenStream) {
    let (output_type, transformation) = match &writer.config {
        Some(config) => (config.output_type, config.transformation),
        None => (OutputType::Json, WriterTransformation::None),
    };
    let output_type = match output_type {
        OutputType::Json => quote!(map::writer::OutputType::Json),
        OutputType::Jsonl => quote!(map::writer::OutputType::Jsonl),
    };
    let transformation = match transformation {
        WriterTransformation::None => quote!(map::writer::Transformation::None),
        WriterTransformation::Compact => quote!(map::writer::Transformation::Compact),
        WriterTransformation::Flatten => quote!(map::writer::Transformation::Flatten),
    };
    (output_type, transformation)
}

/// The `Parameters` of a reader or writer, built against the effective input.
fn arguments(
    scope: &mut Scope,
    arguments: Option<&crate::ir::template::Template>,
    input: &TokenStream,
) -> TokenStream {
    match arguments {
        Some(template) if scope.jsonata.is_some() => {
            let value = template::build(scope, template, "Arguments", input);
            scope.with_bindings(value)
        }
        Some(template) => template::build(scope, template, "Parameters", input),
        None => quote!(Value::Null),
    }
}

/// An `Option<u64>` expression for an optional count field, or its `...Path`.
fn optional_count(
    scope: &mut Scope,
    count: Option<&Param<u64>>,
    field: &str,
    input: &TokenStream,
) -> TokenStream {
    match count {
        None => quote!(None),
        Some(count) => {
            let count = self::count(scope, count, field, input);
            quote!(Some(#count))
        }
    }
}

/// A `u64` expression for a count field, or for its `...Path` (named `field`).
pub(super) fn count(
    scope: &mut Scope,
    count: &Param<u64>,
    field: &str,
    input: &TokenStream,
) -> TokenStream {
    match count {
        Param::Fixed(count) => json::int(*count).into_token_stream(),
        Param::Path(path) => {
            let value = scope.read_reference(field, path, input);
            let text = &path.text;
            quote!(map::count_from(#value, #field, #text)?)
        }
        Param::Jsonata(expression) => {
            super::jsonata_state::count(scope, expression, field.trim_end_matches("Path"))
        }
        Param::Intrinsic(_) => unreachable!("{field} is a number or a path"),
    }
}
