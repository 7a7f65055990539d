//! JSONata as AWS Step Functions runs it.
//!
//! Step Functions evaluates `{% … %}` expressions with JSONata 2.x semantics, without `$eval`, and
//! with six functions of its own: `$partition`, `$range`, `$hash`, `$random`, `$uuid` and
//! `$parse`. This crate offers that dialect behind a small interface, so the engine underneath
//! (today [`jsonata-core`](https://crates.io/crates/jsonata-core)) can be swapped without touching
//! its callers.
//!
//! Parse once, evaluate many times:
//!
//! ```
//! use asl_jsonata::{Bindings, Expression};
//! use serde_json::json;
//!
//! let expression = Expression::parse("$states.input.a + $states.input.b * 2").unwrap();
//! let states = json!({"input": {"a": 1, "b": 2}});
//! let mut bindings = Bindings::default();
//! bindings.bind("states", &states);
//! assert_eq!(expression.evaluate(None, &bindings).unwrap(), Some(json!(5)));
//! ```
//!
//! - [`Expression`] is `Send + Sync`, so a parsed expression can live in a `static` and be
//!   evaluated from many tasks at once.
//! - An evaluation that yields JSONata's `undefined` returns `Ok(None)`.
//! - Integral numbers come back as JSON integers (`1+2` is `3`, not `3.0`), and object keys keep
//!   their order.
//! - Deep recursion and runaway loops end in an [`EvaluationError`] (see [`Limits`]), and so does a
//!   panic inside the engine.

mod bindings;
mod convert;
mod error;
mod expression;
mod functions;
mod limits;
mod position;
mod usage;

pub use bindings::Bindings;
pub use error::{EvaluationError, EvaluationErrorKind, SyntaxError};
pub use expression::Expression;
pub use limits::Limits;
