//! The filter grammar, inside `[?( ... )]`:
//!
//! ```text
//! or         := and ("||" and)*
//! and        := unary ("&&" unary)*
//! unary      := "!" unary | "(" or ")" | comparison
//! comparison := operand (operator operand)?
//! operand    := "@" segments | "$" segments | literal | "[" literals "]" | "/" regex "/" flags
//! ```
//!
//! A chain of `||` (or `&&`) is built as a balanced tree rather than a left-leaning
//! one: both are associative, so the meaning is the same, and a chain of thousands of
//! conditions does not make a tree thousands of levels deep.

use std::ops::Range;

use serde_json::Value;

use super::lexer::{Escapes, error};
use super::parse::{Context, Parser};
use super::{Filter, FilterOp, FilterOperand, PathError, PathWarning, PathWarningKind, Selector};

/// Builds `a || b` or `a && b`.
type Join = fn(Box<Filter>, Box<Filter>) -> Filter;

/// Jayway operators that the [`FilterOp`] model does not have.
const UNSUPPORTED_OPERATORS: [&str; 5] = ["contains", "all", "exists", "type", "matches"];

impl Parser<'_> {
    /// Reads `?( ... )`; the current character is `?` and `open` is the bracket's `[`.
    pub(super) fn filter_selector(&mut self, open: usize) -> Result<Selector, PathError> {
        let question = self.cur.pos();
        self.cur.bump();
        self.cur.skip_ws();
        let paren = self.cur.pos();
        if !self.cur.eat('(') {
            return Err(error(
                question,
                1,
                "expected `(` after `?`; filters are written `[?(...)]`",
            ));
        }
        self.enter(open)?;
        let filter = self.or()?;
        self.close_paren(paren, "filter")?;
        self.leave();
        Ok(Selector::Filter(filter))
    }

    fn close_paren(&mut self, open: usize, what: &str) -> Result<(), PathError> {
        self.cur.skip_ws();
        if self.cur.eat(')') {
            Ok(())
        } else if self.cur.at_end() || self.cur.peek() == Some(']') {
            Err(error(
                open,
                1,
                format!("expected `)` to close the {what} opened here"),
            ))
        } else {
            Err(self
                .cur
                .unexpected("a comparison operator such as `==`, `&&`, `||` or `)`"))
        }
    }

    fn or(&mut self) -> Result<Filter, PathError> {
        let first = self.and()?;
        let mut rest = Vec::new();
        while self.logical("||")? {
            rest.push(self.and()?);
        }
        Ok(balanced(first, rest, Filter::Or))
    }

    fn and(&mut self) -> Result<Filter, PathError> {
        let first = self.unary()?;
        let mut rest = Vec::new();
        while self.logical("&&")? {
            rest.push(self.unary()?);
        }
        Ok(balanced(first, rest, Filter::And))
    }

    /// Reads `operator` (`&&` or `||`) if it is next; a lone `&` or `|` is an error.
    fn logical(&mut self, operator: &str) -> Result<bool, PathError> {
        self.cur.skip_ws();
        if self.cur.eat_str(operator) {
            return Ok(true);
        }
        let single = &operator[..1];
        if self.cur.starts_with(single) {
            return Err(self
                .cur
                .error_here(format!("use `{operator}`, not `{single}`")));
        }
        Ok(false)
    }

    fn unary(&mut self) -> Result<Filter, PathError> {
        self.cur.skip_ws();
        let start = self.cur.pos();
        if self.cur.peek() == Some('!') && self.cur.peek_second() != Some('=') {
            self.cur.bump();
            self.enter(start)?;
            let inner = self.unary()?;
            self.leave();
            Ok(Filter::Not(Box::new(inner)))
        } else if self.cur.eat('(') {
            self.enter(start)?;
            let inner = self.or()?;
            self.close_paren(start, "parenthesis")?;
            self.leave();
            Ok(inner)
        } else {
            self.comparison()
        }
    }

    fn comparison(&mut self) -> Result<Filter, PathError> {
        let (left, left_span) = self.operand()?;
        self.cur.skip_ws();
        let Some(op) = self.operator()? else {
            return match left {
                FilterOperand::Current(_) | FilterOperand::Root(_) => Ok(Filter::Exists(left)),
                _ => Err(span_error(
                    left_span,
                    "a condition needs a path such as `@.name` or a comparison such as `@.price < 10`",
                )),
            };
        };
        let (right, right_span) = self.operand()?;
        if let FilterOperand::Regex { .. } = left {
            return Err(span_error(left_span, REGEX_PLACE));
        }
        match (op, &right) {
            (FilterOp::Matches, FilterOperand::Regex { .. }) => {}
            (FilterOp::Matches, _) => {
                return Err(span_error(
                    right_span,
                    "expected a regular expression such as `/^a.*/i` after `=~`",
                ));
            }
            (_, FilterOperand::Regex { .. }) => return Err(span_error(right_span, REGEX_PLACE)),
            (FilterOp::Empty, FilterOperand::Literal(Value::Bool(_))) => {}
            (FilterOp::Empty, _) => {
                return Err(span_error(
                    right_span,
                    "expected `true` or `false` after `empty`",
                ));
            }
            _ => {}
        }
        Ok(Filter::Compare { left, op, right })
    }

    /// Reads a comparison operator, if one is next.
    fn operator(&mut self) -> Result<Option<FilterOp>, PathError> {
        let start = self.cur.pos();
        for not_supported in ["===", "!=="] {
            if self.cur.starts_with(not_supported) {
                return Err(error(
                    start,
                    3,
                    format!(
                        "`{not_supported}` is not supported; use `{}`",
                        &not_supported[..2]
                    ),
                ));
            }
        }
        const SYMBOLS: [(&str, FilterOp); 8] = [
            ("==", FilterOp::Eq),
            ("!=", FilterOp::Ne),
            ("<=", FilterOp::Le),
            (">=", FilterOp::Ge),
            ("=~", FilterOp::Matches),
            ("<", FilterOp::Lt),
            (">", FilterOp::Gt),
            ("=", FilterOp::Eq),
        ];
        for (symbol, op) in SYMBOLS {
            if self.cur.eat_str(symbol) {
                if symbol == "=" {
                    return Err(error(start, 1, "use `==` to compare"));
                }
                return Ok(Some(op));
            }
        }
        if !self.cur.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            return Ok(None);
        }
        let word = self.cur.take_while(|c| c.is_alphanumeric() || c == '_');
        let op = match word.to_ascii_lowercase().as_str() {
            "in" => FilterOp::In,
            "nin" => FilterOp::Nin,
            "subsetof" => FilterOp::SubsetOf,
            "anyof" => FilterOp::AnyOf,
            "noneof" => FilterOp::NoneOf,
            "size" => FilterOp::Size,
            "empty" => FilterOp::Empty,
            lower => {
                let message = if UNSUPPORTED_OPERATORS.contains(&lower) {
                    format!("the `{word}` operator is not supported")
                } else {
                    format!(
                        "unknown operator `{word}`; expected `==`, `!=`, `<`, `<=`, `>`, `>=`, \
                         `=~`, `in`, `nin`, `subsetof`, `anyof`, `noneof`, `size` or `empty`"
                    )
                };
                return Err(error(start, word.len(), message));
            }
        };
        Ok(Some(op))
    }

    /// Reads one operand and returns it with its byte range.
    fn operand(&mut self) -> Result<(FilterOperand, Range<usize>), PathError> {
        self.cur.skip_ws();
        let start = self.cur.pos();
        let operand = match self.cur.peek() {
            Some('@') => {
                self.cur.bump();
                FilterOperand::Current(self.operand_path(start)?)
            }
            Some('$') => {
                self.cur.bump();
                if self
                    .cur
                    .peek()
                    .is_some_and(|c| c == '$' || c == '_' || c.is_alphanumeric())
                {
                    return Err(self.cur.error_here(
                        "only `@` and `$` paths can be used in a filter, not `$$` or variables",
                    ));
                }
                FilterOperand::Root(self.operand_path(start)?)
            }
            Some('/') => self.regex()?,
            Some('[') => FilterOperand::Literal(self.array()?),
            Some(_) => FilterOperand::Literal(self.scalar()?),
            None => return Err(self.cur.unexpected(VALUE)),
        };
        Ok((operand, start..self.cur.pos()))
    }

    /// The segments after `@` or `$` (at `root`).
    fn operand_path(&mut self, root: usize) -> Result<Vec<super::Segment>, PathError> {
        let segments = self.segments(Context::Filter)?;
        if let Some(c) = self.cur.peek().filter(|&c| c.is_alphanumeric() || c == '_') {
            return Err(error(
                root,
                self.cur.pos() + c.len_utf8() - root,
                "expected `.` or `[` after the path's start",
            ));
        }
        Ok(segments.into_iter().map(|(segment, _)| segment).collect())
    }

    /// A string, number, `true`, `false` or `null`. A bare word (`FAILED`) is a
    /// string, as AWS reads it, with a warning.
    fn scalar(&mut self) -> Result<Value, PathError> {
        match self.cur.peek() {
            Some('\'' | '"') => Ok(Value::String(self.cur.quoted(Escapes::Resolve)?)),
            Some('-' | '0'..='9') => Ok(Value::Number(self.cur.number()?)),
            Some(c) if c.is_alphabetic() || c == '_' => {
                let start = self.cur.pos();
                match self.cur.take_while(is_bare_word_char) {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    "null" => Ok(Value::Null),
                    word => {
                        self.cur.warn(unquoted_string(start, word));
                        Ok(Value::String(word.to_owned()))
                    }
                }
            }
            Some('{') => Err(self
                .cur
                .error_here("JSON objects are not supported in filters")),
            _ => Err(self.cur.unexpected(VALUE)),
        }
    }

    /// `[` literal, ... `]`, for `in`, `nin`, `subsetof`, `anyof` and `noneof`.
    fn array(&mut self) -> Result<Value, PathError> {
        let open = self.cur.pos();
        self.cur.bump();
        self.cur.skip_ws();
        let mut items = Vec::new();
        if !self.cur.eat(']') {
            loop {
                if self.cur.peek() == Some('[') {
                    return Err(self
                        .cur
                        .error_here("arrays inside arrays are not supported in filters"));
                }
                items.push(self.scalar()?);
                self.cur.skip_ws();
                if self.cur.eat(']') {
                    break;
                }
                if self.cur.at_end() {
                    return Err(error(
                        open,
                        1,
                        "expected `]` to close the array opened here",
                    ));
                }
                if !self.cur.eat(',') {
                    return Err(self.cur.unexpected("`,` or `]`"));
                }
                self.cur.skip_ws();
            }
        }
        Ok(Value::Array(items))
    }

    /// `/pattern/flags`, with `\/` read as `/`; only the `i` flag exists in Jayway.
    fn regex(&mut self) -> Result<FilterOperand, PathError> {
        let open = self.cur.pos();
        self.cur.bump();
        let mut pattern = String::new();
        loop {
            match self.cur.bump() {
                None => {
                    return Err(error(
                        open,
                        1,
                        "expected `/` to close the regular expression opened here",
                    ));
                }
                Some('/') => break,
                Some('\\') if self.cur.eat('/') => pattern.push('/'),
                Some('\\') => {
                    pattern.push('\\');
                    if let Some(c) = self.cur.bump() {
                        pattern.push(c);
                    }
                }
                Some(c) => pattern.push(c),
            }
        }
        let mut flags = String::new();
        while let Some(c) = self.cur.peek().filter(char::is_ascii_alphabetic) {
            if c != 'i' {
                return Err(self.cur.error_here(format!(
                    "unknown regular expression flag `{c}`; only `i` (ignore case) is supported"
                )));
            }
            self.cur.bump();
            flags.push(c);
        }
        Ok(FilterOperand::Regex { pattern, flags })
    }
}

