mod workflow {
    asl_macros::asl!("defs/unreachable_state.asl.json");
}

fn main() {}
