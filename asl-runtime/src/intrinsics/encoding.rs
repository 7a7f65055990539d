//! `States.Base64Encode`, `States.Base64Decode` and `States.Hash`.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::Md5;
use serde_json::Value;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::{invalid_arguments, java, string_arg, within_input_limit};
use crate::error::ExecutionError;

/// `States.Base64Encode(text)`: the standard Base64 (RFC 4648 alphabet, padded, on one
/// line) of the UTF-8 bytes of `text`.
///
/// `text` must be a string of at most 10,000 characters (UTF-16 code units, as Java
/// counts). Anything else fails with `States.Runtime` (`Invalid arguments in
/// States.Base64Encode`). AWS calls it "MIME Base64" but no line breaks are inserted;
/// the corpus and AWS observations of inputs up to 10,000 characters show none either.
pub fn base64_encode(text: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.Base64Encode";
    let text = string_arg(text, NAME)?;
    if !within_input_limit(text) {
        return Err(invalid_arguments(NAME));
    }
    Ok(Value::String(STANDARD.encode(text)))
}

/// `States.Base64Decode(base64)`: the text whose UTF-8 bytes `base64` encodes.
///
/// `base64` must be a string of at most 10,000 characters; anything else fails with
/// `States.Runtime` (`Invalid arguments in States.Base64Decode`). Decoding is as lenient
/// as AWS's (AWS observations: `'!!!invalid!!!'`, `'abc'`, `'ab==cd'` and
/// `' YWJjZA== '` all decode): characters outside the Base64 alphabets are skipped, the
/// first `=` ends the data, missing padding is fine, and a lone trailing character is
/// dropped. Both the standard and the URL-safe alphabet are read. Bytes that are not
/// UTF-8 become U+FFFD, as Java's `new String(bytes, UTF_8)` makes them. LocalStack
/// instead rejects malformed input and non-ASCII results.
pub fn base64_decode(text: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.Base64Decode";
    let text = string_arg(text, NAME)?;
    if !within_input_limit(text) {
        return Err(invalid_arguments(NAME));
    }
    let bytes = decode_lenient(text);
    let decoded = match String::from_utf8(bytes) {
        Ok(decoded) => decoded,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    };
    Ok(Value::String(decoded))
}

fn decode_lenient(text: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut bits: u32 = 0;
    let mut count = 0;
    for byte in text.bytes() {
        let sextet = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => continue,
        };
        bits = bits << 6 | u32::from(sextet);
        count += 1;
        if count == 4 {
            bytes.extend_from_slice(&bits.to_be_bytes()[1..]);
            bits = 0;
            count = 0;
        }
    }
    match count {
        2 => bytes.push((bits >> 4) as u8),
        3 => bytes.extend_from_slice(&((bits >> 2) as u16).to_be_bytes()),
        _ => {}
    }
    bytes
}

/// `States.Hash(data, algorithm)`: the lowercase hex digest of the UTF-8 bytes of `data`.
///
/// `algorithm` must be exactly one of `MD5`, `SHA-1`, `SHA-256`, `SHA-384` or `SHA-512`.
/// `data` may be any value: AWS hashes a number or an object instead of rejecting it
/// (AWS observations), so a value that is not a string is hashed as Java prints it
/// (`123`, `{a=1}`); which text AWS hashes for an object was not observed. The text must
/// be at most 10,000 characters. Anything else fails with `States.Runtime` (`Invalid
/// arguments in States.Hash`). LocalStack rejects data that is not a string.
pub fn hash(data: &Value, algorithm: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.Hash";
    let text: Cow<'_, str> = match data {
        Value::String(text) => Cow::Borrowed(text),
        other => {
            let mut text = String::new();
            let _ = java::write_java(&mut text, other);
            Cow::Owned(text)
        }
    };
    if !within_input_limit(&text) {
        return Err(invalid_arguments(NAME));
    }
    let bytes = text.as_bytes();
    let hex = match string_arg(algorithm, NAME)? {
        "MD5" => to_hex(&Md5::digest(bytes)),
        "SHA-1" => to_hex(&Sha1::digest(bytes)),
        "SHA-256" => to_hex(&Sha256::digest(bytes)),
        "SHA-384" => to_hex(&Sha384::digest(bytes)),
        "SHA-512" => to_hex(&Sha512::digest(bytes)),
        _ => return Err(invalid_arguments(NAME)),
    };
    Ok(Value::String(hex))
}

pub(crate) fn to_hex(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(digest.len() * 2);
    for &byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    hex
}
