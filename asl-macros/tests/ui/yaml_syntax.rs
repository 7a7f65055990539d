mod workflow {
    asl_macros::asl!("defs/yaml_syntax.asl.yaml");
}

fn main() {}
