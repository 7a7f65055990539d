//! Filters: every operator, logic, operands from `@` and `$`, and what missing
//! members do.
//!
//! Expected values marked "Jayway" are the results json-path-comparison recorded for
//! Jayway JsonPath on the same document (cburgmer/json-path-comparison,
//! `regression_suite/regression_suite.yaml` for the documents,
//! `regression_suite/Java_com.jayway.jsonpath.yaml` for Jayway's results). The
//! Jayway-only operators (`in`, `nin`, `subsetof`, `anyof`, `noneof`, `size`, `empty`)
//! follow Jayway's README and its evaluators.

use serde_json::{Value, json};

use super::select;

/// The elements of `document` that `$[?(<expression>)]` keeps.
fn keep(expression: &str, document: &Value) -> Value {
    select(&format!("$[?({expression})]"), document).expect("a filter never misses")
}

fn numbers() -> Value {
    json!([
        {"key": 0}, {"key": 42}, {"key": -1}, {"key": 1}, {"key": 41}, {"key": 43},
        {"key": 42.0001}, {"key": 41.9999}, {"key": 100}, {"key": "some"}, {"key": "42"},
        {"key": null}, {"key": 420}, {"key": ""}, {"key": {}}, {"key": []}, {"key": [42]},
        {"key": {"key": 42}}, {"key": {"some": 42}}, {"some": "value"}
    ])
}

fn ordered() -> Value {
    json!([
        {"key": 0}, {"key": 42}, {"key": -1}, {"key": 41}, {"key": 43}, {"key": 42.0001},
        {"key": 41.9999}, {"key": 100}, {"key": "43"}, {"key": "42"}, {"key": "41"},
        {"key": "value"}, {"some": "value"}
    ])
}

fn truthy() -> Value {
    json!([
        {"some": "some value"}, {"key": true}, {"key": false}, {"key": null}, {"key": "value"},
        {"key": ""}, {"key": 0}, {"key": 1}, {"key": -1}, {"key": 42}, {"key": {}}, {"key": []}
    ])
}

#[test]
fn equals_compares_numbers_with_numeric_strings() {
    // Jayway: `$[?(@.key==42)]`.
    assert_eq!(
        keep("@.key==42", &numbers()),
        json!([{"key": 42}, {"key": "42"}])
    );
    assert_eq!(
        keep("@.key=='42'", &numbers()),
        json!([{"key": 42}, {"key": "42"}])
    );
    assert_eq!(
        keep("@.key==42.0", &json!([{"key": 42}, {"key": 42.5}])),
        json!([{"key": 42}])
    );
    // Jayway: `$[?(@.key==-0.123e2)]`. A string on the left is compared with the
    // number's text (`-12.3`), not parsed.
    let fractions = json!([{"key": -12.3}, {"key": -0.123}, {"key": -12}, {"key": 12.3}, {"key": 2}, {"key": "-0.123e2"}]);
    assert_eq!(keep("@.key==-0.123e2", &fractions), json!([{"key": -12.3}]));
    assert_eq!(
        keep("-0.123e2==@.key", &fractions),
        json!([{"key": -12.3}, {"key": "-0.123e2"}])
    );
}

#[test]
fn equals_on_literals_of_each_type() {
    // Jayway, each of them.
    assert_eq!(keep("@.key==true", &truthy()), json!([{"key": true}]));
    assert_eq!(keep("@.key==false", &truthy()), json!([{"key": false}]));
    assert_eq!(keep("@.key==null", &truthy()), json!([{"key": null}]));
    let strings = json!([{"key": "some"}, {"key": "value"}, {"key": null}, {"key": 0}, {"key": ["value"]}, {"key": "valuemore"}, {"some": "value"}]);
    assert_eq!(
        keep("@.key==\"value\"", &strings),
        json!([{"key": "value"}])
    );
    assert_eq!(keep("@.key=='value'", &strings), json!([{"key": "value"}]));
    // Jayway: `$[?(@.d==["v1","v2"])]`.
    let arrays = json!([
        {"d": ["v1", "v2"]}, {"d": ["a", "b"]}, {"d": "v1"}, {"d": {}}, {"d": []}, {"d": null},
        {"d": "['v1','v2']"}, {"d": "[\"v1\",\"v2\"]"}
    ]);
    assert_eq!(
        keep("@.d==[\"v1\",\"v2\"]", &arrays),
        json!([{"d": ["v1", "v2"]}])
    );
    assert_eq!(
        keep("@.d==['v1','v2']", &arrays),
        json!([{"d": ["v1", "v2"]}])
    );
    // Jayway: `$[?(@==42)]`.
    let bare = json!([0, 42, -1, 41, 43, 42.0001, 41.9999, null, 100]);
    assert_eq!(keep("@==42", &bare), json!([42]));
}

