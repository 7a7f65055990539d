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
    if let Some(position) = first_conflict(path.steps, input) {
        return Err(step_conflict(&path.steps[position], input));
    }
    // Checked above, so this finds its way; `None` would be a bug, reported as a conflict.
    place(path.steps, input, result).ok_or_else(|| path_conflict(path, input))
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

/// Walks `steps` in `input`, creating missing members as objects, and puts `result`
/// at the end. Expects [`first_conflict`] to have found nothing.
fn place(steps: &[Step], input: &mut Value, result: Value) -> Option<()> {
    let (last, parents) = steps.split_last()?;
    let mut node = input;
    for step in parents {
        node = match (step, node) {
            (Step::Field(name), Value::Object(members)) => {
                if !members.contains_key(*name) {
                    members.insert((*name).to_owned(), Value::Object(Map::new()));
                }
                members.get_mut(*name)?
            }
            (Step::Index(index), Value::Array(items)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    match (last, node) {
        (Step::Field(name), Value::Object(members)) => match members.get_mut(*name) {
            Some(slot) => *slot = result,
            None => {
                members.insert((*name).to_owned(), result);
            }
        },
        (Step::Index(index), Value::Array(items)) => *items.get_mut(*index)? = result,
        _ => return None,
    }
    Some(())
}

/// The position of the first step of `steps` that cannot be applied to `input`, if
/// any: a name on something other than an object, an index on something other than
/// an array or out of its range, or an index below a member that is to be created.
fn first_conflict(steps: &[Step], input: &Value) -> Option<usize> {
    let mut node = Some(input);
    for (position, step) in steps.iter().enumerate() {
        node = match (step, node) {
            // Below a created member: only names can follow.
            (Step::Field(_), None) => None,
            (Step::Field(name), Some(Value::Object(members))) => members.get(*name),
            (Step::Index(index), Some(Value::Array(items))) if *index < items.len() => {
                items.get(*index)
            }
            _ => return Some(position),
        };
    }
    None
}
