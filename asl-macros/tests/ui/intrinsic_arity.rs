mod workflow {
    asl_macros::asl!("defs/intrinsic_arity.asl.json");
}

fn main() {}
