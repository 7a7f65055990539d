mod workflow {
    asl_macros::asl!("defs/unknown_state_type.asl.json");
}

fn main() {}
