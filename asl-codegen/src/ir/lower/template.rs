//! Payload templates (JSONPath `.$` keys), JSONata templates (`{% %}` anywhere), and
//! `Assign` blocks in both languages.

use std::collections::HashSet;

use super::expr::{looks_like_intrinsic, looks_like_path};
use super::{Lowerer, Reported, Result};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::QueryLanguage;
use crate::ir::template::{Assign, Template};
use crate::spec::{Node, NodeKind};

/// The longest variable name AWS accepts.
const MAX_VARIABLE_NAME: usize = 80;

impl Lowerer<'_> {
    /// A template field in the state's language: a payload template (JSONPath) or a
    /// JSONata template. `object_only` requires an object (Parameters, ResultSelector,
    /// ItemSelector); otherwise JSONata also takes a whole `{% %}` string.
    pub(super) fn template(
        &mut self,
        node: &Node,
        field: &str,
        language: QueryLanguage,
        object_only: bool,
    ) -> Result<Template> {
        match language {
            QueryLanguage::JsonPath => {
                if node.as_object().is_none() {
                    return Err(self.error(
                        node,
                        format!(
                            "`{field}` must be an object (a payload template), found {}",
                            node.type_name()
                        ),
                    ));
                }
                self.payload_template(node)
            }
            QueryLanguage::Jsonata => {
                if object_only && node.as_object().is_none() && node.as_str().is_none() {
                    return Err(self.error(
                        node,
                        format!(
                            "`{field}` must be an object or a JSONata expression, found {}",
                            node.type_name()
                        ),
                    ));
                }
                self.jsonata_template(node)
            }
        }
    }

    /// A JSONPath payload template: keys ending in `.$` are evaluated.
    pub(super) fn payload_template(&mut self, node: &Node) -> Result<Template> {
        match &node.kind {
            NodeKind::Object(members) => {
                self.check_duplicate_keys(members, "key");
                let mut output_keys = HashSet::with_capacity(members.len());
                let mut entries = Vec::with_capacity(members.len());
                let mut failed = false;
                for member in members {
                    let (key, value) = match member.key.strip_suffix(".$") {
                        Some(key) => (key, self.dynamic_value(&member.value, &member.key)),
                        None => {
                            self.warn_no_dollar(&member.key, &member.value);
                            (member.key.as_str(), self.payload_template(&member.value))
                        }
                    };
                    if !output_keys.insert(key) && key != member.key {
                        self.report(
                            Diagnostic::at_key(
                                Code::SchemaValidationFailed,
                                member,
                                format!("`{}` and `{key}` produce the same key", member.key),
                            )
                            .with_help("keep one of them"),
                        );
                        failed = true;
                    }
                    match value {
                        Ok(value) => entries.push((key.to_owned(), value)),
                        Err(Reported) => failed = true,
                    }
                }
                if failed {
                    return Err(Reported);
                }
                Ok(collapse_object(node, entries))
            }
            NodeKind::Array(items) => {
                let items = self.each(items, Self::payload_template)?;
                Ok(collapse_array(node, items))
            }
            _ => Ok(Template::Literal(node.to_json())),
        }
    }

    /// A JSONata template: any `{% %}` string, at any depth, is an expression.
    pub(super) fn jsonata_template(&mut self, node: &Node) -> Result<Template> {
        match &node.kind {
            NodeKind::String(_) => Ok(match self.jsonata(node)? {
                Some(expression) => Template::Jsonata(expression),
                None => Template::Literal(node.to_json()),
            }),
            NodeKind::Object(members) => {
                self.check_duplicate_keys(members, "key");
                let entries = self.each(members, |lowerer, member| {
                    Ok((member.key.clone(), lowerer.jsonata_template(&member.value)?))
                })?;
                Ok(collapse_object(node, entries))
            }
            NodeKind::Array(items) => {
                let items = self.each(items, Self::jsonata_template)?;
                Ok(collapse_array(node, items))
            }
            _ => Ok(Template::Literal(node.to_json())),
        }
    }

    /// An `Assign` block: an object of variable names (with `.$` in JSONPath for
    /// evaluated values) to values.
    pub(super) fn assign(&mut self, node: &Node, language: QueryLanguage) -> Result<Assign> {
        let Some(members) = node.as_object() else {
            return Err(self.error(
                node,
                format!(
                    "`Assign` must be an object of variable names to values, found {}",
                    node.type_name()
                ),
            ));
        };
        self.check_duplicate_keys(members, "variable");
        let mut names = HashSet::with_capacity(members.len());
        let mut variables = Vec::with_capacity(members.len());
        let mut failed = false;
        for member in members {
            let (name, value) =
                match (language, member.key.strip_suffix(".$")) {
                    (QueryLanguage::JsonPath, Some(name)) => {
                        (name, self.dynamic_value(&member.value, &member.key))
                    }
                    (QueryLanguage::JsonPath, None) => {
                        self.warn_no_dollar(&member.key, &member.value);
                        (member.key.as_str(), self.payload_template(&member.value))
                    }
                    (QueryLanguage::Jsonata, Some(name)) => {
                        self.report(
                        Diagnostic::at_key(Code::SchemaValidationFailed, member, format!(
                                "`{}`: keys ending in `.$` are JSONPath; this state uses JSONata",
                                member.key
                            ),
                        )
                        .with_help(format!(
                            "write \"{name}\": \"{{% ... %}}\" with a JSONata expression"
                        )),
                    );
                        failed = true;
                        continue;
                    }
                    (QueryLanguage::Jsonata, None) => {
                        (member.key.as_str(), self.jsonata_template(&member.value))
                    }
                };
            let name_ok = self.check_variable_name(name, member);
            if name_ok && !names.insert(name) && name != member.key {
                self.report(
                    Diagnostic::at_key(
                        Code::SchemaValidationFailed,
                        member,
                        format!("variable `{name}` is assigned twice"),
                    )
                    .with_help("keep one of them"),
                );
                failed = true;
            }
            match value {
                Ok(value) if name_ok => variables.push((name.to_owned(), value)),
                _ => failed = true,
            }
        }
        if failed {
            return Err(Reported);
        }
        Ok(Assign { variables })
    }

    fn check_variable_name(&mut self, name: &str, member: &crate::spec::Member) -> bool {
        let problem = if name.is_empty() {
            Some("a variable name must not be empty".to_owned())
        } else if name == "states" {
            Some(
                "`states` is reserved (`$states` holds the state's input, result and context)"
                    .to_owned(),
            )
        } else if name.chars().count() > MAX_VARIABLE_NAME {
            Some(format!(
                "variable name `{name}` is longer than {MAX_VARIABLE_NAME} characters"
            ))
        } else if name.contains(['.', '[']) {
            Some(format!(
                "`{name}` assigns to a part of a variable; Assign can only set whole variables"
            ))
        } else if !is_identifier(name) {
            Some(format!(
                "`{name}` is not a valid variable name: use letters, digits and `_`, not starting with a digit"
            ))
        } else {
            None
        };
        match problem {
            Some(message) => {
                self.report(
                    Diagnostic::at_key(Code::SchemaValidationFailed, member, message,
                    )
                    .with_help("name variables like `orderTotal` or `retry_count`: letters, digits and `_`"),
                );
                false
            }
            None => true,
        }
    }

    /// NO_DOLLAR: a key without `.$` whose value looks like a path or intrinsic.
    fn warn_no_dollar(&mut self, key: &str, value: &Node) {
        if let Some(text) = value.as_str()
            && (looks_like_path(text) || looks_like_intrinsic(text))
        {
            self.report(
                Diagnostic::at(
                    Code::NoDollar,
                    value,
                    format!("`{key}` holds `{text}`, which looks like a path or intrinsic function, but the key does not end in `.$`"),
                )
                .with_help(format!("rename the key to `{key}.$` to evaluate it, or keep it to use the text as is")),
            );
        }
    }
}

/// True for a name made of Unicode letters, digits and `_`, not starting with a digit.
pub(super) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_alphabetic() || first == '_')
        && chars.all(|ch| ch.is_alphanumeric() || ch == '_')
}

/// An object template, or a literal when nothing in it is evaluated.
fn collapse_object(node: &Node, entries: Vec<(String, Template)>) -> Template {
    if entries.iter().all(|(_, value)| value.is_literal())
        && node.as_object().is_some_and(|m| m.len() == entries.len())
    {
        Template::Literal(node.to_json())
    } else {
        Template::Object(entries)
    }
}

/// An array template, or a literal when nothing in it is evaluated.
fn collapse_array(node: &Node, items: Vec<Template>) -> Template {
    if items.iter().all(Template::is_literal) {
        Template::Literal(node.to_json())
    } else {
        Template::Array(items)
    }
}
