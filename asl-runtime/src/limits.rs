//! The 256 KiB payload quota.

use serde_json::Value;

use crate::error::{ExecutionError, names};

/// The largest state input, output or task result AWS accepts: 256 KiB of UTF-8.
pub const MAX_PAYLOAD_BYTES: usize = 262_144;

/// Fails with `States.DataLimitExceeded` when `result`, the result of state `state`,
/// is larger than [`MAX_PAYLOAD_BYTES`] as JSON.
pub fn check_result(result: &Value, state: &str) -> Result<(), ExecutionError> {
    if exceeds_limit(result) {
        return Err(ExecutionError::new(
            names::DATA_LIMIT_EXCEEDED,
            format!(
                "The state/task '{state}' returned a result with a size exceeding the maximum number of bytes service limit."
            ),
        ));
    }
    Ok(())
}

/// Fails with `States.DataLimitExceeded` when an execution input is too large.
pub fn check_execution_input(input: &Value) -> Result<(), ExecutionError> {
    if exceeds_limit(input) {
        return Err(ExecutionError::new(
            names::DATA_LIMIT_EXCEEDED,
            "The execution input has a size exceeding the maximum number of bytes service limit.",
        ));
    }
    Ok(())
}

/// Whether `value`, written as compact JSON, is over the limit. Stops counting as soon
/// as it is, and allocates nothing.
pub fn exceeds_limit(value: &Value) -> bool {
    let mut budget = MAX_PAYLOAD_BYTES;
    if bound(value, &mut budget).is_some() {
        return false;
    }
    let mut budget = MAX_PAYLOAD_BYTES;
    spend(value, &mut budget).is_none()
}

/// The most bytes a float can take as JSON (`-2.2250738585072014e-308`).
const MAX_FLOAT_LEN: usize = 24;

/// The most bytes an integer can take as JSON (`-9223372036854775808`,
/// `18446744073709551615`).
const MAX_INTEGER_LEN: usize = 20;

/// Spends on `budget` a bound on `value`'s size as compact JSON, never below it,
/// that costs no look at a string's bytes and no formatting of a float: a string
/// of `n` bytes is at most `6n + 2` as JSON (`\u001f` for a control byte), a number
/// at most [`MAX_FLOAT_LEN`] or [`MAX_INTEGER_LEN`]. `None` when the bound is over `budget`, which says
/// nothing about the value's exact size: [`spend`] counts that.
fn bound(value: &Value, budget: &mut usize) -> Option<()> {
    let mut take = |bytes: usize| -> Option<()> {
        *budget = budget.checked_sub(bytes)?;
        Some(())
    };
    match value {
        Value::Number(number) if number.is_f64() => take(MAX_FLOAT_LEN),
        Value::Number(_) => take(MAX_INTEGER_LEN),
        Value::String(text) => take(text.len().checked_mul(6)? + 2),
        Value::Array(items) => {
            take(2 + items.len().saturating_sub(1))?;
            items.iter().try_for_each(|item| bound(item, budget))
        }
        Value::Object(members) => {
            take(2 + members.len().saturating_sub(1))?;
            members.iter().try_for_each(|(key, item)| {
                *budget = budget.checked_sub(key.len().checked_mul(6)? + 3)?;
                bound(item, budget)
            })
        }
        Value::Null | Value::Bool(_) => take(5),
    }
}

/// The size of `value` written as compact JSON, when it is at most `limit` bytes.
/// Stops counting as soon as it is over, and allocates nothing.
pub fn size_within(value: &Value, limit: usize) -> Option<usize> {
    let mut budget = limit;
    spend(value, &mut budget)?;
    Some(limit - budget)
}

fn spend(value: &Value, budget: &mut usize) -> Option<()> {
    let mut take = |bytes: usize| -> Option<()> {
        *budget = budget.checked_sub(bytes)?;
        Some(())
    };
    match value {
        Value::Null => take(4),
        Value::Bool(true) => take(4),
        Value::Bool(false) => take(5),
        Value::Number(number) => take(number_len(number)),
        Value::String(text) => take(string_len(text)),
        Value::Array(items) => {
            take(2 + items.len().saturating_sub(1))?;
            items.iter().try_for_each(|item| spend(item, budget))
        }
        Value::Object(members) => {
            take(2 + members.len().saturating_sub(1))?;
            members.iter().try_for_each(|(key, item)| {
                *budget = budget.checked_sub(string_len(key) + 1)?;
                spend(item, budget)
            })
        }
    }
}

