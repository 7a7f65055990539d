//! Reading: Reference Paths and full JSONPath, with Jayway JsonPath's semantics (see
//! the module documentation of [`crate::path`]).
//!
//! A definite path is walked step by step and borrows what it finds; only a path that
//! collects several matches (or merges a union of names) builds a new value.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::{Path, RefPath, Segment, Selector, Step, filter};

/// What a [`Path`] selects: the node itself (borrowed) for a definite path, or a new
/// array of the matches (owned) otherwise.
pub type Selected<'v> = Cow<'v, Value>;

impl RefPath {
    /// The node this path names inside `root`, or `None` when a step is missing or
    /// lands on the wrong kind of node. Never allocates.
    #[inline]
    pub fn get<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        self.lookup(root).ok()
    }

    /// The node this path names, mutably, or `None` as for [`RefPath::get`].
    pub fn get_mut<'v>(&self, root: &'v mut Value) -> Option<&'v mut Value> {
        let mut node = root;
        for step in self.steps {
            node = match (step, node) {
                (Step::Field(name), Value::Object(members)) => members.get_mut(*name)?,
                (Step::Index(index), Value::Array(items)) => items.get_mut(*index)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Moves the node this path names out of `root`, leaving `null` in its place, so a
    /// large array (ItemsPath) can be taken without a copy. `None` as for
    /// [`RefPath::get`].
    pub fn take(&self, root: &mut Value) -> Option<Value> {
        self.get_mut(root).map(std::mem::take)
    }

    /// The node this path names, or the position in `steps` of the first step that
    /// could not be applied.
    pub(super) fn lookup<'v>(&self, root: &'v Value) -> Result<&'v Value, usize> {
        let mut node = root;
        for (position, step) in self.steps.iter().enumerate() {
            let next = match (step, node) {
                (Step::Field(name), Value::Object(members)) => members.get(*name),
                (Step::Index(index), Value::Array(items)) => items.get(*index),
                _ => None,
            };
            node = next.ok_or(position)?;
        }
        Ok(node)
    }
}

impl Path {
    /// What this path selects in `root`, as AWS returns it: a definite path (names and
    /// single indexes only, or ending in a union of names) yields its value, or `None`
    /// when it misses; any other path yields an array of its matches, `[]` when none.
    ///
    /// A definite path of names and indexes borrows the value and never allocates.
    pub fn select<'v>(&self, root: &'v Value) -> Option<Selected<'v>> {
        self.resolve(root).ok()
    }

    /// Moves the node a path of names and non-negative indexes names out of `root`
    /// (leaving `null`), for a document nothing reads afterwards. `None` when the path
    /// has other segments or misses: then [`Path::select`] decides.
    pub fn take(&self, root: &mut Value) -> Option<Value> {
        let mut node = root;
        for segment in self.segments {
            node = match (segment, node) {
                (Segment::Child(Selector::Name(name)), Value::Object(members)) => {
                    members.get_mut(*name)?
                }
                (Segment::Child(Selector::Index(index)), Value::Array(items)) => {
                    items.get_mut(usize::try_from(*index).ok()?)?
                }
                _ => return None,
            };
        }
        Some(std::mem::take(node))
    }

    /// True when this path yields a value rather than an array of matches.
    pub fn is_definite(&self) -> bool {
        is_definite(self.segments)
    }

    /// Like [`Path::select`], but a miss says why, for the error texts.
    pub(super) fn resolve<'v>(&self, root: &'v Value) -> Result<Selected<'v>, Miss<'v>> {
        evaluate(self.segments, root, root).or_else(|miss| {
            if is_definite(self.segments) {
                Err(miss)
            } else {
                // Jayway throws on a missing member before the first wildcard, slice or
                // filter too; AWS answers `[]` for such a path all the same.
                Ok(Cow::Owned(Value::Array(Vec::new())))
            }
        })
    }
}

/// Evaluates `segments` from `start`: the leading names and indexes strictly (a miss
/// there is returned, even if the path goes on), a final union of names as a merged
/// object, anything else as the array of its matches.
pub(super) fn evaluate<'v>(
    segments: &[Segment],
    start: &'v Value,
    root: &'v Value,
) -> Result<Selected<'v>, Miss<'v>> {
    let (node, walked) = walk_definite(segments, start)?;
    match &segments[walked..] {
        [] => Ok(Cow::Borrowed(node)),
        [Segment::Child(Selector::Names(names))] => match node {
            Value::Object(members) => Ok(Cow::Owned(merge(members, names))),
            found => Err(Miss::NotAnObject { at: walked, found }),
        },
        rest => Ok(Cow::Owned(Value::Array(collect(rest, node, root)))),
    }
}

