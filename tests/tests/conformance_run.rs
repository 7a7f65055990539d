//! Runs every conformance case whose definition the code generator covers, compiled
//! into this crate by `build.rs`, and compares each result with what AWS recorded.
//!
//! `cargo test -p asl-tests --test conformance_run -- --nocapture` prints the counts.

use std::collections::HashMap;

use asl_tests::conformance::{CASES, EXCLUDED, run};
use serde_json::Value;

/// JSON equality as the corpus runner defines it: key order ignored, numbers by
/// value (`1` equals `1.0`).
fn same(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(a), Some(b)) => a == b,
            _ => a.as_f64() == b.as_f64(),
        },
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, a)| b.get(key).is_some_and(|b| same(a, b)))
        }
        _ => left == right,
    }
}

/// What the case expects and what the machine did, or `None` when they agree.
fn mismatch(
    expected: &Value,
    actual: &Result<Value, asl_runtime::ExecutionError>,
) -> Option<String> {
    let agrees = match (expected["status"].as_str(), actual) {
        (Some("SUCCEEDED"), Ok(output)) => same(&expected["output"], output),
        (Some("FAILED"), Err(error)) => {
            expected["error"].as_str() == error.error.as_deref()
                && expected["cause"].as_str() == error.cause.as_deref()
        }
        _ => false,
    };
    (!agrees).then(|| format!("expected {expected}\n      got {actual:?}"))
}

/// Whether a case is about error handling: tagged `retry` or `catch`, or recorded
/// as a failed execution.
fn is_about_errors(case: &Value) -> bool {
    case["tags"].as_array().is_some_and(|tags| {
        tags.iter()
            .any(|tag| matches!(tag.as_str(), Some("retry" | "catch" | "status:FAILED")))
    })
}

#[tokio::test(start_paused = true)]
async fn conformance_cases_pass() {
    let cases: HashMap<String, Value> = asl_tests::conformance_cases().into_iter().collect();
    let excluded: HashMap<usize, &str> = EXCLUDED.iter().copied().collect();
    let (mut passed, mut skipped) = (0, 0);
    // The error-handling cases (tagged retry or catch, or expected to fail):
    // passed and not compiled yet.
    let (mut errors_passed, mut errors_skipped) = (0, 0);
    let mut failures = Vec::new();
    for &(name, definition) in CASES {
        let case = &cases[name];
        let about_errors = is_about_errors(case);
        let Some(actual) = run(definition, case["input"].clone()).await else {
            skipped += 1;
            errors_skipped += usize::from(about_errors);
            assert!(excluded.contains_key(&definition));
            continue;
        };
        match mismatch(&case["expected"], &actual) {
            None => {
                passed += 1;
                errors_passed += usize::from(about_errors);
            }
            Some(difference) => failures.push(format!("{name}:\n      {difference}")),
        }
    }
    let definitions: std::collections::HashSet<usize> = CASES.iter().map(|case| case.1).collect();
    println!(
        "conformance: {passed} passed, {} failed; {skipped} cases ({} of {} definitions) use features not compiled yet",
        failures.len(),
        EXCLUDED.len(),
        definitions.len(),
    );
    println!(
        "  of them tagged retry or catch, or expected to fail: {errors_passed} passed, {errors_skipped} use features not compiled yet"
    );
    let mut features: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (_, reason) in EXCLUDED {
        for feature in reason
            .lines()
            .filter_map(|line| line.split(" uses ").nth(1))
        {
            *features
                .entry(feature.split(", which").next().unwrap_or(feature))
                .or_default() += 1;
        }
    }
    for (feature, count) in features {
        println!("  not compiled yet: {feature} ({count} states)");
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
