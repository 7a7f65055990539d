//! Map states: items, processor, concurrency, tolerated failures, and the
//! Distributed Map's reader, batcher and writer.

use super::fields::Fields;
use super::machine::Scope;
use super::schema::{
    ITEM_BATCHER, ITEM_READER, PROCESSOR, PROCESSOR_CONFIG, READER_CONFIG, RESULT_WRITER,
    WRITER_CONFIG,
};
use super::{Express, Lowerer, Reported, Result, all_ok};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::QueryLanguage;
use crate::ir::map::{
    CsvDelimiter, CsvHeaderLocation, ExecutionType, InputType, ItemBatcher, ItemReader, Items,
    ManifestType, Map, OutputType, Processor, ProcessorMode, ReaderConfig, ReaderTransformation,
    ResultWriter, WriterConfig, WriterTransformation,
};
use crate::ir::param::Param;
use crate::ir::path::ReferencePath;
use crate::ir::resource::{IntegrationPattern, ResourceKind};
use crate::ir::template::Template;
use crate::spec::{Node, NodeKind};

/// The longest Map `Label`.
const MAX_LABEL: usize = 40;
/// The largest `MaxItems`.
const MAX_ITEMS: u64 = 100_000_000;
/// The largest `MaxInputBytesPerBatch` (256 KiB).
const MAX_BATCH_BYTES: u64 = 262_144;

