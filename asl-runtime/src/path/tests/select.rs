//! Reading: Reference Paths and every selector kind of full JSONPath.
//!
//! Expected values marked "Jayway" are the results the json-path-comparison project
//! recorded for Jayway JsonPath (`regression_suite/Java_com.jayway.jsonpath.yaml` and
//! `docs/results/*.html` in cburgmer/json-path-comparison).

use std::borrow::Cow;

use serde_json::{Value, json};

use super::{path, refpath, select};

fn five() -> Value {
    json!(["first", "second", "third", "forth", "fifth"])
}

#[test]
fn root_alone_is_the_root() {
    let root = json!({"a": 1});
    assert_eq!(select("$", &root), Some(root.clone()));
    assert_eq!(select("$", &json!(null)), Some(json!(null)));
}

#[test]
fn names() {
    let root = json!({"a": {"b": {"c": 3}}, "x-amz-id": 1, "0": "zero", "*": "star", "a b": 5});
    assert_eq!(select("$.a.b.c", &root), Some(json!(3)));
    assert_eq!(select("$['a']['b']", &root), Some(json!({"c": 3})));
    assert_eq!(select("$.x-amz-id", &root), Some(json!(1)));
    assert_eq!(select("$.0", &root), Some(json!("zero")));
    assert_eq!(select("$['*']", &root), Some(json!("star")));
    assert_eq!(select("$['a b']", &root), Some(json!(5)));
    assert_eq!(select("$.a.nope", &root), None);
    assert_eq!(select("$.nope.b", &root), None);
    // A name on an array or a scalar is a miss.
    assert_eq!(select("$.key", &json!([{"key": 1}])), None);
    assert_eq!(select("$.a.b.c.d", &root), None);
}

#[test]
fn null_values_are_found() {
    let root = json!({"key": null});
    assert_eq!(select("$.key", &root), Some(json!(null)));
}

#[test]
fn indexes() {
    assert_eq!(select("$[2]", &five()), Some(json!("third")));
    assert_eq!(select("$[0]", &five()), Some(json!("first")));
    assert_eq!(select("$[5]", &five()), None);
    // Negative indexes count from the end; a definite path yields the element.
    assert_eq!(select("$[-1]", &five()), Some(json!("fifth")));
    assert_eq!(select("$[-5]", &five()), Some(json!("first")));
    assert_eq!(select("$[-6]", &five()), None);
    assert_eq!(select("$[-1]", &json!([])), None);
    // An index on an object or a string is a miss (Jayway: error).
    assert_eq!(select("$[0]", &json!({"0": "value"})), None);
    assert_eq!(select("$[0]", &json!("abc")), None);
    assert_eq!(
        select("$.a[1].b", &json!({"a": [{}, {"b": true}]})),
        Some(json!(true))
    );
}

#[test]
fn definite_paths_borrow() {
    let root = json!({"a": {"b": [1, {"c": "deep"}]}});
    let selected = path("$.a.b[1].c").select(&root).expect("found");
    let Cow::Borrowed(found) = selected else {
        panic!("a definite path copied its value")
    };
    assert!(std::ptr::eq(found, &root["a"]["b"][1]["c"]));
    assert!(path("$.a.b[-1]").is_definite());
    assert!(!path("$.a[*]").is_definite());
}

#[test]
fn wildcards() {
    let object = json!({"some": "string", "int": 42, "object": {"key": "value"}, "array": [0, 1]});
    let expected = json!(["string", 42, {"key": "value"}, [0, 1]]);
    assert_eq!(select("$.*", &object), Some(expected.clone()));
    assert_eq!(select("$[*]", &object), Some(expected));
    let array = json!(["string", 42, {"key": "value"}, [0, 1]]);
    assert_eq!(select("$[*]", &array), Some(array.clone()));
    assert_eq!(
        select("$.*", &json!([40, null, 42])),
        Some(json!([40, null, 42]))
    );
    // Jayway: `$[*].bar[*].baz`.
    assert_eq!(
        select("$[*].bar[*].baz", &json!([{"bar": [{"baz": "hello"}]}])),
        Some(json!(["hello"]))
    );
    // Indefinite paths never miss: no matches is `[]`.
    assert_eq!(select("$.*", &json!(42)), Some(json!([])));
    assert_eq!(select("$.a[*]", &json!({})), Some(json!([])));
    assert_eq!(
        select("$[*].x", &json!([{"x": 1}, {"y": 2}, 3, {"x": 4}])),
        Some(json!([1, 4]))
    );
}

