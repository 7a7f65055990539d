//! ResultPath: writing a result into the state input.

use serde_json::{Value, json};

use super::refpath;
use crate::error::ExecutionError;
use crate::path::{REFERENCE_PATH_CONFLICT, set};

fn write(path: &str, mut input: Value, result: Value) -> Result<Value, ExecutionError> {
    set(&refpath(path), &mut input, result).map(|()| input)
}

fn conflict(cause: &str) -> ExecutionError {
    ExecutionError::new(REFERENCE_PATH_CONFLICT, cause)
}

#[test]
fn dollar_replaces_the_input() {
    assert_eq!(
        write("$", json!({"a": 1}), json!("Hello")),
        Ok(json!("Hello"))
    );
    assert_eq!(
        write("$", json!("not an object"), json!([1])),
        Ok(json!([1]))
    );
}

#[test]
fn adds_and_replaces_members() {
    // AWS documentation's example: `$.taskresult` added beside the input.
    let input = json!({"comment": "This is a test", "details": "Default example"});
    assert_eq!(
        write("$.taskresult", input, json!("Hello, Step Functions!")),
        Ok(
            json!({"comment": "This is a test", "details": "Default example", "taskresult": "Hello, Step Functions!"})
        )
    );
    assert_eq!(
        write("$.a", json!({"a": 1, "b": 2}), json!(3)),
        Ok(json!({"a": 3, "b": 2}))
    );
    // Replacing keeps the member's place.
    let replaced = write("$.a", json!({"a": 1, "b": 2}), json!(3)).expect("written");
    assert_eq!(
        replaced
            .as_object()
            .expect("object")
            .keys()
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(
        write("$.a.b", json!({"a": {"b": 1, "c": 2}}), json!(null)),
        Ok(json!({"a": {"b": null, "c": 2}}))
    );
}

#[test]
fn creates_missing_objects_on_the_way() {
    assert_eq!(
        write("$.a.b.c", json!({}), json!(1)),
        Ok(json!({"a": {"b": {"c": 1}}}))
    );
    assert_eq!(
        write("$.a.b", json!({"a": {"x": 0}}), json!(1)),
        Ok(json!({"a": {"x": 0, "b": 1}}))
    );
    // Corpus (MAP_STATE_ITEM_SELECTOR): `$.detail.shipped_output` beside `shipped`.
    assert_eq!(
        write(
            "$.detail.shipped_output",
            json!({"detail": {"shipped": [1]}}),
            json!([2])
        ),
        Ok(json!({"detail": {"shipped": [1], "shipped_output": [2]}}))
    );
}

#[test]
fn writes_array_elements() {
    assert_eq!(
        write("$.a[1]", json!({"a": [1, 2, 3]}), json!("x")),
        Ok(json!({"a": [1, "x", 3]}))
    );
    assert_eq!(
        write("$[0].b", json!([{"b": 1}]), json!(2)),
        Ok(json!([{"b": 2}]))
    );
    assert_eq!(write("$[1]", json!([0, 1]), json!({})), Ok(json!([0, {}])));
}

#[test]
fn an_input_that_is_not_an_object_is_a_conflict() {
    // qiita.com/tsubasaogawa/items/4fe341bdb6ae7d2fd8ee (a string input).
    assert_eq!(
        write("$.someTaskResult", json!("input1"), json!(1)),
        Err(conflict(
            "Unable to apply ReferencePath $.someTaskResult to input \"input1\""
        ))
    );
    // aws/aws-cdk#29473: a string holding JSON, printed as a JSON string.
    assert_eq!(
        write("$.partitioned", json!("{\"min_size\":10000}"), json!(1)),
        Err(conflict(
            "Unable to apply ReferencePath $.partitioned to input \"{\\\"min_size\\\":10000}\""
        ))
    );
    assert_eq!(
        write("$.a", json!(null), json!(1)),
        Err(conflict("Unable to apply ReferencePath $.a to input null"))
    );
    assert_eq!(
        write("$.a", json!(12.5), json!(1)),
        Err(conflict("Unable to apply ReferencePath $.a to input 12.5"))
    );
}

#[test]
fn a_step_that_does_not_apply_is_a_conflict() {
    // cdklabs/construct-hub#459: `$.catalogBuilderOutput` on an input that is not an
    // object.
    assert_eq!(
        write("$.catalogBuilderOutput", json!([1, 2]), json!({})),
        Err(conflict(
            "Unable to apply step \"catalogBuilderOutput\" to input [1,2]"
        ))
    );
    let input = json!({"a": "text", "n": null, "list": [1]});
    let text = "{\"a\":\"text\",\"n\":null,\"list\":[1]}";
    for (path, step) in [
        ("$.a.b", "b"),
        ("$.n.b", "b"),
        ("$.list.b", "b"),
        ("$.list[1]", "[1]"),
        ("$.list[0].x", "x"),
        ("$.a[0]", "[0]"),
        ("$.new[0]", "[0]"),
        ("$.new.deeper[0].x", "[0]"),
    ] {
        assert_eq!(
            write(path, input.clone(), json!(1)),
            Err(conflict(&format!(
                "Unable to apply step \"{step}\" to input {text}"
            ))),
            "{path}"
        );
    }
}

#[test]
fn a_conflict_leaves_the_input_unchanged() {
    let mut input = json!({"a": {"b": "text"}});
    let before = input.clone();
    assert!(set(&refpath("$.a.b.c.d"), &mut input, json!(1)).is_err());
    assert!(set(&refpath("$.x.y[0]"), &mut input, json!(1)).is_err());
    assert_eq!(input, before);
}

#[test]
fn the_method_form() {
    let mut input = json!({});
    refpath("$.a").set(&mut input, json!(1)).expect("written");
    assert_eq!(input, json!({"a": 1}));
}
