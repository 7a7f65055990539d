"""CreateStateMachine, DescribeStateMachine, UpdateStateMachine,
DeleteStateMachine and ListStateMachines through boto3."""

import datetime
import json

import pytest

from conftest import ROLE, STATES, definition, error_of, pages, unique


def test_a_created_machine_is_described_with_aws_defaults(sfn):
    name = unique("described")
    text = definition("described")
    created = sfn.create_state_machine(name=name, definition=text, roleArn=ROLE)
    arn = created["stateMachineArn"]
    assert arn == f"{STATES}:stateMachine:{name}"
    assert isinstance(created["creationDate"], datetime.datetime)
    assert "stateMachineVersionArn" not in created
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert described["stateMachineArn"] == arn
    assert described["name"] == name
    assert described["definition"] == text
    assert described["roleArn"] == ROLE
    assert described["type"] == "STANDARD"
    assert described["status"] == "ACTIVE"
    assert described["creationDate"] == created["creationDate"]
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}
    assert described["tracingConfiguration"] == {"enabled": False}
    assert "revisionId" not in described
    metadata = sfn.describe_state_machine(stateMachineArn=arn, includedData="METADATA_ONLY")
    assert metadata["definition"] == "{}"
    sfn.delete_state_machine(stateMachineArn=arn)


def test_configurations_are_kept(sfn):
    logging = {
        "level": "ERROR",
        "includeExecutionData": True,
        "destinations": [
            {
                "cloudWatchLogsLogGroup": {
                    "logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:sfn:*"
                }
            }
        ],
    }
    arn = sfn.create_state_machine(
        name=unique("configured"),
        definition=definition(),
        roleArn=ROLE,
        type="EXPRESS",
        loggingConfiguration=logging,
        tracingConfiguration={"enabled": True},
        encryptionConfiguration={"type": "AWS_OWNED_KEY"},
    )["stateMachineArn"]
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert described["type"] == "EXPRESS"
    assert described["loggingConfiguration"] == logging
    assert described["tracingConfiguration"] == {"enabled": True}
    assert described["encryptionConfiguration"] == {"type": "AWS_OWNED_KEY"}
    sfn.delete_state_machine(stateMachineArn=arn)


def test_create_is_idempotent_for_the_same_request(sfn, machine):
    again = sfn.create_state_machine(name=machine["name"], definition=definition(), roleArn=ROLE)
    assert again["stateMachineArn"] == machine["arn"]
    with pytest.raises(sfn.exceptions.StateMachineAlreadyExists) as raised:
        sfn.create_state_machine(
            name=machine["name"], definition=definition("another"), roleArn=ROLE
        )
    assert machine["arn"] in error_of(raised)[1]
    with pytest.raises(sfn.exceptions.StateMachineAlreadyExists):
        sfn.create_state_machine(
            name=machine["name"], definition=definition(), roleArn=ROLE, type="EXPRESS"
        )


def test_an_invalid_definition_names_each_error_with_its_line_and_column(sfn):
    text = '{\n  "StartAt": "First",\n  "States": {\n    "First": {"Type": "Pass", "Next": "Nowhere"}\n  }\n}'
    with pytest.raises(sfn.exceptions.InvalidDefinition) as raised:
        sfn.create_state_machine(name=unique("invalid"), definition=text, roleArn=ROLE)
    message = error_of(raised)[1]
    assert message.startswith("Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: ")
    assert "at /States/First/Next (line 4, column 39)" in message
    with pytest.raises(sfn.exceptions.InvalidDefinition) as raised:
        sfn.create_state_machine(name=unique("invalid"), definition="{", roleArn=ROLE)
    assert "INVALID_JSON_DESCRIPTION" in error_of(raised)[1]


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "arn:aws:states:::states:startExecution.sync",
        "arn:aws:states:us-east-1:123456789012:activity:work",
    ],
)
def test_an_express_machine_cannot_wait(sfn, resource):
    text = definition(resource=resource)
    with pytest.raises(sfn.exceptions.InvalidDefinition) as raised:
        sfn.create_state_machine(name=unique("express"), definition=text, roleArn=ROLE, type="EXPRESS")
    message = error_of(raised)[1]
    assert "an EXPRESS state machine cannot use" in message
    assert "/States/Only/Resource (line 1, column" in message
    standard = sfn.create_state_machine(name=unique("standard"), definition=text, roleArn=ROLE)
    sfn.delete_state_machine(stateMachineArn=standard["stateMachineArn"])


@pytest.mark.parametrize("name", ["has space", "a:b", "a/b", "curly{", "star*", "tab\tname"])
def test_names_follow_aws_rules(sfn, name):
    with pytest.raises(sfn.exceptions.InvalidName) as raised:
        sfn.create_state_machine(name=name, definition=definition(), roleArn=ROLE)
    assert error_of(raised)[1] == f"Invalid Name: '{name}'"


def test_a_name_over_80_characters_is_a_validation_error(sfn):
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.create_state_machine(name="n" * 81, definition=definition(), roleArn=ROLE)


def test_the_role_must_be_an_iam_role_arn(sfn):
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.create_state_machine(name=unique("role"), definition=definition(), roleArn="role")


