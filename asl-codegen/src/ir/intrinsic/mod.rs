//! Intrinsic function calls (`States.Format(...)` and the 17 others), parsed into
//! call trees at build time. JSONPath mode only.
//!
//! Grammar: the text is exactly one call `States.<Name>(<args>)`, with no whitespace
//! around it; arguments are separated by commas, with optional whitespace around
//! them. An argument is a `'string'`, a JSON number, `true`, `false`, `null`, a path
//! (`$...`, `$$...`, `$var...`, which runs up to the first `,` or `)` outside
//! brackets and parentheses, quoted names in brackets included, so `$.a[1,2]` and
//! `$.a[?(@.b == 'x,y')]` are one argument) or a nested call. Calls nest at most [`MAX_NESTING`] deep.
//!
//! Only the syntax, the function names, their argument counts and the argument of
//! `States.JsonToString` (a path) are checked here: AWS accepts wrong argument types
//! in a definition and fails at run time.
//!
//! Strings: `\'`, `\{`, `\}` and `\\` give `'`, `{`, `}` and `\` (the characters AWS
//! reserves), `\n`, `\t`, `\r`, `\b`, `\f` and `\uXXXX` the usual characters, and any
//! other `\c` gives `c`. The template of `States.Format` is the exception, see
//! [`IntrinsicArg::Literal`].

mod parse;
#[cfg(test)]
mod tests;

use std::fmt;

use super::path::{Path, PathWarning};

/// How many calls may be nested inside each other in one field, the outermost
/// included (AWS: "You can nest up to 10 intrinsic functions within a field").
pub const MAX_NESTING: usize = 10;

/// One of the 18 intrinsic functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntrinsicFunction {
    /// `States.Format(template, values...)`
    Format,
    /// `States.StringToJson(string)`
    StringToJson,
    /// `States.JsonToString(path)`
    JsonToString,
    /// `States.Array(values...)`
    Array,
    /// `States.ArrayPartition(array, size)`
    ArrayPartition,
    /// `States.ArrayContains(array, value)`
    ArrayContains,
    /// `States.ArrayRange(start, end, step)`
    ArrayRange,
    /// `States.ArrayGetItem(array, index)`
    ArrayGetItem,
    /// `States.ArrayLength(array)`
    ArrayLength,
    /// `States.ArrayUnique(array)`
    ArrayUnique,
    /// `States.Base64Encode(string)`
    Base64Encode,
    /// `States.Base64Decode(string)`
    Base64Decode,
    /// `States.Hash(data, algorithm)`
    Hash,
    /// `States.JsonMerge(left, right, false)`
    JsonMerge,
    /// `States.MathRandom(start, end[, seed])`
    MathRandom,
    /// `States.MathAdd(a, b)`
    MathAdd,
    /// `States.StringSplit(string, delimiters)`
    StringSplit,
    /// `States.UUID()`
    Uuid,
}

/// How many arguments a function takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Arity {
    /// The fewest arguments.
    pub min: usize,
    /// The most arguments, or `None` when there is no limit.
    pub max: Option<usize>,
}

impl Arity {
    /// True when a call with `count` arguments has the right number of them.
    pub fn accepts(self, count: usize) -> bool {
        count >= self.min && self.max.is_none_or(|max| count <= max)
    }
}

impl fmt::Display for Arity {
    /// Writes e.g. `exactly 2 arguments`, `at least 1 argument`, `2 or 3 arguments`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        match (self.min, self.max) {
            (0, Some(0)) => f.write_str("no arguments"),
            (min, Some(max)) if min == max => write!(f, "exactly {min} argument{}", plural(min)),
            (min, Some(max)) if min + 1 == max => write!(f, "{min} or {max} arguments"),
            (min, Some(max)) => write!(f, "{min} to {max} arguments"),
            (min, None) => write!(f, "at least {min} argument{}", plural(min)),
        }
    }
}

impl IntrinsicFunction {
    /// The 18 functions, in the order of the AWS documentation.
    pub const ALL: [IntrinsicFunction; 18] = [
        IntrinsicFunction::Format,
        IntrinsicFunction::StringToJson,
        IntrinsicFunction::JsonToString,
        IntrinsicFunction::Array,
        IntrinsicFunction::ArrayPartition,
        IntrinsicFunction::ArrayContains,
        IntrinsicFunction::ArrayRange,
        IntrinsicFunction::ArrayGetItem,
        IntrinsicFunction::ArrayLength,
        IntrinsicFunction::ArrayUnique,
        IntrinsicFunction::Base64Encode,
        IntrinsicFunction::Base64Decode,
        IntrinsicFunction::Hash,
        IntrinsicFunction::JsonMerge,
        IntrinsicFunction::MathRandom,
        IntrinsicFunction::MathAdd,
        IntrinsicFunction::StringSplit,
        IntrinsicFunction::Uuid,
    ];

