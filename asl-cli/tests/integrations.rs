//! `asl check --integrations`: what will serve each Task state, and a warning for
//! each Task nothing serves.

use std::io::Write;

mod common;

use common::asl;

#[test]
fn each_task_is_listed_with_what_serves_it() {
    let dir = tempfile::tempdir().unwrap();
    let definition = dir.path().join("flow.asl.json");
    std::fs::write(
        &definition,
        r#"{"StartAt": "Put", "States": {
            "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "Next": "Secret"},
            "Secret": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue", "Next": "Each"},
            "Each": {"Type": "Map", "ItemProcessor": {"StartAt": "Job", "States": {
                "Job": {"Type": "Task", "Resource": "arn:aws:states:::emr:createCluster.sync", "End": true}}}, "Next": "Bound"},
            "Bound": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "Next": "Work"},
            "Work": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:work", "End": true}
        }}"#,
    )
    .unwrap();
    let bindings = dir.path().join("bindings.toml");
    std::fs::File::create(&bindings)
        .unwrap()
        .write_all(b"[states.Bound]\ncommand = \"cat\"\n")
        .unwrap();
    let output = asl()
        .args(["check", "--integrations", "--bindings"])
        .arg(&bindings)
        .arg(&definition)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<Vec<&str>> = stdout
        .lines()
        .map(|line| line.split('\t').collect())
        .collect();
    let served: Vec<(&str, &str)> = lines.iter().map(|line| (line[0], line[2])).collect();
    assert_eq!(
        served,
        vec![
            ("Put", "the AWS service it names"),
            ("Secret", "the AWS service it names"),
            ("Job", "nothing: needs a binding or a mock"),
            ("Bound", "a binding of --bindings"),
            ("Work", "activity workers (asl serve's GetActivityTask)"),
        ]
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("warning: Task `Job` (Resource `arn:aws:states:::emr:createCluster.sync`): asl calls nothing"),
        "{stderr}"
    );
    assert!(!stderr.contains("`Bound`"), "{stderr}");
}
