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

/// Regression: a state name holding a codepoint that changes the direction of text
/// (U+202E) went verbatim into doc comments, which rustc refuses: the generated code
/// did not compile. It is written as an escape there.
#[test]
fn text_direction_codepoints_are_escaped_in_doc_comments() {
    let definition = r#"{"StartAt": "a\u202eb", "States": {"a\u202eb": {"Type": "Pass", "Comment": "x\u2066y", "End": true}}}"#;
    let checked = check(&SourceFile::new("bidi", definition));
    let workflow = checked.workflow.expect("the definition is valid");
    let code = to_source(generate(&workflow, &Settings::default()).unwrap());
    for line in code
        .lines()
        .filter(|line| line.trim_start().starts_with("///"))
    {
        assert!(
            !line.contains('\u{202e}') && !line.contains('\u{2066}'),
            "{line}"
        );
    }
    assert!(code.contains(r"a\u{202e}b"), "{code}");
}

/// A machine generated for TestState (`Settings::for_test_state`): its first state
/// records each step of its data flow, takes the mock for its Task's outcome, and
/// notes which catcher caught; the variables the test sets get slots of their own.
#[test]
fn a_machine_for_test_state() {
    let definition = r#"{
        "StartAt": "Charge",
        "States": {
            "Charge": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "InputPath": "$.order",
                "Parameters": {"amount.$": "$.total", "currency.$": "$currency"},
                "ResultSelector": {"id.$": "$.Payload.id"},
                "ResultPath": "$.charge",
                "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 2}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}],
                "Next": "Done"
            },
            "Done": {"Type": "Succeed"},
            "Failed": {"Type": "Succeed"}
        }
    }"#;
    let checked = check(&SourceFile::new("test-state", definition));
    let workflow = checked.workflow.expect("the definition is valid");
    let mut settings = Settings::default();
    settings
        .with_machine_name("TestState")
        .for_test_state(["currency".to_owned()]);
    let code = to_source(generate(&workflow, &settings).unwrap());
    insta::assert_snapshot!(code);
}
