//! Distributed Map states over local storage (a directory standing in for S3):
//! each ItemReader format, MaxItems, ItemBatcher, ResultWriter files and
//! transformations, child executions, and reader failures.

use std::path::Path;
use std::sync::Mutex;

use asl_runtime::{RunOptions, TaskContext, TaskError};
use serde_json::{Value, json};

/// Writes `contents` as object `key` of `bucket` under `root`.
fn put(root: &Path, bucket: &str, key: &str, contents: &str) {
    let path = root.join(bucket).join(key);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

mod etl {
    asl_macros::asl!("../examples/workflows/distributed-etl.asl.json");
}

/// The ETL example's Task: sums a batch of sales rows.
#[derive(Default)]
struct Aggregate {
    batches: Mutex<Vec<usize>>,
}

impl etl::Tasks for Aggregate {
    async fn aggregate(&self, input: Value, _: TaskContext<'_>) -> Result<Value, TaskError> {
        let batch = &input["Payload"];
        let rows = batch["Items"].as_array().cloned().unwrap_or_default();
        self.batches.lock().unwrap().push(rows.len());
        let total: f64 = rows
            .iter()
            .map(|row| {
                row["amount"]
                    .as_str()
                    .unwrap_or("0")
                    .parse::<f64>()
                    .unwrap_or(0.0)
            })
            .sum();
        Ok(
            json!({"Payload": {"rows": rows.len(), "total": total, "currency": batch["BatchInput"]["currency"]}}),
        )
    }
}

#[tokio::test]
async fn the_etl_example_reads_csv_in_batches_and_writes_results_with_a_manifest() {
    let root = tempfile::tempdir().unwrap();
    let mut csv = String::from("region,amount\n");
    for row in 0..250 {
        csv.push_str(&format!("r{},{}\n", row % 3, row));
    }
    put(root.path(), "sales", "2026/november.csv", &csv);
    let machine = etl::Machine::new(Aggregate::default());
    let input = json!({"bucket": "sales", "key": "2026/november.csv", "currency": "EUR"});
    let options = RunOptions::default().storage_root(root.path());
    let output = machine.run_with(options, input).await.unwrap();

    let mut batches = machine.tasks().batches.lock().unwrap().clone();
    batches.sort_unstable();
    assert_eq!(batches, [50, 100, 100]);
    let key = output["ResultWriterDetails"]["Key"].as_str().unwrap();
    assert_eq!(output["ResultWriterDetails"]["Bucket"], "sales");
    let map_run_arn = output["MapRunArn"].as_str().unwrap();
    assert!(
        map_run_arn.starts_with(
            "arn:aws:states:us-east-1:123456789012:mapRun:distributed-etl/AggregateSales:"
        ),
        "{map_run_arn}"
    );
    assert!(
        key.starts_with("aggregates/") && key.ends_with("/manifest.json"),
        "{key}"
    );
    let manifest = read_json(&root.path().join("sales").join(key));
    assert_eq!(manifest["DestinationBucket"], "sales");
    assert_eq!(manifest["MapRunArn"], map_run_arn);
    assert_eq!(manifest["ResultFiles"]["FAILED"], json!([]));
    assert_eq!(manifest["ResultFiles"]["PENDING"], json!([]));
    let succeeded = &manifest["ResultFiles"]["SUCCEEDED"][0];
    let file = root
        .path()
        .join("sales")
        .join(succeeded["Key"].as_str().unwrap());
    assert!(file.to_string_lossy().ends_with("SUCCEEDED_0.jsonl"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(succeeded["Size"], text.len());
    // COMPACT: each child's output, one per line.
    let mut lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    lines.sort_by_key(|line| line["rows"].as_u64());
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0],
        json!({"rows": 50, "total": 11225.0, "currency": "EUR"})
    );
    let total: f64 = lines
        .iter()
        .map(|line| line["total"].as_f64().unwrap())
        .sum();
    assert_eq!(total, (0..250).sum::<i32>() as f64);
}

mod lines {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSONL", "MaxItemsPath": "$.max"},
                    "Parameters": {"Bucket": "data", "Key.$": "$.key"}
                },
                "ItemSelector": {"n.$": "$$.Map.Item.Value.n", "at.$": "$$.Map.Item.Index"},
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Who",
                    "States": {"Who": {"Type": "Pass", "Parameters": {"n.$": "$.n", "at.$": "$.at", "execution.$": "$$.Execution.Name", "input.$": "$$.Execution.Input"}, "End": true}}
                },
                "MaxConcurrency": 2,
                "Catch": [{"ErrorEquals": ["States.ItemReaderFailed"], "Next": "Unreadable"}],
                "End": true
            },
            "Unreadable": {"Type": "Pass", "End": true}
        }
    }"#
    );
}

