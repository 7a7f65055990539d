//! The functions AWS adds to JSONata (`$partition`, `$range`, `$hash`, `$random`, `$uuid`,
//! `$parse`) and the one it removes (`$eval`).

use asl_jsonata::{Bindings, EvaluationError, Expression};
use serde_json::{Value, json};

/// `text` evaluated with no input and no variables.
fn eval(text: &str) -> Result<Option<Value>, EvaluationError> {
    Expression::parse(text)
        .unwrap()
        .evaluate(None, &Bindings::default())
}

/// The value of `text`, which must have one.
fn value(text: &str) -> Value {
    eval(text)
        .unwrap_or_else(|error| panic!("{text}: {error}"))
        .unwrap_or_else(|| panic!("{text}: undefined"))
}

/// The code and message of the error `text` raises.
fn error(text: &str) -> (Option<String>, String) {
    let error = eval(text).expect_err(text);
    (error.code().map(str::to_owned), error.message().to_owned())
}

#[test]
fn partition_cuts_an_array_into_chunks() {
    assert_eq!(
        value("$partition([1,2,3,4,5], 2)"),
        json!([[1, 2], [3, 4], [5]])
    );
    assert_eq!(
        value("$partition([1,2,3,4,5], 1)"),
        json!([[1], [2], [3], [4], [5]])
    );
    assert_eq!(
        value("$partition([1,2,3,4,5], 6)"),
        json!([[1, 2, 3, 4, 5]])
    );
    // A single chunk stays an array of arrays (AWS: [0] by 5 is [[0]]).
    assert_eq!(value("$partition([0], 5)"), json!([[0]]));
    // The size is rounded towards zero; without one the whole array is one chunk.
    assert_eq!(value("$partition([1,2,3], 2.9)"), json!([[1, 2], [3]]));
    assert_eq!(value("$partition([1,2,3])"), json!([[1, 2, 3]]));
    assert_eq!(value("[1,2,3] ~> $partition(2)"), json!([[1, 2], [3]]));
}

#[test]
fn partition_edges_are_undefined_or_refused() {
    assert_eq!(eval("$partition([], 2)").unwrap(), None);
    assert_eq!(eval("$partition([1,2], 0)").unwrap(), None);
    assert_eq!(eval("$partition($nothing, 2)").unwrap(), None);
    assert_eq!(
        error("$partition([1], -2)"),
        (
            Some("D3137".into()),
            "Second argument must be zero or greater".into()
        )
    );
    assert_eq!(
        error("$partition('abc', 2)"),
        (
            Some("T0412".into()),
            "Argument 1 of function \"partition\" must be an array of undefined".into()
        )
    );
    assert_eq!(
        error("$partition([1], 'x')"),
        (
            Some("T0410".into()),
            "Argument 2 of function \"partition\" does not match function signature".into()
        )
    );
}

#[test]
fn range_counts_from_start_to_end() {
    assert_eq!(value("$range(1, 9, 3)"), json!([1, 4, 7]));
    assert_eq!(value("$range(0, 9, 3)"), json!([0, 3, 6, 9]));
    assert_eq!(value("$range(0, 10, 3)"), json!([0, 3, 6, 9]));
    assert_eq!(value("$range(1, -5, -2)"), json!([1, -1, -3, -5]));
    // AWS returns a sequence: one number comes back bare.
    assert_eq!(value("$range(1, 9, 9)"), json!(1));
    assert_eq!(value("$range(4, 4, 1)"), json!(4));
    // Arguments are rounded towards zero.
    assert_eq!(value("$range(-1.7, 2, 1)"), json!([-1, 0, 1, 2]));
}

#[test]
fn range_edges_are_undefined_or_refused() {
    assert_eq!(eval("$range(1, 9, 0)").unwrap(), None);
    assert_eq!(eval("$range(1, 9)").unwrap(), None);
    assert_eq!(eval("$range(9, 1, 1)").unwrap(), None);
    assert_eq!(eval("$range(1, 9, -1)").unwrap(), None);
    assert_eq!(
        error("$range('a', 9, 1)"),
        (
            Some("T0410".into()),
            "Argument 1 of function \"range\" does not match function signature".into()
        )
    );
    assert_eq!(error("$range(1)").0.as_deref(), Some("T0410"));
    // AWS's memory limit: 360,145 numbers pass, one more does not.
    assert_eq!(value("$count($range(1, 360145, 1))"), json!(360145));
    assert_eq!(
        error("$range(0, 1e15, 1)"),
        (None, "Expression evaluation memory limit exceeded".into())
    );
}

