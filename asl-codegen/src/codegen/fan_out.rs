//! Parallel and Map states: the nested machines run concurrently, each from its own
//! input, their outputs gathered into an array in order.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

use crate::ir::StateId;
use crate::ir::io::JsonPathFlow;
use crate::ir::map::{Items, Map};
use crate::ir::param::Param;
use crate::ir::path::Root;
use crate::ir::state::{Parallel, State};

use super::attempt::{self, Attempt, Resilience};
use super::machine::Names;
use super::scope::Scope;
use super::state::{Effective, select_input};
use super::{json, ownership, template};

/// The statements of Parallel state `state` (number `index`): every branch runs
/// from the Parameters (or the effective input); the first branch to fail fails
/// the state and cancels the others.
pub(super) fn parallel(
    scope: &mut Scope,
    state: &State,
    parallel: &Parallel,
    flow: &JsonPathFlow,
    index: usize,
    names: &Names,
) -> Vec<TokenStream> {
    let mut prepare = Vec::new();
    let reused = !parallel.retry.is_empty() || attempt::keeps_input(flow, &parallel.catch);
    let effective = select_input(scope, flow, !reused, &mut prepare);
    let argument = attempt::argument(scope, flow, &effective, state, reused, &mut prepare);
    prepare.push(quote!(let branch_input = #argument;));
    let count = parallel.branches.len();
    let machines: Vec<_> = (1..=count).map(|n| format_ident!("branch_{n}")).collect();
    let outputs: Vec<_> = (1..=count).map(|n| format_ident!("output_{n}")).collect();
    let modules = (0..count).map(|branch| names.branch_module(StateId(index), branch));
    // The last branch takes what the others get copies of.
    let last = |branch: usize, value: TokenStream| {
        if branch + 1 == count {
            value
        } else {
            quote!(#value.clone())
        }
    };
    let inputs = (0..count).map(|branch| last(branch, quote!(branch_input)));
    let executions = (0..count).map(|branch| last(branch, quote!(execution)));
    let run = quote! {
        let execution = context.shared_execution();
        #(let #machines = #modules::Machine::new(self.tasks());)*
        let outcome = ::asl_runtime::__private::futures::try_join!(
            #(exec::run_branch(&#machines, #executions, #inputs)),*
        )
        .map(|(#(#outputs,)*)| Value::Array(vec![#(#outputs),*]));
    };
    let resilience = Resilience {
        retry: &parallel.retry,
        catch: &parallel.catch,
        next: &parallel.next,
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

/// The statements of Map state `state` (number `index`): the processor runs for
/// each item (its input built by ItemSelector), at most MaxConcurrency at a time,
/// and the outputs come back in item order.
pub(super) fn map(
    scope: &mut Scope,
    state: &State,
    map: &Map,
    flow: &JsonPathFlow,
    index: usize,
    names: &Names,
) -> Vec<TokenStream> {
    let mut prepare = Vec::new();
    let reused = !map.retry.is_empty() || attempt::keeps_input(flow, &map.catch);
    let effective = select_input(scope, flow, !reused, &mut prepare);
    let reference = effective.reference();
    let Items::Path(items_path) = &map.items else {
        unreachable!("JSONata Items are rejected before generation")
    };
    // The items can be moved out of the effective input when nothing reads them
    // there again: no retry or catcher, no ResultPath into the input, and an
    // ItemSelector that reads beside them.
    let movable = !reused
        && items_path.root == Root::Input
        && map
            .item_selector
            .as_ref()
            .is_none_or(|selector| ownership::reads_apart(selector, &items_path.steps));
    let name = scope.reference("items_path", items_path);
    let text = &items_path.text;
    if movable {
        let source = match effective {
            Effective::Input => quote!(input),
            Effective::Local => quote!(effective),
        };
        prepare.push(quote! {
            let mut #source = #source;
            let items = map::items(dataflow::take(&#name, "ItemsPath", &mut #source)?, #text)?;
        });
    } else {
        let root = scope.root(&items_path.root, &reference);
        prepare.push(quote! {
            let items = map::items(dataflow::reference(&#name, "ItemsPath", #root)?.clone(), #text)?;
        });
    }
    let inputs = match &map.item_selector {
        None => quote!(items),
        Some(selector) => {
            prepare.extend(template::check_input(selector, &reference));
            scope.in_item_selector = true;
            let built = template::build(scope, selector, "ItemSelector", &reference);
            scope.in_item_selector = false;
            if std::mem::take(&mut scope.reads_map_item) {
                // `$$.Map.Item.Index` and `$$.Map.Item.Value` for each item.
                quote! {
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(index, item)| {
                            let item_context = ::asl_runtime::context::map_item(index, item);
                            Ok(#built)
                        })
                        .collect::<Result<Vec<Value>, ExecutionError>>()?
                }
            } else {
                quote! {
                    items
                        .iter()
                        .map(|_| Ok(#built))
                        .collect::<Result<Vec<Value>, ExecutionError>>()?
                }
            }
        }
    };
    prepare.push(quote!(let inputs = #inputs;));
    let max_concurrency = match &map.max_concurrency {
        Param::Fixed(limit) => json::int(*limit).into_token_stream(),
        Param::Path(path) => {
            let read = read(scope, path, "MaxConcurrencyPath", &reference);
            let text = &path.text;
            quote!(map::max_concurrency_from(#read, #text)?)
        }
        Param::Intrinsic(_) | Param::Jsonata(_) => {
            unreachable!("MaxConcurrency is a number or a path in JSONPath mode")
        }
    };
    let count = match &map.tolerated_failure_count {
        None => quote!(None),
        Some(Param::Fixed(count)) => {
            let count = json::int(*count);
            quote!(Some(#count))
        }
        Some(Param::Path(path)) => {
            let read = read(scope, path, "ToleratedFailureCountPath", &reference);
            let text = &path.text;
            quote!(Some(map::tolerated_count_from(#read, #text)?))
        }
        Some(Param::Intrinsic(_) | Param::Jsonata(_)) => {
            unreachable!("ToleratedFailureCount is a number or a path in JSONPath mode")
        }
    };
    let percentage = match &map.tolerated_failure_percentage {
        None => quote!(None),
        Some(Param::Fixed(percentage)) => {
            let percentage = proc_macro2::Literal::f64_unsuffixed(*percentage);
            quote!(Some(#percentage))
        }
        Some(Param::Path(path)) => {
            let read = read(scope, path, "ToleratedFailurePercentagePath", &reference);
            let text = &path.text;
            quote!(Some(map::tolerated_percentage_from(#read, #text)?))
        }
        Some(Param::Intrinsic(_) | Param::Jsonata(_)) => {
            unreachable!("ToleratedFailurePercentage is a number or a path in JSONPath mode")
        }
    };
    prepare.push(quote! {
        let max_concurrency = #max_concurrency;
        let tolerance = map::Tolerance { count: #count, percentage: #percentage };
    });
    let module = names.processor_module(StateId(index));
    let run = quote! {
        let processor = #module::Machine::new(self.tasks());
        let processor = &processor;
        let execution = context.shared_execution();
        let outcome = map::run(inputs, max_concurrency, tolerance, move |input| {
            exec::run_branch(processor, execution.clone(), input)
        })
        .await
        .map(Value::Array);
    };
    let resilience = Resilience {
        retry: &map.retry,
        catch: &map.catch,
        next: &map.next,
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

/// The value a `...Path` field (`field`) reads from the effective input.
fn read(
    scope: &mut Scope,
    path: &crate::ir::path::ReferencePath,
    field: &str,
    reference: &TokenStream,
) -> TokenStream {
    use heck::ToSnakeCase;
    let name = scope.reference(&field.to_snake_case(), path);
    let root = scope.root(&path.root, reference);
    quote!(dataflow::reference(&#name, #field, #root)?)
}
