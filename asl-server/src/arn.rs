//! ARNs of the API's resources (API-REFERENCE §4): read from requests, made for
//! answers.
//!
//! `arn:<partition>:states:<region>:<account>:<type>:<rest>`. A state machine ARN
//! may be qualified by a version number (`:3`) or an alias name (`:prod`); one
//! with `/<label>` names a Distributed Map's child machine. An ARN of another
//! account or region is well formed: it names nothing here, so lookups miss it.

use asl_runtime::arn::Account;

use crate::protocol::ApiError;

/// A state machine ARN as a request gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineArn {
    /// The unqualified state machine ARN.
    pub machine: String,
    /// The state machine's name.
    pub name: String,
    /// The version or alias it is qualified with.
    pub qualifier: Option<Qualifier>,
}

/// What qualifies a state machine ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qualifier {
    /// `:<number>`: a version.
    Version(u32),
    /// `:<name>`: an alias.
    Alias(String),
}

/// The parts every Step Functions ARN has.
struct Parts<'a> {
    resource_type: &'a str,
    rest: &'a str,
    /// `arn:<partition>:states:<region>:<account>`.
    prefix: &'a str,
}

fn parts(arn: &str) -> Option<Parts<'_>> {
    let fields: Vec<&str> = arn.splitn(7, ':').collect();
    let [
        "arn",
        partition,
        "states",
        region,
        account,
        resource_type,
        rest,
    ] = fields[..]
    else {
        return None;
    };
    Account::in_partition(partition, region, account).ok()?;
    let prefix_length = arn.len() - resource_type.len() - rest.len() - 2;
    Some(Parts {
        resource_type,
        rest,
        prefix: &arn[..prefix_length],
    })
}

/// Whether `name` is a resource name AWS accepts (API-REFERENCE §5).
pub fn valid_name(name: &str) -> bool {
    // The engine's rule refuses control characters (U+0000-U+001F and
    // U+007F-U+009F) among the others; AWS also refuses these noncharacters.
    asl_engine::valid_name(name)
        && !name
            .chars()
            .any(|c| matches!(c, '\u{fffe}' | '\u{ffff}' | '\u{10ffff}'))
}

/// A state machine ARN, possibly qualified: [`ApiError::invalid_arn`] when it is
/// not one, a `ValidationException` (`API_DOES_NOT_SUPPORT_LABELED_ARNS`) for a
/// Distributed Map's labelled ARN.
pub fn machine(arn: &str) -> Result<MachineArn, ApiError> {
    let parts = parts(arn)
        .filter(|parts| parts.resource_type == "stateMachine")
        .ok_or_else(|| ApiError::invalid_arn(arn))?;
    let (name, qualifier) = match parts.rest.split_once(':') {
        Some((name, qualifier)) => (name, Some(qualifier)),
        None => (parts.rest, None),
    };
    if name.contains('/') && qualifier.is_none() {
        return Err(ApiError::validation_because(
            format!("This API does not support labelled ARNs: '{arn}'"),
            "API_DOES_NOT_SUPPORT_LABELED_ARNS",
        ));
    }
    if !valid_name(name) {
        return Err(ApiError::invalid_arn(arn));
    }
    let qualifier = match qualifier {
        None => None,
        Some(number) if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => Some(
            Qualifier::Version(number.parse().map_err(|_| ApiError::invalid_arn(arn))?),
        ),
        Some(alias) if valid_alias_name(alias) => Some(Qualifier::Alias(alias.to_owned())),
        Some(_) => return Err(ApiError::invalid_arn(arn)),
    };
    Ok(MachineArn {
        machine: format!("{}:stateMachine:{name}", parts.prefix),
        name: name.to_owned(),
        qualifier,
    })
}

/// An unqualified state machine ARN.
pub fn unqualified_machine(arn: &str) -> Result<MachineArn, ApiError> {
    machine(arn)
        .ok()
        .filter(|machine| machine.qualifier.is_none())
        .ok_or_else(|| ApiError::invalid_arn(arn))
}

