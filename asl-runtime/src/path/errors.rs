//! Paths as Jayway prints them in AWS's error messages: `$['a']['b'][0]`.

use std::fmt::Write as _;

use super::{Path, Segment, Selector};

/// `path` in Jayway's normalized form, as AWS quotes it after "No results for path:".
pub fn normalized(path: &Path) -> String {
    let root = if path.text.starts_with("$$") {
        "$$"
    } else {
        "$"
    };
    let mut out = root.to_owned();
    for segment in path.segments {
        let selector = match segment {
            Segment::Child(selector) => selector,
            Segment::Descendant(selector) => {
                out.push_str("..");
                selector
            }
        };
        match selector {
            Selector::Name(name) => {
                let _ = write!(out, "['{name}']");
            }
            Selector::Index(index) => {
                let _ = write!(out, "[{index}]");
            }
            Selector::Wildcard => out.push_str("[*]"),
            Selector::Slice { start, end, step } => {
                let bound = |b: &Option<i64>| b.map(|n| n.to_string()).unwrap_or_default();
                let _ = write!(out, "[{}:{}", bound(start), bound(end));
                if let Some(step) = step {
                    let _ = write!(out, ":{step}");
                }
                out.push(']');
            }
            Selector::Names(names) => {
                let names: Vec<String> = names.iter().map(|name| format!("'{name}'")).collect();
                let _ = write!(out, "[{}]", names.join(","));
            }
            Selector::Indexes(indexes) => {
                let indexes: Vec<String> = indexes.iter().map(i64::to_string).collect();
                let _ = write!(out, "[{}]", indexes.join(","));
            }
            Selector::Filter(_) => out.push_str("[?]"),
        }
    }
    out
}
