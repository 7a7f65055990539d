//! Each bench workflow run by the generated code and by the hand-written Rust of
//! `../shared/bench/handwritten`, side by side in one criterion group, one execution
//! per iteration, from a fresh copy of the workload's input.
//!
//! `cargo bench -p asl-benches` (add `-- pass_chain` to run one workload).

// The hand-written baseline, compiled in from the shared folder as it is (rustfmt
// leaves it alone: it is not ours to format).
#[allow(dead_code, clippy::all)]
#[rustfmt::skip]
#[path = "../../../shared/bench/handwritten/src/flows.rs"]
mod flows;
#[allow(dead_code, clippy::all)]
#[rustfmt::skip]
#[path = "../../../shared/bench/handwritten/src/iterations.rs"]
mod iterations;
#[allow(dead_code, clippy::all)]
#[rustfmt::skip]
#[path = "../../../shared/bench/handwritten/src/retry.rs"]
mod retry;


use asl_benches::{
    SagaTasks, choice_loop, choice_loop_jsonata, input, map_fanout, order_saga, parallel_nested,
    pass_chain,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;

fn workload<G, H, GF, HF>(
    c: &mut Criterion,
    name: &str,
    transitions: u64,
    generated: G,
    handwritten: H,
) where
    G: Fn(Value) -> GF,
    GF: Future<Output = Result<Value, asl_runtime::ExecutionError>>,
    H: Fn(Value) -> HF,
    HF: Future<Output = Result<Value, flows::ExecError>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio runtime");
    // A JSONata twin runs from its original's input.
    let input = input(&name.replace("_jsonata", ""));
    // Both must agree before they are timed.
    let ours = runtime
        .block_on(generated(input.clone()))
        .expect("generated run");
    let theirs = runtime
        .block_on(handwritten(input.clone()))
        .expect("hand-written run");
    assert_eq!(
        ours, theirs,
        "{name}: generated and hand-written outputs differ"
    );

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(transitions));
    group.bench_function("generated", |b| {
        b.iter(|| runtime.block_on(generated(input.clone())).expect("run"))
    });
    group.bench_function("handwritten", |b| {
        b.iter(|| runtime.block_on(handwritten(input.clone())).expect("run"))
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let machine = pass_chain::Machine::new(());
    workload(
        c,
        "pass_chain",
        100,
        |input| machine.run(input),
        flows::pass_chain,
    );
    let machine = choice_loop::Machine::new(());
    workload(
        c,
        "choice_loop_1k",
        2_001,
        |input| machine.run(input),
        flows::choice_loop,
    );
    let machine = choice_loop_jsonata::Machine::new(());
    workload(
        c,
        "choice_loop_jsonata_1k",
        2_001,
        |input| machine.run(input),
        flows::choice_loop,
    );
    let machine = map_fanout::Machine::new(());
    workload(
        c,
        "map_fanout_1k",
        3_001,
        |input| machine.run(input),
        flows::map_fanout,
    );
    let machine = parallel_nested::Machine::new(());
    workload(
        c,
        "parallel_nested",
        1_005,
        |input| machine.run(input),
        flows::parallel_nested,
    );
    let machine = order_saga::Machine::new(SagaTasks);
    workload(
        c,
        "order_saga",
        7,
        |input| machine.run(input),
        flows::order_saga,
    );
}

criterion_group!(workflows, benches);
criterion_main!(workflows);
