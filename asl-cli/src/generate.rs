//! `asl gen`: print a definition's generated Rust module.

use std::io;

use crate::definition::{self, Refusal};
use crate::{GenArgs, Io};

/// Generates the module for `args.file` onto stdout or `args.output`; returns the
/// exit status: 0, 1 for an invalid definition, 2 for I/O errors.
pub fn generate(args: &GenArgs, io: &mut Io<'_>) -> io::Result<u8> {
    let source = match definition::generate(&args.file, args.color, true, io)? {
        Ok(source) => source,
        Err(Refusal::Invalid | Refusal::Unsupported) => return Ok(1),
        Err(Refusal::Unreadable) => return Ok(2),
    };
    definition::write_out(args.output.as_deref(), &source, io)
}
