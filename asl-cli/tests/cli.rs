//! The `asl` binary as users run it: exit statuses, output streams, formats.

use assert_cmd::Command;

fn asl() -> Command {
    let mut command = Command::cargo_bin("asl").expect("the asl binary is built");
    command.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    command.env_remove("NO_COLOR");
    command
}

const INVALID: &str = r#"{
  "StartAt": "Hello",
  "States": {
    "Hello": {
      "Type": "Pass",
      "Nxt": "World"
    },
    "World": {"Type": "Succeed"}
  }
}
"#;

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn help_lists_the_commands() {
    let output = asl().arg("--help").output().unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!("help", String::from_utf8(output.stdout).unwrap());
}

#[test]
fn check_help_documents_exit_statuses() {
    let output = asl().args(["check", "--help"]).output().unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!("check_help", String::from_utf8(output.stdout).unwrap());
}

#[test]
fn valid_files_exit_zero() {
    let output = asl()
        .args([
            "check",
            "examples/workflows/hello.asl.json",
            "examples/workflows/order-processing.asl.json",
        ])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("examples/workflows/hello.asl.json: valid"),
        "{stderr}"
    );
    assert!(
        stderr.contains("examples/workflows/order-processing.asl.json: valid"),
        "{stderr}"
    );
}

#[test]
fn yaml_definitions_are_checked() {
    let output = asl()
        .args(["check", "examples/workflows/hello.asl.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
}

#[test]
fn invalid_definition_from_stdin_exits_one_with_located_diagnostics() {
    let output = asl()
        .args(["check", "--color", "never", "-"])
        .write_stdin(INVALID)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    insta::assert_snapshot!("invalid_stdin", stderr_of(&output));
}

#[test]
fn yaml_from_stdin_is_recognised() {
    let yaml = std::fs::read_to_string("../examples/workflows/hello.asl.yaml").unwrap();
    let output = asl()
        .args(["check", "-"])
        .write_stdin(yaml)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
}

#[test]
fn json_format_prints_one_report_per_file() {
    let output = asl()
        .args([
            "check",
            "--format",
            "json",
            "examples/workflows/hello.asl.json",
            "-",
        ])
        .write_stdin(INVALID)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let reports: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0]["result"], "OK");
    assert_eq!(reports[0]["diagnostics"], serde_json::json!([]));
    insta::assert_json_snapshot!("json_report", reports[1]);
}

#[test]
fn unreadable_file_exits_two_but_still_checks_the_others() {
    let output = asl()
        .args([
            "check",
            "no/such/file.asl.json",
            "examples/workflows/hello.asl.json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("error: cannot read `no/such/file.asl.json`"),
        "{stderr}"
    );
    assert!(stderr.contains("hello.asl.json: valid"), "{stderr}");
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(asl().arg("check").output().unwrap().status.code(), Some(2));
    assert_eq!(
        asl()
            .args(["check", "--format", "xml", "x"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn color_always_uses_ansi_escapes() {
    let output = asl()
        .args(["check", "--color", "always", "-"])
        .write_stdin(INVALID)
        .output()
        .unwrap();
    assert!(stderr_of(&output).contains("\u{1b}["));
}
