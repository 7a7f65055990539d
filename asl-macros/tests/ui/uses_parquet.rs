mod workflow {
    asl_macros::asl!("defs/uses_parquet.asl.json");
}

fn main() {}
