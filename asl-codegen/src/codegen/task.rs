//! Task states: the handler called with the effective input or Parameters, within
//! TimeoutSeconds and HeartbeatSeconds; a `.waitForTaskToken` Task then waits for
//! the outcome sent with its token (`asl_runtime::task::callback`).

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::ir::io::JsonPathFlow;
use crate::ir::param::Param;
use crate::ir::resource::{IntegrationPattern, Resource, ResourceKind};
use crate::ir::state::{State, Task};

use super::attempt::{self, Attempt, Resilience};
use super::json;
use super::machine::Names;
use super::scope::Scope;
use super::state::{Effective, select_input};

/// The statements of Task state `state` (number `index`).
pub(super) fn body(
    scope: &mut Scope,
    state: &State,
    task: &Task,
    flow: &JsonPathFlow,
    index: usize,
    names: &Names,
) -> Vec<TokenStream> {
    scope.stamps_entry = true;
    let name = &state.name;
    let resource = descriptor(&task.resource);
    let method = names.function(crate::ir::StateId(index));
    // InputPath and Parameters run again for each attempt, which sees its own
    // `$$.State.RetryCount`.
    let mut prepare = Vec::new();
    let activity = matches!(task.resource.kind, ResourceKind::Activity { .. });
    let callback = activity
        || matches!(
            task.resource.kind,
            ResourceKind::Integration {
                pattern: IntegrationPattern::WaitForTaskToken,
                ..
            }
        );
    if callback {
        // `$$.Task.Token` for this attempt, before Parameters read it.
        prepare.push(quote!(run.set_task_token(Some(task::callback::token(run)));));
    }
    let keeps_input = attempt::keeps_input(flow, &task.catch);
    let retrying = !task.retry.is_empty();
    let effective = select_input(scope, flow, !retrying && !keeps_input, &mut prepare);
    let timeout = match &task.timeout_seconds {
        None => json::int(Task::DEFAULT_TIMEOUT_SECONDS).into_token_stream(),
        Some(seconds) => seconds_of(scope, seconds, "TimeoutSecondsPath", &effective),
    };
    let heartbeat = match &task.heartbeat_seconds {
        None => quote!(None),
        Some(seconds) => {
            let seconds = seconds_of(scope, seconds, "HeartbeatSecondsPath", &effective);
            quote!(Some(#seconds))
        }
    };
    // What the handler gets: the parameters (or JSONata Arguments), or the
    // effective input.
    let argument = if scope.jsonata.is_some() {
        super::jsonata_state::arguments(scope, state)
    } else {
        attempt::argument(
            scope,
            flow,
            &effective,
            state,
            retrying || keeps_input,
            &mut prepare,
        )
    };
    if callback && scope.uses_context && scope.jsonata.is_none() {
        // The Context object built on entry has no token yet.
        prepare.insert(1, quote!(let context_object = run.context().to_value();));
    }
    let nested = match &task.resource.kind {
        ResourceKind::Integration {
            service,
            action,
            pattern,
        } if service == "states" && action == "startExecution" => Some(match pattern {
            IntegrationPattern::Sync => quote!(Sync),
            IntegrationPattern::Sync2 => quote!(Sync2),
            IntegrationPattern::RequestResponse | IntegrationPattern::WaitForTaskToken => {
                quote!(No)
            }
        }),
        _ => None,
    };
    let handler = if let Some(wait) = nested {
        // A child of a machine in this binary, or the handler.
        let start = quote! {
            task::nested::start_execution(task, task::nested::Wait::#wait, argument, |input| {
                self.tasks.#method(input, task)
            })
        };
        if callback {
            quote!(task::callback::wait_for_token(task, #start))
        } else {
            start
        }
    } else if activity {
        quote! {
            task::callback::activity(task, argument, |input| {
                self.tasks.#method(input, task)
            })
        }
    } else if callback {
        quote!(task::callback::wait_for_token(task, self.tasks.#method(argument, task)))
    } else {
        quote!(self.tasks.#method(argument, task))
    };
    // A Task under test takes the test's mock, if it has one, for its outcome.
    let outcome = if scope.probes {
        quote! {
            match run.mocked() {
                Some(mocked) => mocked,
                None => attempt.run(#handler).await,
            }
        }
    } else {
        quote!(attempt.run(#handler).await)
    };
    let arguments = if scope.jsonata.is_some() {
        scope.inspect("AfterArguments", &quote!(&argument))
    } else {
        None
    };
    let run = quote! {
        static RESOURCE: task::Resource = #resource;
        let attempt = task::Attempt::new(#timeout, #heartbeat).since_start(run);
        let task = attempt.context(#name, &RESOURCE, run);
        let argument = #argument;
        #arguments
        task.record_start(&argument);
        let outcome = #outcome;
        task.record_end(&outcome);
    };
    let resilience = Resilience {
        retry: &task.retry,
        catch: &task.catch,
        next: &task.next,
    };
    attempt::body(
        scope,
        state,
        flow,
        resilience,
        Attempt { prepare, run },
        names,
    )
}

/// The runtime's description of `resource` (an `asl_runtime::task::Resource`), a
/// constant expression: the runtime parses no ARN.
fn descriptor(resource: &Resource) -> TokenStream {
    let arn = &resource.arn;
    match &resource.kind {
        ResourceKind::LambdaFunction { .. } => quote!(task::Resource::lambda_function(#arn)),
        ResourceKind::Activity { .. } => quote!(task::Resource::activity(#arn)),
        ResourceKind::Integration { pattern, .. } => {
            let (resource_type, name) = resource.history_names();
            let pattern = match pattern {
                IntegrationPattern::RequestResponse => quote!(RequestResponse),
                IntegrationPattern::Sync => quote!(Sync),
                IntegrationPattern::Sync2 => quote!(Sync2),
                IntegrationPattern::WaitForTaskToken => quote!(WaitForTaskToken),
            };
            quote! {
                task::Resource::integration(
                    #arn,
                    #resource_type,
                    #name,
                    task::IntegrationPattern::#pattern,
                )
            }
        }
    }
}

/// A Task's `TimeoutSeconds` or `HeartbeatSeconds` (the path variant named `field`)
/// as a `u64` expression.
fn seconds_of(
    scope: &mut Scope,
    seconds: &Param<u64>,
    field: &str,
    effective: &Effective,
) -> TokenStream {
    match seconds {
        Param::Fixed(seconds) => json::int(*seconds).into_token_stream(),
        Param::Path(path) => {
            let value = scope.read_reference(field, path, &effective.reference());
            let text = &path.text;
            quote!(task::seconds_from(#value, #field, #text)?)
        }
        Param::Jsonata(expression) => {
            super::jsonata_state::count(scope, expression, field.trim_end_matches("Path"))
        }
        Param::Intrinsic(_) => unreachable!("{field} is a number or a path"),
    }
}
