//! Snapshots of the Rust generated for every example workflow. The same examples are
//! compiled and run by the `asl-tests` crate, so every snapshot is also known to build.

use std::path::Path;

use asl_codegen::{Settings, SourceFile, check, generate, to_source};

fn generated(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("example is readable");
    let file = SourceFile::new(path.display().to_string(), text);
    let checked = check(&file);
    let workflow = checked.workflow.expect("example is valid");
    let stem = path.file_name().unwrap().to_str().unwrap();
    let stem = stem.split('.').next().unwrap();
    let mut settings = Settings::default();
    settings.with_machine_name(stem);
    match generate(&workflow, &settings) {
        Ok(tokens) => to_source(tokens),
        Err(unsupported) => unsupported
            .iter()
            .map(|u| format!("unsupported: {u}\n"))
            .collect(),
    }
}

#[test]
fn example_workflows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_str().is_some_and(|p| p.ends_with(".asl.json")))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for path in paths {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        insta::assert_snapshot!(name, generated(&path));
    }
}
