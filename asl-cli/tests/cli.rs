//! The `asl` binary as users run it: exit statuses, output streams, formats.

mod common;

use assert_cmd::Command;

fn asl() -> Command {
    let mut command = common::asl();
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

/// Forms from public AWS samples: the ones AWS deploys and runs are valid (with a
/// warning where AWS reads them otherwise than they look), the one AWS refuses is
/// an error.
#[test]
fn aws_sample_forms_are_checked_as_aws_checks_them() {
    const SAMPLES: &str = "asl-cli/tests/fixtures/aws-samples";
    let accepted = [
        "resources-with-region-and-account",
        "parallel-catch-assigns-a-branch-variable",
        "fail-cause-path-allowed-functions",
        "filter-unquoted-string",
        "path-whitespace",
    ]
    .map(|name| format!("{SAMPLES}/{name}.asl.json"));
    let output = asl()
        .args(["check", "--color", "never"])
        .args(&accepted)
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    insta::assert_snapshot!("aws_samples_accepted", stderr);

    let output = asl()
        .args(["check", "--color", "never"])
        .arg(format!("{SAMPLES}/fail-cause-path-array.asl.json"))
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    insta::assert_snapshot!("aws_samples_refused", stderr);
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

#[test]
fn gen_build_and_run_help_document_their_use() {
    for command in ["gen", "build", "run"] {
        let output = asl().args([command, "--help"]).output().unwrap();
        assert!(output.status.success());
        insta::assert_snapshot!(
            format!("{command}_help"),
            String::from_utf8(output.stdout).unwrap()
        );
    }
}

#[test]
fn gen_prints_the_generated_module() {
    let output = asl()
        .args(["gen", "examples/workflows/hello.asl.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(output.stderr.is_empty(), "{}", stderr_of(&output));
    let module = String::from_utf8(output.stdout).unwrap();
    assert!(
        module.starts_with("// @generated by asl-codegen"),
        "{module}"
    );
}

#[test]
fn gen_writes_the_module_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hello.rs");
    let output = asl()
        .args(["gen", "examples/workflows/hello.asl.yaml", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(output.stdout.is_empty());
    let module = std::fs::read_to_string(&out).unwrap();
    assert!(
        module.starts_with("// @generated by asl-codegen"),
        "{module}"
    );
}

#[test]
fn gen_and_build_report_an_invalid_definition_and_exit_one() {
    for args in [&["gen", "-"][..], &["build", "-", "-o", "never-written"]] {
        let output = asl()
            .args(args)
            .args(["--color", "never"])
            .write_stdin(INVALID)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(output.stdout.is_empty());
        insta::assert_snapshot!("invalid_gen", stderr_of(&output));
    }
    assert!(!std::path::Path::new("../never-written").exists());
}

#[test]
fn run_reports_an_invalid_definition_and_exits_two() {
    let output = asl()
        .args(["run", "-", "--color", "never"])
        .write_stdin(INVALID)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(
        stderr_of(&output).ends_with("error: `<stdin>` is invalid; no code was generated\n"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn a_missing_definition_exits_two() {
    for command in [&["gen"][..], &["build", "-o", "bin"], &["run"]] {
        let output = asl()
            .args(command)
            .arg("no/such/flow.asl.json")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{command:?}");
        assert_eq!(
            stderr_of(&output),
            "error: cannot read `no/such/flow.asl.json`: No such file or directory (os error 2)\n"
        );
    }
}

#[test]
fn build_needs_an_output() {
    let output = asl()
        .args(["build", "examples/workflows/hello.asl.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("--output <BIN>"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn run_rejects_bad_input_before_compiling() {
    let hello = "examples/workflows/hello.asl.json";
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &["--input", "{\"name\": "],
            "",
            "error: --input is not valid JSON: EOF while parsing a value at line 1 column 9\n",
        ),
        (
            &["--input", "@no/such/input.json"],
            "",
            "error: cannot read the input file `no/such/input.json`: No such file or directory (os error 2)\n",
        ),
        (
            &["--input", "-"],
            "not json",
            "error: the input on stdin is not valid JSON: expected ident at line 1 column 2\n",
        ),
        (
            &["--bindings", "no/such/bindings.toml"],
            "",
            "error: cannot read the bindings file `no/such/bindings.toml`: No such file or directory (os error 2)\n",
        ),
        (
            &["--input", "-"],
            "{}",
            "error: the definition and the input cannot both come from stdin\n",
        ),
    ];
    for (index, (args, stdin, expected)) in cases.into_iter().enumerate() {
        let file = if index == 4 { "-" } else { hello };
        let output = asl()
            .args(["run", file])
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert_eq!(stderr_of(&output), expected, "{args:?}");
    }
}

#[test]
fn run_prints_the_output_and_exits_zero() {
    let output = asl()
        .args([
            "run",
            "examples/workflows/hello.asl.json",
            "--input",
            r#"{"name": "Ada"}"#,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "{\"greeting\":\"Hello, Ada!\"}\n"
    );
    let output = asl()
        .args(["run", "examples/workflows/hello.asl.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "{\"greeting\":\"Hello, world!\"}\n"
    );
}

/// `asl run` of the quote example with its command bindings (`examples/bindings`).
fn run_quote(input: &str) -> std::process::Output {
    asl()
        .args(["run", "examples/workflows/quote.asl.json", "--input", input])
        .args(["--bindings", "examples/bindings/quote.toml"])
        .output()
        .unwrap()
}

#[test]
fn run_binds_tasks_and_prints_a_failure_with_exit_one() {
    let output = run_quote(
        r#"{"country": "FR", "items": [{"sku": "book", "quantity": 2}, {"sku": "lamp", "quantity": 1}]}"#,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "{\"subtotal\":70.0,\"shipping\":6.82,\"message\":\"2 items, shipped by parcel\"}\n"
    );
    // The PriceItems command exits 1 with an error: the execution fails with it.
    let output = run_quote(r#"{"country": "FR", "items": [{"sku": "sofa", "quantity": 1}]}"#);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "{\"error\":\"UnknownSku\",\"cause\":\"no price for sofa\"}\n"
    );
}

#[test]
fn build_leaves_a_standalone_binary() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("hello");
    let output = asl()
        .args(["build", "examples/workflows/hello.asl.json", "-o"])
        .arg(&binary)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let output = std::process::Command::new(&binary)
        .args(["--input", r#"{"name": "Ada"}"#])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "{\"greeting\":\"Hello, Ada!\"}\n"
    );
}

#[test]
fn run_reads_and_writes_distributed_map_data_under_s3_root() {
    let root = tempfile::tempdir().unwrap();
    let bucket = root.path().join("sales/2026");
    std::fs::create_dir_all(&bucket).unwrap();
    std::fs::copy(
        "../examples/data/s3/sales/2026/november.csv",
        bucket.join("november.csv"),
    )
    .unwrap();
    let output = asl()
        .args(["run", "examples/workflows/distributed-etl.asl.json"])
        .args(["--input", "@examples/bindings/etl-input.json"])
        .args(["--bindings", "examples/bindings/etl.toml", "--s3-root"])
        .arg(root.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let key = result["ResultWriterDetails"]["Key"].as_str().unwrap();
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.path().join("sales").join(key)).unwrap(),
    )
    .unwrap();
    let results = manifest["ResultFiles"]["SUCCEEDED"][0]["Key"]
        .as_str()
        .unwrap();
    let lines = std::fs::read_to_string(root.path().join("sales").join(results)).unwrap();
    // 1,000 rows in batches of 100: ten child executions, one line each.
    assert_eq!(lines.lines().count(), 10);
    let rows: u64 = lines
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["rows"]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert_eq!(rows, 1000);
}

#[test]
fn serve_refuses_a_database_url_that_is_not_postgresql() {
    let output = asl()
        .args([
            "serve",
            "--db",
            "postgres://user@host:notaport/db",
            "--migrate-only",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("error: cannot migrate the database: invalid PostgreSQL URL"),
        "{stderr}"
    );
}

#[test]
fn serve_refuses_a_takeover_bound_under_a_second() {
    let output = asl()
        .args([
            "serve",
            "--db",
            "postgres://user@127.0.0.1:5432/db",
            "--takeover-seconds",
            "0.5",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert_eq!(
        stderr_of(&output),
        "error: --takeover-seconds must be 1 or more\n"
    );
}
