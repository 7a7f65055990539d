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
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn parse_text(text: &str) -> Result<Node, Diagnostics> {
        parse(&SourceFile::new("t.asl.yaml", text))
    }

    fn only_error(text: &str) -> Diagnostic {
        let errors = parse_text(text).unwrap_err();
        assert_eq!(errors.len(), 1, "{text}");
        errors.into_iter().next().unwrap()
    }

    /// The source text of the error's span.
    fn error_text<'a>(text: &'a str, error: &Diagnostic) -> &'a str {
        &text[error.span.unwrap().range()]
    }

    fn member<'n>(node: &'n Node, key: &str) -> &'n Member {
        node.as_object()
            .unwrap()
            .iter()
            .find(|member| member.key == key)
            .unwrap_or_else(|| panic!("no key {key}"))
    }

    fn all_spans(node: &Node, spans: &mut Vec<Span>) {
        spans.push(node.span);
        match &node.kind {
            NodeKind::Array(items) => items.iter().for_each(|item| all_spans(item, spans)),
            NodeKind::Object(members) => {
                for member in members {
                    spans.push(member.key_span);
                    all_spans(&member.value, spans);
                }
            }
            _ => {}
        }
    }

    const DEFINITION_YAML: &str = r#"
# An order workflow.
Comment: "Processes an order: ${OrderTable}"
StartAt: Validate
TimeoutSeconds: 3600
Version: "1.0"
States:
  Validate:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Parameters:
      FunctionName: "${ValidateFunction}"
      Payload.$: $
      Retries: 0x10
    Retry:
      - ErrorEquals: [Lambda.ServiceException, "States.TaskFailed"]
        IntervalSeconds: 2
        MaxAttempts: 3
        BackoffRate: 1.5
        JitterStrategy: FULL
    ResultPath: null
    Next: Choose
  Choose:
    Type: Choice
    Choices:
      - Variable: $.total
        NumericGreaterThan: -12.5e2
        Next: Big
      - Variable: $.express
        BooleanEquals: true
        Next: Done
    Default: Done
  Big:
    Type: Pass
    Result:
      note: |
        Large order,
        handle with care.
      folded: >-
        one
        line
      empty: ~
      flags: [yes, no, on, False]
      code: '007'
      big: 18446744073709551615
      negative: -9223372036854775808
    Next: Done
  Done:
    Type: Succeed
