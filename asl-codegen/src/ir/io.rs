//! Input and output processing of a state, in either query language.

use super::path::{Path, ReferencePath};
use super::template::Template;

/// How a state turns its input into the effective input of its work, and the work's
/// result into its output.
#[derive(Debug, Clone, PartialEq)]
pub enum DataFlow {
    /// JSONPath mode, applied in AWS's order: InputPath, Parameters, (work),
    /// ResultSelector, ResultPath, OutputPath. Fields a state type lacks keep their
    /// defaults.
    JsonPath(Box<JsonPathFlow>),
    /// JSONata mode: Arguments feed the work, Output shapes the state's output.
    Jsonata(JsonataFlow),
}

/// JSONPath-mode fields.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPathFlow {
    /// `InputPath` (default `$`).
    pub input_path: Selection,
    /// `Parameters` (Map: the legacy spelling of ItemSelector is kept on the Map).
    pub parameters: Option<Template>,
    /// `ResultSelector`.
    pub result_selector: Option<Template>,
    /// `ResultPath` (default `$`).
    pub result_path: ResultPath,
    /// `OutputPath` (default `$`).
    pub output_path: Selection,
}

impl Default for JsonPathFlow {
    fn default() -> Self {
        JsonPathFlow {
            input_path: Selection::whole(),
            parameters: None,
            result_selector: None,
            result_path: ResultPath::Replace(ReferencePath::input()),
            output_path: Selection::whole(),
        }
    }
}

/// `InputPath` or `OutputPath`.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// A path into the value (`$` selects all of it).
    Path(Path),
    /// `null`: the empty object `{}`.
    Empty,
}

impl Selection {
    /// `$`: the whole value, the default.
    pub fn whole() -> Selection {
        Selection::Path(Path {
            text: "$".into(),
            root: super::path::Root::Input,
            segments: Vec::new(),
        })
    }
}

/// `ResultPath`.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultPath {
    /// Put the result at this place in the state's input (`$` replaces the input).
    Replace(ReferencePath),
    /// `null`: discard the result; the output is the input.
    Discard,
}

/// JSONata-mode fields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JsonataFlow {
    /// `Arguments`: the task's or branches' input (default: the state input).
    pub arguments: Option<Template>,
    /// `Output`: the state's output (default: the result, or the input for states
    /// without one).
    pub output: Option<Template>,
}
