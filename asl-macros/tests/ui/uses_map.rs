mod workflow {
    asl_macros::asl!("defs/uses_map.asl.json");
}

fn main() {}
