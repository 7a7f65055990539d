mod workflow {
    asl_macros::asl!("defs/bad_input_path.asl.json");
}

fn main() {}