#[test]
fn a_single_match_of_an_indefinite_path_is_still_an_array() {
    assert_eq!(select("$.a[*]", &json!({"a": [7]})), Some(json!([7])));
    assert_eq!(select("$.*", &json!({"only": 1})), Some(json!([1])));
    assert_eq!(select("$.a[0:1]", &json!({"a": [7, 8]})), Some(json!([7])));
}

#[test]
fn slices() {
    let slice = |text: &str| select(text, &five());
    // Jayway, each of them.
    assert_eq!(slice("$[1:3]"), Some(json!(["second", "third"])));
    assert_eq!(
        slice("$[1:]"),
        Some(json!(["second", "third", "forth", "fifth"]))
    );
    assert_eq!(slice("$[:2]"), Some(json!(["first", "second"])));
    assert_eq!(slice("$[0:1]"), Some(json!(["first"])));
    assert_eq!(slice("$[0:0]"), Some(json!([])));
    assert_eq!(slice("$[3:1]"), Some(json!([])));
    assert_eq!(
        select("$[1:10]", &json!(["first", "second", "third"])),
        Some(json!(["second", "third"]))
    );
    assert_eq!(
        select("$[-1:]", &json!(["first", "second", "third"])),
        Some(json!(["third"]))
    );
    assert_eq!(slice("$[-2:]"), Some(json!(["forth", "fifth"])));
    assert_eq!(slice("$[-10:]"), Some(json!(five())));
    assert_eq!(
        slice("$[:-1]"),
        Some(json!(["first", "second", "third", "forth"]))
    );
    assert_eq!(slice("$[:-10]"), Some(json!([])));
    assert_eq!(slice("$[10:]"), Some(json!([])));
    assert_eq!(select("$[1:]", &json!([])), Some(json!([])));
}

#[test]
fn slices_with_a_negative_start_and_an_end_wrap_as_in_jayway() {
    // Jayway: `$[-4:3]` on [2, "a", 4, 5, 100, "nice"].
    let root = json!([2, "a", 4, 5, 100, "nice"]);
    assert_eq!(
        select("$[-4:3]", &root),
        Some(json!([4, 5, 100, "nice", 2, "a", 4]))
    );
    // Both negative: from the end, as usual.
    assert_eq!(select("$[-3:-1]", &five()), Some(json!(["third", "forth"])));
    // A positive start with a negative end selects nothing in Jayway.
    assert_eq!(select("$[1:-1]", &five()), Some(json!([])));
    // Below `-len` nothing resolves, then the walk goes on from 0 (Jayway); a start far
    // below the array does not walk forever.
    let all_then_first = json!(["first", "second", "third", "forth", "fifth", "first"]);
    assert_eq!(select("$[-10:1]", &five()), Some(all_then_first.clone()));
    assert_eq!(
        select("$[-9223372036854775807:1]", &five()),
        Some(all_then_first)
    );
}

#[test]
fn slice_steps_are_ignored_as_in_jayway() {
    // Jayway: `$[0:3:2]` gives three elements, `$[0:4:2]` four, `$[0:3:0]` three.
    assert_eq!(
        select("$[0:3:2]", &five()),
        Some(json!(["first", "second", "third"]))
    );
    assert_eq!(
        select("$[0:4:2]", &five()),
        Some(json!(["first", "second", "third", "forth"]))
    );
    assert_eq!(
        select("$[0:3:1]", &five()),
        Some(json!(["first", "second", "third"]))
    );
    // Jayway: `$[3:0:-2]` gives nothing.
    assert_eq!(select("$[3:0:-2]", &five()), Some(json!([])));
    // Jayway cannot parse these (AWS would reject the definition); all elements.
    assert_eq!(select("$[::2]", &five()), Some(five()));
    assert_eq!(select("$[:]", &five()), Some(five()));
}

