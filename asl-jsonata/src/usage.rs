//! Which parts of each variable an expression can read.
//!
//! Converting a bound value into the engine's form is most of the cost of a typical
//! evaluation, and an expression usually reads a few members of `$states`, not all of it. So
//! the text is scanned once, at parse time, for the member chains that follow each variable
//! (`$states.input.order.total` reads `input.order.total` of `$states`), and an evaluation
//! converts only those members. Whenever the text does anything else with a variable (uses it
//! whole, indexes it, filters it, passes it to a function, puts a space before a `.`), the part
//! reached so far is converted whole, so the analysis only ever errs towards converting more.

use std::collections::HashMap;

use indexmap::IndexMap;
use jsonata_core::value::{JArray, JValue, with_stack};
use serde_json::Value;

use crate::convert;

/// The parts of one variable an expression can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Usage {
    /// All of it.
    Whole,
    /// Only these members (of the value, or of each object in it if it is an array), each
    /// with its own usage.
    Members(HashMap<String, Usage>),
}

impl Usage {
    /// This usage widened to cover `other` too.
    fn merge(self, other: Usage) -> Usage {
        match (self, other) {
            (Usage::Members(mut members), Usage::Members(others)) => {
                for (name, usage) in others {
                    let merged = match members.remove(&name) {
                        Some(existing) => existing.merge(usage),
                        None => usage,
                    };
                    members.insert(name, merged);
                }
                Usage::Members(members)
            }
            _ => Usage::Whole,
        }
    }

    /// The engine's form of the parts of `value` this usage can read.
    pub(crate) fn convert(&self, value: &Value) -> JValue {
        let Usage::Members(members) = self else {
            return convert::to_engine(value);
        };
        match value {
            Value::Object(object) => with_stack(|| {
                let kept: IndexMap<String, JValue> = members
                    .iter()
                    .filter_map(|(name, usage)| {
                        let member = object.get(name)?;
                        Some((name.clone(), usage.convert(member)))
                    })
                    .collect();
                JValue::object(kept)
            }),
            // A path step applies to each item of an array, and flattens nested arrays.
            Value::Array(items) => with_stack(|| {
                JValue::Array(JArray::new(
                    items.iter().map(|item| self.convert(item)).collect(),
                ))
            }),
            scalar => convert::to_engine(scalar),
        }
    }
}

/// The usage of every variable an expression names.
#[derive(Debug, Clone)]
pub(crate) struct Usages {
    /// By variable name (without the `$`).
    variables: HashMap<String, Usage>,
    /// Set when the text defeats the analysis: the parent operator `%` reaches back up a
    /// path, and a name followed by a non-ASCII character may be longer than it looks.
    everything: bool,
}

impl Usages {
    /// The usages in `text`.
    pub(crate) fn scan(text: &str) -> Usages {
        let mut usages = Usages {
            variables: HashMap::new(),
            everything: text.contains('%'),
        };
        for (dollar, _) in text.match_indices('$') {
            let start = dollar + 1;
            let name_end = start + name_length(&text[start..]);
            if text[name_end..]
                .chars()
                .next()
                .is_some_and(|c| !c.is_ascii())
            {
                usages.everything = true;
            }
            let usage = chain(text, name_end);
            let name = &text[start..name_end];
            let merged = match usages.variables.remove(name) {
                Some(existing) => existing.merge(usage),
                None => usage,
            };
            usages.variables.insert(name.to_owned(), merged);
        }
        usages
    }

    /// The usage of the variable `name`, which the text mentions.
    pub(crate) fn of(&self, name: &str) -> &Usage {
        const WHOLE: &Usage = &Usage::Whole;
        if self.everything {
            return WHOLE;
        }
        // A name the scan did not see as a whole name (one with characters beyond ASCII
        // letters, digits and `_`) gets the safe answer.
        self.variables.get(name).unwrap_or(WHOLE)
    }

    /// Makes every variable count as read whole, to compare against the analysis in tests.
    #[cfg(test)]
    pub(crate) fn read_everything(&mut self) {
        self.everything = true;
    }
}

/// The usage of a variable whose name ends at `at`: the member chain `.a.b.c` that follows
/// it, down to the first step that is not a plain member name.
fn chain(text: &str, at: usize) -> Usage {
    let Some(rest) = text[at..].strip_prefix('.') else {
        return Usage::Whole;
    };
    let length = name_length(rest);
    let member = &rest[..length];
    let after = &rest[length..];
    let plain = member.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && !matches!(
            member,
            "and" | "or" | "in" | "true" | "false" | "null" | "undefined" | "function"
        )
        && after
            .chars()
            .next()
            .is_none_or(|c| c.is_ascii() && !matches!(c, '$' | '`'));
    if !plain {
        return Usage::Whole;
    }
    let inner = chain(text, at + 1 + length);
    Usage::Members(HashMap::from([(member.to_owned(), inner)]))
}

/// The length of the ASCII name (letters, digits, `_`) at the start of `text`.
fn name_length(text: &str) -> usize {
    text.bytes()
        .take_while(|byte| byte.is_ascii_alphanumeric() || *byte == b'_')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{name: usage}` written compactly: `members(&[("a", Usage::Whole)])`.
    fn members(entries: &[(&str, Usage)]) -> Usage {
        Usage::Members(
            entries
                .iter()
                .map(|(name, usage)| ((*name).to_owned(), usage.clone()))
                .collect(),
        )
    }

    #[test]
    fn member_chains_are_followed() {
        let usages = Usages::scan("$states.input.a + $states.input.order.total * $rate");
        assert_eq!(
            usages.of("states"),
            &members(&[(
                "input",
                members(&[
                    ("a", Usage::Whole),
                    ("order", members(&[("total", Usage::Whole)]))
                ])
            )])
        );
        assert_eq!(usages.of("rate"), &Usage::Whole);
    }

    #[test]
    fn anything_but_a_plain_member_reads_the_rest_whole() {
        for (text, expected) in [
            ("$states", Usage::Whole),
            ("$keys($states)", Usage::Whole),
            ("$states.input[0]", members(&[("input", Usage::Whole)])),
            ("$states.input.*", members(&[("input", Usage::Whole)])),
            ("$states.input .a", members(&[("input", Usage::Whole)])),
            ("$states.input.`a b`", members(&[("input", Usage::Whole)])),
            ("$states.input.(a)", members(&[("input", Usage::Whole)])),
            ("$states.input.and", members(&[("input", Usage::Whole)])),
            ("$states.input.a$x", members(&[("input", Usage::Whole)])),
            ("$states.input; $states", Usage::Whole),
        ] {
            assert_eq!(Usages::scan(text).of("states"), &expected, "{text}");
        }
    }

    #[test]
    fn the_parent_operator_and_non_ascii_names_defeat_the_analysis() {
        assert_eq!(
            Usages::scan("$states.input.a.%.b").of("states"),
            &Usage::Whole
        );
        assert_eq!(
            Usages::scan("$states.input.a & $stateé").of("states"),
            &Usage::Whole
        );
        assert_eq!(Usages::scan("$x").of("café"), &Usage::Whole);
    }

    #[test]
    fn only_read_members_are_converted() {
        let value = serde_json::json!({"input": {"a": 1, "b": [{"c": 2, "d": 3}, [{"c": 4}]]}, "context": {}});
        let usage = Usages::scan("$states.input.b.c").of("states").clone();
        let converted = convert::from_engine(&usage.convert(&value)).unwrap();
        assert_eq!(
            converted,
            Some(serde_json::json!({"input": {"b": [{"c": 2}, [{"c": 4}]]}}))
        );
    }
}
