//! What the `asl` CLI tests share.

use assert_cmd::Command;

/// The `asl` binary, its `asl build` and `asl run` sharing one cache across tests
/// and test runs.
pub fn asl() -> Command {
    let mut command = Command::cargo_bin("asl").expect("the asl binary is built");
    command.env(
        "ASL_CACHE_DIR",
        concat!(env!("CARGO_TARGET_TMPDIR"), "/asl-cache"),
    );
    command
}
