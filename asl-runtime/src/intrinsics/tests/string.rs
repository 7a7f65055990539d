//! `States.StringSplit`.

use serde_json::{Value, json};

use super::assert_invalid;
use crate::intrinsics::string_split;

fn split(text: &str, delimiters: &str) -> Value {
    string_split(&json!(text), &json!(delimiters)).unwrap()
}

#[test]
fn split_the_aws_guide_examples() {
    assert_eq!(split("1,2,3,4,5", ","), json!(["1", "2", "3", "4", "5"]));
    assert_eq!(
        split("This.is+a,test=string", ".+,="),
        json!(["This", "is", "a", "test", "string"])
    );
}

#[test]
fn split_treats_each_delimiter_character_alone() {
    assert_eq!(split("1a2b3ab4", "ab"), json!(["1", "2", "3", "4"]));
    assert_eq!(split("a.b|c+d", ".|+"), json!(["a", "b", "c", "d"]));
    assert_eq!(
        split("split on T and \nnew line", "T\n"),
        json!(["split on ", " and ", "new line"])
    );
}

#[test]
fn split_drops_empty_parts() {
    // AWS observations.
    assert_eq!(split("a,,b", ","), json!(["a", "b"]));
    assert_eq!(split(",a,b", ","), json!(["a", "b"]));
    assert_eq!(split("a,b,", ","), json!(["a", "b"]));
    assert_eq!(split(",", ","), json!([]));
    assert_eq!(split("", ","), json!([]));
    assert_eq!(split("a.,,b", ".,"), json!(["a", "b"]));
    assert_eq!(
        split("null,, ,-1,[0,1,false]", ","),
        json!(["null", " ", "-1", "[0", "1", "false]"])
    );
}

#[test]
fn split_keeps_whitespace_inside_parts() {
    assert_eq!(split(" , ", ","), json!([" ", " "]));
    assert_eq!(split(" ", ","), json!([" "]));
}

#[test]
fn split_without_delimiters_is_the_whole_text() {
    assert_eq!(split("abc", ""), json!(["abc"]));
    assert_eq!(split("", ""), json!([]));
}

#[test]
fn split_on_non_ascii_delimiters() {
    assert_eq!(split("aébéc", "é"), json!(["a", "b", "c"]));
    assert_eq!(split("x🚀y✓z", "✓🚀"), json!(["x", "y", "z"]));
}

#[test]
fn split_needs_two_strings() {
    for bad in [
        json!(null),
        json!(123),
        json!(false),
        json!([","]),
        json!({}),
    ] {
        assert_invalid(string_split(&bad, &json!(",")), "States.StringSplit");
        assert_invalid(string_split(&json!("a,b"), &bad), "States.StringSplit");
    }
}
