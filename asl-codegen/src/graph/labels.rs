//! The words on edges, read from the states' JSON as written: a Choice rule as a
//! short condition (`$.total > 100`, `$.kind == "gift"`, the JSONata
//! `Condition`), a Catch as the errors it catches.

use serde_json::Value;

/// Edge labels are cut to this many characters.
const MAX_LABEL: usize = 30;

/// The label of each rule of the Choice state whose JSON is `state`, in order.
pub(super) fn rules(state: &Value) -> Vec<String> {
    let Some(choices) = state.get("Choices").and_then(Value::as_array) else {
        return Vec::new();
    };
    choices
        .iter()
        .map(|rule| {
            let label = rule
                .get("Comment")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| condition(rule));
            shortened(&label)
        })
        .collect()
}

/// The label of each Catch of the state whose JSON is `state`, in order.
pub(super) fn catches(state: &Value) -> Vec<String> {
    let Some(catchers) = state.get("Catch").and_then(Value::as_array) else {
        return Vec::new();
    };
    catchers
        .iter()
        .map(|catcher| {
            let errors: Vec<&str> = catcher
                .get("ErrorEquals")
                .and_then(Value::as_array)
                .map(|errors| errors.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            shortened(&errors.join(", "))
        })
        .collect()
}

/// A rule's condition, in short.
fn condition(rule: &Value) -> String {
    if let Some(condition) = rule.get("Condition").and_then(Value::as_str) {
        return condition
            .trim()
            .trim_start_matches("{%")
            .trim_end_matches("%}")
            .trim()
            .to_owned();
    }
    let Some(object) = rule.as_object() else {
        return String::new();
    };
    if let Some(rules) = object.get("And").and_then(Value::as_array) {
        return joined(rules, " and ");
    }
    if let Some(rules) = object.get("Or").and_then(Value::as_array) {
        return joined(rules, " or ");
    }
    if let Some(rule) = object.get("Not") {
        return format!("not ({})", condition(rule));
    }
    let variable = object
        .get("Variable")
        .and_then(Value::as_str)
        .unwrap_or("?");
    let Some((operator, operand)) = object.iter().find(|(key, _)| {
        !matches!(
            key.as_str(),
            "Variable" | "Next" | "Comment" | "Assign" | "Output"
        )
    }) else {
        return variable.to_owned();
    };
    let (operator, path) = match operator.strip_suffix("Path") {
        Some(stripped) => (stripped, true),
        None => (operator.as_str(), false),
    };
    let operand = match operand {
        Value::String(text) if path => text.clone(),
        other => other.to_string(),
    };
    let symbol = match operator {
        "StringEquals" | "NumericEquals" | "BooleanEquals" | "TimestampEquals" => "==",
        "StringLessThan" | "NumericLessThan" | "TimestampLessThan" => "<",
        "StringGreaterThan" | "NumericGreaterThan" | "TimestampGreaterThan" => ">",
        "StringLessThanEquals" | "NumericLessThanEquals" | "TimestampLessThanEquals" => "<=",
        "StringGreaterThanEquals" | "NumericGreaterThanEquals" | "TimestampGreaterThanEquals" => {
            ">="
        }
        "StringMatches" => "matches",
        "IsPresent" => return present(variable, &operand, "present"),
        "IsNull" => return present(variable, &operand, "null"),
        "IsNumeric" => return present(variable, &operand, "numeric"),
        "IsString" => return present(variable, &operand, "a string"),
        "IsBoolean" => return present(variable, &operand, "a boolean"),
        "IsTimestamp" => return present(variable, &operand, "a timestamp"),
        other => other,
    };
    format!("{variable} {symbol} {operand}")
}

/// `$.x is present`, `$.x is not present`.
fn present(variable: &str, operand: &str, what: &str) -> String {
    if operand == "false" {
        format!("{variable} is not {what}")
    } else {
        format!("{variable} is {what}")
    }
}

fn joined(rules: &[Value], separator: &str) -> String {
    rules
        .iter()
        .map(condition)
        .collect::<Vec<_>>()
        .join(separator)
}

/// `label`, cut with an ellipsis when longer than [`MAX_LABEL`] characters.
fn shortened(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL {
        return label.to_owned();
    }
    let cut: String = label.chars().take(MAX_LABEL - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_read_as_short_conditions() {
        let state = json!({"Type": "Choice", "Choices": [
            {"Variable": "$.total", "NumericGreaterThan": 100, "Next": "Big"},
            {"Variable": "$.kind", "StringEquals": "gift", "Next": "Gift"},
            {"And": [
                {"Variable": "$.a", "IsPresent": true},
                {"Not": {"Variable": "$.b", "BooleanEqualsPath": "$.c"}}
            ], "Next": "Both"},
            {"Variable": "$.note", "IsNull": false, "Next": "Note"},
            {"Comment": "rush orders", "Variable": "$.rush", "BooleanEquals": true, "Next": "Rush"},
            {"Condition": "{% $states.input.total > 1000 and $states.input.country = 'FR' %}", "Next": "X"}
        ]});
        assert_eq!(
            rules(&state),
            vec![
                "$.total > 100",
                "$.kind == \"gift\"",
                "$.a is present and not ($.b =…",
                "$.note is not null",
                "rush orders",
                "$states.input.total > 1000 an…",
            ]
        );
    }

    #[test]
    fn catches_name_their_errors() {
        let state = json!({"Catch": [
            {"ErrorEquals": ["States.Timeout", "Lambda.ServiceException"], "Next": "A"},
            {"ErrorEquals": ["States.ALL"], "Next": "B"}
        ]});
        assert_eq!(
            catches(&state),
            vec!["States.Timeout, Lambda.Servic…", "States.ALL"]
        );
    }
}
