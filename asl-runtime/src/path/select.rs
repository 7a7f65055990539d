//! Reading paths: Reference Paths and full JSONPath, with AWS's result shapes.

use serde_json::Value;

use super::filter;
use super::{Path, RefPath, Segment, Selector, Step};

/// What a [`Path`] selects.
#[derive(Debug, Clone, PartialEq)]
pub enum Selected<'v> {
    /// A definite path's value.
    One(&'v Value),
    /// An indefinite path's matches (wildcards, slices, unions, filters, `..`), in
    /// document order; AWS returns them as an array, `[]` when there are none.
    Many(Vec<&'v Value>),
}

impl Selected<'_> {
    /// The selection as one value: the value itself, or an array of the matches.
    pub fn into_value(self) -> Value {
        match self {
            Selected::One(value) => value.clone(),
            Selected::Many(values) => Value::Array(values.into_iter().cloned().collect()),
        }
    }
}

impl RefPath {
    /// The value at this path inside `root`, or `None` when a step is missing.
    pub fn get<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        self.steps.iter().try_fold(root, |value, step| match step {
            Step::Field(name) => value.as_object()?.get(*name),
            Step::Index(index) => value.as_array()?.get(*index),
        })
    }
}

impl Path {
    /// Whether this path names at most one value (only names and single indexes).
    pub fn is_definite(&self) -> bool {
        definite(self.segments)
    }

    /// What this path selects inside `root`: for a definite path its value, or `None`
    /// when it is missing; otherwise every match (possibly none).
    pub fn select<'v>(&self, root: &'v Value) -> Option<Selected<'v>> {
        select(self.segments, root, root)
    }
}

pub(super) fn definite(segments: &[Segment]) -> bool {
    segments.iter().all(|segment| {
        matches!(
            segment,
            Segment::Child(Selector::Name(_) | Selector::Index(_))
        )
    })
}

/// Selects `segments` from `current`; `root` is what `$` means inside filters.
pub(super) fn select<'v>(
    segments: &[Segment],
    current: &'v Value,
    root: &'v Value,
) -> Option<Selected<'v>> {
    if definite(segments) {
        return walk(segments, current).map(Selected::One);
    }
    let mut nodes = vec![current];
    for segment in segments {
        let mut next = Vec::new();
        match segment {
            Segment::Child(selector) => {
                for node in nodes {
                    apply(selector, node, root, &mut next);
                }
            }
            Segment::Descendant(selector) => {
                for node in nodes {
                    descend(selector, node, root, &mut next);
                }
            }
        }
        nodes = next;
    }
    Some(Selected::Many(nodes))
}

/// A definite path's value, without allocating.
fn walk<'v>(segments: &[Segment], current: &'v Value) -> Option<&'v Value> {
    segments
        .iter()
        .try_fold(current, |value, segment| match segment {
            Segment::Child(Selector::Name(name)) => value.as_object()?.get(*name),
            Segment::Child(Selector::Index(index)) => {
                let items = value.as_array()?;
                items.get(resolve_index(*index, items.len())?)
            }
            _ => None,
        })
}

fn resolve_index(index: i64, len: usize) -> Option<usize> {
    if index >= 0 {
        usize::try_from(index).ok()
    } else {
        len.checked_sub(usize::try_from(index.unsigned_abs()).ok()?)
    }
}

fn descend<'v>(selector: &Selector, node: &'v Value, root: &'v Value, out: &mut Vec<&'v Value>) {
    apply(selector, node, root, out);
    match node {
        Value::Array(items) => items
            .iter()
            .for_each(|item| descend(selector, item, root, out)),
        Value::Object(members) => members
            .values()
            .for_each(|item| descend(selector, item, root, out)),
        _ => {}
    }
}

fn apply<'v>(selector: &Selector, node: &'v Value, root: &'v Value, out: &mut Vec<&'v Value>) {
    match selector {
        Selector::Name(name) => out.extend(node.as_object().and_then(|m| m.get(*name))),
        Selector::Index(index) => {
            if let Some(items) = node.as_array() {
                out.extend(resolve_index(*index, items.len()).and_then(|i| items.get(i)));
            }
        }
        Selector::Wildcard => match node {
            Value::Array(items) => out.extend(items),
            Value::Object(members) => out.extend(members.values()),
            _ => {}
        },
        Selector::Slice { start, end, step } => {
            if let Some(items) = node.as_array() {
                slice(items, *start, *end, *step, out);
            }
        }
        Selector::Names(names) => {
            if let Some(members) = node.as_object() {
                out.extend(names.iter().filter_map(|name| members.get(*name)));
            }
        }
        Selector::Indexes(indexes) => {
            if let Some(items) = node.as_array() {
                out.extend(indexes.iter().filter_map(|index| {
                    resolve_index(*index, items.len()).and_then(|i| items.get(i))
                }));
            }
        }
        Selector::Filter(predicate) => match node {
            Value::Array(items) => out.extend(
                items
                    .iter()
                    .filter(|item| filter::test(predicate, item, root)),
            ),
            // Jayway tests an object itself against the filter.
            Value::Object(_) if filter::test(predicate, node, root) => out.push(node),
            _ => {}
        },
    }
}

/// Python-style slicing: negative bounds count from the end, bounds are clamped.
fn slice<'v>(
    items: &'v [Value],
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
    out: &mut Vec<&'v Value>,
) {
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let step = step.unwrap_or(1);
    let clamp = |bound: i64, low: i64, high: i64| {
        let bound = if bound < 0 { bound + len } else { bound };
        bound.clamp(low, high)
    };
    if step > 0 {
        let from = start.map_or(0, |s| clamp(s, 0, len));
        let to = end.map_or(len, |e| clamp(e, 0, len));
        let mut i = from;
        while i < to {
            out.push(&items[i as usize]);
            i += step;
        }
    } else if step < 0 {
        let from = start.map_or(len - 1, |s| clamp(s, -1, len - 1));
        let to = end.map_or(-1, |e| clamp(e, -1, len - 1));
        let mut i = from;
        while i > to {
            out.push(&items[i as usize]);
            i += step;
        }
    }
}