/// Why a definite path found nothing, with what Jayway needs to describe it. `at` is
/// the position of the segment where evaluation stopped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Miss<'v> {
    /// The last member is missing, or an index is out of range.
    NoResults,
    /// A member before the last one is missing.
    MissingProperty {
        /// The missing member's segment.
        at: usize,
    },
    /// A name was applied to something other than an object.
    NotAnObject {
        /// The name's segment.
        at: usize,
        /// What was there instead.
        found: &'v Value,
    },
    /// An index was applied to `null`.
    NullArray {
        /// The index's segment.
        at: usize,
    },
    /// An index was applied to something other than an array or `null`.
    NotAnArray {
        /// The index's segment.
        at: usize,
        /// What was there instead.
        found: &'v Value,
    },
}

/// Whether `segments` make a definite path (Jayway's `isDefinite`).
pub(super) fn is_definite(segments: &[Segment]) -> bool {
    let last = segments.len().saturating_sub(1);
    segments
        .iter()
        .enumerate()
        .all(|(position, segment)| match segment {
            Segment::Child(Selector::Name(_) | Selector::Index(_)) => true,
            Segment::Child(Selector::Names(_)) => position == last,
            _ => false,
        })
}

/// Walks the leading names and single indexes of `segments` from `start`, stopping at
/// the first other segment. Returns the node reached and how many segments it walked,
/// or why it stopped, with Jayway's distinctions (a missing last member is "no
/// results", a missing member before it is a "missing property").
pub(super) fn walk_definite<'v>(
    segments: &[Segment],
    start: &'v Value,
) -> Result<(&'v Value, usize), Miss<'v>> {
    let mut node = start;
    for (at, segment) in segments.iter().enumerate() {
        let leaf = at + 1 == segments.len();
        node = match segment {
            Segment::Child(Selector::Name(name)) => match node {
                Value::Object(members) => match members.get(*name) {
                    Some(value) => value,
                    None if leaf => return Err(Miss::NoResults),
                    None => return Err(Miss::MissingProperty { at }),
                },
                found => return Err(Miss::NotAnObject { at, found }),
            },
            Segment::Child(Selector::Index(index)) => match node {
                // Jayway swallows an index out of range, so the path just has no result.
                Value::Array(items) => element(items, *index).ok_or(Miss::NoResults)?,
                Value::Null => return Err(Miss::NullArray { at }),
                found => return Err(Miss::NotAnArray { at, found }),
            },
            _ => return Ok((node, at)),
        };
    }
    Ok((node, segments.len()))
}

/// All matches of `segments` from `start`, in Jayway's order; misses are skipped.
pub(super) fn collect<'v>(segments: &[Segment], start: &'v Value, root: &'v Value) -> Vec<Value> {
    let mut walk = Walk {
        root,
        strict: false,
        out: Some(Vec::new()),
    };
    // Not strict, so the walk cannot fail.
    let _ = walk.run(segments, start);
    walk.out.unwrap_or_default()
}

/// Whether `segments` resolve from `start` with every member they name present, as
/// Jayway checks a filter's existence test (`[?(@.a[*].b)]`, option
/// `REQUIRE_PROPERTIES`). Matching nothing without a missing member still counts.
pub(super) fn all_present(segments: &[Segment], start: &Value, root: &Value) -> bool {
    let mut walk = Walk {
        root,
        strict: true,
        out: None,
    };
    walk.run(segments, start).is_ok()
}

/// An element by index, negative counting from the end.
pub(super) fn element(items: &[Value], index: i64) -> Option<&Value> {
    let len = i64::try_from(items.len()).ok()?;
    let effective = if index < 0 { len + index } else { index };
    usize::try_from(effective)
        .ok()
        .and_then(|effective| items.get(effective))
}

/// The indexes `[start:end]` visits on an array of `len` elements, as Jayway computes
/// them (its slice operation). Negative results are resolved by [`element`]; the
/// range starts no lower than `-len`, below which nothing resolves.
fn slice_indexes(len: usize, start: Option<i64>, end: Option<i64>) -> std::ops::Range<i64> {
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    if len == 0 {
        return 0..0;
    }
    match (start, end) {
        (Some(from), None) => {
            let from = if from < 0 { len + from } else { from };
            from.max(0)..len
        }
        // Jayway leaves a negative `from` as it is here, so `[-2:1]` on [a,b,c] visits
        // -2, -1, 0: b, c, a.
        (Some(from), Some(to)) => from.max(-len)..to.min(len),
        (None, Some(to)) => {
            let to = if to < 0 { len + to } else { to };
            0..to.min(len)
        }
        // Jayway cannot parse `[:]`; AWS rejects such a definition. Take everything.
        (None, None) => 0..len,
    }
}

/// The object of the members of `members` named in `names` that exist, in the order
/// of `names` (Jayway's merge of a union of names at the end of a path).
fn merge(members: &Map<String, Value>, names: &[&str]) -> Value {
    let mut merged = Map::with_capacity(names.len());
    for name in names {
        if let Some(value) = members.get(*name) {
            merged.insert((*name).to_owned(), value.clone());
        }
    }
    Value::Object(merged)
}

/// A member was missing in a strict walk.
struct Missing;

