//! Where in an expression a syntax error is.
//!
//! jsonata-core's parser errors carry no position, so it is found by parsing prefixes of the
//! expression: the error sits at the end of the shortest prefix that fails with the same
//! message as the whole expression. A recursive-descent parser stops at the first bad token,
//! so every prefix that contains it fails the same way and the shortest one ends right after
//! it, which is where jsonata-js puts its `position`. Prefixes are tried by bisection, so a
//! failing expression costs a logarithmic number of extra parses.

use std::panic::{self, AssertUnwindSafe};

use jsonata_core::parser::{self, ParserError};

/// The character offset just past the token where parsing `text` failed with `error`.
pub(crate) fn locate(text: &str, error: &ParserError) -> usize {
    let ends: Vec<usize> = text
        .char_indices()
        .map(|(start, c)| start + c.len_utf8())
        .collect();
    if ends_too_early(error) {
        return ends.len();
    }
    let wanted = error.to_string();
    let same_error = |end: usize| {
        let prefix = &text[..end];
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| parser::parse(prefix)));
        matches!(outcome, Ok(Err(found)) if found.to_string() == wanted)
    };
    // The first prefix (counted in characters) that fails like the whole text.
    let shortest = ends.partition_point(|&end| !same_error(end));
    (shortest + 1).min(ends.len())
}

/// Whether `error` says the expression stopped before it was complete, which jsonata-js
/// reports at the end of the expression.
fn ends_too_early(error: &ParserError) -> bool {
    match error {
        ParserError::UnexpectedEnd
        | ParserError::UnclosedString
        | ParserError::UnclosedComment
        | ParserError::UnclosedBacktick => true,
        ParserError::UnexpectedToken(token) => token == "Eof",
        ParserError::Expected { found, .. } => found == "Eof",
        _ => false,
    }
}
