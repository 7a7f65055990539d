mod workflow {
    asl_macros::asl!(definition = r#"{
        "StartAt": "Hi",
        "States": { "Hi": { "Type": "Pass", "Resutl": 1, "End": true } }
    }"#);
}

fn main() {}
