//! `States.Array`, `States.ArrayPartition`, `States.ArrayContains`, `States.ArrayRange`,
//! `States.ArrayGetItem`, `States.ArrayLength` and `States.ArrayUnique`.

use serde_json::{Value, json};

use super::assert_invalid;
use crate::intrinsics::{
    array, array_contains, array_get_item, array_length, array_partition, array_range, array_unique,
};

/// Values of every JSON kind that are not arrays.
fn non_arrays() -> [Value; 6] {
    [
        json!(null),
        json!(true),
        json!(1),
        json!(1.5),
        json!("[1, 2]"),
        json!({"0": 1}),
    ]
}

/// Values of every JSON kind that are not numbers.
fn non_numbers() -> [Value; 5] {
    [
        json!(null),
        json!(true),
        json!("2"),
        json!([2]),
        json!({"n": 2}),
    ]
}

// States.Array

#[test]
fn array_collects_its_arguments_in_order() {
    assert_eq!(array(vec![]), json!([]));
    assert_eq!(
        array(vec![json!(42), json!(true), json!(null), json!("hello")]),
        json!([42, true, null, "hello"])
    );
    assert_eq!(
        array(vec![json!(1), array(vec![json!(2), json!(3)])]),
        json!([1, [2, 3]])
    );
}

// States.ArrayPartition

#[test]
fn partition_the_aws_guide_example() {
    assert_eq!(
        array_partition(&json!([1, 2, 3, 4, 5, 6, 7, 8, 9]), &json!(4)).unwrap(),
        json!([[1, 2, 3, 4], [5, 6, 7, 8], [9]])
    );
}

#[test]
fn partition_keeps_items_whole() {
    assert_eq!(
        array_partition(&json!([[1], [2], [3], [4]]), &json!(2)).unwrap(),
        json!([[[1], [2]], [[3], [4]]])
    );
    assert_eq!(
        array_partition(&json!([{"a": 1}, {"b": 2}, {"c": 3}]), &json!(2)).unwrap(),
        json!([[{"a": 1}, {"b": 2}], [{"c": 3}]])
    );
}

#[test]
fn partition_with_a_size_over_the_length_gives_one_chunk() {
    for size in [
        json!(10),
        json!(2_147_483_647),
        json!(u64::MAX),
        json!(1e300),
    ] {
        assert_eq!(
            array_partition(&json!([1, 2, 3]), &size).unwrap(),
            json!([[1, 2, 3]])
        );
    }
}

#[test]
fn partition_truncates_a_fractional_size() {
    let items = json!([1, 2, 3, 4, 5]);
    let by_two = json!([[1, 2], [3, 4], [5]]);
    assert_eq!(array_partition(&items, &json!(2.4)).unwrap(), by_two);
    assert_eq!(array_partition(&items, &json!(2.6)).unwrap(), by_two);
    assert_eq!(
        array_partition(&items, &json!(1.99)).unwrap(),
        json!([[1], [2], [3], [4], [5]])
    );
}

#[test]
fn partition_size_must_be_at_least_one() {
    for size in [
        json!(0),
        json!(-1),
        json!(0.6),
        json!(0.49),
        json!(-0.4),
        json!(-0.6),
    ] {
        assert_invalid(
            array_partition(&json!([1, 2, 3]), &size),
            "States.ArrayPartition",
        );
    }
}

#[test]
fn partition_size_must_be_a_number() {
    for size in non_numbers() {
        assert_invalid(
            array_partition(&json!([1, 2, 3]), &size),
            "States.ArrayPartition",
        );
    }
}

#[test]
fn partition_needs_an_array() {
    for value in non_arrays() {
        assert_invalid(array_partition(&value, &json!(2)), "States.ArrayPartition");
    }
}

// States.ArrayContains

#[test]
fn contains_the_aws_guide_example() {
    assert_eq!(
        array_contains(&json!([1, 2, 3, 4, 5, 6, 7, 8, 9]), &json!(5)).unwrap(),
        json!(true)
    );
}

#[test]
fn contains_finds_scalars() {
    let items = json!([1, "C", null, false, 2.5]);
    for present in [json!(1), json!("C"), json!(null), json!(false), json!(2.5)] {
        assert_eq!(array_contains(&items, &present).unwrap(), json!(true));
    }
    for absent in [json!(5), json!("c"), json!(true), json!(2.0), json!("")] {
        assert_eq!(array_contains(&items, &absent).unwrap(), json!(false));
    }
}

