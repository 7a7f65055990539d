//! Renders diagnostics like rustc: location, code, message, a source snippet with a
//! caret under the offending text, the state's name and a help line.

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use super::{Diagnostic, Diagnostics, Severity};
use crate::source::{SourceFile, Span};

/// Colour or plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// No ANSI escapes (files, snapshots, pipes).
    Plain,
    /// ANSI colours, for terminals.
    Color,
}

/// Renders all diagnostics, separated by blank lines.
pub(crate) fn render_all(diagnostics: &Diagnostics, source: &SourceFile, style: Style) -> String {
    let renderer = match style {
        Style::Plain => Renderer::plain(),
        Style::Color => Renderer::styled(),
    };
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&render_one(&renderer, diagnostic, source));
        out.push_str("\n\n");
    }
    out
}

/// Renders one diagnostic.
pub fn render(diagnostic: &Diagnostic, source: &SourceFile, style: Style) -> String {
    let renderer = match style {
        Style::Plain => Renderer::plain(),
        Style::Color => Renderer::styled(),
    };
    render_one(&renderer, diagnostic, source)
}

fn render_one(renderer: &Renderer, diagnostic: &Diagnostic, source: &SourceFile) -> String {
    let level = match diagnostic.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let label = match &diagnostic.state {
        Some(state) => format!("in state `{}`", state.escape_debug()),
        None => String::new(),
    };
    let note = format!("at {}", diagnostic.pointer.escape_debug());
    let title = level
        .primary_title(&diagnostic.message)
        .id(diagnostic.code.as_str());
    let mut group = match diagnostic.span {
        Some(span) => {
            // Give the renderer only the lines around the span: definitions can be
            // megabytes long.
            let span = visible(span, source);
            let lines = source.lines_around(span);
            let first_line = source.line_col(lines.start).line;
            let snippet = Snippet::source(&source.text()[lines.range()])
                .line_start(first_line)
                .path(source.name())
                .annotation(
                    AnnotationKind::Primary
                        .span(span.start - lines.start..span.end - lines.start)
                        .label(&label),
                );
            title.element(snippet).element(Level::NOTE.message(&note))
        }
        None => title.element(Level::NOTE.message(format!("in {} {note}", source.name()))),
    };
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help));
    }
    renderer.render(&[group])
}

/// A span that shows at least one character, on one line, when the text allows.
fn visible(span: Span, source: &SourceFile) -> Span {
    let text = source.text();
    let start = span.start.min(text.len());
    let mut end = span.end.clamp(start, text.len());
    // Multi-line spans (a whole object) are shown by their first line.
    if let Some(newline) = text[start..end].find('\n') {
        end = start + newline;
    }
    if end == start && start < text.len() {
        end = start + text[start..].chars().next().map_or(0, char::len_utf8);
        if &text[start..end] == "\n" {
            end = start;
        }
    }
    Span::new(start, end)
}
