//! Structures several actions share (API-REFERENCE §11): their wire form, their
//! members' constraints, and the checks and defaults AWS applies to them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::{self, MAX_TAGS};
use crate::protocol::{ApiError, ErrorCode, Kind, Member, Pattern};

/// Tag keys and values: letters, digits, spaces and `_ . : / = + - @`.
const TAG_TEXT: Pattern = Pattern {
    text: r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$",
    matches: |text| {
        text.chars()
            .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c))
    },
};

/// A tag key.
pub const TAG_KEY: Kind = Kind::String {
    min: 1,
    max: 128,
    pattern: Some(TAG_TEXT),
};

/// `Tag`.
pub const TAG: Kind = Kind::Structure(&[
    Member::new("key", TAG_KEY).required(),
    Member::new(
        "value",
        Kind::String {
            min: 0,
            max: 256,
            pattern: Some(TAG_TEXT),
        },
    ),
]);

/// A list of tags.
pub const TAGS: Kind = Kind::List {
    min: 0,
    max: usize::MAX,
    item: &TAG,
};

/// `Tag` on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// The key.
    pub key: String,
    /// The value.
    #[serde(default)]
    pub value: String,
}

/// The tags to give a new resource `arn`: at most [`MAX_TAGS`], none reserved.
pub fn new_tags(arn: &str, tags: Option<Vec<Tag>>) -> Result<Vec<catalog::Tag>, ApiError> {
    let tags = tags.unwrap_or_default();
    if tags.len() > MAX_TAGS as usize {
        return Err(too_many_tags(arn));
    }
    tags_to_set(tags)
}

/// Tags to set: none with a reserved key (`aws:`).
pub fn tags_to_set(tags: Vec<Tag>) -> Result<Vec<catalog::Tag>, ApiError> {
    tags.into_iter()
        .map(|tag| {
            if tag.key.starts_with("aws:") {
                return Err(ApiError::validation(format!(
                    "Tag keys starting with 'aws:' are reserved: '{}'",
                    tag.key
                )));
            }
            Ok(catalog::Tag {
                key: tag.key,
                value: tag.value,
            })
        })
        .collect()
}

/// `TooManyTags` for resource `arn`.
pub fn too_many_tags(arn: &str) -> ApiError {
    ApiError::new(
        ErrorCode::TooManyTags,
        format!("Too many tags: a resource has at most {MAX_TAGS} tags"),
    )
    .with_member("resourceName", arn)
}

/// `LoggingConfiguration`.
pub const LOGGING: Kind = Kind::Structure(&[
    Member::new("level", Kind::Enum(&["ALL", "ERROR", "FATAL", "OFF"])),
    Member::new("includeExecutionData", Kind::Boolean),
    Member::new(
        "destinations",
        Kind::List {
            min: 0,
            max: usize::MAX,
            item: &Kind::Structure(&[Member::new(
                "cloudWatchLogsLogGroup",
                Kind::Structure(&[Member::new("logGroupArn", Kind::string(1, 256))]),
            )]),
        },
    ),
]);

/// `LoggingConfiguration` on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggingConfiguration {
    /// ALL, ERROR, FATAL or OFF.
    pub level: Option<String>,
    /// Whether execution data is logged.
    pub include_execution_data: Option<bool>,
    /// Where logs go: one CloudWatch Logs group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destinations: Vec<Value>,
}

