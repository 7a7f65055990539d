//! Distributed Map `ResultWriter`: child execution results written to [`Storage`]
//! as AWS lays them out (`<Prefix>/<map run id>/manifest.json`,
//! `SUCCEEDED_0.json`, `FAILED_0.json`), streamed as they finish, and
//! `WriterConfig`'s transformations of the results.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::SystemTime;

use serde_json::{Map, Value};

use super::Finished;
use crate::clock::context_time;
use crate::error::ExecutionError;
use crate::storage::{Storage, writer_failed};

/// `WriterConfig.OutputType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputType {
    /// A JSON array per file.
    #[default]
    Json,
    /// JSON Lines.
    Jsonl,
}

/// `WriterConfig.Transformation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transformation {
    /// Each child's full record: ARN, name, input, output, status, dates.
    None,
    /// Each child's output.
    Compact,
    /// Each child's output, arrays spread into their elements.
    Flatten,
}

/// What a child execution's result becomes under `transformation`: one or more
/// entries. A failed child keeps its full record, as AWS does.
pub fn transform(transformation: Transformation, record: Value, failed: bool) -> Vec<Value> {
    if failed || transformation == Transformation::None {
        return vec![record];
    }
    let output = match record {
        Value::Object(mut fields) => fields
            .remove("Output")
            .and_then(|text| {
                text.as_str()
                    .and_then(|text| serde_json::from_str(text).ok())
            })
            .unwrap_or(Value::Null),
        other => other,
    };
    match (transformation, output) {
        (Transformation::Flatten, Value::Array(items)) => items,
        (_, output) => vec![output],
    }
}

/// The record AWS keeps of a finished child execution.
pub fn record(
    finished: &Finished,
    execution_arn: &str,
    name: &str,
    state_machine_arn: &str,
) -> Value {
    let mut record = Map::new();
    record.insert("ExecutionArn".into(), execution_arn.into());
    record.insert(
        "Input".into(),
        finished.input.clone().unwrap_or_default().into(),
    );
    record.insert("InputDetails".into(), serde_json::json!({"Included": true}));
    record.insert("Name".into(), name.into());
    match &finished.outcome {
        Ok(output) => {
            record.insert("Output".into(), output.to_string().into());
            record.insert(
                "OutputDetails".into(),
                serde_json::json!({"Included": true}),
            );
        }
        Err(error) => {
            record.insert("Error".into(), error.name().into());
            record.insert("Cause".into(), error.cause_text().into());
        }
    }
    let status = if finished.outcome.is_ok() {
        "SUCCEEDED"
    } else {
        "FAILED"
    };
    record.insert("RedriveCount".into(), 0.into());
    record.insert(
        "RedriveStatus".into(),
        if finished.outcome.is_ok() {
            "NOT_REDRIVABLE"
        } else {
            "REDRIVABLE"
        }
        .into(),
    );
    record.insert("StartDate".into(), context_time(finished.started).into());
    record.insert("StateMachineArn".into(), state_machine_arn.into());
    record.insert("Status".into(), status.into());
    record.insert("StopDate".into(), context_time(SystemTime::now()).into());
    Value::Object(record)
}

/// Results being written to `<Bucket>/<Prefix>/<run id>/`.
#[derive(Debug)]
pub struct Writer {
    /// Where the files go once written.
    storage: Storage,
    bucket: String,
    prefix: String,
    dir: PathBuf,
    output_type: OutputType,
    transformation: Transformation,
    map_run_arn: String,
    succeeded: Sink,
    failed: Sink,
}

/// One result file, written as entries arrive.
#[derive(Debug)]
struct Sink {
    name: &'static str,
    file: Option<BufWriter<File>>,
    entries: u64,
}

impl Writer {
    /// Starts writing the results of map run `run_id` (ARN `map_run_arn`) where the
    /// writer's evaluated `Parameters` (`Bucket`, `Prefix`) say.
    pub fn open(
        storage: &Storage,
        arguments: &Value,
        output_type: OutputType,
        transformation: Transformation,
        map_run: &super::MapRun,
    ) -> Result<Writer, ExecutionError> {
        let run_id = map_run.id();
        let bucket = arguments["Bucket"].as_str().ok_or_else(|| {
            writer_failed(format!(
                "The ResultWriter's Parameters need a string `Bucket`: {arguments}"
            ))
        })?;
        let prefix = arguments["Prefix"]
            .as_str()
            .unwrap_or_default()
            .trim_end_matches('/');
        let key = if prefix.is_empty() {
            run_id.to_owned()
        } else {
            format!("{prefix}/{run_id}")
        };
        let dir = storage.output_dir(bucket, &key).map_err(writer_failed)?;
        std::fs::create_dir_all(&dir)
            .map_err(|error| writer_failed(format!("cannot create {}: {error}", dir.display())))?;
        Ok(Writer {
            storage: storage.clone(),
            bucket: bucket.to_owned(),
            prefix: key,
            dir,
            output_type,
            transformation,
            map_run_arn: map_run.arn().to_owned(),
            succeeded: Sink::new("SUCCEEDED"),
            failed: Sink::new("FAILED"),
        })
    }

