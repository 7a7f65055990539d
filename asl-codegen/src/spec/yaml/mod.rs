//! Reads YAML text into a spanned [`Node`] tree, as SAM and CloudFormation accept a
//! definition (`*.asl.yaml`, `*.asl.yml`): one document, typed by the YAML 1.2 core
//! schema, without tags. Like the JSON reader it keeps duplicate keys, so that
//! validation can report them.
//!
//! saphyr's events say where most nodes are, but in characters, and not always where
//! the node's own text starts: a node's span there begins at its anchor, a block
//! scalar's at its first content line, an indentless sequence's after its first `-`.
//! The reader converts to bytes and, where needed, finds the first character itself by
//! skipping what may stand before a node (blanks, comments, `:`/`?`/`-` indicators,
//! anchors) from the end of what it read last.

use std::collections::HashMap;
use std::fmt::Write as _;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError};

use super::lowercase_first;
use super::node::{Member, Node, NodeKind, push_pointer_token};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{SourceFile, Span};

/// The deepest nesting of mappings and sequences read, as for JSON.
const MAX_DEPTH: usize = 512;

/// What one node costs the size budget, besides the bytes of its text: roughly the memory
/// it takes.
const NODE_COST: usize = 64;

/// The least size budget (about a million nodes). Aliases copy nodes, so a small text
/// can stand for a huge tree ("billion laughs"); reading stops when the tree, with the
/// copies kept for aliases, would cost more than this or 128 bytes per byte of text.
const MIN_BUDGET: usize = 64 << 20;

/// Parses `source` as YAML.
pub(crate) fn parse(source: &SourceFile) -> Result<Node, Diagnostics> {
    Reader::new(source.text()).read()
}

/// Reads saphyr's events into a tree, one collection [`Frame`] per open mapping or
/// sequence, without recursion.
struct Reader<'t> {
    text: &'t str,
    /// The byte offset of each character, then the text's length: saphyr's markers
    /// count characters.
    char_bytes: Vec<usize>,
    /// The collections being read, outermost first.
    stack: Vec<Frame>,
    /// Completed anchored nodes, by saphyr's anchor id, for aliases to copy.
    anchors: HashMap<usize, Anchored>,
    /// Byte offset just past what was read last; a node whose first character saphyr
    /// does not give is searched for from here.
    last_end: usize,
    /// The size spent so far (see [`NODE_COST`]).
    spent: usize,
    /// The size allowed.
    budget: usize,
    document_seen: bool,
    root: Option<Node>,
}

/// A mapping or sequence being read.
struct Frame {
    /// Byte offset of its first character.
    start: usize,
    /// Written in flow style (`[…]`, `{…}`): it ends at its closing bracket, not at its
    /// last child.
    flow: bool,
    /// saphyr's anchor id, 0 for none.
    anchor: usize,
    /// The size of its subtree so far.
    cost: usize,
    /// The levels of collections in it, itself included.
    height: usize,
    /// The end of its last child (or its start).
    end: usize,
    items: Items,
}

enum Items {
    Sequence(Vec<Node>),
    Mapping {
        members: Vec<Member>,
        /// The key read, waiting for its value.
        key: Option<(String, Span)>,
    },
}

/// A completed anchored node.
enum Anchored {
    /// A scalar, kept as written: a key takes its text, a value is typed.
    Scalar {
        value: String,
        style: ScalarStyle,
        span: Span,
    },
    /// A mapping or sequence.
    Collection {
        node: Node,
        cost: usize,
        height: usize,
    },
}

