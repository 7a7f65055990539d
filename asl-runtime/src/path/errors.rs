//! Path lookups for specific fields, failing with the texts AWS gives for a miss in
//! that field. The executor adds `An error occurred while executing the state '...'
//! (entered at the event id #N). ` in front of a `States.Runtime` cause; these
//! functions produce only what follows.
//!
//! Each text's source is given where it is built. "Corpus" is
//! `shared/conformance/cases` (executions recorded on AWS).

use std::borrow::Cow;

use serde_json::Value;

use super::render;
use super::select::{Miss, Selected};
use super::{Path, RefPath, Segment, Step};
use crate::error::ExecutionError;

/// The error AWS raises when a Reference Path cannot be applied: ResultPath on an
/// input that is not an object, or ItemsPath naming a member that does not exist.
/// The spec calls the ResultPath case `States.ResultPathMatchFailure`; AWS reports
/// this name instead.
pub const REFERENCE_PATH_CONFLICT: &str = "States.ReferencePathConflict";

/// InputPath: the value `path` selects in `root` (the state's raw input, the context
/// object or a variable).
///
/// A miss fails with `States.Runtime` and Jayway's explanation, e.g.
/// `Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']`
/// (corpus: `scenarios__test_base_scenarios...INVALID_JSONPATH_IN_INPUTPATH`). The
/// explanation is Jayway's exception message for the miss; see [`output_path`] for
/// the others.
pub fn input_path<'v>(path: &Path, root: &'v Value) -> Result<Selected<'v>, ExecutionError> {
    path.resolve(root).map_err(|miss| invalid_path(path, miss))
}

/// OutputPath: as [`input_path`], with the same text
/// (`Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']`,
/// corpus: `...INVALID_JSONPATH_IN_OUTPUTPATH`).
///
/// Only the "No results" form is recorded. The other explanations are Jayway's
/// messages for the other misses of a definite path (not confirmed on AWS):
/// - `Missing property in path $['a']`: a member before the last one is missing;
/// - `Expected to find an object with property ['b'] in path $['a'] but found
///   'java.lang.String'. This is not a json object according to the JsonProvider:
///   'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.` (Jayway's default
///   provider; the class names are those it would report);
/// - `The path $['a'] is null`: an index applied to `null`;
/// - `Filter: [0] can only be applied to arrays. Current context is: {...}`: an index
///   applied to something other than an array.
pub fn output_path<'v>(path: &Path, root: &'v Value) -> Result<Selected<'v>, ExecutionError> {
    input_path(path, root)
}

/// A payload template's `"key.$": "path"` (Parameters, ResultSelector, ItemSelector):
/// the value `path` selects in `root`.
///
/// `field` is the key as written, `.$` included. A miss fails with `States.Runtime`:
/// `The JSONPath '$.x' specified for the field 'x.$' could not be found in the input
/// '{"a":1}'`, the input printed as compact JSON in its own key order. Sources: AWS
/// executions quoted in public reports (the AWS workshop "Check Address" state:
/// `... could not be found in the input '{"flagged":false}'`; localstack/localstack#11951;
/// floci-io/floci#2521, checked against Step Functions Local). For a `$$` path AWS
/// prints the context object (a reported `$$.Map.Item.Value.checkId` miss shows
/// `'{"Execution":{...`), so pass the document `path` was evaluated against as
/// `input_for_message`.
pub fn parameter<'v>(
    path: &Path,
    field: &str,
    root: &'v Value,
    input_for_message: &Value,
) -> Result<Selected<'v>, ExecutionError> {
    path.resolve(root)
        .map_err(|_| not_found(path.text, field, input_for_message))
}

/// Checks the input a payload template's paths are evaluated against: AWS refuses a
/// `null` input with `States.Runtime`, `Unable to apply Path transformation to null or
/// empty input.` (an AWS execution quoted on Stack Overflow: a Parameters template
/// after a Lambda returning `null`). Call it before evaluating the template's `$`
/// paths.
#[inline]
pub fn template_input(input: &Value) -> Result<(), ExecutionError> {
    if input.is_null() {
        return Err(null_template_input());
    }
    Ok(())
}

/// The error of [`template_input`], out of line: every state with a template
/// inlines the check, and only the check.
#[cold]
#[inline(never)]
fn null_template_input() -> ExecutionError {
    ExecutionError::runtime("Unable to apply Path transformation to null or empty input.")
}

