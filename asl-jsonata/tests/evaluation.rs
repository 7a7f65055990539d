//! Evaluation through the crate's interface: bindings, `undefined`, numbers, key order, errors.

use std::sync::LazyLock;
use std::thread;

use asl_jsonata::{Bindings, EvaluationErrorKind, Expression};
use serde_json::{Value, json};

/// `text` evaluated against `states` bound as `$states`.
fn eval_states(text: &str, states: &Value) -> Option<Value> {
    let mut bindings = Bindings::default();
    bindings.bind("states", states);
    Expression::parse(text)
        .unwrap()
        .evaluate(None, &bindings)
        .unwrap_or_else(|error| panic!("{text}: {error}"))
}

#[test]
fn states_and_workflow_variables_are_bound() {
    let states = json!({"input": {"a": 1, "b": 2}, "context": {"Execution": {"Name": "x"}}});
    let total = json!(40);
    let label = json!("sum");
    let mut bindings = Bindings::default();
    bindings
        .bind("states", &states)
        .bind("total", &total)
        .bind("label", &label);
    let expression =
        Expression::parse("{$label: $states.input.a + $states.input.b + $total, 'run': $states.context.Execution.Name}")
            .unwrap();
    assert_eq!(
        expression.evaluate(None, &bindings).unwrap(),
        Some(json!({"sum": 43, "run": "x"}))
    );
}

#[test]
fn a_later_binding_of_a_name_wins() {
    let (first, second) = (json!(1), json!(2));
    let mut bindings = Bindings::default();
    bindings.bind("x", &first).bind("x", &second);
    let expression = Expression::parse("$x").unwrap();
    assert_eq!(
        expression.evaluate(None, &bindings).unwrap(),
        Some(json!(2))
    );
}

#[test]
fn the_input_is_the_context() {
    let input = json!({"name": "Ada", "items": [1, 2, 3]});
    let expression = Expression::parse("name & ': ' & $string($sum(items))").unwrap();
    assert_eq!(
        expression
            .evaluate(Some(&input), &Bindings::default())
            .unwrap(),
        Some(json!("Ada: 6"))
    );
    let whole = Expression::parse("$").unwrap();
    assert_eq!(whole.evaluate(None, &Bindings::default()).unwrap(), None);
}

#[test]
fn undefined_is_none() {
    let states = json!({"input": {"a": null}});
    assert_eq!(eval_states("$states.input.missing", &states), None);
    assert_eq!(eval_states("$unbound", &states), None);
    assert_eq!(eval_states("$states.input[false]", &states), None);
    // JSON null is a value.
    assert_eq!(eval_states("$states.input.a", &states), Some(Value::Null));
    // Inside objects undefined members are left out, as JSONata does.
    assert_eq!(
        eval_states("{'a': $states.input.missing, 'b': 1}", &states),
        Some(json!({"b": 1}))
    );
}

#[test]
fn integral_numbers_come_back_as_integers() {
    let states = json!({"input": {"price": 2.5, "count": 4}});
    let sum = eval_states("1 + 2", &states).unwrap();
    assert_eq!(sum.to_string(), "3");
    assert!(sum.is_i64());
    assert_eq!(
        eval_states("$states.input.price * $states.input.count", &states)
            .unwrap()
            .to_string(),
        "10"
    );
    assert_eq!(eval_states("7 / 2", &states), Some(json!(3.5)));
    assert_eq!(
        eval_states("[1.0, 2.50, -0]", &states).unwrap().to_string(),
        "[1,2.5,0]"
    );
    assert_eq!(
        eval_states("$states.input.count", &states)
            .unwrap()
            .to_string(),
        "4"
    );
    assert_eq!(
        eval_states("1e18", &states).unwrap().to_string(),
        "1000000000000000000"
    );
    // Past 2^63 a number is no longer an i64 and keeps its floating-point form.
    assert_eq!(eval_states("1e20", &states).unwrap().to_string(), "1e+20");
    // JSON cannot hold infinities or NaN; AWS writes their JavaScript names.
    assert_eq!(eval_states("1/0", &states), Some(json!("Infinity")));
    assert_eq!(
        eval_states("{'k': -1/0}", &states),
        Some(json!({"k": "-Infinity"}))
    );
}

