//! JSONata-mode states: their input is `$states.input`, `Output` (default: the
//! input) shapes what they pass on, `Assign` sets variables, Choice rules test a
//! `Condition`, and Wait and Fail take their values from `{% %}` expressions.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::choice::{Choice, Condition};
use crate::ir::io::JsonataFlow;
use crate::ir::state::{State, StateKind, Transition, WaitFor};
use crate::ir::template::{Assign, Template};

use super::attempt::{Attempt, Resilience};
use super::jsonata::{self, Reads};
use super::machine::Names;
use super::scope::Scope;
use super::state::transition;

/// The statements of JSONata-mode `state`, one that does not run work of its own
/// (Pass, Succeed, Wait, Choice, Fail).
pub(super) fn body(
    scope: &mut Scope,
    state: &State,
    flow: &JsonataFlow,
    names: &Names,
) -> Vec<TokenStream> {
    let mut reads = jsonata::reads(state, &scope.variables);
    // Pass, Succeed and Choice states whose expressions all run as Rust from the
    // input build no `$states`.
    reads.from_input = matches!(
        state.kind,
        StateKind::Pass(_) | StateKind::Succeed | StateKind::Choice(_)
    ) && !reads.context
        && jsonata::reads_only_input(state, &scope.variables);
    scope.jsonata = Some(reads.clone());
    match &state.kind {
        StateKind::Pass(pass) => passing(
            scope,
            state,
            flow,
            &reads,
            None,
            transition(names, &pass.next),
        ),
        StateKind::Succeed => passing(
            scope,
            state,
            flow,
            &reads,
            None,
            quote!(Ok(Step::Succeed(output))),
        ),
        StateKind::Wait(wait) => {
            let work = wait_for(scope, &wait.until);
            passing(
                scope,
                state,
                flow,
                &reads,
                work,
                transition(names, &wait.next),
            )
        }
        StateKind::Choice(choice) => self::choice(scope, state, flow, &reads, choice, names),
        StateKind::Fail(fail) => {
            let mut out = vec![
                jsonata::states(&reads, quote!(input), false),
                jsonata::bindings(&reads),
            ];
            out.extend(super::state::fail_body(scope, fail));
            out
        }
        StateKind::Task(_) | StateKind::Parallel(_) | StateKind::Map(_) => {
            unreachable!("states with work are generated with their attempts")
        }
    }
}

/// A state that outputs its input unless `Output` says otherwise, after `work`
/// (statements that may evaluate with `bindings`), and ends with `end`.
fn passing(
    scope: &mut Scope,
    state: &State,
    flow: &JsonataFlow,
    reads: &Reads,
    work: Option<TokenStream>,
    end: TokenStream,
) -> Vec<TokenStream> {
    if flow.output.is_none() && state.assign.is_none() && work.is_none() {
        return vec![quote!(let output = input;), end];
    }
    let mut out = states_and_bindings(reads, flow.output.is_none());
    out.extend(work);
    // Assign before Output: Output may take the input back out of `states`.
    let (evaluate, apply) = assign(scope, state.assign.as_ref());
    out.extend(evaluate);
    out.push(output(scope, flow.output.as_ref(), "input", reads));
    out.extend(apply);
    out.push(end);
    out
}

/// `let states = ...;` and `let bindings = ...;` (`states` `mutable`), unless the
/// state's expressions read only its input (see [`Reads::from_input`]).
fn states_and_bindings(reads: &Reads, mutable: bool) -> Vec<TokenStream> {
    if reads.from_input {
        return Vec::new();
    }
    vec![
        jsonata::states(reads, quote!(input), mutable),
        jsonata::bindings(reads),
    ]
}

