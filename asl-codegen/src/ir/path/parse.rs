//! The path grammar: root, `.name`, `..name`, brackets. Filters are in `filter.rs`.

use std::ops::Range;

use super::lexer::{Cursor, Escapes, error};
use super::{PathError, PathWarning, Root, Segment, Selector};

/// How deeply filters may nest: parentheses, `!` and filters inside filters.
pub(super) const MAX_FILTER_DEPTH: usize = 64;

/// Where a path is being read, which decides where a `.name` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Context {
    /// A whole path: a name runs up to the next `.`, `[`, `(` or whitespace, as in
    /// Jayway, so `$.x-amz-id`, `$.a:b` and `$.0` are names.
    Path,
    /// A path inside a filter: a name also ends at operators and parentheses.
    Filter,
}

impl Context {
    fn ends_name(self, c: char) -> bool {
        c.is_whitespace()
            || matches!(c, '.' | '[' | '(')
            || (self == Context::Filter
                && matches!(c, ')' | ']' | '<' | '>' | '=' | '~' | '!' | '&' | '|'))
    }
}

/// The path parser; the filter grammar adds its methods in `filter.rs`.
#[derive(Debug)]
pub(super) struct Parser<'a> {
    pub(super) cur: Cursor<'a>,
    depth: usize,
}

/// Segments, each with its byte range in the text.
pub(super) type SpannedSegments = Vec<(Segment, Range<usize>)>;

/// A path read into its root and its segments, with the warnings found.
pub(super) struct Parsed {
    pub(super) root: Root,
    pub(super) segments: SpannedSegments,
    pub(super) warnings: Vec<PathWarning>,
}

/// Parses a whole path.
pub(super) fn parse(text: &str) -> Result<Parsed, PathError> {
    let mut parser = Parser {
        cur: Cursor::new(text),
        depth: 0,
    };
    let root = parser.root()?;
    let segments = parser.segments(Context::Path)?;
    parser.end()?;
    Ok(Parsed {
        root,
        segments,
        warnings: parser.cur.take_warnings(),
    })
}

impl<'a> Parser<'a> {
    fn root(&mut self) -> Result<Root, PathError> {
        let cur = &mut self.cur;
        let leading = cur.skip_ws();
        if leading > 0 {
            return Err(error(0, leading, "a path cannot start with whitespace"));
        }
        if cur.at_end() {
            return Err(error(0, 0, "a path cannot be empty; it starts with `$`"));
        }
        if !cur.eat('$') {
            return Err(cur.error_here("a path must start with `$`"));
        }
        if cur.eat('$') {
            return Ok(Root::Context);
        }
        match cur.peek() {
            Some(c) if c.is_alphabetic() || c == '_' => {
                let name = cur.take_while(|c| c.is_alphanumeric() || c == '_');
                Ok(Root::Variable(name.to_owned()))
            }
            Some(c) if c.is_alphanumeric() => {
                Err(cur.error_here("a variable name must start with a letter or `_`"))
            }
            _ => Ok(Root::Input),
        }
    }

    /// Checks that nothing but the segments follows the root.
    fn end(&mut self) -> Result<(), PathError> {
        let cur = &mut self.cur;
        let start = cur.pos();
        match cur.peek() {
            None => Ok(()),
            Some(c) if c.is_whitespace() => {
                let len = cur.skip_ws();
                Err(if cur.at_end() {
                    error(start, len, "a path cannot end with whitespace")
                } else {
                    error(
                        start,
                        len,
                        "unexpected whitespace in the path; write a name with spaces as `['my name']`",
                    )
                })
            }
            Some(_) => Err(cur.unexpected("`.` or `[`")),
        }
    }

    /// Reads segments while the next character is `.` or `[`.
    pub(super) fn segments(&mut self, context: Context) -> Result<SpannedSegments, PathError> {
        let mut segments = Vec::new();
        loop {
            let start = self.cur.pos();
            let segment = if self.cur.starts_with("...") {
                return Err(error(
                    start,
                    3,
                    "`...` is not valid; use `.` for a child or `..` for a deep scan",
                ));
            } else if self.cur.eat_str("..") {
                Segment::Descendant(self.after_dot(start, "..", context)?)
            } else if self.cur.eat('.') {
                Segment::Child(self.after_dot(start, ".", context)?)
            } else if self.cur.peek() == Some('[') {
                Segment::Child(self.bracket()?)
            } else {
                return Ok(segments);
            };
            segments.push((segment, start..self.cur.pos()));
        }
    }

    /// Reads what follows `.` or `..`: `*`, a bracket (Jayway accepts `.[0]`) or a name.
    fn after_dot(
        &mut self,
        dot: usize,
        dots: &str,
        context: Context,
    ) -> Result<Selector, PathError> {
        match self.cur.peek() {
            Some('*') => {
                self.cur.bump();
                Ok(Selector::Wildcard)
            }
            Some('[') => self.bracket(),
            Some(c) if !context.ends_name(c) => self.name(context),
            _ => Err(error(
                dot,
                dots.len(),
                format!("expected a name, `*` or `[` after `{dots}`"),
            )),
        }
    }

    fn name(&mut self, context: Context) -> Result<Selector, PathError> {
        let start = self.cur.pos();
        let name = self.cur.take_while(|c| !context.ends_name(c));
        if self.cur.peek() == Some('(') {
            let call_end = self
                .cur
                .rest()
                .find(')')
                .map_or(self.cur.text().len(), |i| self.cur.pos() + i + 1);
            return Err(error(
                start,
                call_end - start,
                "path functions such as `length()` are not supported",
            ));
        }
        Ok(Selector::Name(name.to_owned()))
    }