/// A version ARN: the machine and the number.
pub fn version(arn: &str) -> Result<(MachineArn, u32), ApiError> {
    match machine(arn) {
        Ok(
            machine @ MachineArn {
                qualifier: Some(Qualifier::Version(number)),
                ..
            },
        ) => Ok((machine, number)),
        _ => Err(ApiError::invalid_arn(arn)),
    }
}

/// An alias ARN: the machine and the alias name.
pub fn alias(arn: &str) -> Result<(MachineArn, String), ApiError> {
    match machine(arn) {
        Ok(MachineArn {
            qualifier: Some(Qualifier::Alias(alias)),
            machine,
            name,
        }) => Ok((
            MachineArn {
                machine,
                name,
                qualifier: None,
            },
            alias,
        )),
        _ => Err(ApiError::invalid_arn(arn)),
    }
}

/// An activity ARN.
pub fn activity(arn: &str) -> Result<(), ApiError> {
    match parts(arn) {
        Some(parts) if parts.resource_type == "activity" && valid_name(parts.rest) => Ok(()),
        _ => Err(ApiError::invalid_arn(arn)),
    }
}

/// The pattern alias names match: letters, digits, `_`, `-` and `.`, at least one
/// not a digit (so that an alias never reads as a version number).
pub const ALIAS_NAME_PATTERN: &str = r"^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$";

/// Whether `name` matches [`ALIAS_NAME_PATTERN`] (its length is checked apart).
pub fn valid_alias_name(name: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_-.".contains(c);
    !name.is_empty() && name.chars().all(allowed) && !name.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MACHINE: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:Orders";

    #[test]
    fn machine_arns_are_read_with_their_qualifier() {
        let plain = machine(MACHINE).unwrap();
        assert_eq!(
            (plain.machine.as_str(), plain.name.as_str()),
            (MACHINE, "Orders")
        );
        assert_eq!(plain.qualifier, None);
        let version = machine(&format!("{MACHINE}:12")).unwrap();
        assert_eq!(version.machine, MACHINE);
        assert_eq!(version.qualifier, Some(Qualifier::Version(12)));
        let alias = machine(&format!("{MACHINE}:prod")).unwrap();
        assert_eq!(alias.qualifier, Some(Qualifier::Alias("prod".into())));
    }

    #[test]
    fn malformed_arns_are_invalid() {
        for arn in [
            "",
            "Orders",
            "arn:aws:states:us-east-1:123456789012:activity:Orders",
            "arn:aws:lambda:us-east-1:123456789012:function:Orders",
            "arn:aws:states:us-east-1:1234:stateMachine:Orders",
            "arn:aws:states:us-east-1:123456789012:stateMachine:",
            "arn:aws:states:us-east-1:123456789012:stateMachine:Orders:",
            "arn:aws:states:us-east-1:123456789012:stateMachine:Orders:1:2",
            "arn:aws:states:us-east-1:123456789012:stateMachine:Or ders",
        ] {
            let error = machine(arn).unwrap_err();
            assert_eq!(
                error.code(),
                crate::protocol::ErrorCode::InvalidArn,
                "{arn}"
            );
        }
    }

    #[test]
    fn labelled_arns_are_refused_with_their_reason() {
        let error = machine(&format!("{MACHINE}/Label")).unwrap_err();
        assert_eq!(
            error.code(),
            crate::protocol::ErrorCode::ValidationException
        );
        assert_eq!(error.body()["reason"], "API_DOES_NOT_SUPPORT_LABELED_ARNS");
    }

    #[test]
    fn alias_names_need_a_character_that_is_not_a_digit() {
        assert!(valid_alias_name("prod-2.0_x"));
        assert!(!valid_alias_name("42"));
        assert!(!valid_alias_name("a b"));
        assert!(!valid_alias_name(""));
    }

    #[test]
    fn names_follow_aws_rules() {
        assert!(valid_name("Orders-2024_v1.0"));
        assert!(!valid_name(""));
        assert!(!valid_name(&"x".repeat(81)));
        for bad in ["a b", "a:b", "a/b", "a?", "a\u{85}b", "a\u{1}"] {
            assert!(!valid_name(bad), "{bad:?}");
        }
    }
}
