//! Intrinsic function calls (`States.Format(...)` and the 17 others), parsed into
//! call trees at build time. JSONPath mode only.

use std::fmt;

use super::path::Path;

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
        Err(IntrinsicError {
            offset: 0,
            len: text.len(),
            message: "intrinsic parsing is not implemented".into(),
        })
    }
}
