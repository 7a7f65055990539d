//! What Task, Parallel and Map states share: their result is made in attempts that
//! `Retry` may repeat and `Catch` may end, then goes through ResultSelector,
//! ResultPath and OutputPath.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::io::{JsonPathFlow, ResultPath};
use crate::ir::retry::{Catcher, ErrorMatcher, JitterStrategy, Retrier};
use crate::ir::state::{State, Transition};

use super::machine::Names;
use super::scope::Scope;
use super::state::{Effective, Owned, place_result, select_output, transition};
use super::{json, ownership, template};

/// One attempt at making a state's result.
pub(super) struct Attempt {
    /// Statements run before each attempt (InputPath, Parameters ...), which sees
    /// its own `$$.State.RetryCount`.
    pub prepare: Vec<TokenStream>,
    /// Statements that leave the attempt's `outcome: Result<Value, ExecutionError>`.
    pub run: TokenStream,
}

/// The fields that make a state resilient.
pub(super) struct Resilience<'a> {
    pub retry: &'a [Retrier],
    pub catch: &'a [Catcher],
    pub next: &'a Transition,
}

/// Whether the state input must outlive the attempt: ResultPath merges into it, or
/// a catcher may place the error output into it.
pub(super) fn keeps_input(flow: &JsonPathFlow, catch: &[Catcher]) -> bool {
    !catch.is_empty()
        || !matches!(&flow.result_path, ResultPath::Replace(path) if path.steps.is_empty())
}

