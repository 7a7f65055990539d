//! `asl!`: compiles an Amazon States Language definition into Rust inside your crate.
//!
//! ```ignore
//! mod orders {
//!     // A file, relative to the crate's Cargo.toml (JSON, or YAML by extension).
//!     asl_macros::asl!("workflows/orders.asl.json");
//! }
//!
//! mod hello {
//!     // An inline definition (JSON or YAML), with the machine's name.
//!     asl_macros::asl!(name = "Hello", definition = r#"{
//!         "StartAt": "Hi",
//!         "States": { "Hi": { "Type": "Pass", "Result": "hi", "End": true } }
//!     }"#);
//! }
//!
//! mod reexported {
//!     // Generated code names the runtime `::asl_runtime` unless told otherwise,
//!     // here a crate that re-exports it.
//!     asl_macros::asl!("workflows/orders.asl.json", runtime_path = "::my_crate::asl_runtime");
//! }
//! ```
//!
//! The module then holds `Machine`, `State`, `Tasks` and the other generated items
//! (see `asl_codegen::generate`). An invalid definition is a compile error per
//! problem, each showing the definition's file, line and column.
#![deny(missing_docs)]

mod input;

use proc_macro::TokenStream;
use quote::quote;

use asl_codegen::diagnostic::render::Style;
use asl_codegen::{Settings, SourceFile, Syntax, check, generate};

use crate::input::{Definition, Input};

/// Compiles a definition into the items of the surrounding module.
#[proc_macro]
pub fn asl(tokens: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(tokens as Input);
    expand(&input).into()
}

fn expand(input: &Input) -> proc_macro2::TokenStream {
    let span = input.span();
    let (source, rerun, default_name) = match &input.definition {
        Definition::File(path) => {
            let root = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
            let full = std::path::Path::new(&root).join(path.value());
            let text = match std::fs::read_to_string(&full) {
                Ok(text) => text,
                Err(error) => {
                    let message = format!("cannot read the definition {}: {error}", full.display());
                    return syn::Error::new(span, message).to_compile_error();
                }
            };
            let name = path.value();
            let stem = std::path::Path::new(&name)
                .file_name()
                .and_then(|file| file.to_str())
                .and_then(|file| file.split('.').next())
                .unwrap_or("workflow")
                .to_owned();
            let full = full.display().to_string();
            // Recompiles the user's crate when the definition changes.
            let rerun = quote!(
                const _: &str = include_str!(#full);
            );
            (SourceFile::new(name, text), rerun, stem)
        }
        Definition::Inline(text) => (
            SourceFile::with_syntax(
                "inline definition",
                text.value(),
                Syntax::sniff(&text.value()),
            ),
            quote!(),
            "workflow".to_owned(),
        ),
    };
    let checked = check(&source);
    let Some(workflow) = checked.workflow else {
        let errors = checked
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.severity() == asl_codegen::Severity::Error)
            .map(|diagnostic| {
                let single: asl_codegen::Diagnostics = diagnostic.clone().into();
                let rendered = single.render(&source, Style::Plain);
                // The summary line is for whole files; one error per message here.
                let message = rendered
                    .trim_end()
                    .rsplit_once('\n')
                    .map_or(rendered.as_str(), |(body, _)| body);
                // rustc prints `error: ` itself: `error: [CODE] message`.
                let message = message
                    .strip_prefix("error")
                    .unwrap_or(message)
                    .replacen("]:", "]", 1);
                syn::Error::new(span, message.trim_end()).to_compile_error()
            });
        return quote!(#(#errors)* #rerun);
    };
    let mut settings = Settings::default();
    settings.with_machine_name(input.name.as_ref().map_or(default_name, syn::LitStr::value));
    if let Some(path) = &input.runtime_path {
        settings.with_runtime_path(path.value());
    }
    match generate(&workflow, &settings) {
        Ok(items) => quote!(#rerun #items),
        Err(unsupported) => {
            let errors = unsupported.iter().map(|item| {
                syn::Error::new(span, format!("{}: {item}", source.name())).to_compile_error()
            });
            quote!(#(#errors)* #rerun)
        }
    }
}
