//! The Java models behind several intrinsics: `Double.toString`, `hashCode`, `equals`
//! and `HashMap` iteration order.

use serde_json::{Value, json};

use crate::intrinsics::java::write_double;
use crate::intrinsics::java_hash::{Table, equals, hash, string_hash};

fn double(value: f64) -> String {
    let mut text = String::new();
    write_double(&mut text, value).unwrap();
    text
}

#[test]
fn double_to_string_is_plain_from_a_thousandth_to_ten_million() {
    for (value, text) in [
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (1.0, "1.0"),
        (1.1, "1.1"),
        (-2.5, "-2.5"),
        (100.0, "100.0"),
        (123456.789, "123456.789"),
        (9999999.0, "9999999.0"),
        (9999999.999, "9999999.999"),
        (0.001, "0.001"),
        (0.0015, "0.0015"),
        (0.1 + 0.2, "0.30000000000000004"),
    ] {
        assert_eq!(double(value), text, "{value:e}");
    }
}

#[test]
fn double_to_string_is_scientific_elsewhere() {
    for (value, text) in [
        (1e7, "1.0E7"),
        (12345678.9, "1.23456789E7"),
        (1e21, "1.0E21"),
        (-1.5e300, "-1.5E300"),
        (f64::MAX, "1.7976931348623157E308"),
        (0.0009, "9.0E-4"),
        (1.5e-7, "1.5E-7"),
        (f64::MIN_POSITIVE, "2.2250738585072014E-308"),
        // Java's two-digit rule for a one-digit subnormal.
        (5e-324, "4.9E-324"),
        (1e-323, "9.9E-324"),
    ] {
        assert_eq!(double(value), text, "{value:e}");
    }
}

#[test]
fn hash_codes_match_java() {
    assert_eq!(string_hash("hello"), 99_162_322);
    assert_eq!(string_hash(""), 0);
    // "🚀" is two UTF-16 units, 0xD83D 0xDE80.
    assert_eq!(string_hash("🚀"), 0xD83D * 31 + 0xDE80);
    for (value, code) in [
        (json!(null), 0),
        (json!(true), 1231),
        (json!(false), 1237),
        (json!(7), 7),
        (json!(-1), -1),
        // Long.hashCode(2^40)
        (json!(1_i64 << 40), 256),
        // Long.hashCode(-2^40): (int) (0xFFFF_FF00_0000_0000 ^ 0x0000_0000_FFFF_FF00)
        (json!(-(1_i64 << 40)), -256),
        // Double.hashCode(1.0)
        (json!(1.0), 1_072_693_248),
        // BigInteger.hashCode(2^64 - 1): 31 * 0xFFFFFFFF + 0xFFFFFFFF as ints
        (json!(u64::MAX), -32),
        // List.of(1, 2).hashCode() and List.of(2, 1).hashCode()
        (json!([1, 2]), 994),
        (json!([2, 1]), 1024),
        (json!([]), 1),
        // Map.of("a", 1).hashCode(): "a".hashCode() ^ 1
        (json!({"a": 1}), 96),
        (json!({}), 0),
    ] {
        assert_eq!(hash(&value), code, "{value}");
    }
}

#[test]
fn equals_matches_java() {
    assert!(equals(
        &json!({"a": 1, "b": [2]}),
        &json!({"b": [2], "a": 1})
    ));
    assert!(equals(&json!([1, "x", null]), &json!([1, "x", null])));
    assert!(!equals(&json!(1), &json!(1.0)));
    assert!(!equals(&json!(0.0), &json!(-0.0)));
    assert!(equals(&json!(2.5), &json!(2.5)));
    assert!(!equals(&json!([1, 2]), &json!([2, 1])));
    assert!(!equals(&json!({"a": null}), &json!({"b": null})));
    assert!(!equals(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    assert!(!equals(&json!("1"), &json!(1)));
    assert!(!equals(&json!(null), &json!(false)));
}

/// Inserts distinct keys `0..count` (as Integers) into a `new HashMap<>()` and returns
/// the iteration order.
fn default_map_order(keys: &[i32]) -> Vec<i32> {
    let mut table = Table::default();
    for &key in keys {
        table.insert(hash(&Value::from(key)));
    }
    table
        .iteration_order()
        .into_iter()
        .map(|index| keys[index])
        .collect()
}

#[test]
fn a_default_hash_map_starts_with_16_buckets() {
    // 17 and 1 share bucket 1 of 16, in insertion order.
    assert_eq!(default_map_order(&[17, 1, 0]), vec![0, 17, 1]);
}

#[test]
fn a_hash_map_doubles_past_three_quarters_full() {
    // The 13th entry grows the table to 32, which splits 17 from 1.
    let mut keys = vec![17, 1];
    keys.extend(2..13);
    let order = default_map_order(&keys);
    assert_eq!(order[..3], [1, 2, 3]);
    assert_eq!(order.last(), Some(&17));
}

#[test]
fn a_long_bucket_in_a_small_table_doubles_it() {
    // Nine keys in bucket 0 of 16: the ninth triggers treeifyBin, which resizes to
    // 32 instead, and the keys that are 16 mod 32 move to bucket 16.
    let keys: Vec<i32> = (0..9).map(|step| step * 16).collect();
    assert_eq!(
        default_map_order(&keys),
        vec![0, 32, 64, 96, 128, 16, 48, 80, 112]
    );
    // Eight keys do not.
    let keys: Vec<i32> = (0..8).map(|step| step * 16).collect();
    assert_eq!(default_map_order(&keys), keys);
}

#[test]
fn put_all_sizes_the_table_for_the_incoming_map() {
    // new HashMap<>(m) for one entry makes a table of 2 buckets, where 2 (bucket 0)
    // would come before 1 (bucket 1).
    let mut table = Table::default();
    table.prepare_put_all(1);
    table.insert(hash(&json!(1)));
    table.prepare_put_all(1);
    table.insert(hash(&json!(2)));
    // Two entries in a table of 2 exceed its threshold of 1: it is now 4 wide.
    assert_eq!(table.iteration_order(), vec![0, 1]);
}
