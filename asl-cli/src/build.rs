//! `asl build`: compiles a workflow through the cache and leaves its binary where the
//! user asks.

use std::io;
use std::path::{Path, PathBuf};

use asl_build::{Cache, CompileError, Durability, Profile, compile};

use crate::definition::{self, Refusal};
use crate::{BuildArgs, Io};

/// `asl build`: compiles `args.file` in release mode and copies the binary to
/// `args.output`. Returns the exit status: 0, 1 for an invalid definition, 2 when
/// it cannot be read or compiled.
pub fn build(args: &BuildArgs, io: &mut Io<'_>) -> io::Result<u8> {
    let module = match definition::generate(&args.file, args.color, true, io)? {
        Ok(module) => module,
        Err(Refusal::Invalid | Refusal::Unsupported) => return Ok(1),
        Err(Refusal::Unreadable) => return Ok(2),
    };
    let binary = Cache::from_env()
        .ok_or(CompileError::NoCache)
        .and_then(|cache| {
            let durability = if args.durable {
                Durability::Durable
            } else {
                Durability::None
            };
            compile(&module, Profile::Release, durability, &cache)
        });
    let binary = match binary {
        Ok(binary) => binary,
        Err(error) => {
            writeln!(io.stderr, "error: {error}")?;
            return Ok(2);
        }
    };
    if let Err(error) = install(&binary, &args.output) {
        writeln!(
            io.stderr,
            "error: cannot write `{}`: {error}",
            args.output.display()
        )?;
        return Ok(2);
    }
    Ok(0)
}

/// Copies `binary` to `output` through a temporary file beside it, so that a running
/// `output` is replaced rather than written over.
fn install(binary: &Path, output: &Path) -> io::Result<()> {
    let mut temporary = output.as_os_str().to_owned();
    temporary.push(".asl-tmp");
    let temporary = PathBuf::from(temporary);
    let copied =
        std::fs::copy(binary, &temporary).and_then(|_| std::fs::rename(&temporary, output));
    if copied.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    copied
}