#[tokio::test]
async fn a_jsonl_reader_streams_items_to_child_executions_up_to_max_items() {
    let root = tempfile::tempdir().unwrap();
    put(
        root.path(),
        "data",
        "numbers.jsonl",
        "{\"n\": 1}\n\n{\"n\": 2}\n{\"n\": 3}\n",
    );
    let options = RunOptions::default().storage_root(root.path());
    let output = lines::Machine::new(())
        .run_with(options, json!({"key": "numbers.jsonl", "max": 2}))
        .await
        .unwrap();
    let children = output.as_array().unwrap();
    assert_eq!(children.len(), 2);
    for (index, child) in children.iter().enumerate() {
        assert_eq!(child["n"], index + 1);
        assert_eq!(child["at"], index);
        // Each child is an execution of its own, with its own name and input.
        assert!(
            child["execution"]
                .as_str()
                .unwrap()
                .ends_with(&format!("-{index}"))
        );
        assert_eq!(child["input"], json!({"n": index + 1, "at": index}));
    }
}

#[tokio::test]
async fn an_unreadable_object_fails_with_states_item_reader_failed() {
    let root = tempfile::tempdir().unwrap();
    put(root.path(), "data", "bad.jsonl", "{\"n\": 1}\nnot json\n");
    let options = RunOptions::default().storage_root(root.path());
    let machine = lines::Machine::new(());
    let output = machine
        .run_with(options.clone(), json!({"key": "bad.jsonl", "max": 0}))
        .await
        .unwrap();
    assert_eq!(output["Error"], "States.ItemReaderFailed");
    assert!(
        output["Cause"]
            .as_str()
            .unwrap()
            .contains("S3://data/bad.jsonl, line 2: not JSON"),
        "{output}"
    );
    let output = machine
        .run_with(options, json!({"key": "missing.jsonl", "max": 0}))
        .await
        .unwrap();
    assert_eq!(output["Error"], "States.ItemReaderFailed");
}

mod formats {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Kind",
        "States": {
            "Kind": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.kind", "StringEquals": "json", "Next": "Json"},
                    {"Variable": "$.kind", "StringEquals": "csv", "Next": "Csv"}
                ],
                "Default": "Listing"
            },
            "Json": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSON", "ItemsPointer": "/data/items"},
                    "Parameters": {"Bucket": "data", "Key": "doc.json"}
                },
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "J", "States": {"J": {"Type": "Pass", "End": true}}},
                "ResultWriter": {"WriterConfig": {"OutputType": "JSON", "Transformation": "FLATTEN"}},
                "End": true
            },
            "Csv": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["name", "size"], "CSVDelimiter": "PIPE"},
                    "Parameters": {"Bucket": "data", "Key": "rows.psv"}
                },
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "C", "States": {"C": {"Type": "Pass", "End": true}}},
                "End": true
            },
            "Listing": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:listObjectsV2",
                    "Parameters": {"Bucket": "data", "Prefix": "logs/"}
                },
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "L", "States": {"L": {"Type": "Pass", "Parameters": {"key.$": "$.Key", "size.$": "$.Size", "class.$": "$.StorageClass"}, "End": true}}},
                "ResultWriter": {"WriterConfig": {"OutputType": "JSON", "Transformation": "NONE"}},
                "End": true
            }
        }
    }"#
    );
}

#[tokio::test]
async fn json_csv_and_listing_readers() {
    let root = tempfile::tempdir().unwrap();
    put(
        root.path(),
        "data",
        "doc.json",
        r#"{"data": {"items": [[1, 2], [3], 4]}}"#,
    );
    put(root.path(), "data", "rows.psv", "a|1\nb|22\n");
    put(root.path(), "data", "logs/2.log", "two");
    put(root.path(), "data", "logs/1.log", "one!");
    put(root.path(), "data", "other/x.log", "x");
    let machine = formats::Machine::new(());
    let run = |kind: &str| {
        let options = RunOptions::default().storage_root(root.path());
        machine.run_with(options, json!({"kind": kind}))
    };
    // FLATTEN spreads array outputs.
    assert_eq!(run("json").await.unwrap(), json!([1, 2, 3, 4]));
    assert_eq!(
        run("csv").await.unwrap(),
        json!([{"name": "a", "size": "1"}, {"name": "b", "size": "22"}])
    );
    // NONE: the children's records, with their outputs as JSON text.
    let records = run("listing").await.unwrap();
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["Status"], "SUCCEEDED");
    let output: Value = serde_json::from_str(records[0]["Output"].as_str().unwrap()).unwrap();
    assert_eq!(
        output,
        json!({"key": "logs/1.log", "size": 4, "class": "STANDARD"})
    );
    let input: Value = serde_json::from_str(records[1]["Input"].as_str().unwrap()).unwrap();
    assert_eq!(input["Key"], "logs/2.log");
    assert_eq!(input["Etag"], "\"b8a9f715dbb64fd5c56e7783c6820a61\"");
    assert!(
        records[1]["ExecutionArn"]
            .as_str()
            .unwrap()
            .contains(":execution:workflow/Listing:")
    );
}

