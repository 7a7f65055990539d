//! `asl bench`: N executions in one process, figures as text or as one JSON object.
//! Only the shape of the output and the counts are checked, never timings.

mod common;

use serde_json::Value;

/// A Map over `$.items` (a Pass inside), then a Succeed: 2 + one transition per
/// item; an item that is not a number fails the execution.
const MAP: &str = r#"{
  "StartAt": "Each",
  "States": {
    "Each": {
      "Type": "Map",
      "ItemsPath": "$.items",
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "Double",
        "States": {
          "Double": {
            "Type": "Pass",
            "Parameters": {"double.$": "States.MathAdd($, $)"},
            "End": true
          }
        }
      },
      "Next": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
}
"#;

fn definition() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doubles.asl.json");
    std::fs::write(&path, MAP).unwrap();
    let path = path.to_str().unwrap().to_owned();
    (dir, path)
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn json_figures_count_every_execution_and_transition() {
    let (_dir, file) = definition();
    let output = common::asl()
        .args(["bench", &file, "--input", r#"{"items": [1, 2, 3]}"#])
        .args(["-n", "4", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let figures: Value = serde_json::from_str(stdout).unwrap();
    let keys: Vec<&str> = figures
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "workflow",
            "executions",
            "transitions",
            "seconds",
            "executions_per_second",
            "transitions_per_second",
            "p50_seconds",
            "p99_seconds"
        ]
    );
    assert_eq!(figures["workflow"], "doubles.asl.json");
    assert_eq!(figures["executions"], 4);
    // Each execution: the Map, three iterations of one Pass, the Succeed.
    assert_eq!(figures["transitions"], 4 * 5);
    for key in &keys[3..] {
        assert!(figures[key].is_f64(), "{key}: {}", figures[key]);
    }
}

#[test]
fn text_figures_name_the_workflow_and_each_rate() {
    let (dir, file) = definition();
    let input = dir.path().join("input.json");
    std::fs::write(&input, r#"{"items": [5]}"#).unwrap();
    let output = common::asl()
        .args(["bench", &file, "-n", "3"])
        .arg(format!("--input=@{}", input.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    assert!(
        lines[0].starts_with("doubles.asl.json: 3 executions, 9 transitions in "),
        "{stdout}"
    );
    for (line, label) in lines[1..].iter().zip([
        "executions/s ",
        "transitions/s ",
        "latency p50 ",
        "latency p99 ",
    ]) {
        assert!(line.starts_with(label), "{stdout}");
    }
}

#[test]
fn a_failed_execution_stops_the_bench_with_its_error() {
    let (_dir, file) = definition();
    let output = common::asl()
        .args(["bench", &file, "-n", "5", "--input", r#"{"items": ["x"]}"#])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let failure: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(failure["error"], "States.Runtime", "{failure}");
}

#[test]
fn bad_usage_exits_two_before_compiling() {
    let (_dir, file) = definition();
    for args in [
        vec!["bench", &file, "-n", "0"],
        vec!["bench", &file, "--input", "{oops"],
        vec!["bench", "/no/such.asl.json"],
    ] {
        let output = common::asl().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}
