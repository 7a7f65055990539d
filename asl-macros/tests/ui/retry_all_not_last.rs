mod workflow {
    asl_macros::asl!("defs/retry_all_not_last.asl.json");
}

fn main() {}