#[test]
fn slices_on_other_values_match_nothing() {
    assert_eq!(select("$[0:2]", &json!({"0": 1})), Some(json!([])));
    assert_eq!(select("$[0:2]", &json!("abc")), Some(json!([])));
}

#[test]
fn index_unions() {
    // Jayway: `$[0,1]`.
    assert_eq!(select("$[0,1]", &five()), Some(json!(["first", "second"])));
    assert_eq!(
        select("$[4,0,-1,9]", &five()),
        Some(json!(["fifth", "first", "fifth"]))
    );
    assert_eq!(select("$[0,1]", &json!({})), Some(json!([])));
}

#[test]
fn name_unions_at_the_end_merge_into_one_object() {
    // Jayway: `$['key','another']` gives one object, not an array.
    let root = json!({"key": "value", "another": "entry"});
    assert_eq!(
        select("$['key','another']", &root),
        Some(json!({"key": "value", "another": "entry"}))
    );
    assert!(path("$['key','another']").is_definite());
    // Jayway: missing members are left out.
    assert_eq!(
        select("$['missing','key']", &json!({"key": "value"})),
        Some(json!({"key": "value"}))
    );
    assert_eq!(select("$['x','y']", &json!({})), Some(json!({})));
    // The union's order, not the document's.
    let merged = select("$['another','key']", &root).expect("merged");
    let names: Vec<_> = merged
        .as_object()
        .expect("object")
        .keys()
        .cloned()
        .collect();
    assert_eq!(names, ["another", "key"]);
    // On something other than an object: a miss.
    assert_eq!(select("$['a','b']", &json!([1])), None);
}

#[test]
fn name_unions_elsewhere_iterate() {
    // Jayway: `$[*]['c','d']` gives one merged object per element.
    let root = json!([{"c": "cc1", "d": "dd1", "e": "ee1"}, {"c": "cc2", "d": "dd2", "e": "ee2"}]);
    assert_eq!(
        select("$[*]['c','d']", &root),
        Some(json!([{"c": "cc1", "d": "dd1"}, {"c": "cc2", "d": "dd2"}]))
    );
    // Not at the end: each member in turn.
    let root = json!({"a": {"x": 1}, "b": {"x": 2}, "c": {"x": 3}});
    assert_eq!(select("$['a','c','z'].x", &root), Some(json!([1, 3])));
    assert!(!path("$['a','c'].x").is_definite());
}

#[test]
fn deep_scan_of_a_name() {
    // Jayway: `$..key` (the recorded results are sorted; Jayway visits a node before
    // its members, members in document order).
    let root = json!({
        "object": {"key": "value", "array": [{"key": "something"}, {"key": {"key": "russian dolls"}}]},
        "key": "top"
    });
    assert_eq!(
        select("$..key", &root),
        Some(json!(["top", "value", "something", {"key": "russian dolls"}, "russian dolls"]))
    );
    // `$.store..price`.
    let store = json!({"store": {
        "book": [{"price": 8.95}, {"price": 12.99, "isbn": "x"}],
        "bicycle": {"color": "red", "price": 19.95}
    }});
    assert_eq!(
        select("$.store..price", &store),
        Some(json!([8.95, 12.99, 19.95]))
    );
    assert_eq!(select("$..nope", &store), Some(json!([])));
    assert_eq!(
        select("$..['price']", &store),
        Some(json!([8.95, 12.99, 19.95]))
    );
}

