//! Compiles the conformance corpus: every distinct definition in
//! `../shared/conformance/cases` that the code generator covers becomes one module of
//! `$OUT_DIR/conformance.rs`; the others are listed with the reason.

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
        let text = std::fs::read_to_string(path).expect("read definition");
        let source = asl_codegen::SourceFile::new(path.display().to_string(), text);
        let workflow = asl_codegen::check(&source)
            .workflow
            .expect("every conformance definition is valid");
        let mut settings = asl_codegen::Settings::default();
        settings.with_machine_name(format!("m{index:03}"));
        match asl_codegen::generate(&workflow, &settings) {
            Ok(tokens) => {
                let module = format!("m{index:03}");
                std::fs::write(
                    defs.join(format!("{module}.rs")),
                    asl_codegen::to_source(tokens),
                )
                .expect("write module");
                writeln!(code, "/// Definition {index}.\npub mod {module} {{ include!(concat!(env!(\"OUT_DIR\"), \"/conformance/{module}.rs\")); }}").unwrap();
                writeln!(
                    runs,
                    "        {index} => Some({module}::Machine::new(()).run(input).await),"
                )
                .unwrap();
            }
            Err(unsupported) => {
                let reasons: Vec<String> = unsupported.iter().map(ToString::to_string).collect();
                writeln!(excluded, "    ({index}, {:?}),", reasons.join("; ")).unwrap();
            }
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
