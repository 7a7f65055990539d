//! JSONPath as AWS Step Functions accepts it, parsed once at build time.
//!
//! Two forms exist:
//! - [`Path`]: full JSONPath (Jayway style, as AWS runs it): names, indexes,
//!   wildcards, slices, unions, deep scan (`..`) and filters (`[?(...)]`). Used by
//!   InputPath, OutputPath, Choice `Variable` and `...Path` operands, and `.$` values.
//! - [`ReferencePath`]: a path that identifies exactly one node: only `.name`,
//!   `['name']` and `[n]` steps. Used by ResultPath, ItemsPath, the `...SecondsPath`,
//!   `TimestampPath`, `ErrorPath`, `CausePath`, `MaxConcurrencyPath` and
//!   `Tolerated...Path` fields.
//!
//! Both start at a [`Root`]: `$` (the state's input), `$$` (the context object) or
//! `$name` (a workflow variable).
//!
//! Lexical rules, following Jayway as AWS runs it:
//! - A `.name` runs up to the next `.`, `[` or end, so `$.x-amz-id`, `$.a:b` and `$.0`
//!   are names; whitespace and `(` (a Jayway path function) are errors. Inside a
//!   filter a name also ends at operators and parentheses.
//! - Bracket names (`['a']`, `["a"]`) are kept exactly as written between the quotes:
//!   a backslash only stops the next character from closing the name. AWS looks up
//!   `$['a\"b']` as the key `a\"b`, backslash included.
//! - String literals inside filters resolve their escapes (`\'`, `\"`, `\\`, `\n`,
//!   `\uXXXX`, ...).
//! - No whitespace is allowed before, after or between segments; inside brackets it is.

mod filter;
pub(in crate::ir) mod lexer;
mod parse;
#[cfg(test)]
mod tests;

use std::fmt;

/// Where a path starts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Root {
    /// `$`: the current input.
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: the workflow variable `name`.
    Variable(String),
}

/// A full JSONPath expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The path as written.
    pub text: String,
    /// Where it starts.
    pub root: Root,
    /// The steps after the root, in order.
    pub segments: Vec<Segment>,
}

/// One step of a [`Path`].
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// `.x`, `['x']`, `[0]`, `[*]`, `.*`, `[1:3]`, `[?(...)]`: applies to the children.
    Child(Selector),
    /// `..x`, `..*`, `..[...]`: applies to all descendants.
    Descendant(Selector),
}

/// What a [`Segment`] selects.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    /// A member by name.
    Name(String),
    /// An array element; negative counts from the end.
    Index(i64),
    /// Every member or element.
    Wildcard,
    /// `[start:end:step]`, each part optional.
    Slice {
        /// First index (inclusive).
        start: Option<i64>,
        /// Last index (exclusive).
        end: Option<i64>,
        /// Step, not zero.
        step: Option<i64>,
    },
    /// `['a','b']`: several members by name.
    Names(Vec<String>),
    /// `[0,2]`: several elements by index.
    Indexes(Vec<i64>),
    /// `[?(...)]`: the children for which the filter holds.
    Filter(Filter),
}

/// A filter expression inside `[?( ... )]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `a || b`.
    Or(Box<Filter>, Box<Filter>),
    /// `a && b`.
    And(Box<Filter>, Box<Filter>),
    /// `!a`.
    Not(Box<Filter>),
    /// `@.x` alone: true when the path exists (and, for Jayway, is not false/null).
    Exists(FilterOperand),
    /// `left op right`.
    Compare {
        /// Left side.
        left: FilterOperand,
        /// The comparison.
        op: FilterOp,
        /// Right side.
        right: FilterOperand,
    },
}

/// A value in a filter.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterOperand {
    /// `@...`: a path from the element being filtered.
    Current(Vec<Segment>),
    /// `$...`: a path from the root of the document being queried.
    Root(Vec<Segment>),
    /// A JSON literal: number, `'string'`/`"string"`, `true`, `false`, `null`, or an
    /// array of literals (for `in`, `nin`, `subsetof`, `anyof`, `noneof`).
    Literal(serde_json::Value),
    /// `/pattern/flags`, the right side of `=~`.
    Regex {
        /// The pattern between the slashes, with `\/` read as `/`.
        pattern: String,
        /// Flags after the closing slash: empty or `i` (ignore case), the only flag
        /// Jayway reads.
        flags: String,
    },
}

/// A comparison operator in a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// A path that identifies at most one node.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReferencePath {
    /// The path as written.
    pub text: String,
    /// Where it starts.
    pub root: Root,
    /// The steps after the root, in order.
    pub steps: Vec<Step>,
}

/// One step of a [`ReferencePath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// `.name` or `['name']`.
    Field(String),
    /// `[n]`.
    Index(usize),
}

