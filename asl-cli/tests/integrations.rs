//! `asl check --integrations`: what will serve each Task state, and a warning for
//! each Task nothing serves; `asl gen` and `asl run` naming the AWS services and
//! actions asl does not call.

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
        stderr.contains("warning: Task `Job` (Resource `arn:aws:states:::emr:createCluster.sync`): asl calls no AWS service integration `emr:createCluster`; bind it"),
        "{stderr}"
    );
    assert!(!stderr.contains("`Bound`"), "{stderr}");
}

/// A definition naming an action Secrets Manager does not have, and an optimized
/// integration asl does not have.
const MISNAMED: &str = r#"{"StartAt": "Secret", "States": {
    "Secret": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretvalue", "Next": "Scan"},
    "Scan": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:scan", "End": true}
}}"#;

#[test]
fn building_names_the_aws_actions_asl_does_not_call() {
    let dir = tempfile::tempdir().unwrap();
    let definition = dir.path().join("flow.asl.json");
    std::fs::write(&definition, MISNAMED).unwrap();
    let output = asl().arg("gen").arg(&definition).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    let warnings: Vec<&str> = stderr.lines().collect();
    let file = definition.display();
    assert_eq!(
        warnings,
        vec![
            format!(
                "warning: {file}: Task `Secret` (Resource `arn:aws:states:::aws-sdk:secretsmanager:getSecretvalue`): \
                 `aws-sdk:secretsmanager` has no action `getSecretvalue`; did you mean `getSecretValue`?; \
                 it runs only with a binding or a mock"
            ),
            format!(
                "warning: {file}: Task `Scan` (Resource `arn:aws:states:::dynamodb:scan`): asl has no \
                 optimized integration `dynamodb:scan`; the AWS SDK integration \
                 `arn:aws:states:::aws-sdk:dynamodb:scan` calls that action; it runs only with a binding or a mock"
            ),
        ]
    );
}

#[test]
fn running_refuses_unbound_tasks_saying_why_asl_does_not_call_them() {
    let dir = tempfile::tempdir().unwrap();
    let definition = dir.path().join("flow.asl.json");
    std::fs::write(&definition, MISNAMED).unwrap();
    let output = asl()
        .arg("run")
        .arg(&definition)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .unwrap();
    assert!(!output.status.success(), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(
            "  `Secret` (Resource `arn:aws:states:::aws-sdk:secretsmanager:getSecretvalue`): \
             `aws-sdk:secretsmanager` has no action `getSecretvalue`; did you mean `getSecretValue`?\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("  `Scan` (Resource `arn:aws:states:::dynamodb:scan`): asl has no optimized"),
        "{stderr}"
    );
}
