mod workflow {
    asl_macros::asl!("defs/json_syntax.asl.json");
}

fn main() {}
