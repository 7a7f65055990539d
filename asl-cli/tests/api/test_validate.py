"""ValidateStateMachineDefinition: the diagnostics of `asl check`, in AWS's shape."""

import json

from conftest import definition, raw

# A definition with an error and a warning (a path in a key without `.$`).
FLAWED = """{
  "StartAt": "First",
  "States": {
    "First": {"Type": "Pass", "Parameters": {"x": "$.input"}, "Next": "Nowhere"},
    "Second": {"Type": "Fail"}
  }
}"""


def test_a_valid_definition_is_ok(sfn):
    answer = sfn.validate_state_machine_definition(definition=definition())
    assert (answer["result"], answer["diagnostics"], answer["truncated"]) == ("OK", [], False)


def test_an_invalid_definition_fails_with_located_diagnostics(sfn):
    answer = sfn.validate_state_machine_definition(definition=FLAWED)
    assert answer["result"] == "FAIL"
    codes = [(d["severity"], d["code"], d["location"]) for d in answer["diagnostics"]]
    assert ("ERROR", "MISSING_TRANSITION_TARGET", "/States/First/Next") in codes
    assert all(severity == "ERROR" for severity, _, _ in codes)
    assert all(d["message"] for d in answer["diagnostics"])


def test_severity_warning_lists_warnings_too(sfn):
    errors = sfn.validate_state_machine_definition(definition=FLAWED)["diagnostics"]
    everything = sfn.validate_state_machine_definition(definition=FLAWED, severity="WARNING")[
        "diagnostics"
    ]
    assert len(everything) > len(errors)
    assert {"WARNING", "ERROR"} == {d["severity"] for d in everything}


def test_max_results_truncates(sfn):
    answer = sfn.validate_state_machine_definition(
        definition=FLAWED, severity="WARNING", maxResults=1
    )
    assert (len(answer["diagnostics"]), answer["truncated"]) == (1, True)


def test_not_json_and_express_rules(sfn):
    answer = sfn.validate_state_machine_definition(definition="not json")
    assert [d["code"] for d in answer["diagnostics"]] == ["INVALID_JSON_DESCRIPTION"]
    waiting = definition(resource="arn:aws:states:::sqs:sendMessage.waitForTaskToken")
    assert sfn.validate_state_machine_definition(definition=waiting)["result"] == "OK"
    express = sfn.validate_state_machine_definition(definition=waiting, type="EXPRESS")
    assert express["result"] == "FAIL"
    assert express["diagnostics"][0]["location"] == "/States/Only/Resource"


def test_the_line_and_column_are_in_the_json_too(endpoint):
    status, _, body = raw(
        endpoint,
        "AWSStepFunctions.ValidateStateMachineDefinition",
        json.dumps({"definition": FLAWED}).encode(),
    )
    assert status == 200
    [missing] = [d for d in body["diagnostics"] if d["code"] == "MISSING_TRANSITION_TARGET"]
    assert missing["line"] == 4
