//! Parallel and Map states: the nested machines run concurrently, each from its own
//! input, their outputs gathered into an array in order.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::StateId;
use crate::ir::io::JsonPathFlow;
use crate::ir::map::{Items, Map, ProcessorMode};
use crate::ir::param::Param;
use crate::ir::path::Root;
use crate::ir::state::{Parallel, State};

use super::attempt::{self, Attempt, Resilience};
use super::machine::Names;
use super::scope::{MapItemReads, Scope};
use super::state::{Effective, select_input};
use super::{distributed, ownership, template};

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
    // A branch that reads only some members of the input (`ownership::start_reads`)
    // gets a copy of just those; the others share `branch_input`, the last of them
    // taking it.
    let projections: Vec<_> = if scope.jsonata.is_some() {
        vec![None; parallel.branches.len()]
    } else {
        parallel
            .branches
            .iter()
            .map(ownership::start_reads)
            .collect()
    };
    let mut whole = projections.iter().filter(|reads| reads.is_none()).count();
    let source = if whole == 0 && flow.parameters.is_none() {
        effective.reference()
    } else {
        let argument = if scope.jsonata.is_some() {
            super::jsonata_state::arguments(scope, state)
        } else {
            attempt::argument(scope, flow, &effective, state, reused, &mut prepare)
        };
        prepare.push(quote!(let branch_input = #argument;));
        quote!(&branch_input)
    };
    let count = parallel.branches.len();
    let machines: Vec<_> = (1..=count).map(|n| format_ident!("branch_{n}")).collect();
    let outputs: Vec<_> = (1..=count).map(|n| format_ident!("output_{n}")).collect();
    let inputs: Vec<_> = (1..=count).map(|n| format_ident!("input_{n}")).collect();
    let modules = (0..count).map(|branch| names.branch_module(StateId(index), branch));
    let mut projected = Vec::new();
    let mut shared = Vec::new();
    for (input, reads) in inputs.iter().zip(&projections) {
        match reads {
            Some(paths) => {
                let paths: Vec<_> = paths
                    .iter()
                    .map(|path| scope.reference("branch_reads", path))
                    .collect();
                projected.push(quote! {
                    let #input = dataflow::project(&[#(&#paths),*], #source)
                        .unwrap_or_else(|| Value::clone(#source));
                });
            }
            None => {
                whole -= 1;
                let value = if whole == 0 {
                    quote!(branch_input)
                } else {
                    quote!(branch_input.clone())
                };
                shared.push(quote!(let #input = #value;));
            }
        }
    }
    // The last branch takes the execution and variables the others get copies of
    // (so that the state's own Assign writes them without a copy).
    let last = |branch: usize, value: TokenStream| {
        if branch + 1 == count {
            value
        } else {
            quote!(#value.clone())
        }
    };
    let executions = (0..count).map(|branch| last(branch, quote!(execution)));
    let variables = (0..count).map(|branch| last(branch, quote!(variables)));
    let places = (0..count).map(|branch| {
        let branch = super::json::int(branch as u64);
        quote!(around.branch(#branch))
    });
    let run = if scope.probes {
        // Under test, the branches do not run: the mock is their result.
        quote! {
            let _ = #source;
            let outcome = run.mocked().unwrap_or_else(rt::probe::unmocked);
        }
    } else {
        quote! {
        #(#projected)*
        #(#shared)*
        let execution = run.shared_execution();
        let variables = run.shared_variables();
        let around = run.around();
        #(let #machines = #modules::Machine::new(self.tasks());)*
        let outcome = rt::futures::try_join!(
            #(exec::run_branch(&#machines, #executions, #variables, #places, #inputs)),*
        )
        .map(|(#(#outputs,)*)| Value::Array(vec![#(#outputs),*]));
        }
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
    let resilience = Resilience {
        retry: &map.retry,
        catch: &map.catch,
        next: &map.next,
    };
    if scope.probes {
        let run = mocked_map(scope, map, &effective, &mut prepare);
        let attempt = Attempt { prepare, run };
        return attempt::body(scope, state, flow, resilience, attempt, names);
    }
    // `items`: in memory from ItemsPath, or a stream from the ItemReader. The
    // ItemSelector is built first: whether it reads `$$.Map.Item.Key` decides
    // whether the keys are kept.
    let mut streamed = map.item_reader.is_some();
    let selection = map
        .item_selector
        .as_ref()
        .map(|selector| select_items(scope, selector, &reference, streamed));
    let reads = selection
        .as_ref()
        .map(|(_, reads)| *reads)
        .unwrap_or_default();
    let keys = reads.key;
    match &map.item_reader {
        Some(reader) => {
            prepare.push(distributed::reader(scope, reader, &reference, reads.source));
            if keys {
                prepare.push(quote!(let keys: Option<Vec<String>> = None;));
            }
        }
        None if scope.jsonata.is_some() => prepare.push(jsonata_items(scope, map)),
        None => prepare.push(items_from_path(scope, map, &effective, reused, keys)),
    }
    if let (Some(selector), Some((select, _))) = (&map.item_selector, selection) {
        prepare.extend(template::check_input(selector, &reference));
        prepare.push(select);
    }
    if let Some(batcher) = &map.item_batcher {
        let inputs = if streamed {
            quote!(items)
        } else {
            quote!(Box::new(items.into_iter().map(Ok)))
        };
        let batches = distributed::batches(scope, batcher, &reference, inputs);
        prepare.push(quote!(let items: map::reader::Items<'_> = #batches;));
        streamed = true;
    }
    let Limits {
        max_concurrency,
        count,
        percentage,
    } = limits(scope, map, &reference);
    let writer = map.result_writer.as_ref();
    let writer_arguments =
        writer.and_then(|writer| distributed::writer_arguments(scope, writer, &reference));
    if let Some(arguments) = &writer_arguments {
        prepare.push(quote!(let writer_arguments = #arguments;));
    }
    let keep_inputs = writer.is_some();
    prepare.push(quote! {
        let runner = map::Runner {
            max_concurrency: #max_concurrency,
            tolerance: map::Tolerance { count: #count, percentage: #percentage },
            keep_inputs: #keep_inputs,
            live: None,
        };
    });
    let module = names.processor_module(StateId(index));
    let distributed = map.processor.mode == ProcessorMode::Distributed;
    let (setup, iteration) = if distributed {
        let label = map.label.as_deref().unwrap_or(&state.name);
        let batched = map.item_batcher.is_some();
        // Items in memory are all known at the start; a reader's as they are read.
        let items_known = (!streamed).then(|| quote!(map_run.items_known(items.len());));
        let execution_type = distributed::execution_type(map);
        let map_state = match distributed::spreads(map) {
            true => {
                let name = &state.name;
                quote!(Some(#name))
            }
            false => quote!(None),
        };
        (
            quote! {
                let mut map_run = map::MapRun::start(run, #label, #execution_type);
                map_run.record_start(run);
                let runner = map_run.govern(run, runner, #batched);
                #items_known
                let parent = run.shared_execution();
                let parent = &*parent;
                let map_run = &map_run;
            },
            quote!(move |index, item| {
                map_run.child(index, item, move |name, item| {
                    let child = exec::Child {
                        map_state: #map_state,
                        label: #label,
                        execution_type: #execution_type,
                        name,
                    };
                    exec::run_child(processor, parent, child, item)
                })
            }),
        )
    } else {
        (
            quote! {
                let execution = run.shared_execution();
                let variables = run.shared_variables();
                let around = run.around();
            },
            quote!(move |index, item| {
                exec::run_branch(
                    processor,
                    execution.clone(),
                    variables.clone(),
                    around.item(index),
                    item,
                )
            }),
        )
    };
    let stream = if streamed {
        quote!(items)
    } else {
        quote!(Box::new(items.into_iter().map(Ok)))
    };
    let outcome = match (writer, &writer_arguments) {
        (Some(writer), Some(_)) => {
            let (output_type, transformation) = distributed::writer_format(writer);
            quote! {
                async {
                    let mut writer = map::writer::Writer::open(
                        &parent.storage(),
                        &writer_arguments,
                        #output_type,
                        #transformation,
                        map_run,
                    )?;
                    runner.each(#stream, None, #iteration, |finished| {
                        writer.write_finished(map_run, &finished)
                    })
                    .await?;
                    writer.finish()
                }
                .await
            }
        }
        (Some(writer), None) => {
            let (_, transformation) = distributed::writer_format(writer);
            quote! {
                runner.transformed(#stream, map_run, #transformation, #iteration)
                    .await
                    .map(Value::Array)
            }
        }
        (None, _) if streamed => quote! {
            runner.collect_stream(items, #iteration).await.map(Value::Array)
        },
        // Iterations that never wait run at once, one after the other, without a
        // future each; under the durable engine they keep their journal.
        (None, _) if !distributed && super::machine::never_waits(&map.processor.machine) => {
            quote! {
                if execution.journal().is_none() {
                    let mut iterations =
                        exec::Iterations::new(execution.clone(), variables.clone(), &around);
                    runner.collect_now(items, |index, item| iterations.run(processor, index, item))
                } else {
                    runner.collect(items, #iteration).await
                }
                .map(Value::Array)
            }
        }
        (None, _) => quote! {
            runner.collect(items, #iteration).await.map(Value::Array)
        },
    };
    let ended = distributed.then(|| quote!(map_run.record_end(run, &outcome);));
    let run = quote! {
        let processor = #module::Machine::new(self.tasks());
        let processor = &processor;
        #setup
        let outcome = #outcome;
        #ended
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

/// The run of a Map state under test, after statements pushed onto `prepare`: its
/// items (for `afterItemsPath`; none are read by an ItemReader) and limits are
/// evaluated, and the mock is its result.
fn mocked_map(
    scope: &mut Scope,
    map: &Map,
    effective: &Effective,
    prepare: &mut Vec<TokenStream>,
) -> TokenStream {
    let reference = effective.reference();
    let items = match &map.item_reader {
        Some(_) => quote!(None),
        None => {
            let items = if scope.jsonata.is_some() {
                jsonata_items(scope, map)
            } else {
                items_from_path(scope, map, effective, true, false)
            };
            prepare.push(items);
            prepare.extend(scope.inspect("AfterItemsPath", &quote!(&Value::Array(items.clone()))));
            quote!(Some(items.len()))
        }
    };
    let Limits {
        max_concurrency,
        count,
        percentage,
    } = limits(scope, map, &reference);
    quote! {
        let limits = rt::probe::MapLimits {
            max_concurrency: #max_concurrency,
            tolerated_failure_count: #count,
            tolerated_failure_percentage: #percentage,
        };
        let outcome = run.mocked_map(#items, limits).unwrap_or_else(rt::probe::unmocked);
    }
}

/// A Map state's `MaxConcurrency` (`u64`), `ToleratedFailureCount` and
/// `ToleratedFailurePercentage` (`Option`s) as expressions.
struct Limits {
    max_concurrency: TokenStream,
    count: TokenStream,
    percentage: TokenStream,
}

/// The [`Limits`] of `map`, reading paths from `reference`.
fn limits(scope: &mut Scope, map: &Map, reference: &TokenStream) -> Limits {
    let max_concurrency =
        distributed::count(scope, &map.max_concurrency, "MaxConcurrencyPath", reference);
    let count = match &map.tolerated_failure_count {
        None => quote!(None),
        Some(Param::Path(path)) => {
            let read = scope.read_reference("ToleratedFailureCountPath", path, reference);
            let text = &path.text;
            quote!(Some(map::tolerated_count_from(#read, #text)?))
        }
        Some(count) => {
            let count = distributed::count(scope, count, "ToleratedFailureCount", reference);
            quote!(Some(#count))
        }
    };
    let percentage = match &map.tolerated_failure_percentage {
        None => quote!(None),
        Some(Param::Fixed(percentage)) => {
            let percentage = proc_macro2::Literal::f64_unsuffixed(*percentage);
            quote!(Some(#percentage))
        }
        Some(Param::Path(path)) => {
            let read = scope.read_reference("ToleratedFailurePercentagePath", path, reference);
            let text = &path.text;
            quote!(Some(map::tolerated_percentage_from(#read, #text)?))
        }
        Some(Param::Jsonata(expression)) => {
            let field = "ToleratedFailurePercentage";
            let (value, name) = super::jsonata::evaluate_named(scope, expression, field);
            let value = scope.with_bindings(quote!(jsonata::percentage(#value, &#name, #field)?));
            quote!(Some(#value))
        }
        Some(Param::Intrinsic(_)) => {
            unreachable!("ToleratedFailurePercentage is a number or a path")
        }
    };
    Limits {
        max_concurrency,
        count,
        percentage,
    }
}

/// Statements leaving `items: Vec<Value>`, the array ItemsPath selects. The items
/// are moved out of the effective input when nothing reads them there again: no
/// retry or catcher, no ResultPath into the input (`reused` is false), and an
/// ItemSelector that reads beside them. With `keys`, also `keys`: the members'
/// keys when the items are an object's.
fn items_from_path(
    scope: &mut Scope,
    map: &Map,
    effective: &Effective,
    reused: bool,
    keys: bool,
) -> TokenStream {
    let Items::Path(items_path) = &map.items else {
        unreachable!("JSONata Items are rejected before generation")
    };
    let movable = !reused
        && items_path.root == Root::Input
        && map
            .item_selector
            .as_ref()
            .is_none_or(|selector| ownership::reads_apart(selector, &items_path.steps));
    let name = scope.reference("items_path", items_path);
    let text = &items_path.text;
    // `$$.Map.Item.Key`: the keys of an object's members, read before the move.
    let keys = keys.then(|| {
        let root = scope.root(&items_path.root, &effective.reference());
        quote!(let keys = map::item_keys(dataflow::reference(&#name, "ItemsPath", #root)?);)
    });
    if movable {
        let source = match effective {
            Effective::Input => quote!(input),
            Effective::Local => quote!(effective),
        };
        // The ItemSelector's `$` paths are checked while the input is whole, so
        // that a miss shows it as AWS does (only when there are items to select).
        let check = map.item_selector.as_ref().and_then(|selector| {
            let check = scope.require_paths(selector, &quote!(&#source))?;
            Some(quote! {
                if dataflow::reference(&#name, "ItemsPath", &#source)?
                    .as_array()
                    .is_some_and(|items| !items.is_empty())
                {
                    #check
                }
            })
        });
        quote! {
            #keys
            #check
            let mut #source = #source;
            let items = map::items(dataflow::take(&#name, "ItemsPath", &mut #source)?, #text)?;
        }
    } else {
        let root = scope.root(&items_path.root, &effective.reference());
        quote! {
            #keys
            let items = map::items(dataflow::reference(&#name, "ItemsPath", #root)?.clone(), #text)?;
        }
    }
}

/// The statement leaving `items: Vec<Value>` in a JSONata Map: the array `Items`
/// gives, or else the state input.
fn jsonata_items(scope: &mut Scope, map: &Map) -> TokenStream {
    match &map.items {
        Items::Template(crate::ir::template::Template::Jsonata(expression)) => {
            let value = super::jsonata::evaluate_as(scope, expression, "Items", "array");
            let value = scope.with_bindings(value);
            quote!(let items = map::items(#value, "Items")?;)
        }
        Items::Template(template) => {
            let value = template::build(scope, template, "Items", &quote!(&Value::Null));
            let value = scope.with_bindings(value);
            quote!(let items = map::items(#value, "Items")?;)
        }
        Items::Path(_) => {
            quote!(let items = jsonata::map_input(jsonata::input(&states).clone())?;)
        }
    }
}

/// A statement replacing `items` by the ItemSelector's value for each: a `Vec` for
/// items in memory, a stream for `streamed` ones (each with its source, when the
/// selector reads `$$.Map.Item.Source`). `$$.Map.Item.Value` reads the item itself
/// and `$$.Map.Item.Index` its index; other `$$.Map` paths read a small object
/// made per item. Also says what the selector read under `$$.Map`.
fn select_items(
    scope: &mut Scope,
    selector: &crate::ir::template::Template,
    reference: &TokenStream,
    streamed: bool,
) -> (TokenStream, MapItemReads) {
    scope.in_item_selector = true;
    let built = template::build(scope, selector, "ItemSelector", reference);
    scope.in_item_selector = false;
    let reads = std::mem::take(&mut scope.reads_map_item);
    // JSONata: `$states.context.Map.Item` for each item, bound as `$states`.
    let item_states = scope.jsonata.as_ref().map(|jsonata_reads| {
        let bindings = super::jsonata::bindings(jsonata_reads);
        quote! {
            let states = jsonata::item_states(&states, index, item);
            #bindings
        }
    });
    let item_index = reads
        .index
        .then(|| quote!(let item_index = Value::from(index);));
    let item_context = reads
        .context
        .then(|| quote!(let item_context = rt::context::map_item(index, item.clone());));
    let item = if reads.value || reads.context || item_states.is_some() {
        quote!(item)
    } else {
        quote!(_)
    };
    // `(index, item)` pairs only when the index is read.
    let indexed = reads.index || reads.context || reads.key || item_states.is_some();
    let (enumerate, pair) = if indexed {
        (quote!(.enumerate()), quote!((index, item)))
    } else {
        (quote!(), quote!(item))
    };
    // Items in memory come from the state's data.
    let state_data = (reads.source && !streamed).then(|| quote!(let item_source = "STATE_DATA";));
    let body = quote! {
        #item_index
        #item_context
        #state_data
        #item_states
        Ok(#built)
    };
    let tokens = if streamed {
        let item = if reads.source {
            quote!((#item, item_source))
        } else {
            item
        };
        quote! {
            let items: map::reader::Items<'_> = Box::new(items #enumerate .map(|#pair| {
                item.and_then(|#item| { #body })
            }));
        }
    } else {
        let pair = if indexed {
            quote!((index, #item))
        } else {
            item
        };
        quote! {
            let items = items
                .into_iter()
                #enumerate
                .map(|#pair| { #body })
                .collect::<Result<Vec<Value>, ExecutionError>>()?;
        }
    };
    (tokens, reads)
}
