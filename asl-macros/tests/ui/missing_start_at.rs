mod workflow {
    asl_macros::asl!("defs/missing_start_at.asl.json");
}

fn main() {}
