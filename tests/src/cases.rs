//! Finding the shared reference data and reading the conformance cases. Also
//! compiled into `build.rs`, so it uses only std and serde_json.

use std::path::PathBuf;

/// The shared reference data (`../shared` beside the workspace, or `$ASL_SHARED`).
///
/// Panics with instructions when it is missing: tests that need it must not pass
/// silently without it.
pub fn shared_dir() -> PathBuf {
    let dir = match std::env::var_os("ASL_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    assert!(
        dir.join("conformance/cases").is_dir(),
        "\n\n*** The shared reference data is missing: {} has no conformance/cases.\n\
         *** These tests check the compiler against executions recorded from AWS.\n\
         *** Put the `shared` directory beside the workspace, or set ASL_SHARED=/path/to/shared.\n",
        dir.display()
    );
    dir
}

/// Each conformance case: its file name and its parsed JSON.
pub fn conformance_cases() -> Vec<(String, serde_json::Value)> {
    let dir = shared_dir().join("conformance/cases");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read conformance cases")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("read case");
            let case = serde_json::from_str(&text).expect("case is JSON");
            (
                path.file_stem().unwrap().to_string_lossy().into_owned(),
                case,
            )
        })
        .collect()
}
