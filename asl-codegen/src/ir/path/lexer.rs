//! The character-level reader shared by the path, filter and intrinsic parsers.
//!
//! Positions are byte offsets into the text; the reader only ever stops on character
//! boundaries, so slicing with them never panics.

use super::{PathError, PathWarning};

/// Builds a [`PathError`] covering `offset..offset + len`.
pub(crate) fn error(offset: usize, len: usize, message: impl Into<String>) -> PathError {
    PathError {
        offset,
        len,
        message: message.into(),
    }
}

/// How backslashes inside a quoted string are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Escapes {
    /// Kept as written: a backslash only stops the next character from closing the
    /// string. This is what AWS does for bracket names: `$['a\"b']` names the key
    /// `a\"b`, backslash included.
    Raw,
    /// Resolved: `\b`, `\f`, `\n`, `\r`, `\t` and `\uXXXX` give the control or unicode
    /// character, any other `\c` gives `c` (so `\'`, `\"`, `\\`, `\{`, `\}`, `\/`).
    Resolve,
    /// As [`Escapes::Resolve`], except that `\{`, `\}` and `\\` are kept as written, so
    /// that a `States.Format` template still tells escaped braces from `{}`.
    FormatTemplate,
}

/// A reader over a text, one character at a time, which also collects the warnings
/// found while reading.
#[derive(Debug)]
pub(crate) struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    warnings: Vec<PathWarning>,
}

impl<'a> Cursor<'a> {
    /// A reader at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Cursor {
            text,
            pos: 0,
            warnings: Vec::new(),
        }
    }

    /// Records a warning.
    pub(crate) fn warn(&mut self, warning: PathWarning) {
        self.warnings.push(warning);
    }

    /// The warnings recorded so far, in the order found.
    pub(crate) fn take_warnings(&mut self) -> Vec<PathWarning> {
        std::mem::take(&mut self.warnings)
    }

    /// The whole text.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// The current byte offset.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// The text from the current position on.
    pub(crate) fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    /// The text between two offsets previously returned by [`Cursor::pos`].
    pub(crate) fn slice(&self, start: usize, end: usize) -> &'a str {
        &self.text[start..end]
    }

    /// Moves to `pos`, an offset previously found on a character boundary.
    pub(crate) fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// True when everything has been read.
    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    /// The current character.
    pub(crate) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// The character after the current one.
    pub(crate) fn peek_second(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    /// True when the rest of the text starts with `prefix`.
    pub(crate) fn starts_with(&self, prefix: &str) -> bool {
        self.rest().starts_with(prefix)
    }

    /// Reads one character.
    pub(crate) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Reads `c` if it is next.
    pub(crate) fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += c.len_utf8();
        }
        found
    }

    /// Reads `prefix` if it is next.
    pub(crate) fn eat_str(&mut self, prefix: &str) -> bool {
        let found = self.starts_with(prefix);
        if found {
            self.pos += prefix.len();
        }
        found
    }

    /// Reads characters while `keep` holds and returns them.
    pub(crate) fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let start = self.pos;
        let len = self
            .rest()
            .find(|c: char| !keep(c))
            .unwrap_or(self.rest().len());
        self.pos += len;
        &self.text[start..self.pos]
    }

    /// Skips whitespace and returns how many bytes were skipped.
    pub(crate) fn skip_ws(&mut self) -> usize {
        self.take_while(char::is_whitespace).len()
    }

    /// An error on the current character, or on the last one at the end of the text.
    pub(crate) fn error_here(&self, message: impl Into<String>) -> PathError {
        match self.peek() {
            Some(c) => error(self.pos, c.len_utf8(), message),
            None => {
                let last = self.text.chars().next_back().map_or(0, char::len_utf8);
                error(self.text.len() - last, last, message)
            }
        }
    }

    /// An error on the current character, saying it was not expected here;
    /// `expected` completes "expected ...".
    pub(crate) fn unexpected(&self, expected: &str) -> PathError {
        match self.peek() {
            Some(c) => self.error_here(format!("unexpected `{c}`; expected {expected}")),
            None => self.error_here(format!("unexpected end of text; expected {expected}")),
        }
    }

    /// Reads a quoted string; the current character is the opening quote.
    pub(crate) fn quoted(&mut self, escapes: Escapes) -> Result<String, PathError> {
        let open = self.pos;
        let Some(quote) = self.bump() else {
            return Err(self.unexpected("a quoted string"));
        };
        let unclosed = || {
            error(
                open,
                1,
                format!("expected `{quote}` to close the string opened here"),
            )
        };
        let mut value = String::new();
        loop {
            let escape_start = self.pos;
            match self.bump().ok_or_else(unclosed)? {
                c if c == quote => return Ok(value),
                '\\' => {
                    let c = self.bump().ok_or_else(unclosed)?;
                    match (escapes, c) {
                        (Escapes::Raw, _) | (Escapes::FormatTemplate, '{' | '}' | '\\') => {
                            value.push('\\');
                            value.push(c);
                        }
                        (_, 'b') => value.push('\u{8}'),
                        (_, 'f') => value.push('\u{c}'),
                        (_, 'n') => value.push('\n'),
                        (_, 'r') => value.push('\r'),
                        (_, 't') => value.push('\t'),
                        (_, 'u') => value.push(self.unicode_escape(escape_start)?),
                        (_, c) => value.push(c),
                    }
                }
                c => value.push(c),
            }
        }
    }

    /// Reads the `XXXX` of a `\uXXXX` escape (and a second one for a surrogate pair).
    fn unicode_escape(&mut self, start: usize) -> Result<char, PathError> {
        let high = self.hex4(start)?;
        let code = if (0xD800..0xDC00).contains(&high) && self.eat_str("\\u") {
            let low = self.hex4(start)?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(error(
                    start,
                    self.pos - start,
                    "invalid unicode surrogate pair",
                ));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| {
            error(
                start,
                self.pos - start,
                "this unicode escape is not a character (a lone surrogate)",
            )
        })
    }

    fn hex4(&mut self, start: usize) -> Result<u32, PathError> {
        let digits = self
            .rest()
            .get(..4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        let Some(digits) = digits else {
            return Err(error(
                start,
                self.pos - start,
                "expected four hexadecimal digits after `\\u`",
            ));
        };
        self.pos += 4;
        u32::from_str_radix(digits, 16)
            .map_err(|_| error(start, self.pos - start, "invalid unicode escape"))
    }

    /// Reads a JSON number: `-`, digits, an optional fraction and exponent.
    pub(crate) fn number(&mut self) -> Result<serde_json::Number, PathError> {
        let start = self.pos;
        self.eat('-');
        self.digits()?;
        if self.peek() == Some('.') && self.peek_second().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
            self.digits()?;
        }
        if self.eat('e') || self.eat('E') {
            if !self.eat('+') {
                self.eat('-');
            }
            self.digits()?;
        }
        let text = self.slice(start, self.pos);
        text.parse()
            .map_err(|_| error(start, text.len(), format!("`{text}` is not a valid number")))
    }

    /// Reads an integer: an optional `-` and digits.
    pub(crate) fn integer(&mut self) -> Result<i64, PathError> {
        let start = self.pos;
        self.eat('-');
        self.digits()?;
        let text = self.slice(start, self.pos);
        text.parse().map_err(|_| {
            error(
                start,
                text.len(),
                format!("`{text}` is too large for an index"),
            )
        })
    }

    fn digits(&mut self) -> Result<(), PathError> {
        if self.take_while(|c| c.is_ascii_digit()).is_empty() {
            return Err(self.unexpected("a digit"));
        }
        Ok(())
    }
}