    /// Writes the record of a child execution of `map_run` that ended.
    pub fn write_finished(
        &mut self,
        map_run: &super::MapRun,
        finished: &Finished,
    ) -> Result<(), ExecutionError> {
        self.write(map_run.record(finished), finished.outcome.is_err())?;
        map_run.results_written(1);
        Ok(())
    }

    /// Writes one child's record.
    pub fn write(&mut self, record: Value, failed: bool) -> Result<(), ExecutionError> {
        let entries = transform(self.transformation, record, failed);
        let sink = if failed {
            &mut self.failed
        } else {
            &mut self.succeeded
        };
        for entry in entries {
            sink.write(&self.dir, self.output_type, &entry)?;
        }
        Ok(())
    }

    /// Closes the files, writes `manifest.json`, and gives the Map state's output:
    /// `{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}`.
    pub fn finish(self) -> Result<Value, ExecutionError> {
        let mut files = Map::new();
        for sink in [self.succeeded, self.failed] {
            let name = sink.name;
            let written = sink.close(&self.dir, self.output_type)?;
            let listed: Vec<Value> = written
                .into_iter()
                .map(|(file, size)| serde_json::json!({"Key": format!("{}/{file}", self.prefix), "Size": size}))
                .collect();
            files.insert(name.into(), Value::Array(listed));
        }
        files.insert("PENDING".into(), Value::Array(Vec::new()));
        let manifest = serde_json::json!({
            "DestinationBucket": self.bucket,
            "MapRunArn": self.map_run_arn,
            "ResultFiles": files,
        });
        let path = self.dir.join("manifest.json");
        std::fs::write(&path, manifest.to_string())
            .map_err(|error| writer_failed(format!("cannot write {}: {error}", path.display())))?;
        self.storage
            .publish(&self.bucket, &self.prefix, &self.dir)
            .map_err(writer_failed)?;
        Ok(serde_json::json!({
            "MapRunArn": self.map_run_arn,
            "ResultWriterDetails": {
                "Bucket": self.bucket,
                "Key": format!("{}/manifest.json", self.prefix),
            },
        }))
    }
}

impl Sink {
    fn new(name: &'static str) -> Sink {
        Sink {
            name,
            file: None,
            entries: 0,
        }
    }

    fn file_name(&self, output_type: OutputType) -> String {
        let extension = match output_type {
            OutputType::Json => "json",
            OutputType::Jsonl => "jsonl",
        };
        format!("{}_0.{extension}", self.name)
    }

    fn write(
        &mut self,
        dir: &std::path::Path,
        output_type: OutputType,
        entry: &Value,
    ) -> Result<(), ExecutionError> {
        let failed = |error: std::io::Error| {
            writer_failed(format!("cannot write the {} results: {error}", self.name))
        };
        if self.file.is_none() {
            let path = dir.join(self.file_name(output_type));
            let mut file = BufWriter::new(File::create(&path).map_err(failed)?);
            if output_type == OutputType::Json {
                file.write_all(b"[").map_err(failed)?;
            }
            self.file = Some(file);
        }
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        let separator: &[u8] = match (output_type, self.entries) {
            (OutputType::Json, 0) => b"",
            (OutputType::Json, _) => b",",
            (OutputType::Jsonl, _) => b"",
        };
        file.write_all(separator).map_err(failed)?;
        serde_json::to_writer(&mut *file, entry).map_err(|error| failed(error.into()))?;
        if output_type == OutputType::Jsonl {
            file.write_all(b"\n").map_err(failed)?;
        }
        self.entries += 1;
        Ok(())
    }

    /// The files written, with their sizes.
    fn close(
        self,
        dir: &std::path::Path,
        output_type: OutputType,
    ) -> Result<Vec<(String, u64)>, ExecutionError> {
        let name = self.file_name(output_type);
        let Some(mut file) = self.file else {
            return Ok(Vec::new());
        };
        let failed = |error: std::io::Error| writer_failed(format!("cannot write {name}: {error}"));
        if output_type == OutputType::Json {
            file.write_all(b"]").map_err(failed)?;
        }
        file.flush().map_err(failed)?;
        let size = std::fs::metadata(dir.join(&name)).map_err(failed)?.len();
        Ok(vec![(name, size)])
    }
}
