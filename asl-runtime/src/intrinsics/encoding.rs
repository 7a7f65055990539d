//! `States.Base64Encode`, `States.Base64Decode` and `States.Hash`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use sha2::Digest as _;

use crate::error::ExecutionError;

use super::{MAX_INPUT_CHARS, failure, text};

/// `States.Base64Encode(string)`: the UTF-8 bytes in standard Base64, with padding.
pub fn base64_encode(input: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.Base64Encode";
    let input = limited(NAME, text(NAME, "input", input)?)?;
    Ok(Value::String(STANDARD.encode(input)))
}

/// `States.Base64Decode(base64)`: the decoded bytes, which must be UTF-8 text.
pub fn base64_decode(input: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.Base64Decode";
    let input = limited(NAME, text(NAME, "input", input)?)?;
    let bytes = STANDARD
        .decode(input)
        .map_err(|error| failure(NAME, format!("the input is not valid Base64: {error}")))?;
    String::from_utf8(bytes)
        .map(Value::String)
        .map_err(|_| failure(NAME, "the decoded bytes are not UTF-8 text"))
}

/// `States.Hash(data, algorithm)`: the lowercase hex digest of the data's UTF-8
/// bytes (a non-string is hashed as its JSON text) with `MD5`, `SHA-1`, `SHA-256`,
/// `SHA-384` or `SHA-512`.
pub fn hash(data: &Value, algorithm: &Value) -> Result<Value, ExecutionError> {
    const NAME: &str = "States.Hash";
    let owned;
    let data = match data {
        Value::String(text) => text.as_str(),
        other => {
            owned = other.to_string();
            owned.as_str()
        }
    };
    let data = limited(NAME, data)?.as_bytes();
    let algorithm = text(NAME, "algorithm", algorithm)?;
    let digest: Vec<u8> = match algorithm {
        "MD5" => md5::Md5::digest(data).to_vec(),
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        "SHA-512" => sha2::Sha512::digest(data).to_vec(),
        other => {
            return Err(failure(
                NAME,
                format!(
                    "the algorithm '{other}' is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"
                ),
            ));
        }
    };
    Ok(Value::String(
        digest.iter().map(|byte| format!("{byte:02x}")).collect(),
    ))
}

fn limited<'t>(function: &str, input: &'t str) -> Result<&'t str, ExecutionError> {
    let chars = input.chars().count();
    if chars > MAX_INPUT_CHARS {
        return Err(failure(
            function,
            format!("the input has {chars} characters; at most {MAX_INPUT_CHARS} are allowed"),
        ));
    }
    Ok(input)
}
