//! A module generated for another runtime ABI than this asl-runtime's fails to
//! compile, first with an error that says what to do.

mod flow {
    include!("generated/for_abi_5.rs");
}

fn main() {}
