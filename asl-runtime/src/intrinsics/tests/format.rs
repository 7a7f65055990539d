//! `States.Format`.

use serde_json::{Value, json};

use super::assert_invalid;
use crate::intrinsics::format;

const NAME: &str = "States.Format";

fn formatted(template: &str, args: &[Value]) -> String {
    let args: Vec<&Value> = args.iter().collect();
    match format(&json!(template), &args) {
        Ok(Value::String(text)) => text,
        other => panic!("{template:?} with {args:?} gave {other:?}"),
    }
}

#[test]
fn the_aws_guide_example() {
    assert_eq!(
        formatted("Hello, my name is {}.", &[json!("Arnav")]),
        "Hello, my name is Arnav."
    );
}

#[test]
fn a_template_without_placeholders_is_returned_as_is() {
    assert_eq!(formatted("no placeholders", &[]), "no placeholders");
    assert_eq!(formatted("", &[]), "");
}

#[test]
fn placeholders_take_the_arguments_in_order() {
    assert_eq!(
        formatted("{} {} {}", &[json!("x"), json!(2), json!(true)]),
        "x 2 true"
    );
    assert_eq!(formatted("{}{}", &[json!("a"), json!("b")]), "ab");
    assert_eq!(formatted("  {}  ", &[json!("x")]), "  x  ");
}

#[test]
fn scalars_render_as_java_prints_them() {
    assert_eq!(formatted("{}", &[json!(null)]), "null");
    assert_eq!(formatted("{}", &[json!(false)]), "false");
    assert_eq!(formatted("{}", &[json!(-1)]), "-1");
    assert_eq!(formatted("{}", &[json!(3.5)]), "3.5");
    assert_eq!(
        formatted("{}", &[json!(9_007_199_254_740_991_i64)]),
        "9007199254740991"
    );
    assert_eq!(formatted("{}", &[json!(u64::MAX)]), "18446744073709551615");
    // Fractional JSON numbers are Java doubles on AWS.
    assert_eq!(formatted("{}", &[json!(1.0)]), "1.0");
    assert_eq!(formatted("{}", &[json!(1e21)]), "1.0E21");
    assert_eq!(formatted("{}", &[json!(0.0001)]), "1.0E-4");
}

#[test]
fn strings_render_raw() {
    assert_eq!(
        formatted("<{}>", &[json!("say \"hi\"\n")]),
        "<say \"hi\"\n>"
    );
    assert_eq!(formatted("{}", &[json!("{}")]), "{}");
    assert_eq!(formatted("{}", &[json!("")]), "");
}

#[test]
fn objects_and_arrays_render_in_java_collection_style() {
    assert_eq!(
        formatted("{}", &[json!({"Arg1": 1, "Arg2": []})]),
        "{Arg1=1, Arg2=[]}"
    );
    assert_eq!(
        formatted("{}", &[json!({"a": 1, "b": ["x", "y"], "c": {"d": null}})]),
        "{a=1, b=[x, y], c={d=null}}"
    );
    assert_eq!(
        formatted("{}", &[json!([1, "two", 3.0, true])]),
        "[1, two, 3.0, true]"
    );
    assert_eq!(formatted("{} {}", &[json!({}), json!([])]), "{} []");
}

#[test]
fn escaped_braces_and_backslashes_are_literal() {
    assert_eq!(formatted(r"\{\}", &[]), "{}");
    assert_eq!(formatted(r"\{{}\}", &[json!("x")]), "{x}");
    assert_eq!(formatted(r"a\\b", &[]), r"a\b");
    assert_eq!(formatted(r"\\{}", &[json!("x")]), r"\x");
    assert_eq!(formatted(r"{}\\", &[json!("x")]), r"x\");
}

#[test]
fn other_backslashes_are_kept() {
    assert_eq!(formatted(r"a\nb", &[]), r"a\nb");
    assert_eq!(formatted(r"it\'s {}", &[json!("x")]), r"it\'s x");
    assert_eq!(formatted("trailing\\", &[]), "trailing\\");
}

#[test]
fn arguments_are_not_reparsed() {
    // A placeholder's value is never scanned for placeholders or escapes.
    assert_eq!(formatted("{}{}", &[json!("{}"), json!(r"\{")]), r"{}\{");
}

#[test]
fn non_ascii_text_is_kept() {
    assert_eq!(
        formatted("こんにちは {} 🚀", &[json!("✓")]),
        "こんにちは ✓ 🚀"
    );
}

#[test]
fn the_template_must_be_a_string() {
    for template in [
        json!(123),
        json!(null),
        json!(true),
        json!({"a": "{}"}),
        json!(["{}"]),
    ] {
        assert_invalid(format(&template, &[&json!("x")]), NAME);
    }
}

#[test]
fn too_few_arguments_fail() {
    assert_invalid(format(&json!("{} {}"), &[&json!("x")]), NAME);
    assert_invalid(format(&json!("{}"), &[]), NAME);
}

#[test]
fn too_many_arguments_fail() {
    assert_invalid(format(&json!("{}"), &[&json!("x"), &json!("y")]), NAME);
    assert_invalid(format(&json!("none"), &[&json!("x")]), NAME);
}

#[test]
fn an_opening_brace_without_its_closing_brace_fails() {
    for template in ["Hello {", "{ }", "{x}", "{{}}", r"{\}", "}{"] {
        assert_invalid(format(&json!(template), &[&json!("a")]), NAME);
    }
}

#[test]
fn a_lone_closing_brace_fails() {
    for template in ["}", "a}b", r"\{}", "{}}"] {
        let args: Vec<Value> = vec![json!("a"); template.matches("{}").count()];
        let args: Vec<&Value> = args.iter().collect();
        assert_invalid(format(&json!(template), &args), NAME);
    }
}
