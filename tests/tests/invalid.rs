//! Every definition in `tests/invalid/` is wrong in a way a Step Functions user could
//! plausibly write. Checking it must report the mistake (an error, or only warnings
//! for the `warning-` fixtures), each diagnostic must point into the source, and the
//! rendered diagnostics must match the reviewed snapshot in
//! `tests/snapshots/invalid/<fixture>.snap`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use asl_codegen::diagnostic::render::Style;
use asl_codegen::diagnostic::report::Report;
use asl_codegen::{Checked, SourceFile, check};

/// The directory of the fixtures, beside this crate's `tests/`.
fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("invalid")
}

/// The extensions of fixture files.
const EXTENSIONS: &[&str] = &[".asl.json", ".asl.yaml"];

/// Every fixture, sorted by name.
fn fixtures() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("read tests/invalid")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| {
            let name = path.to_string_lossy();
            EXTENSIONS.iter().any(|ext| name.ends_with(ext))
        })
        .collect();
    paths.sort();
    paths
}

/// The fixture's name without its extension, e.g. `choice-two-operators`. YAML
/// fixtures are named `yaml-...` so that stems (and snapshot names) stay unique.
fn stem(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy();
    EXTENSIONS
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(&name)
        .to_owned()
}

/// Reads and checks a fixture under a machine-independent name such as
/// `invalid/choice-two-operators.asl.json` (the extension picks JSON or YAML).
fn check_fixture(path: &Path) -> (SourceFile, Checked) {
    let text = std::fs::read_to_string(path).expect("read fixture");
    let name = format!("invalid/{}", path.file_name().unwrap().to_string_lossy());
    let source = SourceFile::new(name, text);
    let checked = check(&source);
    (source, checked)
}

/// What every fixture must satisfy, whatever its snapshot says.
fn check_expectations(stem: &str, checked: &Checked) -> Result<(), String> {
    let diagnostics = &checked.diagnostics;
    if stem.starts_with("warning-") {
        if diagnostics.has_errors() || checked.workflow.is_none() {
            return Err("a warning- fixture must have no error".into());
        }
        if diagnostics.warning_count() == 0 {
            return Err("a warning- fixture must have at least one warning".into());
        }
    } else {
        if !diagnostics.has_errors() {
            return Err("the definition was accepted: no error reported".into());
        }
        if checked.workflow.is_some() {
            return Err("errors were reported but a workflow was still returned".into());
        }
    }
    if let Some(unplaced) = diagnostics.iter().find(|d| d.span.is_none()) {
        return Err(format!("a diagnostic has no span: {unplaced}"));
    }
    Ok(())
}

#[test]
fn every_invalid_definition_is_reported() {
    let fixtures = fixtures();
    assert!(
        fixtures.len() >= 70,
        "expected at least 70 fixtures, found {}",
        fixtures.len()
    );
    let mut stems: Vec<String> = fixtures.iter().map(|path| stem(path)).collect();
    stems.dedup();
    assert_eq!(stems.len(), fixtures.len(), "two fixtures share a name");
    let mut failures = Vec::new();
    for path in &fixtures {
        let stem = stem(path);
        let (source, checked) = check_fixture(path);
        let mut rendered = checked.diagnostics.render(&source, Style::Plain);
        if rendered.is_empty() {
            rendered = "(no diagnostics)\n".to_owned();
        }
        if let Err(problem) = check_expectations(&stem, &checked) {
            failures.push(format!("{stem}: {problem}"));
        }
        // Keep going after a mismatch so that one run shows (and, with
        // INSTA_UPDATE, writes) every changed snapshot.
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            insta::with_settings!({
                snapshot_path => "snapshots/invalid",
                prepend_module_to_snapshot => false,
                input_file => path,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(stem.as_str(), rendered);
            });
        }));
        if outcome.is_err() {
            failures.push(format!("{stem}: the rendering differs from its snapshot"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n  {}",
        failures.len(),
        fixtures.len(),
        failures.join("\n  ")
    );
}

#[test]
fn json_report_places_every_diagnostic() {
    let path = fixtures_dir().join("multi-several-problems.asl.json");
    let (source, checked) = check_fixture(&path);
    assert!(checked.diagnostics.error_count() >= 3);
    let report = serde_json::to_value(Report::new(&source, &checked.diagnostics)).unwrap();
    assert_eq!(report["result"], "FAIL");
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), checked.diagnostics.len());
    for diagnostic in diagnostics {
        assert!(diagnostic["location"].is_string(), "{diagnostic}");
        assert!(
            diagnostic["line"].as_u64().is_some_and(|n| n >= 1),
            "{diagnostic}"
        );
        assert!(
            diagnostic["column"].as_u64().is_some_and(|n| n >= 1),
            "{diagnostic}"
        );
        assert_eq!(diagnostic["severity"], "ERROR", "{diagnostic}");
    }
    insta::with_settings!({
        snapshot_path => "snapshots/invalid",
        prepend_module_to_snapshot => false,
        input_file => &path,
        omit_expression => true,
    }, {
        insta::assert_json_snapshot!("multi-several-problems.report", report);
    });
}
