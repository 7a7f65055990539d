//! The members of request shapes with the service model's constraints, checked on
//! the JSON body before it becomes a typed request: a member of the wrong JSON type
//! is a `SerializationException`; missing required members, unknown enum values,
//! lengths and ranges out of bounds and patterns not matched are each a violation,
//! reported together in one `ValidationException` as AWS's validator words them.
//! Members a shape does not list are ignored, as newer SDKs may send them.

use serde_json::{Map, Value};

use super::error::{ApiError, ErrorCode};

/// A member of a request shape and its constraints.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    name: &'static str,
    required: bool,
    kind: Kind,
}

/// The type of a member, with its bounds.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A string of `min..=max` characters, matching `pattern` if given.
    String {
        /// Fewest characters.
        min: usize,
        /// Most characters.
        max: usize,
        /// A pattern it must match.
        pattern: Option<Pattern>,
    },
    /// A string, one of these.
    Enum(&'static [&'static str]),
    /// An integer in `min..=max`.
    Integer {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// A number in `min..=max`.
    Float {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
    },
    /// `true` or `false`.
    Boolean,
    /// A list of `min..=max` items, each `item`.
    List {
        /// Fewest items.
        min: usize,
        /// Most items.
        max: usize,
        /// The type of each item.
        item: &'static Kind,
    },
    /// An object with these members.
    Structure(&'static [Member]),
}

/// A pattern a string member must match: the regular expression AWS names in its
/// message, and the function that checks it.
#[derive(Debug, Clone, Copy)]
pub struct Pattern {
    /// The pattern as AWS's message shows it.
    pub text: &'static str,
    /// Whether a value matches.
    pub matches: fn(&str) -> bool,
}

impl Member {
    /// An optional member `name` of type `kind`.
    pub const fn new(name: &'static str, kind: Kind) -> Member {
        Member {
            name,
            required: false,
            kind,
        }
    }

    /// The member, required.
    pub const fn required(self) -> Member {
        Member {
            required: true,
            ..self
        }
    }
}

impl Kind {
    /// A string of `min..=max` characters.
    pub const fn string(min: usize, max: usize) -> Kind {
        Kind::String {
            min,
            max,
            pattern: None,
        }
    }

    /// An integer in `min..=max`.
    pub const fn integer(min: i64, max: i64) -> Kind {
        Kind::Integer { min, max }
    }

    /// A number in `min..=max`.
    pub const fn float(min: f64, max: f64) -> Kind {
        Kind::Float { min, max }
    }
}

/// A request body whose members conform to `members`, or the error AWS answers.
pub fn check(body: &Map<String, Value>, members: &[Member]) -> Result<(), ApiError> {
    let mut violations = Vec::new();
    structure(body, members, "", &mut violations)?;
    match violations.len() {
        0 => Ok(()),
        1 => Err(ApiError::validation(format!(
            "1 validation error detected: {}",
            violations[0]
        ))),
        n => Err(ApiError::validation(format!(
            "{n} validation errors detected: {}",
            violations.join("; ")
        ))),
    }
}

fn structure(
    object: &Map<String, Value>,
    members: &[Member],
    prefix: &str,
    violations: &mut Vec<String>,
) -> Result<(), ApiError> {
    for member in members {
        let path = format!("{prefix}{}", member.name);
        match object.get(member.name) {
            None | Some(Value::Null) if member.required => violations.push(format!(
                "Value null at '{path}' failed to satisfy constraint: Member must not be null"
            )),
            None | Some(Value::Null) => {}
            Some(value) => conform(value, &member.kind, &path, violations)?,
        }
    }
    Ok(())
}

fn conform(
    value: &Value,
    kind: &Kind,
    path: &str,
    violations: &mut Vec<String>,
) -> Result<(), ApiError> {
    let mut violate =
        |shown: String, constraint: String| violations.push(violation(&shown, path, &constraint));
    match (kind, value) {
        (Kind::String { min, max, pattern }, Value::String(text)) => {
            let length = text.chars().count();
            if length < *min {
                violate(
                    quote(text),
                    format!("Member must have length greater than or equal to {min}"),
                );
            } else if length > *max {
                violate(
                    quote(text),
                    format!("Member must have length less than or equal to {max}"),
                );
            } else if let Some(pattern) = pattern.filter(|pattern| !(pattern.matches)(text)) {
                violate(
                    quote(text),
                    format!(
                        "Member must satisfy regular expression pattern: {}",
                        pattern.text
                    ),
                );
            }
        }
        (Kind::Enum(values), Value::String(text)) => {
            if !values.contains(&text.as_str()) {
                violate(
                    quote(text),
                    format!(
                        "Member must satisfy enum value set: [{}]",
                        values.join(", ")
                    ),
                );
            }
        }
        (Kind::Integer { min, max }, Value::Number(number)) => match number.as_i64() {
            Some(n) => {
                if let Some(constraint) = outside(n, *min, *max) {
                    violate(quote(&n.to_string()), constraint);
                }
            }
            None => return Err(wrong_type(value, kind, path)),
        },
        (Kind::Float { min, max }, Value::Number(number)) => match number.as_f64() {
            Some(n) => {
                if let Some(constraint) = outside(n, *min, *max) {
                    violate(quote(&n.to_string()), constraint);
                }
            }
            None => return Err(wrong_type(value, kind, path)),
        },
        (Kind::Boolean, Value::Bool(_)) => {}
        (Kind::List { min, max, item }, Value::Array(items)) => {
            if items.len() < *min {
                violate(
                    value.to_string(),
                    format!("Member must have length greater than or equal to {min}"),
                );
            } else if items.len() > *max {
                violate(
                    value.to_string(),
                    format!("Member must have length less than or equal to {max}"),
                );
            }
            for (index, element) in items.iter().enumerate() {
                let path = format!("{path}.{}.member", index + 1);
                match element {
                    Value::Null => violations.push(format!(
                        "Value null at '{path}' failed to satisfy constraint: Member must not be null"
                    )),
                    element => conform(element, item, &path, violations)?,
                }
            }
        }
        (Kind::Structure(members), Value::Object(object)) => {
            structure(object, members, &format!("{path}."), violations)?;
        }
        _ => return Err(wrong_type(value, kind, path)),
    }
    Ok(())
}

/// The constraint `n` breaks when it is outside `min..=max`.
fn outside<T: PartialOrd + std::fmt::Display>(n: T, min: T, max: T) -> Option<String> {
    if n < min {
        Some(format!(
            "Member must have value greater than or equal to {min}"
        ))
    } else if n > max {
        Some(format!(
            "Member must have value less than or equal to {max}"
        ))
    } else {
        None
    }
}

fn violation(shown: &str, path: &str, constraint: &str) -> String {
    format!("Value {shown} at '{path}' failed to satisfy constraint: {constraint}")
}

/// A value as AWS shows it in a violation: quoted, long ones cut.
fn quote(text: &str) -> String {
    const SHOWN: usize = 256;
    if text.chars().count() > SHOWN {
        let cut: String = text.chars().take(SHOWN).collect();
        format!("'{cut}...'")
    } else {
        format!("'{text}'")
    }
}

fn wrong_type(value: &Value, kind: &Kind, path: &str) -> ApiError {
    let found = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(number) if number.is_i64() || number.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    let expected = match kind {
        Kind::String { .. } | Kind::Enum(_) => "a string",
        Kind::Integer { .. } => "an integer",
        Kind::Float { .. } => "a number",
        Kind::Boolean => "a boolean",
        Kind::List { .. } => "a list",
        Kind::Structure(_) => "an object",
    };
    ApiError::new(
        ErrorCode::SerializationException,
        format!("Unexpected value at '{path}': {found} where {expected} is expected"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TAG: Kind = Kind::Structure(&[
        Member::new("key", Kind::string(1, 128)),
        Member::new("value", Kind::string(0, 256)),
    ]);
    const MEMBERS: &[Member] = &[
        Member::new("name", Kind::string(1, 80)).required(),
        Member::new("type", Kind::Enum(&["STANDARD", "EXPRESS"])),
        Member::new("maxResults", Kind::integer(0, 1000)),
        Member::new(
            "tags",
            Kind::List {
                min: 0,
                max: 200,
                item: &TAG,
            },
        ),
    ];

    fn checked(body: Value) -> Result<(), ApiError> {
        check(body.as_object().unwrap(), MEMBERS)
    }

    #[test]
    fn a_conforming_body_passes() {
        assert_eq!(
            checked(json!({"name": "a", "type": "EXPRESS", "tags": []})),
            Ok(())
        );
    }

    #[test]
    fn violations_are_worded_and_counted_as_aws_words_them() {
        let error = checked(json!({"type": "BIG", "maxResults": 1001})).unwrap_err();
        assert_eq!(error.code(), ErrorCode::ValidationException);
        assert_eq!(
            error.message(),
            "3 validation errors detected: \
             Value null at 'name' failed to satisfy constraint: Member must not be null; \
             Value 'BIG' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]; \
             Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"
        );
    }

    #[test]
    fn list_items_are_named_by_their_place() {
        let long = "k".repeat(129);
        let error =
            checked(json!({"name": "a", "tags": [{"key": "ok"}, {"key": long}]})).unwrap_err();
        assert_eq!(
            error.message(),
            format!(
                "1 validation error detected: Value '{long}' at 'tags.2.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"
            )
        );
    }

    #[test]
    fn a_member_of_the_wrong_type_is_a_serialization_error() {
        let error = checked(json!({"name": 5})).unwrap_err();
        assert_eq!(error.code(), ErrorCode::SerializationException);
        assert_eq!(
            error.message(),
            "Unexpected value at 'name': an integer where a string is expected"
        );
        let error = checked(json!({"name": "a", "maxResults": 1.5})).unwrap_err();
        assert_eq!(error.code(), ErrorCode::SerializationException);
    }

    #[test]
    fn lengths_count_characters() {
        assert_eq!(checked(json!({"name": "é".repeat(80)})), Ok(()));
        assert!(checked(json!({"name": "é".repeat(81)})).is_err());
    }
}
