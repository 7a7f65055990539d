//! One transition function per state: JSONPath data flow in AWS order (InputPath,
//! Parameters, the state's work, ResultSelector, ResultPath, OutputPath), then the
//! next state or the end.

use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, quote};

use crate::ir::choice::Choice;
use crate::ir::io::{JsonPathFlow, ResultPath, Selection};
use crate::ir::param::Param;
use crate::ir::state::{Fail, State, StateKind, Transition};

use super::machine::Names;
use super::scope::Scope;
use super::unsupported::Unsupported;
use super::{choice, intrinsic, template, wait};

/// The body of a transition function.
pub(super) struct Body {
    /// Statements; the function takes `input: Value` and `run: &mut Run` and
    /// returns `Result<Step<State>, ExecutionError>`.
    pub tokens: TokenStream,
    /// Whether the state reads the Context object (`$$`).
    pub reads_context: bool,
}

/// The body of the transition function of `state` (number `index`).
pub(super) fn body(state: &State, index: usize, names: &Names) -> Result<Body, Unsupported> {
    let mut scope = Scope::with_variables(names.variables.clone());
    // Only the first state runs in a TestState machine.
    scope.probes = names.tested == Some(crate::ir::StateId(index));
    // A JSONata Task, Parallel or Map state runs its work as in JSONPath mode, with
    // the default (empty) JSONPath steps; its fields are evaluated as JSONata.
    let jsonata_work = JsonPathFlow::default();
    let flow = match &state.data_flow {
        crate::ir::io::DataFlow::JsonPath(flow) => flow.as_ref(),
        crate::ir::io::DataFlow::Jsonata(_)
            if matches!(
                state.kind,
                StateKind::Task(_) | StateKind::Parallel(_) | StateKind::Map(_)
            ) =>
        {
            scope.jsonata = Some(super::jsonata::reads(state, &scope.variables));
            &jsonata_work
        }
        crate::ir::io::DataFlow::Jsonata(flow) => {
            let statements = super::jsonata_state::body(&mut scope, state, flow, names);
            return Ok(finish(scope, statements));
        }
    };
    let name = &state.name;
    let statements = match &state.kind {
        StateKind::Pass(pass) => {
            let mut out = Vec::new();
            // The input is read again only when ResultPath keeps it.
            let consume =
                matches!(&flow.result_path, ResultPath::Replace(path) if path.steps.is_empty());
            let effective = select_input(&mut scope, flow, consume, &mut out);
            let result = match (&pass.result, &flow.parameters) {
                (Some(value), parameters) => {
                    let reference = effective.reference();
                    if let Some(parameters) = parameters {
                        // Parameters still run before Result replaces their value:
                        // a path they miss fails the state, as on AWS.
                        out.extend(template::check_input(parameters, &reference));
                        let built =
                            template::build(&mut scope, parameters, "Parameters", &reference);
                        out.push(quote!(drop(#built);));
                    }
                    if let Effective::Local = effective {
                        // InputPath still applies (a miss fails the state), but
                        // nothing reads what it selects past Parameters.
                        out.push(quote!(drop(effective);));
                    }
                    let result = scope.constant("result", value);
                    out.push(quote!(let result = #result;));
                    out.extend(scope.inspect("Result", &quote!(&result)));
                    if over_payload_limit(value) {
                        out.push(quote!(limits::check_result(&result, #name)?;));
                    }
                    Owned::Local
                }
                (None, Some(parameters)) => {
                    let reference = effective.reference();
                    out.extend(template::check_input(parameters, &reference));
                    // Nothing reads the effective input after Parameters: its values
                    // can be moved into the result.
                    if consume && super::ownership::can_move_from(parameters) {
                        let source = effective.ident().into_token_stream();
                        out.push(scope.take_paths(parameters, &source));
                    }
                    let built = template::build(&mut scope, parameters, "Parameters", &reference);
                    debug_assert!(scope.taken.is_empty(), "every moved value is read");
                    scope.taken.clear();
                    out.push(quote!(let result = #built;));
                    out.extend(template::check_size(parameters, &quote!(result), name));
                    out.extend(scope.inspect("AfterParameters", &quote!(&result)));
                    Owned::Local
                }
                (None, None) => {
                    out.extend(scope.inspect("AfterParameters", &effective.reference()));
                    effective.into_result()
                }
            };
            out.extend(scope.inspect("AfterResultSelector", &result.reference()));
            // Assign reads the result as `$`.
            let apply = state.assign.as_ref().map(|assign| {
                let (evaluate, apply) =
                    super::variables::assign(&mut scope, assign, &result.reference());
                out.push(evaluate);
                apply
            });
            place_result(&mut scope, flow, result, &mut out);
            out.extend(scope.inspect("AfterResultPath", &quote!(&output)));
            select_output(&mut scope, flow, &mut out);
            out.extend(apply);
            out.push(transition(names, &pass.next));
            out
        }
        StateKind::Task(task) => super::task::body(&mut scope, state, task, flow, index, names),
        StateKind::Parallel(parallel) => {
            super::fan_out::parallel(&mut scope, state, parallel, flow, index, names)
        }
        StateKind::Map(map) => super::fan_out::map(&mut scope, state, map, flow, index, names),
        StateKind::Choice(choice) => choice_body(&mut scope, state, flow, choice, names),
        StateKind::Wait(wait) => {
            let mut out = Vec::new();
            let effective = select_input(&mut scope, flow, true, &mut out);
            out.push(wait::wait(&mut scope, &wait.until, &effective.reference()));
            let apply = assign_input(&mut scope, state, &effective, &mut out);
            let result = effective.into_result();
            out.push(result.as_output());
            select_output(&mut scope, flow, &mut out);
            out.extend(apply);
            out.push(transition(names, &wait.next));
            out
        }
        StateKind::Succeed => {
            let mut out = Vec::new();
            let effective = select_input(&mut scope, flow, true, &mut out);
            let apply = assign_input(&mut scope, state, &effective, &mut out);
            out.push(effective.into_result().as_output());
            select_output(&mut scope, flow, &mut out);
            out.extend(apply);
            out.push(quote!(Ok(Step::Succeed(output))));
            out
        }
        StateKind::Fail(fail) => fail_body(&mut scope, fail),
    };
    Ok(finish(scope, statements))
}

/// A body of `statements`, after the statics and the prelude `scope` asks for.
fn finish(scope: Scope, statements: Vec<TokenStream>) -> Body {
    let statics = scope.statics();
    let prelude = scope.context_prelude();
    Body {
        tokens: quote! {
            #(#statics)*
            #prelude
            #(#statements)*
        },
        reads_context: scope.uses_context,
    }
}

/// Where the state's effective input (after InputPath) lives.
pub(super) enum Effective {
    /// It is the untouched state input, `input`.
    Input,
    /// It is the local `effective`.
    Local,
}

impl Effective {
    pub(super) fn reference(&self) -> TokenStream {
        match self {
            Effective::Input => quote!(&input),
            Effective::Local => quote!(&effective),
        }
    }

    /// The local holding the effective input.
    fn ident(&self) -> Ident {
        let name = match self {
            Effective::Input => "input",
            Effective::Local => "effective",
        };
        Ident::new(name, proc_macro2::Span::call_site())
    }

    pub(super) fn into_result(self) -> Owned {
        match self {
            Effective::Input => Owned::Input,
            Effective::Local => Owned::Effective,
        }
    }
}

/// Where a state's result lives before ResultPath.
pub(super) enum Owned {
    /// The untouched state input.
    Input,
    /// The local `effective`.
    Effective,
    /// The local `result`.
    Local,
}

/// For states whose `$` in Assign is their effective input (Wait, Succeed): the
/// statement evaluating `state`'s Assign, pushed onto `out`, and the one writing it.
fn assign_input(
    scope: &mut Scope,
    state: &State,
    effective: &Effective,
    out: &mut Vec<TokenStream>,
) -> Option<TokenStream> {
    let assign = state.assign.as_ref()?;
    let (evaluate, apply) = super::variables::assign(scope, assign, &effective.reference());
    out.push(evaluate);
    Some(apply)
}

impl Owned {
    /// An `&Value` expression for it.
    fn reference(&self) -> TokenStream {
        let ident = self.ident();
        quote!(&#ident)
    }

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

/// InputPath: pushes the statements that select the effective input. With
/// `consume`, nothing reads the state input afterwards, and the effective input is
/// moved out of it.
pub(super) fn select_input(
    scope: &mut Scope,
    flow: &JsonPathFlow,
    consume: bool,
    out: &mut Vec<TokenStream>,
) -> Effective {
    let effective = select_effective(scope, flow, consume, out);
    // A JSONata state has no InputPath (and its input moves into `$states`).
    if scope.jsonata.is_none() {
        out.extend(scope.inspect("AfterInputPath", &effective.reference()));
    }
    effective
}

/// [`select_input`], without recording the effective input.
fn select_effective(
    scope: &mut Scope,
    flow: &JsonPathFlow,
    consume: bool,
    out: &mut Vec<TokenStream>,
) -> Effective {
    match &flow.input_path {
        Selection::Path(path)
            if path.segments.is_empty() && path.root == crate::ir::path::Root::Input =>
        {
            Effective::Input
        }
        Selection::Path(path) if consume && path.root == crate::ir::path::Root::Input => {
            let name = scope.path("input_path", path);
            out.push(quote!(let effective = dataflow::input_path_owned(&#name, input)?;));
            Effective::Local
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
pub(super) fn place_result(
    scope: &mut Scope,
    flow: &JsonPathFlow,
    result: Owned,
    out: &mut Vec<TokenStream>,
) {
    match &flow.result_path {
        ResultPath::Discard => {
            // The result is dropped here, explicitly: nothing else reads it.
            let discarded = match result {
                Owned::Input => None,
                other => {
                    let ident = other.ident();
                    Some(quote!(drop(#ident);))
                }
            };
            out.push(quote!(#discarded let output = input;));
        }
        ResultPath::Replace(path) if path.steps.is_empty() => out.push(result.as_output()),
        ResultPath::Replace(path) => {
            let name = scope.reference("result_path", path);
            // The result is the input itself (a Pass with neither Result nor
            // Parameters): the copy becomes the output, the input the result.
            let (output, result) = match result {
                Owned::Input => (quote!(input.clone()), quote!(input)),
                other => (quote!(input), other.ident().into_token_stream()),
            };
            out.push(quote! {
                let mut output = #output;
                dataflow::place(&#name, &mut output, #result)?;
            });
        }
    }
}

/// OutputPath: pushes the statements that select the state output from `output`.
pub(super) fn select_output(scope: &mut Scope, flow: &JsonPathFlow, out: &mut Vec<TokenStream>) {
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
            out.push(quote!(let output = dataflow::output_path_owned(&#name, output)?;));
        }
        Selection::Empty => out.push(quote! {
            drop(output);
            let output = dataflow::empty_object();
        }),
    }
}

/// `Ok(Step::Next(State::X(output)))` or `Ok(Step::Succeed(output))`.
pub(super) fn transition(names: &Names, next: &Transition) -> TokenStream {
    match next {
        Transition::Next(id) => {
            let variant = names.variant(*id);
            quote!(Ok(Step::Next(State::#variant(output))))
        }
        Transition::End => quote!(Ok(Step::Succeed(output))),
    }
}

/// A Choice state: the first matching rule's `Next` (and its Assign), else the
/// Default (with the state's Assign). Assign reads the effective input as `$`.
fn choice_body(
    scope: &mut Scope,
    state: &State,
    flow: &JsonPathFlow,
    choice: &Choice,
    names: &Names,
) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let effective = select_input(scope, flow, true, &mut out);
    let reference = effective.reference();
    let result = effective.into_result();
    let mut output = vec![result.as_output()];
    select_output(scope, flow, &mut output);
    let assign = |scope: &mut Scope, assign: &Option<crate::ir::template::Assign>| {
        let (evaluate, apply) = assign
            .as_ref()
            .map(|assign| super::variables::assign(scope, assign, &reference))
            .unzip();
        (evaluate, apply)
    };
    for rule in &choice.rules {
        let crate::ir::choice::Condition::Rule(rule_tree) = &rule.condition else {
            unreachable!("JSONata conditions are rejected before generation")
        };
        let condition = choice::condition(scope, rule_tree, &reference);
        let (evaluate, apply) = assign(scope, &rule.assign);
        let next = transition(names, &Transition::Next(rule.next));
        out.push(quote! {
            if #condition {
                #evaluate
                #(#output)*
                #apply
                return #next;
            }
        });
    }
    match choice.default {
        Some(default) => {
            let (evaluate, apply) = assign(scope, &state.assign);
            out.extend(evaluate);
            out.extend(output);
            out.extend(apply);
            out.push(transition(names, &Transition::Next(default)));
        }
        None => out.push(quote!(Err(choice::no_choice_matched(
            run.context().state_name()
        )))),
    }
    out
}

pub(super) fn fail_body(scope: &mut Scope, fail: &Fail) -> Vec<TokenStream> {
    let field = |scope: &mut Scope, param: &Option<Param<String>>, field: &str| match param {
        None => quote!(None),
        Some(Param::Fixed(text)) => quote!(Some(#text.to_owned())),
        Some(Param::Path(path)) => {
            let value = scope.read_reference(field, path, &quote!(&input));
            quote!(Some(dataflow::text(#value, #field)?))
        }
        Some(Param::Intrinsic(call)) => {
            let value = intrinsic::call(scope, call, field, &quote!(&input));
            quote!(Some(dataflow::text(&#value, #field)?))
        }
        Some(Param::Jsonata(expression)) => {
            let name = field.trim_end_matches("Path");
            let value = super::jsonata::evaluate_as(scope, expression, name, "string");
            quote!(Some(dataflow::text(&#value, #name)?))
        }
    };
    let error = field(scope, &fail.error, "ErrorPath");
    let cause = field(scope, &fail.cause, "CausePath");
    vec![quote! {
        Err(ExecutionError::from_parts(#error, #cause))
    }]
}

/// Whether a constant is over AWS's 256 KiB payload limit (then the state fails at
/// run time, as on AWS).
fn over_payload_limit(value: &serde_json::Value) -> bool {
    const MAX_PAYLOAD_BYTES: usize = 262_144;
    value.to_string().len() > MAX_PAYLOAD_BYTES
}
