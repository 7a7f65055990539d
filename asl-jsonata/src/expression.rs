//! A parsed expression, and its evaluation.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};

use jsonata_core::ast::AstNode;
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorOptions};
use jsonata_core::parser;
use jsonata_core::value::JValue;
use serde_json::Value;

use crate::functions::{self, RandomSource};
use crate::usage::Usages;
use crate::{Bindings, EvaluationError, Limits, SyntaxError, convert};

/// A parsed JSONata expression (the text inside `{% … %}`), ready to evaluate any number of
/// times, from any thread.
///
/// ```
/// use asl_jsonata::{Bindings, Expression};
/// use serde_json::json;
///
/// let expression = Expression::parse("$states.input.order.items[0].price").unwrap();
/// let states = json!({"input": {"order": {"items": [{"price": 12.5}]}}});
/// let mut bindings = Bindings::default();
/// bindings.bind("states", &states);
/// assert_eq!(expression.evaluate(None, &bindings).unwrap(), Some(json!(12.5)));
/// ```
#[derive(Clone)]
pub struct Expression {
    source: String,
    ast: AstNode,
    /// Byte offsets in `source` just past each `$`: where variable and function names start.
    names: Vec<usize>,
    /// Which parts of each variable the expression can read.
    usages: Usages,
    /// AWS's functions the text calls directly with more arguments than they take.
    overcalled: Vec<&'static str>,
    limits: Limits,
}

impl Expression {
    /// Parses `text`, with the default [`Limits`].
    pub fn parse(text: &str) -> Result<Expression, SyntaxError> {
        let parsed = panic::catch_unwind(|| parser::parse(text))
            .map_err(|payload| SyntaxError::from_panic(&*payload))?;
        let ast = parsed.map_err(|error| SyntaxError::from_engine(text, &error))?;
        Ok(Expression {
            source: text.to_owned(),
            ast,
            names: text.match_indices('$').map(|(at, _)| at + 1).collect(),
            usages: Usages::scan(text),
            overcalled: functions::arity::overcalled(text),
            limits: Limits::default(),
        })
    }

    /// This expression with other limits on its evaluations.
    pub fn with_limits(mut self, limits: Limits) -> Expression {
        self.limits = limits;
        self
    }

    /// The text this expression was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The limits on this expression's evaluations.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Evaluates the expression with `input` as its context (`$`; AWS evaluates without one,
    /// which is `None`) and `bindings` as its variables.
    ///
    /// Returns `Ok(None)` when the result is JSONata's `undefined`. Integral numbers come back as
    /// JSON integers, infinities and NaN as the strings `"Infinity"`, `"-Infinity"` and `"NaN"`
    /// (as AWS writes them), and object keys in order. A result that is a function fails with
    /// [`EvaluationErrorKind::UnsupportedResult`](crate::EvaluationErrorKind::UnsupportedResult).
    /// Exceeding the [`Limits`], or a panic inside the engine, fails like any other error.
    pub fn evaluate(
        &self,
        input: Option<&Value>,
        bindings: &Bindings<'_>,
    ) -> Result<Option<Value>, EvaluationError> {
        panic::catch_unwind(AssertUnwindSafe(|| {
            self.evaluate_unguarded(input, bindings)
        }))
        .unwrap_or_else(|payload| Err(EvaluationError::from_panic(&*payload)))
    }

    /// [`Expression::evaluate`] without the guard against panics.
    fn evaluate_unguarded(
        &self,
        input: Option<&Value>,
        bindings: &Bindings<'_>,
    ) -> Result<Option<Value>, EvaluationError> {
        let mut context = Context::new();
        if self.mentions("eval") {
            functions::remove_eval(&mut context);
        }
        for (name, value) in bindings.variables() {
            // A variable the text never names cannot be read, so it is not converted; of the
            // others only the parts the text can read are.
            if self.mentions(name) {
                context.bind((*name).to_owned(), self.usages.of(name).convert(value));
            }
        }
        let options = EvaluatorOptions {
            timeout_ms: Some(u64::try_from(self.limits.timeout().as_millis()).unwrap_or(u64::MAX)),
            max_stack_depth: Some(self.limits.max_depth()),
            ..EvaluatorOptions::default()
        };
        let mut evaluator = Evaluator::with_options(context, options);
        functions::install(
            &mut evaluator,
            |name| self.mentions(name),
            &self.overcalled,
            || RandomSource::new(bindings.random_seed()),
        )?;
        let data = input.map_or(JValue::Undefined, convert::to_engine);
        let result = evaluator
            .evaluate(&self.ast, &data)
            .map_err(|error| EvaluationError::from_engine(&error))?;
        convert::from_engine(&result)
    }

    /// Whether the text holds `$` directly followed by `name`. Every reference to a variable or
    /// function is spelled that way (JSONata has no other way to name one, and `$eval` is gone),
    /// so a name not mentioned cannot be used.
    fn mentions(&self, name: &str) -> bool {
        self.names
            .iter()
            .any(|&start| self.source[start..].starts_with(name))
    }
}

impl fmt::Debug for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expression")
            .field("source", &self.source)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_can_be_shared_across_threads() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Expression>();
    }

    #[test]
    fn converting_only_what_is_read_changes_no_result() {
        let states = serde_json::json!({
            "input": {
                "id": "o-1",
                "order": {"total": 182.5, "items": [
                    {"sku": "A", "price": 12.5, "qty": 2, "tags": ["x"]},
                    {"sku": "B", "price": 99, "qty": 1, "tags": []},
                    [{"sku": "C", "price": 58.5, "qty": 1}]
                ]},
                "nested": {"nested": {"nested": {"leaf": true}}},
                "list": [1, [2, 3], {"a": 4}],
                "and": 1
            },
            "context": {"Execution": {"Name": "e"}}
        });
        let texts = [
            "$states.input.id",
            "$states.input.order.items.sku",
            "$states.input.order.items.price[0]",
            "$states.input.order.items[price > 50].sku",
            "$sum($states.input.order.items.(price * qty))",
            "$states.input.order.items.tags",
            "$states.input.order.items^(price).sku",
            "$states.input.order{$string(total): items.sku}",
            "$states.input.order.items#$i.sku",
            "$states.input.nested.nested.nested.leaf and $states.input.id = 'o-1'",
            "$states.input.list.a",
            "$states.input.list",
            "$states.input.missing.deeper",
            "$states.context.Execution.Name & '/' & $states.input.id",
            "($x := $states.input; $x.order.total + $count($x.list))",
            "$states.input.order ~> $keys()",
            "$each($states.input.order, function($v, $k){$k})",
            "$states.input.order.items.%.total",
            "$states.input.`order`.total",
            "$states.input.and",
            "$states.input.order.*",
            "$states.input.**.leaf",
            "$states",
            "[$states.input.list.a, $states.input.order.total]",
            "$states.input.order.total.missing",
        ];
        let mut bindings = Bindings::default();
        bindings.bind("states", &states);
        for text in texts {
            let pruned = Expression::parse(text).unwrap();
            let mut whole = pruned.clone();
            whole.usages.read_everything();
            let outcome = |expression: &Expression| {
                expression
                    .evaluate(None, &bindings)
                    .map_err(|error| error.to_string())
            };
            assert_eq!(outcome(&pruned), outcome(&whole), "{text}");
        }
    }

    #[test]
    fn mentions_finds_names_after_a_dollar() {
        let expression = Expression::parse("$states.input.a + $total").unwrap();
        assert!(expression.mentions("states"));
        assert!(expression.mentions("total"));
        assert!(!expression.mentions("input"));
    }
}
