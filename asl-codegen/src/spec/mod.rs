//! The definition exactly as written: a spanned JSON tree, from JSON or YAML text.
//!
//! Nothing here knows ASL; [`crate::ir::lower`] reads the tree and checks it.

mod json;
mod node;
mod yaml;

pub use node::{Member, Node, NodeKind};

use crate::diagnostic::Diagnostics;
use crate::source::{SourceFile, Syntax};

/// Parses a definition's text into its spanned tree, with every node's JSON pointer set.
///
/// The error is INVALID_JSON_DESCRIPTION (with the position of the syntax error),
/// MISSING_DESCRIPTION for empty text, or TOO_DEEPLY_NESTED.
pub fn parse(source: &SourceFile) -> Result<Node, Diagnostics> {
    let mut root = match source.syntax() {
        Syntax::Json => json::parse(source)?,
        Syntax::Yaml => yaml::parse(source)?,
    };
    root.fill_pointers();
    Ok(root)
}

/// `text` with its first letter in lowercase: parser messages begin with a capital,
/// ours do not.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
