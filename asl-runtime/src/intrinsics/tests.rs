use serde_json::{Value, json};

use super::*;

fn fails(result: Result<Value, crate::ExecutionError>, needle: &str) {
    let error = result.expect_err("the call fails");
    assert_eq!(error.name(), "States.IntrinsicFailure");
    assert!(
        error.cause_text().contains(needle),
        "{:?} lacks {needle:?}",
        error.cause
    );
}

#[test]
fn format_renders_values_as_aws_does() {
    let template = json!("fst={} and snd={}.");
    for (value, rendered) in [
        (json!(""), ""),
        (json!(" "), " "),
        (json!(null), "null"),
        (json!(1), "1"),
        (json!(1.1), "1.1"),
        (json!(true), "true"),
        (
            json!("{\"Arg1\": 1, \"Arg2\": []}"),
            "{\"Arg1\": 1, \"Arg2\": []}",
        ),
        (json!({"Arg1": 1, "Arg2": []}), "{Arg1=1, Arg2=[]}"),
        (json!([1, "x", {"a": [true]}]), "[1, x, {a=[true]}]"),
    ] {
        let expected = format!("fst={rendered} and snd={rendered}.");
        assert_eq!(
            format(&template, &[&value, &value]).unwrap(),
            json!(expected)
        );
    }
}

