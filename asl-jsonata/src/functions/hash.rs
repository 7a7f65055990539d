//! `$hash(text, algorithm)`: the hex digest of a string.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

use jsonata_core::value::JValue;

use super::{FunctionResult, argument, refusal, signature_error};

/// `$hash(text, algorithm)`: the lowercase hex digest of the UTF-8 bytes of `text`, with
/// `algorithm` one of `MD5`, `SHA-1`, `SHA-256`, `SHA-384` or `SHA-512` (case-sensitive).
///
/// As on AWS: a `text` that is not a string is refused with T0410; no algorithm gives
/// `undefined`; an unknown algorithm name is refused with D3137.
pub(super) fn hash(arguments: &[JValue]) -> FunctionResult {
    let JValue::String(text) = argument(arguments, 0) else {
        return Err(signature_error("hash", 1));
    };
    let algorithm = match argument(arguments, 1) {
        JValue::Undefined => return Ok(JValue::Undefined),
        JValue::String(algorithm) => algorithm,
        _ => return Err(signature_error("hash", 2)),
    };
    let bytes = text.as_bytes();
    let digest = match &**algorithm {
        "MD5" => Md5::digest(bytes).to_vec(),
        "SHA-1" => Sha1::digest(bytes).to_vec(),
        "SHA-256" => Sha256::digest(bytes).to_vec(),
        "SHA-384" => Sha384::digest(bytes).to_vec(),
        "SHA-512" => Sha512::digest(bytes).to_vec(),
        other => {
            return Err(refusal(format_args!(
                "Hash algorithm '{other}' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5"
            )));
        }
    };
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(JValue::string(hex))
}
