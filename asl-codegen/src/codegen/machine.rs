//! The items of a generated machine: `enum State`, `trait Tasks`, `struct Machine`
//! with one transition function per state, and the `Workflow` impl the executor runs.

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{format_ident, quote};

use crate::ir::state::StateKind;
use crate::ir::{Machine, StateId};

use super::ident::StateIdents;
use super::state;
use super::unsupported::Unsupported;

/// Identifiers of a machine's states.
#[derive(Debug)]
pub(super) struct Names {
    idents: StateIdents,
}

impl Names {
    pub fn variant(&self, id: StateId) -> &Ident {
        &self.idents.variants[id.0]
    }

    pub fn function(&self, id: StateId) -> &Ident {
        &self.idents.functions[id.0]
    }
}

/// Every item of the generated code for `machine`, named `machine_name`, failing
/// after `timeout_seconds` (the definition's `TimeoutSeconds`) when set.
pub(super) fn items(
    machine: &Machine,
    machine_name: &str,
    timeout_seconds: Option<u64>,
) -> Result<TokenStream, Vec<Unsupported>> {
    let names = Names {
        idents: StateIdents::new(machine.states.iter().map(|state| state.name.as_str())),
    };
    let state_enum = state_enum(machine, &names);
    let tasks = tasks_trait(machine, &names);
    let mut unsupported = Vec::new();
    let mut functions = Vec::new();
    let mut reads_context = false;
    for (index, state) in machine.states.iter().enumerate() {
        let body = match state::body(state, index, &names) {
            Ok(body) => {
                reads_context |= body.reads_context;
                body.tokens
            }
            Err(error) => {
                unsupported.push(error);
                continue;
            }
        };
        let function = names.function(StateId(index));
        let doc = doc(state).into_iter().map(|line| quote!(#[doc = #line]));
        let input = parameter(&body, "input");
        let context = parameter(&body, "context");
        // Only Task and Wait states wait; the others are plain functions, which keeps
        // the executor's future small.
        let asyncness = waits(state).then(|| quote!(async));
        functions.push(quote! {
            #(#doc)*
            #asyncness fn #function(
                &self,
                #input: Value,
                #context: &mut Context,
            ) -> Result<Step<State>, ExecutionError> {
                #body
            }
        });
    }
    if !unsupported.is_empty() {
        return Err(unsupported);
    }
    let arms: Vec<_> = machine
        .states
        .iter()
        .enumerate()
        .map(|(index, state)| {
            let variant = names.variant(StateId(index));
            let function = names.function(StateId(index));
            let wait = waits(state).then(|| quote!(.await));
            quote!(State::#variant(input) => self.#function(input, context) #wait,)
        })
        .collect();
    let now_arms: Vec<_> = machine
        .states
        .iter()
        .enumerate()
        .filter(|(_, state)| !waits(state))
        .map(|(index, _)| {
            let variant = names.variant(StateId(index));
            let function = names.function(StateId(index));
            quote!(State::#variant(input) => ::asl_runtime::Now::Ran(self.#function(input, context)),)
        })
        .collect();
    let waiting = (now_arms.len() < machine.states.len())
        .then(|| quote!(state => ::asl_runtime::Now::Waits(state),));
    let timeout = timeout_seconds.map(|seconds| {
        let seconds = super::json::int(seconds);
        quote! {
            /// The definition's `TimeoutSeconds`.
            fn timeout(&self) -> Option<::std::time::Duration> {
                Some(::std::time::Duration::from_secs(#seconds))
            }
        }
    });
    let step_now = if now_arms.is_empty() {
        quote!(::asl_runtime::Now::Waits(state))
    } else {
        quote!(match state {
            #(#now_arms)*
            #waiting
        })
    };
    let now_context = if now_arms.is_empty() {
        format_ident!("_context")
    } else {
        format_ident!("context")
    };
    let start = names.variant(machine.start_at);
    let task_list = machine.states.iter().filter_map(|state| match &state.kind {
        StateKind::Task(task) => {
            let (name, resource) = (&state.name, &task.resource.arn);
            Some(quote!((#name, #resource)))
        }
        _ => None,
    });
    let machine_doc = format!(" The `{machine_name}` state machine, with its Task handlers `T`.");
    Ok(quote! {
        #[allow(unused_imports)]
        use ::asl_runtime::__private::serde_json::{self, Map, Value};
        #[allow(unused_imports)]
        use ::asl_runtime::{choice, dataflow, intrinsics, limits, path, retry, task, timestamp, wait};
        #[allow(unused_imports)]
        use ::asl_runtime::{Context, ExecutionError, Step, TaskContext, TaskError};

        /// The state machine's name (`$$.StateMachine.Name`).
        pub const MACHINE_NAME: &str = #machine_name;

        /// Every Task state, as (state name, Resource).
        pub const TASKS: &[(&str, &str)] = &[#(#task_list),*];

        #state_enum

        #tasks

        #[doc = #machine_doc]
        #[derive(Debug, Clone, Default)]
        pub struct Machine<T> {
            tasks: T,
        }

        impl<T: Tasks> Machine<T> {
            /// A machine whose Task states call `tasks`.
            pub fn new(tasks: T) -> Self {
                Machine { tasks }
            }

            /// The Task handlers.
            pub fn tasks(&self) -> &T {
                &self.tasks
            }

            /// Runs an execution with `input` to its end: the output, or the error and
            /// cause it failed with.
            pub async fn run(
                &self,
                input: Value,
            ) -> Result<Value, ExecutionError> {
                self.run_with(::asl_runtime::RunOptions::default(), input).await
            }

            /// Runs an execution named `name` (`$$.Execution.Name`) with `input`.
            pub async fn run_named(
                &self,
                name: &str,
                input: Value,
            ) -> Result<Value, ExecutionError> {
                self.run_with(::asl_runtime::RunOptions::default().name(name), input).await
            }

            /// Runs an execution with `input`, started as `options` say (its name,
            /// the seed of its retry jitter).
            pub async fn run_with(
                &self,
                options: ::asl_runtime::RunOptions,
                input: Value,
            ) -> Result<Value, ExecutionError> {
                ::asl_runtime::exec::run(self, options, input).await
            }

            #(#functions)*
        }

        impl<T: Tasks> ::asl_runtime::Workflow for Machine<T> {
            type State = State;

            const READS_CONTEXT: bool = #reads_context;

            fn name(&self) -> &str {
                MACHINE_NAME
            }

            #timeout

            fn start(&self, input: Value) -> State {
                State::#start(input)
            }

            fn step_now(&self, state: State, #now_context: &mut Context) -> ::asl_runtime::Now<State> {
                #step_now
            }

            async fn step(
                &self,
                state: State,
                context: &mut Context,
            ) -> Result<Step<State>, ExecutionError> {
                match state {
                    #(#arms)*
                }
            }
        }
    })
}

fn state_enum(machine: &Machine, names: &Names) -> TokenStream {
    let variants = machine.states.iter().enumerate().map(|(index, state)| {
        let variant = names.variant(StateId(index));
        let doc = format!(
            " `{}` ({}), with its input.",
            state.name,
            state.kind.type_name()
        );
        quote! {
            #[doc = #doc]
            #variant(Value),
        }
    });
    let name_arms = machine.states.iter().enumerate().map(|(index, state)| {
        let variant = names.variant(StateId(index));
        let name = &state.name;
        quote!(State::#variant(_) => #name,)
    });
    let type_arms = machine.states.iter().enumerate().map(|(index, state)| {
        let variant = names.variant(StateId(index));
        let state_type = format_ident!("{}", state.kind.type_name());
        quote!(State::#variant(_) => ::asl_runtime::StateType::#state_type,)
    });
    quote! {
        /// A point in an execution: the state about to run, carrying its input.
        /// Serializable, so an execution can be checkpointed between transitions.
        #[derive(Debug, Clone, PartialEq, ::asl_runtime::__private::serde::Serialize, ::asl_runtime::__private::serde::Deserialize)]
        #[serde(crate = "::asl_runtime::__private::serde")]
        pub enum State {
            #(#variants)*
        }

        impl State {
            /// The state's name in the definition.
            pub fn name(&self) -> &'static str {
                match self {
                    #(#name_arms)*
                }
            }
        }

        impl ::asl_runtime::MachineState for State {
            fn name(&self) -> &'static str {
                State::name(self)
            }

            fn state_type(&self) -> ::asl_runtime::StateType {
                match self {
                    #(#type_arms)*
                }
            }
        }
    }
}

fn tasks_trait(machine: &Machine, names: &Names) -> TokenStream {
    let tasks: Vec<_> = machine
        .states
        .iter()
        .enumerate()
        .filter_map(|(index, state)| match &state.kind {
            StateKind::Task(task) => Some((names.function(StateId(index)), state, task)),
            _ => None,
        })
        .collect();
    let methods = tasks.iter().map(|(method, state, task)| {
        let doc = format!(
            " The Task state `{}`: Resource `{}`.",
            state.name, task.resource.arn
        );
        quote! {
            #[doc = #doc]
            fn #method(
                &self,
                input: Value,
                task: TaskContext<'_>,
            ) -> impl ::core::future::Future<Output = Result<Value, TaskError>> + Send;
        }
    });
    let dispatch = tasks.iter().map(|(method, _, _)| {
        quote! {
            fn #method(
                &self,
                input: Value,
                task: TaskContext<'_>,
            ) -> impl ::core::future::Future<Output = Result<Value, TaskError>> + Send {
                ::asl_runtime::Dispatch::call(&self.0, task, input)
            }
        }
    });
    let unit = tasks.is_empty().then(|| {
        quote! {
            /// This machine has no Task states: `Machine::new(())`.
            impl Tasks for () {}
        }
    });
    quote! {
        /// The machine's Task handlers: one method per Task state.
        pub trait Tasks: Send + Sync {
            #(#methods)*
        }

        /// Task handlers chosen at run time (command, HTTP ... bindings).
        impl<D: ::asl_runtime::Dispatch> Tasks for ::asl_runtime::Dynamic<D> {
            #(#dispatch)*
        }

        #unit
    }
}

/// The lines of the state's doc comment: its name, type and definition.
fn doc(state: &crate::ir::State) -> Vec<String> {
    const MAX_DOC_JSON: usize = 2000;
    let mut json = serde_json::to_string_pretty(&state.definition).unwrap_or_default();
    if json.len() > MAX_DOC_JSON {
        let cut = (0..=MAX_DOC_JSON)
            .rev()
            .find(|&i| json.is_char_boundary(i))
            .unwrap_or(0);
        json.truncate(cut);
        json.push_str("\n...");
    }
    let mut lines = vec![
        format!(" `{}` ({}).", state.name, state.kind.type_name()),
        String::new(),
        " ```json".to_owned(),
    ];
    lines.extend(json.lines().map(|line| format!(" {line}")));
    lines.push(" ```".to_owned());
    lines
}

/// Whether the state's transition function awaits (a Task's handler, a Wait's timer).
fn waits(state: &crate::ir::State) -> bool {
    matches!(state.kind, StateKind::Task(_) | StateKind::Wait(_))
}

/// `name`, or `_name` when `body` never mentions it (so unused parameters do not warn).
fn parameter(body: &TokenStream, name: &str) -> Ident {
    if mentions(body, name) {
        Ident::new(name, proc_macro2::Span::call_site())
    } else {
        format_ident!("_{name}")
    }
}

fn mentions(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|token| match token {
        TokenTree::Ident(ident) => ident == name,
        TokenTree::Group(group) => mentions(&group.stream(), name),
        _ => false,
    })
}
