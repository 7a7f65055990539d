//! The Amazon States Language front end and code generator of `asl`.
//!
//! A definition flows through three stages, each its own module:
//! [`spec`] reads JSON or YAML into a tree that keeps every value's position,
//! [`ir`] validates it with AWS's rules and lowers it into a typed model, and (with
//! the next milestone) code generation turns that model into Rust. [`check`] runs
//! the first two; [`Diagnostics`] render like rustc or as AWS's
//! ValidateStateMachineDefinition JSON.
#![deny(missing_docs)]

pub mod builder;
mod check;
pub mod codegen;
pub mod diagnostic;
pub mod graph;
pub mod ir;
pub mod source;
pub mod spec;

pub use builder::{BuildError, Builder};
pub use check::{Checked, check, check_as};
pub use codegen::{RUNTIME_ABI, Settings, Unsupported, generate, to_source};
pub use diagnostic::{Code, Diagnostic, Diagnostics, Severity};
pub use source::{LineCol, SourceFile, Span, Syntax};
