//! The spanned JSON tree: every value of a definition with its place in the source.

use std::fmt::Write as _;

use crate::source::{SourceFile, Span};

/// One JSON value of a definition, with its byte span and JSON pointer.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value is written (for strings, including the quotes).
    pub span: Span,
    /// The value's JSON pointer from the document root (RFC 6901), e.g. `/States/A/Next`.
    pub pointer: String,
    /// The value itself.
    pub kind: NodeKind,
}

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json reads it.
    Number(serde_json::Number),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object, with its members in source order; duplicate keys are kept.
    Object(Vec<Member>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Where the key is written (including its quotes).
    pub key_span: Span,
    /// The member's value.
    pub value: Node,
}

impl Node {
    /// A node without a pointer yet; [`Node::fill_pointers`] sets them all.
    pub fn new(span: Span, kind: NodeKind) -> Self {
        Node {
            span,
            pointer: String::new(),
            kind,
        }
    }

    /// Sets the JSON pointer of this node (as the root) and of every node below it.
    pub fn fill_pointers(&mut self) {
        self.fill_pointers_from(String::new());
    }

    fn fill_pointers_from(&mut self, pointer: String) {
        match &mut self.kind {
            NodeKind::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    let mut child = pointer.clone();
                    let _ = write!(child, "/{index}");
                    item.fill_pointers_from(child);
                }
            }
            NodeKind::Object(members) => {
                for member in members {
                    let mut child = pointer.clone();
                    child.push('/');
                    push_pointer_token(&mut child, &member.key);
                    member.value.fill_pointers_from(child);
                }
            }
            _ => {}
        }
        self.pointer = if pointer.is_empty() {
            "/".to_owned()
        } else {
            pointer
        };
    }

    /// The JSON type name used in messages: `object`, `array`, `string`, `number`,
    /// `boolean` or `null`.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "boolean",
            NodeKind::Number(_) => "number",
            NodeKind::String(_) => "string",
            NodeKind::Array(_) => "array",
            NodeKind::Object(_) => "object",
        }
    }

    /// The string value, if this node is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(text) => Some(text),
            _ => None,
        }
    }

    /// The members, if this node is an object.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            NodeKind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The items, if this node is an array.
    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The value as plain JSON. Where an object repeats a key, the last one wins
    /// (validation reports the repetition separately).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.kind {
            NodeKind::Null => serde_json::Value::Null,
            NodeKind::Bool(value) => serde_json::Value::Bool(*value),
            NodeKind::Number(value) => serde_json::Value::Number(value.clone()),
            NodeKind::String(value) => serde_json::Value::String(value.clone()),
            NodeKind::Array(items) => items.iter().map(Node::to_json).collect(),
            NodeKind::Object(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|member| (member.key.clone(), member.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// The source span of bytes `start..end` of this string node's unescaped value.
    ///
    /// Lets a diagnostic about part of a string (a JSONPath, an intrinsic call, a
    /// JSONata expression) point inside the string literal. When the literal's
    /// escapes cannot be followed, the whole literal is returned.
    pub fn span_within_string(&self, source: &SourceFile, start: usize, end: usize) -> Span {
        let Some(value) = self.as_str() else {
            return self.span;
        };
        let raw = &source.text()[self.span.range()];
        let offsets = raw_offsets(raw, value);
        match (offsets.get(start), offsets.get(end)) {
            (Some(&from), Some(&to)) => {
                let to = to.max(from);
                Span::new(self.span.start + from, self.span.start + to)
            }
            _ => self.span,
        }
    }
}

/// For each byte offset of `value` (and one past its end), the byte offset in `raw`
/// (the source text of the literal) where that byte's character is written. Empty when
/// the literal cannot be followed.
fn raw_offsets(raw: &str, value: &str) -> Vec<usize> {
    let (body, base) = match raw.as_bytes().first() {
        Some(b'"') | Some(b'\'') if raw.len() >= 2 => (&raw[1..raw.len() - 1], 1),
        _ => (raw, 0),
    };
    if body == value {
        return (0..=value.len()).map(|at| at + base).collect();
    }
    if !raw.starts_with('"') {
        return Vec::new();
    }
    // Follow JSON escapes: each decoded character maps to where its escape starts.
    let mut offsets = Vec::with_capacity(value.len() + 1);
    let mut decoded = value.chars();
    let mut rest = body.char_indices().peekable();
    while let Some((at, ch)) = rest.next() {
        let produced = if ch == '\\' {
            match rest.next() {
                Some((_, 'u')) => {
                    let hex: String = (0..4).filter_map(|_| rest.next().map(|(_, c)| c)).collect();
                    let unit = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                    if (0xD800..0xDC00).contains(&unit) {
                        // A surrogate pair: skip the `\uXXXX` of the low half.
                        for _ in 0..6 {
                            rest.next();
                        }
                    }
                    decoded.next()
                }
                Some(_) => decoded.next(),
                None => None,
            }
        } else {
            decoded.next()
        };
        let Some(produced) = produced else {
            return Vec::new();
        };
        offsets.extend(std::iter::repeat_n(at + base, produced.len_utf8()));
    }
    offsets.push(body.len() + base);
    if offsets.len() == value.len() + 1 {
        offsets
    } else {
        Vec::new()
    }
}

/// Appends `key` to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub(crate) fn push_pointer_token(pointer: &mut String, key: &str) {
    for ch in key.chars() {
        match ch {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            other => pointer.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string_node(source: &SourceFile) -> Node {
        let start = source.text().find('"').unwrap();
        let end = source.text().rfind('"').unwrap() + 1;
        let value: String = serde_json::from_str(&source.text()[start..end]).unwrap();
        Node::new(Span::new(start, end), NodeKind::String(value))
    }

    #[test]
    fn span_within_plain_string() {
        let source = SourceFile::new("x.json", r#"  "$.a.b""#);
        let node = string_node(&source);
        let span = node.span_within_string(&source, 2, 3);
        assert_eq!(&source.text()[span.range()], "a");
    }

    #[test]
    fn span_within_string_follows_escapes() {
        let source = SourceFile::new("x.json", r#""a\"b\u00e9c""#);
        let node = string_node(&source);
        assert_eq!(node.as_str(), Some("a\"béc"));
        // `c` is after the two-byte é, decoded offset 5.
        let span = node.span_within_string(&source, 5, 6);
        assert_eq!(&source.text()[span.range()], "c");
        // `é` starts at its escape.
        let span = node.span_within_string(&source, 3, 5);
        assert_eq!(&source.text()[span.range()], r"\u00e9");
    }

    #[test]
    fn pointers_escape_tilde_and_slash() {
        let mut root = Node::new(
            Span::default(),
            NodeKind::Object(vec![Member {
                key: "a/b~c".into(),
                key_span: Span::default(),
                value: Node::new(
                    Span::default(),
                    NodeKind::Array(vec![Node::new(Span::default(), NodeKind::Null)]),
                ),
            }]),
        );
        root.fill_pointers();
        assert_eq!(root.pointer, "/");
        let NodeKind::Object(members) = &root.kind else {
            unreachable!()
        };
        assert_eq!(members[0].value.pointer, "/a~1b~0c");
        assert_eq!(
            members[0].value.as_array().unwrap()[0].pointer,
            "/a~1b~0c/0"
        );
    }
}
