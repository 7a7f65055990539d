//! Compiles the matrix (see `src/spec.rs`) through `asl_codegen::Builder`: each state
//! under test is first generated alone (a definition validation rejects is recorded
//! with its diagnostic), then every accepted state of a group becomes one machine.

#[path = "src/spec.rs"]
#[allow(dead_code)]
mod spec;

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/spec.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set"));
    let defs = out.join("matrix");
    std::fs::create_dir_all(&defs).expect("create the definitions directory");

    let mut code = String::new();
    let mut compiled = String::new();
    let mut rejected = String::new();
    let mut runs = String::new();
    for group in spec::groups() {
        let mut accepted = Vec::new();
        for case in &group.cases {
            let definition = spec::definition(group.wrapper, std::slice::from_ref(case));
            match generate(&case.name, &definition) {
                Ok(()) => accepted.push(case.clone()),
                Err(reason) => writeln!(
                    rejected,
                    "    ({:?}, {:?}, {reason:?}),",
                    group.name, case.name
                )
                .unwrap(),
            }
        }
        for case in &accepted {
            writeln!(compiled, "    ({:?}, {:?}),", group.name, case.name).unwrap();
        }
        let definition = spec::definition(group.wrapper, &accepted);
        let path = defs.join(format!("{}.asl.json", group.name));
        let text = serde_json::to_string_pretty(&definition).expect("definition is JSON");
        std::fs::write(&path, text).expect("write definition");
        asl_codegen::Builder::new()
            .file(&path)
            .out_dir(&defs)
            .compile_to(&mut std::io::sink())
            .unwrap_or_else(|error| panic!("group {}: {error}", group.name));
        let module = group.name;
        writeln!(
            code,
            "/// The `{module}` group.\npub mod {module} {{ include!(concat!(env!(\"OUT_DIR\"), \"/matrix/{module}.rs\")); }}"
        )
        .unwrap();
        writeln!(
            runs,
            "        {module:?} => Some({module}::Machine::new(::asl_runtime::Dynamic(crate::Echo)).run(input).await),"
        )
        .unwrap();
    }
    write!(
        code,
        "
/// Every state that compiled: (group, state).
pub static COMPILED: &[(&str, &str)] = &[
{compiled}];

/// Every state the code generator rejected: (group, state, diagnostics).
pub static REJECTED: &[(&str, &str, &str)] = &[
{rejected}];

/// Runs the machine of `group` on `input`; `None` for an unknown group.
pub async fn run(
    group: &str,
    input: ::serde_json::Value,
) -> Option<Result<::serde_json::Value, ::asl_runtime::ExecutionError>> {{
    match group {{
{runs}        _ => None,
    }}
}}
"
    )
    .unwrap();
    std::fs::write(out.join("matrix.rs"), code).expect("write matrix.rs");
}

/// Checks and generates `definition` alone: `Err` with the diagnostics when it is
/// rejected.
fn generate(name: &str, definition: &serde_json::Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(definition).expect("definition is JSON");
    let source = asl_codegen::SourceFile::new(format!("{name}.asl.json"), text);
    let checked = asl_codegen::check(&source);
    let Some(workflow) = checked.workflow else {
        return Err(checked
            .diagnostics
            .render(&source, asl_codegen::diagnostic::render::Style::Plain));
    };
    asl_codegen::generate(&workflow, &asl_codegen::Settings::default())
        .map(drop)
        .map_err(|unsupported| {
            unsupported
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })
}
