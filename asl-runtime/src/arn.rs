//! The ARNs of local executions: the partition, region and account they name.

/// The account and region used in the ARNs of local executions.
pub const ARN_PREFIX: &str = "arn:aws:states:us-east-1:123456789012";

/// The region of local executions (the one in their ARNs).
pub const REGION: &str = "us-east-1";

/// The role local executions run as (`$$.Execution.RoleArn`).
pub const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/service-role/StepFunctions-local";
