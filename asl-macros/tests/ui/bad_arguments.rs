mod workflow {
    asl_macros::asl!(path = "defs/unknown_next.asl.json");
}

fn main() {}