    /// The name as written in a definition, e.g. `States.Format`.
    pub fn name(self) -> &'static str {
        match self {
            IntrinsicFunction::Format => "States.Format",
            IntrinsicFunction::StringToJson => "States.StringToJson",
            IntrinsicFunction::JsonToString => "States.JsonToString",
            IntrinsicFunction::Array => "States.Array",
            IntrinsicFunction::ArrayPartition => "States.ArrayPartition",
            IntrinsicFunction::ArrayContains => "States.ArrayContains",
            IntrinsicFunction::ArrayRange => "States.ArrayRange",
            IntrinsicFunction::ArrayGetItem => "States.ArrayGetItem",
            IntrinsicFunction::ArrayLength => "States.ArrayLength",
            IntrinsicFunction::ArrayUnique => "States.ArrayUnique",
            IntrinsicFunction::Base64Encode => "States.Base64Encode",
            IntrinsicFunction::Base64Decode => "States.Base64Decode",
            IntrinsicFunction::Hash => "States.Hash",
            IntrinsicFunction::JsonMerge => "States.JsonMerge",
            IntrinsicFunction::MathRandom => "States.MathRandom",
            IntrinsicFunction::MathAdd => "States.MathAdd",
            IntrinsicFunction::StringSplit => "States.StringSplit",
            IntrinsicFunction::Uuid => "States.UUID",
        }
    }

    /// The function named `name` (e.g. `States.Format`; names are case-sensitive).
    pub fn from_name(name: &str) -> Option<IntrinsicFunction> {
        IntrinsicFunction::ALL
            .into_iter()
            .find(|function| function.name() == name)
    }

    /// How many arguments the function takes.
    pub fn arity(self) -> Arity {
        let (min, max) = match self {
            IntrinsicFunction::Format => (1, None),
            IntrinsicFunction::Array => (0, None),
            IntrinsicFunction::Uuid => (0, Some(0)),
            IntrinsicFunction::StringToJson
            | IntrinsicFunction::JsonToString
            | IntrinsicFunction::ArrayLength
            | IntrinsicFunction::ArrayUnique
            | IntrinsicFunction::Base64Encode
            | IntrinsicFunction::Base64Decode => (1, Some(1)),
            IntrinsicFunction::ArrayPartition
            | IntrinsicFunction::ArrayContains
            | IntrinsicFunction::ArrayGetItem
            | IntrinsicFunction::Hash
            | IntrinsicFunction::MathAdd
            | IntrinsicFunction::StringSplit => (2, Some(2)),
            IntrinsicFunction::MathRandom => (2, Some(3)),
            IntrinsicFunction::ArrayRange | IntrinsicFunction::JsonMerge => (3, Some(3)),
        };
        Arity { min, max }
    }
}

impl fmt::Display for IntrinsicFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A parsed intrinsic call.
#[derive(Debug, Clone, PartialEq)]
pub struct IntrinsicCall {
    /// The function called.
    pub function: IntrinsicFunction,
    /// Its arguments, in order.
    pub args: Vec<IntrinsicArg>,
}

/// One argument of an [`IntrinsicCall`].
#[derive(Debug, Clone, PartialEq)]
pub enum IntrinsicArg {
    /// A literal: `'string'` (escapes resolved), a number, `true`, `false` or `null`.
    ///
    /// The first argument of `States.Format`, when a string, keeps `\{`, `\}` and `\\`
    /// as written (other escapes are resolved), because AWS tells an escaped brace
    /// from a `{}` placeholder: `'\{\} {}'` formats as `{} ` followed by the value,
    /// and `'\\{}'` as a backslash followed by the value. So in a Format template a
    /// backslash is always followed by `{`, `}` or `\` and stands for that character,
    /// `{}` is a placeholder, and a `{` without its `}` is an error at run time (AWS:
    /// "Invalid template in States.Format: matching '}' not found for '{'").
    Literal(serde_json::Value),
    /// A path: `$...`, `$$...` or `$var...`.
    Path(Path),
    /// A nested call.
    Call(IntrinsicCall),
}

/// Why an intrinsic call does not parse, with the byte range of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntrinsicError {
    /// First byte of the problem within the call text.
    pub offset: usize,
    /// Length in bytes of the problem.
    pub len: usize,
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
}

impl fmt::Display for IntrinsicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IntrinsicError {}

impl IntrinsicCall {
    /// Parses a call such as `States.Format('{} {}', $.a, States.UUID())`.
    pub fn parse(text: &str) -> Result<IntrinsicCall, IntrinsicError> {
        IntrinsicCall::parse_with_warnings(text).map(|(call, _)| call)
    }

    /// As [`IntrinsicCall::parse`], with the warnings about the paths in its
    /// arguments (offsets in `text`).
    pub fn parse_with_warnings(
        text: &str,
    ) -> Result<(IntrinsicCall, Vec<PathWarning>), IntrinsicError> {
        parse::parse(text).map_err(|error| IntrinsicError {
            offset: error.offset,
            len: error.len,
            message: error.message,
        })
    }
}
