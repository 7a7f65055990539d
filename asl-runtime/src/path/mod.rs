//! Compiled JSONPath: paths parsed at build time into `static` data that the
//! generated code hands to these functions. Nothing here parses a path.
//!
//! - [`RefPath`]: a Reference Path (`$.a.b[0]`), read with [`RefPath::get`] and written
//!   with [`RefPath::set`] (ResultPath).
//! - [`Path`]: full JSONPath (wildcards, slices, unions, filters, `..`), read with
//!   [`Path::select`], which returns what AWS returns: the value for a definite path,
//!   an array of matches otherwise.

mod errors;
mod filter;
mod select;
#[cfg(test)]
mod tests;
mod write;

pub use errors::normalized;

pub use select::Selected;

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
    /// `@.x`: the operand exists.
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
    pub(super) pattern: &'static str,
    pub(super) flags: &'static str,
    pub(super) compiled: std::sync::OnceLock<Option<regex::Regex>>,
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
