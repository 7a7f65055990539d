//! The items of a generated machine: `enum State`, `trait Tasks`, `struct Machine`
//! with one transition function per state, and the `Workflow` impl the executor runs.

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{format_ident, quote};

use crate::ir::state::StateKind;
use crate::ir::{Machine, StateId};

use super::ident::StateIdents;
use super::state;
use super::unsupported::Unsupported;
use super::variables::Scopes;

/// Identifiers of a machine's states: views into the identifiers of every state of
/// the definition, nested machines included. State names are unique across the
/// whole definition, and so are these, so a Task method is named the same wherever
/// its state sits.
#[derive(Debug, Clone, Copy)]
pub(super) struct Names<'a> {
    idents: &'a StateIdents,
    offset: usize,
    /// The workflow variables this machine's states see.
    pub variables: &'a Scopes,
    /// In the top-level machine of a TestState build: its first state, the one
    /// under test, which records its data flow and takes mocks.
    pub tested: Option<StateId>,
}

impl Names<'_> {
    pub fn variant(&self, id: StateId) -> &Ident {
        &self.idents.variants[self.offset + id.0]
    }

    pub fn function(&self, id: StateId) -> &Ident {
        &self.idents.functions[self.offset + id.0]
    }

    /// The module of branch `branch` (from 0) of Parallel state `id`.
    pub fn branch_module(&self, id: StateId, branch: usize) -> Ident {
        format_ident!("{}_branch_{}", self.module_stem(id), branch + 1)
    }

    /// The module of Map state `id`'s item processor.
    pub fn processor_module(&self, id: StateId) -> Ident {
        format_ident!("{}_processor", self.module_stem(id))
    }

    /// The start of the names of state `id`'s nested modules: its function's name
    /// without trailing underscores (`start_` would give `start__processor`).
    fn module_stem(&self, id: StateId) -> String {
        self.function(id)
            .to_string()
            .trim_end_matches('_')
            .to_owned()
    }
}

/// The machines nested in `state`: a Parallel state's branches, a Map's processor.
pub(super) fn sub_machines(state: &crate::ir::State) -> Vec<&Machine> {
    match &state.kind {
        StateKind::Parallel(parallel) => parallel.branches.iter().collect(),
        StateKind::Map(map) => vec![&map.processor.machine],
        _ => Vec::new(),
    }
}

/// Every state of `machine` and of the machines nested in it, in the order their
/// identifiers are laid out: a machine's own states, then each nested machine's
/// (state by state, branch by branch), recursively.
fn all_states(machine: &Machine) -> Vec<&crate::ir::State> {
    let mut states: Vec<_> = machine.states.iter().collect();
    for state in &machine.states {
        for sub in sub_machines(state) {
            states.extend(all_states(sub));
        }
    }
    states
}

/// The generated code of one (sub)machine, before it is wrapped in its struct.
struct MachineCode {
    state_enum: TokenStream,
    /// The transition functions.
    functions: Vec<TokenStream>,
    /// The `Workflow` items shared by all machines: `start`, `step_now`, `step`.
    workflow: TokenStream,
    /// Whether any state here or in a nested machine reads `$$`.
    reads_context: bool,
    /// The modules of the nested machines.
    modules: Vec<TokenStream>,
    /// The Distributed Maps whose children may run in another process (see
    /// [`map_children`]).
    spread: Vec<SpreadMap>,
}

/// A Distributed Map whose children may run in another process of a fleet: its
/// state's name, the path of its processor's module, its label and the type of its
/// children.
struct SpreadMap {
    state: String,
    module: TokenStream,
    label: String,
    execution_type: TokenStream,
}

