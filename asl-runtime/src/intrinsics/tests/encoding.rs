//! `States.Base64Encode`, `States.Base64Decode` and `States.Hash`.

use serde_json::{Value, json};

use super::assert_invalid;
use crate::intrinsics::{base64_decode, base64_encode, hash};

fn non_strings() -> [Value; 6] {
    [
        json!(null),
        json!(true),
        json!(123),
        json!(1.5),
        json!(["x"]),
        json!({}),
    ]
}

// States.Base64Encode

#[test]
fn encode_the_aws_guide_example() {
    assert_eq!(
        base64_encode(&json!("Data to encode")).unwrap(),
        json!("RGF0YSB0byBlbmNvZGU=")
    );
}

#[test]
fn encode_uses_utf8_and_standard_padding() {
    for (text, encoded) in [
        ("", ""),
        ("hello", "aGVsbG8="),
        (" ", "IA=="),
        ("✓", "4pyT"),
        ("こんにちは", "44GT44KT44Gr44Gh44Gv"),
        ("🚀", "8J+agA=="),
        ("line1\nline2", "bGluZTEKbGluZTI="),
        ("abc\u{0}def", "YWJjAGRlZg=="),
        ("\u{ff}\u{fe}", "w7/Dvg=="),
    ] {
        assert_eq!(
            base64_encode(&json!(text)).unwrap(),
            json!(encoded),
            "{text:?}"
        );
    }
}

#[test]
fn encode_puts_long_output_on_one_line() {
    let encoded = base64_encode(&json!("a".repeat(10_000))).unwrap();
    let encoded = encoded.as_str().unwrap();
    assert_eq!(encoded.len(), 13_336);
    assert!(!encoded.contains(['\r', '\n']));
}

#[test]
fn encode_accepts_up_to_ten_thousand_characters() {
    assert!(base64_encode(&json!("a".repeat(9_999))).is_ok());
    assert!(base64_encode(&json!("a".repeat(10_000))).is_ok());
    // 10,000 two-byte characters are still 10,000 characters.
    assert!(base64_encode(&json!("é".repeat(10_000))).is_ok());
    // An astral character counts twice, as in Java.
    assert!(base64_encode(&json!("🚀".repeat(5_000))).is_ok());
}

#[test]
fn encode_fails_over_ten_thousand_characters() {
    for text in ["a".repeat(10_001), "é".repeat(10_001), "🚀".repeat(5_001)] {
        assert_invalid(base64_encode(&json!(text)), "States.Base64Encode");
    }
}

#[test]
fn encode_needs_a_string() {
    for value in non_strings() {
        assert_invalid(base64_encode(&value), "States.Base64Encode");
    }
}

// States.Base64Decode

fn decoded(text: &str) -> String {
    match base64_decode(&json!(text)) {
        Ok(Value::String(text)) => text,
        other => panic!("{text:?} gave {other:?}"),
    }
}

#[test]
fn decode_the_aws_guide_example() {
    assert_eq!(decoded("RGF0YSB0byBlbmNvZGU="), "Data to encode");
}

#[test]
fn decode_reads_utf8() {
    for (encoded, text) in [
        ("", ""),
        ("aGVsbG8=", "hello"),
        ("YWJjZA==", "abcd"),
        ("IA==", " "),
        ("4pyT", "✓"),
        ("44GT44KT44Gr44Gh44Gv", "こんにちは"),
        ("YWJjAGRlZg==", "abc\u{0}def"),
    ] {
        assert_eq!(decoded(encoded), text, "{encoded:?}");
    }
}

#[test]
fn decode_round_trips_encode() {
    for text in ["hello", "", "🚀 and ✓", &"xyz".repeat(1000)] {
        let encoded = base64_encode(&json!(text)).unwrap();
        assert_eq!(base64_decode(&encoded).unwrap(), json!(text));
    }
}

#[test]
fn decode_is_as_lenient_as_aws() {
    // AWS observations: each of these decodes rather than failing.
    assert_eq!(decoded(" YWJjZA== "), "abcd");
    assert_eq!(decoded("YWJj\nZA=="), "abcd");
    assert_eq!(decoded("ab==cd"), "i");
    assert_eq!(decoded("!!!invalid!!!"), decoded("invalid"));
    // Missing padding is fine; a lone trailing character carries no whole byte.
    assert_eq!(decoded("YWJjZA"), "abcd");
    assert_eq!(decoded("YQ"), "a");
    assert_eq!(decoded("Y"), "");
    assert_eq!(decoded("YWJjZ"), "abc");
}

#[test]
fn decode_reads_the_url_safe_alphabet_too() {
    assert_eq!(decoded("-_-_"), decoded("+/+/"));
}

