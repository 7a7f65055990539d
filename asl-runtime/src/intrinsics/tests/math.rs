//! `States.MathRandom` and `States.MathAdd`.

use serde_json::{Value, json};

use super::assert_invalid;
use crate::intrinsics::math::JavaRandom;
use crate::intrinsics::{math_add, math_random};

fn non_numbers() -> [Value; 5] {
    [
        json!(null),
        json!(true),
        json!("1"),
        json!([1]),
        json!({"n": 1}),
    ]
}

// States.MathAdd

fn sum(a: Value, b: Value) -> Value {
    math_add(&a, &b).unwrap()
}

#[test]
fn add_the_aws_guide_example() {
    assert_eq!(sum(json!(111), json!(-1)), json!(110));
}

#[test]
fn add_sums_integers() {
    assert_eq!(sum(json!(5), json!(3)), json!(8));
    assert_eq!(sum(json!(-5), json!(-3)), json!(-8));
    assert_eq!(sum(json!(-5), json!(3)), json!(-2));
    assert_eq!(sum(json!(0), json!(0)), json!(0));
}

#[test]
fn add_rounds_fractions_as_java_math_round() {
    for (a, b, expected) in [
        (1.6, 2.7, 5),
        (0.1, 0.2, 0),
        (1.4, 2.5, 4),
        (-1.5, 0.0, -1),
        (-2.5, 0.0, -2),
        (-2.51, 0.0, -3),
        (-0.5, 0.0, 0),
        (0.49999999999999994, 0.0, 0),
        (-0.49999999999999994, 0.0, 0),
        (2147483646.5, 0.0, 2147483647),
        (-2147483648.5, 0.0, -2147483648),
    ] {
        assert_eq!(sum(json!(a), json!(b)), json!(expected), "{a} + {b}");
    }
}

#[test]
fn add_result_is_an_integer() {
    assert!(sum(json!(1.5), json!(1.5)).is_i64());
}

#[test]
fn add_accepts_the_32_bit_range() {
    assert_eq!(sum(json!(2147483647), json!(0)), json!(2147483647));
    assert_eq!(sum(json!(-2147483648), json!(0)), json!(-2147483648));
    assert_eq!(sum(json!(2147483646), json!(1)), json!(2147483647));
    assert_eq!(sum(json!(-2147483647), json!(-1)), json!(-2147483648));
    assert_eq!(sum(json!(2147483647), json!(-2147483648)), json!(-1));
}

#[test]
fn add_fails_outside_the_32_bit_range() {
    for (a, b) in [
        (json!(2147483647), json!(1)),
        (json!(-2147483648), json!(-1)),
        (json!(3000000000_u64), json!(1)),
        (json!(-3000000000_i64), json!(1)),
        (json!(u64::MAX), json!(0)),
        (json!(2147483647.5), json!(0)),
        (json!(1e300), json!(0)),
        (json!(-1e300), json!(0)),
    ] {
        assert_invalid(math_add(&a, &b), "States.MathAdd");
    }
}

#[test]
fn add_needs_numbers() {
    for bad in non_numbers() {
        assert_invalid(math_add(&bad, &json!(1)), "States.MathAdd");
        assert_invalid(math_add(&json!(1), &bad), "States.MathAdd");
    }
    assert_invalid(math_add(&json!("-1"), &json!(2)), "States.MathAdd");
    assert_invalid(math_add(&json!(false), &json!("2")), "States.MathAdd");
}

// States.MathRandom

fn random(start: Value, end: Value, seed: Option<Value>) -> i64 {
    math_random(&start, &end, seed.as_ref())
        .unwrap()
        .as_i64()
        .unwrap()
}

#[test]
fn java_random_matches_java() {
    // new Random(42).nextInt() and new Random(0).nextInt() on any JVM.
    assert_eq!(JavaRandom::new(42).next_int(), -1_170_105_035);
    assert_eq!(JavaRandom::new(0).next_int(), -1_155_484_576);
}

