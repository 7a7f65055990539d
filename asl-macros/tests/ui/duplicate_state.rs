mod workflow {
    asl_macros::asl!("defs/duplicate_state.asl.json");
}

fn main() {}