#[test]
fn hash_gives_hex_digests() {
    assert_eq!(
        value("$hash('input data', 'MD5')"),
        json!("812f45842bc6d66ee14572ce20db8e86")
    );
    assert_eq!(
        value("$hash('input data', 'SHA-1')"),
        json!("aaff4a450a104cd177d28d18d74485e8cae074b7")
    );
    assert_eq!(
        value("$hash('', 'SHA-256')"),
        json!("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
    assert_eq!(value("$length($hash('a', 'SHA-384'))"), json!(96));
    assert_eq!(value("$length($hash('a', 'SHA-512'))"), json!(128));
    // UTF-8 bytes: "é" is c3 a9.
    assert_eq!(value("$hash('é', 'MD5')"), value("$hash('\\u00e9', 'MD5')"));
    assert_eq!(
        value("'abc' ~> $hash('MD5')"),
        json!("900150983cd24fb0d6963f7d28e17f72")
    );
}

#[test]
fn hash_edges_are_undefined_or_refused() {
    assert_eq!(eval("$hash('a')").unwrap(), None);
    assert_eq!(
        error("$hash('a', 'sha-256')"),
        (
            Some("D3137".into()),
            "Hash algorithm 'sha-256' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5".into()
        )
    );
    assert_eq!(error("$hash(1, 'MD5')").0.as_deref(), Some("T0410"));
    assert_eq!(error("$hash($nothing, 'MD5')").0.as_deref(), Some("T0410"));
    assert_eq!(error("$hash('a', 5)").0.as_deref(), Some("T0410"));
}

#[test]
fn parse_reads_json() {
    assert_eq!(
        value(r#"$parse('{"foo": "bar", "a": [1, 2.5, null, true]}')"#),
        json!({"foo": "bar", "a": [1, 2.5, null, true]})
    );
    assert_eq!(value("$parse('-0')"), json!(0));
    assert_eq!(value("$parse('1.1')"), json!(1.1));
    assert_eq!(value(r#"$parse('"HelloWorld"')"#), json!("HelloWorld"));
    assert_eq!(
        value(r#"$parse('{"z": 1, "a": 2}')"#).to_string(),
        r#"{"z":1,"a":2}"#
    );
    assert_eq!(value(r#"$parse('{"a": {"b": 3}}').a.b"#), json!(3));
    assert_eq!(eval("$parse($nothing)").unwrap(), None);
}

#[test]
fn parse_refuses_what_is_not_one_json_value() {
    for text in [
        "$parse('')",
        "$parse('{')",
        "$parse('1 2')",
        r#"$parse('{"a": 1, "a": 2}')"#,
        "$parse('1e400')",
        "$parse('NaN')",
    ] {
        assert_eq!(
            error(text),
            (Some("D3137".into()), "Invalid JSON".into()),
            "{text}"
        );
    }
    assert_eq!(error("$parse(1)").0.as_deref(), Some("T0410"));
}

#[test]
fn random_is_in_the_unit_interval() {
    for _ in 0..100 {
        let number = value("$random()").as_f64().unwrap();
        assert!((0.0..1.0).contains(&number), "{number}");
    }
}

#[test]
fn random_with_a_seed_is_java_random() {
    // AWS draws from java.util.Random: new Random(42).nextDouble().
    assert_eq!(value("$random(42)"), json!(0.7275636800328681));
    assert_eq!(value("$random(42.9)"), json!(0.7275636800328681));
    assert_eq!(value("$random(7) = $random(7)"), json!(true));
    assert_ne!(value("$random(1)"), value("$random(2)"));
    assert_eq!(error("$random('x')").0.as_deref(), Some("T0410"));
}

#[test]
fn uuid_is_version_4() {
    let uuid = value("$uuid()");
    let uuid = uuid.as_str().unwrap();
    assert_eq!(uuid.len(), 36);
    let parts: Vec<&str> = uuid.split('-').collect();
    assert_eq!(
        parts.iter().map(|part| part.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12]
    );
    assert!(parts[2].starts_with('4'), "{uuid}");
    assert!(
        matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
        "{uuid}"
    );
    assert_ne!(value("$uuid()"), value("$uuid()"));
}

#[test]
fn a_seeded_evaluation_is_reproducible() {
    let expression = Expression::parse("[$random(), $random(), $uuid(), $uuid()]").unwrap();
    let run = |seed: i64| {
        let mut bindings = Bindings::default();
        bindings.with_random_seed(seed);
        expression.evaluate(None, &bindings).unwrap().unwrap()
    };
    let first = run(7);
    assert_eq!(first, run(7));
    assert_ne!(first, run(8));
    // The stream is java.util.Random's: its first draw is new Random(7).nextDouble().
    assert_eq!(first[0], value("$random(7)"));
    assert_ne!(first[0], first[1]);
    assert_ne!(first[2], first[3]);
    assert_eq!(first[2].as_str().unwrap().as_bytes()[14], b'4');
}

#[test]
fn eval_is_unavailable() {
    // AWS removes $eval: calling it is T1006, as for any name that is not a function.
    assert_eq!(
        error("$eval('1 + 2')"),
        (
            Some("T1006".into()),
            "Attempted to invoke a non-function".into()
        )
    );
    assert_eq!(error("$eval('[1,2,3]', [])").0.as_deref(), Some("T1006"));
    assert_eq!(value("$type($eval)"), json!("null"));
}

#[test]
fn extra_arguments_are_refused_with_t0410_as_aws_does() {
    assert_eq!(
        error("$partition([1,2,3], 2, 'extra')"),
        (
            Some("T0410".to_owned()),
            "Argument 3 of function \"partition\" does not match function signature".to_owned()
        )
    );
    for text in [
        "$parse('[1]', 0, [])",
        "$hash('a', 'MD5', 1)",
        "$range(1, 2, 1, 1)",
        "$random(1, 2)",
        "$uuid(1)",
    ] {
        assert_eq!(error(text).0.as_deref(), Some("T0410"), "{text}");
    }
    // Only where the call is evaluated.
    assert_eq!(value("true ? 1 : $uuid(1)"), json!(1));
    // A function handed to a higher-order one still gets every argument it supplies.
    assert_eq!(value("$map(['[1]', '[2]'], $parse)"), json!([[1], [2]]));
}

#[test]
fn aws_functions_work_as_values() {
    assert_eq!(
        value("$map(['[1]', '{\"a\": 2}'], $parse)"),
        json!([[1], {"a": 2}])
    );
    assert_eq!(
        value("($p := $partition; $p([1,2,3], 2))"),
        json!([[1, 2], [3]])
    );
}
