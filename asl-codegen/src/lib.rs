//! The Amazon States Language front end and code generator of `asl`.
#![deny(missing_docs)]

pub mod diagnostic;
pub mod ir;
pub mod source;
pub mod spec;

pub use diagnostic::{Code, Diagnostic, Diagnostics, Severity};
pub use source::{LineCol, SourceFile, Span, Syntax};
