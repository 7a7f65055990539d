//! Helpers shared by the workspace-level tests in `tests/tests`, and the conformance
//! machines that `build.rs` compiles from `../shared/conformance/cases`.

mod cases;
pub mod workload;

pub use cases::{conformance_cases, shared_dir};

use asl_engine::history::{EventType, HistoryEvent};

/// Asserts that `history` counts ids from 1 without a gap or a duplicate, each
/// event pointing at the one before it, except where AWS's histories point at
/// none: the first state entered and `ExecutionAborted`.
pub fn assert_numbered(history: &[HistoryEvent]) {
    for (index, event) in history.iter().enumerate() {
        assert_eq!(
            event.id,
            index as u64 + 1,
            "ids without gap or duplicate: {history:#?}"
        );
        let previous = match index {
            1 => 0,
            _ if event.kind == EventType::ExecutionAborted => 0,
            _ => index as u64,
        };
        assert_eq!(event.previous_event_id, previous, "{history:#?}");
    }
}

/// Every conformance case whose features the code generator covers, compiled by
/// `build.rs` through `asl_codegen::Builder` (one module per distinct definition).
pub mod conformance {
    include!(concat!(env!("OUT_DIR"), "/conformance.rs"));
}
