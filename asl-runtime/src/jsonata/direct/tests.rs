use serde_json::json;

use super::*;

fn value(value: Value) -> Direct<'static> {
    literal(value)
}

#[test]
fn paths_read_objects_and_leave_arrays_to_the_engine() {
    let states = json!({"input": {"order": {"total": 12}, "items": [{"price": 1}]}});
    assert_eq!(
        path(Some(&states), &["input", "order", "total"]),
        value(json!(12))
    );
    assert_eq!(path(Some(&states), &["input", "missing", "x"]), Undefined);
    assert_eq!(path(Some(&states), &["input", "items", "price"]), Engine);
    assert_eq!(path(None, &["x"]), Undefined);
}

#[test]
fn arithmetic_keeps_integers_and_propagates_undefined() {
    use Arithmetic::*;
    assert_eq!(
        arithmetic(Add, value(json!(1)), value(json!(2))),
        value(json!(3))
    );
    assert_eq!(
        arithmetic(Divide, value(json!(1)), value(json!(4))),
        value(json!(0.25))
    );
    assert_eq!(
        arithmetic(Remainder, value(json!(-7)), value(json!(3))),
        value(json!(-1))
    );
    assert_eq!(arithmetic(Multiply, Undefined, value(json!(2))), Undefined);
    // Strings, and results that are not finite, are the engine's to report.
    assert_eq!(arithmetic(Add, value(json!("1")), value(json!(2))), Engine);
    assert_eq!(arithmetic(Divide, value(json!(1)), value(json!(0))), Engine);
    assert_eq!(negate(value(json!(2.5))), value(json!(-2.5)));
}

#[test]
fn comparisons_follow_jsonata() {
    use Comparison::*;
    assert_eq!(
        compare(Less, value(json!(1)), value(json!(1.5))),
        value(json!(true))
    );
    assert_eq!(
        compare(Equal, value(json!(2)), value(json!(2.0))),
        value(json!(true))
    );
    assert_eq!(
        compare(GreaterOrEqual, value(json!("b")), value(json!("a"))),
        value(json!(true))
    );
    assert_eq!(
        compare(Equal, value(json!("1")), value(json!(1))),
        value(json!(false))
    );
    assert_eq!(
        compare(Less, Undefined, value(json!(1))),
        value(json!(false))
    );
    assert_eq!(compare(Less, value(json!("1")), value(json!(1))), Engine);
    assert_eq!(compare(Equal, value(json!([1])), value(json!([1]))), Engine);
}

#[test]
fn logic_and_concatenation_on_their_own_types_only() {
    assert_eq!(
        logical(true, value(json!(true)), Undefined),
        value(json!(false))
    );
    assert_eq!(
        logical(false, value(json!(false)), value(json!(true))),
        value(json!(true))
    );
    assert_eq!(logical(true, value(json!(1)), value(json!(true))), Engine);
    assert_eq!(concatenate(value(json!("a")), Undefined), value(json!("a")));
    assert_eq!(concatenate(value(json!("a")), value(json!(1))), Engine);
}

#[test]
fn evaluating_from_the_input_builds_states_only_for_the_engine() {
    let expression = crate::jsonata::parse("$states.input.count + $step");
    let input = json!({"count": "one"});
    let step = json!(1);
    // Computed directly: the value.
    assert_eq!(
        evaluate_input(value(json!(2)), &expression, "Output", &input, &[]),
        Ok(json!(2))
    );
    // Left to the engine: it sees `$states.input` and the variables that are set,
    // and its error is the one the engine gives with `$states` built whole.
    let engine = evaluate_input(
        Engine,
        &expression,
        "Output",
        &input,
        &[("step", Some(&step))],
    );
    let states = crate::jsonata::states(input.clone(), None);
    let mut bindings = Bindings::default();
    bindings.bind("states", &states).bind("step", &step);
    assert_eq!(
        engine,
        crate::jsonata::evaluate(&expression, "Output", &bindings)
    );
    assert_eq!(engine.unwrap_err().name(), "States.QueryEvaluationError");
    let unset = evaluate_input(
        Undefined,
        &expression,
        "Output",
        &json!({"count": 1}),
        &[("step", None)],
    );
    assert_eq!(unset.unwrap_err().name(), "States.QueryEvaluationError");
}