"#;

    const DEFINITION_JSON: &str = r#"{
  "Comment": "Processes an order: ${OrderTable}",
  "StartAt": "Validate",
  "TimeoutSeconds": 3600,
  "Version": "1.0",
  "States": {
    "Validate": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {
        "FunctionName": "${ValidateFunction}",
        "Payload.$": "$",
        "Retries": 16
      },
      "Retry": [
        {
          "ErrorEquals": ["Lambda.ServiceException", "States.TaskFailed"],
          "IntervalSeconds": 2,
          "MaxAttempts": 3,
          "BackoffRate": 1.5,
          "JitterStrategy": "FULL"
        }
      ],
      "ResultPath": null,
      "Next": "Choose"
    },
    "Choose": {
      "Type": "Choice",
      "Choices": [
        {"Variable": "$.total", "NumericGreaterThan": -12.5e2, "Next": "Big"},
        {"Variable": "$.express", "BooleanEquals": true, "Next": "Done"}
      ],
      "Default": "Done"
    },
    "Big": {
      "Type": "Pass",
      "Result": {
        "note": "Large order,\nhandle with care.\n",
        "folded": "one line",
        "empty": null,
        "flags": ["yes", "no", "on", false],
        "code": "007",
        "big": 18446744073709551615,
        "negative": -9223372036854775808
      },
      "Next": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
}"#;

    #[test]
    fn yaml_and_json_read_alike() {
        let yaml = parse_text(DEFINITION_YAML).unwrap();
        let json = super::super::json::parse(&SourceFile::new("t.json", DEFINITION_JSON)).unwrap();
        assert_eq!(yaml.to_json(), json.to_json());
        // Integers stay integers, as in JSON.
        let value = yaml.to_json();
        assert!(value["TimeoutSeconds"].is_u64());
        assert!(value["States"]["Big"]["Result"]["negative"].is_i64());
        assert!(value["States"]["Choose"]["Choices"][0]["NumericGreaterThan"].is_f64());
    }

    #[test]
    fn spans_are_bytes_of_the_text_as_written() {
        let text = "\u{feff}Comment: \"é ✓\"\r\n\
                    Ünï: plain välue # comment ✓\n\
                    'Quöted ''k''': 'sïngle ''q'''\n\
                    \"Dq\\u00e9\": \"dq \\u00e9\"  # comment ✓\n\
                    Nested:\n  Ä: 1\n  B: [x, \"ÿ\", 3]  # ✓\n\
                    List:\n  - ö\n  - {k: v}\n\
                    Indentless:\n- a\n- - b\n  - c\n\
                    Block: |+ # keep ✓\n  line ✓\n  two\n\n\
                    Anchored: &a ünï\n\
                    Empty:\n\
                    Multi: first\n  second\n\
                    Last: ok\n";
        let root = parse_text(text).unwrap();
        let at = |span: Span| &text[span.range()];
        assert_eq!(at(root.span), &text[3..text.len() - 1]);
        let expect = [
            ("Comment", "Comment", "\"é ✓\""),
            ("Ünï", "Ünï", "plain välue"),
            ("Quöted 'k'", "'Quöted ''k'''", "'sïngle ''q'''"),
            ("Dqé", "\"Dq\\u00e9\"", "\"dq \\u00e9\""),
            ("Nested", "Nested", "Ä: 1\n  B: [x, \"ÿ\", 3]"),
            ("List", "List", "- ö\n  - {k: v}"),
            ("Indentless", "Indentless", "- a\n- - b\n  - c"),
            ("Block", "Block", "|+ # keep ✓\n  line ✓\n  two"),
            ("Anchored", "Anchored", "ünï"),
            ("Empty", "Empty", ""),
            ("Multi", "Multi", "first\n  second"),
            ("Last", "Last", "ok"),
        ];
        for (key, key_text, value_text) in expect {
            let member = member(&root, key);
            assert_eq!(at(member.key_span), key_text, "key {key}");
            assert_eq!(at(member.value.span), value_text, "value of {key}");
        }
        // An omitted value is an empty span just after its `:`.
        let empty = member(&root, "Empty");
        assert_eq!(empty.value.kind, NodeKind::Null);
        assert_eq!(empty.value.span.start, empty.key_span.end + 1);

        let nested = &member(&root, "Nested").value;
        let b = member(nested, "B");
        assert_eq!(at(b.key_span), "B");
        let items = b.value.as_array().unwrap();
        let texts: Vec<&str> = items.iter().map(|item| at(item.span)).collect();
        assert_eq!(texts, ["x", "\"ÿ\"", "3"]);
        assert_eq!(at(member(nested, "Ä").value.span), "1");

        let list = member(&root, "List").value.as_array().unwrap();
        assert_eq!(at(list[0].span), "ö");
        assert_eq!(at(list[1].span), "{k: v}");
        assert_eq!(at(member(&list[1], "k").key_span), "k");

        let indentless = member(&root, "Indentless").value.as_array().unwrap();
        assert_eq!(at(indentless[1].span), "- b\n  - c");
        assert_eq!(at(indentless[1].as_array().unwrap()[1].span), "c");
        assert_eq!(
            member(&root, "Block").value.as_str(),
            Some("line ✓\ntwo\n\n")
        );
        assert_eq!(member(&root, "Multi").value.as_str(), Some("first second"));
    }

    #[test]
    fn flow_collections_span_their_brackets() {
        let text = "é: &x [1, {a: [ ]}, [b: c]]";
        let root = parse_text(text).unwrap();
        let value = &member(&root, "é").value;
        assert_eq!(&text[value.span.range()], "[1, {a: [ ]}, [b: c]]");
        let items = value.as_array().unwrap();
        assert_eq!(&text[items[1].span.range()], "{a: [ ]}");
        assert_eq!(&text[member(&items[1], "a").value.span.range()], "[ ]");
        // A single pair in a flow sequence is a mapping from its key to its value.
        let pair = &items[2].as_array().unwrap()[0];
        assert_eq!(&text[pair.span.range()], "b: c");
    }

    #[test]
    fn duplicate_keys_are_kept_in_order() {
        let text = "a: 1\nb: 2\na: [3]\n";
        let root = parse_text(text).unwrap();
        let members = root.as_object().unwrap();
        let keys: Vec<&str> = members.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "a"]);
        assert_eq!(&text[members[2].key_span.range()], "a");
        assert_eq!(&text[members[2].value.span.range()], "[3]");
    }

    #[test]
    fn scalars_are_typed_by_the_core_schema() {
        let text = "[~, null, NULL, '', true, False, yes, 1, +2, -3, 0o17, 0x1f, 0x, 1.5, \
                    .5, 1e3, 1_000, 18446744073709551616, \"1\", '2.5', 0x-1, inf, .Nan]";
        let root = parse_text(text).unwrap();
        let json = root.to_json();
        assert_eq!(
            json,
            serde_json::json!([
                null,
                null,
                null,
                "",
                true,
                false,
                "yes",
                1,
                2,
                -3,
                15,
                31,
                "0x",
                1.5,
                0.5,
                1000.0,
                "1_000",
                18446744073709551616.0,
                "1",
                "2.5",
                "0x-1",
                "inf",
                ".Nan"
            ])
        );
        assert!(json[7].is_u64() && json[9].is_i64() && json[15].is_f64());
    }

    #[test]
    fn keys_are_their_text_as_written() {
        let text = "1: a\ntrue: b\n~: c\n0x10: d\n\"q\\tk\": e\n: f\n";
        let root = parse_text(text).unwrap();
        let keys: Vec<&str> = root
            .as_object()
            .unwrap()
            .iter()
            .map(|m| m.key.as_str())
            .collect();
        assert_eq!(keys, ["1", "true", "~", "0x10", "q\tk", ""]);
    }

    #[test]
    fn aliases_copy_the_anchored_node_with_its_spans() {
        let text = "base: &b {Type: Pass, End: true}\ncopy: *b\nname: &n 5\n*n : x\nagain: *n\n";
        let root = parse_text(text).unwrap();
        let base = &member(&root, "base").value;
        let copy = &member(&root, "copy").value;
        assert_eq!(copy, base);
        assert_eq!(&text[copy.span.range()], "{Type: Pass, End: true}");
        // A scalar alias is a key by its text and a value by its type.
        let key = member(&root, "5");
        assert_eq!(&text[key.key_span.range()], "5");
        assert_eq!(member(&root, "again").value.to_json(), serde_json::json!(5));
        // The mapping ends at the alias, not at the copy's span.
        assert_eq!(&text[root.span.range()], text.trim_end());
    }

    #[test]
    fn omitted_values_are_empty_spans_after_their_key() {
        let text = "? a\n: b\n? c\nd:\ne: [x, {f, g: }]\nh:\n- i\n-\n";
        let root = parse_text(text).unwrap();
        assert_eq!(&text[root.span.range()], text.trim_end());
        let offset_after = |needle: &str| text.find(needle).unwrap() + needle.len();
        let at = |span: Span| (span.start, span.end);
        let empty = |at: usize| (at, at);
        assert_eq!(
            at(member(&root, "c").value.span),
            empty(offset_after("? c"))
        );
        assert_eq!(at(member(&root, "d").value.span), empty(offset_after("d:")));
        let flow = &member(&root, "e").value.as_array().unwrap()[1];
        assert_eq!(at(member(flow, "f").value.span), empty(offset_after("{f")));
        assert_eq!(at(member(flow, "g").value.span), empty(offset_after("g:")));
        let items = member(&root, "h").value.as_array().unwrap();
        assert_eq!(items[1].kind, NodeKind::Null);
        assert_eq!(at(items[1].span), empty(text.len() - 1));
    }

    #[test]
    fn syntax_error_points_at_the_problem() {
        let text = "Ä: 1\nb: [1, 2\nc: 3\n";
        let error = only_error(text);
        assert_eq!(error.code, Code::InvalidJsonDescription);
        assert!(
            error.message.starts_with("invalid YAML: "),
            "{}",
            error.message
        );
        assert!(error.message.chars().nth(14).unwrap().is_lowercase());
        let span = error.span.unwrap();
        assert!(span.end - span.start <= 1);
        assert!(span.start > text.find('[').unwrap(), "{span:?}");

        let text = "a:\n\tb: 1\n";
        let error = only_error(text);
        assert_eq!(error.code, Code::InvalidJsonDescription);
        assert_eq!(error_text(text, &error), "b");
    }

    #[test]
    fn tags_are_errors_at_the_tag() {
        for (text, tag) in [
            ("Resource: !Ref MyFunction\n", "!Ref"),
            ("States:\n  A:\n    Comment: &a !Sub '${X}'\n", "!Sub"),
            ("a: !GetAtt\n  - F\n  - Arn\n", "!GetAtt"),
            ("a: [!!str 1]\n", "!!str"),
            ("!x k: v\n", "!x"),
        ] {
            let error = only_error(text);
            assert_eq!(error.code, Code::InvalidJsonDescription, "{text}");
            assert_eq!(error_text(text, &error), tag, "{text}");
            assert!(error.help.as_deref().unwrap().contains("template"));
        }
        let error = only_error("States:\n  A:\n    Comment: &a !Sub '${X}'\n");
        assert_eq!(error.pointer, "/States/A/Comment");
        // A substitution in a plain string is just text.
        let root = parse_text("Resource: ${Function}\n").unwrap();
        assert_eq!(
            member(&root, "Resource").value.as_str(),
            Some("${Function}")
        );
    }

    #[test]
    fn a_second_document_is_an_error() {
        let text = "StartAt: A\n---\nStartAt: B\n";
        let error = only_error(text);
        assert_eq!(error.code, Code::InvalidJsonDescription);
        assert_eq!(error_text(text, &error), "---");
        // One explicit document, ended, is fine.
        assert!(parse_text("---\nStartAt: A\n...\n").is_ok());
    }

    #[test]
    fn alias_bombs_are_stopped() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let previous = level - 1;
            let _ = writeln!(
                text,
                "a{level}: &a{level} [*a{previous}, *a{previous}, *a{previous}, *a{previous}, \
                 *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, \
                 *a{previous}]"
            );
        }
        let error = only_error(&text);
        assert_eq!(error.code, Code::InvalidJsonDescription);
        assert!(error.message.contains("aliases"), "{}", error.message);

        // Long strings copied many times count too.
        let mut text = format!("s: &s '{}'\nl: [", "x".repeat(100_000));
        text.push_str(&"*s, ".repeat(2_000));
        text.push_str("]\n");
        assert!(only_error(&text).message.contains("aliases"));
    }

    #[test]
    fn unknown_and_recursive_aliases_are_errors() {
        let text = "a: *nope\n";
        let error = only_error(text);
        assert_eq!(error.code, Code::InvalidJsonDescription);
        assert_eq!(error.span.unwrap().start, 3);

        let text = "a: &r [1, *r]\n";
        let error = only_error(text);
        assert_eq!(error.code, Code::InvalidJsonDescription);
        assert_eq!(error_text(text, &error), "*r");
    }

    #[test]
    fn collections_cannot_be_keys() {
        for (text, at) in [
            ("? [a, b]\n: 1\n", "["),
            ("{a: 1}: 2\n", "{"),
            ("? - a\n: 1\n", "-"),
            ("x: &m {a: 1}\n*m : 2\n", "*m"),
        ] {
            let error = only_error(text);
            assert_eq!(error.code, Code::InvalidJsonDescription, "{text}");
            assert_eq!(error_text(text, &error), at, "{text}");
        }
    }

    #[test]
    fn non_finite_numbers_are_errors() {
        for (text, at) in [
            ("a: .nan\n", ".nan"),
            ("a: [1, -.Inf]\n", "-.Inf"),
            ("a: 1e999\n", "1e999"),
        ] {
            let error = only_error(text);
            assert_eq!(error.code, Code::InvalidJsonDescription, "{text}");
            assert_eq!(error_text(text, &error), at, "{text}");
        }
        // As keys and as text they are fine.
        assert!(parse_text(".nan: '.inf'\n").is_ok());
    }

    #[test]
    fn empty_definitions_are_missing() {
        for text in ["", "  \n", "# nothing\n", "---\n", "--- # c\n...\n"] {
            assert_eq!(only_error(text).code, Code::MissingDescription, "{text:?}");
        }
        // An explicit null is a value, as in JSON.
        assert_eq!(parse_text("null").unwrap().kind, NodeKind::Null);
    }

    /// `levels` mappings nested in block style, the innermost holding `innermost`.
    fn block_nest(levels: usize, innermost: &str) -> String {
        let mut text = String::new();
        for level in 0..levels {
            let _ = writeln!(text, "{}k:", " ".repeat(level));
        }
        let _ = writeln!(text, "{}k: {innermost}", " ".repeat(levels));
        text
    }

    #[test]
    fn deep_nesting_is_too_deeply_nested() {
        assert!(parse_text(&block_nest(MAX_DEPTH - 1, "x")).is_ok());
        let error = only_error(&block_nest(MAX_DEPTH, "x"));
        assert_eq!(error.code, Code::TooDeeplyNested);
        assert_eq!(error.pointer, format!("{}/k", "/k".repeat(MAX_DEPTH - 1)));

        // saphyr stops flow collections at 255 levels.
        let flow = |levels| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
        assert!(parse_text(&flow(255)).is_ok());
        assert_eq!(only_error(&flow(256)).code, Code::TooDeeplyNested);
        assert_eq!(only_error(&"[".repeat(10_000)).code, Code::TooDeeplyNested);

        // An alias counts the depth of what it copies.
        let text = block_nest(300, &format!("[&d {}, *d]", flow(200)));
        assert!(parse_text(&text).is_ok());
        let text = block_nest(
            300,
            &format!("[&d {}, {}*d{}]", flow(200), "[".repeat(11), "]".repeat(11)),
        );
        let error = only_error(&text);
        assert_eq!(error.code, Code::TooDeeplyNested);
        assert_eq!(error_text(&text, &error), "*d");
    }

    /// Writes a JSON value as YAML in styles picked from `choices`, recording the text of
    /// each scalar (keys included) in document order.
    struct YamlWriter {
        choices: Vec<u8>,
        next: usize,
        scalars: Vec<String>,
    }

    impl YamlWriter {
        fn choose(&mut self, options: u8) -> u8 {
            let choice = self.choices[self.next % self.choices.len()] % options;
            self.next += 1;
            choice
        }

        fn scalar(&mut self, value: &serde_json::Value, key: bool) -> String {
            use serde_json::Value;
            let text = match value {
                Value::Null => ["null", "~", "Null"][usize::from(self.choose(3))].to_owned(),
                Value::Bool(true) => ["true", "True"][usize::from(self.choose(2))].to_owned(),
                Value::Bool(false) => "false".to_owned(),
                Value::Number(number) => number.to_string(),
                Value::String(text) => {
                    let plain = text.starts_with(|c: char| c.is_alphabetic())
                        && !text.ends_with(' ')
                        && text
                            .chars()
                            .all(|c| c.is_alphanumeric() || " .$".contains(c))
                        && (key || plain_kind(text) == Some(NodeKind::String(text.clone())));
                    match self.choose(3) {
                        0 if plain => text.clone(),
                        1 if !text.contains(char::is_control) => {
                            format!("'{}'", text.replace('\'', "''"))
                        }
                        _ => serde_json::to_string(text).unwrap(),
                    }
                }
                Value::Array(_) | Value::Object(_) => unreachable!(),
            };
            self.scalars.push(text.clone());
            text
        }

        fn flow(&mut self, value: &serde_json::Value) -> String {
            use serde_json::Value;
            match value {
                Value::Array(items) => {
                    let items: Vec<String> = items.iter().map(|item| self.flow(item)).collect();
                    format!("[{}]", items.join(", "))
                }
                Value::Object(members) => {
                    let mut written = Vec::new();
                    for (key, value) in members {
                        let key = self.scalar(&Value::String(key.clone()), true);
                        written.push(format!("{key}: {}", self.flow(value)));
                    }
                    format!("{{{}}}", written.join(", "))
                }
                scalar => self.scalar(scalar, false),
            }
        }

        /// What follows `key:` or `-` for `value`, the entry being at `indent`.
        fn entry(&mut self, value: &serde_json::Value, indent: usize, in_mapping: bool) -> String {
            use serde_json::Value;
            match value {
                Value::Null if in_mapping && self.choose(2) == 0 => {
                    self.scalars.push(String::new());
                    "\n".to_owned()
                }
                Value::String(text)
                    if text
                        .split('\n')
                        .all(|line| !line.is_empty() && line.trim() == line)
                        && self.choose(3) == 0 =>
                {
                    let mut block = "|- # ✓".to_owned();
                    for line in text.split('\n') {
                        block = format!("{block}\n{}{line}", " ".repeat(indent + 2));
                    }
                    self.scalars.push(block.clone());
                    format!(" {block}\n")
                }
                Value::Object(members) if !members.is_empty() && self.choose(3) > 0 => {
                    format!("\n{}", self.mapping(members, indent + 2, false))
                }
                Value::Array(items) if !items.is_empty() && self.choose(3) > 0 => {
                    let indentless = in_mapping && self.choose(2) == 0;
                    let indent = if indentless { indent } else { indent + 2 };
                    format!("\n{}", self.sequence(items, indent))
                }
                value => format!(" {}  # ✓\n", self.flow(value)),
            }
        }

        /// A block mapping at `indent`; its first key follows a `- ` when `compact`.
        fn mapping(
            &mut self,
            members: &serde_json::Map<String, serde_json::Value>,
            indent: usize,
            compact: bool,
        ) -> String {
            let mut text = String::new();
            for (index, (key, value)) in members.iter().enumerate() {
                if index > 0 || !compact {
                    text.push_str(&" ".repeat(indent));
                }
                text.push_str(&self.scalar(&serde_json::Value::String(key.clone()), true));
                text.push(':');
                text.push_str(&self.entry(value, indent, true));
            }
            text
        }

        fn sequence(&mut self, items: &[serde_json::Value], indent: usize) -> String {
            let mut text = String::new();
            for item in items {
                text.push_str(&" ".repeat(indent));
                text.push('-');
                match item {
                    serde_json::Value::Object(members)
                        if !members.is_empty() && self.choose(2) == 0 =>
                    {
                        text.push(' ');
                        text.push_str(&self.mapping(members, indent + 2, true));
                    }
                    item => text.push_str(&self.entry(item, indent, false)),
                }
            }
            text
        }

        fn document(&mut self, value: &serde_json::Value) -> String {
            match value {
                serde_json::Value::Object(members) if !members.is_empty() => {
                    self.mapping(members, 0, false)
                }
                serde_json::Value::Array(items) if !items.is_empty() => self.sequence(items, 0),
                value => self.flow(value),
            }
        }
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e6..1e6f64).prop_map(Value::from),
            "[a-zé✓ .$\n'\"#:{}\\-]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map("[a-zé.$ ]{0,5}", inner, 0..5)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
    }

    /// The spans of scalars (keys included) in document order; checks that each
    /// collection spans from its bracket, first `-` or first key to its bracket or last
    /// value.
    fn scalar_spans(text: &str, node: &Node, spans: &mut Vec<Span>) {
        let written = &text[node.span.range()];
        let (first, last) = match &node.kind {
            NodeKind::Array(items) => (
                items.first().map(|item| item.span),
                items.last().map(|item| item.span),
            ),
            NodeKind::Object(members) => (
                members.first().map(|member| member.key_span),
                members.last().map(|member| member.value.span),
            ),
            _ => {
                spans.push(node.span);
                return;
            }
        };
        if written.starts_with('[') {
            assert!(written.ends_with(']'), "{written:?}");
        } else if written.starts_with('{') {
            assert!(written.ends_with('}'), "{written:?}");
        } else {
            match node.kind {
                NodeKind::Array(_) => assert!(written.starts_with('-'), "{written:?}"),
                _ => assert_eq!(Some(node.span.start), first.map(|span| span.start)),
            }
            assert_eq!(
                Some(node.span.end),
                last.map(|span| span.end),
                "{written:?}"
            );
        }
        match &node.kind {
            NodeKind::Array(items) => items
                .iter()
                .for_each(|item| scalar_spans(text, item, spans)),
            NodeKind::Object(members) => {
                for member in members {
                    spans.push(member.key_span);
                    scalar_spans(text, &member.value, spans);
                }
            }
            _ => {}
        }
    }

    fn check_spans(text: &str) {
        if let Ok(node) = parse_text(text) {
            let mut spans = Vec::new();
            all_spans(&node, &mut spans);
            for span in spans {
                assert!(text.get(span.range()).is_some(), "{span:?} in {text:?}");
            }
        } else if let Err(errors) = parse_text(text) {
            for error in &errors {
                let span = error.span.unwrap();
                assert!(text.get(span.range()).is_some(), "{span:?} in {text:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn reads_yaml_written_in_any_style(
            value in json_value(),
            choices in prop::collection::vec(any::<u8>(), 1..64),
        ) {
            let mut writer = YamlWriter { choices, next: 0, scalars: Vec::new() };
            let text = format!("# ✓ é\n{}", writer.document(&value));
            let node = parse_text(&text)
                .unwrap_or_else(|errors| panic!("{text}\n{}", errors.iter().next().unwrap()));
            prop_assert_eq!(node.to_json(), value, "{}", text);
            let mut spans = Vec::new();
            scalar_spans(&text, &node, &mut spans);
            let written: Vec<&str> = spans.iter().map(|span| &text[span.range()]).collect();
            prop_assert_eq!(written, writer.scalars, "{}", text);
        }

        #[test]
        fn never_panics_on_any_text(text in "\\PC*") {
            check_spans(&text);
        }

        #[test]
        fn never_panics_on_yaml_tokens(
            tokens in prop::collection::vec(
                prop::sample::select(&[
                    "- ", "-", "? ", ": ", ":", "k", "é", "'q'", "\"d\"", "&a ", "*a", "!t ",
                    "|", ">-", "\n", "  ", "\t", "[", "]", "{", "}", ", ", "#c", "---", "...",
                    "%YAML 1.2", ".nan", "0x1", "~", "\u{feff}", "\r\n",
                ][..]),
                0..40,
            )
        ) {
            check_spans(&tokens.concat());
        }

        #[test]
        fn never_panics_on_yaml_punctuation(
            text in "[-:?\\[\\]{}&*!|>'\"#%@,.~ \n\ta-cé0-9\u{feff}]{0,60}"
        ) {
            check_spans(&text);
        }
    }
}