#[test]
fn contains_finds_equal_arrays_and_objects() {
    let items = json!([[1, 2], [3, 4], {"a": 1}, {"b": {"c": [null]}}]);
    assert_eq!(array_contains(&items, &json!([1, 2])).unwrap(), json!(true));
    assert_eq!(
        array_contains(&items, &json!([2, 1])).unwrap(),
        json!(false)
    );
    assert_eq!(
        array_contains(&items, &json!({"a": 1})).unwrap(),
        json!(true)
    );
    assert_eq!(
        array_contains(&items, &json!({"b": {"c": [null]}})).unwrap(),
        json!(true)
    );
    assert_eq!(
        array_contains(&items, &json!({"a": 1, "extra": null})).unwrap(),
        json!(false)
    );
}

#[test]
fn contains_compares_as_aws_prints_the_values() {
    // AWS observations: key order matters, and a value matches its own spelling as a
    // string.
    assert_eq!(
        array_contains(&json!([{"a": 1, "b": 2}]), &json!({"b": 2, "a": 1})).unwrap(),
        json!(false)
    );
    assert_eq!(
        array_contains(&json!(["true", "false", "maybe"]), &json!(true)).unwrap(),
        json!(true)
    );
    assert_eq!(
        array_contains(
            &json!(["-1", "-1.5", "-9007199254740991", "9007199254740991"]),
            &json!(9_007_199_254_740_991_i64)
        )
        .unwrap(),
        json!(true)
    );
    assert_eq!(
        array_contains(&json!([0, 1, -1, -1.5]), &json!(false)).unwrap(),
        json!(false)
    );
    // An Integer and a Double print differently.
    assert_eq!(
        array_contains(&json!([1.0]), &json!(1)).unwrap(),
        json!(false)
    );
}

#[test]
fn contains_needs_a_whole_match() {
    assert_eq!(
        array_contains(&json!(["ab"]), &json!("a")).unwrap(),
        json!(false)
    );
    assert_eq!(
        array_contains(&json!(["a"]), &json!("ab")).unwrap(),
        json!(false)
    );
    assert_eq!(
        array_contains(&json!([[1, 2, 3]]), &json!([1, 2])).unwrap(),
        json!(false)
    );
}

#[test]
fn contains_on_an_empty_array_is_false() {
    for value in [json!(null), json!([]), json!(1), json!("")] {
        assert_eq!(array_contains(&json!([]), &value).unwrap(), json!(false));
    }
}

#[test]
fn contains_needs_an_array() {
    for value in non_arrays() {
        assert_invalid(array_contains(&value, &json!(1)), "States.ArrayContains");
    }
}

// States.ArrayRange

fn range(start: Value, end: Value, step: Value) -> Value {
    array_range(&start, &end, &step).unwrap()
}

#[test]
fn range_the_aws_guide_example() {
    assert_eq!(range(json!(1), json!(9), json!(2)), json!([1, 3, 5, 7, 9]));
}

#[test]
fn range_includes_the_end_when_a_step_lands_on_it() {
    assert_eq!(range(json!(1), json!(5), json!(1)), json!([1, 2, 3, 4, 5]));
    assert_eq!(range(json!(-2), json!(2), json!(2)), json!([-2, 0, 2]));
    assert_eq!(range(json!(0), json!(10), json!(3)), json!([0, 3, 6, 9]));
}

#[test]
fn range_counts_down_with_a_negative_step() {
    assert_eq!(range(json!(5), json!(1), json!(-2)), json!([5, 3, 1]));
    assert_eq!(
        range(json!(0), json!(-3), json!(-1)),
        json!([0, -1, -2, -3])
    );
}

#[test]
fn range_with_equal_bounds_is_the_bound() {
    assert_eq!(range(json!(3), json!(3), json!(1)), json!([3]));
    assert_eq!(range(json!(3), json!(3), json!(-1)), json!([3]));
    assert_eq!(range(json!(3), json!(3), json!(1000)), json!([3]));
}

