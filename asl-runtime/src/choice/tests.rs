use std::cmp::Ordering;

use serde_json::{Value, json};

use super::*;
use crate::error::names;

const ALL: [Compare; 5] = [
    Compare::Equals,
    Compare::LessThan,
    Compare::GreaterThan,
    Compare::LessThanEquals,
    Compare::GreaterThanEquals,
];

/// Values of every JSON type, as AWS's own operator tests use them.
fn every_type() -> Vec<Value> {
    vec![
        json!(null),
        json!(0),
        json!(0.0),
        json!(1),
        json!(1.1),
        json!(""),
        json!(" "),
        json!("HelloWorld"),
        json!("2012-10-09T19:00:55Z"),
        json!([]),
        json!([""]),
        json!({}),
        json!({"A": 0}),
        json!(false),
        json!(true),
    ]
}

fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

/// Two corpus cases outside choice_operators (`test_assign_in_choice_state`): a numeric
/// string never equals a number.
#[test]
fn numeric_strings_are_not_numbers() {
    assert!(!numeric(&json!("42"), Compare::Equals, 42i64));
    assert!(!numeric(&json!("0"), Compare::Equals, 42i64));
    assert!(!is_numeric(&json!("42")));
    assert!(!is_numeric(&json!("1e3")));
}

// ---------------------------------------------------------------------------------------
// Compare
// ---------------------------------------------------------------------------------------

