//! Every definition in the conformance corpus was accepted by AWS, so `check` must
//! accept it too: no errors (warnings are allowed).

use asl_codegen::SourceFile;
use asl_codegen::diagnostic::render::Style;

#[test]
fn every_conformance_definition_is_valid() {
    let cases = asl_tests::conformance_cases();
    assert!(!cases.is_empty(), "no conformance cases found");
    let mut failures = Vec::new();
    let mut warnings = 0;
    for (name, case) in &cases {
        let text = serde_json::to_string_pretty(&case["definition"]).unwrap();
        let source = SourceFile::new(format!("{name}.asl.json"), text);
        let checked = asl_codegen::check(&source);
        warnings += checked.diagnostics.warning_count();
        if !checked.is_valid() {
            failures.push(checked.diagnostics.render(&source, Style::Plain));
        }
    }
    println!(
        "conformance definitions: {} checked, {} valid, {} rejected ({warnings} warnings)",
        cases.len(),
        cases.len() - failures.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} definitions that AWS accepts were rejected; the first:\n{}",
        failures.len(),
        failures
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
