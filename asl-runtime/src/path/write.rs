//! ResultPath: placing a result inside the state input.

use serde_json::{Map, Value};

use crate::error::ExecutionError;

use super::{RefPath, Step};

impl RefPath {
    /// Puts `value` at this path inside `target`, as ResultPath does: `$` replaces the
    /// whole target; missing objects along the way are created; an existing value
    /// that is not an object (or an array, for an index step) cannot hold the result
    /// and gives `States.Runtime`.
    pub fn set(&self, target: &mut Value, value: Value) -> Result<(), ExecutionError> {
        let Some((last, parents)) = self.steps.split_last() else {
            *target = value;
            return Ok(());
        };
        let mut node = target;
        for step in parents {
            node = match step {
                Step::Field(name) => {
                    let members = self.object(node)?;
                    members
                        .entry((*name).to_owned())
                        .or_insert_with(|| Value::Object(Map::new()))
                }
                Step::Index(index) => {
                    let len = node.as_array().map_or(0, Vec::len);
                    node.as_array_mut()
                        .and_then(|items| items.get_mut(*index))
                        .ok_or_else(|| self.unplaceable(*index, len))?
                }
            };
        }
        match last {
            Step::Field(name) => {
                self.object(node)?.insert((*name).to_owned(), value);
            }
            Step::Index(index) => {
                let len = node.as_array().map_or(0, Vec::len);
                let slot = node
                    .as_array_mut()
                    .and_then(|items| items.get_mut(*index))
                    .ok_or_else(|| self.unplaceable(*index, len))?;
                *slot = value;
            }
        }
        Ok(())
    }

    fn object<'v>(
        &self,
        node: &'v mut Value,
    ) -> Result<&'v mut Map<String, Value>, ExecutionError> {
        let kind = type_name(node);
        node.as_object_mut().ok_or_else(|| {
            ExecutionError::runtime(format!(
                "Unable to apply ResultPath '{}' to the input: a value on the way is {kind}, not an object",
                self.text
            ))
        })
    }

    fn unplaceable(&self, index: usize, len: usize) -> ExecutionError {
        ExecutionError::runtime(format!(
            "Unable to apply ResultPath '{}' to the input: index {index} is outside an array of {len}",
            self.text
        ))
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
