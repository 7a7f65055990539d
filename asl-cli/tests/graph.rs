//! `asl graph`: the examples drawn in every format (snapshots), a picture that
//! escapes what the user wrote, and the exit statuses.

mod common;

use common::asl;

/// The example definitions, by file stem.
fn examples() -> Vec<(String, std::path::PathBuf)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows");
    let mut examples: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.to_str()
                .is_some_and(|path| path.ends_with(".asl.json"))
        })
        .map(|path| {
            let name = path.file_name().unwrap().to_str().unwrap();
            (name.trim_end_matches(".asl.json").to_owned(), path)
        })
        .collect();
    examples.sort();
    examples
}

fn draw(path: &std::path::Path, format: &str) -> String {
    let output = asl()
        .args(["graph", "--format", format])
        .arg(path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_examples_are_drawn_in_every_format() {
    let examples = examples();
    assert!(examples.len() >= 9, "{examples:?}");
    for (name, path) in examples {
        for format in ["svg", "dot", "mermaid"] {
            insta::assert_snapshot!(format!("graph_{name}_{format}"), draw(&path, format));
        }
    }
}

#[test]
fn the_sixty_state_example_in_the_docs_is_current() {
    // docs/fulfilment.svg is `asl graph docs/fulfilment.asl.json`.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let drawn = draw(&dir.join("docs/fulfilment.asl.json"), "svg");
    let committed = std::fs::read_to_string(dir.join("docs/fulfilment.svg")).unwrap();
    assert!(drawn == committed, "regenerate docs/fulfilment.svg");
    assert!(drawn.matches("<g class=\"state ").count() >= 60);
}

#[test]
fn an_invalid_definition_draws_nothing() {
    let output = asl()
        .args(["graph", "-"])
        .write_stdin(r#"{"StartAt": "Missing", "States": {}}"#)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.ends_with("error: `<stdin>` is invalid; nothing was drawn\n"),
        "{stderr}"
    );
    let output = asl()
        .args(["graph", "/no/such/file.asl.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn state_names_stay_text() {
    let output = asl()
        .args(["graph", "-"])
        .write_stdin(
            r#"{"StartAt": "<img src=x onerror=alert(1)>", "States": {"<img src=x onerror=alert(1)>": {"Type": "Succeed"}}}"#,
        )
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let svg = String::from_utf8(output.stdout).unwrap();
    assert!(!svg.contains("<img"), "{svg}");
    assert!(
        svg.contains(r#"data-state="&lt;img src=x onerror=alert(1)&gt;""#),
        "{svg}"
    );
}
