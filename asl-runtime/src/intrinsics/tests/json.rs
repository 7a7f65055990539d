//! `States.StringToJson`, `States.JsonToString` and `States.JsonMerge`.

use serde_json::{Value, json};

use super::assert_invalid;
use crate::intrinsics::{json_merge, json_to_string, string_to_json};

// States.StringToJson

fn parsed(text: &str) -> Value {
    string_to_json(&json!(text)).unwrap()
}

#[test]
fn string_to_json_the_aws_guide_example() {
    assert_eq!(parsed(r#"{"foo": "bar"}"#), json!({"foo": "bar"}));
}

#[test]
fn string_to_json_reads_every_kind_of_value() {
    assert_eq!(parsed("null"), json!(null));
    assert_eq!(parsed("true"), json!(true));
    assert_eq!(parsed("1"), json!(1));
    assert_eq!(parsed("1.1"), json!(1.1));
    assert_eq!(parsed(r#""HelloWorld""#), json!("HelloWorld"));
    assert_eq!(
        parsed(r#"[1, 2, "HelloWorld"]"#),
        json!([1, 2, "HelloWorld"])
    );
    assert_eq!(
        parsed(r#"{"Arg1": 1, "Arg2": []}"#),
        json!({"Arg1": 1, "Arg2": []})
    );
}

#[test]
fn string_to_json_keeps_key_order() {
    assert_eq!(parsed(r#"{"b":1,"a":2}"#).to_string(), r#"{"b":1,"a":2}"#);
}

#[test]
fn string_to_json_allows_surrounding_whitespace() {
    assert_eq!(parsed(" \t\r\n[1]\n "), json!([1]));
}

#[test]
fn string_to_json_of_blank_text_is_null() {
    for text in ["", " ", "\n\t\r "] {
        assert_eq!(parsed(text), json!(null), "{text:?}");
    }
}

#[test]
fn string_to_json_reads_the_integer_minus_zero_as_zero() {
    assert_eq!(parsed("-0"), json!(0));
    assert_eq!(parsed("[-0, 1, -0]"), json!([0, 1, 0]));
    assert_eq!(parsed(r#"{"a":-0}"#), json!({"a": 0}));
    // A double stays a double.
    assert!(parsed("-0.0").as_f64().unwrap().is_sign_negative());
    assert!(parsed("-0e1").is_f64());
    // Text inside strings is left alone.
    assert_eq!(parsed(r#"["-0", "a\"-0"]"#), json!(["-0", "a\"-0"]));
}

#[test]
fn string_to_json_fails_on_text_that_is_not_json() {
    for text in [
        "{",
        "{'a': 1}",
        "undefined",
        "1 2",
        "-01",
        r#"{"a": 1,}"#,
        "NaN",
        "'single'",
    ] {
        assert_invalid(string_to_json(&json!(text)), "States.StringToJson");
    }
}

#[test]
fn string_to_json_needs_a_string() {
    for value in [
        json!(null),
        json!(1),
        json!(true),
        json!({"a": 1}),
        json!(["1"]),
    ] {
        assert_invalid(string_to_json(&value), "States.StringToJson");
    }
}

// States.JsonToString

fn written(value: Value) -> String {
    match json_to_string(&value) {
        Ok(Value::String(text)) => text,
        other => panic!("{value:?} gave {other:?}"),
    }
}

#[test]
fn json_to_string_the_aws_guide_example() {
    assert_eq!(written(json!({"foo": "bar"})), r#"{"foo":"bar"}"#);
}

#[test]
fn json_to_string_writes_compact_json_in_key_order() {
    assert_eq!(
        written(json!({"b": [1, 2, {"c": null}], "a": {}, "d": []})),
        r#"{"b":[1,2,{"c":null}],"a":{},"d":[]}"#
    );
    assert_eq!(written(json!("HelloWorld")), r#""HelloWorld""#);
    assert_eq!(written(json!(null)), "null");
    assert_eq!(written(json!(false)), "false");
    assert_eq!(written(json!(-7)), "-7");
    assert_eq!(written(json!(u64::MAX)), "18446744073709551615");
}

#[test]
fn json_to_string_writes_fractions_as_java_doubles() {
    assert_eq!(written(json!(1.1)), "1.1");
    assert_eq!(written(json!(2.0)), "2.0");
    assert_eq!(written(json!([1e21, 1.5e-7, -0.0])), "[1.0E21,1.5E-7,-0.0]");
}

#[test]
fn json_to_string_escapes_as_jackson_does() {
    assert_eq!(
        written(json!(
            "quote \" backslash \\ slash / tab \t nl \n cr \r bs \u{8} ff \u{c}"
        )),
        r#""quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f""#
    );
    // Upper-case hex, and DEL is not a control character to Jackson.
    assert_eq!(
        written(json!("\u{0}\u{1f}\u{7f}")),
        "\"\\u0000\\u001F\u{7f}\""
    );
    assert_eq!(written(json!("é ✓ 🚀 \u{2028}")), "\"é ✓ 🚀 \u{2028}\"");
    assert_eq!(written(json!({"k\"ey": 1})), r#"{"k\"ey":1}"#);
}

// States.JsonMerge

fn merged(left: Value, right: Value) -> Value {
    json_merge(&left, &right, &json!(false)).unwrap()
}

#[test]
fn merge_the_aws_guide_example() {
    assert_eq!(
        merged(
            json!({"a": {"a1": 1, "a2": 2}, "b": 2}),
            json!({"a": {"a3": 1, "a4": 2}, "c": 3})
        ),
        json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3})
    );
}

#[test]
fn merge_takes_the_right_value_of_a_shared_key_whole() {
    assert_eq!(
        merged(json!({"x": 1, "y": 2}), json!({"y": 3, "z": 4})),
        json!({"x": 1, "y": 3, "z": 4})
    );
    assert_eq!(
        merged(
            json!({"nested": {"left": true}, "keep": 1}),
            json!({"nested": null})
        ),
        json!({"nested": null, "keep": 1})
    );
    assert_eq!(
        merged(json!({"list": [1, 2]}), json!({"list": [3]})),
        json!({"list": [3]})
    );
}

#[test]
fn merge_with_an_empty_object_is_the_other_object() {
    assert_eq!(merged(json!({}), json!({"x": 1})), json!({"x": 1}));
    assert_eq!(merged(json!({"x": 1}), json!({})), json!({"x": 1}));
    assert_eq!(merged(json!({}), json!({})), json!({}));
}

#[test]
fn merge_is_in_java_hash_map_order() {
    // The corpus: the right object's key comes first.
    assert_eq!(
        merged(
            json!({"constant_in_literal": "false"}),
            json!({"constant_input_field": "constant_value"})
        )
        .to_string(),
        r#"{"constant_input_field":"constant_value","constant_in_literal":"false"}"#
    );
    assert_eq!(
        merged(json!({"d": 3, "b": 2}), json!({"c": 1, "a": 0})).to_string(),
        r#"{"a":0,"b":2,"c":1,"d":3}"#
    );
    // "Aa" and "BB" share a hash, so they keep their insertion order.
    assert_eq!(
        merged(json!({"BB": 1}), json!({"Aa": 2})).to_string(),
        r#"{"BB":1,"Aa":2}"#
    );
    assert_eq!(
        merged(json!({"Aa": 1}), json!({"BB": 2})).to_string(),
        r#"{"Aa":1,"BB":2}"#
    );
}

#[test]
fn merge_rejects_deep_merging() {
    assert_invalid(
        json_merge(&json!({"a": 1}), &json!({"b": 2}), &json!(true)),
        "States.JsonMerge",
    );
}

#[test]
fn merge_treats_any_other_third_argument_as_shallow() {
    // AWS observation: the string "false" merges.
    for deep in [
        json!("false"),
        json!(null),
        json!(0),
        json!("true"),
        json!({}),
    ] {
        assert_eq!(
            json_merge(&json!({"a": 1}), &json!({"b": 2}), &deep).unwrap(),
            json!({"a": 1, "b": 2})
        );
    }
}

#[test]
fn merge_needs_two_objects() {
    for other in [json!(null), json!([]), json!("x"), json!(1), json!(true)] {
        assert_invalid(
            json_merge(&other, &json!({}), &json!(false)),
            "States.JsonMerge",
        );
        assert_invalid(
            json_merge(&json!({}), &other, &json!(false)),
            "States.JsonMerge",
        );
    }
}
