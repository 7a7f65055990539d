//! Writing: ResultPath puts a state's result inside its input.
//!
//! AWS semantics: `$` replaces the input; otherwise the input must be an object or an
//! array, missing members on the way are created as objects, and the last step
//! replaces or adds the member (or replaces the element). The error texts and their
//! name, `States.ReferencePathConflict` (not the spec's
//! `States.ResultPathMatchFailure`), are AWS's as users report them:
//! - a string input: `Unable to apply ReferencePath $.someTaskResult to input
//!   "input1"` (qiita.com/tsubasaogawa/items/4fe341bdb6ae7d2fd8ee; the same form in
//!   aws/aws-cdk#29473);
//! - a step that cannot apply: `Unable to apply step "catalogBuilderOutput" to input
//!   ...` for `ResultPath: $.catalogBuilderOutput` (cdklabs/construct-hub#459).
//!
//! How a step that is an index is named in that text is not known; this module writes
//! `[0]`.

use serde_json::{Map, Value};

use super::errors::{REFERENCE_PATH_CONFLICT, step_conflict};
use super::{RefPath, Step};
use crate::error::ExecutionError;

impl RefPath {
    /// Puts `result` at this path inside `input`; see [`set`].
    pub fn set(&self, input: &mut Value, result: Value) -> Result<(), ExecutionError> {
        set(self, input, result)
    }
}

/// ResultPath: puts `result` at `path` inside `input` (the state's input), in place.
///
/// `$` replaces `input`. Otherwise `input` must be an object or an array; members that
/// do not exist on the way are created as empty objects; the last step sets a member
/// of an object or replaces an existing element of an array. Anything else fails with
/// `States.ReferencePathConflict` and `input` is left unchanged.
pub fn set(path: &RefPath, input: &mut Value, result: Value) -> Result<(), ExecutionError> {
    if path.steps.is_empty() {
        *input = result;
        return Ok(());
    }
    if !matches!(input, Value::Object(_) | Value::Array(_)) {
        return Err(path_conflict(path, input));
    }
    match place(path.steps, 0, input, result) {
        Ok(()) => Ok(()),
        // Nothing was changed: the error shows the input as it was.
        Err(position) => Err(step_conflict(&path.steps[position], input)),
    }
}

/// `Unable to apply ReferencePath <path> to input <input>`: ResultPath on an input
/// that is neither an object nor an array.
fn path_conflict(path: &RefPath, input: &Value) -> ExecutionError {
    ExecutionError::new(
        REFERENCE_PATH_CONFLICT,
        format!(
            "Unable to apply ReferencePath {} to input {input}",
            path.text
        ),
    )
}

/// Puts `result` at `steps[position..]` inside `node`, one lookup per step,
/// creating the members missing on the way as objects. A step that cannot apply (a
/// name on something other than an object, an index on something other than an array
/// or out of its range, or an index below a member that is to be created) is found
/// before anything changes, and its position in `steps` returned.
fn place(steps: &[Step], position: usize, node: &mut Value, result: Value) -> Result<(), usize> {
    let rest = &steps[position + 1..];
    match (&steps[position], node) {
        (Step::Field(name), Value::Object(members)) => {
            if let Some(child) = members.get_mut(*name) {
                return descend(steps, position, child, result);
            }
            // Below a created member only names can follow.
            if let Some(offset) = rest.iter().position(|step| matches!(step, Step::Index(_))) {
                return Err(position + 1 + offset);
            }
            members.insert((*name).to_owned(), nest(rest, result));
            Ok(())
        }
        (Step::Index(index), Value::Array(items)) if *index < items.len() => {
            descend(steps, position, &mut items[*index], result)
        }
        _ => Err(position),
    }
}

/// [`place`] in `child`, the node `steps[position]` leads to: `result` replaces it
/// when that was the last step.
fn descend(steps: &[Step], position: usize, child: &mut Value, result: Value) -> Result<(), usize> {
    if position + 1 == steps.len() {
        *child = result;
        Ok(())
    } else {
        place(steps, position + 1, child, result)
    }
}

/// `result` inside new objects, one per name of `fields` (all [`Step::Field`]s):
/// `{"a": {"b": result}}` for `a`, `b`.
fn nest(fields: &[Step], result: Value) -> Value {
    fields.iter().rev().fold(result, |inner, step| {
        let Step::Field(name) = step else {
            return inner;
        };
        let mut members = Map::with_capacity(1);
        members.insert((*name).to_owned(), inner);
        Value::Object(members)
    })
}