/// Writes `contents` gzip-compressed as object `key` of `bucket` under `root`.
fn put_gzipped(root: &Path, bucket: &str, key: &str, contents: &str) {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(contents.as_bytes()).unwrap();
    let path = root.join(bucket).join(key);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, encoder.finish().unwrap()).unwrap();
}

mod manifests {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Kind",
        "States": {
            "Kind": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.kind", "StringEquals": "inventory", "Next": "Inventory"},
                    {"Variable": "$.kind", "StringEquals": "athena", "Next": "Athena"}
                ],
                "Default": "Flatten"
            },
            "Inventory": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "MANIFEST"},
                    "Parameters": {"Bucket": "inventory", "Key": "reports/manifest.json"}
                },
                "ItemSelector": {"key.$": "$$.Map.Item.Value.Key", "size.$": "$$.Map.Item.Value.Size", "from.$": "$$.Map.Item.Source"},
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
                "End": true
            },
            "Athena": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"ManifestType": "ATHENA_DATA", "InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["id", "total"], "MaxItems": 3},
                    "Parameters": {"Bucket": "athena", "Key": "unload/manifest.csv"}
                },
                "ItemSelector": {"row.$": "$$.Map.Item.Value", "from.$": "$$.Map.Item.Source"},
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
                "End": true
            },
            "Flatten": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:listObjectsV2",
                    "ReaderConfig": {"Transformation": "LOAD_AND_FLATTEN", "InputType": "JSONL"},
                    "Parameters": {"Bucket": "orders", "Prefix": "2026/"}
                },
                "ItemSelector": {"order.$": "$$.Map.Item.Value.id", "from.$": "$$.Map.Item.Source", "at.$": "$$.Map.Item.Index"},
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "F", "States": {"F": {"Type": "Pass", "End": true}}},
                "End": true
            }
        }
    }"#
    );
}

#[tokio::test]
async fn an_s3_inventory_manifest_yields_the_rows_of_its_gzipped_csv_files() {
    let root = tempfile::tempdir().unwrap();
    put(
        root.path(),
        "inventory",
        "reports/manifest.json",
        r#"{
            "sourceBucket": "photos",
            "destinationBucket": "arn:aws:s3:::inventory",
            "version": "2016-11-30",
            "fileFormat": "CSV",
            "fileSchema": "Bucket, Key, Size, LastModifiedDate",
            "files": [
                {"key": "reports/data/a.csv.gz", "size": 1, "MD5checksum": "x"},
                {"key": "reports/data/b.csv.gz", "size": 1, "MD5checksum": "y"}
            ]
        }"#,
    );
    put_gzipped(
        root.path(),
        "inventory",
        "reports/data/a.csv.gz",
        "\"photos\",\"cat.jpg\",\"120\",\"2026-11-01T00:00:00.000Z\"\n\"photos\",\"dog.jpg\",\"80\",\"2026-11-02T00:00:00.000Z\"\n",
    );
    put_gzipped(
        root.path(),
        "inventory",
        "reports/data/b.csv.gz",
        "\"photos\",\"owl.jpg\",\"7\",\"2026-11-03T00:00:00.000Z\"\n",
    );
    let options = RunOptions::default().storage_root(root.path());
    let output = manifests::Machine::new(())
        .run_with(options, json!({"kind": "inventory"}))
        .await
        .unwrap();
    assert_eq!(
        output,
        json!([
            {"key": "cat.jpg", "size": "120", "from": "S3://inventory/reports/data/a.csv.gz"},
            {"key": "dog.jpg", "size": "80", "from": "S3://inventory/reports/data/a.csv.gz"},
            {"key": "owl.jpg", "size": "7", "from": "S3://inventory/reports/data/b.csv.gz"}
        ])
    );
}