#[test]
fn decode_replaces_bytes_that_are_not_utf8() {
    // "abc" decodes to 0x69 0xB7: an `i` and a stray continuation byte.
    assert_eq!(decoded("abc"), "i\u{FFFD}");
    assert_eq!(decoded("//79"), "\u{FFFD}\u{FFFD}\u{FFFD}");
}

#[test]
fn decode_accepts_up_to_ten_thousand_characters() {
    assert!(base64_decode(&json!("A".repeat(9_999))).is_ok());
    assert!(base64_decode(&json!("A".repeat(10_000))).is_ok());
}

#[test]
fn decode_fails_over_ten_thousand_characters() {
    assert_invalid(
        base64_decode(&json!("A".repeat(10_001))),
        "States.Base64Decode",
    );
}

#[test]
fn decode_needs_a_string() {
    for value in non_strings() {
        assert_invalid(base64_decode(&value), "States.Base64Decode");
    }
}

// States.Hash

fn digest(data: Value, algorithm: &str) -> String {
    match hash(&data, &json!(algorithm)) {
        Ok(Value::String(hex)) => hex,
        other => panic!("{data:?} with {algorithm} gave {other:?}"),
    }
}

#[test]
fn hash_the_aws_guide_example() {
    // The guide prints this digest with one character missing; the corpus has it whole.
    assert_eq!(
        digest(json!("input data"), "SHA-1"),
        "aaff4a450a104cd177d28d18d74485e8cae074b7"
    );
}

#[test]
fn hash_supports_the_five_algorithms() {
    assert_eq!(
        digest(json!("hello"), "MD5"),
        "5d41402abc4b2a76b9719d911017c592"
    );
    assert_eq!(
        digest(json!("hello"), "SHA-1"),
        "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
    );
    assert_eq!(
        digest(json!("hello"), "SHA-256"),
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    assert_eq!(
        digest(json!("hello"), "SHA-384"),
        "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90\
         125a3c79f90397bdf5f6a13de828684f"
    );
    assert_eq!(
        digest(json!("hello"), "SHA-512"),
        "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7\
         2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"
    );
}

#[test]
fn hash_reads_utf8() {
    for (text, sha256) in [
        (
            "",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (
            "✓",
            "1dabba21cdad44541f6b15796f8d22978fc7ea10c46aeceeeeb66c23b3ac7604",
        ),
        (
            "こんにちは",
            "125aeadf27b0459b8760c13a3d80912dfa8a81a68261906f60d87f4a0268646c",
        ),
        (
            "🚀",
            "ebbc0b2870eb323f2b6cffa5c493ceef81ae7eb36afc73d4e0367301631daec5",
        ),
    ] {
        assert_eq!(digest(json!(text), "SHA-256"), sha256, "{text:?}");
    }
    assert_eq!(
        digest(json!("abc\u{0}def"), "MD5"),
        "a5e4d5963ae44c1f4bfb37b1a3d55a3c"
    );
}

#[test]
fn hash_hashes_other_values_as_java_prints_them() {
    // AWS observation: a number or an object is hashed, not rejected.
    assert_eq!(
        digest(json!(123), "SHA-256"),
        "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3"
    );
    assert_eq!(
        digest(json!({}), "SHA-256"),
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    );
    assert_eq!(
        digest(json!({"a": 1}), "MD5"),
        "055524e8a3618ce3fa9b3bd7d233be87"
    );
    assert_eq!(digest(json!(null), "MD5"), digest(json!("null"), "MD5"));
}

#[test]
fn hash_accepts_up_to_ten_thousand_characters() {
    assert_eq!(digest(json!("a".repeat(10_000)), "SHA-256").len(), 64);
}

#[test]
fn hash_fails_over_ten_thousand_characters() {
    assert_invalid(
        hash(&json!("a".repeat(10_001)), &json!("SHA-256")),
        "States.Hash",
    );
    let long_array = Value::Array(vec![json!(1); 4_000]);
    assert_invalid(hash(&long_array, &json!("MD5")), "States.Hash");
}

#[test]
fn hash_algorithm_must_be_spelled_exactly() {
    for algorithm in [
        "sha-256", "SHA256", "MD-5", "md5", "SHA-257", "SHA-224", "", " MD5",
    ] {
        assert_invalid(hash(&json!("data"), &json!(algorithm)), "States.Hash");
    }
}

#[test]
fn hash_algorithm_must_be_a_string() {
    for algorithm in non_strings() {
        assert_invalid(hash(&json!("hello"), &algorithm), "States.Hash");
    }
}