#[test]
fn range_stepping_away_from_the_end_is_empty() {
    assert_eq!(range(json!(5), json!(1), json!(1)), json!([]));
    assert_eq!(range(json!(1), json!(5), json!(-1)), json!([]));
}

#[test]
fn range_truncates_fractional_arguments() {
    // AWS observations.
    assert_eq!(range(json!(1.6), json!(1.4), json!(1)), json!([1]));
    assert_eq!(
        range(json!(5.4), json!(-0.6), json!(-2.4)),
        json!([5, 3, 1])
    );
    assert_eq!(range(json!(1.4), json!(5.6), json!(2.2)), json!([1, 3, 5]));
}

#[test]
fn range_allows_a_thousand_items() {
    let up = range(json!(1), json!(1000), json!(1));
    let up = up.as_array().unwrap();
    assert_eq!(
        (up.len(), &up[0], &up[999]),
        (1000, &json!(1), &json!(1000))
    );
    let down = range(json!(1000), json!(1), json!(-1));
    let down = down.as_array().unwrap();
    assert_eq!(
        (down.len(), &down[0], &down[999]),
        (1000, &json!(1000), &json!(1))
    );
}

#[test]
fn range_fails_over_a_thousand_items() {
    for (start, end, step) in [
        (json!(1), json!(1001), json!(1)),
        (json!(1001), json!(1), json!(-1)),
        (json!(0), json!(1e18), json!(1)),
        (json!(i64::MIN), json!(i64::MAX), json!(1)),
        (json!(-1e300), json!(1e300), json!(1)),
    ] {
        assert_invalid(array_range(&start, &end, &step), "States.ArrayRange");
    }
}

#[test]
fn range_survives_extreme_bounds() {
    assert_eq!(
        range(json!(i64::MIN), json!(i64::MAX), json!(i64::MAX)),
        json!([i64::MIN, -1, i64::MAX - 1])
    );
}

#[test]
fn range_step_must_not_be_zero() {
    for step in [json!(0), json!(0.49), json!(-0.99)] {
        assert_invalid(
            array_range(&json!(1), &json!(10), &step),
            "States.ArrayRange",
        );
    }
}

#[test]
fn range_arguments_must_be_numbers() {
    for bad in non_numbers() {
        assert_invalid(array_range(&bad, &json!(5), &json!(1)), "States.ArrayRange");
        assert_invalid(array_range(&json!(1), &bad, &json!(1)), "States.ArrayRange");
        assert_invalid(array_range(&json!(1), &json!(5), &bad), "States.ArrayRange");
    }
}

// States.ArrayGetItem

#[test]
fn get_item_the_aws_guide_example() {
    assert_eq!(
        array_get_item(&json!([1, 2, 3, 4, 5, 6, 7, 8, 9]), &json!(5)).unwrap(),
        json!(6)
    );
}

#[test]
fn get_item_is_zero_based() {
    let items = json!(["a", {"b": 2}, null]);
    assert_eq!(array_get_item(&items, &json!(0)).unwrap(), json!("a"));
    assert_eq!(array_get_item(&items, &json!(1)).unwrap(), json!({"b": 2}));
    assert_eq!(array_get_item(&items, &json!(2)).unwrap(), json!(null));
}

#[test]
fn get_item_truncates_a_fractional_index() {
    let items = json!([10, 20, 30]);
    assert_eq!(array_get_item(&items, &json!(1.2)).unwrap(), json!(20));
    assert_eq!(array_get_item(&items, &json!(1.9)).unwrap(), json!(20));
    assert_eq!(array_get_item(&items, &json!(-0.5)).unwrap(), json!(10));
}

#[test]
fn get_item_outside_the_array_fails() {
    for index in [
        json!(3),
        json!(-1),
        json!(999),
        json!(u64::MAX),
        json!(-1e300),
    ] {
        assert_invalid(
            array_get_item(&json!([10, 20, 30]), &index),
            "States.ArrayGetItem",
        );
    }
}

#[test]
fn get_item_of_an_empty_array_is_null() {
    // AWS observation.
    for index in [json!(999), json!(0), json!(-1)] {
        assert_eq!(array_get_item(&json!([]), &index).unwrap(), json!(null));
    }
}

