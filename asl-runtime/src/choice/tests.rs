use serde_json::json;

use super::*;

const OPS: [Compare; 5] = [
    Compare::Equals,
    Compare::LessThan,
    Compare::GreaterThan,
    Compare::LessThanEquals,
    Compare::GreaterThanEquals,
];

/// Which of the five operators hold for an ordering.
fn holding(ordering: Ordering) -> [bool; 5] {
    OPS.map(|op| op.holds(ordering))
}

#[test]
fn operators_follow_the_ordering() {
    assert_eq!(holding(Ordering::Less), [false, true, false, true, false]);
    assert_eq!(holding(Ordering::Equal), [true, false, false, true, true]);
    assert_eq!(
        holding(Ordering::Greater),
        [false, false, true, false, true]
    );
}

#[test]
fn strings_compare_by_utf16_and_mismatched_types_are_false() {
    assert!(string(&json!("abc"), Compare::Equals, "abc"));
    assert!(string(&json!("abc"), Compare::LessThan, "abd"));
    assert!(string(&json!("b"), Compare::GreaterThanEquals, "abc"));
    // U+FF61 sorts above U+1F600 in UTF-16 (surrogates), below it in code points.
    assert!(string(&json!("\u{1F600}"), Compare::LessThan, "\u{FF61}"));
    for op in OPS {
        assert!(!string(&json!(1), op, "1"));
        assert!(!string_path(&json!("a"), op, &json!(null)));
    }
    assert!(string_path(&json!("a"), Compare::LessThan, &json!("b")));
}

#[test]
fn numbers_compare_by_value() {
    assert!(numeric(&json!(1), Compare::Equals, 1.0));
    assert!(numeric(&json!(1.0), Compare::Equals, 1i64));
    assert!(numeric(
        &json!(9_007_199_254_740_993i64),
        Compare::GreaterThan,
        9_007_199_254_740_992i64
    ));
    assert!(numeric(&json!(u64::MAX), Compare::GreaterThan, i64::MAX));
    assert!(numeric(&json!(-1), Compare::LessThan, u64::MAX));
    assert!(numeric(&json!(0.5), Compare::LessThanEquals, 1i64));
    assert!(numeric(&json!(10000), Compare::GreaterThanEquals, 10000i64));
    for op in OPS {
        assert!(!numeric(&json!("1"), op, 1i64));
        assert!(!numeric(&json!(null), op, 1i64));
        assert!(!numeric_path(&json!(1), op, &json!("1")));
    }
    assert!(numeric_path(&json!(2), Compare::GreaterThan, &json!(1.5)));
}

#[test]
fn booleans() {
    assert!(boolean(&json!(true), true));
    assert!(!boolean(&json!(true), false));
    assert!(!boolean(&json!("true"), true));
    assert!(boolean_path(&json!(false), &json!(false)));
    assert!(!boolean_path(&json!(false), &json!(0)));
}

#[test]
fn timestamps_compare_instants() {
    let at = Timestamp::parse("2016-03-14T01:59:00Z").unwrap();
    assert!(timestamp(
        &json!("2016-03-14T01:59:00Z"),
        Compare::Equals,
        &at
    ));
    assert!(timestamp(
        &json!("2016-03-14T03:59:00+02:00"),
        Compare::Equals,
        &at
    ));
    assert!(timestamp(
        &json!("2016-03-14T01:59:00.001Z"),
        Compare::GreaterThan,
        &at
    ));
    assert!(timestamp(
        &json!("2015-03-14T01:59:00Z"),
        Compare::LessThanEquals,
        &at
    ));
    for op in OPS {
        assert!(!timestamp(&json!("2016-03-14t01:59:00Z"), op, &at));
        assert!(!timestamp(&json!("yesterday"), op, &at));
        assert!(!timestamp(&json!(1457920740), op, &at));
    }
    assert!(timestamp_path(
        &json!("2016-03-14T01:59:00Z"),
        Compare::Equals,
        &json!("2016-03-14T01:59:00Z")
    ));
    assert!(!timestamp_path(
        &json!("2016-03-14T01:59:00Z"),
        Compare::Equals,
        &json!("x")
    ));
}

#[test]
fn string_matches_with_stars_and_literal_parts() {
    use Pattern::{Literal, Star};
    assert!(string_matches(
        &json!("log-2024.txt"),
        &[Literal("log-"), Star, Literal(".txt")]
    ));
    assert!(!string_matches(
        &json!("log-2024.csv"),
        &[Literal("log-"), Star, Literal(".txt")]
    ));
    assert!(string_matches(&json!(""), &[Star]));
    assert!(string_matches(&json!(""), &[]));
    assert!(!string_matches(&json!("x"), &[]));
    // An escaped star arrives as a literal `*`.
    assert!(string_matches(&json!("a*b"), &[Literal("a*b")]));
    assert!(!string_matches(&json!("axb"), &[Literal("a*b")]));
    assert!(string_matches(
        &json!("aXbYc"),
        &[Literal("a"), Star, Literal("b"), Star, Literal("c")]
    ));
    assert!(string_matches(&json!("ébé"), &[Star, Literal("b"), Star]));
    assert!(!string_matches(&json!(1), &[Star]));
}

#[test]
fn type_tests() {
    let values = [
        json!(null),
        json!(1),
        json!(1.5),
        json!("1"),
        json!(true),
        json!("2016-03-14T01:59:00Z"),
        json!([]),
        json!({}),
    ];
    type Test = fn(&Value) -> bool;
    let tests: [(Test, [bool; 8]); 5] = [
        (
            is_null,
            [true, false, false, false, false, false, false, false],
        ),
        (
            is_numeric,
            [false, true, true, false, false, false, false, false],
        ),
        (
            is_string,
            [false, false, false, true, false, true, false, false],
        ),
        (
            is_boolean,
            [false, false, false, false, true, false, false, false],
        ),
        (
            is_timestamp,
            [false, false, false, false, false, true, false, false],
        ),
    ];
    for (test, expected) in tests {
        assert_eq!(values.each_ref().map(test), expected);
    }
}

#[test]
fn no_choice_matched_names_the_error() {
    let error = no_choice_matched("Check");
    assert_eq!(error.name(), "States.NoChoiceMatched");
}