#[test]
fn deep_scan_of_a_wildcard() {
    // Jayway: `$..*` (sorted in the record).
    let root = json!({"key": "value", "another key": {"complex": "string", "primitives": [0, 1]}});
    assert_eq!(
        select("$..*", &root),
        Some(json!([
            "value",
            {"complex": "string", "primitives": [0, 1]},
            "string",
            [0, 1],
            0,
            1
        ]))
    );
    assert_eq!(
        select("$..*", &json!([40, null, 42])),
        Some(json!([40, null, 42]))
    );
    assert_eq!(select("$..*", &json!(42)), Some(json!([])));
}

#[test]
fn deep_scan_of_an_index() {
    // Jayway: `$..[0]` (sorted in the record).
    let root = json!(["first", {"key": ["first nested", {"more": [{"nested": ["deepest", "second"]}, ["more", "values"]]}]}]);
    assert_eq!(
        select("$..[0]", &root),
        Some(
            json!(["first", "first nested", {"nested": ["deepest", "second"]}, "deepest", "more"])
        )
    );
}

#[test]
fn deep_scan_then_more_applies_to_every_element_as_jayway_does() {
    // Jayway: `$..[1].key` gives the `key` of every element of every array, not only of
    // the elements at index 1 (the recorded result, sorted: ["some value", 100, 200,
    // 300, 400, 42, 500, 600]).
    let root = json!({
        "k": [{"key": "some value"}, {"key": 42}],
        "kk": [[{"key": 100}, {"key": 200}, {"key": 300}], [{"key": 400}, {"key": 500}, {"key": 600}]],
        "key": [0, 1]
    });
    let Some(Value::Array(mut found)) = select("$..[1].key", &root) else {
        panic!("an array")
    };
    let mut expected = vec![
        json!("some value"),
        json!(100),
        json!(200),
        json!(300),
        json!(400),
        json!(42),
        json!(500),
        json!(600),
    ];
    found.sort_by_key(|value| value.to_string());
    expected.sort_by_key(|value| value.to_string());
    assert_eq!(found, expected);
}

#[test]
fn deep_scan_of_a_filter() {
    // Jayway: `$..[?(@.id==2)]`, in this order.
    let root =
        json!({"id": 2, "more": [{"id": 2}, {"more": {"id": 2}}, {"id": {"id": 2}}, [{"id": 2}]]});
    assert_eq!(
        select("$..[?(@.id==2)]", &root),
        Some(json!([root.clone(), {"id": 2}, {"id": 2}, {"id": 2}, {"id": 2}]))
    );
}

#[test]
fn misses_before_an_indefinite_step_give_an_empty_array() {
    // AWS (corpus): `$.item.items[1:5]` and `$.item.items[*]` on `{}` give `[]`.
    for text in [
        "$.item.items[1:5]",
        "$.item.items[*]",
        "$.item.items[1:5].itemValue",
        "$.a[0][*]",
        "$.a..b",
    ] {
        assert_eq!(select(text, &json!({})), Some(json!([])), "{text}");
    }
    assert_eq!(select("$.a[5][*]", &json!({"a": [1]})), Some(json!([])));
}

#[test]
fn reference_paths() {
    let root = json!({"a": {"b c": [10, {"d": null}]}});
    assert_eq!(refpath("$").get(&root), Some(&root));
    assert_eq!(refpath("$.a['b c'][0]").get(&root), Some(&json!(10)));
    assert_eq!(refpath("$.a['b c'][1].d").get(&root), Some(&Value::Null));
    assert!(std::ptr::eq(
        refpath("$.a['b c'][0]").get(&root).expect("found"),
        &root["a"]["b c"][0]
    ));
    for missing in [
        "$.b",
        "$.a.x",
        "$.a['b c'][2]",
        "$.a['b c'][0].x",
        "$.a[0]",
        "$.a['b c'].d",
    ] {
        assert_eq!(refpath(missing).get(&root), None, "{missing}");
    }
}