#[test]
fn get_item_index_must_be_a_number() {
    for index in non_numbers() {
        assert_invalid(
            array_get_item(&json!([10, 20, 30]), &index),
            "States.ArrayGetItem",
        );
        assert_invalid(array_get_item(&json!([]), &index), "States.ArrayGetItem");
    }
}

#[test]
fn get_item_needs_an_array() {
    for value in non_arrays() {
        assert_invalid(array_get_item(&value, &json!(0)), "States.ArrayGetItem");
    }
}

// States.ArrayLength

#[test]
fn length_counts_top_level_items() {
    assert_eq!(
        array_length(&json!([1, 2, 3, 4, 5, 6, 7, 8, 9])).unwrap(),
        json!(9)
    );
    assert_eq!(array_length(&json!([])).unwrap(), json!(0));
    assert_eq!(array_length(&json!([[1, 2], [3]])).unwrap(), json!(2));
    let thousand: Vec<Value> = (0..1000).map(Value::from).collect();
    assert_eq!(array_length(&Value::Array(thousand)).unwrap(), json!(1000));
}

#[test]
fn length_needs_an_array() {
    for value in non_arrays() {
        assert_invalid(array_length(&value), "States.ArrayLength");
    }
}

// States.ArrayUnique

fn unique(items: Value) -> Value {
    array_unique(&items).unwrap()
}

#[test]
fn unique_the_aws_guide_example() {
    assert_eq!(
        unique(json!([1, 2, 3, 3, 3, 3, 3, 3, 4])),
        json!([1, 2, 3, 4])
    );
}

#[test]
fn unique_drops_repeated_strings() {
    assert_eq!(
        unique(json!(["a", "b", "a", "c", "b"])),
        json!(["a", "b", "c"])
    );
    assert_eq!(unique(json!(["x", "x", "y"])), json!(["x", "y"]));
}

#[test]
fn unique_is_in_java_hash_set_order() {
    // AWS observations.
    assert_eq!(
        unique(json!([true, false, true, false])),
        json!([false, true])
    );
    assert_eq!(
        unique(json!([[1, 2], [1, 2], [2, 1]])),
        json!([[2, 1], [1, 2]])
    );
    assert_eq!(unique(json!([null, null, 1, null])), json!([null, 1]));
    // Small Integers hash to themselves; -1 spreads into bucket 0.
    assert_eq!(unique(json!([3, 2, 1, 3])), json!([1, 2, 3]));
    assert_eq!(unique(json!([1, -1])), json!([-1, 1]));
    assert_eq!(unique(json!(["b", "a"])), json!(["a", "b"]));
}

#[test]
fn unique_sizes_the_hash_set_for_every_item_duplicates_included() {
    // 33 and 18 sit in buckets 1 and 2 of a 16-bucket table but in buckets 33 and 18
    // of a 64-bucket one. HashSet(Collection) sizes for all 40 items: 64 buckets.
    let mut items: Vec<Value> = vec![json!(33), json!(18)];
    items.extend(std::iter::repeat_n(json!(18), 38));
    assert_eq!(unique(Value::Array(items)), json!([18, 33]));
    assert_eq!(unique(json!([33, 18])), json!([33, 18]));
}

#[test]
fn unique_keeps_numbers_of_different_kinds_apart() {
    assert_eq!(
        unique(json!([1, "1", 1.0, "01", 1])),
        json!([1.0, 1, "1", "01"])
    );
}

#[test]
fn unique_compares_objects_whatever_their_key_order() {
    assert_eq!(
        unique(json!([{"a": 1, "b": 2}, {"b": 2, "a": 1}])),
        json!([{"a": 1, "b": 2}])
    );
    // The first of equal items is the one kept, with its key order.
    let kept = unique(json!([{"b": 2, "a": 1}, {"a": 1, "b": 2}]));
    assert_eq!(kept.to_string(), r#"[{"b":2,"a":1}]"#);
    assert_eq!(
        unique(json!([{"nested": {"x": 1}}, {"nested": {"x": 1}}, {"nested": {"x": 2}}]))
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn unique_of_an_empty_array_is_empty() {
    assert_eq!(unique(json!([])), json!([]));
}

#[test]
fn unique_needs_an_array() {
    for value in non_arrays() {
        assert_invalid(array_unique(&value), "States.ArrayUnique");
    }
}
