//! Deep recursion, runaway loops, deep and huge values: each ends in an error or a value,
//! never in a crash. These run on the test harness's 2 MiB threads.

use std::time::{Duration, Instant};

use asl_jsonata::{Bindings, EvaluationError, Expression, Limits};
use serde_json::{Value, json};

/// `text` evaluated with `limits` against `states` bound as `$states`.
fn eval_with(text: &str, limits: Limits, states: &Value) -> Result<Option<Value>, EvaluationError> {
    let mut bindings = Bindings::default();
    bindings.bind("states", states);
    Expression::parse(text)
        .unwrap()
        .with_limits(limits)
        .evaluate(None, &bindings)
}

/// `text` evaluated with the default limits and no variables.
fn eval(text: &str) -> Result<Option<Value>, EvaluationError> {
    eval_with(text, Limits::default(), &Value::Null)
}

/// An array nested `depth` levels deep around `leaf`, built without recursion.
fn nested(depth: usize, leaf: Value) -> Value {
    (0..depth).fold(leaf, |inner, _| Value::Array(vec![inner]))
}

/// `{"input": input}`, built without recursion (`json!` would serialize `input` recursively).
fn states_with_input(input: Value) -> Value {
    Value::Object([("input".to_owned(), input)].into_iter().collect())
}

/// Drops `value` without recursion: serde_json drops nested values recursively, which a value
/// nested 100,000 deep would overflow the stack with.
fn drop_flat(value: Value) {
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items),
            Value::Object(members) => pending.extend(members.into_iter().map(|(_, member)| member)),
            _ => {}
        }
    }
}

#[test]
fn infinite_tail_recursion_runs_out_of_time() {
    let limits = Limits::default().with_timeout(Duration::from_millis(200));
    let started = Instant::now();
    let error = eval_with(
        "(function($f){$f($f)})(function($f){$f($f)})",
        limits,
        &Value::Null,
    )
    .unwrap_err();
    assert_eq!(error.code(), Some("D1012"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn infinite_recursion_runs_out_of_depth() {
    let error = eval("($f := function($n){1 + $f($n)}; $f(1))").unwrap_err();
    assert_eq!(error.code(), Some("D1011"), "{error}");
}

#[test]
fn the_default_depth_refuses_what_aws_refuses() {
    let recursion =
        |n: u32| format!("($f := function($n){{$n = 0 ? 0 : 1 + $f($n - 1)}}; $f({n}))");
    assert_eq!(eval(&recursion(31)).unwrap(), Some(json!(31)));
    assert_eq!(eval(&recursion(32)).unwrap_err().code(), Some("D1011"));
    let additions = |n: usize| vec!["1"; n].join("+");
    assert_eq!(eval(&additions(100)).unwrap(), Some(json!(100)));
    assert_eq!(eval(&additions(101)).unwrap_err().code(), Some("D1011"));
    let parentheses = |n: usize| format!("{}1{}", "(".repeat(n), ")".repeat(n));
    assert_eq!(eval(&parentheses(99)).unwrap(), Some(json!(1)));
    assert_eq!(eval(&parentheses(100)).unwrap_err().code(), Some("D1011"));
}

#[test]
fn deep_recursion_stops_at_the_engine_ceiling_without_overflowing() {
    // No depth limit of ours: the engine's own ceiling (30,000 levels, about 10,000 calls) stops
    // it, on stack segments it allocates on the heap.
    let limits = Limits::default().with_max_depth(usize::MAX);
    let error = eval_with(
        "($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(100000))",
        limits,
        &Value::Null,
    )
    .unwrap_err();
    assert_eq!(error.code(), Some("U1001"), "{error}");
}

#[test]
fn deeply_nested_expressions_are_syntax_errors() {
    let text = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    let error = Expression::parse(&text).unwrap_err();
    assert_eq!(error.code(), "U1002", "{error}");
}

#[test]
fn deeply_nested_input_is_read_but_not_returned() {
    let states = states_with_input(nested(100_000, json!("leaf")));
    assert_eq!(
        eval_with("$count($states.input)", Limits::default(), &states).unwrap(),
        Some(json!(1))
    );
    assert_eq!(
        eval_with("$type($states.input[0][0][0])", Limits::default(), &states).unwrap(),
        Some(json!("array"))
    );
    // The whole value is too deep to hand back as JSON.
    let error = eval_with("$states.input", Limits::default(), &states).unwrap_err();
    assert_eq!(
        error.message(),
        "the result is nested deeper than 1000 levels"
    );
    drop_flat(states);
}

#[test]
fn results_nested_1000_deep_are_returned_and_usable() {
    let states = states_with_input(nested(999, json!(1)));
    let result = eval_with("$states.input", Limits::default(), &states)
        .unwrap()
        .unwrap();
    assert_eq!(serde_json::to_string(&result).unwrap().len(), 999 * 2 + 1);
    assert_eq!(result, states["input"]);
}

#[test]
fn deep_values_built_by_an_expression_are_refused() {
    let error = eval("$reduce([1..20000], function($acc, $n){{'a': $acc}}, {})").unwrap_err();
    assert_eq!(
        error.message(),
        "the result is nested deeper than 1000 levels"
    );
}

#[test]
fn huge_inputs_are_evaluated() {
    let items: Vec<Value> = (0..100_000)
        .map(|n| json!({"id": n, "name": format!("item {n}"), "price": n % 97, "tags": ["a", "b"]}))
        .collect();
    let states = json!({"input": {"items": items}});
    assert!(serde_json::to_string(&states).unwrap().len() > 5_000_000);
    assert_eq!(
        eval_with(
            "$count($states.input.items[price > 90])",
            Limits::default(),
            &states
        )
        .unwrap(),
        Some(json!(6 * 1030))
    );
}
