use serde_json::json;

use super::*;

#[test]
fn an_inner_scope_reads_its_own_and_the_enclosing_variables() {
    let mut outer = Variables::default();
    outer
        .assign([(0, "x", json!(1)), (1, "y", json!("two"))])
        .unwrap();
    let mut inner = Variables::inner(Arc::new(outer));
    inner.assign([(0, "z", json!([3]))]).unwrap();
    assert_eq!(inner.read(0, 0, "z").unwrap(), &json!([3]));
    assert_eq!(inner.read(1, 1, "y").unwrap(), &json!("two"));
}

#[test]
fn an_unassigned_variable_fails_with_states_runtime() {
    let scope = Variables::default();
    let error = scope.read(0, 2, "later").unwrap_err();
    assert_eq!(error.name(), "States.Runtime");
    assert!(error.cause_text().contains("'$later'"), "{error}");
    // No enclosing scope: a Distributed Map child reads nothing outside itself.
    assert!(scope.read(1, 0, "outer").is_err());
}

#[test]
fn values_over_the_limits_fail_with_states_data_limit_exceeded_and_write_nothing() {
    let big = json!("x".repeat(MAX_PAYLOAD_BYTES));
    let mut scope = Variables::default();
    let error = scope.assign([(0, "big", big)]).unwrap_err();
    assert_eq!(error.name(), "States.DataLimitExceeded");
    let half = json!("x".repeat(MAX_PAYLOAD_BYTES / 2));
    let error = scope
        .assign([(0, "a", half.clone()), (1, "b", half.clone())])
        .unwrap_err();
    assert_eq!(error.name(), "States.DataLimitExceeded");
    assert!(scope.read(0, 0, "a").is_err());
    // 10 MiB across many variables; replacing a value frees its share.
    let mut slot = 0;
    while scope.assign([(slot, "v", half.clone())]).is_ok() {
        slot += 1;
    }
    assert_eq!(slot, MAX_TOTAL_BYTES / (MAX_PAYLOAD_BYTES / 2 + 2));
    scope.assign([(0, "v", json!(1))]).unwrap();
    scope.assign([(slot, "v", json!(2))]).unwrap();
}

#[test]
fn a_checkpoint_keeps_values_sizes_and_unassigned_slots() {
    let mut top = Variables::default();
    assert_eq!(top.to_json(), None);
    top.assign([(0, "a", json!(null)), (2, "c", json!({"x": [1, "y"]}))])
        .unwrap();
    let text = top.to_json().unwrap();
    assert_eq!(text, r#"[[null],null,[{"x":[1,"y"]}]]"#);
    let back = Variables::from_json(&text).unwrap();
    assert_eq!(back, top);
    assert_eq!(back.get(0, 1), None);
    assert_eq!(Variables::from_json("{}"), None);
}
