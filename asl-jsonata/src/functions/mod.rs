//! The functions AWS adds to JSONata, and the one it takes away.
//!
//! Step Functions adds `$partition`, `$range`, `$hash`, `$random` (with an optional seed),
//! `$uuid` and `$parse`, and removes `$eval`. Their behaviour at the edges (what yields
//! `undefined`, which error each refusal raises, rounding arguments towards zero) follows
//! what AWS answers, as recorded by the Floci emulator's measurements against AWS and by the
//! LocalStack snapshots in the conformance corpus.
//!
//! A direct call with more arguments than a function takes is refused with T0410, as AWS
//! does; a function passed to a higher-order one keeps getting every argument it supplies
//! (see [`arity`]).

pub(crate) mod arity;
mod hash;
mod parse;
mod partition;
mod random;
mod range;

use std::cell::RefCell;
use std::rc::Rc;

use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError};
use jsonata_core::value::JValue;

use crate::EvaluationError;

pub(crate) use random::RandomSource;

/// What a function implementation returns: a value (`Undefined` for JSONata's `undefined`) or
/// a coded JSONata error.
type FunctionResult = Result<JValue, EvaluatorError>;

/// Makes `$eval` unavailable, as on AWS: the name is bound to `null`, so calling it raises
/// T1006 ("Attempted to invoke a non-function"), the error AWS gives.
pub(crate) fn remove_eval(context: &mut Context) {
    context.bind("eval".to_owned(), JValue::Null);
}

/// Registers on `evaluator` the AWS functions for which `mentions` (given a name without
/// the `$`) is true; the others cannot be called, so registering them would be wasted work.
/// Those in `overcalled` (see [`arity::overcalled`]) refuse extra arguments. `$random()` and
/// `$uuid()` draw from `source`.
pub(crate) fn install(
    evaluator: &mut Evaluator,
    mentions: impl Fn(&str) -> bool,
    overcalled: &[&str],
    source: impl FnOnce() -> RandomSource,
) -> Result<(), EvaluationError> {
    let registered = |outcome: Result<(), EvaluatorError>| {
        outcome.map_err(|error| EvaluationError::from_engine(&error))
    };
    let checked = |name: &'static str, function: fn(&[JValue]) -> FunctionResult| {
        let strict = overcalled.contains(&name);
        move |arguments: &[JValue]| {
            refuse_extra(name, strict, arguments)?;
            function(arguments)
        }
    };
    if mentions("partition") {
        registered(evaluator.register_fn("partition", checked("partition", partition::partition)))?;
    }
    if mentions("range") {
        registered(evaluator.register_fn("range", checked("range", range::range)))?;
    }
    if mentions("hash") {
        registered(evaluator.register_fn("hash", checked("hash", hash::hash)))?;
    }
    if mentions("parse") {
        registered(evaluator.register_fn("parse", checked("parse", parse::parse)))?;
    }
    let wants_random = mentions("random");
    let wants_uuid = mentions("uuid");
    if wants_random || wants_uuid {
        let source = Rc::new(RefCell::new(source()));
        if wants_random {
            let source = Rc::clone(&source);
            let strict = overcalled.contains(&"random");
            registered(
                evaluator.register_fn_override("random", move |arguments: &[JValue]| {
                    refuse_extra("random", strict, arguments)?;
                    random::random(arguments, &mut source.borrow_mut())
                }),
            )?;
        }
        if wants_uuid {
            let strict = overcalled.contains(&"uuid");
            registered(evaluator.register_fn("uuid", move |arguments: &[JValue]| {
                refuse_extra("uuid", strict, arguments)?;
                random::uuid(&mut source.borrow_mut())
            }))?;
        }
    }
    Ok(())
}

/// When `strict`, refuses more arguments than `function` takes, as JSONata does: T0410
/// naming the first argument too many.
fn refuse_extra(function: &str, strict: bool, arguments: &[JValue]) -> Result<(), EvaluatorError> {
    match arity::most_arguments(function) {
        Some(most) if strict && arguments.len() > most => Err(signature_error(function, most + 1)),
        _ => Ok(()),
    }
}

/// The argument in slot `index`; `Undefined` when the call left it out.
fn argument(arguments: &[JValue], index: usize) -> &JValue {
    arguments.get(index).unwrap_or(&JValue::Undefined)
}

/// AWS's refusal of an argument of the wrong type:
/// `T0410: Argument 2 of function "range" does not match function signature`.
fn signature_error(function: &str, argument_number: usize) -> EvaluatorError {
    EvaluatorError::TypeError(format!(
        "T0410: Argument {argument_number} of function \"{function}\" does not match function signature"
    ))
}

/// A numeric argument rounded towards zero, as AWS does (`-1.7` is `-1`, `2.9` is `2`).
/// Anything but a number is refused as a signature mismatch.
fn integer_argument(
    arguments: &[JValue],
    function: &str,
    index: usize,
) -> Result<i64, EvaluatorError> {
    match argument(arguments, index) {
        // `as` saturates at the i64 bounds and maps NaN to 0, like Java's `(long)` cast.
        JValue::Number(number) => Ok(*number as i64),
        _ => Err(signature_error(function, index + 1)),
    }
}

/// A D3137 error (the code of `$error()`), which AWS uses for its functions' own refusals.
fn refusal(message: impl std::fmt::Display) -> EvaluatorError {
    EvaluatorError::EvaluationError(format!("D3137: {message}"))
}