#[test]
fn object_keys_keep_their_order() {
    let states = json!({"input": {"zeta": 1, "alpha": 2, "mid": {"z": true, "a": false}}});
    assert_eq!(
        eval_states("$states.input", &states).unwrap().to_string(),
        r#"{"zeta":1,"alpha":2,"mid":{"z":true,"a":false}}"#
    );
    assert_eq!(
        eval_states("{'b': 1, 'a': 2, 'c': $states.input.mid}", &states)
            .unwrap()
            .to_string(),
        r#"{"b":1,"a":2,"c":{"z":true,"a":false}}"#
    );
    assert_eq!(
        eval_states("$merge([$states.input.mid, {'y': 0}])", &states)
            .unwrap()
            .to_string(),
        r#"{"z":true,"a":false,"y":0}"#
    );
}

#[test]
fn a_function_result_is_unsupported() {
    let expression = Expression::parse("$fn := function($x){$x}").unwrap();
    let error = expression.evaluate(None, &Bindings::default()).unwrap_err();
    assert_eq!(error.kind(), EvaluationErrorKind::UnsupportedResult);
    assert_eq!(error.code(), None);
    let regex = Expression::parse("/ab+/").unwrap();
    assert_eq!(
        regex
            .evaluate(None, &Bindings::default())
            .unwrap_err()
            .kind(),
        EvaluationErrorKind::UnsupportedResult
    );
    // Inside a value a function follows JSON.stringify: null in an array, left out of an object.
    let nested = Expression::parse("{'f': $uppercase, 'a': [$uppercase, 1]}").unwrap();
    assert_eq!(
        nested.evaluate(None, &Bindings::default()).unwrap(),
        Some(json!({"a": [null, 1]}))
    );
}

#[test]
fn evaluation_errors_carry_the_jsonata_code() {
    let states = json!({"input": {"s": "text"}});
    let mut bindings = Bindings::default();
    bindings.bind("states", &states);
    let cases = [
        (
            "$states.input.s + 1",
            "T2001",
            "The left side of the + operator must evaluate to a number",
        ),
        (
            "$sum($states.input.s)",
            "T0412",
            "Argument 1 must be an array of Number",
        ),
        ("$error('boom')", "D3137", "boom"),
        (
            "$string(1/0)",
            "D3001",
            "Attempting to invoke string function with non-finite number: inf",
        ),
        (
            "$notAFunction()",
            "T1006",
            "Attempted to invoke a non-function: $notAFunction",
        ),
    ];
    for (text, code, message) in cases {
        let error = Expression::parse(text)
            .unwrap()
            .evaluate(None, &bindings)
            .expect_err(text);
        assert_eq!(error.kind(), EvaluationErrorKind::Failed, "{text}");
        assert_eq!(error.code(), Some(code), "{text}");
        assert_eq!(error.message(), message, "{text}");
        assert_eq!(error.to_string(), format!("{code}: {message}"));
        assert_eq!(error.position(), None);
    }
}

#[test]
fn syntax_errors_carry_code_and_position() {
    // (expression, code, character offset just past the offending token)
    let cases = [
        ("1 2", "S0201", 3),
        ("$states.input.a +", "S0207", 17),
        ("($x := 1", "S0203", 8),
        ("{'a': 1,}", "S0211", 9),
        ("$states.input[0 1]", "S0202", 17),
        ("'unterminated", "S0101", 13),
        ("/* open", "S0106", 7),
        ("1e999", "S0102", 5),
        ("'\\q'", "S0103", 3),
        // Offsets count characters, not bytes.
        ("'é' 'ü'", "S0201", 7),
    ];
    for (text, code, position) in cases {
        let error = Expression::parse(text).expect_err(text);
        assert_eq!(
            (error.code(), error.position()),
            (code, position),
            "{text}: {error}"
        );
        assert!(!error.message().is_empty());
    }
    let error = Expression::parse("1 2").unwrap_err();
    assert_eq!(error.message(), "Syntax error: Number(2.0)");
    assert_eq!(
        error.to_string(),
        "S0201: Syntax error: Number(2.0) (at character 3)"
    );
}

static SHARED: LazyLock<Expression> =
    LazyLock::new(|| Expression::parse("$states.input.n * 2").unwrap());

#[test]
fn one_expression_serves_many_threads() {
    let handles: Vec<_> = (0..8)
        .map(|n| {
            thread::spawn(move || {
                let states = json!({"input": {"n": n}});
                let mut bindings = Bindings::default();
                bindings.bind("states", &states);
                SHARED.evaluate(None, &bindings).unwrap()
            })
        })
        .collect();
    for (n, handle) in handles.into_iter().enumerate() {
        assert_eq!(handle.join().unwrap(), Some(json!(n * 2)));
    }
}

#[test]
fn debug_shows_the_source() {
    let expression = Expression::parse("$x + 1").unwrap();
    let debug = format!("{expression:?}");
    assert!(debug.contains("\"$x + 1\""), "{debug}");
    assert_eq!(expression.source(), "$x + 1");
}
