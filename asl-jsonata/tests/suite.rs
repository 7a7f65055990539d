//! The jsonata-js reference suite (`shared/jsonata-suite`), run through this crate's interface.
//!
//! Every case is evaluated with its input, bindings and limits; values are compared with a
//! relative tolerance of 1e-10 on numbers (as multisets for the `unordered` cases), and an error
//! case passes on any error. The cases that need `$eval`, which AWS removes, are excluded; they
//! are listed in `eval-cases.txt`, and the test checks that list against the cases.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use asl_jsonata::{Bindings, Expression, Limits};
use serde_json::Value;

/// `../shared/jsonata-suite` beside the workspace, or under `$ASL_SHARED`.
fn suite() -> std::path::PathBuf {
    let shared = match std::env::var_os("ASL_SHARED") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    shared.join("jsonata-suite")
}
const EVAL_CASES: &str = include_str!("eval-cases.txt");

/// One case of the suite, read from its JSON.
struct Case {
    id: String,
    expression: String,
    input: Option<Value>,
    bindings: Vec<(String, Value)>,
    limits: Limits,
    expected: Expected,
    unordered: bool,
}

/// What a case expects.
enum Expected {
    Value(Value),
    Undefined,
    Error(String),
}

#[test]
fn jsonata_suite() {
    let suite = suite();
    let cases = read_cases(&suite);
    assert!(
        cases.len() > 1600,
        "found only {} cases in {}",
        cases.len(),
        suite.display()
    );

    let using_eval: BTreeSet<&str> = cases
        .iter()
        .filter(|case| case.expression.contains("$eval"))
        .map(|case| case.id.as_str())
        .collect();
    let listed: BTreeSet<&str> = EVAL_CASES.lines().filter(|line| !line.is_empty()).collect();
    assert_eq!(
        using_eval, listed,
        "tests/eval-cases.txt must list exactly the cases that use $eval"
    );

    let mut failures = Vec::new();
    let mut passed = 0;
    for case in cases
        .iter()
        .filter(|case| !using_eval.contains(case.id.as_str()))
    {
        match run(case) {
            Ok(()) => passed += 1,
            Err(reason) => failures.push(format!("{}: {reason}", case.id)),
        }
    }
    println!(
        "jsonata suite: {passed} passed, {} failed, {} excluded ($eval)",
        failures.len(),
        using_eval.len()
    );
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
}

/// Runs one case: `Ok` when the outcome is the expected one.
fn run(case: &Case) -> Result<(), String> {
    let mut bindings = Bindings::default();
    for (name, value) in &case.bindings {
        bindings.bind(name, value);
    }
    let outcome = Expression::parse(&case.expression)
        .map_err(|error| error.to_string())
        .and_then(|expression| {
            expression
                .with_limits(case.limits)
                .evaluate(case.input.as_ref(), &bindings)
                .map_err(|error| error.to_string())
        });
    match (&case.expected, outcome) {
        (Expected::Error(_), Err(_)) => Ok(()),
        (Expected::Error(code), Ok(value)) => Err(format!("expected error {code}, got {value:?}")),
        (_, Err(error)) => Err(format!("unexpected error {error}")),
        (Expected::Undefined, Ok(None)) => Ok(()),
        (Expected::Value(expected), Ok(Some(actual)))
            if same(expected, &actual, case.unordered) =>
        {
            Ok(())
        }
        (Expected::Undefined, Ok(Some(actual))) => Err(format!("expected undefined, got {actual}")),
        (Expected::Value(expected), Ok(actual)) => {
            Err(format!("expected {expected}, got {actual:?}"))
        }
    }
}

/// JSON equality with a relative tolerance on numbers; arrays as multisets when `unordered`.
fn same(expected: &Value, actual: &Value, unordered: bool) -> bool {
    match (expected, actual) {
        (Value::Number(expected), Value::Number(actual)) => {
            let (expected, actual) = (expected.as_f64().unwrap(), actual.as_f64().unwrap());
            expected == actual
                || (expected - actual).abs() <= 1e-10 * expected.abs().max(actual.abs())
        }
        (Value::Array(expected), Value::Array(actual)) if unordered => {
            let mut left: Vec<&Value> = actual.iter().collect();
            expected.len() == actual.len()
                && expected.iter().all(|item| {
                    match left
                        .iter()
                        .position(|candidate| same(item, candidate, true))
                    {
                        Some(found) => {
                            left.swap_remove(found);
                            true
                        }
                        None => false,
                    }
                })
        }
        (Value::Array(expected), Value::Array(actual)) => {
            expected.len() == actual.len()
                && expected
                    .iter()
                    .zip(actual)
                    .all(|(expected, actual)| same(expected, actual, false))
        }
        (Value::Object(expected), Value::Object(actual)) => {
            expected.len() == actual.len()
                && expected.iter().all(|(key, expected)| {
                    actual
                        .get(key)
                        .is_some_and(|actual| same(expected, actual, false))
                })
        }
        _ => expected == actual,
    }
}