/// One evaluation of segments below a start node.
struct Walk<'v> {
    /// The document root, for `$` in filters.
    root: &'v Value,
    /// Whether a missing member aborts the walk (existence tests).
    strict: bool,
    /// Where matches go; `None` when only success matters.
    out: Option<Vec<Value>>,
}

impl<'v> Walk<'v> {
    fn emit(&mut self, value: Value) {
        if let Some(out) = &mut self.out {
            out.push(value);
        }
    }

    fn run(&mut self, segments: &[Segment], node: &'v Value) -> Result<(), Missing> {
        match segments.split_first() {
            None => {
                if self.out.is_some() {
                    self.emit(node.clone());
                }
                Ok(())
            }
            Some((Segment::Child(selector), rest)) => self.child(selector, rest, node),
            Some((Segment::Descendant(selector), rest)) => self.descend(selector, rest, node),
        }
    }

    /// Applies `selector` to `node`, then `rest` to what it selects.
    fn child(
        &mut self,
        selector: &Selector,
        rest: &[Segment],
        node: &'v Value,
    ) -> Result<(), Missing> {
        match (selector, node) {
            (Selector::Name(name), Value::Object(members)) => match members.get(*name) {
                Some(value) => self.run(rest, value),
                None if self.strict => Err(Missing),
                None => Ok(()),
            },
            (Selector::Names(names), Value::Object(members)) => {
                if self.strict && !names.iter().all(|name| members.contains_key(*name)) {
                    return Err(Missing);
                }
                if rest.is_empty() {
                    self.emit(merge(members, names));
                    return Ok(());
                }
                for name in *names {
                    if let Some(value) = members.get(*name) {
                        self.run(rest, value)?;
                    }
                }
                Ok(())
            }
            (Selector::Index(index), Value::Array(items)) => match element(items, *index) {
                Some(value) => self.run(rest, value),
                None => Ok(()),
            },
            (Selector::Indexes(indexes), Value::Array(items)) => {
                for index in *indexes {
                    if let Some(value) = element(items, *index) {
                        self.run(rest, value)?;
                    }
                }
                Ok(())
            }
            (Selector::Slice { start, end, .. }, Value::Array(items)) => {
                for index in slice_indexes(items.len(), *start, *end) {
                    if let Some(value) = element(items, index) {
                        self.run(rest, value)?;
                    }
                }
                Ok(())
            }
            (Selector::Wildcard, Value::Object(members)) => {
                for value in members.values() {
                    self.run(rest, value)?;
                }
                Ok(())
            }
            (Selector::Wildcard, Value::Array(items)) => {
                for value in items {
                    self.run(rest, value)?;
                }
                Ok(())
            }
            // A filter on an object tests the object itself (Jayway).
            (Selector::Filter(test), Value::Object(_)) => {
                if filter::accept(test, node, self.root) {
                    self.run(rest, node)?;
                }
                Ok(())
            }
            (Selector::Filter(test), Value::Array(items)) => {
                for item in items {
                    if filter::accept(test, item, self.root) {
                        self.run(rest, item)?;
                    }
                }
                Ok(())
            }
            // The wrong kind of node for the selector: no match, never an error.
            _ => Ok(()),
        }
    }

    /// `..selector` then `rest`: Jayway's deep scan. Each object or array is offered to
    /// the selector before its members are scanned, in document order.
    fn descend(
        &mut self,
        selector: &Selector,
        rest: &[Segment],
        node: &'v Value,
    ) -> Result<(), Missing> {
        match node {
            Value::Object(members) => {
                if self.scan_matches(selector, rest.is_empty(), node) {
                    self.child(selector, rest, node)?;
                }
                for value in members.values() {
                    self.descend(selector, rest, value)?;
                }
            }
            Value::Array(items) => {
                if self.scan_matches(selector, rest.is_empty(), node) {
                    if rest.is_empty() {
                        self.child(selector, rest, node)?;
                    } else {
                        // Jayway applies what follows to every element of a matching
                        // array, whatever the index, slice or filter: `$..[1].a` yields
                        // the `a` of every element of every array. Kept, as AWS runs it.
                        for item in items {
                            self.run(rest, item)?;
                        }
                    }
                }
                for item in items {
                    self.descend(selector, rest, item)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Whether a deep scan applies `selector` at `node` (Jayway's scan predicates).
    fn scan_matches(&self, selector: &Selector, leaf: bool, node: &Value) -> bool {
        match selector {
            Selector::Name(name) => node
                .as_object()
                .is_some_and(|members| members.contains_key(*name)),
            Selector::Names(names) => node.as_object().is_some_and(|members| {
                !leaf || names.iter().all(|name| members.contains_key(*name))
            }),
            Selector::Index(_) | Selector::Indexes(_) | Selector::Slice { .. } => node.is_array(),
            Selector::Wildcard => true,
            Selector::Filter(test) => filter::accept(test, node, self.root),
        }
    }
}
