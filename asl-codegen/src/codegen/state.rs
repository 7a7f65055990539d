//! One transition function per state: JSONPath data flow in AWS order (InputPath,
//! Parameters, the state's work, ResultSelector, ResultPath, OutputPath), then the
//! next state or the end.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::choice::Choice;
use crate::ir::io::{JsonPathFlow, ResultPath, Selection};
use crate::ir::param::Param;
use crate::ir::retry::{Catcher, ErrorMatcher, JitterStrategy, Retrier};
use crate::ir::state::{Fail, State, StateKind, Task, Transition};

use super::machine::Names;
use super::scope::Scope;
use super::unsupported::Unsupported;
use super::{choice, intrinsic, json, template, wait};

/// The body of a transition function.
pub(super) struct Body {
    /// Statements; the function takes `input: Value` and `context: &mut Context` and
    /// returns `Result<Step<State>, ExecutionError>`.
    pub tokens: TokenStream,
    /// Whether the state reads the Context object (`$$`).
    pub reads_context: bool,
}

/// The body of the transition function of `state` (number `index`).
pub(super) fn body(state: &State, index: usize, names: &Names) -> Result<Body, Unsupported> {
    let mut scope = Scope::default();
    let flow = match &state.data_flow {
        crate::ir::io::DataFlow::JsonPath(flow) => flow.as_ref(),
        crate::ir::io::DataFlow::Jsonata(_) => {
            unreachable!("JSONata is rejected before generation")
        }
    };
    let name = &state.name;
    let statements = match &state.kind {
        StateKind::Pass(pass) => {
            let mut out = Vec::new();
            let effective = select_input(&mut scope, flow, &mut out);
            let result = match (&pass.result, &flow.parameters) {
                (Some(value), _) => {
                    let result = scope.constant("result", value);
                    out.push(quote!(let result = #result;));
                    if over_payload_limit(value) {
                        out.push(quote!(limits::check_result(&result, #name)?;));
                    }
                    Owned::Local
                }
                (None, Some(parameters)) => {
                    let reference = effective.reference();
                    out.extend(template::check_input(parameters, &reference));
                    let built = template::build(&mut scope, parameters, "Parameters", &reference);
                    out.push(quote!(let result = #built;));
                    out.extend(template::check_size(parameters, &quote!(result), name));
                    Owned::Local
                }
                (None, None) => effective.into_result(),
            };
            place_result(&mut scope, flow, result, &mut out);
            select_output(&mut scope, flow, &mut out);
            out.push(transition(names, &pass.next));
            out
        }
        StateKind::Task(task) => task_body(&mut scope, state, task, flow, index, names),
        StateKind::Choice(choice) => choice_body(&mut scope, flow, choice, names),
        StateKind::Wait(wait) => {
            let mut out = Vec::new();
            let effective = select_input(&mut scope, flow, &mut out);
            out.push(wait::wait(&mut scope, &wait.until, &effective.reference()));
            let result = effective.into_result();
            out.push(result.as_output());
            select_output(&mut scope, flow, &mut out);
            out.push(transition(names, &wait.next));
            out
        }
        StateKind::Succeed => {
            let mut out = Vec::new();
            let effective = select_input(&mut scope, flow, &mut out);
            out.push(effective.into_result().as_output());
            select_output(&mut scope, flow, &mut out);
            out.push(quote!(Ok(Step::Succeed(output))));
            out
        }
        StateKind::Fail(fail) => fail_body(&mut scope, fail),
        StateKind::Parallel(_) | StateKind::Map(_) => {
            unreachable!("Parallel and Map are rejected before generation")
        }
    };
    if scope.uses_variables {
        return Err(Unsupported {
            state: state.name.clone(),
            feature: "a workflow variable in a path".to_owned(),
        });
    }
    let statics = scope.statics();
    let prelude = scope.context_prelude();
    Ok(Body {
        tokens: quote! {
            #(#statics)*
            #prelude
            #(#statements)*
        },
        reads_context: scope.uses_context,
    })
}

/// Where the state's effective input (after InputPath) lives.
enum Effective {
    /// It is the untouched state input, `input`.
    Input,
    /// It is the local `effective`.
    Local,
}

impl Effective {
    fn reference(&self) -> TokenStream {
        match self {
            Effective::Input => quote!(&input),
            Effective::Local => quote!(&effective),
        }
    }

    fn into_result(self) -> Owned {
        match self {
            Effective::Input => Owned::Input,
            Effective::Local => Owned::Effective,
        }
    }
}

/// Where a state's result lives before ResultPath.
enum Owned {
    /// The untouched state input.
    Input,
    /// The local `effective`.
    Effective,
    /// The local `result`.
    Local,
}

impl Owned {
    fn ident(&self) -> Ident {
        let name = match self {
            Owned::Input => "input",
            Owned::Effective => "effective",
            Owned::Local => "result",
        };
        Ident::new(name, proc_macro2::Span::call_site())
    }

    /// `let output = <this>;`
    fn as_output(&self) -> TokenStream {
        let ident = self.ident();
        quote!(let output = #ident;)
    }
}

/// InputPath: pushes the statements that select the effective input.
fn select_input(scope: &mut Scope, flow: &JsonPathFlow, out: &mut Vec<TokenStream>) -> Effective {
    match &flow.input_path {
        Selection::Path(path)
            if path.segments.is_empty() && path.root == crate::ir::path::Root::Input =>
        {
            Effective::Input
        }
        Selection::Path(path) => {
            let name = scope.path("input_path", path);
            let root = scope.root(&path.root, &quote!(&input));
            out.push(quote!(let effective = dataflow::input_path(&#name, #root)?;));
            Effective::Local
        }
        Selection::Empty => {
            out.push(quote!(let effective = dataflow::empty_object();));
            Effective::Local
        }
    }
}

/// ResultPath: pushes the statements that combine the state input and the result
/// into `output`.
fn place_result(scope: &mut Scope, flow: &JsonPathFlow, result: Owned, out: &mut Vec<TokenStream>) {
    match &flow.result_path {
        ResultPath::Discard => out.push(quote!(let output = input;)),
        ResultPath::Replace(path) if path.steps.is_empty() => out.push(result.as_output()),
        ResultPath::Replace(path) => {
            let name = scope.reference("result_path", path);
            let result = match result {
                Owned::Input => quote!(input.clone()),
                other => other.ident().into_token_stream(),
            };
            out.push(quote! {
                let mut output = input;
                dataflow::place(&#name, &mut output, #result)?;
            });
        }
    }
}

/// OutputPath: pushes the statements that select the state output from `output`.
fn select_output(scope: &mut Scope, flow: &JsonPathFlow, out: &mut Vec<TokenStream>) {
    match &flow.output_path {
        Selection::Path(path)
            if path.segments.is_empty() && path.root == crate::ir::path::Root::Input => {}
        Selection::Path(path) if path.root != crate::ir::path::Root::Input => {
            let name = scope.path("output_path", path);
            let root = scope.root(&path.root, &quote!(&output));
            out.push(quote! {
                drop(output);
                let output = dataflow::output_path(&#name, #root)?;
            });
        }
        Selection::Path(path) => {
            let name = scope.path("output_path", path);
            out.push(quote!(let output = dataflow::output_path(&#name, &output)?;));
        }
        Selection::Empty => out.push(quote! {
            drop(output);
            let output = dataflow::empty_object();
        }),
    }
}

/// `Ok(Step::Next(State::X(output)))` or `Ok(Step::Succeed(output))`.
fn transition(names: &Names, next: &Transition) -> TokenStream {
    match next {
        Transition::Next(id) => {
            let variant = names.variant(*id);
            quote!(Ok(Step::Next(State::#variant(output))))
        }
        Transition::End => quote!(Ok(Step::Succeed(output))),
    }
}

fn task_body(
    scope: &mut Scope,
    state: &State,
    task: &Task,
    flow: &JsonPathFlow,
    index: usize,
    names: &Names,
) -> Vec<TokenStream> {
    scope.stamps_entry = true;
    let name = &state.name;
    let resource = &task.resource.arn;
    let method = names.function(crate::ir::StateId(index));
    // Producing the result: InputPath, Parameters, the handler (with Retry),
    // ResultSelector. Catch covers these steps.
    let mut produce = Vec::new();
    // InputPath and Parameters run again for each attempt, which sees its own
    // `$$.State.RetryCount`.
    let mut prepare = Vec::new();
    let effective = select_input(scope, flow, &mut prepare);
    let timeout = match &task.timeout_seconds {
        None => json::int(Task::DEFAULT_TIMEOUT_SECONDS).into_token_stream(),
        Some(seconds) => task_seconds(scope, seconds, "TimeoutSecondsPath", &effective),
    };
    let heartbeat = match &task.heartbeat_seconds {
        None => quote!(None),
        Some(seconds) => {
            let seconds = task_seconds(scope, seconds, "HeartbeatSecondsPath", &effective);
            quote!(Some(#seconds))
        }
    };
    // The state input outlives the call when ResultPath merges into it or a catcher
    // may need it; otherwise the handler can take it.
    let keeps_input = !task.catch.is_empty()
        || !matches!(&flow.result_path, ResultPath::Replace(path) if path.steps.is_empty());
    let retrying = !task.retry.is_empty();
    // What the handler gets: the parameters, or the effective input.
    let argument = match &flow.parameters {
        Some(parameters) => {
            let reference = effective.reference();
            prepare.extend(template::check_input(parameters, &reference));
            let built = template::build(scope, parameters, "Parameters", &reference);
            prepare.push(quote!(let parameters = #built;));
            prepare.extend(template::check_size(parameters, &quote!(parameters), name));
            quote!(parameters)
        }
        None => match effective {
            Effective::Input if retrying || keeps_input => quote!(input.clone()),
            Effective::Input => quote!(input),
            Effective::Local => quote!(effective),
        },
    };
    let call = quote! {
        let attempt = task::Attempt::new(#timeout, #heartbeat);
        let task = attempt.context(#name, #resource, context);
        let outcome = attempt.run(self.tasks.#method(#argument, task)).await;
    };
    if retrying {
        let retriers = task.retry.iter().map(retrier);
        let count = json::int(task.retry.len() as u64);
        scope.push_static(quote!(static RETRY: [retry::Retrier; #count] = [#(#retriers),*];));
        let refresh = scope
            .uses_context
            .then(|| quote!(let context_object = context.to_value();));
        produce.push(quote! {
            let mut retry = retry::Retry::new(&RETRY);
            let result = loop {
                #refresh
                #(#prepare)*
                #call
                match outcome {
                    Ok(result) => break result,
                    Err(error) => retry.after(error, context).await?,
                }
            };
        });
    } else {
        produce.extend(prepare);
        produce.push(quote! {
            #call
            let result = outcome?;
        });
    }
    produce.push(quote!(limits::check_result(&result, #name)?;));
    if let Some(selector) = &flow.result_selector {
        produce.extend(template::check_input(selector, &quote!(&result)));
        let (selector, reads_context) = scope.reads_context(|scope| {
            template::build(scope, selector, "ResultSelector", &quote!(&result))
        });
        if retrying && reads_context {
            // After retries: the Context object as the last attempt saw it.
            produce.push(quote!(let context_object = context.to_value();));
        }
        produce.push(quote!(let result = #selector;));
    }
    let mut out = if task.catch.is_empty() {
        produce
    } else {
        catch(scope, &task.catch, produce, names)
    };
    let ((), output_reads_context) = scope.reads_context(|scope| {
        place_result(scope, flow, Owned::Local, &mut out);
        select_output(scope, flow, &mut out);
    });
    // A retried Task builds the Context object in each attempt and for its
    // ResultSelector; only an OutputPath into `$$` needs the prelude's.
    scope.builds_context_object = retrying && !output_reads_context;
    out.push(transition(names, &task.next));
    out
}

/// Wraps the statements that produce a state's `result` so that the errors its
/// catchers match go to their `Next`, with the error output placed into the state
/// input by their ResultPath.
fn catch(
    scope: &mut Scope,
    catchers: &[Catcher],
    produce: Vec<TokenStream>,
    names: &Names,
) -> Vec<TokenStream> {
    let arms = catchers.iter().map(|catcher| {
        let errors = error_names(&catcher.errors);
        let placed = match &catcher.result_path {
            ResultPath::Discard => quote!(let output = input;),
            ResultPath::Replace(path) if path.steps.is_empty() => quote! {
                drop(input);
                let output = error.to_output();
            },
            ResultPath::Replace(path) => {
                let name = scope.reference("catch_result_path", path);
                quote! {
                    let mut output = input;
                    dataflow::place(&#name, &mut output, error.to_output())?;
                }
            }
        };
        let next = transition(names, &Transition::Next(catcher.next));
        quote! {
            Err(error) if retry::matches(&[#(#errors),*], &error) => {
                #placed
                return #next;
            }
        }
    });
    vec![quote! {
        let result: Result<Value, ExecutionError> = async {
            #(#produce)*
            Ok(result)
        }
        .await;
        let result = match result {
            Ok(result) => result,
            #(#arms)*
            Err(error) => return Err(error),
        };
    }]
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

fn error_names(matcher: &ErrorMatcher) -> Vec<&str> {
    match matcher {
        ErrorMatcher::All => vec!["States.ALL"],
        ErrorMatcher::Names(names) => names.iter().map(String::as_str).collect(),
    }
}

/// A Task's `TimeoutSeconds` or `HeartbeatSeconds` (the path variant named `field`)
/// as a `u64` expression.
fn task_seconds(
    scope: &mut Scope,
    seconds: &Param<u64>,
    field: &str,
    effective: &Effective,
) -> TokenStream {
    match seconds {
        Param::Fixed(seconds) => json::int(*seconds).into_token_stream(),
        Param::Path(path) => {
            let name = scope.reference(&field.to_snake_case(), path);
            let reference = effective.reference();
            let text = &path.text;
            quote!(task::seconds_from(
                dataflow::reference(&#name, #field, #reference)?,
                #field,
                #text,
            )?)
        }
        Param::Intrinsic(_) | Param::Jsonata(_) => {
            unreachable!("{field} is a number or a path in JSONPath mode")
        }
    }
}

fn choice_body(
    scope: &mut Scope,
    flow: &JsonPathFlow,
    choice: &Choice,
    names: &Names,
) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let effective = select_input(scope, flow, &mut out);
    let reference = effective.reference();
    let result = effective.into_result();
    let mut output = vec![result.as_output()];
    select_output(scope, flow, &mut output);
    for rule in &choice.rules {
        let crate::ir::choice::Condition::Rule(rule_tree) = &rule.condition else {
            unreachable!("JSONata conditions are rejected before generation")
        };
        let condition = choice::condition(scope, rule_tree, &reference);
        let next = transition(names, &Transition::Next(rule.next));
        out.push(quote! {
            if #condition {
                #(#output)*
                return #next;
            }
        });
    }
    match choice.default {
        Some(default) => {
            out.extend(output);
            out.push(transition(names, &Transition::Next(default)));
        }
        None => out.push(quote!(Err(choice::no_choice_matched(context.state_name())))),
    }
    out
}

fn fail_body(scope: &mut Scope, fail: &Fail) -> Vec<TokenStream> {
    let field = |scope: &mut Scope, param: &Option<Param<String>>, field: &str| match param {
        None => quote!(None),
        Some(Param::Fixed(text)) => quote!(Some(#text.to_owned())),
        Some(Param::Path(path)) => {
            let name = scope.reference(field, path);
            quote!(Some(dataflow::text(
                dataflow::reference(&#name, #field, &input)?,
                #field,
            )?))
        }
        Some(Param::Intrinsic(call)) => {
            let value = intrinsic::call(scope, call, field, &quote!(&input));
            quote!(Some(dataflow::text(&#value, #field)?))
        }
        Some(Param::Jsonata(_)) => unreachable!("JSONata is rejected before generation"),
    };
    let error = field(scope, &fail.error, "ErrorPath");
    let cause = field(scope, &fail.cause, "CausePath");
    vec![quote! {
        Err(ExecutionError { error: #error, cause: #cause })
    }]
}

/// Whether a constant is over AWS's 256 KiB payload limit (then the state fails at
/// run time, as on AWS).
fn over_payload_limit(value: &serde_json::Value) -> bool {
    const MAX_PAYLOAD_BYTES: usize = 262_144;
    value.to_string().len() > MAX_PAYLOAD_BYTES
}

use heck::ToSnakeCase;
use quote::ToTokens;
