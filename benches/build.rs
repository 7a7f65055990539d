//! Compiles the bench workflows of `../shared/bench/workflows` (or
//! `$ASL_SHARED/bench/workflows`), and this crate's own twins of them in
//! `workflows/`, with the build.rs `Builder`.

use std::path::PathBuf;

/// The workloads this crate runs.
const WORKFLOWS: [&str; 5] = [
    "pass_chain",
    "choice_loop",
    "map_fanout",
    "parallel_nested",
    "order_saga",
];

fn main() {
    println!("cargo:rerun-if-env-changed=ASL_SHARED");
    let shared = match std::env::var_os("ASL_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    let dir = shared.join("bench/workflows");
    assert!(
        dir.is_dir(),
        "the bench workflows are missing: put `shared` beside the workspace or set ASL_SHARED (looked in {})",
        dir.display()
    );
    let mut builder = asl_codegen::Builder::new();
    for name in WORKFLOWS {
        builder.file(dir.join(format!("{name}.asl.json")));
    }
    // choice_loop written in JSONata, timed beside its JSONPath original.
    let own = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("workflows");
    println!("cargo:rerun-if-changed={}", own.display());
    builder.file(own.join("choice_loop_jsonata.asl.json"));
    if let Err(error) = builder.compile() {
        panic!("{error}");
    }
}