#[test]
fn not_equals_is_the_negation_so_missing_members_pass() {
    // Jayway: `$[?(@.key!=42)]` keeps all but 42 and "42", the element without `key`
    // included.
    let Value::Array(mut expected) = numbers() else {
        unreachable!()
    };
    expected.retain(|item| item["key"] != json!(42) && item["key"] != json!("42"));
    assert_eq!(
        keep("@.key!=42", &numbers()),
        Value::Array(expected.clone())
    );
    assert_eq!(keep("!(@.key==42)", &numbers()), Value::Array(expected));
}

#[test]
fn ordering_compares_numbers_with_numbers_and_strings_with_strings() {
    // Jayway, each of them: strings never compare with numbers.
    assert_eq!(
        keep("@.key>42", &ordered()),
        json!([{"key": 43}, {"key": 42.0001}, {"key": 100}])
    );
    assert_eq!(
        keep("@.key>=42", &ordered()),
        json!([{"key": 42}, {"key": 43}, {"key": 42.0001}, {"key": 100}])
    );
    assert_eq!(
        keep("@.key<42", &ordered()),
        json!([{"key": 0}, {"key": -1}, {"key": 41}, {"key": 41.9999}])
    );
    assert_eq!(
        keep("@.key<=42", &ordered()),
        json!([{"key": 0}, {"key": 42}, {"key": -1}, {"key": 41}, {"key": 41.9999}])
    );
    let words = json!([{"s": "apple"}, {"s": "banana"}, {"s": "Cherry"}, {"s": 5}]);
    assert_eq!(
        keep("@.s<'b'", &words),
        json!([{"s": "apple"}, {"s": "Cherry"}])
    );
    assert_eq!(keep("@.s>='banana'", &words), json!([{"s": "banana"}]));
    // Java compares UTF-16 code units: U+FF5E sorts after U+1F600's high surrogate.
    let wide = json!([{"s": "\u{ff5e}"}, {"s": "\u{1f600}"}]);
    assert_eq!(keep("@.s>'\u{1f600}'", &wide), json!([{"s": "\u{ff5e}"}]));
}

#[test]
fn negation_of_an_ordering_keeps_the_unordered() {
    // `!(@.key<42)` keeps what `<` rejects, strings and the missing member included.
    assert_eq!(
        keep("!(@.key<42)", &ordered()),
        json!([
            {"key": 42}, {"key": 43}, {"key": 42.0001}, {"key": 100}, {"key": "43"}, {"key": "42"},
            {"key": "41"}, {"key": "value"}, {"some": "value"}
        ])
    );
}

#[test]
fn logic() {
    // Jayway, each of them.
    let three = json!([{"key": 42}, {"key": 43}, {"key": 44}]);
    assert_eq!(keep("@.key>42 && @.key<44", &three), json!([{"key": 43}]));
    assert_eq!(
        keep("@.key>43 || @.key<43", &three),
        json!([{"key": 42}, {"key": 44}])
    );
    let flags = json!([
        {"a": true}, {"a": true, "b": true}, {"a": true, "b": true, "c": true}, {"b": true, "c": true},
        {"a": true, "c": true}, {"c": true}, {"b": true}
    ]);
    assert_eq!(
        keep("@.a && (@.b || @.c)", &flags),
        json!([{"a": true, "b": true}, {"a": true, "b": true, "c": true}, {"a": true, "c": true}])
    );
    let ungrouped = json!([
        {"a": true, "b": true}, {"a": true, "b": true, "c": true}, {"b": true, "c": true},
        {"a": true, "c": true}, {"a": true}, {"b": true}, {"c": true}, {"d": true}, {}
    ]);
    assert_eq!(
        keep("@.a && @.b || @.c", &ungrouped),
        json!([
            {"a": true, "b": true}, {"a": true, "b": true, "c": true}, {"b": true, "c": true},
            {"a": true, "c": true}, {"c": true}
        ])
    );
}

#[test]
fn existence_counts_null_and_false_as_present() {
    // Jayway: `$[?(@.key)]` and `$[?(!@.key)]`.
    let Value::Array(all) = truthy() else {
        unreachable!()
    };
    assert_eq!(keep("@.key", &truthy()), Value::Array(all[1..].to_vec()));
    assert_eq!(keep("!@.key", &truthy()), json!([{"some": "some value"}]));
    assert_eq!(
        keep("@.a.b", &json!([{"a": {"b": null}}, {"a": {}}, {"a": 1}])),
        json!([{"a": {"b": null}}])
    );
    assert_eq!(keep("@[1]", &json!([[1, 2], [1], "ab"])), json!([[1, 2]]));
}