impl<'t> Reader<'t> {
    fn new(text: &'t str) -> Self {
        Reader {
            text,
            char_bytes: text
                .char_indices()
                .map(|(at, _)| at)
                .chain(std::iter::once(text.len()))
                .collect(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            last_end: 0,
            spent: 0,
            budget: MIN_BUDGET.max(text.len().saturating_mul(128)),
            document_seen: false,
            root: None,
        }
    }

    fn read(mut self) -> Result<Node, Diagnostics> {
        for event in Parser::new_from_str(self.text) {
            let (event, span) = event.map_err(|error| self.syntax_error(&error))?;
            let (start, end) = (self.byte(span.start), self.byte(span.end));
            match event {
                Event::DocumentStart(explicit) => self.document_start(explicit, start, end)?,
                Event::Scalar(_, _, _, Some(_))
                | Event::SequenceStart(_, Some(_))
                | Event::MappingStart(_, Some(_)) => return Err(self.tag_error(start, end).into()),
                Event::Scalar(value, style, anchor, None) => {
                    self.scalar(&value, style, anchor, start, end)?;
                }
                Event::Alias(id) => self.alias(id, Span::new(start, end))?,
                Event::SequenceStart(anchor, None) => self.open(false, anchor, start, end)?,
                Event::MappingStart(anchor, None) => self.open(true, anchor, start, end)?,
                Event::SequenceEnd | Event::MappingEnd => self.close(start)?,
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
            }
        }
        self.root
            .ok_or_else(|| missing_description(self.text).into())
    }

    fn document_start(
        &mut self,
        explicit: bool,
        start: usize,
        end: usize,
    ) -> Result<(), Diagnostics> {
        if self.document_seen {
            let span = if start < end {
                Span::new(start, end)
            } else {
                self.point(start)
            };
            return Err(Diagnostics::from(
                Diagnostic::new(
                    Code::InvalidJsonDescription,
                    "/",
                    Some(span),
                    "invalid YAML: a definition is a single document, but a second one starts here",
                )
                .with_help("remove the `---` and what follows it, or put it in a file of its own"),
            ));
        }
        self.document_seen = true;
        // An implicit document's event sits on its first token, which for a block scalar
        // is past its `|`.
        self.last_end = if explicit { end } else { 0 };
        Ok(())
    }

    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        anchor: usize,
        start: usize,
        end: usize,
    ) -> Result<(), Diagnostics> {
        let nothing = style == ScalarStyle::Plain && value.is_empty() && anchor == 0;
        if nothing && self.stack.is_empty() {
            return Err(missing_description(self.text).into());
        }
        let span = if nothing {
            // saphyr puts an omitted key on its `:` and an omitted item after its `-`, but
            // an omitted value on the `:` before it or, without one, on the next token:
            // point just after the `:`, or else after the key.
            let at = if self.in_key_position() || !self.in_mapping() {
                start
            } else if self.byte_is(start, b':') {
                start + 1
            } else {
                self.last_end.min(start)
            };
            Span::new(at, at)
        } else if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            self.block_scalar_span(anchor, start, end)
        } else {
            let first = if anchor != 0 {
                self.skip_to_content(start, b"").min(end)
            } else {
                start
            };
            match style {
                // saphyr's span goes on over the blanks and comment after the quote.
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                    Span::new(first, self.quoted_end(first).unwrap_or(end))
                }
                _ => Span::new(first, end),
            }
        };
        self.last_end = span.end;
        if anchor != 0 {
            self.charge(NODE_COST + value.len(), span)?;
            let anchored = Anchored::Scalar {
                value: value.to_owned(),
                style,
                span,
            };
            self.anchors.insert(anchor, anchored);
        }
        self.scalar_node(value, style, span)
    }

    /// The span of a `|` or `>` scalar: from its indicator to its last non-blank
    /// character. saphyr's starts at the anchor, or else at the first content line.
    fn block_scalar_span(&self, anchor: usize, start: usize, end: usize) -> Span {
        let from = if anchor != 0 {
            start
        } else {
            self.last_end.min(start)
        };
        let indicator = self.skip_to_content(from, b"");
        let first = if indicator <= end && matches!(self.byte_at(indicator), Some(b'|' | b'>')) {
            indicator
        } else {
            start
        };
        let written = self.text.get(first..end).unwrap_or_default();
        Span::new(first, first + written.trim_end_matches(is_blank).len())
    }

    /// The end of the quoted scalar opening at `open`: past its closing quote.
    fn quoted_end(&self, open: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let quote = *bytes.get(open)?;
        let mut at = open + 1;
        while let Some(&byte) = bytes.get(at) {
            if quote == b'"' && byte == b'\\' {
                at += 2;
            } else if byte == quote && (quote == b'"' || bytes.get(at + 1) != Some(&b'\'')) {
                return Some(at + 1);
            } else {
                // A doubled `''` is skipped whole.
                at += 1 + usize::from(byte == quote);
            }
        }
        None
    }

    /// Puts a scalar in place: as the pending key of a mapping (its text as written) or
    /// as a value (typed).
    fn scalar_node(
        &mut self,
        value: &str,
        style: ScalarStyle,
        span: Span,
    ) -> Result<(), Diagnostics> {
        let cost = NODE_COST + value.len();
        self.charge(cost, span)?;
        if self.in_key_position() {
            self.set_key(value.to_owned(), span, cost);
            return Ok(());
        }
        let kind = if style == ScalarStyle::Plain {
            plain_kind(value).ok_or_else(|| {
                Diagnostic::new(
                    Code::InvalidJsonDescription,
                    self.pointer(),
                    Some(span),
                    format!("`{value}` is not a finite number, which JSON cannot hold"),
                )
                .with_help("quote it if it is meant as text")
            })?
        } else {
            NodeKind::String(value.to_owned())
        };
        self.place(Node::new(span, kind), cost, 0);
        Ok(())
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), Diagnostics> {
        self.last_end = span.end;
        let (cost, height) = match self.anchors.get(&id) {
            None => {
                return Err(Diagnostics::from(Diagnostic::new(
                    Code::InvalidJsonDescription,
                    self.pointer(),
                    Some(span),
                    "invalid YAML: this alias refers to a node that contains it",
                )));
            }
            Some(Anchored::Scalar { value, style, span }) => {
                let (value, style, span) = (value.clone(), *style, *span);
                return self.scalar_node(&value, style, span);
            }
            Some(Anchored::Collection { cost, height, .. }) => (*cost, *height),
        };
        if self.in_key_position() {
            return Err(self.complex_key_error(span).into());
        }
        if self.stack.len() + height > MAX_DEPTH {
            return Err(self.too_deep(span).into());
        }
        self.charge(cost, span)?;
        if let Some(Anchored::Collection { node, .. }) = self.anchors.get(&id) {
            let node = node.clone();
            self.place(node, cost, height);
        }
        Ok(())
    }

    fn open(
        &mut self,
        mapping: bool,
        anchor: usize,
        start: usize,
        end: usize,
    ) -> Result<(), Diagnostics> {
        // Past its anchor, a flow collection's event starts at its bracket (and ends after
        // the blanks that follow it); a block one's is empty at its first key or `-`, or
        // covers a `? `, or ends past the first `-` of a sequence not indented under its key.
        let content = self.skip_to_content(start, b":?-");
        let opened_by_bracket = content < end && matches!(self.byte_at(content), Some(b'[' | b'{'));
        let first = if opened_by_bracket {
            content
        } else if mapping {
            if anchor == 0 { start } else { end }
        } else if self.in_mapping() {
            // Only a mapping's value may be a sequence not indented under its key, whose
            // event ends past its first `-`: find that `-` after the key.
            let from = if anchor != 0 { start } else { self.last_end };
            let dash = self.skip_to_content(from, b"-");
            if dash <= end && self.byte_is(dash, b'-') {
                dash
            } else {
                end
            }
        } else {
            end
        };
        let here = self.point(first);
        if self.in_key_position() {
            return Err(self.complex_key_error(here).into());
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.too_deep(here).into());
        }
        self.charge(NODE_COST, here)?;
        // Past the bracket or `-`; a block mapping's first key is read from its start.
        self.last_end = if mapping && !opened_by_bracket {
            first
        } else {
            (first + 1).min(self.text.len())
        };
        let items = if mapping {
            Items::Mapping {
                members: Vec::new(),
                key: None,
            }
        } else {
            Items::Sequence(Vec::new())
        };
        self.stack.push(Frame {
            start: first,
            flow: opened_by_bracket,
            anchor,
            cost: NODE_COST,
            height: 1,
            end: first,
            items,
        });
        Ok(())
    }

    /// Closes the innermost collection; a flow one's end event starts at its bracket.
    fn close(&mut self, bracket: usize) -> Result<(), Diagnostics> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let end = match self.byte_at(bracket) {
            Some(b']' | b'}') if frame.flow => bracket + 1,
            _ => frame.end,
        };
        self.last_end = end;
        let kind = match frame.items {
            Items::Sequence(items) => NodeKind::Array(items),
            Items::Mapping { members, .. } => NodeKind::Object(members),
        };
        let node = Node::new(Span::new(frame.start, end), kind);
        if frame.anchor != 0 {
            self.charge(frame.cost, node.span)?;
            let anchored = Anchored::Collection {
                node: node.clone(),
                cost: frame.cost,
                height: frame.height,
            };
            self.anchors.insert(frame.anchor, anchored);
        }
        self.place(node, frame.cost, frame.height);
        Ok(())
    }

    fn in_mapping(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                items: Items::Mapping { .. },
                ..
            })
        )
    }

    fn in_key_position(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                items: Items::Mapping { key: None, .. },
                ..
            })
        )
    }

    fn set_key(&mut self, key: String, span: Span, cost: usize) {
        let end = self.last_end;
        if let Some(frame) = self.stack.last_mut() {
            frame.cost += cost;
            frame.end = frame.end.max(end);
            if let Items::Mapping { key: pending, .. } = &mut frame.items {
                *pending = Some((key, span));
            }
        }
    }

    /// Puts a value in its collection (after its key, in a mapping), or makes it the root.
    /// The collection extends to the end of what was read last: the value or, for a copy,
    /// its alias.
    fn place(&mut self, node: Node, cost: usize, height: usize) {
        let end = self.last_end;
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        frame.cost += cost;
        frame.height = frame.height.max(height + 1);
        frame.end = frame.end.max(end);
        match &mut frame.items {
            Items::Sequence(items) => items.push(node),
            Items::Mapping { members, key } => {
                if let Some((key, key_span)) = key.take() {
                    members.push(Member {
                        key,
                        key_span,
                        value: node,
                    });
                }
            }
        }
    }

    /// Adds `cost` to the size spent; too much is an error at `span`.
    fn charge(&mut self, cost: usize, span: Span) -> Result<(), Diagnostics> {
        self.spent = self.spent.saturating_add(cost);
        if self.spent <= self.budget {
            return Ok(());
        }
        Err(Diagnostics::from(
            Diagnostic::new(
                Code::InvalidJsonDescription,
                self.pointer(),
                Some(span),
                format!(
                    "invalid YAML: aliases expand the definition beyond {} nodes",
                    self.budget / NODE_COST
                ),
            )
            .with_help(
                "each alias copies the node of its anchor; write the definition out instead",
            ),
        ))
    }

    /// The JSON pointer of the node being read: the current mapping's when a key is.
    fn pointer(&self) -> String {
        let mut pointer = String::new();
        for frame in &self.stack {
            match &frame.items {
                Items::Sequence(items) => {
                    let _ = write!(pointer, "/{}", items.len());
                }
                Items::Mapping {
                    key: Some((key, _)),
                    ..
                } => {
                    pointer.push('/');
                    push_pointer_token(&mut pointer, key);
                }
                Items::Mapping { key: None, .. } => break,
            }
        }
        if pointer.is_empty() {
            pointer.push('/');
        }
        pointer
    }

    fn syntax_error(&self, error: &ScanError) -> Diagnostic {
        let at = self.point(self.byte(*error.marker()));
        // saphyr counts flow levels in a `u8`.
        if error.info() == "recursion limit exceeded" {
            return Diagnostic::new(
                Code::TooDeeplyNested,
                self.pointer(),
                Some(at),
                "invalid YAML: flow collections (`[...]`, `{...}`) nest deeper than 255 levels",
            );
        }
        Diagnostic::new(
            Code::InvalidJsonDescription,
            self.pointer(),
            Some(at),
            format!("invalid YAML: {}", lowercase_first(error.info())),
        )
    }

    /// An error at the tag of the node whose event spans `start..end`.
    fn tag_error(&self, start: usize, end: usize) -> Diagnostic {
        let at = self.skip_to_content(start, b"!");
        let span = if self.byte_is(at, b'!') {
            Span::new(at, self.token_end(at))
        } else {
            Span::new(start, end)
        };
        let tag = self.text.get(span.range()).unwrap_or_default();
        Diagnostic::new(
            Code::InvalidJsonDescription,
            self.pointer(),
            Some(span),
            format!("invalid YAML: tag `{tag}` is not allowed in a definition"),
        )
        .with_help(
            "CloudFormation intrinsic functions (`!Ref`, `!Sub`, `!GetAtt`, ...) belong in the \
             template, not in the definition: pass values in with `DefinitionSubstitutions` and \
             write `${Name}` here; quote the value if it is meant as text",
        )
    }

    fn complex_key_error(&self, span: Span) -> Diagnostic {
        Diagnostic::new(
            Code::InvalidJsonDescription,
            self.pointer(),
            Some(span),
            "invalid YAML: a mapping or sequence cannot be a key",
        )
        .with_help("keys of a definition are strings")
    }

    fn too_deep(&self, span: Span) -> Diagnostic {
        Diagnostic::new(
            Code::TooDeeplyNested,
            self.pointer(),
            Some(span),
            format!("invalid YAML: mappings and sequences nest deeper than {MAX_DEPTH} levels"),
        )
    }

    /// The byte offset of a saphyr marker.
    fn byte(&self, marker: Marker) -> usize {
        self.char_bytes
            .get(marker.index())
            .copied()
            .unwrap_or(self.text.len())
    }

    fn byte_at(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    fn byte_is(&self, at: usize, byte: u8) -> bool {
        self.byte_at(at) == Some(byte)
    }

    /// A span on the character at `at`, empty at the end of the text or of a line.
    fn point(&self, at: usize) -> Span {
        match self.text.get(at..).and_then(|rest| rest.chars().next()) {
            Some(ch) if ch != '\n' && ch != '\r' => Span::new(at, at + ch.len_utf8()),
            _ => Span::new(at, at),
        }
    }

    /// The first byte from `from` that is not blank, a comment, an indicator (`:`, `?`,
    /// `-` before a blank), an anchor or a tag, stopping early at any byte of `stop`.
    fn skip_to_content(&self, from: usize, stop: &[u8]) -> usize {
        let bytes = self.text.as_bytes();
        let mut at = from;
        while let Some(&byte) = bytes.get(at) {
            if stop.contains(&byte) {
                break;
            }
            match byte {
                b' ' | b'\t' | b'\r' | b'\n' => at += 1,
                b'#' => {
                    at += bytes[at..]
                        .iter()
                        .position(|&b| b == b'\n' || b == b'\r')
                        .unwrap_or(bytes.len() - at);
                }
                b':' | b'?' | b'-'
                    if bytes.get(at + 1).is_none_or(|&b| is_blank(char::from(b))) =>
                {
                    at += 1;
                }
                b'&' | b'!' => at = self.token_end(at),
                _ if bytes[at..].starts_with("\u{feff}".as_bytes()) => at += 3,
                _ => break,
            }
        }
        at
    }

    /// The end of the anchor or tag starting at `at`: the next blank or flow indicator.
    fn token_end(&self, at: usize) -> usize {
        let bytes = self.text.as_bytes();
        at + 1
            + bytes[at + 1..]
                .iter()
                .position(|b| b" \t\r\n,[]{}".contains(b))
                .unwrap_or(bytes.len() - at - 1)
    }
}

