//! Reading an object's fields against its [`Schema`]: unknown fields (with a
//! suggestion), repeated keys, and fields of the other query language.

use std::collections::HashMap;

use super::schema::{Lang, Schema};
use super::{Lowerer, Reported, Result};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::QueryLanguage;
use crate::spec::{Member, Node};

/// The fields of one object, checked against its schema.
pub(super) struct Fields<'n> {
    /// The object itself.
    pub node: &'n Node,
    members: &'n [Member],
    /// Fields present but belonging to the other query language (already reported).
    blocked: Vec<&'n str>,
}

impl<'n> Fields<'n> {
    /// The value of `name`, unless absent or reported as belonging to the other query
    /// language. A repeated key (reported) yields its last value.
    pub fn get(&self, name: &str) -> Option<&'n Node> {
        self.member(name).map(|member| &member.value)
    }

    /// The member `name`, as [`Fields::get`].
    pub fn member(&self, name: &str) -> Option<&'n Member> {
        if self.blocked.contains(&name) {
            return None;
        }
        self.members.iter().rev().find(|member| member.key == name)
    }

    /// True when some key of the object is a likely misspelling of one of `names`
    /// (and so was reported as an unknown field).
    pub fn has_misspelling(&self, names: &[&str]) -> bool {
        self.members.iter().any(|member| {
            !names.contains(&member.key.as_str())
                && did_you_mean(&member.key, names.iter().copied()).is_some()
        })
    }

    /// True when the object has `name`, whatever its language.
    pub fn has(&self, name: &str) -> bool {
        self.members.iter().any(|member| member.key == name)
    }
}

impl Lowerer<'_> {
    /// Checks `node` against `schema` in `language` and returns its fields.
    pub(super) fn fields<'n>(
        &mut self,
        node: &'n Node,
        schema: &'static Schema,
        language: QueryLanguage,
    ) -> Result<Fields<'n>> {
        let Some(members) = node.as_object() else {
            return Err(self.error(
                node,
                format!(
                    "{} must be an object, found {}",
                    schema.what,
                    node.type_name()
                ),
            ));
        };
        self.check_duplicate_keys(members, "field");
        let mut blocked = Vec::new();
        for member in members {
            match schema.lang(&member.key) {
                None => self.unknown_field(member, schema),
                Some(lang) if !allows(lang, language) => {
                    self.wrong_language(member, language);
                    blocked.push(member.key.as_str());
                }
                Some(_) => {}
            }
        }
        Ok(Fields {
            node,
            members,
            blocked,
        })
    }

    /// The value of a field that must be present.
    pub(super) fn required<'n>(
        &mut self,
        fields: &Fields<'n>,
        name: &str,
        what: &str,
    ) -> Result<&'n Node> {
        match fields.get(name) {
            Some(node) => Ok(node),
            None if fields.has(name) => Err(Reported),
            None => Err(self.error_help(
                fields.node,
                format!("{what} is missing the required field `{name}`"),
                format!("add \"{name}\""),
            )),
        }
    }

    /// Reports every key that repeats an earlier one in `members`.
    pub(super) fn check_duplicate_keys(&mut self, members: &[Member], what: &str) {
        if members.len() < 2 {
            return;
        }
        let mut seen: HashMap<&str, &Member> = HashMap::with_capacity(members.len());
        for member in members {
            if let Some(first) = seen.insert(&member.key, member) {
                let first_at = self.source.line_col(first.key_span.start);
                let diagnostic = Diagnostic::at_key(
                    Code::SchemaValidationFailed,
                    member,
                    format!("duplicate {what} `{}`", member.key),
                )
                .with_help(format!(
                    "`{}` is already given on line {}; keep one",
                    member.key, first_at.line
                ));
                self.report(diagnostic);
            }
        }
    }

    fn unknown_field(&mut self, member: &Member, schema: &'static Schema) {
        let help = match did_you_mean(&member.key, schema.names()) {
            Some(suggestion) => format!("did you mean `{suggestion}`?"),
            None if schema.extra.0.is_empty() => format!(
                "the fields of {} are: {}",
                schema.what,
                schema.names().collect::<Vec<_>>().join(", ")
            ),
            None => format!(
                "see the fields of {} in the Amazon States Language",
                schema.what
            ),
        };
        let diagnostic = Diagnostic::at_key(
            Code::SchemaValidationFailed,
            member,
            format!("unknown field `{}` in {}", member.key, schema.what),
        )
        .with_help(help);
        self.report(diagnostic);
    }

    fn wrong_language(&mut self, member: &Member, language: QueryLanguage) {
        let other = match language {
            QueryLanguage::JsonPath => QueryLanguage::Jsonata,
            QueryLanguage::Jsonata => QueryLanguage::JsonPath,
        };
        let help = match language {
            QueryLanguage::JsonPath => {
                "set \"QueryLanguage\": \"JSONata\" on this state (or on the state machine)"
                    .to_owned()
            }
            QueryLanguage::Jsonata => jsonata_alternative(&member.key),
        };
        let diagnostic = Diagnostic::at_key(
            Code::SchemaValidationFailed,
            member,
            format!(
                "the QueryLanguage is {language}, but field `{}` is only supported for {other}",
                member.key
            ),
        )
        .with_help(help);
        self.report(diagnostic);
    }
}

fn allows(lang: Lang, language: QueryLanguage) -> bool {
    match lang {
        Lang::Any => true,
        Lang::JsonPath => language == QueryLanguage::JsonPath,
        Lang::Jsonata => language == QueryLanguage::Jsonata,
    }
}

/// What to write in JSONata instead of a JSONPath-only field.
fn jsonata_alternative(field: &str) -> String {
    match field {
        "InputPath" | "Parameters" => {
            "in JSONata, use `Arguments` with `{% $states.input... %}`".to_owned()
        }
        "ResultSelector" | "ResultPath" | "OutputPath" | "Result" => {
            "in JSONata, use `Output` with `{% $states.result... %}`".to_owned()
        }
        "ItemsPath" => "in JSONata, use `Items` with `{% $states.input... %}`".to_owned(),
        other => match other.strip_suffix("Path") {
            Some(base) => format!("in JSONata, use `{base}` with a `{{% ... %}}` expression"),
            None => "remove it, or set \"QueryLanguage\": \"JSONPath\"".to_owned(),
        },
    }
}

/// The candidate closest to `word`, when it is close enough to be a likely typo.
pub(super) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .filter_map(|candidate| {
            let candidate_lower = candidate.to_lowercase();
            let distance = strsim::damerau_levenshtein(&lower, &candidate_lower);
            // A truncated name (`Role` for `RoleArn`) is a likely slip too.
            let truncated = lower.chars().count() >= 3 && candidate_lower.starts_with(&lower);
            (distance <= (candidate.chars().count() / 3).max(1) || truncated)
                .then_some((distance, candidate))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names_only() {
        let names = ["Next", "End", "Resource", "ResultPath"];
        assert_eq!(did_you_mean("Nxt", names), Some("Next"));
        assert_eq!(did_you_mean("next", names), Some("Next"));
        assert_eq!(did_you_mean("Resuorce", names), Some("Resource"));
        assert_eq!(did_you_mean("ResultPth", names), Some("ResultPath"));
        assert_eq!(did_you_mean("Resou", names), Some("Resource"));
        assert_eq!(did_you_mean("Banana", names), None);
    }
}