/// What a Task's handler or a Parallel's branches get: the Parameters (built by
/// statements pushed onto `prepare`), or the effective input. `reused` says whether
/// the value must be copied out of the state input (which a retry or ResultPath
/// still needs).
pub(super) fn argument(
    scope: &mut Scope,
    flow: &JsonPathFlow,
    effective: &Effective,
    state: &State,
    reused: bool,
    prepare: &mut Vec<TokenStream>,
) -> TokenStream {
    match &flow.parameters {
        Some(parameters) => {
            let reference = effective.reference();
            prepare.extend(template::check_input(parameters, &reference));
            let built = template::build(scope, parameters, "Parameters", &reference);
            prepare.push(quote!(let parameters = #built;));
            prepare.extend(template::check_size(
                parameters,
                &quote!(parameters),
                &state.name,
            ));
            prepare.extend(scope.inspect("AfterParameters", &quote!(&parameters)));
            quote!(parameters)
        }
        None => {
            prepare.extend(scope.inspect("AfterParameters", &effective.reference()));
            match effective {
                Effective::Input if reused => quote!(input.clone()),
                Effective::Input => quote!(input),
                Effective::Local => quote!(effective),
            }
        }
    }
}

/// The attempts of a state (retried as `retry` says) leaving its checked `result`.
pub(super) fn attempts(
    scope: &mut Scope,
    state: &State,
    retry: &[Retrier],
    attempt: Attempt,
) -> Vec<TokenStream> {
    let name = &state.name;
    let Attempt { prepare, run } = attempt;
    let mut produce = Vec::new();
    if retry.is_empty() {
        produce.extend(prepare);
        produce.push(quote! {
            #run
            let result = outcome?;
        });
    } else {
        let retriers = retry.iter().map(retrier);
        let count = json::int(retry.len() as u64);
        scope.push_static(quote!(static RETRY: [retry::Retrier; #count] = [#(#retriers),*];));
        let refresh = scope
            .uses_context
            .then(|| quote!(let context_object = run.context().to_value();));
        produce.push(quote! {
            let mut retry = retry::Retry::resume(&RETRY, run).await;
            let result = loop {
                #refresh
                #(#prepare)*
                #run
                match outcome {
                    Ok(result) => break result,
                    Err(error) => retry.after(error, run).await?,
                }
            };
        });
    }
    produce.extend(scope.inspect("Result", &quote!(&result)));
    produce.push(quote!(limits::check_result(&result, #name)?;));
    produce
}

/// The statements of a resilient state: its attempts (retried as `Retry` says), the
/// size check and ResultSelector, `Catch`, ResultPath, OutputPath and the
/// transition. `scope` must already hold what `attempt` was built with.
pub(super) fn body(
    scope: &mut Scope,
    state: &State,
    flow: &JsonPathFlow,
    resilience: Resilience<'_>,
    attempt: Attempt,
    names: &Names,
) -> Vec<TokenStream> {
    if let crate::ir::io::DataFlow::Jsonata(jsonata) = &state.data_flow {
        return super::jsonata_state::work(scope, state, jsonata, resilience, attempt, names);
    }
    let retrying = !resilience.retry.is_empty();
    // Producing the result: the attempts, ResultSelector. Catch covers these steps.
    let mut produce = attempts(scope, state, resilience.retry, attempt);
    // Assign reads the raw result as `$`, before ResultSelector.
    let apply = state.assign.as_ref().map(|assign| {
        let (evaluate, apply) = super::variables::assign(scope, assign, &quote!(&result));
        produce.push(evaluate);
        apply
    });
    if let Some(selector) = &flow.result_selector {
        produce.extend(template::check_input(selector, &quote!(&result)));
        // The result is read for the last time: its values can be moved.
        let moving = ownership::can_move_from(selector);
        if moving {
            produce.push(scope.take_paths(selector, &quote!(result)));
        }
        let (selector, reads_context) = scope.reads_context(|scope| {
            template::build(scope, selector, "ResultSelector", &quote!(&result))
        });
        debug_assert!(scope.taken.is_empty(), "every moved value is read");
        scope.taken.clear();
        if retrying && reads_context {
            // After retries: the Context object as the last attempt saw it.
            produce.push(quote!(let context_object = run.context().to_value();));
        }
        produce.push(quote!(let result = #selector;));
    }
    produce.extend(scope.inspect("AfterResultSelector", &quote!(&result)));
    let mut out = if resilience.catch.is_empty() {
        produce
    } else {
        catch(scope, resilience.catch, produce, apply.is_some(), names)
    };
    let ((), output_reads_context) = scope.reads_context(|scope| {
        place_result(scope, flow, Owned::Local, &mut out);
        out.extend(scope.inspect("AfterResultPath", &quote!(&output)));
        select_output(scope, flow, &mut out);
    });
    out.extend(apply);
    // A retried state builds the Context object in each attempt and for its
    // ResultSelector; only an OutputPath into `$$` needs the prelude's.
    scope.builds_context_object = retrying && !output_reads_context;
    out.push(transition(names, resilience.next));
    out
}

/// Wraps the statements that produce a state's `result` (and, when `assigns`, the
/// state's evaluated Assign, `assigned`) so that the errors its catchers match go
/// to their `Next`, with the error output placed into the state input by their
/// ResultPath and their own Assign (reading the error output as `$`) written.
fn catch(
    scope: &mut Scope,
    catchers: &[Catcher],
    produce: Vec<TokenStream>,
    assigns: bool,
    names: &Names,
) -> Vec<TokenStream> {
    let arms = catchers.iter().enumerate().map(|(index, catcher)| {
        let errors = error_names(&catcher.errors);
        let caught = scope.probes.then(|| quote!(run.caught_by(#index, &error);));
        let (evaluate, apply) = catcher
            .assign
            .as_ref()
            .map(|assign| super::variables::assign(scope, assign, &quote!(&error_output)))
            .unzip();
        let placed = match &catcher.result_path {
            ResultPath::Discard => quote!(let output = input;),
            ResultPath::Replace(path) if path.steps.is_empty() => quote! {
                drop(input);
                let output = error_output;
            },
            ResultPath::Replace(path) => {
                let name = scope.reference("catch_result_path", path);
                quote! {
                    let mut output = input;
                    dataflow::place(&#name, &mut output, error_output)?;
                }
            }
        };
        let next = transition(names, &Transition::Next(catcher.next));
        quote! {
            Err(error) if retry::matches(&[#(#errors),*], &error) => {
                run.catch();
                #caught
                let error_output = error.to_output();
                #evaluate
                #placed
                #apply
                return #next;
            }
        }
    });
    let (produced, ok) = if assigns {
        (quote!((Value, _)), quote!((result, assigned)))
    } else {
        (quote!(Value), quote!(result))
    };
    vec![guarded(produce, arms, produced, ok)]
}

/// Runs `produce` (statements leaving what `ok`, of type `produced`, names) so that
/// an error it fails with goes to the first of `arms` that matches it, or fails the
/// state.
pub(super) fn guarded(
    produce: Vec<TokenStream>,
    arms: impl Iterator<Item = TokenStream>,
    produced: TokenStream,
    ok: TokenStream,
) -> TokenStream {
    quote! {
        let produced: Result<#produced, ExecutionError> = async {
            #(#produce)*
            Ok(#ok)
        }
        .await;
        let #ok = match produced {
            Ok(produced) => produced,
            #(#arms)*
            Err(error) => return Err(error),
        };
    }
}

/// A `retry::Retrier` constant.
fn retrier(retrier: &Retrier) -> TokenStream {
    let errors = error_names(&retrier.errors);
    let interval = json::int(retrier.interval_seconds);
    let attempts = json::int(retrier.max_attempts);
    let backoff = proc_macro2::Literal::f64_unsuffixed(retrier.backoff_rate);
    let max_delay = match retrier.max_delay_seconds {
        Some(seconds) => {
            let seconds = json::int(seconds);
            quote!(Some(#seconds))
        }
        None => quote!(None),
    };
    let jitter = match retrier.jitter {
        JitterStrategy::Full => quote!(retry::Jitter::Full),
        JitterStrategy::None => quote!(retry::Jitter::None),
    };
    quote! {
        retry::Retrier {
            errors: &[#(#errors),*],
            interval_seconds: #interval,
            max_attempts: #attempts,
            backoff_rate: #backoff,
            max_delay_seconds: #max_delay,
            jitter: #jitter,
        }
    }
}

pub(super) fn error_names(matcher: &ErrorMatcher) -> Vec<&str> {
    match matcher {
        ErrorMatcher::All => vec!["States.ALL"],
        ErrorMatcher::Names(names) => names.iter().map(String::as_str).collect(),
    }
}
