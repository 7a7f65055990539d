//! How AWS's Java implementation turns values into text.
//!
//! AWS holds JSON as plain Java objects. Two renderings follow from that:
//!
//! - [`write_java`]: `String.valueOf(value)`. Strings stay raw, objects and arrays print
//!   as `Map.toString`/`List.toString` (`{a=1, b=[x, y]}`), numbers as Java prints them.
//!   `States.Format` uses it for its arguments (corpus: `{Arg1=1, Arg2=[]}`).
//! - [`write_json`]: the compact JSON Jackson writes, for `States.JsonToString`.
//!
//! Integers print as their digits. Fractional numbers are Java `Double`s and print as
//! `Double.toString` does: plain between 10^-3 and 10^7, otherwise `1.0E21`-style
//! scientific notation, always with a fractional digit (`1.0`).

use std::fmt::{self, Write};

use serde_json::{Number, Value};

/// Writes `value` as Java's `String.valueOf` would print the Java object AWS holds.
pub(super) fn write_java<W: Write + ?Sized>(out: &mut W, value: &Value) -> fmt::Result {
    match value {
        Value::Null => out.write_str("null"),
        Value::Bool(true) => out.write_str("true"),
        Value::Bool(false) => out.write_str("false"),
        Value::Number(number) => write_number(out, number),
        Value::String(text) => out.write_str(text),
        Value::Array(items) => {
            out.write_char('[')?;
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.write_str(", ")?;
                }
                write_java(out, item)?;
            }
            out.write_char(']')
        }
        Value::Object(map) => {
            out.write_char('{')?;
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.write_str(", ")?;
                }
                out.write_str(key)?;
                out.write_char('=')?;
                write_java(out, item)?;
            }
            out.write_char('}')
        }
    }
}

/// Writes `value` as compact JSON, the way Jackson writes the Java object AWS holds:
/// no whitespace, `Double.toString` for fractional numbers, and Jackson's string
/// escapes (`\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`, other control characters as
/// `\u00XX` with upper-case hex; nothing else escaped).
pub(super) fn write_json(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => {
            // Writing to a String cannot fail.
            let _ = write_number(out, number);
        }
        Value::String(text) => write_json_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_json_string(out, key);
                out.push(':');
                write_json(out, item);
            }
            out.push('}');
        }
    }
}

fn write_json_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('"');
    let bytes = text.as_bytes();
    let mut start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let escape: &str = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\x08' => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            b'\x0c' => "\\f",
            b'\r' => "\\r",
            0..=0x1f => "",
            _ => continue,
        };
        // Every escaped byte is ASCII, so these slices fall on character boundaries.
        out.push_str(&text[start..index]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = index + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

fn write_number<W: Write + ?Sized>(out: &mut W, number: &Number) -> fmt::Result {
    if let Some(integer) = number.as_i64() {
        write!(out, "{integer}")
    } else if let Some(integer) = number.as_u64() {
        write!(out, "{integer}")
    } else {
        write_double(out, number.as_f64().unwrap_or_default())
    }
}

/// Writes `value` as Java's `Double.toString` (JDK 19 and later: the shortest decimal
/// that reads back as the same double).
pub(super) fn write_double<W: Write + ?Sized>(out: &mut W, value: f64) -> fmt::Result {
    let mut decimal = Decimal::parse(format_args!("{value:e}"))?;
    if decimal.len == 1 && decimal.digits[0] != b'0' {
        // One digit reads back, but Java considers two-digit decimals and takes the
        // closest. That only changes subnormals: 5e-324 prints as 4.9E-324.
        decimal = Decimal::parse(format_args!("{value:.1e}"))?;
    }
    if decimal.negative {
        out.write_char('-')?;
    }
    let digits = decimal.digits();
    let exponent = decimal.exponent;
    if (-3..7).contains(&exponent) {
        if let Ok(exponent) = usize::try_from(exponent) {
            let integer_len = exponent + 1;
            if digits.len() <= integer_len {
                out.write_str(digits)?;
                for _ in digits.len()..integer_len {
                    out.write_char('0')?;
                }
                out.write_str(".0")
            } else {
                out.write_str(&digits[..integer_len])?;
                out.write_char('.')?;
                out.write_str(&digits[integer_len..])
            }
        } else {
            out.write_str("0.")?;
            for _ in 1..exponent.unsigned_abs() {
                out.write_char('0')?;
            }
            out.write_str(digits)
        }
    } else {
        out.write_str(&digits[..1])?;
        out.write_char('.')?;
        out.write_str(if digits.len() > 1 { &digits[1..] } else { "0" })?;
        write!(out, "E{exponent}")
    }
}

/// A finite double in decimal: its sign, its significant digits (no trailing zeros, at
/// least one digit) and the power of ten of the first digit. Lives on the stack.
struct Decimal {
    negative: bool,
    digits: [u8; 32],
    len: usize,
    exponent: i32,
}

impl Decimal {
    /// Reads Rust's `{:e}` form of a double, such as `-1.25e-7` or `1e21`.
    fn parse(scientific: fmt::Arguments<'_>) -> Result<Decimal, fmt::Error> {
        let mut text = StackText::default();
        text.write_fmt(scientific)?;
        let text = text.as_str();
        let (mantissa, exponent) = text.split_once('e').ok_or(fmt::Error)?;
        let (negative, mantissa) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa),
        };
        let mut decimal = Decimal {
            negative,
            digits: [0; 32],
            len: 0,
            exponent: exponent.parse().map_err(|_| fmt::Error)?,
        };
        for digit in mantissa.bytes().filter(u8::is_ascii_digit) {
            *decimal.digits.get_mut(decimal.len).ok_or(fmt::Error)? = digit;
            decimal.len += 1;
        }
        while decimal.len > 1 && decimal.digits[decimal.len - 1] == b'0' {
            decimal.len -= 1;
        }
        Ok(decimal)
    }

    fn digits(&self) -> &str {
        // Only ASCII digits were stored.
        std::str::from_utf8(&self.digits[..self.len]).unwrap_or("0")
    }
}

/// A fixed buffer for the short texts `{:e}` produces.
#[derive(Default)]
struct StackText {
    bytes: [u8; 32],
    len: usize,
}

impl StackText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl Write for StackText {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len + text.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}
