//! Renders diagnostics like rustc.

use super::Diagnostics;
use crate::source::SourceFile;

/// Colour or plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// No ANSI escapes.
    Plain,
    /// ANSI colours, for terminals.
    Color,
}

pub(crate) fn render_all(diagnostics: &Diagnostics, source: &SourceFile, _style: Style) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&format!("{}: {diagnostic}\n", source.name()));
    }
    out
}