def test_a_version_description_needs_publish(sfn):
    with pytest.raises(sfn.exceptions.ValidationException) as raised:
        sfn.create_state_machine(
            name=unique("described"),
            definition=definition(),
            roleArn=ROLE,
            versionDescription="v1",
        )
    assert error_of(raised)[1] == "Version description can only be set when publish is true"


def test_logging_other_than_off_needs_one_log_group(sfn):
    with pytest.raises(sfn.exceptions.InvalidLoggingConfiguration):
        sfn.create_state_machine(
            name=unique("logging"),
            definition=definition(),
            roleArn=ROLE,
            loggingConfiguration={"level": "ALL"},
        )


def test_wrong_arns(sfn):
    for arn in ["nope", f"{STATES}:activity:x", "arn:aws:lambda:us-east-1:123456789012:function:f"]:
        with pytest.raises(sfn.exceptions.InvalidArn) as raised:
            sfn.describe_state_machine(stateMachineArn=arn)
        assert error_of(raised)[1] == f"Invalid Arn: '{arn}'"
    missing = f"{STATES}:stateMachine:{unique('missing')}"
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist) as raised:
        sfn.describe_state_machine(stateMachineArn=missing)
    assert error_of(raised)[1] == f"State Machine Does Not Exist: '{missing}'"


def test_an_update_makes_a_revision(sfn, machine):
    updated = sfn.update_state_machine(
        stateMachineArn=machine["arn"], definition=definition("updated")
    )
    assert isinstance(updated["updateDate"], datetime.datetime)
    revision = updated["revisionId"]
    described = sfn.describe_state_machine(stateMachineArn=machine["arn"])
    assert json.loads(described["definition"])["Comment"] == "updated"
    assert described["revisionId"] == revision
    again = sfn.update_state_machine(stateMachineArn=machine["arn"], roleArn=ROLE + "2")
    assert again["revisionId"] != revision
    published = sfn.update_state_machine(
        stateMachineArn=machine["arn"],
        tracingConfiguration={"enabled": True},
        publish=True,
        versionDescription="traced",
    )
    assert published["stateMachineVersionArn"] == machine["arn"] + ":1"
    version = sfn.describe_state_machine(stateMachineArn=published["stateMachineVersionArn"])
    assert version["description"] == "traced"
    assert version["tracingConfiguration"] == {"enabled": True}


def test_an_update_is_checked(sfn, machine):
    with pytest.raises(sfn.exceptions.MissingRequiredParameter):
        sfn.update_state_machine(stateMachineArn=machine["arn"])
    with pytest.raises(sfn.exceptions.InvalidDefinition):
        sfn.update_state_machine(stateMachineArn=machine["arn"], definition="{}")
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.update_state_machine(stateMachineArn=machine["arn"] + ":1", roleArn=ROLE)
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.update_state_machine(
            stateMachineArn=f"{STATES}:stateMachine:{unique('missing')}", roleArn=ROLE
        )
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.update_state_machine(
            stateMachineArn=machine["arn"], roleArn=ROLE, versionDescription="no publish"
        )


def test_delete_is_idempotent_and_takes_versions_and_aliases(sfn):
    name = unique("deleted")
    created = sfn.create_state_machine(
        name=name, definition=definition(), roleArn=ROLE, publish=True
    )
    version = created["stateMachineVersionArn"]
    alias = sfn.create_state_machine_alias(
        name="live", routingConfiguration=[{"stateMachineVersionArn": version, "weight": 100}]
    )["stateMachineAliasArn"]
    sfn.delete_state_machine(stateMachineArn=created["stateMachineArn"])
    sfn.delete_state_machine(stateMachineArn=created["stateMachineArn"])
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=version)
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.delete_state_machine(stateMachineArn=version)


def test_list_pages_through_every_machine_once(sfn):
    prefix = unique("listed")
    arns = {
        sfn.create_state_machine(
            name=f"{prefix}-{n}", definition=definition(), roleArn=ROLE
        )["stateMachineArn"]
        for n in range(7)
    }
    listed = pages(sfn.list_state_machines, "stateMachines", maxResults=3)
    assert len(listed) >= 3
    assert all(len(page) <= 3 for page in listed)
    seen = [item["stateMachineArn"] for page in listed for item in page]
    for item in (item for page in listed for item in page):
        assert set(item) == {"stateMachineArn", "name", "type", "creationDate"}
    assert len(seen) == len(set(seen))
    assert arns <= set(seen)
    paginated = [
        item["stateMachineArn"]
        for page in sfn.get_paginator("list_state_machines").paginate(
            PaginationConfig={"PageSize": 2}
        )
        for item in page["stateMachines"]
    ]
    assert paginated == seen
    for arn in arns:
        sfn.delete_state_machine(stateMachineArn=arn)


def test_a_bad_token_is_invalid(sfn, machine):
    with pytest.raises(sfn.exceptions.InvalidToken) as raised:
        sfn.list_state_machines(nextToken="not-a-token")
    assert error_of(raised)[1] == "Invalid Token: 'Invalid token'"
    sfn.create_activity(name=unique("paged"))
    sfn.create_activity(name=unique("paged"))
    token = sfn.list_activities(maxResults=1)["nextToken"]
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.list_state_machines(nextToken=token)
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.list_state_machines(nextToken="t" * 1025)