#[test]
fn existence_of_an_indefinite_path() {
    // Jayway: `$[?(@.a[?(@.price>10)])]` keeps all four, the empty array included: the
    // path resolves, whether or not anything matches.
    let document = json!([
        {"a": [{"price": 1}, {"price": 3}]}, {"a": [{"price": 11}]},
        {"a": [{"price": 8}, {"price": 12}, {"price": 3}]}, {"a": []}
    ]);
    assert_eq!(keep("@.a[?(@.price>10)]", &document), document);
    // A missing member on the way, or below a wildcard, is not there.
    let items = json!([{"a": [{"x": 1}, {"x": 2}]}, {"a": [{"x": 1}, {"y": 2}]}, {"b": []}]);
    assert_eq!(
        keep("@.a[*].x", &items),
        json!([{"a": [{"x": 1}, {"x": 2}]}])
    );
}

#[test]
fn operands_from_the_root_and_between_paths() {
    // Jayway: `$.items[?(@.key==$.value)]`.
    let document = json!({"value": 42, "items": [{"key": 10}, {"key": 42}, {"key": 50}]});
    assert_eq!(
        select("$.items[?(@.key==$.value)]", &document),
        Some(json!([{"key": 42}]))
    );
    // Consensus, Jayway agreeing: `$.items[?(@.key1==@.key2)]`.
    let pairs = json!({"items": [{"key1": 10, "key2": 10}, {"key1": 42, "key2": 50}]});
    assert_eq!(
        select("$.items[?(@.key1==@.key2)]", &pairs),
        Some(json!([{"key1": 10, "key2": 10}]))
    );
    // Two missing members are not equal.
    assert_eq!(keep("@.x==@.y", &json!([{}])), json!([]));
    // Literal on the left.
    assert_eq!(
        keep("42==@.key", &numbers()),
        json!([{"key": 42}, {"key": "42"}])
    );
    assert_eq!(
        keep(
            "@.a.b=='Berlin'",
            &json!([{"a": {"b": "Berlin"}}, {"a": {"b": "London"}}])
        ),
        json!([{"a": {"b": "Berlin"}}])
    );
}

#[test]
fn filters_on_objects_test_the_object_itself() {
    // Jayway: `$[?(@.key)]` on an object gives the object; `$[?(@.key==42)]` on an
    // object of objects gives nothing.
    assert_eq!(
        keep("@.key", &json!({"key": 42, "another": {"key": 1}})),
        json!([{"key": 42, "another": {"key": 1}}])
    );
    let objects = json!({"a": {"key": 0}, "b": {"key": 42}});
    assert_eq!(keep("@.key==42", &objects), json!([]));
    assert_eq!(keep("@.id==2", &json!({"id": 2})), json!([{"id": 2}]));
    // On a scalar: nothing.
    assert_eq!(keep("@.key", &json!(42)), json!([]));
}

#[test]
fn regular_expressions_match_the_whole_text() {
    // Jayway: `$[?(@.name=~/hello.*/)]`.
    let names = json!([
        {"name": "hullo world"}, {"name": "hello world"}, {"name": "yes hello world"},
        {"name": "HELLO WORLD"}, {"name": "good bye"}
    ]);
    assert_eq!(
        keep("@.name=~/hello.*/", &names),
        json!([{"name": "hello world"}])
    );
    assert_eq!(
        keep("@.name=~/hello.*/i", &names),
        json!([{"name": "hello world"}, {"name": "HELLO WORLD"}])
    );
    // Numbers and booleans are matched as their text; other values as "".
    let mixed = json!([{"v": 42}, {"v": true}, {"v": null}, {"v": "x"}, {}]);
    assert_eq!(keep("@.v=~/4\\d/", &mixed), json!([{"v": 42}]));
    assert_eq!(keep("@.v=~/tr.e/", &mixed), json!([{"v": true}]));
    assert_eq!(
        keep("@.v=~/x?/", &mixed),
        json!([{"v": null}, {"v": "x"}, {}])
    );
    // An array matches when one of its elements does.
    assert_eq!(
        keep(
            "@.tags=~/b.*/",
            &json!([{"tags": ["a", "bc"]}, {"tags": ["a"]}])
        ),
        json!([{"tags": ["a", "bc"]}])
    );
    // `\/` stands for a slash; a pattern that does not compile matches nothing.
    assert_eq!(
        keep("@.p=~/a\\/b/", &json!([{"p": "a/b"}, {"p": "ab"}])),
        json!([{"p": "a/b"}])
    );
    assert_eq!(keep("@.p=~/(/", &json!([{"p": "("}])), json!([]));
}

