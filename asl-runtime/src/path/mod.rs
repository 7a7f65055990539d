//! Compiled JSONPath: paths parsed at build time into `static` data that the
//! generated code hands to these functions. Nothing here parses a path.
//!
//! - [`RefPath`]: a Reference Path (`$.a.b[0]`), read with [`RefPath::get`] and written
//!   with [`set`] (ResultPath).
//! - [`Path`]: full JSONPath (wildcards, slices, unions, filters, `..`), read with
//!   [`Path::select`], which returns what AWS returns: the value for a definite path,
//!   an array of matches otherwise.
//! - Field lookups that fail with AWS's own error texts: [`input_path`],
//!   [`output_path`], [`parameter`], [`reference()`], [`choice_variable`].
//!
//! The root a path starts from (`$` the input, `$$` the context object, `$name` a
//! variable) is chosen by the caller; every function here takes that root's value.
//!
//! # Semantics
//!
//! AWS evaluates paths with Jayway JsonPath (the AWS documentation links it, and its
//! miss texts are Jayway's, e.g. `No results for path: $['a']`). This module follows
//! Jayway where AWS's behaviour is not otherwise known:
//! - A path is *definite* when every step is a name or a single index, or when it ends
//!   in a union of names. A definite path yields its value, or misses. Any other path
//!   yields an array of its matches, `[]` when there are none; its misses are never
//!   errors (AWS: `$.item.items[1:5]` on `{}` gives `[]`).
//! - A union of names at the end of a path (`$['a','b']`) yields one object with the
//!   members that exist, not an array (Jayway's "multi-property merge").
//! - A negative index counts from the end. A slice's step is ignored (`[0:4:2]` is
//!   `[0:4]`). `[from:to]` visits the indexes `from..to` with only `to` clamped to the
//!   length, each negative index counted from the end, so `[-2:1]` on `[a,b,c]` gives
//!   `[b,c,a]` and `[1:-1]` gives `[]`, exactly as Jayway does.
//! - A filter applied to an object tests the object itself; applied to an array it
//!   tests each element. Missing members in a filter make the comparison false, never
//!   an error; `!=` and `nin` are the negations of `==` and `in`, so they are true.
//! - `==` between a number and a string: a number on the left reads the string as a
//!   number, a string on the left is compared with the number's text, so `42` and
//!   `"42"` match `== 42`. `<`, `<=`, `>`, `>=` compare only number with number and
//!   string with string.
//! - `=~` must match the whole string; `size` counts the characters of a string or the
//!   elements of an array; `empty` holds for `""`, `[]` and `{}`.
//! - `..` visits a node before its descendants, objects' members in order. As in
//!   Jayway, `..[1].x` (an index or slice followed by more) applies `.x` to
//!   every element of every array it visits.

pub(crate) mod errors;
mod filter;
mod render;
mod select;
mod write;

#[cfg(test)]
mod tests;

pub use errors::{
    REFERENCE_PATH_CONFLICT, choice_variable, input_path, output_path, parameter, reference,
    template_input,
};
pub use select::Selected;
pub use write::set;

/// One step of a [`RefPath`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `.name` or `['name']`.
    Field(&'static str),
    /// `[n]`.
    Index(usize),
}

/// A Reference Path: the root's value followed by field and index steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefPath {
    /// The path as written in the definition, for error messages.
    pub text: &'static str,
    /// The steps after the root (`$`, `$$` or `$name`).
    pub steps: &'static [Step],
}

/// A full JSONPath: the root's value followed by segments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Path {
    /// The path as written in the definition, for error messages.
    pub text: &'static str,
    /// The segments after the root (`$`, `$$` or `$name`).
    pub segments: &'static [Segment],
}

/// One segment of a [`Path`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Segment {
    /// `.x`, `[x]`: the selector applied to the current nodes.
    Child(Selector),
    /// `..x`: the selector applied to the current nodes and all their descendants.
    Descendant(Selector),
}

/// What a segment selects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Selector {
    /// A member by name.
    Name(&'static str),
    /// An element by index; negative counts from the end.
    Index(i64),
    /// `*`: every member or element.
    Wildcard,
    /// `[start:end:step]`.
    Slice {
        /// First index (default 0).
        start: Option<i64>,
        /// One past the last index (default the length).
        end: Option<i64>,
        /// Step (default 1).
        step: Option<i64>,
    },
    /// `['a','b']`.
    Names(&'static [&'static str]),
    /// `[0,2]`.
    Indexes(&'static [i64]),
    /// `[?(...)]`.
    Filter(&'static Filter),
}

/// A filter expression `[?(...)]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Filter {
    /// `a || b`.
    Or(&'static Filter, &'static Filter),
    /// `a && b`.
    And(&'static Filter, &'static Filter),
    /// `!a`.
    Not(&'static Filter),
    /// `@.x` alone: the path resolves, whatever its value (`null` and `false` included).
    Exists(Operand),
    /// `left op right`.
    Compare {
        /// Left operand.
        left: Operand,
        /// Operator.
        op: FilterOp,
        /// Right operand.
        right: Operand,
    },
}

/// An operand in a filter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operand {
    /// `@...`: relative to the node being filtered.
    Current(&'static [Segment]),
    /// `$...`: relative to the root.
    Root(&'static [Segment]),
    /// A literal value.
    Const(Const),
    /// `/pattern/flags`.
    Regex(&'static Regex),
}

/// A literal value in a filter, built at compile time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Const {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A non-integer number.
    Float(f64),
    /// A string.
    Str(&'static str),
    /// An array of literals (for `in`, `subsetof` ...).
    Array(&'static [Const]),
    /// An object literal, as its members.
    Object(&'static [(&'static str, Const)]),
}

/// A regular expression in a filter (`=~ /p/i`), compiled on first use and kept.
#[derive(Debug)]
pub struct Regex {
    pattern: &'static str,
    flags: &'static str,
    compiled: std::sync::OnceLock<Option<regex::Regex>>,
}

impl Regex {
    /// A regular expression from its pattern and flags.
    pub const fn new(pattern: &'static str, flags: &'static str) -> Regex {
        Regex {
            pattern,
            flags,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The pattern between the slashes.
    pub fn pattern(&self) -> &'static str {
        self.pattern
    }

    /// The flags after the closing slash (`i` or nothing).
    pub fn flags(&self) -> &'static str {
        self.flags
    }
}

impl PartialEq for Regex {
    fn eq(&self, other: &Regex) -> bool {
        self.pattern == other.pattern && self.flags == other.flags
    }
}

/// A filter's comparison operator (Jayway's set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `=~`
    Matches,
    /// `in`
    In,
    /// `nin`
    Nin,
    /// `subsetof`
    SubsetOf,
    /// `anyof`
    AnyOf,
    /// `noneof`
    NoneOf,
    /// `size`
    Size,
    /// `empty`
    Empty,
}