/// Every case of the suite, in file order.
fn read_cases(suite: &Path) -> Vec<Case> {
    let datasets = suite.join("datasets");
    let mut cases = Vec::new();
    for group in sorted_entries(&suite.join("groups")) {
        let group_name = file_name(&group);
        for file in sorted_entries(&group) {
            if file.extension().is_none_or(|extension| extension != "json") {
                continue;
            }
            let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
            let json = read_json(&file);
            match json {
                Value::Array(items) => {
                    for (index, item) in items.iter().enumerate() {
                        let id = format!("{group_name}/{stem}[{index}]");
                        cases.push(read_case(id, item, &group, &datasets));
                    }
                }
                item => cases.push(read_case(
                    format!("{group_name}/{stem}"),
                    &item,
                    &group,
                    &datasets,
                )),
            }
        }
    }
    cases
}

/// A case file. Two cases hold a lone surrogate (`"\\uD800"`), which a Rust string cannot;
/// as in the engine survey, they get the JSONata escape instead (`'\\uD800'` inside the
/// expression), which the parser rejects, as the cases expect an error.
fn read_json(file: &Path) -> Value {
    let text = fs::read_to_string(file).unwrap();
    serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(&text.replace("\\uD", "\\\\uD")))
        .unwrap_or_else(|error| panic!("{}: {error}", file.display()))
}

/// One case from its JSON. Expressions may sit in a separate file next to the case.
fn read_case(id: String, json: &Value, group: &Path, datasets: &Path) -> Case {
    let expression = match (json.get("expr"), json.get("expr-file")) {
        (Some(Value::String(expression)), _) => expression.clone(),
        (_, Some(Value::String(file))) => fs::read_to_string(group.join(file)).unwrap(),
        _ => panic!("{id}: no expression"),
    };
    let input = match (json.get("data"), json.get("dataset")) {
        (Some(data), _) => Some(data.clone()),
        (None, Some(Value::String(dataset))) => Some(
            serde_json::from_str(
                &fs::read_to_string(datasets.join(format!("{dataset}.json"))).unwrap(),
            )
            .unwrap(),
        ),
        _ => None,
    };
    let bindings = json
        .get("bindings")
        .and_then(Value::as_object)
        .map(|bindings| {
            bindings
                .iter()
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect()
        })
        .unwrap_or_default();
    // Without limits of its own a case runs as jsonata-js does: no depth limit short of the
    // engine's own ceiling (30,000), and a time limit only to keep a broken case from hanging.
    let mut limits = Limits::default()
        .with_max_depth(30_000)
        .with_timeout(Duration::from_secs(60));
    if let Some(depth) = json.get("depth").and_then(Value::as_u64) {
        limits = limits.with_max_depth(usize::try_from(depth).unwrap());
    }
    if let Some(milliseconds) = json.get("timelimit").and_then(Value::as_u64) {
        limits = limits.with_timeout(Duration::from_millis(milliseconds));
    }
    let code = json
        .get("code")
        .or_else(|| json.get("error").and_then(|error| error.get("code")))
        .and_then(Value::as_str);
    let expected = match (code, json.get("result")) {
        (Some(code), _) => Expected::Error(code.to_owned()),
        (None, Some(result)) => Expected::Value(result.clone()),
        (None, None) if json.get("undefinedResult") == Some(&Value::Bool(true)) => {
            Expected::Undefined
        }
        _ => panic!("{id}: no expectation"),
    };
    Case {
        id,
        expression,
        input,
        bindings,
        limits,
        expected,
        unordered: json.get("unordered") == Some(&Value::Bool(true)),
    }
}

/// The entries of `directory`, sorted by name.
fn sorted_entries(directory: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(directory)
        .unwrap_or_else(|error| panic!("{}: {error}", directory.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    entries
}

/// The last component of `path`.
fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}
