//! The `asl!` macro. It arrives with code generation; the crate builds today so that
//! the workspace layout is final.
#![deny(missing_docs)]