/// Whether `c` continues a bare word in a filter: `IN_PROGRESS`, `in-progress`.
fn is_bare_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// The warning for the bare word `word` at `start`, which AWS compares as a string.
fn unquoted_string(start: usize, word: &str) -> PathWarning {
    let literal = ["true", "false", "null"]
        .into_iter()
        .find(|literal| word.eq_ignore_ascii_case(literal));
    let help = match literal {
        Some(literal) => {
            format!("write `{literal}` (lowercase) for the JSON literal, or quote it: '{word}'")
        }
        None => format!("quote it: '{word}'"),
    };
    PathWarning {
        kind: PathWarningKind::UnquotedString,
        offset: start,
        len: word.len(),
        message: format!("`{word}` is not quoted: AWS compares it as the string \"{word}\""),
        help,
    }
}

const VALUE: &str = "a value such as `@.name`, a number, a 'string', `true`, `false` or `null`";

const REGEX_PLACE: &str = "a regular expression can only be used on the right of `=~`";

fn span_error(span: Range<usize>, message: &str) -> PathError {
    error(span.start, span.end - span.start, message)
}

/// Joins `first` and `rest` with `join` into a balanced tree, keeping their order.
fn balanced(first: Filter, mut rest: Vec<Filter>, join: Join) -> Filter {
    if rest.is_empty() {
        return first;
    }
    let left_len = (rest.len() + 1).div_ceil(2);
    let mut right = rest.split_off(left_len - 1).into_iter();
    let left = balanced(first, rest, join);
    match right.next() {
        Some(right_first) => join(
            Box::new(left),
            Box::new(balanced(right_first, right.collect(), join)),
        ),
        None => left,
    }
}
