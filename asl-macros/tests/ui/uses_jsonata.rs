mod workflow {
    asl_macros::asl!("defs/uses_jsonata.asl.json");
}

fn main() {}
