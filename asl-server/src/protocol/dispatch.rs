//! The dispatch table: action names to typed handlers.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::{ApiError, ErrorCode};
use super::shape::{self, Member};

/// A typed request: deserialized from the body (camelCase members) once the body
/// conforms to its [`MEMBERS`](Request::MEMBERS).
pub trait Request: DeserializeOwned + Send + 'static {
    /// Its members, with the service model's constraints.
    const MEMBERS: &'static [Member];
}

/// What a handler's future resolves to, erased: the response body or the error.
type Answer = Pin<Box<dyn Future<Output = Result<Value, ApiError>> + Send>>;

/// A handler with its request and response types erased.
pub(crate) type Handler<S> = Box<dyn Fn(Arc<S>, Map<String, Value>) -> Answer + Send + Sync>;

/// The actions a server answers, each a typed handler over shared state `S`.
///
/// ```
/// # use std::sync::Arc;
/// # use asl_server::protocol::{Actions, ApiError, Member, Kind, Request};
/// #[derive(serde::Deserialize)]
/// #[serde(rename_all = "camelCase")]
/// struct EchoInput { text: String }
/// impl Request for EchoInput {
///     const MEMBERS: &'static [Member] = &[Member::new("text", Kind::string(1, 10)).required()];
/// }
/// #[derive(serde::Serialize)]
/// struct EchoOutput { text: String }
/// async fn echo(_state: Arc<()>, input: EchoInput) -> Result<EchoOutput, ApiError> {
///     Ok(EchoOutput { text: input.text })
/// }
/// let actions = Actions::new().add("Echo", echo);
/// assert!(actions.contains("Echo"));
/// ```
pub struct Actions<S> {
    handlers: HashMap<&'static str, Handler<S>>,
}

impl<S> std::fmt::Debug for Actions<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<_> = self.handlers.keys().collect();
        names.sort();
        f.debug_struct("Actions").field("names", &names).finish()
    }
}

impl<S: Send + Sync + 'static> Default for Actions<S> {
    fn default() -> Self {
        Actions::new()
    }
}

impl<S: Send + Sync + 'static> Actions<S> {
    /// No action.
    pub fn new() -> Actions<S> {
        Actions {
            handlers: HashMap::new(),
        }
    }

    /// Answers action `name` (`AWSStepFunctions.<name>`) with `handler`, in place of
    /// the handler it had.
    pub fn add<R, O, F, Fut>(mut self, name: &'static str, handler: F) -> Actions<S>
    where
        R: Request,
        O: Serialize,
        F: Fn(Arc<S>, R) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<O, ApiError>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let erased: Handler<S> = Box::new(move |state, body| {
            let handler = Arc::clone(&handler);
            Box::pin(async move {
                let request = decode::<R>(body)?;
                let output = handler(state, request).await?;
                serde_json::to_value(output).map_err(|error| ApiError::internal(&error))
            })
        });
        self.handlers.insert(name, erased);
        self
    }

    /// Whether action `name` is answered.
    pub fn contains(&self, name: &str) -> bool {
        self.handlers.contains_key(name)
    }

    /// The handler of action `name`.
    pub(crate) fn handler(&self, name: &str) -> Option<&Handler<S>> {
        self.handlers.get(name)
    }
}

fn decode<R: Request>(body: Map<String, Value>) -> Result<R, ApiError> {
    shape::check(&body, R::MEMBERS)?;
    serde_json::from_value(Value::Object(body))
        .map_err(|error| ApiError::new(ErrorCode::SerializationException, error.to_string()))
}
