mod workflow {
    asl_macros::asl!("defs/unknown_next.asl.json");
}

fn main() {}