/// Why a path does not parse, with the byte range of the problem in the path text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// First byte of the problem within the path text.
    pub offset: usize,
    /// Length in bytes of the problem (at least 1 when the text is not empty).
    pub len: usize,
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
}

/// Something a path does that AWS accepts but reads in a way the text may not
/// suggest, with the byte range in the path text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathWarning {
    /// What it is.
    pub kind: PathWarningKind,
    /// First byte within the path text.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
    /// What AWS does with it, lowercase, no trailing period.
    pub message: String,
    /// How to write what was probably meant.
    pub help: String,
}

/// The kinds of [`PathWarning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathWarningKind {
    /// A bare word such as `FAILED` in a filter, which AWS compares as a string.
    UnquotedString,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PathError {}

impl Path {
    /// Parses a full JSONPath; the warnings are dropped (see
    /// [`Path::parse_with_warnings`]).
    pub fn parse(text: &str) -> Result<Path, PathError> {
        Path::parse_with_warnings(text).map(|(path, _)| path)
    }

    /// Parses a full JSONPath, with what it does that AWS accepts but that may not
    /// mean what it seems to.
    pub fn parse_with_warnings(text: &str) -> Result<(Path, Vec<PathWarning>), PathError> {
        let parsed = parse::parse(text)?;
        let path = Path {
            text: text.to_owned(),
            root: parsed.root,
            segments: parsed
                .segments
                .into_iter()
                .map(|(segment, _)| segment)
                .collect(),
        };
        Ok((path, parsed.warnings))
    }

    /// The path made of `root` alone: `$`, `$$` or `$name`.
    pub fn root_only(root: Root) -> Path {
        Path {
            text: root.to_string(),
            root,
            segments: Vec::new(),
        }
    }

    /// The path as reference-path steps, when it is only names and non-negative
    /// indexes.
    pub fn steps(&self) -> Option<Vec<Step>> {
        self.segments
            .iter()
            .map(|segment| match segment {
                Segment::Child(Selector::Name(name)) => Some(Step::Field(name.clone())),
                Segment::Child(Selector::Index(index)) => {
                    usize::try_from(*index).ok().map(Step::Index)
                }
                _ => None,
            })
            .collect()
    }

    /// True when the path can only ever select one node (names and indexes only), so
    /// that AWS yields the node itself rather than an array of matches.
    pub fn is_definite(&self) -> bool {
        self.segments.iter().all(|segment| {
            matches!(
                segment,
                Segment::Child(Selector::Name(_) | Selector::Index(_))
            )
        })
    }
}

impl ReferencePath {
    /// Parses a reference path; wildcards, slices, unions, filters and `..` are
    /// rejected with a message that says so.
    pub fn parse(text: &str) -> Result<ReferencePath, PathError> {
        // A reference path has no filter, so nothing to warn about.
        let parse::Parsed { root, segments, .. } = parse::parse(text)?;
        let steps = segments
            .into_iter()
            .map(|(segment, span)| {
                step(segment).map_err(|what| PathError {
                    offset: span.start,
                    len: span.end - span.start,
                    message: format!(
                        "{what} not allowed in a reference path; use only `.name`, `['name']` and `[n]`"
                    ),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(ReferencePath {
            text: text.to_owned(),
            root,
            steps,
        })
    }

    /// The reference path `$` (the whole input).
    pub fn input() -> ReferencePath {
        ReferencePath {
            text: "$".into(),
            root: Root::Input,
            steps: Vec::new(),
        }
    }
}

/// The [`Step`] for a segment of a reference path, or what the segment is (to say it
/// is not allowed).
fn step(segment: Segment) -> Result<Step, &'static str> {
    match segment {
        Segment::Child(Selector::Name(name)) => Ok(Step::Field(name)),
        Segment::Child(Selector::Index(index)) => usize::try_from(index)
            .map(Step::Index)
            .map_err(|_| "negative indexes are"),
        Segment::Descendant(_) => Err("`..` is"),
        Segment::Child(Selector::Wildcard) => Err("wildcards are"),
        Segment::Child(Selector::Slice { .. }) => Err("slices are"),
        Segment::Child(Selector::Names(_) | Selector::Indexes(_)) => Err("unions are"),
        Segment::Child(Selector::Filter(_)) => Err("filters are"),
    }
}

impl From<ReferencePath> for Path {
    fn from(path: ReferencePath) -> Path {
        let segments = path
            .steps
            .into_iter()
            .map(|step| {
                Segment::Child(match step {
                    Step::Field(name) => Selector::Name(name),
                    Step::Index(index) => Selector::Index(i64::try_from(index).unwrap_or(i64::MAX)),
                })
            })
            .collect();
        Path {
            text: path.text,
            root: path.root,
            segments,
        }
    }
}

impl fmt::Display for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Root::Input => f.write_str("$"),
            Root::Context => f.write_str("$$"),
            Root::Variable(name) => write!(f, "${name}"),
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Display for ReferencePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