fn number_len(number: &serde_json::Number) -> usize {
    if let Some(n) = number.as_u64() {
        n.checked_ilog10().map_or(1, |digits| digits as usize + 1)
    } else if let Some(n) = number.as_i64() {
        n.unsigned_abs()
            .checked_ilog10()
            .map_or(1, |digits| digits as usize + 1)
            + 1
    } else {
        // Written as serde_json writes it, counted rather than kept.
        let mut counter = Counter(0);
        match serde_json::to_writer(&mut counter, number) {
            Ok(()) => counter.0,
            Err(_) => number.to_string().len(),
        }
    }
}

/// A writer that only counts the bytes written to it.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The length of `text` as a JSON string literal, quotes and escapes included.
fn string_len(text: &str) -> usize {
    let escapes: usize = text
        .bytes()
        .map(|byte| match byte {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
            0..=0x1f => 5,
            _ => 0,
        })
        .sum();
    text.len() + escapes + 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_count_matches_serde_json_output() {
        for value in [
            json!(null),
            json!({"a": [1, -20, 3.5, true, false, null], "b\"\n\u{1}": "é\\"}),
            json!([42.5, -0.001, 1e300, 2.5e-8]),
            json!([]),
            json!({}),
            json!(u64::MAX),
            json!(i64::MIN),
        ] {
            let mut budget = MAX_PAYLOAD_BYTES;
            spend(&value, &mut budget).unwrap();
            assert_eq!(
                MAX_PAYLOAD_BYTES - budget,
                value.to_string().len(),
                "{value}"
            );
        }
    }

    #[test]
    fn the_bound_is_never_below_the_size() {
        for value in [
            json!({"k\u{1}\"": ["\u{1f}\u{0}\\\n", -1.7976931348623157e308, -2.2250738585072014e-308]}),
            json!([i64::MIN, u64::MAX, 0.1, 5e-324, "é", null, true, false]),
        ] {
            let mut budget = MAX_PAYLOAD_BYTES;
            bound(&value, &mut budget).unwrap();
            assert!(
                MAX_PAYLOAD_BYTES - budget >= value.to_string().len(),
                "{value}"
            );
        }
        for float in [-1.7976931348623157e308, -2.2250738585072014e-308, -5e-324] {
            assert!(json!(float).to_string().len() <= MAX_FLOAT_LEN, "{float}");
        }
        assert_eq!(json!(i64::MIN).to_string().len(), MAX_INTEGER_LEN);
        assert_eq!(json!(u64::MAX).to_string().len(), MAX_INTEGER_LEN);
    }

    #[test]
    fn a_value_whose_bound_is_over_the_limit_is_measured_exactly() {
        // 60,000 bytes of plain text: a bound of 360,002, a size of 60,002.
        let plain = Value::String("a".repeat(60_000));
        assert!(!exceeds_limit(&plain));
        // Control bytes written as \u00XX: 6 bytes each.
        let controls = Value::String("\u{1}".repeat(MAX_PAYLOAD_BYTES / 6 + 1));
        assert!(exceeds_limit(&controls));
        let floats = json!(vec![0.5; MAX_PAYLOAD_BYTES / 4 - 1]);
        assert!(!exceeds_limit(&floats));
        let floats = json!(vec![0.5; MAX_PAYLOAD_BYTES / 4]);
        assert!(exceeds_limit(&floats));
    }

    #[test]
    fn results_over_256_kib_fail_with_aws_error() {
        let at_limit = Value::String("a".repeat(MAX_PAYLOAD_BYTES - 2));
        assert!(check_result(&at_limit, "S").is_ok());
        let over = Value::String("a".repeat(MAX_PAYLOAD_BYTES - 1));
        let error = check_result(&over, "State_1").unwrap_err();
        assert_eq!(error.name(), "States.DataLimitExceeded");
        assert_eq!(
            error.cause_text(),
            "The state/task 'State_1' returned a result with a size exceeding the maximum number of bytes service limit."
        );
    }
}
