mod hello {
    asl_macros::asl!(name = "Hello", definition = r#"
StartAt: Greet
States:
  Greet:
    Type: Pass
    Parameters:
      greeting.$: States.Format('Hello, {}!', $.name)
    End: true
"#);
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let machine = hello::Machine::new(());
    let output = machine.run(serde_json::json!({"name": "Ada"})).await.unwrap();
    assert_eq!(output, serde_json::json!({"greeting": "Hello, Ada!"}));
    assert_eq!(hello::MACHINE_NAME, "Hello");
}
