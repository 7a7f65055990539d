//! Jayway's normalized form of a path, as it appears in AWS's error texts:
//! `$.a.b[0]` is `$['a']['b'][0]`.
//!
//! Each segment renders as Jayway's `getPathFragment`: `['name']`, `['a', 'b']`, `[0]`,
//! `[0,1]`, `[1:3]` (a slice's step is not shown: Jayway ignores it), `[*]`, `[?]` for
//! a filter, and `..` before a deep-scanned selector (`$..['a']`). Names are not
//! escaped, as in Jayway.

use std::fmt::Write;

use super::{Path, RefPath, Segment, Selector, Step};

impl Path {
    /// The path in Jayway's normalized form, from `$` (`$['a'][0]`), whatever its root.
    pub fn normalized(&self) -> String {
        normalized(self.segments)
    }
}

impl RefPath {
    /// The path in Jayway's normalized form, from `$` (`$['a'][0]`), whatever its root.
    pub fn normalized(&self) -> String {
        let mut out = String::from("$");
        for step in self.steps {
            match step {
                Step::Field(name) => push_name(&mut out, name),
                Step::Index(index) => {
                    let _ = write!(out, "[{index}]");
                }
            }
        }
        out
    }
}

/// `$` followed by the fragments of `segments`.
pub(super) fn normalized(segments: &[Segment]) -> String {
    let mut out = String::from("$");
    out.push_str(&fragments(segments));
    out
}

/// The fragments of `segments`, without the root.
pub(super) fn fragments(segments: &[Segment]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Child(selector) => push_selector(&mut out, selector),
            Segment::Descendant(selector) => {
                out.push_str("..");
                push_selector(&mut out, selector);
            }
        }
    }
    out
}

fn push_name(out: &mut String, name: &str) {
    out.push_str("['");
    out.push_str(name);
    out.push_str("']");
}

fn push_selector(out: &mut String, selector: &Selector) {
    match selector {
        Selector::Name(name) => push_name(out, name),
        Selector::Names(names) => {
            out.push('[');
            for (position, name) in names.iter().enumerate() {
                if position > 0 {
                    out.push_str(", ");
                }
                out.push('\'');
                out.push_str(name);
                out.push('\'');
            }
            out.push(']');
        }
        Selector::Index(index) => {
            let _ = write!(out, "[{index}]");
        }
        Selector::Indexes(indexes) => {
            out.push('[');
            for (position, index) in indexes.iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{index}");
            }
            out.push(']');
        }
        Selector::Slice { start, end, .. } => {
            out.push('[');
            if let Some(start) = start {
                let _ = write!(out, "{start}");
            }
            out.push(':');
            if let Some(end) = end {
                let _ = write!(out, "{end}");
            }
            out.push(']');
        }
        Selector::Wildcard => out.push_str("[*]"),
        Selector::Filter(_) => out.push_str("[?]"),
    }
}
