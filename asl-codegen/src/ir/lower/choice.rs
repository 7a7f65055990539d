//! Choice states: JSONPath rule trees and JSONata conditions.

use super::expr::looks_like_path;
use super::fields::Fields;
use super::machine::Scope;
use super::schema::{CHOICE_OPERATORS, CHOICE_RULE, NESTED_CHOICE_RULE};
use super::{Lowerer, Reported, Result, all_ok};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::QueryLanguage;
use crate::ir::choice::{
    Choice, ChoiceRule, CompareOp, Comparison, Condition, Operand, Rule, StringPattern, TypeTest,
};
use crate::spec::{Member, Node, NodeKind};

/// The operators that combine rules.
const BOOLEAN_OPERATORS: &[&str] = &["And", "Or", "Not"];

/// Every operator a JSONPath rule can have.
static ALL_OPERATORS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    CHOICE_OPERATORS
        .iter()
        .chain(BOOLEAN_OPERATORS)
        .copied()
        .collect()
});

impl Lowerer<'_> {
    pub(super) fn choice(
        &mut self,
        fields: &Fields<'_>,
        scope: &Scope,
        language: QueryLanguage,
    ) -> Result<Choice> {
        let rules = self
            .required(fields, "Choices", "a Choice state")
            .and_then(|node| {
                let items = self.non_empty_array(node, "Choices", "rules", "rule")?;
                self.each(items, |lowerer, item| {
                    lowerer.choice_rule(item, scope, language)
                })
            });
        let default = fields
            .get("Default")
            .map(|node| {
                let name = self.non_empty_string(node, "Default")?;
                self.target(node, name, scope, "Default")
            })
            .transpose();
        all_ok!(rules, default);
        Ok(Choice { rules, default })
    }

    /// A top-level rule: its test, `Next`, and optional `Assign` / `Output`.
    fn choice_rule(
        &mut self,
        node: &Node,
        scope: &Scope,
        language: QueryLanguage,
    ) -> Result<ChoiceRule> {
        let fields = self.fields(node, &CHOICE_RULE, language)?;
        let condition = match language {
            QueryLanguage::JsonPath => self.rule(&fields).map(Condition::Rule),
            QueryLanguage::Jsonata => self.condition(&fields),
        };
        let next = self
            .required(&fields, "Next", "a Choice rule")
            .and_then(|next| {
                let name = self.non_empty_string(next, "Next")?;
                self.target(next, name, scope, "Next")
            });
        let assign = fields
            .get("Assign")
            .map(|node| self.assign(node, language))
            .transpose();
        let output = fields
            .get("Output")
            .map(|node| self.jsonata_template(node))
            .transpose();
        let comment = self.comment(&fields);
        all_ok!(condition, next, assign, output, comment);
        Ok(ChoiceRule {
            condition,
            next,
            assign,
            output,
            comment,
        })
    }

    /// JSONata `Condition`: `{% ... %}` or a boolean.
    fn condition(&mut self, fields: &Fields<'_>) -> Result<Condition> {
        let node = self.required(fields, "Condition", "a JSONata Choice rule")?;
        match node.kind {
            NodeKind::Bool(value) => Ok(Condition::Constant(value)),
            _ => self
                .required_jsonata(node, "Condition")
                .map(Condition::Jsonata),
        }
    }

    /// A JSONPath rule whose fields are already checked: exactly one operator.
    fn rule(&mut self, fields: &Fields<'_>) -> Result<Rule> {
        let operators: Vec<&Member> = fields
            .node
            .as_object()
            .unwrap_or_default()
            .iter()
            .filter(|member| {
                CHOICE_OPERATORS.contains(&member.key.as_str())
                    || BOOLEAN_OPERATORS.contains(&member.key.as_str())
            })
            .collect();
        let operator = match operators.as_slice() {
            // The operator is there, misspelled or in the wrong language, and was
            // reported as such.
            [] if fields.has("Condition") || fields.has_misspelling(&ALL_OPERATORS) => {
                return Err(Reported);
            }
            [] => {
                return Err(self.error_help(
                    fields.node,
                    "a Choice rule needs a comparison operator (such as `StringEquals`) or `And`, `Or` or `Not`",
                    "add e.g. \"Variable\": \"$.status\", \"StringEquals\": \"done\"",
                ));
            }
            [operator] => *operator,
            [first, second, ..] => {
                return Err(self.report(
                    Diagnostic::at_key(
                        Code::SchemaValidationFailed,
                        second,
                        format!(
                            "a Choice rule takes one operator, but this one has `{}` and `{}`",
                            first.key, second.key
                        ),
                    )
                    .with_help("combine several tests with `And` or `Or`"),
                ));
            }
        };
        let variable = fields.get("Variable");
        match operator.key.as_str() {
            "And" | "Or" | "Not" => {
                if let Some(variable) = variable {
                    return Err(self.error_help(
                        variable,
                        format!("`Variable` cannot be used with `{}`", operator.key),
                        "put `Variable` in each of the combined rules",
                    ));
                }
                self.boolean_rule(&operator.key, &operator.value)
            }
            name => {
                let variable = match variable {
                    Some(variable) => self.path(variable, "Variable"),
                    None => Err(self.error_help(
                        fields.node,
                        format!("a Choice rule with `{name}` needs `Variable`"),
                        "add \"Variable\": \"$.field\" to name the value to test",
                    )),
                };
                let comparison = self.comparison(name, &operator.value);
                all_ok!(variable, comparison);
                Ok(Rule::Test {
                    variable,
                    comparison,
                })
            }
        }
    }

    /// `And`, `Or` (non-empty arrays of rules) or `Not` (one rule).
    fn boolean_rule(&mut self, operator: &str, node: &Node) -> Result<Rule> {
        if operator == "Not" {
            return self.nested_rule(node).map(|rule| Rule::Not(Box::new(rule)));
        }
        let items = self.non_empty_array(node, operator, "rules", "rule")?;
        let rules = self.each(items, Self::nested_rule)?;
        Ok(if operator == "And" {
            Rule::And(rules)
        } else {
            Rule::Or(rules)
        })
    }

    fn nested_rule(&mut self, node: &Node) -> Result<Rule> {
        let fields = self.fields(node, &NESTED_CHOICE_RULE, QueryLanguage::JsonPath);
        if let Some(members) = node.as_object() {
            for member in members
                .iter()
                .filter(|m| m.key == "Next" || m.key == "Assign")
            {
                self.report(
                    Diagnostic::at_key(
                        Code::SchemaValidationFailed,
                        member,
                        format!(
                            "a rule inside `And`, `Or` or `Not` cannot have `{}`",
                            member.key
                        ),
                    )
                    .with_help(format!("put `{}` on the top-level rule", member.key)),
                );
            }
        }
        self.rule(&fields?)
    }

    /// The comparison an operator such as `NumericLessThanEqualsPath` makes.
    fn comparison(&mut self, operator: &str, node: &Node) -> Result<Comparison> {
        if let Some(test) = operator.strip_prefix("Is") {
            let test = match test {
                "Null" => TypeTest::Null,
                "Present" => TypeTest::Present,
                "Numeric" => TypeTest::Numeric,
                "String" => TypeTest::String,
                "Boolean" => TypeTest::Boolean,
                _ => TypeTest::Timestamp,
            };
            let expected = self.boolean(node, operator)?;
            return Ok(Comparison::Type { test, expected });
        }
        if operator == "StringMatches" {
            let pattern = self.string(node, operator)?;
            return Ok(Comparison::StringMatches(StringPattern::parse(pattern)));
        }
        let (family, rest) = ["String", "Numeric", "Boolean", "Timestamp"]
            .into_iter()
            .find_map(|family| operator.strip_prefix(family).map(|rest| (family, rest)))
            .expect("a known operator");
        let (op_name, is_path) = match rest.strip_suffix("Path") {
            Some(op_name) => (op_name, true),
            None => (rest, false),
        };
        let op = match op_name {
            "Equals" => CompareOp::Equals,
            "LessThan" => CompareOp::LessThan,
            "GreaterThan" => CompareOp::GreaterThan,
            "LessThanEquals" => CompareOp::LessThanEquals,
            _ => CompareOp::GreaterThanEquals,
        };
        if is_path {
            let path = self.path(node, operator)?;
            return Ok(match family {
                "String" => Comparison::String {
                    op,
                    operand: Operand::Path(path),
                },
                "Numeric" => Comparison::Numeric {
                    op,
                    operand: Operand::Path(path),
                },
                "Boolean" => Comparison::Boolean(Operand::Path(path)),
                _ => Comparison::Timestamp {
                    op,
                    operand: Operand::Path(path),
                },
            });
        }
        match family {
            "String" => {
                let text = self.string(node, operator)?;
                if looks_like_path(text) {
                    self.report(
                        Diagnostic::at(
                            Code::NoPath,
                            node,
                            format!("`{operator}` compares with the text `{text}`, which looks like a path"),
                        )
                        .with_help(format!("use `{operator}Path` to compare with the value at that path")),
                    );
                }
                Ok(Comparison::String {
                    op,
                    operand: Operand::Value(text.to_owned()),
                })
            }
            "Numeric" => match &node.kind {
                NodeKind::Number(number) => Ok(Comparison::Numeric {
                    op,
                    operand: Operand::Value(number.clone()),
                }),
                _ => Err(self.error(
                    node,
                    format!("`{operator}` must be a number, found {}", node.type_name()),
                )),
            },
            "Boolean" => self
                .boolean(node, operator)
                .map(|value| Comparison::Boolean(Operand::Value(value))),
            _ => self
                .timestamp(node, operator)
                .map(|timestamp| Comparison::Timestamp {
                    op,
                    operand: Operand::Value(timestamp),
                }),
        }
    }
}
