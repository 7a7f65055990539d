//! Typed readers for field values: strings, booleans, bounded numbers, enumerations,
//! and the `X` / `XPath` / `{% %}` trio of dynamic fields.

use std::ops::RangeInclusive;

use super::fields::{Fields, did_you_mean};
use super::{Lowerer, Reported, Result};
use crate::ir::QueryLanguage;
use crate::ir::param::Param;
use crate::spec::{Node, NodeKind};

impl Lowerer<'_> {
    /// A string value.
    pub(super) fn string<'n>(&mut self, node: &'n Node, field: &str) -> Result<&'n str> {
        match node.as_str() {
            Some(text) => Ok(text),
            None => Err(self.error(
                node,
                format!("`{field}` must be a string, found {}", node.type_name()),
            )),
        }
    }

    /// A non-empty string value.
    pub(super) fn non_empty_string<'n>(&mut self, node: &'n Node, field: &str) -> Result<&'n str> {
        let text = self.string(node, field)?;
        if text.is_empty() {
            return Err(self.error(node, format!("`{field}` must not be empty")));
        }
        Ok(text)
    }

    /// An optional string field.
    pub(super) fn optional_string(
        &mut self,
        fields: &Fields<'_>,
        field: &str,
    ) -> Result<Option<String>> {
        fields
            .get(field)
            .map(|node| self.string(node, field).map(str::to_owned))
            .transpose()
    }

    /// A boolean value.
    pub(super) fn boolean(&mut self, node: &Node, field: &str) -> Result<bool> {
        match node.kind {
            NodeKind::Bool(value) => Ok(value),
            _ => Err(self.error(
                node,
                format!(
                    "`{field}` must be true or false, found {}",
                    node.type_name()
                ),
            )),
        }
    }

    /// An integer within `range`.
    pub(super) fn integer(
        &mut self,
        node: &Node,
        field: &str,
        range: RangeInclusive<u64>,
    ) -> Result<u64> {
        let NodeKind::Number(number) = &node.kind else {
            return Err(self.error(
                node,
                format!("`{field}` must be an integer, found {}", node.type_name()),
            ));
        };
        let float = number.as_f64().unwrap_or(f64::NAN);
        if float.fract() != 0.0 {
            return Err(self.error(
                node,
                format!("`{field}` must be an integer, found {number}"),
            ));
        }
        let value = number
            .as_u64()
            .or_else(|| (float >= 0.0 && float <= u64::MAX as f64).then_some(float as u64));
        match value {
            Some(value) if range.contains(&value) => Ok(value),
            _ => Err(self.error(
                node,
                format!(
                    "`{field}` must be {}, found {number}",
                    describe_range(&range)
                ),
            )),
        }
    }

    /// A number within `range`.
    pub(super) fn number(
        &mut self,
        node: &Node,
        field: &str,
        range: RangeInclusive<f64>,
    ) -> Result<f64> {
        let NodeKind::Number(number) = &node.kind else {
            return Err(self.error(
                node,
                format!("`{field}` must be a number, found {}", node.type_name()),
            ));
        };
        let value = number.as_f64().unwrap_or(f64::NAN);
        if range.contains(&value) {
            Ok(value)
        } else {
            let bounds = match (*range.start(), *range.end()) {
                (low, high) if high == f64::MAX => format!("at least {low}"),
                (low, high) => format!("between {low} and {high}"),
            };
            Err(self.error(node, format!("`{field}` must be {bounds}, found {number}")))
        }
    }

    /// One of a fixed set of strings.
    pub(super) fn enumeration<T: Copy>(
        &mut self,
        node: &Node,
        field: &str,
        values: &[(&str, T)],
    ) -> Result<T> {
        let text = self.string(node, field)?;
        if let Some((_, value)) = values.iter().find(|(name, _)| *name == text) {
            return Ok(*value);
        }
        let names: Vec<&str> = values.iter().map(|(name, _)| *name).collect();
        let help = match did_you_mean(text, names.iter().copied()) {
            Some(suggestion) => format!("did you mean `{suggestion}`?"),
            None => format!("use one of: {}", names.join(", ")),
        };
        Err(self.error_help(
            node,
            format!(
                "`{field}` must be one of {}, found `{text}`",
                names.join(", ")
            ),
            help,
        ))
    }

    /// A dynamic integer field: `field` (a constant, or `{% %}` in JSONata) or
    /// `field` + `Path` (a reference path, JSONPath), but not both.
    pub(super) fn integer_param(
        &mut self,
        fields: &Fields<'_>,
        field: &str,
        range: RangeInclusive<u64>,
        language: QueryLanguage,
    ) -> Result<Option<Param<u64>>> {
        self.param(fields, field, language, |lowerer, node| {
            lowerer.integer(node, field, range)
        })
    }

    /// A dynamic number field, as [`Lowerer::integer_param`].
    pub(super) fn number_param(
        &mut self,
        fields: &Fields<'_>,
        field: &str,
        range: RangeInclusive<f64>,
        language: QueryLanguage,
    ) -> Result<Option<Param<f64>>> {
        self.param(fields, field, language, |lowerer, node| {
            lowerer.number(node, field, range)
        })
    }

    /// A dynamic field: `field` read by `fixed` (or `{% %}` in JSONata), or the
    /// reference path in `field` + `Path`.
    pub(super) fn param<T>(
        &mut self,
        fields: &Fields<'_>,
        field: &str,
        language: QueryLanguage,
        fixed: impl FnOnce(&mut Self, &Node) -> Result<T>,
    ) -> Result<Option<Param<T>>> {
        let path_field = format!("{field}Path");
        let value = fields.get(field);
        let path = fields.get(&path_field);
        if let (Some(_), Some(path)) = (value, path) {
            return Err(self.error_help(
                path,
                format!("`{field}` and `{path_field}` cannot both be set"),
                format!(
                    "keep `{field}` for a constant or `{path_field}` to read it from the input"
                ),
            ));
        }
        if let Some(node) = value {
            if language == QueryLanguage::Jsonata
                && let Some(expression) = self.jsonata(node)?
            {
                return Ok(Some(Param::Jsonata(expression)));
            }
            return fixed(self, node).map(|value| Some(Param::Fixed(value)));
        }
        match path {
            Some(node) => self
                .reference_path(node, &path_field)
                .map(|path| Some(Param::Path(path))),
            None => Ok(None),
        }
    }

    /// Reads `fields` that must not appear together; reports each extra one.
    pub(super) fn at_most_one(
        &mut self,
        fields: &Fields<'_>,
        names: &[&'static str],
    ) -> Result<Option<&'static str>> {
        let present: Vec<&str> = names
            .iter()
            .copied()
            .filter(|name| fields.get(name).is_some())
            .collect();
        let mut errors = Vec::new();
        for extra in present.iter().skip(1) {
            let node = fields.get(extra).expect("present");
            errors.push(self.error_help(
                node,
                format!("`{extra}` cannot be used together with `{}`", present[0]),
                format!("use only one of {}", names.join(", ")),
            ));
        }
        match errors.first() {
            Some(_) => Err(Reported),
            None => Ok(present.first().copied()),
        }
    }

    /// An array value; `items` names what it holds, e.g. "rules".
    pub(super) fn array<'n>(
        &mut self,
        node: &'n Node,
        field: &str,
        items: &str,
    ) -> Result<&'n [Node]> {
        match node.as_array() {
            Some(array) => Ok(array),
            None => Err(self.error(
                node,
                format!(
                    "`{field}` must be an array of {items}, found {}",
                    node.type_name()
                ),
            )),
        }
    }

    /// A non-empty array value; `item` names one element, e.g. "rule".
    pub(super) fn non_empty_array<'n>(
        &mut self,
        node: &'n Node,
        field: &str,
        items: &str,
        item: &str,
    ) -> Result<&'n [Node]> {
        let array = self.array(node, field, items)?;
        if array.is_empty() {
            return Err(self.error_help(
                node,
                format!("`{field}` must contain at least one {item}"),
                format!(
                    "add {} {item} to `{field}`",
                    if item.starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    }
                ),
            ));
        }
        Ok(array)
    }

    /// Lowers every item, so that all their diagnostics are reported, and fails if
    /// any item failed.
    pub(super) fn each<I: IntoIterator, T>(
        &mut self,
        items: I,
        mut lower: impl FnMut(&mut Self, I::Item) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut lowered = Vec::new();
        let mut failed = false;
        for item in items {
            match lower(self, item) {
                Ok(value) => lowered.push(value),
                Err(Reported) => failed = true,
            }
        }
        if failed { Err(Reported) } else { Ok(lowered) }
    }

    /// Reads `fields.Comment` if present (checked to be a string).
    pub(super) fn comment(&mut self, fields: &Fields<'_>) -> Result<Option<String>> {
        self.optional_string(fields, "Comment")
    }
}

fn describe_range(range: &RangeInclusive<u64>) -> String {
    match (*range.start(), *range.end()) {
        (0, u64::MAX) => "a non-negative integer".to_owned(),
        (low, u64::MAX) => format!("an integer of at least {low}"),
        (low, high) => format!("an integer from {low} to {high}"),
    }
}
