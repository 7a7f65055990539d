//! Choice states: rule trees in JSONPath mode, conditions in JSONata mode.

use super::StateId;
use super::jsonata::Jsonata;
use super::path::Path;
use super::template::{Assign, Template};
use super::timestamp::Timestamp;

/// A Choice state's rules and default.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The rules, tried in order; the first that holds decides.
    pub rules: Vec<ChoiceRule>,
    /// Where to go when no rule holds; without one, States.NoChoiceMatched.
    pub default: Option<StateId>,
}

/// One top-level entry of `Choices`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceRule {
    /// When the rule holds.
    pub condition: Condition,
    /// Where to go when it does.
    pub next: StateId,
    /// Variables assigned when this rule is taken (instead of the state's Assign).
    pub assign: Option<Assign>,
    /// JSONata mode: the state's output when this rule is taken.
    pub output: Option<Template>,
    /// The rule's `Comment`.
    pub comment: Option<String>,
}

/// The test of a [`ChoiceRule`].
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// JSONPath mode: a boolean expression over data tests.
    Rule(Rule),
    /// JSONata mode: `Condition: "{% ... %}"`.
    Jsonata(Jsonata),
    /// JSONata mode: `Condition: true` or `false`.
    Constant(bool),
}

/// A JSONPath-mode boolean expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// All hold (short-circuits).
    And(Vec<Rule>),
    /// Any holds (short-circuits).
    Or(Vec<Rule>),
    /// Does not hold.
    Not(Box<Rule>),
    /// A data test on the value at `variable`.
    Test {
        /// `Variable`: the value tested.
        variable: Path,
        /// The operator and its operand.
        comparison: Comparison,
    },
}

/// The operator of a data test, typed by family. A value of the wrong type makes
/// the test false, not an error.
#[derive(Debug, Clone, PartialEq)]
pub enum Comparison {
    /// `String...` operators (lexicographic).
    String {
        /// The comparison.
        op: CompareOp,
        /// The other side.
        operand: Operand<String>,
    },
    /// `StringMatches`.
    StringMatches(StringPattern),
    /// `Numeric...` operators (1 == 1.0).
    Numeric {
        /// The comparison.
        op: CompareOp,
        /// The other side.
        operand: Operand<serde_json::Number>,
    },
    /// `BooleanEquals` / `BooleanEqualsPath`.
    Boolean(Operand<bool>),
    /// `Timestamp...` operators (instants compared).
    Timestamp {
        /// The comparison.
        op: CompareOp,
        /// The other side.
        operand: Operand<Timestamp>,
    },
    /// `IsNull`, `IsPresent`, `IsNumeric`, `IsString`, `IsBoolean`, `IsTimestamp`.
    Type {
        /// Which test.
        test: TypeTest,
        /// The operand: `true` tests that it is, `false` that it is not.
        expected: bool,
    },
}

/// The right side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand<T> {
    /// A constant from the definition.
    Value(T),
    /// The `...Path` form: a second path into the same input.
    Path(Path),
}

/// How two values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `...Equals`
    Equals,
    /// `...LessThan`
    LessThan,
    /// `...GreaterThan`
    GreaterThan,
    /// `...LessThanEquals`
    LessThanEquals,
    /// `...GreaterThanEquals`
    GreaterThanEquals,
}

/// The `Is...` type tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeTest {
    /// `IsNull`
    Null,
    /// `IsPresent` (the only test that does not fail on a missing path)
    Present,
    /// `IsNumeric`
    Numeric,
    /// `IsString`
    String,
    /// `IsBoolean`
    Boolean,
    /// `IsTimestamp`
    Timestamp,
}

/// A `StringMatches` pattern: `*` matches any run of characters, `\*` a literal
/// asterisk and `\\` a backslash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringPattern {
    /// The pattern as written.
    pub text: String,
    /// The parsed pattern, or why it cannot match: AWS accepts such a definition
    /// and fails the Choice state at run time, so the error is kept for then.
    pub parts: Result<Vec<PatternPart>, String>,
}

/// A piece of a [`StringPattern`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternPart {
    /// Characters to match exactly.
    Literal(String),
    /// `*`: any run of characters, possibly empty.
    Star,
}

impl StringPattern {
    /// Parses a pattern; escapes other than `\*` and `\\` are an error kept in `parts`.
    pub fn parse(text: &str) -> StringPattern {
        StringPattern {
            text: text.to_owned(),
            parts: parse_pattern(text),
        }
    }
}

fn parse_pattern(text: &str) -> Result<Vec<PatternPart>, String> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '*' => {
                if !literal.is_empty() {
                    parts.push(PatternPart::Literal(std::mem::take(&mut literal)));
                }
                if parts.last() != Some(&PatternPart::Star) {
                    parts.push(PatternPart::Star);
                }
            }
            '\\' => match chars.next() {
                Some(escaped @ ('*' | '\\')) => literal.push(escaped),
                Some(other) => {
                    return Err(format!(
                        "`\\{other}` is not an escape in StringMatches; use `\\*` or `\\\\`"
                    ));
                }
                None => return Err("the pattern ends with a lone `\\`".to_owned()),
            },
            other => literal.push(other),
        }
    }
    if !literal.is_empty() {
        parts.push(PatternPart::Literal(literal));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_with_stars_and_escapes() {
        use PatternPart::*;
        assert_eq!(
            StringPattern::parse("log-*.txt").parts,
            Ok(vec![Literal("log-".into()), Star, Literal(".txt".into())])
        );
        assert_eq!(
            StringPattern::parse(r"a\*b\\").parts,
            Ok(vec![Literal(r"a*b\".into())])
        );
        assert_eq!(StringPattern::parse("**").parts, Ok(vec![Star]));
        assert_eq!(StringPattern::parse("").parts, Ok(vec![]));
        assert!(StringPattern::parse(r"a\b").parts.is_err());
        assert!(StringPattern::parse("a\\").parts.is_err());
    }
}
