//! Compiles the conformance corpus through `asl_codegen::Builder`, the build.rs path
//! users take: every distinct definition in `../shared/conformance/cases` that the
//! code generator covers becomes one module; the others are listed with the reason.

#[path = "src/cases.rs"]
#[allow(dead_code)]
mod cases;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=ASL_SHARED");
    let shared = cases::shared_dir();
    println!(
        "cargo:rerun-if-changed={}",
        shared.join("conformance/cases").display()
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set"));
    let defs = out.join("conformance");
    std::fs::create_dir_all(&defs).expect("create the definitions directory");

    // One module per distinct definition, in case-name order.
    let mut modules: BTreeMap<String, usize> = BTreeMap::new();
    let mut files = Vec::new();
    let mut case_table = String::new();
    for (name, case) in cases::conformance_cases() {
        let definition =
            serde_json::to_string_pretty(&case["definition"]).expect("definition is JSON");
        let next = modules.len();
        let index = *modules.entry(definition.clone()).or_insert(next);
        if index == next {
            let path = defs.join(format!("m{index:03}.asl.json"));
            std::fs::write(&path, &definition).expect("write definition");
            files.push(path);
        }
        writeln!(case_table, "    ({name:?}, {index}),").unwrap();
    }

    let mut code = String::new();
    let mut runs = String::new();
    let mut excluded = String::new();
    for (index, path) in files.iter().enumerate() {
        let module = format!("m{index:03}");
        let mut builder = asl_codegen::Builder::new();
        builder.file(path).out_dir(&defs);
        match builder.compile_to(&mut std::io::sink()) {
            Ok(_) => {
                writeln!(code, "/// Definition {index}.\npub mod {module} {{ include!(concat!(env!(\"OUT_DIR\"), \"/conformance/{module}.rs\")); }}").unwrap();
                writeln!(
                    runs,
                    "        {index} => Some({module}::Machine::new(()).run(input).await),"
                )
                .unwrap();
            }
            Err(asl_codegen::BuildError::Invalid(reason)) => {
                writeln!(excluded, "    ({index}, {:?}),", reason.trim()).unwrap();
            }
            Err(error) => panic!("{error}"),
        }
    }
    write!(
        code,
        "
/// Every case: its name and the definition it runs.
pub static CASES: &[(&str, usize)] = &[
{case_table}];

/// Definitions the code generator does not cover yet, with the reason.
pub static EXCLUDED: &[(usize, &str)] = &[
{excluded}];

/// Runs definition `index` on `input`; `None` when it is excluded.
pub async fn run(
    index: usize,
    input: ::serde_json::Value,
) -> Option<Result<::serde_json::Value, ::asl_runtime::ExecutionError>> {{
    match index {{
{runs}        _ => None,
    }}
}}
"
    )
    .unwrap();
    std::fs::write(out.join("conformance.rs"), code).expect("write conformance.rs");
}
