"""The AWS JSON 1.0 protocol as any client sees it: headers, errors, bad bodies."""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import error_of, raw


def test_an_answer_has_the_json_1_0_type_and_a_request_id(endpoint):
    status, headers, body = raw(endpoint, "AWSStepFunctions.ListActivities", b"{}")
    assert status == 200
    assert headers["Content-Type"] == "application/x-amz-json-1.0"
    uuid.UUID(headers["x-amzn-RequestId"])
    assert "activities" in body


def test_any_path_is_answered(endpoint):
    status, _, _ = raw(endpoint + "/some/path", "AWSStepFunctions.ListActivities", b"{}")
    assert status == 200


def test_errors_name_their_code_in_the_body_and_the_header(endpoint):
    status, headers, body = raw(
        endpoint, "AWSStepFunctions.DescribeActivity", b'{"activityArn": "nope"}'
    )
    assert status == 400
    assert body == {"__type": "InvalidArn", "message": "Invalid Arn: 'nope'"}
    assert headers["X-Amzn-ErrorType"] == "InvalidArn"
    uuid.UUID(headers["x-amzn-RequestId"])


@pytest.mark.parametrize(
    "target", [None, "AWSStepFunctions.NoSuchAction", "OtherService.ListActivities"]
)
def test_a_missing_or_unknown_target_is_an_unknown_operation(endpoint, target):
    status, _, body = raw(endpoint, target, b"{}")
    assert (status, body["__type"]) == (400, "UnknownOperationException")


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b"42", b'"{}"', b"null", b"\xff"])
def test_a_body_that_is_not_a_json_object_is_a_serialization_error(endpoint, body):
    status, _, answer = raw(endpoint, "AWSStepFunctions.ListActivities", body)
    assert (status, answer["__type"]) == (400, "SerializationException")


def test_a_member_of_the_wrong_type_is_a_serialization_error(endpoint):
    status, _, body = raw(
        endpoint, "AWSStepFunctions.ListActivities", json.dumps({"maxResults": "ten"}).encode()
    )
    assert (status, body["__type"]) == (400, "SerializationException")
    assert "maxResults" in body["message"]


def test_missing_members_unknown_values_and_long_strings_are_validation_errors(endpoint):
    status, _, body = raw(
        endpoint,
        "AWSStepFunctions.CreateStateMachine",
        json.dumps({"name": "x" * 81, "type": "BATCH", "roleArn": "r"}).encode(),
    )
    assert (status, body["__type"]) == (400, "ValidationException")
    assert body["message"] == (
        "3 validation errors detected: "
        f"Value '{'x' * 81}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 80; "
        "Value null at 'definition' failed to satisfy constraint: Member must not be null; "
        "Value 'BATCH' at 'type' failed to satisfy constraint: "
        "Member must satisfy enum value set: [STANDARD, EXPRESS]"
    )


def test_boto3_raises_the_modeled_exception_classes(sfn):
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_state_machine(stateMachineArn="arn:aws:states:us-east-1:1:nope")
    with pytest.raises(ClientError) as raised:
        sfn.list_activities(maxResults=1001)
    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy "
        "constraint: Member must have value less than or equal to 1000",
    )


def test_a_definition_over_the_limit_is_refused(sfn):
    huge = '{"Comment": "' + "x" * (1024 * 1024) + '", "StartAt": "A", "States": {}}'
    with pytest.raises(ClientError) as raised:
        sfn.validate_state_machine_definition(definition=huge)
    code, message = error_of(raised)
    assert code == "ValidationException"
    assert "at 'definition'" in message and "less than or equal to 1048576" in message
