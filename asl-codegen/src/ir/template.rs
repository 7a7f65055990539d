//! Payload templates: JSON values with dynamic parts, built at run time.

use super::intrinsic::IntrinsicCall;
use super::jsonata::Jsonata;
use super::path::Path;

/// A value to build: constant where the definition is constant, dynamic elsewhere.
///
/// JSONPath mode: keys ending in `.$` have a [`Template::Path`] or
/// [`Template::Intrinsic`] value (the `.$` is dropped from the output key).
/// JSONata mode: any string `{% ... %}`, at any depth, is a [`Template::Jsonata`].
#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    /// A constant value; no part of it is evaluated.
    Literal(serde_json::Value),
    /// An object with at least one dynamic member; keys are output keys.
    Object(Vec<(String, Template)>),
    /// An array with at least one dynamic element.
    Array(Vec<Template>),
    /// A path's value (JSONPath mode).
    Path(Path),
    /// An intrinsic call's value (JSONPath mode).
    Intrinsic(IntrinsicCall),
    /// A JSONata expression's value (JSONata mode).
    Jsonata(Jsonata),
}

impl Template {
    /// True when nothing in the template is evaluated.
    pub fn is_literal(&self) -> bool {
        matches!(self, Template::Literal(_))
    }
}

/// An `Assign` block: workflow variables set from templates, all evaluated against
/// the values at state entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Assign {
    /// Each variable (name without `.$`) and the template giving its value, in order.
    pub variables: Vec<(String, Template)>,
}
