//! The build.rs way in, as `docs/workflows.md` shows it: `workflows/hello.asl.json`
//! becomes `$OUT_DIR/hello.rs`, which the guide's example includes.

fn main() {
    asl_codegen::Builder::new()
        .file("workflows/hello.asl.json")
        .compile()
        .unwrap_or_else(|error| panic!("{error}"));
}