/// Generates `machine`, whose states' identifiers start at `offset`; nested
/// machines follow it in the layout of [`all_states`].
fn machine_code(
    machine: &Machine,
    idents: &StateIdents,
    offset: usize,
    variables: &Scopes,
    probes: bool,
    unsupported: &mut Vec<Unsupported>,
) -> MachineCode {
    let names = Names {
        idents,
        offset,
        variables,
        tested: probes.then_some(machine.start_at),
    };
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
        let doc = doc(state).into_iter().map(|line| {
            let line = doc_text(&line);
            quote!(#[doc = #line])
        });
        let input = parameter(&body, "input");
        let run = parameter(&body, "run");
        // Only Task, Wait, Parallel and Map states wait; the others are plain
        // functions, which keeps the executor's future small.
        let asyncness = waits(state).then(|| quote!(async));
        functions.push(quote! {
            #(#doc)*
            #asyncness fn #function(
                &self,
                #input: Value,
                #run: &mut Run,
            ) -> Result<Step<State>, ExecutionError> {
                #body
            }
        });
    }
    let mut modules = Vec::new();
    let mut spread = Vec::new();
    let mut next_offset = offset + machine.states.len();
    for (index, state) in machine.states.iter().enumerate() {
        let id = StateId(index);
        for (branch, sub) in sub_machines(state).into_iter().enumerate() {
            let (module, doc) = match &state.kind {
                StateKind::Map(_) => (
                    names.processor_module(id),
                    format!(" The item processor of the Map state `{}`.", state.name),
                ),
                _ => (
                    names.branch_module(id, branch),
                    format!(
                        " Branch {} of the Parallel state `{}`.",
                        branch + 1,
                        state.name
                    ),
                ),
            };
            let distributed = match &state.kind {
                StateKind::Map(map) => (map.processor.mode
                    == crate::ir::map::ProcessorMode::Distributed)
                    .then_some(map),
                _ => None,
            };
            let inner = variables.inner(sub, distributed.is_none());
            let mut code = machine_code(sub, idents, next_offset, &inner, false, unsupported);
            next_offset += all_states(sub).len();
            reads_context |= code.reads_context;
            let inner_spread = std::mem::take(&mut code.spread);
            match distributed {
                // Its children's own Distributed Maps run theirs where they run.
                Some(map) if super::distributed::spreads(map) => spread.push(SpreadMap {
                    state: state.name.clone(),
                    module: quote!(#module),
                    label: map.label.clone().unwrap_or_else(|| state.name.clone()),
                    execution_type: super::distributed::execution_type(map),
                }),
                Some(_) => {}
                None => spread.extend(inner_spread.into_iter().map(|inner| SpreadMap {
                    module: {
                        let path = inner.module;
                        quote!(#module::#path)
                    },
                    ..inner
                })),
            }
            modules.push(sub_module(&module, &doc, code));
        }
    }
    MachineCode {
        state_enum: state_enum(machine, &names),
        workflow: workflow_items(machine, &names),
        functions,
        reads_context,
        modules,
        spread,
    }
}

/// `Workflow::map_child` of a top-level machine with Distributed Maps whose
/// children may run in another process: by the Map state's name, its processor run
/// as the parent's process would run the child.
fn map_children(spread: &[SpreadMap]) -> Option<TokenStream> {
    if spread.is_empty() {
        return None;
    }
    let arms = spread.iter().map(|map| {
        let SpreadMap {
            state,
            module,
            label,
            execution_type,
        } = map;
        quote! {
            #state => Some(Box::pin(async move {
                let processor = #module::Machine::new(self.tasks());
                let child = exec::Child {
                    map_state: None,
                    label: #label,
                    execution_type: #execution_type,
                    name,
                };
                exec::run_child(&processor, parent, child, input).await
            })),
        }
    });
    Some(quote! {
        /// Runs a child of a Distributed Map state that another process of a
        /// fleet handed out, as that process would have run it.
        fn map_child<'a>(
            &'a self,
            map_state: &str,
            parent: &'a rt::Execution,
            name: String,
            input: Value,
        ) -> Option<rt::hooks::Boxed<'a, Result<Value, ExecutionError>>> {
            match map_state {
                #(#arms)*
                _ => None,
            }
        }
    })
}

/// The module of a nested machine: its own `State` enum and a `Machine` borrowing
/// the top-level machine's Task handlers.
fn sub_module(module: &Ident, doc: &str, code: MachineCode) -> TokenStream {
    let MachineCode {
        state_enum,
        functions,
        workflow,
        reads_context,
        modules,
        spread: _,
    } = code;
    let doc = doc_text(doc);
    quote! {
        #[doc = #doc]
        pub mod #module {
            #[allow(unused_imports)]
            use super::*;

            #state_enum

            /// This machine, run with the top-level machine's Task handlers.
            #[derive(Debug)]
            pub struct Machine<'a, T> {
                tasks: &'a T,
            }

            impl<'a, T: Tasks> Machine<'a, T> {
                /// This machine, calling `tasks`.
                pub fn new(tasks: &'a T) -> Self {
                    Machine { tasks }
                }

                /// The Task handlers.
                pub fn tasks(&self) -> &'a T {
                    self.tasks
                }

                #(#functions)*
            }

            impl<T: Tasks> rt::Workflow for Machine<'_, T> {
                type State = State;

                const READS_CONTEXT: bool = #reads_context;

                fn name(&self) -> &str {
                    MACHINE_NAME
                }

                #workflow
            }

            #(#modules)*
        }
    }
}

