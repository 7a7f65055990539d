//! Reads JSON text into a spanned [`Node`] tree, strictly (no comments, no trailing
//! commas, no JSON5), keeping duplicate keys so that validation can report them.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::{CollectOptions, ParseOptions};

use super::lowercase_first;
use super::node::{Member, Node, NodeKind};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{SourceFile, Span};

/// Parses `source` as strict JSON.
pub(crate) fn parse(source: &SourceFile) -> Result<Node, Diagnostics> {
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let text = source.text();
    if text.starts_with('\u{feff}') {
        return Err(Diagnostics::from(
            Diagnostic::new(
                Code::InvalidJsonDescription,
                "/",
                Some(Span::new(0, '\u{feff}'.len_utf8())),
                "invalid JSON: the file starts with a byte-order mark",
            )
            .with_help("save the file as UTF-8 without a BOM"),
        ));
    }
    let parsed = match jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options) {
        // The parser tolerates raw control characters in strings; JSON does not.
        Ok(parsed) => match control_character_in_string(text, text.len()) {
            Some(at) => return Err(control_character_error(text, at)),
            None => parsed,
        },
        Err(error) => {
            let range = error.range();
            // A raw line break in a string makes the parser fail later, at a
            // confusing place: report the line break, which is the cause.
            if let Some(at) = control_character_in_string(text, range.start) {
                return Err(control_character_error(text, at));
            }
            let span = Span::new(range.start, range.end.max(range.start));
            let code = match error.kind() {
                ParseErrorKind::NestingDepthExceeded => Code::TooDeeplyNested,
                _ => Code::InvalidJsonDescription,
            };
            let message = lowercase_first(&error.kind().to_string());
            let mut diagnostic =
                Diagnostic::new(code, "/", Some(span), format!("invalid JSON: {message}"));
            if let Some(help) = syntax_help(error.kind()) {
                diagnostic = diagnostic.with_help(help);
            }
            return Err(Diagnostics::from(diagnostic));
        }
    };
    match parsed.value {
        Some(value) => Ok(convert(value)),
        None => Err(Diagnostics::from(
            Diagnostic::new(
                Code::MissingDescription,
                "/",
                Some(Span::new(0, source.text().len())),
                "the definition is empty",
            )
            .with_help("a definition is a JSON object with `StartAt` and `States`"),
        )),
    }
}

/// The offset of the first raw control character (U+0000 to U+001F) inside a
/// string literal before `until`, reading the text as JSON tokens.
fn control_character_in_string(text: &str, until: usize) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (at, byte) in text.bytes().enumerate().take(until) {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                0..=0x1f => return Some(at),
                _ => {}
            }
        } else if byte == b'"' {
            in_string = true;
        }
    }
    None
}

fn control_character_error(text: &str, at: usize) -> Diagnostics {
    let (message, help) = match text.as_bytes()[at] {
        b'\n' | b'\r' => (
            "invalid JSON: a line break inside a string",
            "close the string with `\"` before the end of the line, or write the line break as `\\n`",
        ),
        b'\t' => (
            "invalid JSON: a tab character inside a string",
            "write the tab as `\\t`",
        ),
        _ => (
            "invalid JSON: a control character inside a string",
            "write it as a `\\u00XX` escape",
        ),
    };
    Diagnostics::from(
        Diagnostic::new(
            Code::InvalidJsonDescription,
            "/",
            Some(Span::new(at, at + 1)),
            message,
        )
        .with_help(help),
    )
}

/// A fix for common syntax errors.
fn syntax_help(kind: &ParseErrorKind) -> Option<&'static str> {
    Some(match kind {
        ParseErrorKind::CommentsNotAllowed => "JSON has no comments; use a `Comment` field instead",
        ParseErrorKind::TrailingCommasNotAllowed => "remove the comma after the last item",
        ParseErrorKind::ExpectedComma => "separate items with a comma",
        ParseErrorKind::ExpectedColonAfterObjectKey => "put `:` between a key and its value",
        ParseErrorKind::ExpectedStringObjectProperty => "keys must be double-quoted strings",
        ParseErrorKind::SingleQuotedStringsNotAllowed => "use double quotes for strings",
        ParseErrorKind::UnterminatedObject => "close the object with `}`",
        ParseErrorKind::UnterminatedArray => "close the array with `]`",
        ParseErrorKind::MultipleRootJsonValues => {
            "a definition is one JSON object; remove what follows it"
        }
        _ => return None,
    })
}