#[tokio::test]
async fn an_athena_manifest_yields_the_rows_of_the_files_it_lists_up_to_max_items() {
    let root = tempfile::tempdir().unwrap();
    put(
        root.path(),
        "athena",
        "unload/manifest.csv",
        "s3://athena/unload/part-1.gz\n\ns3://athena/unload/part-2\n",
    );
    put_gzipped(root.path(), "athena", "unload/part-1.gz", "1,10\n2,20\n");
    put(root.path(), "athena", "unload/part-2", "3,30\n4,40\n");
    let options = RunOptions::default().storage_root(root.path());
    let machine = manifests::Machine::new(());
    let output = machine
        .run_with(options.clone(), json!({"kind": "athena"}))
        .await
        .unwrap();
    assert_eq!(
        output,
        json!([
            {"row": {"id": "1", "total": "10"}, "from": "S3://athena/unload/part-1.gz"},
            {"row": {"id": "2", "total": "20"}, "from": "S3://athena/unload/part-1.gz"},
            {"row": {"id": "3", "total": "30"}, "from": "S3://athena/unload/part-2"}
        ])
    );
    // A line that is not an s3:// URI fails the reader.
    put(root.path(), "athena", "unload/manifest.csv", "part-1.gz\n");
    let error = machine
        .run_with(options, json!({"kind": "athena"}))
        .await
        .unwrap_err();
    assert_eq!(error.name(), "States.ItemReaderFailed");
    assert!(error.cause_text().contains("\"part-1.gz\""), "{error}");
}

#[tokio::test]
async fn load_and_flatten_reads_every_listed_object_in_key_order() {
    let root = tempfile::tempdir().unwrap();
    put(
        root.path(),
        "orders",
        "2026/11.jsonl",
        "{\"id\": 3}\n{\"id\": 4}\n",
    );
    put(
        root.path(),
        "orders",
        "2026/10.jsonl",
        "{\"id\": 1}\n{\"id\": 2}\n",
    );
    put(root.path(), "orders", "2025/12.jsonl", "{\"id\": 0}\n");
    let options = RunOptions::default().storage_root(root.path());
    let output = manifests::Machine::new(())
        .run_with(options, json!({"kind": "flatten"}))
        .await
        .unwrap();
    assert_eq!(
        output,
        json!([
            {"order": 1, "from": "S3://orders/2026/10.jsonl", "at": 0},
            {"order": 2, "from": "S3://orders/2026/10.jsonl", "at": 1},
            {"order": 3, "from": "S3://orders/2026/11.jsonl", "at": 2},
            {"order": 4, "from": "S3://orders/2026/11.jsonl", "at": 3}
        ])
    );
}

mod sources {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Inline",
        "States": {
            "Inline": {
                "Type": "Map",
                "ItemsPath": "$.names",
                "ItemSelector": {"name.$": "$$.Map.Item.Value", "from.$": "$$.Map.Item.Source"},
                "ItemProcessor": {"StartAt": "N", "States": {"N": {"Type": "Pass", "End": true}}},
                "ResultPath": "$.inline",
                "Next": "Listing"
            },
            "Listing": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:listObjectsV2",
                    "Parameters": {"Bucket": "logs"}
                },
                "ItemSelector": {"key.$": "$$.Map.Item.Value.Key", "from.$": "$$.Map.Item.Source"},
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "L", "States": {"L": {"Type": "Pass", "Parameters": {"key.$": "$.key", "from.$": "$.from", "id.$": "$$.Execution.Id"}, "End": true}}},
                "ResultPath": "$.listing",
                "End": true
            }
        }
    }"#
    );
}

#[tokio::test]
async fn map_item_source_says_where_each_item_came_from() {
    let root = tempfile::tempdir().unwrap();
    put(root.path(), "logs", "a.log", "a");
    let options = RunOptions::default().storage_root(root.path());
    let output = sources::Machine::new(())
        .run_with(options, json!({"names": ["x"]}))
        .await
        .unwrap();
    assert_eq!(
        output["inline"],
        json!([{"name": "x", "from": "STATE_DATA"}])
    );
    let child = &output["listing"][0];
    assert_eq!(child["key"], "a.log");
    assert_eq!(child["from"], "S3://logs");
    // An EXPRESS child's ARN is an `express:` one.
    let id = child["id"].as_str().unwrap();
    assert!(
        id.starts_with("arn:aws:states:us-east-1:123456789012:express:workflow/Listing:"),
        "{id}"
    );
}

mod express {
    asl_macros::asl!(
        definition = r#"{
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.waits",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    "StartAt": "Wait",
                    "States": {"Wait": {"Type": "Wait", "SecondsPath": "$", "End": true}}
                },
                "ToleratedFailureCount": 5,
                "ResultWriter": {"WriterConfig": {"OutputType": "JSON", "Transformation": "NONE"}},
                "End": true
            }
        }
    }"#
    );
}

#[tokio::test(start_paused = true)]
async fn an_express_child_fails_with_states_timeout_after_five_minutes() {
    let records = express::Machine::new(())
        .run(json!({"waits": [299, 301]}))
        .await
        .unwrap();
    assert_eq!(records[0]["Status"], "SUCCEEDED");
    assert_eq!(records[1]["Status"], "FAILED");
    assert_eq!(records[1]["Error"], "States.Timeout");
    assert!(
        records[1]["ExecutionArn"]
            .as_str()
            .unwrap()
            .contains(":express:workflow/Each:")
    );
}