impl Lowerer<'_> {
    pub(super) fn map(
        &mut self,
        fields: &Fields<'_>,
        scope: &Scope,
        language: QueryLanguage,
    ) -> Result<Map> {
        let processor = self.processor(fields);
        let items = self.items(fields, language);
        let item_selector = self.item_selector(fields, language);
        let max_concurrency = self
            .integer_param(fields, "MaxConcurrency", 0..=u64::MAX, language)
            .map(|param| param.unwrap_or(Param::Fixed(0)));
        let tolerated_failure_count =
            self.integer_param(fields, "ToleratedFailureCount", 0..=u64::MAX, language);
        let tolerated_failure_percentage =
            self.number_param(fields, "ToleratedFailurePercentage", 0.0..=100.0, language);
        let label = fields.get("Label").map(|node| self.label(node)).transpose();
        let distributed = processor
            .as_ref()
            .map(|p| p.mode == ProcessorMode::Distributed);
        let item_reader = self
            .distributed_only(fields, "ItemReader", distributed)
            .and_then(|node| {
                node.map(|node| self.item_reader(node, language))
                    .transpose()
            });
        let item_batcher = self
            .distributed_only(fields, "ItemBatcher", distributed)
            .and_then(|node| {
                node.map(|node| self.item_batcher(node, language))
                    .transpose()
            });
        let result_writer = self
            .distributed_only(fields, "ResultWriter", distributed)
            .and_then(|node| {
                node.map(|node| self.result_writer(node, language))
                    .transpose()
            });
        let retry = self.retriers(fields);
        let catch = self.catchers(fields, scope, language);
        let next = self.transition(fields, scope);
        all_ok!(
            processor,
            items,
            item_selector,
            max_concurrency,
            tolerated_failure_count,
            tolerated_failure_percentage,
            label,
            item_reader,
            item_batcher,
            result_writer,
            retry,
            catch,
            next,
        );
        Ok(Map {
            items,
            item_selector,
            processor,
            max_concurrency,
            tolerated_failure_count,
            tolerated_failure_percentage,
            label,
            item_reader,
            item_batcher,
            result_writer,
            retry,
            catch,
            next,
        })
    }

    /// `ItemProcessor` or the legacy `Iterator`, with its `ProcessorConfig`.
    fn processor(&mut self, fields: &Fields<'_>) -> Result<Processor> {
        let field = match self.at_most_one(fields, &["ItemProcessor", "Iterator"])? {
            Some(field) => field,
            None => {
                return Err(self.error_help(
                    fields.node,
                    "a Map state is missing the required field `ItemProcessor`",
                    "add \"ItemProcessor\": {\"StartAt\": ..., \"States\": {...}}",
                ));
            }
        };
        let node = fields.get(field).expect("present");
        let processor_fields = self.fields(node, &PROCESSOR, self.top_language)?;
        let _no_language = match processor_fields.member("QueryLanguage") {
            Some(member) => Err(self.report(
                Diagnostic::at_key(Code::SchemaValidationFailed, member, format!("`QueryLanguage` cannot be set on `{field}`"),
                )
                .with_help("the processor's states use the state machine's QueryLanguage; set it on each state instead"),
            )),
            None => Ok(()),
        };
        let config = match processor_fields.get("ProcessorConfig") {
            Some(config) => self.processor_config(config),
            None => Ok((ProcessorMode::Inline, None)),
        };
        let outer_express = self.express;
        if matches!(config, Ok((_, Some(ExecutionType::Express)))) {
            self.express = self.express.or(Some(Express::MapProcessor));
        }
        let machine = self.machine(&processor_fields, "a Map processor");
        self.express = outer_express;
        all_ok!(_no_language, config, machine);
        let (mode, execution_type) = config;
        Ok(Processor {
            machine,
            mode,
            execution_type,
            legacy_iterator: field == "Iterator",
        })
    }

    fn processor_config(&mut self, node: &Node) -> Result<(ProcessorMode, Option<ExecutionType>)> {
        let fields = self.fields(node, &PROCESSOR_CONFIG, self.top_language)?;
        let mode = fields
            .get("Mode")
            .map(|node| {
                self.enumeration(
                    node,
                    "Mode",
                    &[
                        ("INLINE", ProcessorMode::Inline),
                        ("DISTRIBUTED", ProcessorMode::Distributed),
                    ],
                )
            })
            .transpose();
        let execution_type = fields
            .get("ExecutionType")
            .map(|node| {
                self.enumeration(
                    node,
                    "ExecutionType",
                    &[
                        ("STANDARD", ExecutionType::Standard),
                        ("EXPRESS", ExecutionType::Express),
                    ],
                )
            })
            .transpose();
        all_ok!(mode, execution_type);
        let mode = mode.unwrap_or_default();
        if mode == ProcessorMode::Distributed && execution_type.is_none() {
            return Err(self.error_help(
                node,
                "a DISTRIBUTED processor needs `ExecutionType`",
                "add \"ExecutionType\": \"STANDARD\" or \"EXPRESS\"",
            ));
        }
        Ok((mode, execution_type))
    }

    /// `ItemsPath` (JSONPath) or `Items` (JSONata); the whole input by default.
    fn items(&mut self, fields: &Fields<'_>, language: QueryLanguage) -> Result<Items> {
        if let Some(node) = fields.get("ItemsPath") {
            return self.reference_path(node, "ItemsPath").map(Items::Path);
        }
        match (language, fields.get("Items")) {
            (QueryLanguage::Jsonata, Some(node)) => match node.kind {
                NodeKind::Array(_) => self.jsonata_template(node).map(Items::Template),
                NodeKind::String(_) => self
                    .required_jsonata(node, "Items")
                    .map(|expression| Items::Template(Template::Jsonata(expression))),
                _ => Err(self.error(
                    node,
                    format!(
                        "`Items` must be an array or a JSONata expression, found {}",
                        node.type_name()
                    ),
                )),
            },
            _ => Ok(Items::Path(ReferencePath::input())),
        }
    }

    /// `ItemSelector`, or its legacy spelling `Parameters` (JSONPath).
    fn item_selector(
        &mut self,
        fields: &Fields<'_>,
        language: QueryLanguage,
    ) -> Result<Option<Template>> {
        match self.at_most_one(fields, &["ItemSelector", "Parameters"])? {
            Some(field) => {
                let node = fields.get(field).expect("present");
                self.template(node, field, language, true).map(Some)
            }
            None => Ok(None),
        }
    }

    fn label(&mut self, node: &Node) -> Result<String> {
        let label = self.non_empty_string(node, "Label")?;
        let problem = if label.chars().count() > MAX_LABEL {
            Some(format!(
                "`Label` is {} characters long; the limit is {MAX_LABEL}",
                label.chars().count()
            ))
        } else {
            label
                .chars()
                .find(|&ch| is_forbidden_in_label(ch))
                .map(|ch| format!("`Label` contains {ch:?}, which a label cannot hold"))
        };
        if let Some(message) = problem {
            return Err(self.report(Diagnostic::at(Code::InvalidLabelName, node, message).with_help(
                "a label is up to 40 characters without whitespace, brackets, wildcards, control characters or \" # % \\ ^ | ~ ` $ & , ; : /",
            )));
        }
        if !self.labels.insert(label.to_owned()) {
            return Err(self.report(
                Diagnostic::at(
                    Code::DuplicateLabelName,
                    node,
                    format!("duplicate Map label `{label}`"),
                )
                .with_help("each Map Label must be unique in the state machine"),
            ));
        }
        Ok(label.to_owned())
    }

    /// A field that exists only when the processor is DISTRIBUTED.
    fn distributed_only<'n>(
        &mut self,
        fields: &Fields<'n>,
        field: &str,
        distributed: std::result::Result<bool, &Reported>,
    ) -> Result<Option<&'n Node>> {
        let Some(node) = fields.get(field) else {
            return Ok(None);
        };
        match distributed {
            Ok(true) => Ok(Some(node)),
            Ok(false) => Err(self.error_help(
                node,
                format!("`{field}` needs a Distributed Map"),
                "set \"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": \"STANDARD\"} on the ItemProcessor",
            )),
            Err(_) => Err(Reported),
        }
    }

    fn item_reader(&mut self, node: &Node, language: QueryLanguage) -> Result<ItemReader> {
        let fields = self.fields(node, &ITEM_READER, language)?;
        let resource = self.required(&fields, "Resource", "ItemReader").and_then(|node| {
            let resource = self.resource(node)?;
            match &resource.kind {
                ResourceKind::Integration { service, action, pattern: IntegrationPattern::RequestResponse }
                    if service == "s3" && (action == "getObject" || action == "listObjectsV2") =>
                {
                    Ok(resource)
                }
                _ => Err(self.report(
                    Diagnostic::at(
                        Code::InvalidResource,
                        node,
                        format!("`{}` cannot read Map items", resource.arn),
                    )
                    .with_help("use arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2"),
                )),
            }
        });
        let arguments = self.reader_writer_arguments(&fields, language);
        let config = match fields.get("ReaderConfig") {
            Some(config) => self.reader_config(config, language),
            None => Ok(ReaderConfig::default()),
        };
        all_ok!(resource, arguments, config);
        let reads_object = matches!(&resource.kind, ResourceKind::Integration { action, .. } if action == "getObject");
        if reads_object && config.input_type.is_none() && config.manifest_type.is_none() {
            return Err(self.error_help(
                node,
                "reading items with s3:getObject needs `ReaderConfig.InputType`",
                "add \"ReaderConfig\": {\"InputType\": \"JSON\"} (or CSV, JSONL, PARQUET, MANIFEST)",
            ));
        }
        let config_node = fields.get("ReaderConfig").unwrap_or(node);
        self.check_reader_combination(config_node, &config, reads_object)?;
        Ok(ItemReader {
            resource,
            arguments,
            config,
        })
    }

    /// The ReaderConfig fields that only go with one Resource, or with each other:
    /// `Transformation: LOAD_AND_FLATTEN` reads a listing's objects (listObjectsV2)
    /// as `InputType`; `ManifestType` reads a manifest object (getObject), an
    /// Athena one as `InputType` (CSV, JSONL or PARQUET), an S3 Inventory one
    /// without InputType.
    fn check_reader_combination(
        &mut self,
        node: &Node,
        config: &ReaderConfig,
        reads_object: bool,
    ) -> Result<()> {
        let complaint = match (
            config.transformation,
            config.manifest_type,
            config.input_type,
        ) {
            (Some(ReaderTransformation::LoadAndFlatten), _, _) if reads_object => Some((
                "`Transformation: LOAD_AND_FLATTEN` reads the objects of a listing",
                "use it with arn:aws:states:::s3:listObjectsV2, or remove it",
            )),
            (Some(ReaderTransformation::LoadAndFlatten), _, None | Some(InputType::Manifest)) => {
                Some((
                    "`Transformation: LOAD_AND_FLATTEN` needs the `InputType` of the listed objects",
                    "add \"InputType\": \"JSON\" (or CSV, JSONL, PARQUET)",
                ))
            }
            (_, Some(_), _) if !reads_object => Some((
                "`ManifestType` reads a manifest object",
                "use it with arn:aws:states:::s3:getObject and the manifest's Key",
            )),
            (_, Some(ManifestType::S3Inventory), Some(input_type))
                if input_type != InputType::Manifest =>
            {
                Some((
                    "an S3 Inventory manifest lists CSV files; `InputType` cannot be given with `ManifestType: S3_INVENTORY`",
                    "remove InputType",
                ))
            }
            (
                _,
                Some(ManifestType::AthenaData),
                None | Some(InputType::Json | InputType::Manifest),
            ) => Some((
                "`ManifestType: ATHENA_DATA` needs the `InputType` of the data files",
                "add \"InputType\": \"CSV\" (or JSONL, PARQUET)",
            )),
            _ => None,
        };
        match complaint {
            Some((message, help)) => Err(self.error_help(node, message, help)),
            None => Ok(()),
        }
    }

    fn reader_config(&mut self, node: &Node, language: QueryLanguage) -> Result<ReaderConfig> {
        let fields = self.fields(node, &READER_CONFIG, language)?;
        let input_type = self.optional_enum(
            &fields,
            "InputType",
            &[
                ("CSV", InputType::Csv),
                ("JSON", InputType::Json),
                ("JSONL", InputType::Jsonl),
                ("PARQUET", InputType::Parquet),
                ("MANIFEST", InputType::Manifest),
            ],
        );
        let transformation = self.optional_enum(
            &fields,
            "Transformation",
            &[
                ("NONE", ReaderTransformation::None),
                ("LOAD_AND_FLATTEN", ReaderTransformation::LoadAndFlatten),
            ],
        );
        let manifest_type = self.optional_enum(
            &fields,
            "ManifestType",
            &[
                ("ATHENA_DATA", ManifestType::AthenaData),
                ("S3_INVENTORY", ManifestType::S3Inventory),
            ],
        );
        let csv_delimiter = self.optional_enum(
            &fields,
            "CSVDelimiter",
            &[
                ("COMMA", CsvDelimiter::Comma),
                ("PIPE", CsvDelimiter::Pipe),
                ("SEMICOLON", CsvDelimiter::Semicolon),
                ("SPACE", CsvDelimiter::Space),
                ("TAB", CsvDelimiter::Tab),
            ],
        );
        let csv_header_location = self.optional_enum(
            &fields,
            "CSVHeaderLocation",
            &[
                ("FIRST_ROW", CsvHeaderLocation::FirstRow),
                ("GIVEN", CsvHeaderLocation::Given),
            ],
        );
        let csv_headers = fields
            .get("CSVHeaders")
            .map(|node| self.string_array(node, "CSVHeaders"))
            .transpose();
        let items_pointer = fields
            .get("ItemsPointer")
            .map(|node| {
                let pointer = self.string(node, "ItemsPointer")?;
                if pointer.is_empty() || pointer.starts_with('/') {
                    Ok(pointer.to_owned())
                } else {
                    Err(self.error_help(
                        node,
                        format!("`ItemsPointer` must be a JSON Pointer, found `{pointer}`"),
                        "start it with `/`, e.g. \"/data/items\"",
                    ))
                }
            })
            .transpose();
        let max_items = self.integer_param(&fields, "MaxItems", 0..=MAX_ITEMS, language);
        all_ok!(
            input_type,
            transformation,
            manifest_type,
            csv_delimiter,
            csv_header_location,
            csv_headers,
            items_pointer,
            max_items
        );
        if csv_header_location == Some(CsvHeaderLocation::Given) && csv_headers.is_none() {
            return Err(self.error_help(
                node,
                "`CSVHeaderLocation: GIVEN` needs `CSVHeaders`",
                "add \"CSVHeaders\": [\"column1\", \"column2\"]",
            ));
        }
        if let (Some(headers), false) = (
            &csv_headers,
            csv_header_location == Some(CsvHeaderLocation::Given),
        ) {
            let _ = headers;
            let node = fields.get("CSVHeaders").expect("present");
            return Err(self.error_help(
                node,
                "`CSVHeaders` is only used with `CSVHeaderLocation: GIVEN`",
                "add \"CSVHeaderLocation\": \"GIVEN\", or remove CSVHeaders to read them from the first row",
            ));
        }
        Ok(ReaderConfig {
            input_type,
            transformation,
            manifest_type,
            csv_delimiter,
            csv_header_location,
            csv_headers,
            items_pointer,
            max_items,
        })
    }

    fn item_batcher(&mut self, node: &Node, language: QueryLanguage) -> Result<ItemBatcher> {
        let fields = self.fields(node, &ITEM_BATCHER, language)?;
        let max_items_per_batch =
            self.integer_param(&fields, "MaxItemsPerBatch", 1..=u64::MAX, language);
        let max_input_bytes_per_batch = self.integer_param(
            &fields,
            "MaxInputBytesPerBatch",
            1..=MAX_BATCH_BYTES,
            language,
        );
        let batch_input = fields
            .get("BatchInput")
            .map(|node| self.template(node, "BatchInput", language, true))
            .transpose();
        all_ok!(max_items_per_batch, max_input_bytes_per_batch, batch_input);
        if max_items_per_batch.is_none() && max_input_bytes_per_batch.is_none() {
            return Err(self.error_help(
                node,
                "`ItemBatcher` needs `MaxItemsPerBatch` or `MaxInputBytesPerBatch`",
                "add \"MaxItemsPerBatch\": 100, for example",
            ));
        }
        Ok(ItemBatcher {
            max_items_per_batch,
            max_input_bytes_per_batch,
            batch_input,
        })
    }

    fn result_writer(&mut self, node: &Node, language: QueryLanguage) -> Result<ResultWriter> {
        let fields = self.fields(node, &RESULT_WRITER, language)?;
        let resource = fields
            .get("Resource")
            .map(|node| {
                let resource = self.resource(node)?;
                match &resource.kind {
                    ResourceKind::Integration {
                        service,
                        action,
                        pattern: IntegrationPattern::RequestResponse,
                    } if service == "s3" && action == "putObject" => Ok(resource),
                    _ => Err(self.report(
                        Diagnostic::at(
                            Code::InvalidResource,
                            node,
                            format!("`{}` cannot write Map results", resource.arn),
                        )
                        .with_help("use arn:aws:states:::s3:putObject"),
                    )),
                }
            })
            .transpose();
        let arguments = self.reader_writer_arguments(&fields, language);
        let config = fields
            .get("WriterConfig")
            .map(|node| self.writer_config(node))
            .transpose();
        all_ok!(resource, arguments, config);
        match (&resource, &arguments, &config) {
            (Some(_), Some(_), _) | (None, None, Some(_)) => {}
            (Some(_), None, _) => {
                return Err(self.error_help(
                    node,
                    "`ResultWriter` with `Resource` needs the bucket and prefix to write to",
                    if language == QueryLanguage::Jsonata {
                        "add \"Arguments\": {\"Bucket\": \"...\", \"Prefix\": \"...\"}"
                    } else {
                        "add \"Parameters\": {\"Bucket\": \"...\", \"Prefix\": \"...\"}"
                    },
                ));
            }
            (None, Some(_), _) => {
                return Err(self.error_help(
                    node,
                    "`ResultWriter` has a bucket and prefix but no `Resource`",
                    "add \"Resource\": \"arn:aws:states:::s3:putObject\"",
                ));
            }
            (None, None, None) => {
                return Err(self.error_help(
                    node,
                    "`ResultWriter` needs `Resource` with its bucket and prefix, `WriterConfig`, or both",
                    "add \"WriterConfig\": {\"OutputType\": \"JSON\"}",
                ));
            }
        }
        Ok(ResultWriter {
            resource,
            arguments,
            config,
        })
    }

    fn writer_config(&mut self, node: &Node) -> Result<WriterConfig> {
        let fields = self.fields(node, &WRITER_CONFIG, self.top_language)?;
        let output_type = self
            .required(&fields, "OutputType", "WriterConfig")
            .and_then(|node| {
                self.enumeration(
                    node,
                    "OutputType",
                    &[("JSON", OutputType::Json), ("JSONL", OutputType::Jsonl)],
                )
            });
        let transformation = self.optional_enum(
            &fields,
            "Transformation",
            &[
                ("NONE", WriterTransformation::None),
                ("COMPACT", WriterTransformation::Compact),
                ("FLATTEN", WriterTransformation::Flatten),
            ],
        );
        all_ok!(output_type, transformation);
        Ok(WriterConfig {
            output_type,
            transformation: transformation.unwrap_or_default(),
        })
    }

    /// `Parameters` (JSONPath) or `Arguments` (JSONata) of ItemReader / ResultWriter.
    fn reader_writer_arguments(
        &mut self,
        fields: &Fields<'_>,
        language: QueryLanguage,
    ) -> Result<Option<Template>> {
        let field = match language {
            QueryLanguage::JsonPath => "Parameters",
            QueryLanguage::Jsonata => "Arguments",
        };
        self.optional_template(fields, field, language)
    }

    fn optional_enum<T: Copy>(
        &mut self,
        fields: &Fields<'_>,
        field: &str,
        values: &[(&str, T)],
    ) -> Result<Option<T>> {
        fields
            .get(field)
            .map(|node| self.enumeration(node, field, values))
            .transpose()
    }

    fn string_array(&mut self, node: &Node, field: &str) -> Result<Vec<String>> {
        let items = self.array(node, field, "strings")?;
        self.each(items, |lowerer, item| {
            lowerer.string(item, field).map(str::to_owned)
        })
    }
}

/// Characters a Map label cannot hold (as AWS names: whitespace, brackets,
/// wildcards, special and control characters).
fn is_forbidden_in_label(ch: char) -> bool {
    ch.is_whitespace()
        || ch.is_control()
        || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(ch)
        || matches!(ch, '\u{fffe}' | '\u{ffff}')
}
