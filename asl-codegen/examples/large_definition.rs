//! Prints a large generated definition: `cargo run -p asl-codegen --example
//! large_definition -- 2000 > large.asl.json`, then time `asl check large.asl.json`.

#[path = "../benches/large_definition.rs"]
mod large_definition;

fn main() {
    let states = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    print!("{}", large_definition::large_definition(states));
}
