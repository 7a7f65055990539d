//! What `asl!` accepts: `"path"`, or `definition = "..."`, each optionally with
//! `name = "..."` and `runtime_path = "..."`, in any order.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// Where the definition comes from.
pub enum Definition {
    /// A file, relative to `CARGO_MANIFEST_DIR`.
    File(LitStr),
    /// The definition itself.
    Inline(LitStr),
}

/// The macro's arguments.
pub struct Input {
    pub definition: Definition,
    pub name: Option<LitStr>,
    /// The path generated code names the runtime by, when not `::asl_runtime`.
    pub runtime_path: Option<LitStr>,
}

impl Input {
    /// Where errors point: the definition's literal.
    pub fn span(&self) -> Span {
        match &self.definition {
            Definition::File(literal) | Definition::Inline(literal) => literal.span(),
        }
    }
}

impl Parse for Input {
    fn parse(stream: ParseStream<'_>) -> syn::Result<Input> {
        let mut definition = None;
        let mut name = None;
        let mut runtime_path = None;
        while !stream.is_empty() {
            if stream.peek(LitStr) {
                let path: LitStr = stream.parse()?;
                set(&mut definition, Definition::File(path.clone()), path.span())?;
            } else {
                let key: Ident = stream.parse()?;
                stream.parse::<Token![=]>()?;
                let value: LitStr = stream.parse()?;
                match key.to_string().as_str() {
                    "definition" => set(&mut definition, Definition::Inline(value), key.span())?,
                    "file" => set(&mut definition, Definition::File(value), key.span())?,
                    "name" => {
                        if name.replace(value).is_some() {
                            return Err(syn::Error::new(key.span(), "`name` is given twice"));
                        }
                    }
                    "runtime_path" => {
                        asl_codegen::codegen::valid_runtime_path(&value.value())
                            .map_err(|message| syn::Error::new(value.span(), message))?;
                        if runtime_path.replace(value).is_some() {
                            return Err(syn::Error::new(
                                key.span(),
                                "`runtime_path` is given twice",
                            ));
                        }
                    }
                    _ => {
                        return Err(syn::Error::new(
                            key.span(),
                            "expected `\"path/to/definition.asl.json\"`, `file = \"...\"`, `definition = \"...\"`, `name = \"...\"` or `runtime_path = \"...\"`",
                        ));
                    }
                }
            }
            if !stream.is_empty() {
                stream.parse::<Token![,]>()?;
            }
        }
        let definition = definition.ok_or_else(|| {
            stream.error("give the definition: `asl!(\"workflows/orders.asl.json\")` or `asl!(definition = r#\"{...}\"#)`")
        })?;
        Ok(Input {
            definition,
            name,
            runtime_path,
        })
    }
}

fn set(slot: &mut Option<Definition>, value: Definition, span: Span) -> syn::Result<()> {
    if slot.replace(value).is_some() {
        return Err(syn::Error::new(
            span,
            "give one definition: a path or `definition = ...`, not both",
        ));
    }
    Ok(())
}