#[test]
fn compare_holds() {
    let table = [
        (Ordering::Less, [false, true, false, true, false]),
        (Ordering::Equal, [true, false, false, true, true]),
        (Ordering::Greater, [false, false, true, false, true]),
    ];
    for (ordering, expected) in table {
        for (op, expected) in ALL.into_iter().zip(expected) {
            assert_eq!(op.holds(ordering), expected, "{op:?} {ordering:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// String
// ---------------------------------------------------------------------------------------

#[test]
fn string_operators() {
    let hello = json!("Hello");
    assert!(string(&hello, Compare::Equals, "Hello"));
    assert!(!string(&hello, Compare::Equals, "hello"));
    assert!(string(&hello, Compare::GreaterThan, "Hell"));
    assert!(string(&hello, Compare::LessThan, "Hello "));
    assert!(
        string(&hello, Compare::LessThan, "hello"),
        "uppercase sorts first"
    );
    assert!(string(&hello, Compare::LessThanEquals, "Hello"));
    assert!(string(&hello, Compare::GreaterThanEquals, "Hello"));
    assert!(!string(&hello, Compare::GreaterThan, "Hello"));
    assert!(!string(&hello, Compare::LessThan, "Hello"));
    assert!(string(&json!(""), Compare::LessThan, "a"));
    assert!(string(&json!(""), Compare::Equals, ""));
    assert!(string(&json!("a"), Compare::GreaterThan, ""));
    // AWS: "A" is not greater than "A " nor "A\t\n\r"; "AB" is not greater than "ABC".
    assert!(!string(&json!("A"), Compare::GreaterThan, "A "));
    assert!(!string(&json!("A"), Compare::GreaterThan, "A\t\n\r"));
    assert!(!string(&json!("AB"), Compare::GreaterThan, "ABC"));
    // Whitespace is significant: " " is not "     ", "\t\n" is not "\t\r\n".
    assert!(!string(&json!(" "), Compare::Equals, "     "));
    assert!(!string(&json!("\t\n"), Compare::Equals, "\t\r\n"));
}

#[test]
fn strings_compare_by_utf16_code_units() {
    // U+1F600 is the surrogate pair D83D DE00 in UTF-16, so it sorts before U+FF61,
    // although its code point (and UTF-8 encoding) is larger.
    let emoji = json!("\u{1F600}");
    assert!(string(&emoji, Compare::LessThan, "\u{FF61}"));
    assert!(string(
        &json!("\u{FF61}"),
        Compare::GreaterThan,
        "\u{1F600}"
    ));
    assert!(
        "\u{1F600}" > "\u{FF61}",
        "Rust's own order is the other way"
    );
    // Same from the first differing character on, after a shared prefix.
    assert!(string(
        &json!("ab\u{1F600}z"),
        Compare::LessThan,
        "ab\u{E000}a"
    ));
    // Between two characters above U+FFFF the order is the code point order again.
    assert!(string(&json!("\u{1F600}"), Compare::LessThan, "\u{1F601}"));
    assert!(string(&json!("\u{10000}"), Compare::LessThan, "\u{10FFFF}"));
    // Below U+D800 UTF-16 and code point order agree.
    assert!(string(&json!("é"), Compare::GreaterThan, "z"));
    assert!(string(&json!("日本"), Compare::GreaterThan, "日"));
    assert!(string(&json!("\u{D7FF}"), Compare::LessThan, "\u{E000}"));
    // Equal text is equal; no normalization: precomposed é is not e + U+0301.
    assert!(string(&json!("\u{1F600}"), Compare::Equals, "\u{1F600}"));
    assert!(!string(&json!("\u{E9}"), Compare::Equals, "e\u{301}"));
    assert!(string(&json!("\u{E9}"), Compare::GreaterThan, "e\u{301}"));
}

#[test]
fn utf16_order_matches_java_on_mixed_strings() {
    let strings = [
        "",
        "a",
        "ab",
        "abc",
        "b",
        "Z",
        "\u{7F}",
        "\u{80}",
        "é",
        "\u{FFFF}",
        "\u{E000}",
        "\u{10000}",
        "\u{1F600}",
        "\u{1F601}",
        "\u{10FFFF}",
        "a\u{1F600}",
        "a\u{FFFD}",
        "a\u{FFFD}b",
        "日本語",
    ];
    for left in strings {
        for right in strings {
            // The reference: compare the UTF-16 encodings element by element.
            let expected = left.encode_utf16().cmp(right.encode_utf16());
            assert_eq!(utf16_order(left, right), expected, "{left:?} vs {right:?}");
        }
    }
}

#[test]
fn string_type_mismatch_is_false() {
    for value in every_type().iter().filter(|value| !value.is_string()) {
        for op in ALL {
            assert!(!string(value, op, "HelloWorld"), "{value} {op:?}");
            assert!(!string(value, op, ""), "{value} {op:?}");
        }
    }
}

#[test]
fn string_path_forms() {
    assert!(string_path(
        &json!("Hello"),
        Compare::Equals,
        &json!("Hello")
    ));
    assert!(string_path(&json!("a"), Compare::LessThan, &json!("b")));
    assert!(string_path(
        &json!("b"),
        Compare::GreaterThanEquals,
        &json!("b")
    ));
    for operand in every_type().iter().filter(|value| !value.is_string()) {
        for op in ALL {
            assert!(!string_path(&json!("0"), op, operand), "{operand} {op:?}");
        }
    }
    // A string operand never equals a non-string variable.
    assert!(!string_path(&json!(1), Compare::Equals, &json!("1")));
}

// ---------------------------------------------------------------------------------------
// Numeric
// ---------------------------------------------------------------------------------------

#[test]
fn numeric_operators() {
    let five = json!(5);
    assert!(numeric(&five, Compare::Equals, 5i64));
    assert!(numeric(&five, Compare::LessThan, 6i64));
    assert!(numeric(&five, Compare::GreaterThan, 4.5f64));
    assert!(numeric(&five, Compare::LessThanEquals, 5.0f64));
    assert!(numeric(&five, Compare::GreaterThanEquals, 5i32));
    assert!(!numeric(&five, Compare::LessThan, 5i64));
    assert!(!numeric(&five, Compare::GreaterThan, 5.0f64));
    assert!(numeric(&json!(-2.25), Compare::Equals, -2.25f64));
    assert!(numeric(&json!(2.22), Compare::Equals, 2.22f64));
    assert!(numeric(&json!(-1), Compare::GreaterThan, -1.5f64));
    assert!(numeric(&json!(-2), Compare::LessThan, -1.5f64));
    assert!(numeric(&json!(1), Compare::LessThan, 1.0000001f64));
}

#[test]
fn integers_equal_their_float_forms() {
    for (value, operand) in [
        (json!(1), Number::from(1.0f64)),
        (json!(1.0), Number::from(1i64)),
        (json!(0), Number::from(0.0f64)),
        (json!(0.0), Number::from(0i64)),
        (json!(-0.0), Number::from(0i64)),
        (json!(0), Number::from(-0.0f64)),
        (json!(100), Number::from(1e2f64)),
        (json!(1e2), Number::from(100u64)),
    ] {
        assert!(
            numeric(&value, Compare::Equals, operand),
            "{value} {operand:?}"
        );
        assert!(numeric(&value, Compare::LessThanEquals, operand));
        assert!(!numeric(&value, Compare::LessThan, operand));
    }
}

#[test]
fn large_integers_compare_exactly() {
    // 2^53 + 1 is not representable as f64; comparing through f64 would call these equal.
    let above_2_53 = json!(9_007_199_254_740_993i64);
    assert!(!numeric(
        &above_2_53,
        Compare::Equals,
        9_007_199_254_740_992i64
    ));
    assert!(numeric(
        &above_2_53,
        Compare::GreaterThan,
        9_007_199_254_740_992i64
    ));
    assert!(numeric(
        &above_2_53,
        Compare::GreaterThan,
        9_007_199_254_740_992.0f64
    ));
    assert!(!numeric(
        &above_2_53,
        Compare::Equals,
        9_007_199_254_740_992.0f64
    ));
    // i64::MAX is below 2^63, the float nearest to it.
    let max = json!(i64::MAX);
    assert!(numeric(
        &max,
        Compare::LessThan,
        9_223_372_036_854_775_807.0f64
    ));
    assert!(numeric(
        &max,
        Compare::LessThan,
        9_223_372_036_854_775_808u64
    ));
    assert!(numeric(
        &json!(i64::MIN),
        Compare::Equals,
        -9_223_372_036_854_775_808.0f64
    ));
    assert!(numeric(&json!(i64::MIN), Compare::GreaterThan, -9.3e18f64));
    // Integers above i64::MAX (u64) against each other, i64s and floats.
    let u64_max = json!(u64::MAX);
    assert!(numeric(&u64_max, Compare::Equals, u64::MAX));
    assert!(numeric(&u64_max, Compare::GreaterThan, i64::MAX));
    assert!(numeric(&u64_max, Compare::GreaterThan, u64::MAX - 1));
    assert!(numeric(
        &u64_max,
        Compare::LessThan,
        18_446_744_073_709_551_616.0f64
    ));
    assert!(numeric(
        &json!(9_223_372_036_854_775_808u64),
        Compare::Equals,
        9_223_372_036_854_775_808.0f64
    ));
    assert!(numeric(&json!(-1), Compare::LessThan, u64::MAX));
    // Integers beyond u64 arrive as floats, and compare as floats.
    let huge: Value = serde_json::from_str("100000000000000000000000").unwrap();
    assert!(numeric(&huge, Compare::GreaterThan, u64::MAX));
    assert!(numeric(&huge, Compare::Equals, 1e23f64));
    assert!(numeric(&json!(-1e300), Compare::LessThan, i64::MIN));
}

#[test]
fn number_operands_from_json_numbers() {
    let literal: serde_json::Number = serde_json::from_str("18446744073709551615").unwrap();
    assert_eq!(Number::from(&literal), Number::UInt(u64::MAX));
    let literal: serde_json::Number = serde_json::from_str("-3").unwrap();
    assert_eq!(Number::from(&literal), Number::Int(-3));
    let literal: serde_json::Number = serde_json::from_str("2.5").unwrap();
    assert_eq!(Number::from(&literal), Number::Float(2.5));
    assert_eq!(Number::from(7u64), Number::Int(7));
    assert!(numeric(&json!(2.5), Compare::Equals, &literal));
    assert_eq!(Number::of(&json!("2.5")), None);
    assert_eq!(Number::Float(f64::NAN).compare(Number::Int(1)), None);
    assert_eq!(Number::Int(1).compare(Number::Float(f64::NAN)), None);
}

#[test]
fn numeric_type_mismatch_is_false() {
    for value in every_type().iter().filter(|value| !value.is_number()) {
        for op in ALL {
            assert!(!numeric(value, op, 0i64), "{value} {op:?}");
            assert!(!numeric(value, op, 1.0f64), "{value} {op:?}");
        }
    }
    // Booleans are not 0 and 1; null is not 0.
    assert!(!numeric(&json!(true), Compare::Equals, 1i64));
    assert!(!numeric(&json!(null), Compare::Equals, 0i64));
}

#[test]
fn numeric_path_forms() {
    assert!(numeric_path(&json!(1), Compare::Equals, &json!(1.0)));
    assert!(numeric_path(&json!(7), Compare::LessThanEquals, &json!(8)));
    assert!(numeric_path(
        &json!(-2.25),
        Compare::LessThanEquals,
        &json!(-2.25)
    ));
    assert!(!numeric_path(&json!(9), Compare::LessThanEquals, &json!(8)));
    for operand in every_type().iter().filter(|value| !value.is_number()) {
        for op in ALL {
            assert!(!numeric_path(&json!(0), op, operand), "{operand} {op:?}");
        }
    }
    // A string or object on either side is false.
    assert!(!numeric_path(
        &json!("8"),
        Compare::LessThanEquals,
        &json!(8)
    ));
    assert!(!numeric_path(
        &json!(8),
        Compare::LessThanEquals,
        &json!({"value": 8})
    ));
}

// ---------------------------------------------------------------------------------------
// Boolean
// ---------------------------------------------------------------------------------------

#[test]
fn boolean_operators() {
    assert!(boolean(&json!(true), true));
    assert!(boolean(&json!(false), false));
    assert!(!boolean(&json!(true), false));
    assert!(!boolean(&json!(false), true));
    for value in every_type().iter().filter(|value| !value.is_boolean()) {
        assert!(!boolean(value, true), "{value}");
        assert!(!boolean(value, false), "{value}");
    }
    assert!(!boolean(&json!("true"), true));
    assert!(!boolean(&json!(0), false));
}

#[test]
fn boolean_path_forms() {
    assert!(boolean_path(&json!(true), &json!(true)));
    assert!(boolean_path(&json!(false), &json!(false)));
    assert!(!boolean_path(&json!(false), &json!(true)));
    for operand in every_type().iter().filter(|value| !value.is_boolean()) {
        assert!(!boolean_path(&json!(true), operand), "{operand}");
        assert!(!boolean_path(&json!(false), operand), "{operand}");
        assert!(!boolean_path(operand, operand), "{operand}");
    }
}

// ---------------------------------------------------------------------------------------
// Timestamp
// ---------------------------------------------------------------------------------------

#[test]
fn timestamp_operators() {
    let t0 = ts("2012-10-09T19:00:55Z");
    let value = json!("2012-10-09T19:00:55Z");
    assert!(timestamp(&value, Compare::Equals, &t0));
    assert!(timestamp(&value, Compare::LessThanEquals, &t0));
    assert!(timestamp(&value, Compare::GreaterThanEquals, &t0));
    assert!(!timestamp(&value, Compare::LessThan, &t0));
    assert!(!timestamp(&value, Compare::GreaterThan, &t0));
    let later = json!("2012-10-09T19:00:56Z");
    assert!(timestamp(&later, Compare::GreaterThan, &t0));
    assert!(!timestamp(&later, Compare::Equals, &t0));
    // Fractions order within a second.
    assert!(timestamp(
        &json!("2012-10-09T19:00:55.001Z"),
        Compare::GreaterThan,
        &t0
    ));
    assert!(timestamp(
        &json!("2012-10-09T19:00:54.999999999Z"),
        Compare::LessThan,
        &t0
    ));
    assert!(timestamp(
        &json!("2012-10-09T19:00:55.000Z"),
        Compare::Equals,
        &t0
    ));
}

#[test]
fn timestamps_compare_instants_across_offsets() {
    let t0 = ts("2012-10-09T19:00:55Z");
    assert!(timestamp(
        &json!("2012-10-09T20:00:55+01:00"),
        Compare::Equals,
        &t0
    ));
    assert!(timestamp(
        &json!("2012-10-09T12:00:55-07:00"),
        Compare::Equals,
        &t0
    ));
    // The same wall time at +01:00 is an hour earlier.
    assert!(timestamp(
        &json!("2012-10-09T19:00:55+01:00"),
        Compare::LessThan,
        &t0
    ));
    assert!(timestamp(
        &json!("2012-10-10T00:30:55+05:30"),
        Compare::Equals,
        &t0
    ));
    // The literal's offset does not matter either.
    let literal = ts("2012-10-09T21:00:55+02:00");
    assert!(timestamp(
        &json!("2012-10-09T19:00:55Z"),
        Compare::Equals,
        &literal
    ));
}

#[test]
fn invalid_timestamps_are_false_for_every_operator() {
    let t0 = ts("2012-10-09T19:00:55Z");
    let valid = json!("2012-10-09T19:00:55Z");
    for text in [
        "2012-10-09t19:00:55Z",
        "2012-10-09T19:00:55z",
        "2012-10-09T19:00:55",
        "2012-10-09 19:00:55Z",
        "2023-02-24 12:15:56.832957",
        "2023-02-24",
        "2012-10-09T19:00:55.Z",
        "2012-02-30T19:00:55Z",
        "",
        " ",
    ] {
        for op in ALL {
            assert!(!timestamp(&json!(text), op, &t0), "{text:?} {op:?}");
            assert!(!timestamp_path(&valid, op, &json!(text)), "{text:?} {op:?}");
        }
    }
    for value in every_type().iter().filter(|value| !value.is_string()) {
        for op in ALL {
            assert!(!timestamp(value, op, &t0), "{value} {op:?}");
            assert!(!timestamp_path(&valid, op, value), "{value} {op:?}");
        }
    }
}

#[test]
fn timestamp_path_forms() {
    let t0 = json!("2012-10-09T19:00:55Z");
    let t1 = json!("2012-10-09T19:00:56Z");
    assert!(timestamp_path(&t0, Compare::Equals, &t0));
    assert!(!timestamp_path(&t0, Compare::Equals, &t1));
    assert!(timestamp_path(&t0, Compare::LessThan, &t1));
    assert!(!timestamp_path(&t0, Compare::GreaterThan, &t1));
    assert!(!timestamp_path(&t0, Compare::GreaterThanEquals, &t1));
    assert!(!timestamp_path(&t1, Compare::LessThanEquals, &t0));
    assert!(timestamp_path(&t1, Compare::GreaterThanEquals, &t0));
    assert!(timestamp_path(
        &t0,
        Compare::Equals,
        &json!("2012-10-09T21:00:55+02:00")
    ));
}

// ---------------------------------------------------------------------------------------
// StringMatches
// ---------------------------------------------------------------------------------------

use Pattern::{Literal, Star};

fn matches(text: &str, pattern: &[Pattern]) -> bool {
    string_matches(&json!(text), pattern)
}

#[test]
fn string_matches_with_stars() {
    let log = [Literal("log-"), Star, Literal(".txt")];
    assert!(matches("log-01.txt", &log));
    assert!(matches("log-.txt", &log));
    assert!(matches("log-a.txt.txt", &log));
    assert!(!matches("log-01.txt.gz", &log));
    assert!(!matches("xlog-01.txt", &log));
    assert!(!matches("log-01.tx", &log));

    assert!(matches("", &[Star]));
    assert!(matches("anything at all", &[Star]));
    assert!(matches("abc", &[Star, Literal("c")]));
    assert!(!matches("abcd", &[Star, Literal("c")]));
    assert!(matches("abc", &[Literal("a"), Star]));
    assert!(!matches("bac", &[Literal("a"), Star]));
    assert!(matches("xaby", &[Star, Literal("ab"), Star]));
    assert!(!matches("xay", &[Star, Literal("ab"), Star]));
    // Stars match across lines and any characters.
    assert!(matches("a\nb", &[Literal("a"), Star, Literal("b")]));
    assert!(matches(
        "héllo wörld",
        &[Literal("h"), Star, Literal("ö"), Star]
    ));
    assert!(matches("\u{1F600}x", &[Star, Literal("x")]));
}

#[test]
fn string_matches_without_stars_is_equality() {
    assert!(matches("", &[]));
    assert!(!matches("a", &[]));
    assert!(matches("abc", &[Literal("abc")]));
    assert!(!matches("abcd", &[Literal("abc")]));
    assert!(!matches("ab", &[Literal("abc")]));
    // Adjacent literals spell one text.
    assert!(matches("abc", &[Literal("a"), Literal("bc")]));
    assert!(!matches("abcd", &[Literal("a"), Literal("bc")]));
    assert!(matches("", &[Literal("")]));
}

#[test]
fn string_matches_escaped_literals() {
    // `a\*b` was unescaped to the literal `a*b`: the star is a character here.
    let star = [Literal("a*b")];
    assert!(matches("a*b", &star));
    assert!(!matches("ab", &star));
    assert!(!matches("axxb", &star));
    // `dir\\*` is a backslash followed by a wildcard.
    let backslash = [Literal("dir\\"), Star];
    assert!(matches("dir\\file", &backslash));
    assert!(!matches("dir/file", &backslash));
    // `*\**`: anything containing a literal star.
    let contains_star = [Star, Literal("*"), Star];
    assert!(matches("2*3", &contains_star));
    assert!(!matches("23", &contains_star));
}

#[test]
fn string_matches_keeps_prefix_and_suffix_apart() {
    let pattern = [Literal("ab"), Star, Literal("ba")];
    assert!(
        !matches("aba", &pattern),
        "the prefix and suffix may not overlap"
    );
    assert!(matches("abba", &pattern));
    assert!(matches("ab-ba", &pattern));
    let twice = [Star, Literal("ab"), Star, Literal("ab"), Star];
    assert!(matches("abab", &twice));
    assert!(matches("xabyabz", &twice));
    assert!(!matches("ab", &twice));
    assert!(!matches("aab", &twice));
    // Repeated and adjacent stars are one star.
    assert!(matches("abc", &[Star, Star, Literal("b"), Star, Star]));
    let middle = [Literal("a"), Star, Literal("b"), Star, Literal("c")];
    assert!(matches("abc", &middle));
    assert!(matches("a-b-b-c", &middle));
    assert!(!matches("acb", &middle));
    assert!(!matches("ac", &middle));
}

#[test]
fn string_matches_does_not_backtrack_exponentially() {
    let mut pattern = vec![Star];
    for _ in 0..40 {
        pattern.extend([Literal("a"), Star]);
    }
    pattern.push(Literal("b"));
    let text = "a".repeat(10_000);
    let started = std::time::Instant::now();
    assert!(!matches(&text, &pattern));
    assert!(matches(&format!("{text}b"), &pattern));
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

#[test]
fn string_matches_type_mismatch_is_false() {
    for value in every_type().iter().filter(|value| !value.is_string()) {
        assert!(!string_matches(value, &[Star]), "{value}");
        assert!(!string_matches(value, &[]), "{value}");
    }
    assert!(!string_matches(&json!(12), &[Literal("12")]));
}

// ---------------------------------------------------------------------------------------
// Type tests
// ---------------------------------------------------------------------------------------

#[test]
fn type_tests() {
    for value in every_type() {
        assert_eq!(is_null(&value), value.is_null(), "{value}");
        assert_eq!(is_numeric(&value), value.is_number(), "{value}");
        assert_eq!(is_string(&value), value.is_string(), "{value}");
        assert_eq!(is_boolean(&value), value.is_boolean(), "{value}");
        assert!(is_present(Some(&value)), "{value}");
    }
    assert!(!is_present(None));
    assert!(is_numeric(&json!(-1.5e-7)));
    assert!(is_numeric(&json!(u64::MAX)));
    assert!(!is_null(&json!("null")));
    assert!(!is_boolean(&json!("false")));
}

#[test]
fn is_timestamp() {
    for text in [
        "2012-10-09T19:00:55Z",
        "2012-10-09T19:00:55+01:00",
        "2012-10-09T19:00:55.5-07:30",
        "2016-03-05T21:29:29.243167252Z",
    ] {
        assert!(super::is_timestamp(&json!(text)), "{text}");
    }
    for value in [
        json!("2012-10-09T19:00:55"),
        json!("2012-10-09t19:00:55Z"),
        json!("2012-10-09T19:00:55z"),
        json!("2023-02-24"),
        json!("2023-02-24 12:15:56.832957"),
        json!(""),
        json!(1_349_809_255),
        json!(null),
        json!(["2012-10-09T19:00:55Z"]),
    ] {
        assert!(!super::is_timestamp(&value), "{value}");
    }
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

#[test]
fn missing_variable_is_a_located_runtime_error() {
    let error = missing_variable("$.worker_result.Payload.status");
    assert_eq!(error.name(), names::RUNTIME);
    assert_eq!(
        error.cause_text(),
        "Invalid path '$.worker_result.Payload.status': The choice state's condition path references an invalid value."
    );
    // The executor adds "An error occurred while executing the state ...".
    assert!(error.is_located());
    assert_eq!(
        missing_variable("$$.Execution.Input.x").cause_text(),
        "Invalid path '$$.Execution.Input.x': The choice state's condition path references an invalid value."
    );
    assert_eq!(
        missing_variable("$answer").cause_text(),
        "Invalid path '$answer': The choice state's condition path references an invalid value."
    );
}

#[test]
fn no_choice_matched_fails_as_aws_does() {
    let error = no_choice_matched("ChoiceState");
    assert_eq!(error.name(), names::RUNTIME);
    assert_ne!(error.name(), names::NO_CHOICE_MATCHED);
    assert_eq!(
        error.cause_text(),
        "Failed to transition out of the state. The state does not point to a next state."
    );
    assert!(error.is_located());
}
