//! The validated, typed model of a definition that code generation consumes.

pub mod intrinsic;
pub mod path;
