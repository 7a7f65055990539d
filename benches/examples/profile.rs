//! Runs one bench workload N times, generated or hand-written, and nothing else: a
//! driver for `valgrind --tool=callgrind` (instruction counts are deterministic where
//! the 2-core machine's timings are not).
//!
//! `cargo run --release -p asl-benches --example profile -- WORKLOAD N [handwritten]`
//! with WORKLOAD one of pass_chain, choice_loop_1k, choice_loop_jsonata_1k,
//! map_fanout_1k, parallel_nested, order_saga.

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

use std::process::ExitCode;

use asl_benches::{
    SagaTasks, choice_loop, choice_loop_jsonata, input, map_fanout, order_saga, parallel_nested,
    pass_chain,
};
use serde_json::Value;

/// One execution of `workload`, generated or hand-written.
async fn once(workload: &str, handwritten: bool, input: Value) -> Option<Value> {
    let output = match (workload, handwritten) {
        ("pass_chain", false) => pass_chain::Machine::new(()).run(input).await.ok(),
        ("pass_chain", true) => flows::pass_chain(input).await.ok(),
        ("choice_loop_1k", false) => choice_loop::Machine::new(()).run(input).await.ok(),
        ("choice_loop_jsonata_1k", false) => {
            choice_loop_jsonata::Machine::new(()).run(input).await.ok()
        }
        ("choice_loop_1k" | "choice_loop_jsonata_1k", true) => flows::choice_loop(input).await.ok(),
        ("map_fanout_1k", false) => map_fanout::Machine::new(()).run(input).await.ok(),
        ("map_fanout_1k", true) => flows::map_fanout(input).await.ok(),
        ("parallel_nested", false) => parallel_nested::Machine::new(()).run(input).await.ok(),
        ("parallel_nested", true) => flows::parallel_nested(input).await.ok(),
        ("order_saga", false) => order_saga::Machine::new(SagaTasks).run(input).await.ok(),
        ("order_saga", true) => flows::order_saga(input).await.ok(),
        _ => None,
    };
    Some(output.expect("the execution succeeds"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(workload), Some(Ok(count))) = (args.first(), args.get(1).map(|n| n.parse::<u32>()))
    else {
        eprintln!("usage: profile WORKLOAD N [handwritten]");
        return ExitCode::from(2);
    };
    let handwritten = args.get(2).is_some_and(|arg| arg == "handwritten");
    let input = input(&workload.replace("_jsonata", ""));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio runtime");
    for _ in 0..count {
        if runtime
            .block_on(once(workload, handwritten, input.clone()))
            .is_none()
        {
            eprintln!("unknown workload `{workload}`");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
