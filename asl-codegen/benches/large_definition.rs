//! A large, realistic definition for timing the front end: `states` states mixing
//! Tasks with Retry and Catch, Choices, Pass states with templates, Waits and Maps.
//! About 500 bytes per state, so 2,000 states make about 1 MiB.

use std::fmt::Write as _;

/// A state comment of realistic length.
const COMMENT: &str = "reads the order from the previous step, enriches it with the customer's \
    account details and shipping preferences, and records what it did so that the audit trail \
    can be rebuilt later without replaying the whole execution history";

/// The definition text.
pub fn large_definition(states: usize) -> String {
    let mut out = String::with_capacity(states * 560);
    out.push_str("{\n  \"Comment\": \"A generated definition for timing\",\n  \"StartAt\": \"S0\",\n  \"States\": {\n");
    for index in 0..states {
        let next = if index + 1 == states {
            "\"End\": true".to_owned()
        } else {
            format!("\"Next\": \"S{}\"", index + 1)
        };
        let state = match index % 5 {
            0 => format!(
                r#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {{"FunctionName": "step-{index}", "Payload": {{"id.$": "$.id", "n.$": "States.MathAdd($.n, 1)", "at.$": "$$.State.EnteredTime"}}}},
      "ResultSelector": {{"value.$": "$.Payload.value"}}, "ResultPath": "$.r{index}", "TimeoutSeconds": 30,
      "Retry": [{{"ErrorEquals": ["Busy"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2.0}}, {{"ErrorEquals": ["States.ALL"]}}],
      "Catch": [{{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}}], {next}"#
            ),
            1 => format!(
                r#""Type": "Choice", "Choices": [{{"And": [{{"Variable": "$.n", "NumericGreaterThan": {index}}}, {{"Variable": "$.name", "StringMatches": "item-*"}}], "Next": "{target}"}},
      {{"Variable": "$.flag", "BooleanEquals": true, "Next": "{target}"}}], "Default": "{target}""#,
                target = if index + 1 == states {
                    "Failed".to_owned()
                } else {
                    format!("S{}", index + 1)
                }
            ),
            2 => format!(
                r#""Type": "Pass", "Parameters": {{"id.$": "$.id", "n.$": "$.n", "items.$": "$.items[0:3]", "label.$": "States.Format('step {{}} of {{}}', $.n, {states})", "flag": true}}, "ResultPath": "$.p{index}", {next}"#
            ),
            3 => format!(
                r#""Type": "Wait", "SecondsPath": "$.delay", "InputPath": "$", "OutputPath": "$", {next}"#
            ),
            _ => format!(
                r#""Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 4,
      "ItemProcessor": {{"StartAt": "M{index}", "States": {{"M{index}": {{"Type": "Pass", "Parameters": {{"v.$": "$"}}, "End": true}}}}}},
      "ResultPath": "$.m{index}", {next}"#
            ),
        };
        let _ = writeln!(
            out,
            "    \"S{index}\": {{\n      \"Comment\": \"Step {index}: {COMMENT}\",\n      {state}\n    }},"
        );
    }
    out.push_str("    \"Failed\": {\"Type\": \"Fail\", \"Error\": \"StepFailed\", \"CausePath\": \"$.error.Cause\"}\n  }\n}\n");
    out
}
