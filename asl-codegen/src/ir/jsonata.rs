//! JSONata expressions, delimited by `{% %}` and kept with their place in the file.

use crate::source::Span;

/// A JSONata expression written as `"{% ... %}"`.
///
/// The text between the delimiters is kept as written; it is parsed when JSONata
/// evaluation lands. The span lets diagnostics point inside the JSON string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jsonata {
    /// The expression between `{%` and `%}`, untrimmed.
    pub expression: String,
    /// Where the expression text is in the source file.
    pub span: Span,
}

impl Jsonata {
    /// The delimiters around a JSONata expression.
    pub const OPEN: &'static str = "{%";
    /// The closing delimiter.
    pub const CLOSE: &'static str = "%}";

    /// The expression inside `text` if `text` is `{% ... %}`, or `None` when it is not
    /// a JSONata string at all. `Err` when it opens with `{%` but does not close.
    pub fn delimited(text: &str) -> Result<Option<&str>, UnterminatedJsonata> {
        if !text.starts_with(Self::OPEN) {
            return Ok(None);
        }
        if text.len() >= Self::OPEN.len() + Self::CLOSE.len() && text.ends_with(Self::CLOSE) {
            Ok(Some(
                &text[Self::OPEN.len()..text.len() - Self::CLOSE.len()],
            ))
        } else {
            Err(UnterminatedJsonata)
        }
    }
}

/// A string that opens with `{%` but does not end with `%}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnterminatedJsonata;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimited_expressions() {
        assert_eq!(Jsonata::delimited("{% $x + 1 %}"), Ok(Some(" $x + 1 ")));
        assert_eq!(Jsonata::delimited("{%%}"), Ok(Some("")));
        assert_eq!(Jsonata::delimited("plain"), Ok(None));
        assert_eq!(Jsonata::delimited(" {% 1 %}"), Ok(None));
        assert_eq!(Jsonata::delimited("{% 1"), Err(UnterminatedJsonata));
        assert_eq!(Jsonata::delimited("{%}"), Err(UnterminatedJsonata));
        assert_eq!(Jsonata::delimited("{% 1 %} "), Err(UnterminatedJsonata));
    }
}
