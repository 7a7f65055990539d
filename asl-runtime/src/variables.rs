//! Workflow variables (`Assign`, `$name`): the values of one scope, and the scope
//! around it.
//!
//! Generated code knows at build time which scope assigns each name and at which
//! slot: a read is `read(depth, slot)` (depth 0 is the running machine's own scope,
//! 1 the enclosing one ...), an assignment writes a slot of the own scope. The top
//! level is one scope; each Parallel branch and Map iteration is a scope of its
//! own that reads the enclosing ones and writes only itself; a Distributed Map
//! child reads nothing outside itself.

use std::sync::Arc;

use serde_json::Value;

use crate::error::{ExecutionError, names};
use crate::limits::{MAX_PAYLOAD_BYTES, size_within};

/// The most all of an execution's variables may hold together, as compact JSON.
pub const MAX_TOTAL_BYTES: usize = 10 * 1024 * 1024;

/// The variables of one scope.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variables {
    /// Each slot's value, and its size as compact JSON; `None` until assigned.
    slots: Vec<Option<(Value, usize)>>,
    /// The size of all assigned values of this scope and the enclosing ones.
    total: usize,
    /// The enclosing scope, when this one may read it.
    outer: Option<Arc<Variables>>,
}

impl Variables {
    /// A scope inside `outer` (a Parallel branch or a Map iteration), with nothing
    /// assigned yet.
    pub fn inner(outer: Arc<Variables>) -> Variables {
        Variables {
            slots: Vec::new(),
            total: outer.total,
            outer: Some(outer),
        }
    }

    /// The value of variable `name`, at `slot` of the scope `depth` levels out.
    /// A variable not assigned yet fails the state with `States.Runtime`.
    pub fn read(&self, depth: usize, slot: usize, name: &str) -> Result<&Value, ExecutionError> {
        self.get(depth, slot).ok_or_else(|| unassigned(name))
    }

    /// The value at `slot` of the scope `depth` levels out, if assigned (what a
    /// JSONata expression binds).
    pub fn get(&self, depth: usize, slot: usize) -> Option<&Value> {
        let mut scope = self;
        for _ in 0..depth {
            scope = scope.outer.as_deref()?;
        }
        scope.slots.get(slot)?.as_ref().map(|(value, _)| value)
    }

    /// Writes one state's `Assign`: `(slot, name, value)` for each variable, all
    /// evaluated before any is written. Each value must be at most 256 KiB, all of
    /// them together too, and all variables at most 10 MiB
    /// ([`MAX_TOTAL_BYTES`]); past a limit the state fails with
    /// `States.DataLimitExceeded` and nothing is written.
    pub fn assign<const N: usize>(
        &mut self,
        values: [(usize, &str, Value); N],
    ) -> Result<(), ExecutionError> {
        let mut sizes = [0; N];
        let mut together = 0;
        for ((_, name, value), size) in values.iter().zip(&mut sizes) {
            *size = size_within(value, MAX_PAYLOAD_BYTES).ok_or_else(|| {
                too_large(format!(
                    "The variable '{name}' has a size exceeding the maximum of 256 KiB."
                ))
            })?;
            together += *size;
        }
        if together > MAX_PAYLOAD_BYTES {
            return Err(too_large(
                "The values of the state's Assign have a combined size exceeding the maximum of 256 KiB.",
            ));
        }
        let replaced: usize = values
            .iter()
            .filter_map(|(slot, ..)| self.slots.get(*slot)?.as_ref().map(|(_, size)| *size))
            .sum();
        let total = self.total - replaced + together;
        if total > MAX_TOTAL_BYTES {
            return Err(too_large(
                "The workflow variables have a combined size exceeding the maximum of 10 MiB.",
            ));
        }
        self.total = total;
        for ((slot, _, value), size) in values.into_iter().zip(sizes) {
            if self.slots.len() <= slot {
                self.slots.resize(slot + 1, None);
            }
            self.slots[slot] = Some((value, size));
        }
        Ok(())
    }

    /// Writes `value` to variable `name` at `slot` of this scope, within the limits
    /// of [`Variables::assign`]: what TestState's `variables` set.
    pub fn set(&mut self, slot: usize, name: &str, value: Value) -> Result<(), ExecutionError> {
        self.assign([(slot, name, value)])
    }

    /// The values of this scope, for a checkpoint: a JSON array with, for each slot,
    /// `[value]` or `null` when not assigned; `None` when nothing is assigned.
    pub fn to_json(&self) -> Option<String> {
        if self.slots.iter().all(Option::is_none) {
            return None;
        }
        let slots: Vec<Option<[&Value; 1]>> = self
            .slots
            .iter()
            .map(|slot| slot.as_ref().map(|(value, _)| [value]))
            .collect();
        serde_json::to_string(&slots).ok()
    }

    /// A top-level scope holding the values [`Variables::to_json`] wrote, or `None`
    /// when `text` is not such an array.
    pub fn from_json(text: &str) -> Option<Variables> {
        let slots: Vec<Option<[Value; 1]>> = serde_json::from_str(text).ok()?;
        let slots: Vec<_> = slots
            .into_iter()
            .map(|slot| {
                slot.map(|[value]| {
                    let size = size_within(&value, usize::MAX).unwrap_or(0);
                    (value, size)
                })
            })
            .collect();
        let total = slots.iter().flatten().map(|(_, size)| size).sum();
        Some(Variables {
            slots,
            total,
            outer: None,
        })
    }
}

/// A read of variable `name`, which no scope the reading state sees ever assigns:
/// it fails as a read of a variable not assigned yet.
pub fn never_assigned(name: &str) -> Result<&'static Value, ExecutionError> {
    Err(unassigned(name))
}

fn unassigned(name: &str) -> ExecutionError {
    ExecutionError::runtime(format!(
        "The variable '${name}' is referenced but has not been assigned a value."
    ))
}

fn too_large(cause: impl Into<String>) -> ExecutionError {
    ExecutionError::new(names::DATA_LIMIT_EXCEEDED, cause)
}

#[cfg(test)]
mod tests;
