//! The code generator and the runtime agree on the ABI version generated code is
//! checked against (every compiled `asl!` checks it too; this says so plainly).

#[test]
fn codegen_targets_the_abi_of_the_runtime() {
    assert_eq!(asl_codegen::RUNTIME_ABI, asl_runtime::__ABI_VERSION);
}