#[test]
fn java_random_bounded_draws() {
    // Reference values from the algorithm java.util.Random specifies, computed
    // independently: the power-of-two path, the modulo path, and a seed whose first
    // draw the modulo path rejects.
    let draw = |seed: i64, bound: i32| JavaRandom::new(seed).next_int_below(bound);
    assert_eq!(draw(42, 8), 5);
    assert_eq!(draw(42, 10), 0);
    assert_eq!(draw(42, 999), 125);
    assert_eq!(draw(1, 100), 85);
    assert_eq!(draw(-10, 999), 144);
    assert_eq!(draw(1 << 40, 2_147_483_647), 336_615_984);
    assert_eq!(draw(0, (1 << 30) + 1), 516_548_029);
}

#[test]
fn random_with_a_seed_is_what_aws_returns() {
    // AWS observation: seed 42 over [-5, 5) gives -5.
    assert_eq!(random(json!(-5), json!(5), Some(json!(42))), -5);
    assert_eq!(random(json!(0), json!(999), Some(json!(42))), 125);
    assert_eq!(random(json!(1), json!(101), Some(json!(1))), 86);
}

#[test]
fn random_with_a_seed_repeats() {
    for seed in [json!(42), json!(0), json!(-10), json!(i64::MAX)] {
        let first = random(json!(1), json!(100), Some(seed.clone()));
        assert_eq!(random(json!(1), json!(100), Some(seed)), first);
    }
}

#[test]
fn random_truncates_a_fractional_seed() {
    assert_eq!(
        random(json!(1), json!(1000), Some(json!(2.6))),
        random(json!(1), json!(1000), Some(json!(2)))
    );
}

#[test]
fn random_excludes_the_end() {
    for seed in 0..200 {
        assert_eq!(random(json!(7), json!(8), Some(json!(seed))), 7);
        let value = random(json!(1), json!(4), Some(json!(seed)));
        assert!((1..4).contains(&value), "{value}");
    }
}

#[test]
fn random_without_a_seed_stays_in_range() {
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..500 {
        let value = random(json!(-2), json!(3), None);
        assert!((-2..3).contains(&value), "{value}");
        seen.insert(value);
    }
    assert_eq!(seen.len(), 5, "500 draws should hit all 5 values");
}

#[test]
fn random_truncates_fractional_bounds() {
    // AWS observations: (1.6, 5.4) behaves as [1, 5); (1.4, 1.6) as [1, 1), an error.
    for seed in 0..100 {
        let value = random(json!(1.6), json!(5.4), Some(json!(seed)));
        assert!((1..5).contains(&value), "{value}");
    }
    assert_invalid(
        math_random(&json!(1.4), &json!(1.6), None),
        "States.MathRandom",
    );
}

#[test]
fn random_handles_the_ends_of_the_32_bit_range() {
    let value = random(json!(2147483640), json!(2147483647), Some(json!(1)));
    assert!((2147483640..2147483647).contains(&value));
    let value = random(json!(-2147483648), json!(-2147483647), None);
    assert_eq!(value, -2147483648);
    let value = random(json!(-1000000), json!(1000000), None);
    assert!((-1000000..1000000).contains(&value));
}

#[test]
fn random_needs_start_below_end() {
    for (start, end) in [(1, 1), (10, 5), (0, -1)] {
        assert_invalid(
            math_random(&json!(start), &json!(end), None),
            "States.MathRandom",
        );
    }
    assert_invalid(
        math_random(&json!(1.49), &json!(1.49), None),
        "States.MathRandom",
    );
}

#[test]
fn random_needs_a_32_bit_span() {
    for (start, end) in [
        (json!(-2147483648), json!(2147483647)),
        (json!(0), json!(3000000000_u64)),
        (json!(-3000000000_i64), json!(0)),
        (json!(0), json!(1e300)),
    ] {
        assert_invalid(math_random(&start, &end, None), "States.MathRandom");
    }
}

#[test]
fn random_arguments_must_be_numbers() {
    for bad in non_numbers() {
        assert_invalid(math_random(&bad, &json!(10), None), "States.MathRandom");
        assert_invalid(math_random(&json!(1), &bad, None), "States.MathRandom");
        assert_invalid(
            math_random(&json!(1), &json!(10), Some(&bad)),
            "States.MathRandom",
        );
    }
}