fn convert(value: Value<'_>) -> Node {
    match value {
        Value::NullKeyword(null) => Node::new(span(null.range), NodeKind::Null),
        Value::BooleanLit(lit) => Node::new(span(lit.range), NodeKind::Bool(lit.value)),
        Value::NumberLit(lit) => {
            // The parser has already checked the literal's syntax; serde_json reads it
            // as an integer when it is one and as a float otherwise.
            let number = serde_json::from_str::<serde_json::Number>(lit.value)
                .or_else(|_| {
                    lit.value
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .ok_or(())
                })
                .unwrap_or_else(|()| serde_json::Number::from(0));
            Node::new(span(lit.range), NodeKind::Number(number))
        }
        Value::StringLit(lit) => {
            Node::new(span(lit.range), NodeKind::String(lit.value.into_owned()))
        }
        Value::Array(array) => Node::new(
            span(array.range),
            NodeKind::Array(array.elements.into_iter().map(convert).collect()),
        ),
        Value::Object(object) => Node::new(
            span(object.range),
            NodeKind::Object(
                object
                    .properties
                    .into_iter()
                    .map(|prop| {
                        let (key, key_span) = match prop.name {
                            ObjectPropName::String(lit) => {
                                (lit.value.into_owned(), span(lit.range))
                            }
                            ObjectPropName::Word(lit) => (lit.value.to_owned(), span(lit.range)),
                        };
                        Member {
                            key,
                            key_span,
                            value: convert(prop.value),
                        }
                    })
                    .collect(),
            ),
        ),
    }
}

fn span(range: jsonc_parser::common::Range) -> Span {
    Span::new(range.start, range.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Node, Diagnostics> {
        parse(&SourceFile::new("t.json", text))
    }

    fn first_code(result: Result<Node, Diagnostics>) -> Code {
        result.unwrap_err().iter().next().unwrap().code
    }

    #[test]
    fn keeps_spans_and_duplicate_keys() {
        let text = r#"{"a": 1, "a": [true, null, "x"]}"#;
        let node = parse_text(text).unwrap();
        let members = node.as_object().unwrap();
        assert_eq!(members.len(), 2);
        assert_eq!(&text[members[1].key_span.range()], r#""a""#);
        assert_eq!(&text[members[1].value.span.range()], r#"[true, null, "x"]"#);
    }

    #[test]
    fn numbers_keep_integer_and_float() {
        let node = parse_text("[1, -2, 1.5, 1e3, 18446744073709551616]").unwrap();
        let json = node.to_json();
        assert_eq!(
            json,
            serde_json::json!([1, -2, 1.5, 1000.0, 18446744073709551616.0])
        );
        assert!(json[0].is_u64());
    }

    #[test]
    fn rejects_json5_and_comments() {
        for text in [
            "{\"a\": 1,}",
            "{a: 1}",
            "{\"a\": 'x'}",
            "// c\n{}",
            "{\"a\": 0x1}",
            "{\"a\": .5}",
            "{\"a\": NaN}",
            "{} {}",
            "{\"a\" 1}",
        ] {
            let error = parse_text(text).unwrap_err();
            assert_eq!(
                error.iter().next().unwrap().code,
                Code::InvalidJsonDescription,
                "{text}"
            );
        }
    }

    #[test]
    fn raw_control_characters_in_strings_are_rejected_where_they_are() {
        for (text, at) in [
            ("{\"a\": \"x\ny\"}", 8),
            ("{\"a\": \"tab\there\"}", 10),
            ("{\"a\": \"open,\n \"b\": 1}", 12),
        ] {
            let diagnostics = parse_text(text).unwrap_err();
            let diagnostic = diagnostics.iter().next().unwrap();
            assert_eq!(diagnostic.code, Code::InvalidJsonDescription, "{text:?}");
            assert_eq!(diagnostic.span, Some(Span::new(at, at + 1)), "{text:?}");
        }
        // Escaped, they are fine.
        assert!(parse_text(r#"{"a": "x\ny\t"}"#).is_ok());
    }

    #[test]
    fn byte_order_mark_is_named() {
        let diagnostics = parse_text("\u{feff}{}").unwrap_err();
        assert!(
            diagnostics
                .iter()
                .next()
                .unwrap()
                .message
                .contains("byte-order mark")
        );
    }

    #[test]
    fn empty_text_is_missing_description() {
        assert_eq!(first_code(parse_text("  \n")), Code::MissingDescription);
    }

    #[test]
    fn deep_nesting_is_too_deeply_nested() {
        let text = "[".repeat(10_000);
        assert_eq!(first_code(parse_text(&text)), Code::TooDeeplyNested);
    }
}
