mod workflow {
    asl_macros::asl!("defs/no_such_file.asl.json");
}

fn main() {}