/// `start`, `step_now` and `step` of the `Workflow` impl of `machine`.
fn workflow_items(machine: &Machine, names: &Names) -> TokenStream {
    let arms: Vec<_> = machine
        .states
        .iter()
        .enumerate()
        .map(|(index, state)| {
            let variant = names.variant(StateId(index));
            let function = names.function(StateId(index));
            let wait = waits(state).then(|| quote!(.await));
            quote!(State::#variant(input) => self.#function(input, run) #wait,)
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
            quote!(State::#variant(input) => self.#function(input, run),)
        })
        .collect();
    let waiting = (now_arms.len() < machine.states.len())
        .then(|| quote!(state => Err(exec::cannot_run_now(state.name())),));
    let step_now = if now_arms.is_empty() {
        quote!(Err(exec::cannot_run_now(state.name())))
    } else {
        quote!(match state {
            #(#now_arms)*
            #waiting
        })
    };
    let now_run = if now_arms.is_empty() {
        format_ident!("_run")
    } else {
        format_ident!("run")
    };
    let start = names.variant(machine.start_at);
    quote! {
        fn start(&self, input: Value) -> State {
            State::#start(input)
        }

        #[inline]
        fn step_now(&self, state: State, #now_run: &mut Run) -> Result<Step<State>, ExecutionError> {
            #step_now
        }

        async fn step(
            &self,
            state: State,
            run: &mut Run,
        ) -> Result<Step<State>, ExecutionError> {
            match state {
                #(#arms)*
            }
        }
    }
}

/// Every item of the generated code for `machine`, named `machine_name`, failing
/// after `timeout_seconds` (the definition's `TimeoutSeconds`) when set, reaching the
/// runtime through `runtime` (`::asl_runtime`).
pub(super) fn items(
    machine: &Machine,
    machine_name: &str,
    timeout_seconds: Option<u64>,
    runtime: &TokenStream,
    test_state: Option<&[String]>,
) -> Result<TokenStream, Vec<Unsupported>> {
    let states = all_states(machine);
    let idents = StateIdents::new(states.iter().map(|state| state.name.as_str()));
    let variables = Scopes::top(machine, test_state.unwrap_or_default());
    let probes = test_state.is_some();
    let everything = Names {
        idents: &idents,
        offset: 0,
        variables: &variables,
        tested: probes.then_some(machine.start_at),
    };
    let mut unsupported = Vec::new();
    let MachineCode {
        state_enum,
        functions,
        workflow,
        reads_context,
        modules,
        spread,
    } = machine_code(machine, &idents, 0, &variables, probes, &mut unsupported);
    if !unsupported.is_empty() {
        return Err(unsupported);
    }
    let tasks = tasks_trait(&states, &everything);
    let timeout = timeout_seconds.map(|seconds| {
        let seconds = super::json::int(seconds);
        quote! {
            /// The definition's `TimeoutSeconds`.
            fn timeout(&self) -> Option<::std::time::Duration> {
                Some(::std::time::Duration::from_secs(#seconds))
            }
        }
    });
    // A TestState machine says which slot holds which variable, so that the test
    // can set them and report them.
    let variable_names = probes.then(|| {
        let names = variables.own();
        quote! {
            fn variable_names(&self) -> &'static [&'static str] {
                &[#(#names),*]
            }
        }
    });
    let map_children = map_children(&spread);
    let task_list = states.iter().filter_map(|state| match &state.kind {
        StateKind::Task(task) => {
            let (name, resource) = (&state.name, &task.resource.arn);
            Some(quote!((#name, #resource)))
        }
        _ => None,
    });
    let machine_doc = doc_text(&format!(
        " The `{machine_name}` state machine, with its Task handlers `T`."
    ));
    let abi = format_ident!("__abi_{}", super::RUNTIME_ABI);
    let abi_version = proc_macro2::Literal::u32_unsuffixed(super::RUNTIME_ABI);
    Ok(quote! {
        #runtime::__abi_check!(#abi_version);
        use #runtime::#abi as rt;
        #[allow(unused_imports)]
        use rt::serde_json::{self, Map, Value};
        #[allow(unused_imports)]
        use rt::{choice, dataflow, exec, intrinsics, jsonata, limits, map, path, retry, task, timestamp, variables, wait};
        #[allow(unused_imports)]
        use rt::{ExecutionError, Run, Step, TaskContext, TaskError};

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
                self.run_with(rt::RunOptions::default(), input).await
            }

            /// Runs an execution named `name` (`$$.Execution.Name`) with `input`.
            pub async fn run_named(
                &self,
                name: &str,
                input: Value,
            ) -> Result<Value, ExecutionError> {
                self.run_with(rt::RunOptions::default().name(name), input).await
            }

            /// Runs an execution with `input`, started as `options` say (its name,
            /// the seed of its retry jitter).
            pub async fn run_with(
                &self,
                options: rt::RunOptions,
                input: Value,
            ) -> Result<Value, ExecutionError> {
                exec::run(self, options, input).await
            }

            #(#functions)*
        }

        impl<T: Tasks> rt::Workflow for Machine<T> {
            type State = State;

            const READS_CONTEXT: bool = #reads_context;

            fn name(&self) -> &str {
                MACHINE_NAME
            }

            #timeout

            #variable_names

            #workflow

            #map_children
        }

        #(#modules)*
    })
}

fn state_enum(machine: &Machine, names: &Names) -> TokenStream {
    let variants = machine.states.iter().enumerate().map(|(index, state)| {
        let variant = names.variant(StateId(index));
        let doc = doc_text(&format!(
            " `{}` ({}), with its input.",
            state.name,
            state.kind.type_name()
        ));
        let serde = serde_names(machine, &state.name, variant);
        quote! {
            #[doc = #doc]
            #serde
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
        quote!(State::#variant(_) => rt::StateType::#state_type,)
    });
    let variants_with_input = (0..machine.states.len()).map(|index| {
        let variant = names.variant(StateId(index));
        quote!(State::#variant(input))
    });
    quote! {
        /// A point in an execution: the state about to run, carrying its input.
        /// Serializable, so an execution can be checkpointed between transitions.
        #[derive(Debug, Clone, PartialEq, rt::serde::Serialize, rt::serde::Deserialize)]
        #[serde(crate = "rt::serde")]
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

        impl rt::MachineState for State {
            fn name(&self) -> &'static str {
                State::name(self)
            }

            fn state_type(&self) -> rt::StateType {
                match self {
                    #(#type_arms)*
                }
            }

            fn input(&self) -> &Value {
                match self {
                    #(#variants_with_input)|* => input,
                }
            }
        }
    }
}

/// The `#[serde]` attribute of the variant `variant` of the state `name`: a
/// checkpoint names the state as the definition does (`{"Ask for approval": ...}`),
/// and still reads the variant's name, which checkpoints written before held, unless
/// another state of `machine` is named so.
fn serde_names(machine: &Machine, name: &str, variant: &Ident) -> Option<TokenStream> {
    let old = variant.to_string();
    if old == name {
        return None;
    }
    let taken = machine.states.iter().any(|state| state.name == old);
    let alias = (!taken).then(|| quote!(, alias = #old));
    Some(quote!(#[serde(rename = #name #alias)]))
}

fn tasks_trait(states: &[&crate::ir::State], names: &Names) -> TokenStream {
    let tasks: Vec<_> = states
        .iter()
        .enumerate()
        .filter_map(|(index, state)| match &state.kind {
            StateKind::Task(task) => Some((names.function(StateId(index)), state, task)),
            _ => None,
        })
        .collect();
    let methods = tasks.iter().map(|(method, state, task)| {
        let doc = doc_text(&format!(
            " The Task state `{}`: Resource `{}`.",
            state.name, task.resource.arn
        ));
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
                rt::Dispatch::call(&self.0, task, input)
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
        impl<D: rt::Dispatch> Tasks for rt::Dynamic<D> {
            #(#dispatch)*
        }

        #unit
    }
}

/// `text` (which holds names and values of the definition) made fit for a doc
/// comment: the codepoints that change the direction of text, which rustc refuses in
/// comments, written as escapes (`\u{202e}`), so that a definition cannot make its
/// generated code fail to compile, nor show other code than it is.
fn doc_text(text: &str) -> String {
    const TEXT_DIRECTION: [char; 9] = [
        '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}',
    ];
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        if TEXT_DIRECTION.contains(&c) {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    shown
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

/// Whether none of `machine`'s states waits (see [`waits`]): its executions can run
/// to their end at once, without a future.
pub(super) fn never_waits(machine: &Machine) -> bool {
    !machine.states.iter().any(waits)
}

/// Whether the state's transition function awaits (a Task's handler, a Wait's timer,
/// the branches of a Parallel, the iterations of a Map).
fn waits(state: &crate::ir::State) -> bool {
    matches!(
        state.kind,
        StateKind::Task(_) | StateKind::Wait(_) | StateKind::Parallel(_) | StateKind::Map(_)
    )
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
