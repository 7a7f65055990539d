//! `$random([seed])` and `$uuid()`: random numbers and identifiers.

use jsonata_core::value::JValue;

use super::{FunctionResult, argument, integer_argument};

/// Where `$random()` and `$uuid()` draw from in one evaluation.
#[derive(Debug)]
pub(crate) enum RandomSource {
    /// A generator seeded by the caller, for reproducible executions.
    Seeded(JavaRandom),
    /// The thread's generator, seeded by the operating system.
    Entropy,
}

impl RandomSource {
    /// The source for a caller's optional seed.
    pub(crate) fn new(seed: Option<i64>) -> RandomSource {
        seed.map_or(RandomSource::Entropy, |seed| {
            RandomSource::Seeded(JavaRandom::new(seed))
        })
    }

    /// A number in [0, 1).
    fn next_f64(&mut self) -> f64 {
        match self {
            RandomSource::Seeded(generator) => generator.next_double(),
            RandomSource::Entropy => rand::random(),
        }
    }

    /// 16 random bytes.
    fn next_bytes(&mut self) -> [u8; 16] {
        match self {
            RandomSource::Seeded(generator) => {
                let high = generator.next_long().to_be_bytes();
                let low = generator.next_long().to_be_bytes();
                let mut bytes = [0; 16];
                bytes[..8].copy_from_slice(&high);
                bytes[8..].copy_from_slice(&low);
                bytes
            }
            RandomSource::Entropy => rand::random(),
        }
    }
}

/// `$random([seed])`: a number in [0, 1).
///
/// With a seed (rounded towards zero) it is the first `nextDouble()` of a `java.util.Random`
/// seeded with it, which is what AWS answers (`$random(42)` is `0.7275636800328681`); without
/// one it is drawn from `source`. A seed that is not a number is refused with T0410.
pub(super) fn random(arguments: &[JValue], source: &mut RandomSource) -> FunctionResult {
    if argument(arguments, 0).is_undefined() {
        return Ok(JValue::Number(source.next_f64()));
    }
    let seed = integer_argument(arguments, "random", 0)?;
    Ok(JValue::Number(JavaRandom::new(seed).next_double()))
}

/// `$uuid()`: a version 4 UUID drawn from `source`, such as
/// `"ca4c1140-dcc1-40cd-ad05-7b4aa23df4a8"`.
pub(super) fn uuid(source: &mut RandomSource) -> FunctionResult {
    let uuid = uuid::Builder::from_random_bytes(source.next_bytes()).into_uuid();
    Ok(JValue::string(uuid.hyphenated().to_string()))
}

/// The linear congruential generator of `java.util.Random`, which AWS seeds for `$random(seed)`.
#[derive(Debug)]
pub(crate) struct JavaRandom {
    state: u64,
}

impl JavaRandom {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    /// `new Random(seed)`.
    fn new(seed: i64) -> JavaRandom {
        JavaRandom {
            state: (seed as u64 ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    /// `next(bits)`: the top `bits` bits of the next state, as a Java `int`.
    fn next(&mut self, bits: u32) -> i32 {
        self.state = (self.state.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB)) & Self::MASK;
        // Truncating to 32 bits is Java's `(int)` cast.
        (self.state >> (48 - bits)) as u32 as i32
    }

    /// `nextDouble()`.
    fn next_double(&mut self) -> f64 {
        let high = i64::from(self.next(26));
        let low = i64::from(self.next(27));
        ((high << 27) + low) as f64 * (1.0 / (1_u64 << 53) as f64)
    }

    /// `nextLong()`.
    fn next_long(&mut self) -> i64 {
        let high = i64::from(self.next(32));
        let low = i64::from(self.next(32));
        (high << 32).wrapping_add(low)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_random_matches_java() {
        // new Random(42).nextDouble() and new Random(0).nextLong() in Java.
        assert_eq!(JavaRandom::new(42).next_double(), 0.7275636800328681);
        assert_eq!(JavaRandom::new(0).next_long(), -4962768465676381896);
    }
}
