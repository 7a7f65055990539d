mod workflow {
    asl_macros::asl!("defs/choice_without_rules.asl.json");
}

fn main() {}