#[test]
fn in_and_nin() {
    let sizes = json!([{"size": "S"}, {"size": "M"}, {"size": "XL"}, {"size": 1}, {}]);
    assert_eq!(
        keep("@.size in ['S', 'M']", &sizes),
        json!([{"size": "S"}, {"size": "M"}])
    );
    assert_eq!(
        keep("@.size nin ['S', 'M']", &sizes),
        json!([{"size": "XL"}, {"size": 1}, {}])
    );
    // Equality as `==`: a number is in a list holding its text.
    assert_eq!(keep("@.size in ['1']", &sizes), json!([{"size": 1}]));
    // The list may come from the document.
    let document =
        json!({"allowed": ["S", "XL"], "items": [{"size": "S"}, {"size": "M"}, {"size": "XL"}]});
    assert_eq!(
        select("$.items[?(@.size in $.allowed)]", &document),
        Some(json!([{"size": "S"}, {"size": "XL"}]))
    );
    // Not a list: `in` is false, `nin` true.
    assert_eq!(keep("@.size in $.nope", &sizes), json!([]));
    assert_eq!(
        keep("@.a in @.b", &json!([{"a": 1, "b": 1}, {"a": 1, "b": [1]}])),
        json!([{"a": 1, "b": [1]}])
    );
}

#[test]
fn subsetof_anyof_noneof() {
    let shirts = json!([
        {"sizes": ["S", "M"]}, {"sizes": ["M", "XL"]}, {"sizes": []}, {"sizes": ["XL"]}, {"sizes": "S"}, {}
    ]);
    assert_eq!(
        keep("@.sizes subsetof ['S', 'M', 'L']", &shirts),
        json!([{"sizes": ["S", "M"]}, {"sizes": []}])
    );
    assert_eq!(
        keep("@.sizes anyof ['M', 'L']", &shirts),
        json!([{"sizes": ["S", "M"]}, {"sizes": ["M", "XL"]}])
    );
    // Only arrays take part: a string or a missing member is neither.
    assert_eq!(
        keep("@.sizes noneof ['M', 'L']", &shirts),
        json!([{"sizes": []}, {"sizes": ["XL"]}])
    );
}

#[test]
fn size_and_empty() {
    let values = json!([
        {"v": "ab"}, {"v": [1, 2]}, {"v": [1]}, {"v": ""}, {"v": []}, {"v": {}}, {"v": {"a": 1, "b": 2}},
        {"v": 2}, {"v": null}, {}
    ]);
    assert_eq!(
        keep("@.v size 2", &values),
        json!([{"v": "ab"}, {"v": [1, 2]}])
    );
    assert_eq!(keep("@.v size 0", &values), json!([{"v": ""}, {"v": []}]));
    // Characters count as Java counts them (UTF-16 code units).
    assert_eq!(
        keep("@.v size 2", &json!([{"v": "\u{1f600}"}, {"v": "é"}])),
        json!([{"v": "\u{1f600}"}])
    );
    assert_eq!(
        keep("@.v empty true", &values),
        json!([{"v": ""}, {"v": []}, {"v": {}}])
    );
    assert_eq!(
        keep("@.v empty false", &values),
        json!([{"v": "ab"}, {"v": [1, 2]}, {"v": [1]}, {"v": {"a": 1, "b": 2}}])
    );
}

#[test]
fn filters_inside_paths() {
    let users = json!({"users": [
        {"name": "a", "age": 30, "tags": ["x"]}, {"name": "b", "age": 17}, {"name": "c", "age": 45, "tags": []}
    ]});
    assert_eq!(
        select("$.users[?(@.age >= 18)].name", &users),
        Some(json!(["a", "c"]))
    );
    assert_eq!(select("$.users[?(@.age > 100)]", &users), Some(json!([])));
    assert_eq!(
        select("$.users[?(@.tags)].name", &users),
        Some(json!(["a", "c"]))
    );
    assert_eq!(
        select("$..[?(@.age < 20)].name", &users),
        Some(json!(["b"]))
    );
    // Jayway: a missing member inside a filter is no match, never an error.
    assert_eq!(select("$.users[?(@.x.y.z == 1)]", &users), Some(json!([])));
}
