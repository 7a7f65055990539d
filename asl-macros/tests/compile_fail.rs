//! Definition errors seen through `asl!`: each `tests/ui/*.rs` must fail to compile
//! with the `.stderr` beside it, which shows the definition's file, line and column.
//!
//! trybuild compiles the cases in its own project under `target/tests/trybuild`, so
//! the definitions (`tests/ui/defs`) are copied there first: `asl!` reads paths
//! relative to the compiling crate's manifest directory.

use std::path::PathBuf;

#[test]
fn definition_errors_are_compile_errors() {
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .to_owned();
    let project = target.join("tests/trybuild/asl-macros/defs");
    std::fs::create_dir_all(&project).expect("create the trybuild project directory");
    let defs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ui/defs");
    for entry in std::fs::read_dir(&defs).expect("read tests/ui/defs") {
        let path = entry.expect("directory entry").path();
        std::fs::copy(&path, project.join(path.file_name().unwrap())).expect("copy a definition");
    }
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    cases.pass("tests/pass/*.rs");
}