fn is_blank(ch: char) -> bool {
    matches!(ch, ' ' | '\t' | '\r' | '\n')
}

/// Types a plain scalar by the YAML 1.2 core schema, as saphyr does (keeping integers
/// up to `u64::MAX`); `None` for `.nan`, `.inf` and numbers too large for a float,
/// which JSON cannot hold.
fn plain_kind(text: &str) -> Option<NodeKind> {
    let kind = match text {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" | "True" | "TRUE" => NodeKind::Bool(true),
        "false" | "False" | "FALSE" => NodeKind::Bool(false),
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return None,
        _ => match integer(text) {
            Some(number) => NodeKind::Number(number),
            // Rust reads `inf` and `nan` as floats; the core schema does not.
            None if text.bytes().any(|b| b.is_ascii_digit()) => match text.parse::<f64>() {
                Ok(float) => return serde_json::Number::from_f64(float).map(NodeKind::Number),
                Err(_) => NodeKind::String(text.to_owned()),
            },
            None => NodeKind::String(text.to_owned()),
        },
    };
    Some(kind)
}

/// A decimal, `0x` hexadecimal or `0o` octal integer of the core schema.
fn integer(text: &str) -> Option<serde_json::Number> {
    // `from_str_radix` takes a sign, which the core schema does not allow after a prefix.
    let unsigned = |digits: &str, radix| {
        if digits.starts_with(['+', '-']) {
            None
        } else {
            u64::from_str_radix(digits, radix).ok().map(Into::into)
        }
    };
    if let Some(digits) = text.strip_prefix("0x") {
        return unsigned(digits, 16);
    }
    if let Some(digits) = text.strip_prefix("0o") {
        return unsigned(digits, 8);
    }
    match text.parse::<u64>() {
        Ok(number) => Some(number.into()),
        Err(_) => text.parse::<i64>().ok().map(Into::into),
    }
}

fn missing_description(text: &str) -> Diagnostic {
    Diagnostic::new(
        Code::MissingDescription,
        "/",
        Some(Span::new(0, text.len())),
        "the definition is empty",
    )
    .with_help("a definition is a mapping with `StartAt` and `States`")
}

#[cfg(test)]
mod tests;
