//! API errors: AWS's code, a message, and the modeled members some codes carry.

use std::fmt;

use axum::http::StatusCode;
use serde_json::{Map, Value};

/// Defines [`ErrorCode`] from one list of its variants, each spelled as AWS spells
/// the code, so that its name, [`ErrorCode::ALL`] and [`ErrorCode::as_str`] cannot
/// drift apart.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $code:ident,)*) => {
        /// The error codes the API answers with: Step Functions' modeled errors and
        /// the generic ones every AWS JSON service has (API-REFERENCE §1.3, §8).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs)] // Each variant is the AWS error of the same name.
        pub enum ErrorCode {
            $($(#[$doc])* $code,)*
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$code,)*];

            /// The code as AWS spells it, e.g. `StateMachineDoesNotExist`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$code => stringify!($code),)*
                }
            }
        }
    };
}

error_codes! {
    ActivityAlreadyExists,
    ActivityDoesNotExist,
    ActivityLimitExceeded,
    ActivityWorkerLimitExceeded,
    ConflictException,
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    ExecutionLimitExceeded,
    ExecutionNotRedrivable,
    InvalidArn,
    InvalidDefinition,
    InvalidEncryptionConfiguration,
    InvalidExecutionInput,
    InvalidLoggingConfiguration,
    InvalidName,
    InvalidOutput,
    InvalidToken,
    InvalidTracingConfiguration,
    MissingRequiredParameter,
    ResourceNotFound,
    ServiceQuotaExceededException,
    StateMachineAlreadyExists,
    StateMachineDeleting,
    StateMachineDoesNotExist,
    StateMachineLimitExceeded,
    StateMachineTypeNotSupported,
    TaskDoesNotExist,
    TaskTimedOut,
    TooManyTags,
    ValidationException,
    /// The body is not JSON, not an object, or a member has the wrong JSON type.
    SerializationException,
    /// `X-Amz-Target` is missing or names no action this server answers.
    UnknownOperationException,
    /// The request has no `Authorization` (`asl serve --auth sigv4`).
    MissingAuthenticationTokenException,
    /// The `Authorization` header is malformed, lacks a part, or names another
    /// algorithm.
    IncompleteSignatureException,
    /// The signature, its date or its credential scope is wrong.
    InvalidSignatureException,
    /// The access key or the session token is unknown.
    UnrecognizedClientException,
    /// A fault of the server (HTTP 500).
    InternalFailure,
}

impl ErrorCode {
    /// The code AWS spells `name`, if it is one.
    pub fn named(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == name)
    }

    /// The HTTP status: 500 for [`ErrorCode::InternalFailure`], 400 for every other
    /// (the model gives no status for any SFN error; clients need only one ≥ 300).
    /// The authentication errors are 400 too: AWS JSON services answer them so
    /// (`UnrecognizedClientException` from Step Functions itself, the others from
    /// DynamoDB, Kinesis, Rekognition, Secrets Manager); only services behind API
    /// Gateway (Lambda's REST API) answer 403.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::InternalFailure => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error answer: `{"__type": code, "message": ..., <members>}` with the code in
/// the `X-Amzn-ErrorType` header too.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    code: ErrorCode,
    message: String,
    members: Map<String, Value>,
}

impl ApiError {
    /// Error `code` saying `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            members: Map::new(),
        }
    }

    /// Adds a modeled member next to `message` (`reason`, `resourceName`).
    pub fn with_member(mut self, name: &str, value: impl Into<String>) -> ApiError {
        self.members
            .insert(name.to_owned(), Value::String(value.into()));
        self
    }

    /// The code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The response body.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("__type".into(), self.code.as_str().into());
        body.insert("message".into(), self.message.clone().into());
        body.extend(self.members.clone());
        Value::Object(body)
    }

    /// `InvalidArn`: `arn` is malformed or names a resource of another type.
    pub fn invalid_arn(arn: &str) -> ApiError {
        ApiError::new(ErrorCode::InvalidArn, format!("Invalid Arn: '{arn}'"))
    }

    /// `InvalidName`: `name` breaks the name rules.
    pub fn invalid_name(name: &str) -> ApiError {
        ApiError::new(ErrorCode::InvalidName, format!("Invalid Name: '{name}'"))
    }

    /// `InvalidToken`: a pagination token this server did not give for this request.
    pub fn invalid_token() -> ApiError {
        ApiError::new(ErrorCode::InvalidToken, "Invalid Token: 'Invalid token'")
    }

    /// `StateMachineDoesNotExist` for `arn`.
    pub fn state_machine_does_not_exist(arn: &str) -> ApiError {
        ApiError::new(
            ErrorCode::StateMachineDoesNotExist,
            format!("State Machine Does Not Exist: '{arn}'"),
        )
    }

    /// `ActivityDoesNotExist` for `arn`.
    pub fn activity_does_not_exist(arn: &str) -> ApiError {
        ApiError::new(
            ErrorCode::ActivityDoesNotExist,
            format!("Activity Does Not Exist: '{arn}'"),
        )
    }

    /// `ResourceNotFound` for `arn`, with its `resourceName` member.
    pub fn resource_not_found(what: &str, arn: &str) -> ApiError {
        ApiError::new(
            ErrorCode::ResourceNotFound,
            format!("{what} Does Not Exist: '{arn}'"),
        )
        .with_member("resourceName", arn)
    }

    /// `ValidationException` saying `message`.
    pub fn validation(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::ValidationException, message)
    }

    /// `ValidationException` with its `reason` member.
    pub fn validation_because(message: impl Into<String>, reason: &str) -> ApiError {
        ApiError::validation(message).with_member("reason", reason)
    }

    /// `InternalFailure`: the server failed; `error` is logged, not shown.
    pub fn internal(error: &dyn std::error::Error) -> ApiError {
        tracing::error!(%error, "internal failure");
        ApiError::new(
            ErrorCode::InternalFailure,
            "The server failed to answer; its log says why",
        )
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}