/// The logging configuration as kept and described: level `OFF` and
/// `includeExecutionData` false by default; a level other than OFF needs exactly
/// one destination, a CloudWatch Logs group ARN.
pub fn logging(given: Option<LoggingConfiguration>) -> Result<Value, ApiError> {
    let mut logging = given.unwrap_or(LoggingConfiguration {
        level: None,
        include_execution_data: None,
        destinations: Vec::new(),
    });
    let level = logging.level.get_or_insert_with(|| "OFF".to_owned());
    let invalid = |message: &str| ApiError::new(ErrorCode::InvalidLoggingConfiguration, message);
    if level != "OFF" && logging.destinations.len() != 1 {
        return Err(invalid(
            "Exactly one destination is required when the logging level is not OFF",
        ));
    }
    for destination in &logging.destinations {
        let arn = destination["cloudWatchLogsLogGroup"]["logGroupArn"].as_str();
        if !arn.is_some_and(|arn| {
            arn.starts_with("arn:") && arn.contains(":logs:") && arn.contains(":log-group:")
        }) {
            return Err(invalid(
                "Invalid Logging Configuration: a destination must be a CloudWatch Logs log group ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*)",
            ));
        }
    }
    logging.include_execution_data.get_or_insert(false);
    serde_json::to_value(logging).map_err(|error| ApiError::internal(&error))
}

/// `TracingConfiguration`.
pub const TRACING: Kind = Kind::Structure(&[Member::new("enabled", Kind::Boolean)]);

/// `TracingConfiguration` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TracingConfiguration {
    /// Whether X-Ray tracing is on.
    pub enabled: Option<bool>,
}

/// The tracing configuration as kept and described: disabled by default.
pub fn tracing(given: Option<TracingConfiguration>) -> Value {
    serde_json::json!({ "enabled": given.and_then(|given| given.enabled).unwrap_or(false) })
}

/// `EncryptionConfiguration`.
pub const ENCRYPTION: Kind = Kind::Structure(&[
    Member::new("kmsKeyId", Kind::string(1, 2048)),
    Member::new("kmsDataKeyReusePeriodSeconds", Kind::integer(60, 900)),
    Member::new(
        "type",
        Kind::Enum(&["AWS_OWNED_KEY", "CUSTOMER_MANAGED_KMS_KEY"]),
    )
    .required(),
]);

/// `EncryptionConfiguration` on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptionConfiguration {
    /// The KMS key, for CUSTOMER_MANAGED_KMS_KEY.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// How long a data key is reused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_data_key_reuse_period_seconds: Option<i64>,
    /// AWS_OWNED_KEY or CUSTOMER_MANAGED_KMS_KEY.
    #[serde(rename = "type")]
    pub key_type: String,
}

/// The encryption configuration as kept and described (the server encrypts
/// nothing; it keeps what it was given): a customer managed key needs its id.
pub fn encryption(given: Option<EncryptionConfiguration>) -> Result<Option<Value>, ApiError> {
    let Some(given) = given else { return Ok(None) };
    if given.key_type == "CUSTOMER_MANAGED_KMS_KEY" && given.kms_key_id.is_none() {
        return Err(ApiError::new(
            ErrorCode::InvalidEncryptionConfiguration,
            "kmsKeyId is required when the type is CUSTOMER_MANAGED_KMS_KEY",
        ));
    }
    serde_json::to_value(given)
        .map(Some)
        .map_err(|error| ApiError::internal(&error))
}

/// `RoutingConfigurationListItem`.
const ROUTE: Kind = Kind::Structure(&[
    Member::new("stateMachineVersionArn", Kind::string(1, 256)).required(),
    Member::new("weight", Kind::integer(0, 100)).required(),
]);

/// An alias's `routingConfiguration`: one or two routes.
pub const ROUTING: Kind = Kind::List {
    min: 1,
    max: 2,
    item: &ROUTE,
};

/// `RoutingConfigurationListItem` on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    /// A version ARN.
    pub state_machine_version_arn: String,
    /// Percent of executions.
    pub weight: u8,
}

impl From<Route> for catalog::Route {
    fn from(route: Route) -> catalog::Route {
        catalog::Route {
            version_arn: route.state_machine_version_arn,
            weight: route.weight,
        }
    }
}

impl From<catalog::Route> for Route {
    fn from(route: catalog::Route) -> Route {
        Route {
            state_machine_version_arn: route.version_arn,
            weight: route.weight,
        }
    }
}
