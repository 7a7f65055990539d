//! `States.MathRandom` and `States.MathAdd`.

use serde_json::Value;

use super::{invalid_arguments, truncated};
use crate::error::ExecutionError;

/// `States.MathRandom(start, end)` and `States.MathRandom(start, end, seed)`: a random
/// integer from `start` (inclusive) to `end` (exclusive).
///
/// The end is exclusive as the AWS guide states ("start number (inclusive) and end
/// number (exclusive)"), and AWS observations agree; LocalStack's `randint` includes
/// the end.
///
/// With a seed the result is what AWS returns for that seed: AWS draws from
/// `java.util.Random(seed)` with `start + nextInt(end - start)`, and so does this (the
/// AWS observation `MathRandom(-5, 5, 42)` = `-5` is reproduced). The same seed always
/// gives the same value. Without a seed the generator is seeded at random.
///
/// `start`, `end` and `seed` must be numbers and are truncated toward zero (AWS
/// observation: `MathRandom(1.4, 1.6)` fails, `MathRandom(1.6, 5.4)` can return 1; the
/// guide says "rounded"). `start` and `end` must be 32-bit integers with `start < end`
/// and `end - start` within 32 bits. Anything else, a `null` seed included, fails with
/// `States.Runtime` (`Invalid arguments in States.MathRandom`).
pub fn math_random(
    start: &Value,
    end: &Value,
    seed: Option<&Value>,
) -> Result<Value, ExecutionError> {
    let error = || invalid_arguments("States.MathRandom");
    let bound_of = |value: &Value| truncated(value).and_then(|bound| i32::try_from(bound).ok());
    let (Some(start), Some(end)) = (bound_of(start), bound_of(end)) else {
        return Err(error());
    };
    let seed = match seed {
        Some(seed) => truncated(seed).ok_or_else(error)?,
        None => rand::random(),
    };
    let Some(range) = end.checked_sub(start).filter(|&range| range > 0) else {
        return Err(error());
    };
    let offset = JavaRandom::new(seed).next_int_below(range);
    Ok(Value::from(start + offset))
}

/// `States.MathAdd(a, b)`: the sum of two integers.
///
/// Both must be numbers. A fractional number is first rounded as Java's `Math.round`
/// rounds, to the nearest integer with halves going up (`2.5` → 3, `-2.5` → -2,
/// `-0.5` → 0), which the corpus shows (`test_math_add`: `-1.5 + 0` = -1,
/// `-0.5 + 0.5` = 1); LocalStack's half-up-for-positives, half-down-for-negatives
/// rounding is the same rule. Both operands and the sum must fit in 32 bits (AWS
/// guide: "-2147483648 and 2147483647"; AWS observations: `MathAdd(2147483647, 1)`
/// fails), which LocalStack does not check. Anything else fails with `States.Runtime`
/// (`Invalid arguments in States.MathAdd`). Allocates nothing on success.
#[inline]
pub fn math_add(a: &Value, b: &Value) -> Result<Value, ExecutionError> {
    let sum = match (rounded_int(a), rounded_int(b)) {
        (Some(a), Some(b)) => i32::checked_add(a, b),
        _ => None,
    };
    sum.map(Value::from)
        .ok_or_else(|| invalid_arguments("States.MathAdd"))
}

/// A number argument of `States.MathAdd`: integers as they are, fractional numbers
/// through `Math.round`; `None` when it is not a number or not a 32-bit integer.
#[inline]
fn rounded_int(value: &Value) -> Option<i32> {
    let Value::Number(number) = value else {
        return None;
    };
    let integer = match number.as_i64() {
        Some(integer) => integer,
        None if number.is_f64() => java_round(number.as_f64()?),
        None => return None,
    };
    i32::try_from(integer).ok()
}

/// Java's `Math.round(double)`: the closest integer, halves rounded up, saturating.
/// Computed from the floor and the exact fraction, so `0.49999999999999994` gives 0
/// where `floor(x + 0.5)` would give 1.
fn java_round(value: f64) -> i64 {
    let floor = value.floor();
    let rounded = if value - floor >= 0.5 {
        floor + 1.0
    } else {
        floor
    };
    // `as` saturates, as Math.round does.
    rounded as i64
}

/// `java.util.Random`: the 48-bit linear congruential generator Java specifies, so a
/// seed gives the numbers it gives on AWS.
#[derive(Debug)]
pub(super) struct JavaRandom {
    state: u64,
}

impl JavaRandom {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    /// `new Random(seed)`.
    pub(super) fn new(seed: i64) -> JavaRandom {
        JavaRandom {
            state: (seed as u64 ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.state = self.state.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB) & Self::MASK;
        // `(int) (seed >>> (48 - bits))`: keep the low 32 bits.
        (self.state >> (48 - bits)) as i32
    }

    /// `nextInt()`.
    #[cfg(test)]
    pub(super) fn next_int(&mut self) -> i32 {
        self.next(32)
    }

    /// `nextInt(bound)` for a positive `bound`: uniform in `0..bound`.
    pub(super) fn next_int_below(&mut self, bound: i32) -> i32 {
        let mut random = self.next(31);
        let mask = bound - 1;
        if bound & mask == 0 {
            return ((i64::from(bound) * i64::from(random)) >> 31) as i32;
        }
        let mut unbiased = random;
        loop {
            random = unbiased % bound;
            // Java rejects draws from the last, partial run of `bound` values; the
            // overflow of this sum is how it detects them.
            if unbiased.wrapping_sub(random).wrapping_add(mask) >= 0 {
                return random;
            }
            unbiased = self.next(31);
        }
    }
}