/// `let output = ...;`: `Output`'s value, or else `$states.<default>` (`input`,
/// `result`, `errorOutput`) taken back out of `states` (the input itself when no
/// `states` was built).
fn output(
    scope: &mut Scope,
    output: Option<&Template>,
    default: &str,
    reads: &Reads,
) -> TokenStream {
    match output {
        Some(template) => {
            let value = super::template::build(scope, template, "Output", &quote!(&input));
            quote!(let output = #value;)
        }
        None if reads.from_input => quote!(let output = input;),
        None => quote!(let output = jsonata::take_member(&mut states, #default);),
    }
}

/// The statements evaluating and writing `assign`, when there is one.
fn assign(
    scope: &mut Scope,
    assign: Option<&Assign>,
) -> (Option<TokenStream>, Option<TokenStream>) {
    assign
        .map(|assign| super::variables::assign(scope, assign, &quote!(&input)))
        .unzip()
}

/// Statements waiting as a JSONata Wait says.
fn wait_for(scope: &mut Scope, until: &WaitFor) -> Option<TokenStream> {
    use crate::ir::param::Param;
    match until {
        // TestState does not wait.
        WaitFor::Seconds(Param::Jsonata(expression)) => {
            let seconds = jsonata::evaluate_count(scope, expression, "Seconds");
            let wait = (!scope.probes).then(|| quote!(wait::seconds(run, seconds).await;));
            Some(quote! {
                let seconds = #seconds;
                #wait
            })
        }
        WaitFor::Timestamp(Param::Jsonata(expression)) => {
            let text = jsonata::evaluate_as(scope, expression, "Timestamp", "string");
            let wait = (!scope.probes).then(|| quote!(wait::until(run, &instant).await;));
            Some(quote! {
                let instant = wait::timestamp_from(&#text, "Timestamp")?;
                #wait
            })
        }
        fixed => Some(super::wait::wait(scope, fixed, &quote!(&Value::Null))),
    }
}

/// A JSONata Choice state: the first rule whose Condition holds decides, with its
/// own Output and Assign; the Default takes the state's.
fn choice(
    scope: &mut Scope,
    state: &State,
    flow: &JsonataFlow,
    reads: &Reads,
    choice: &Choice,
    names: &Names,
) -> Vec<TokenStream> {
    let takes_input = choice.rules.iter().any(|rule| rule.output.is_none())
        || (choice.default.is_some() && flow.output.is_none());
    let mut out = states_and_bindings(reads, takes_input);
    for rule in &choice.rules {
        let condition = match &rule.condition {
            Condition::Constant(holds) => quote!(#holds),
            Condition::Jsonata(expression) => {
                let value = jsonata::evaluate_as(scope, expression, "Condition", "boolean");
                quote!(#value == Value::Bool(true))
            }
            Condition::Rule(_) => unreachable!("JSONPath rules are not in JSONata states"),
        };
        let (evaluate, apply) = assign(scope, rule.assign.as_ref());
        let output = output(scope, rule.output.as_ref(), "input", reads);
        let next = transition(names, &Transition::Next(rule.next));
        out.push(quote! {
            if #condition {
                #evaluate
                #output
                #apply
                return #next;
            }
        });
    }
    match choice.default {
        Some(default) => {
            let (evaluate, apply) = assign(scope, state.assign.as_ref());
            out.extend(evaluate);
            out.push(output(scope, flow.output.as_ref(), "input", reads));
            out.extend(apply);
            out.push(transition(names, &Transition::Next(default)));
        }
        None => out.push(quote!(Err(choice::no_choice_matched(
            run.context().state_name()
        )))),
    }
    out
}

/// The statements of a JSONata Task, Parallel or Map state: its input moved into
/// `$states`, the attempts (which evaluate `Arguments` and the like with
/// `bindings`), then `Assign` and `Output` reading `$states.result`; a matching
/// catcher's `Assign` and `Output` read `$states.errorOutput` (its Output defaults
/// to the error output).
pub(super) fn work(
    scope: &mut Scope,
    state: &State,
    flow: &JsonataFlow,
    resilience: Resilience<'_>,
    attempt: Attempt,
    names: &Names,
) -> Vec<TokenStream> {
    let reads = scope.jsonata.clone().unwrap_or_default();
    // `states` gains the result or error output when something reads them.
    let mutable = !resilience.catch.is_empty() || state.assign.is_some() || flow.output.is_some();
    let mut out = vec![jsonata::states(&reads, quote!(input), mutable)];
    let mut produce = super::attempt::attempts(scope, state, resilience.retry, attempt);
    // Assign and Output read the result as `$states.result`; when they fail, the
    // state fails, and Catch covers them as it covers the work.
    let (evaluate, apply) = assign(scope, state.assign.as_ref());
    let shapes = evaluate.is_some() || flow.output.is_some();
    let mut finish = Vec::new();
    if shapes {
        let output = output(scope, flow.output.as_ref(), "result", &reads);
        finish.push(quote!(jsonata::with_member(&mut states, "result", result);));
        finish.push(jsonata::bindings(&reads));
        finish.extend(evaluate);
        finish.push(output);
    } else {
        finish.push(quote!(let output = result;));
    }
    let assigns = apply.is_some();
    if resilience.catch.is_empty() {
        out.extend(produce);
        out.extend(finish);
    } else {
        produce.extend(finish);
        let arms = resilience.catch.iter().enumerate().map(|(index, catcher)| {
            let errors = super::attempt::error_names(&catcher.errors);
            let caught = scope.probes.then(|| quote!(run.caught_by(#index, &error);));
            let (evaluate, apply) = assign(scope, catcher.assign.as_ref());
            let output = output(scope, catcher.output.as_ref(), "errorOutput", &reads);
            let bindings = jsonata::bindings(&reads);
            let next = transition(names, &Transition::Next(catcher.next));
            // A failed Assign or Output leaves no result for the catcher to see.
            let forget = shapes.then(|| quote!(jsonata::remove_member(&mut states, "result");));
            quote! {
                Err(error) if retry::matches(&[#(#errors),*], &error) => {
                    run.catch();
                    #caught
                    #forget
                    jsonata::with_member(&mut states, "errorOutput", error.to_output());
                    #bindings
                    #evaluate
                    #output
                    #apply
                    return #next;
                }
            }
        });
        let arms: Vec<_> = arms.collect();
        let (produced, ok) = if assigns {
            (quote!((Value, _)), quote!((output, assigned)))
        } else {
            (quote!(Value), quote!(output))
        };
        out.push(super::attempt::guarded(
            produce,
            arms.into_iter(),
            produced,
            ok,
        ));
    }
    out.extend(apply);
    out.push(transition(names, resilience.next));
    out
}

/// What a JSONata Task's handler or Parallel's branches get: `Arguments`, or the
/// state input.
pub(super) fn arguments(scope: &mut Scope, state: &State) -> TokenStream {
    let arguments = match &state.data_flow {
        crate::ir::io::DataFlow::Jsonata(flow) => flow.arguments.as_ref(),
        crate::ir::io::DataFlow::JsonPath(_) => None,
    };
    match arguments {
        Some(template) => {
            let value = super::template::build(scope, template, "Arguments", &quote!(&Value::Null));
            scope.with_bindings(value)
        }
        None => quote!(jsonata::input(&states).clone()),
    }
}

/// A `u64` expression for a count field `field` given as `{% %}`, in a JSONata
/// state.
pub(super) fn count(
    scope: &mut Scope,
    expression: &crate::ir::jsonata::Jsonata,
    field: &str,
) -> TokenStream {
    let value = jsonata::evaluate_count(scope, expression, field);
    scope.with_bindings(value)
}