#[test]
fn format_escapes_and_errors() {
    assert_eq!(
        format(&json!(r"\{\} {} \\"), &[&json!(1)]).unwrap(),
        json!(r"{} 1 \")
    );
    fails(format(&json!("{} {}"), &[&json!(1)]), "number of arguments");
    fails(
        format(&json!("{}"), &[&json!(1), &json!(2)]),
        "number of arguments",
    );
    fails(format(&json!("{ x"), &[]), "matching '}' not found");
    fails(format(&json!(1), &[]), "template must be a string");
}

#[test]
fn string_to_json_and_back() {
    for (text, value) in [
        ("", json!(null)),
        (" ", json!(null)),
        ("null", json!(null)),
        ("-0", json!(0)),
        ("1.1", json!(1.1)),
        ("\"HelloWorld\"", json!("HelloWorld")),
        ("[1, 2, \"HelloWorld\"]", json!([1, 2, "HelloWorld"])),
        (
            "{\"Arg1\": 1, \"Arg2\": []}",
            json!({"Arg1": 1, "Arg2": []}),
        ),
    ] {
        assert_eq!(string_to_json(&json!(text)).unwrap(), value, "{text}");
    }
    fails(string_to_json(&json!("{oops")), "not JSON");
    fails(string_to_json(&json!(1)), "must be a string");
    assert_eq!(
        json_to_string(&json!({"Arg1": 1, "Arg2": []})).unwrap(),
        json!("{\"Arg1\":1,\"Arg2\":[]}")
    );
    assert_eq!(
        json_to_string(&json!("HelloWorld")).unwrap(),
        json!("\"HelloWorld\"")
    );
    assert_eq!(json_to_string(&json!(null)).unwrap(), json!("null"));
}

#[test]
fn arrays() {
    assert_eq!(array(vec![json!("a"), json!(1)]), json!(["a", 1]));
    assert_eq!(array(vec![]), json!([]));
    assert_eq!(
        array_partition(&json!([1, 2, 3, 4, 5]), &json!(2)).unwrap(),
        json!([[1, 2], [3, 4], [5]])
    );
    assert_eq!(array_partition(&json!([]), &json!(3)).unwrap(), json!([]));
    fails(array_partition(&json!([1]), &json!(0)), "positive integer");
    fails(array_partition(&json!([1]), &json!(-1)), "positive integer");
    fails(array_partition(&json!({}), &json!(1)), "must be an array");
    assert_eq!(
        array_contains(&json!([1, {"a": 2}]), &json!({"a": 2.0})).unwrap(),
        json!(true)
    );
    assert_eq!(
        array_contains(&json!([1, 2]), &json!("1")).unwrap(),
        json!(false)
    );
    assert_eq!(
        array_get_item(&json!(["a", "b"]), &json!(1)).unwrap(),
        json!("b")
    );
    fails(array_get_item(&json!(["a"]), &json!(1)), "out of bounds");
    fails(array_get_item(&json!(["a"]), &json!(-1)), "out of bounds");
    assert_eq!(array_length(&json!([1, 2, 3])).unwrap(), json!(3));
    fails(array_length(&json!("abc")), "must be an array");
    assert_eq!(
        array_unique(&json!([1, 2, 2, 3, 1.0, "1"])).unwrap(),
        json!([1, 2, 3, "1"])
    );
}

#[test]
fn array_range_is_inclusive_and_bounded() {
    assert_eq!(
        array_range(&json!(1), &json!(9), &json!(2)).unwrap(),
        json!([1, 3, 5, 7, 9])
    );
    assert_eq!(
        array_range(&json!(0), &json!(10), &json!(3)).unwrap(),
        json!([0, 3, 6, 9])
    );
    assert_eq!(
        array_range(&json!(1), &json!(9), &json!(9)).unwrap(),
        json!([1])
    );
    assert_eq!(
        array_range(&json!(5), &json!(1), &json!(-2)).unwrap(),
        json!([5, 3, 1])
    );
    assert_eq!(
        array_range(&json!(5), &json!(1), &json!(1)).unwrap(),
        json!([])
    );
    assert_eq!(
        array_range(&json!(1), &json!(1000), &json!(1))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1000
    );
    fails(
        array_range(&json!(0), &json!(1000), &json!(1)),
        "at most 1000",
    );
    fails(
        array_range(&json!(0), &json!(1), &json!(0)),
        "step cannot be 0",
    );
    fails(
        array_range(&json!(0.5), &json!(1), &json!(1)),
        "must be an integer",
    );
}

#[test]
fn base64_and_hash() {
    assert_eq!(
        base64_encode(&json!("Hello World")).unwrap(),
        json!("SGVsbG8gV29ybGQ=")
    );
    assert_eq!(
        base64_decode(&json!("SGVsbG8gV29ybGQ=")).unwrap(),
        json!("Hello World")
    );
    fails(base64_decode(&json!("not base64!")), "not valid Base64");
    fails(base64_encode(&json!("a".repeat(10_001))), "at most 10000");
    assert!(base64_encode(&json!("a".repeat(10_000))).is_ok());
    for (algorithm, digest) in [
        ("MD5", "812f45842bc6d66ee14572ce20db8e86"),
        ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
        (
            "SHA-256",
            "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3",
        ),
        (
            "SHA-384",
            "d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562",
        ),
        (
            "SHA-512",
            "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4",
        ),
    ] {
        assert_eq!(
            hash(&json!("input data"), &json!(algorithm)).unwrap(),
            json!(digest),
            "{algorithm}"
        );
    }
    fails(hash(&json!("x"), &json!("SHA-3")), "not one of");
    fails(
        hash(&json!("a".repeat(10_001)), &json!("MD5")),
        "at most 10000",
    );
}

#[test]
fn json_merge_is_shallow_only() {
    assert_eq!(
        json_merge(
            &json!({"a": {"x": 1}, "b": 1}),
            &json!({"a": {"y": 2}}),
            &json!(false)
        )
        .unwrap(),
        json!({"a": {"y": 2}, "b": 1})
    );
    fails(
        json_merge(&json!({}), &json!({}), &json!(true)),
        "deep merge is not supported",
    );
    fails(
        json_merge(&json!({}), &json!([]), &json!(false)),
        "must be objects",
    );
}

#[test]
fn math_add_rounds_like_java() {
    for (a, b, sum) in [
        (json!(-9), json!(3), -6),
        (json!(1.49), json!(1.5), 3),
        (json!(-1.5), json!(0), -1),
        (json!(-1.51), json!(0), -2),
        (json!(0.5), json!(0), 1),
        (json!(2.5), json!(0), 3),
        (json!(-0.5), json!(0.5), 1),
        (json!(-2.5), json!(0), -2),
        (json!(-3.5), json!(0), -3),
        (json!(1.5), json!(1.51), 4),
        (json!(-1.49), json!(-1.5), -2),
    ] {
        assert_eq!(math_add(&a, &b).unwrap(), json!(sum), "{a} + {b}");
    }
    fails(math_add(&json!("1"), &json!(1)), "must be numbers");
    fails(math_add(&json!(i64::MAX), &json!(1)), "overflows");
}

#[test]
fn math_random_stays_in_range_and_repeats_with_a_seed() {
    for _ in 0..200 {
        let n = math_random(&json!(1), &json!(3), None)
            .unwrap()
            .as_i64()
            .unwrap();
        assert!((1..=3).contains(&n));
    }
    let seeded = |seed| math_random(&json!(0), &json!(1_000_000), Some(&json!(seed))).unwrap();
    assert_eq!(seeded(7), seeded(7));
    assert_eq!(math_random(&json!(5), &json!(5), None).unwrap(), json!(5));
    fails(
        math_random(&json!(5), &json!(1), None),
        "must not be greater",
    );
    fails(
        math_random(&json!("a"), &json!(1), None),
        "must be an integer",
    );
}

#[test]
fn string_split_drops_empty_parts() {
    let input = json!(
        "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n"
    );
    assert_eq!(
        string_split(&input, &json!(",")).unwrap(),
        json!([
            "Value1",
            "Value2",
            "Value3\nValue4",
            "Value5",
            "Value6\n",
            "\ntrue",
            "1",
            "'HelloWorld'\nNull",
            "None",
            "\n   \n"
        ])
    );
    assert_eq!(
        string_split(&json!("a.b-c"), &json!(".-")).unwrap(),
        json!(["a", "b", "c"])
    );
    fails(string_split(&json!(1), &json!(",")), "must be a string");
}

#[test]
fn uuid_is_version_4() {
    let id = uuid();
    let id = id.as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(id.as_bytes()[14], b'4');
    assert_eq!(id, id.to_lowercase());
    assert_ne!(uuid(), uuid());
}
