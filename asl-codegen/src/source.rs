//! Source text of a definition, byte spans into it, and line/column lookup.

use std::fmt;
use std::ops::Range;

/// A byte range into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` (inclusive) to `end` (exclusive).
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The byte range, for slicing the source text.
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

/// A 1-based line and column; the column counts characters, as rustc does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number in characters, starting at 1.
    pub column: usize,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The syntax a definition is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Syntax {
    /// JSON, as AWS accepts it (`.asl.json`, `.json`).
    Json,
    /// YAML, as SAM and CloudFormation accept it (`.asl.yaml`, `.asl.yml`).
    Yaml,
}

impl Syntax {
    /// The syntax a file name implies: YAML for `.yaml`/`.yml`, JSON otherwise.
    pub fn from_file_name(name: &str) -> Syntax {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Syntax::Yaml
        } else {
            Syntax::Json
        }
    }

    /// The syntax of text with no file name (standard input): JSON when the first
    /// non-blank character opens an object or array, YAML otherwise.
    pub fn sniff(text: &str) -> Syntax {
        match text.trim_start().chars().next() {
            Some('{') | Some('[') | None => Syntax::Json,
            Some(_) => Syntax::Yaml,
        }
    }
}

/// A definition's text with its name (a path, or `<stdin>`), ready for line lookups.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    text: String,
    syntax: Syntax,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// A source whose syntax follows from its name (see [`Syntax::from_file_name`]).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let name = name.into();
        let syntax = Syntax::from_file_name(&name);
        Self::with_syntax(name, text, syntax)
    }

    /// A source in the given syntax.
    pub fn with_syntax(name: impl Into<String>, text: impl Into<String>, syntax: Syntax) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            syntax,
            line_starts,
        }
    }

    /// The name diagnostics show for this source.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The syntax the text is parsed as.
    pub fn syntax(&self) -> Syntax {
        self.syntax
    }

    /// The line and column of a byte offset (clamped to the text, and to a character
    /// boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line_index = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line_index];
        LineCol {
            line: line_index + 1,
            column: self.text[line_start..offset].chars().count() + 1,
        }
    }

    /// The byte range of the whole lines that contain `span`, without the final
    /// newline: the snippet a diagnostic shows.
    pub fn lines_around(&self, span: Span) -> Span {
        let start = self.floor_char_boundary(span.start.min(self.text.len()));
        let end = self.floor_char_boundary(span.end.clamp(start, self.text.len()));
        let first = self.line_starts.partition_point(|&s| s <= start) - 1;
        let line_start = self.line_starts[first];
        let line_end = self.text[end..]
            .find('\n')
            .map_or(self.text.len(), |at| end + at);
        Span::new(line_start, line_end)
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let source = SourceFile::new("x.json", "{\n  \"é\": 1\n}");
        assert_eq!(source.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(source.line_col(2), LineCol { line: 2, column: 1 });
        // The value `1` sits after a two-byte character.
        let one = source.text().find('1').unwrap();
        assert_eq!(source.line_col(one), LineCol { line: 2, column: 8 });
        // Past the end clamps to the end.
        assert_eq!(source.line_col(999), LineCol { line: 3, column: 2 });
    }

    #[test]
    fn lines_around_covers_whole_lines() {
        let source = SourceFile::new("x.json", "ab\ncd\nef");
        let span = source.lines_around(Span::new(4, 7));
        assert_eq!(&source.text()[span.range()], "cd\nef");
    }

    #[test]
    fn syntax_follows_extension_or_content() {
        assert_eq!(Syntax::from_file_name("a.asl.yml"), Syntax::Yaml);
        assert_eq!(Syntax::from_file_name("a.ASL.YAML"), Syntax::Yaml);
        assert_eq!(Syntax::from_file_name("a.asl.json"), Syntax::Json);
        assert_eq!(Syntax::sniff("  {\"StartAt\": 1}"), Syntax::Json);
        assert_eq!(Syntax::sniff("StartAt: A\n"), Syntax::Yaml);
    }
}