#[test]
fn reference_paths_mutably() {
    let mut root = json!({"items": [1, 2, 3], "keep": true});
    *refpath("$.items[1]").get_mut(&mut root).expect("found") = json!(20);
    assert_eq!(root["items"], json!([1, 20, 3]));
    assert_eq!(refpath("$.items").take(&mut root), Some(json!([1, 20, 3])));
    assert_eq!(root, json!({"items": null, "keep": true}));
    assert_eq!(refpath("$.nope").take(&mut root), None);
    assert_eq!(refpath("$.keep[0]").get_mut(&mut root), None);
}

#[test]
fn normalized_rendering_of_every_segment_kind() {
    let cases = [
        ("$", "$"),
        ("$.a.b[0]", "$['a']['b'][0]"),
        ("$['a b'][-1]", "$['a b'][-1]"),
        ("$['a','b']", "$['a', 'b']"),
        ("$[0,2]", "$[0,2]"),
        ("$[1:3]", "$[1:3]"),
        ("$[1:]", "$[1:]"),
        ("$[:2]", "$[:2]"),
        ("$[0:4:2]", "$[0:4]"),
        ("$.*", "$[*]"),
        ("$[*]", "$[*]"),
        ("$..a", "$..['a']"),
        ("$..*", "$..[*]"),
        ("$..[0]", "$..[0]"),
        ("$.a[?(@.b > 1)].c", "$['a'][?]['c']"),
    ];
    for (text, normalized) in cases {
        assert_eq!(path(text).normalized(), normalized, "{text}");
    }
    assert_eq!(refpath("$.a[3]['b c']").normalized(), "$['a'][3]['b c']");
}

#[test]
fn definite_paths_move_their_node_out() {
    let mut doc = json!({"a": {"b": [1, {"c": "x"}]}, "keep": true});
    assert_eq!(path("$.a.b[1].c").take(&mut doc), Some(json!("x")));
    assert_eq!(doc, json!({"a": {"b": [1, {"c": null}]}, "keep": true}));
    assert_eq!(path("$.missing").take(&mut doc), None);
    assert_eq!(
        path("$.a.b[-1]").take(&mut doc),
        None,
        "negative: left to select"
    );
    assert_eq!(path("$.a.b[*]").take(&mut doc), None, "not definite");
    assert_eq!(
        path("$").take(&mut doc).map(|v| v["keep"].clone()),
        Some(json!(true))
    );
    assert_eq!(doc, json!(null));
}

#[test]
fn owned_input_and_output_paths_agree_with_the_borrowing_ones() {
    use crate::dataflow::{input_path, input_path_owned, output_path, output_path_owned};
    let doc = json!({"a": {"b": 1}, "list": [{"x": 1}, {"x": 2}]});
    for text in [
        "$",
        "$.a",
        "$.a.b",
        "$.list[*].x",
        "$.list[-1]",
        "$.nope",
        "$.a.b.c",
    ] {
        let p = path(text);
        assert_eq!(
            input_path_owned(&p, doc.clone()),
            input_path(&p, &doc),
            "{text}"
        );
        assert_eq!(
            output_path_owned(&p, doc.clone()),
            output_path(&p, &doc),
            "{text}"
        );
    }
}

#[test]
fn take_moves_a_reference_and_fails_as_a_lookup_would() {
    use crate::dataflow::{field_at, reference, take};
    let mut doc = json!({"items": [1, 2], "n": 3});
    assert_eq!(
        take(&refpath("$.items"), "ItemsPath", &mut doc),
        Ok(json!([1, 2]))
    );
    assert_eq!(doc["items"], json!(null));
    let missing = refpath("$.nope");
    assert_eq!(
        take(&missing, "a.$", &mut doc).unwrap_err(),
        field_at(&missing, "a.$", &doc).unwrap_err()
    );
    let through_number = refpath("$.n.x");
    assert_eq!(
        take(&through_number, "ItemsPath", &mut doc).unwrap_err(),
        reference(&through_number, "ItemsPath", &doc).unwrap_err()
    );
}