    /// Reads `[...]`; the current character is `[`.
    fn bracket(&mut self) -> Result<Selector, PathError> {
        let open = self.cur.pos();
        self.cur.bump();
        self.cur.skip_ws();
        let (selector, expected) = match self.cur.peek() {
            None => return Err(unclosed_bracket(open)),
            Some('?') => (self.filter_selector(open)?, "`]`"),
            Some('*') => {
                self.cur.bump();
                (Selector::Wildcard, "`]`")
            }
            Some('\'' | '"') => (self.names()?, "`,` or `]`"),
            Some('-' | ':' | '0'..='9') => self.numbers()?,
            Some(']') => {
                return Err(error(
                    open,
                    self.cur.pos() + 1 - open,
                    "empty brackets; expected a quoted name, an index, `*`, a slice or a filter",
                ));
            }
            Some('(') => {
                return Err(self
                    .cur
                    .error_here("script expressions such as `[(@.length-1)]` are not supported"));
            }
            Some(_) => {
                return Err(self.cur.unexpected(
                    "a quoted name such as `['name']`, an index, `*`, a slice or a filter `[?(...)]`",
                ));
            }
        };
        self.cur.skip_ws();
        if self.cur.eat(']') {
            Ok(selector)
        } else if self.cur.at_end() {
            Err(unclosed_bracket(open))
        } else {
            Err(self.cur.unexpected(expected))
        }
    }

    /// `'a'` or `'a', "b"`: the names are kept as written (see [`Escapes::Raw`]).
    fn names(&mut self) -> Result<Selector, PathError> {
        let mut names = vec![self.cur.quoted(Escapes::Raw)?];
        while self.list_separator() {
            match self.cur.peek() {
                Some('\'' | '"') => names.push(self.cur.quoted(Escapes::Raw)?),
                Some('-' | '0'..='9') => return Err(mixed_union(&self.cur)),
                _ => return Err(self.cur.unexpected("a quoted name after `,`")),
            }
        }
        Ok(match <[String; 1]>::try_from(names) {
            Ok([name]) => Selector::Name(name),
            Err(names) => Selector::Names(names),
        })
    }

    /// An index, a union of indexes or a slice. Returns what may close the bracket.
    fn numbers(&mut self) -> Result<(Selector, &'static str), PathError> {
        let first = self.optional_integer()?;
        self.cur.skip_ws();
        if self.cur.eat(':') {
            return self.slice(first);
        }
        let Some(first) = first else {
            return Err(self.cur.unexpected("an index"));
        };
        let mut indexes = vec![first];
        while self.list_separator() {
            match self.cur.peek() {
                Some('-' | '0'..='9') => indexes.push(self.cur.integer()?),
                Some('\'' | '"') => return Err(mixed_union(&self.cur)),
                _ => return Err(self.cur.unexpected("an index after `,`")),
            }
        }
        Ok(match indexes[..] {
            [index] => (Selector::Index(index), "`,`, `:` or `]`"),
            _ => (Selector::Indexes(indexes), "`,` or `]`"),
        })
    }

    /// After the first `:` of a slice. Returns what may close the bracket.
    fn slice(&mut self, start: Option<i64>) -> Result<(Selector, &'static str), PathError> {
        self.cur.skip_ws();
        let end = self.optional_integer()?;
        self.cur.skip_ws();
        if !self.cur.eat(':') {
            return Ok((
                Selector::Slice {
                    start,
                    end,
                    step: None,
                },
                "`:` or `]`",
            ));
        }
        self.cur.skip_ws();
        let step_start = self.cur.pos();
        let step = self.optional_integer()?;
        if step == Some(0) {
            return Err(error(
                step_start,
                self.cur.pos() - step_start,
                "a slice step cannot be zero",
            ));
        }
        Ok((Selector::Slice { start, end, step }, "`]`"))
    }

    fn optional_integer(&mut self) -> Result<Option<i64>, PathError> {
        match self.cur.peek() {
            Some('-' | '0'..='9') => self.cur.integer().map(Some),
            _ => Ok(None),
        }
    }

    /// Reads `,` and the whitespace around it, if there.
    fn list_separator(&mut self) -> bool {
        self.cur.skip_ws();
        let found = self.cur.eat(',');
        self.cur.skip_ws();
        found
    }

    /// Enters one more level of filter nesting; `at` is where it opens.
    pub(super) fn enter(&mut self, at: usize) -> Result<(), PathError> {
        self.depth += 1;
        if self.depth > MAX_FILTER_DEPTH {
            return Err(error(
                at,
                1,
                format!(
                    "this filter is nested too deeply; at most {MAX_FILTER_DEPTH} levels of \
                     parentheses, `!` and filters inside filters are allowed"
                ),
            ));
        }
        Ok(())
    }

    /// Leaves a level entered with [`Parser::enter`].
    pub(super) fn leave(&mut self) {
        self.depth -= 1;
    }
}

fn unclosed_bracket(open: usize) -> PathError {
    error(open, 1, "expected `]` to close the bracket opened here")
}

fn mixed_union(cur: &Cursor<'_>) -> PathError {
    cur.error_here("a bracket cannot mix names and indexes; write them in separate brackets")
}