/// A Reference Path field (`ItemsPath`, `SecondsPath`, `TimestampPath`, `ErrorPath`,
/// `CausePath`, `MaxConcurrencyPath`, `ToleratedFailureCountPath`,
/// `ToleratedFailurePercentagePath`, `TimeoutSecondsPath`, `HeartbeatSecondsPath`):
/// the node `path` names in `root`.
///
/// `field` is the field's name, which decides the text of a miss:
/// - `ItemsPath`: `States.ReferencePathConflict`, `Unable to apply step "objects" to
///   input {"discovery":{...}}`, naming the first step that does not apply and
///   printing the whole input as compact JSON (AWS executions quoted in public reports
///   for `ItemsPath: $.discovery.objects` and `$.items`);
/// - `SecondsPath`, `TimestampPath`: `States.Runtime`, `The SecondsPath parameter does
///   not reference an input value: $.x` (LocalStack's `seconds_path.py`, whose other
///   SecondsPath texts the corpus confirms; the TimestampPath form is the same, as
///   emulators quoting AWS write it);
/// - any other field: `States.Runtime`, `The JSONPath '$.x' specified for the field
///   'ErrorPath' could not be found in the input '{...}'` (the AWS text quoted in
///   localstack/localstack#11951 for ErrorPath; LocalStack uses the same text for every
///   other field since localstack/localstack#12094).
pub fn reference<'v>(
    path: &RefPath,
    field: &str,
    root: &'v Value,
) -> Result<&'v Value, ExecutionError> {
    path.lookup(root).map_err(|position| match field {
        "ItemsPath" => step_conflict(&path.steps[position], root),
        "SecondsPath" | "TimestampPath" => ExecutionError::runtime(format!(
            "The {field} parameter does not reference an input value: {}",
            path.text
        )),
        _ => not_found(path.text, field, root),
    })
}

/// A Choice rule's `Variable` or `...Path` operand: the value `path` selects in `root`.
///
/// A miss fails with `States.Runtime`: `Invalid path '$.x': The choice state's
/// condition path references an invalid value.` (the text emulator test suites quote
/// from AWS; not in the corpus). `IsPresent` tests should use [`Path::select`]
/// instead, which never fails.
pub fn choice_variable<'v>(path: &Path, root: &'v Value) -> Result<Selected<'v>, ExecutionError> {
    path.resolve(root)
        .map_err(|_| crate::choice::missing_variable(path.text))
}

// Inputs are printed as `Value`'s `Display` prints them: compact JSON, members in
// their order, as AWS prints them (Java prints some numbers differently, e.g.
// `1.0E20` for `1e20`).

pub(crate) fn not_found(text: &str, field: &str, input: &Value) -> ExecutionError {
    ExecutionError::runtime(format!(
        "The JSONPath '{text}' specified for the field '{field}' could not be found in the input '{input}'"
    ))
}

/// `Unable to apply step "<step>" to input <input>`: a Reference Path step that does
/// not apply, reading (ItemsPath) or writing (ResultPath). How AWS names an index
/// step is not known; this writes `[0]`.
pub(super) fn step_conflict(step: &Step, input: &Value) -> ExecutionError {
    let step = match step {
        Step::Field(name) => Cow::Borrowed(*name),
        Step::Index(index) => Cow::Owned(format!("[{index}]")),
    };
    ExecutionError::new(
        REFERENCE_PATH_CONFLICT,
        format!("Unable to apply step \"{step}\" to input {input}"),
    )
}

/// `Invalid path '<path>' : <Jayway's message>` for InputPath and OutputPath.
fn invalid_path(path: &Path, miss: Miss<'_>) -> ExecutionError {
    ExecutionError::runtime(format!(
        "Invalid path '{}' : {}",
        path.text,
        explain(path.segments, miss)
    ))
}

/// Jayway's `PathNotFoundException` message for a miss of a definite path.
fn explain(segments: &[Segment], miss: Miss<'_>) -> String {
    match miss {
        // Jayway's `EvaluationContextImpl.getValue`: the whole path.
        Miss::NoResults => format!("No results for path: {}", render::normalized(segments)),
        // `PathToken.handleObjectProperty`: the path up to the missing member.
        Miss::MissingProperty { at } => {
            format!(
                "Missing property in path {}",
                render::normalized(&segments[..=at])
            )
        }
        // `PropertyPathToken.evaluate`.
        Miss::NotAnObject { at, found } => format!(
            "Expected to find an object with property {} in path {} but found '{}'. This is not a json \
             object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.",
            render::fragments(&segments[at..=at]),
            render::normalized(&segments[..at]),
            java_class(found)
        ),
        // `ArrayPathToken.checkArrayModel`.
        Miss::NullArray { at } => {
            format!("The path {} is null", render::normalized(&segments[..at]))
        }
        Miss::NotAnArray { at, found } => format!(
            "Filter: {} can only be applied to arrays. Current context is: {}",
            render::fragments(&segments[at..]),
            java_text(found)
        ),
    }
}

/// The Java class JsonSmart parses a JSON value to, as Jayway names it; `null` for
/// JSON null (Jayway prints the missing model so).
fn java_class(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(number) => match number.as_i64() {
            Some(integer) if i32::try_from(integer).is_ok() => "java.lang.Integer",
            Some(_) => "java.lang.Long",
            None if number.is_u64() => "java.math.BigInteger",
            None => "java.lang.Double",
        },
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "net.minidev.json.JSONArray",
        Value::Object(_) => "net.minidev.json.JSONObject",
    }
}

/// A value as Java's `toString` prints it: a string bare, anything else as JSON.
fn java_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
