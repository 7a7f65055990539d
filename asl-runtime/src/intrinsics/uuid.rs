//! `States.UUID`.

use serde_json::Value;

/// `States.UUID()`: a random version 4 UUID, lower-case and hyphenated
/// (`ca4c1140-dcc1-40cd-ad05-7b4aa23df4a8`, as in the AWS guide).
pub fn uuid() -> Value {
    Value::String(uuid::Uuid::new_v4().to_string())
}
