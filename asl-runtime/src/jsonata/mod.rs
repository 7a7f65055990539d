//! JSONata in generated code: `{% %}` expressions (parsed once, on first use, from
//! text checked at build time), the `$states` object they read, and the
//! `States.QueryEvaluationError`s AWS reports for their results.

pub mod direct;

use serde_json::{Map, Value};

pub use asl_jsonata::{Bindings, Expression};

use crate::error::{ExecutionError, names};

/// Parses an expression the generator has already checked.
pub fn parse(text: &str) -> Expression {
    Expression::parse(text).unwrap_or_else(|error| {
        panic!("the expression {text:?} was checked when the workflow was generated: {error}")
    })
}

/// `$states`: `input`, and `context` when an expression reads it. `result` and
/// `errorOutput` are added with [`with_member`] where they exist.
pub fn states(input: Value, context: Option<Value>) -> Value {
    let mut states = Map::with_capacity(3);
    states.insert("input".to_owned(), input);
    if let Some(context) = context {
        states.insert("context".to_owned(), context);
    }
    Value::Object(states)
}

/// `$states` for the ItemSelector of the item at `index`: the Map's `$states`
/// with `context.Map.Item` set to `{"Index": index, "Value": item}`.
pub fn item_states(states: &Value, index: usize, item: Value) -> Value {
    let mut context = match states.get("context") {
        Some(Value::Object(context)) => context.clone(),
        _ => Map::new(),
    };
    context.insert(
        "Map".to_owned(),
        crate::context::map_item(index, item)["Map"].take(),
    );
    let mut item_states = Map::with_capacity(2);
    item_states.insert("input".to_owned(), states["input"].clone());
    item_states.insert("context".to_owned(), Value::Object(context));
    Value::Object(item_states)
}

/// Sets `$states.<name>` (`result` or `errorOutput`).
pub fn with_member(states: &mut Value, name: &str, value: Value) {
    if let Value::Object(members) = states {
        members.insert(name.to_owned(), value);
    }
}

/// Removes `$states.<name>`, so that it reads as undefined.
pub fn remove_member(states: &mut Value, name: &str) {
    if let Value::Object(members) = states {
        members.shift_remove(name);
    }
}

/// Takes `$states.<name>` back out of `states` (`result`, `errorOutput`: what a
/// state outputs without `Output`).
pub fn take_member(states: &mut Value, name: &str) -> Value {
    states.get_mut(name).map(std::mem::take).unwrap_or_default()
}

/// `$states.input`.
pub fn input(states: &Value) -> &Value {
    &states["input"]
}

/// The value of `expression`, written for field `field` (`Output`,
/// `Assign/total`, `Items` ...). An undefined result, a result JSON cannot hold, or
/// an evaluation error fails the state with `States.QueryEvaluationError`, its
/// cause as AWS words it.
pub fn evaluate(
    expression: &Expression,
    field: &str,
    bindings: &Bindings<'_>,
) -> Result<Value, ExecutionError> {
    let text = expression.source().trim();
    match expression.evaluate(None, bindings) {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Err(query_error(format!(
            "The JSONata expression '{text}' specified for the field '{field}' returned nothing (undefined)."
        ))),
        Err(error) if error.kind() == asl_jsonata::EvaluationErrorKind::UnsupportedResult => {
            Err(query_error(format!(
                "The JSONata expression '{text}' specified for the field '{field}' returned an unsupported result type."
            )))
        }
        Err(error) => Err(query_error(format!(
            "An error occurred while evaluating the JSONata expression '{text}' specified for the field '{field}': {}{}",
            error
                .code()
                .map(|code| format!("{code}: "))
                .unwrap_or_default(),
            error.message()
        ))),
    }
}

/// `value`, the result of `expression` for `field`, when it is of JSON type
/// `expected` (`array`, `boolean`, `string`, `number`, `object`); otherwise the
/// `States.QueryEvaluationError` AWS gives.
pub fn expect(
    value: Value,
    expected: &str,
    expression: &Expression,
    field: &str,
) -> Result<Value, ExecutionError> {
    let actual = type_name(&value);
    if actual == expected {
        return Ok(value);
    }
    Err(query_error(format!(
        "The JSONata expression '{}' specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{actual}' for value: {value}",
        expression.source().trim()
    )))
}

/// A count (`MaxConcurrency`, `TimeoutSeconds`, `MaxItems` ...) from `expression`'s
/// value for `field`: a non-negative integer.
pub fn count(value: Value, expression: &Expression, field: &str) -> Result<u64, ExecutionError> {
    let value = expect(value, "number", expression, field)?;
    match value.as_u64() {
        Some(count) => Ok(count),
        None => Err(query_error(format!(
            "The JSONata expression '{}' specified for the field '{field}' returned an unexpected result. Expected a non-negative integer, but was: {value}",
            expression.source().trim()
        ))),
    }
}

/// A percentage (`ToleratedFailurePercentage`) from `expression`'s value for
/// `field`: a number from 0 to 100.
pub fn percentage(
    value: Value,
    expression: &Expression,
    field: &str,
) -> Result<f64, ExecutionError> {
    let value = expect(value, "number", expression, field)?;
    match value.as_f64() {
        Some(percentage) if (0.0..=100.0).contains(&percentage) => Ok(percentage),
        _ => Err(query_error(format!(
            "The JSONata expression '{}' specified for the field '{field}' returned an unexpected result. Expected a number from 0 to 100, but was: {value}",
            expression.source().trim()
        ))),
    }
}

/// The items of a JSONata Map without `Items`: its input, which must be an array.
pub fn map_input(input: Value) -> Result<Vec<Value>, ExecutionError> {
    match input {
        Value::Array(items) => Ok(items),
        other => Err(query_error(format!(
            "Map state input must be an array but was: {other}"
        ))),
    }
}

/// The JSON type name AWS's messages use.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn query_error(cause: String) -> ExecutionError {
    ExecutionError::new(names::QUERY_EVALUATION_ERROR, cause)
}
