//! Helpers shared by the workspace-level tests in `tests/tests`, and the conformance
//! machines that `build.rs` compiles from `../shared/conformance/cases`.

mod cases;
pub mod workload;

pub use cases::{conformance_cases, shared_dir};

/// Every conformance case whose features the code generator covers, compiled by
/// `build.rs` through `asl_codegen::Builder` (one module per distinct definition).
pub mod conformance {
    include!(concat!(env!("OUT_DIR"), "/conformance.rs"));
}
