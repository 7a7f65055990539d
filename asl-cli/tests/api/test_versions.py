"""PublishStateMachineVersion, ListStateMachineVersions, DeleteStateMachineVersion
and versions in DescribeStateMachine."""

import pytest

from conftest import ROLE, STATES, definition, error_of, pages, unique


def test_publish_numbers_revisions_and_is_idempotent(sfn, machine):
    first = sfn.publish_state_machine_version(stateMachineArn=machine["arn"], description="one")
    assert first["stateMachineVersionArn"] == machine["arn"] + ":1"
    same = sfn.publish_state_machine_version(stateMachineArn=machine["arn"])
    assert same == {**same, "stateMachineVersionArn": first["stateMachineVersionArn"]}
    assert same["creationDate"] == first["creationDate"]
    sfn.update_state_machine(stateMachineArn=machine["arn"], definition=definition("two"))
    second = sfn.publish_state_machine_version(stateMachineArn=machine["arn"])
    assert second["stateMachineVersionArn"] == machine["arn"] + ":2"
    described = sfn.describe_state_machine(stateMachineArn=first["stateMachineVersionArn"])
    assert described["stateMachineArn"] == first["stateMachineVersionArn"]
    assert described["description"] == "one"
    assert described["definition"] == definition()


def test_publish_is_guarded_by_the_revision(sfn, machine):
    published = sfn.publish_state_machine_version(
        stateMachineArn=machine["arn"], revisionId="INITIAL"
    )
    revision = sfn.describe_state_machine(stateMachineArn=machine["arn"])["revisionId"]
    sfn.update_state_machine(stateMachineArn=machine["arn"], definition=definition("new"))
    with pytest.raises(sfn.exceptions.ConflictException):
        sfn.publish_state_machine_version(stateMachineArn=machine["arn"], revisionId=revision)
    current = sfn.describe_state_machine(stateMachineArn=machine["arn"])["revisionId"]
    again = sfn.publish_state_machine_version(stateMachineArn=machine["arn"], revisionId=current)
    assert again["stateMachineVersionArn"] != published["stateMachineVersionArn"]


def test_publish_of_a_missing_or_malformed_machine(sfn):
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.publish_state_machine_version(stateMachineArn=f"{STATES}:stateMachine:{unique('m')}")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.publish_state_machine_version(stateMachineArn="machine")


def test_versions_list_newest_first_in_pages_and_numbers_are_not_reused(sfn):
    name = unique("versioned")
    arn = sfn.create_state_machine(
        name=name, definition=definition("v1"), roleArn=ROLE, publish=True, versionDescription="v1"
    )["stateMachineArn"]
    for n in range(2, 6):
        sfn.update_state_machine(
            stateMachineArn=arn, definition=definition(f"v{n}"), publish=True
        )
    sfn.delete_state_machine_version(stateMachineVersionArn=arn + ":5")
    sfn.delete_state_machine_version(stateMachineVersionArn=arn + ":5")
    listed = pages(
        sfn.list_state_machine_versions, "stateMachineVersions", stateMachineArn=arn, maxResults=3
    )
    seen = [item["stateMachineVersionArn"] for page in listed for item in page]
    assert seen == [f"{arn}:{n}" for n in (4, 3, 2, 1)]
    sfn.update_state_machine(stateMachineArn=arn, definition=definition("v6"), publish=True)
    newest = sfn.list_state_machine_versions(stateMachineArn=arn, maxResults=1)
    assert newest["stateMachineVersions"][0]["stateMachineVersionArn"] == arn + ":6"
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.list_state_machine_versions(stateMachineArn=arn + "x", nextToken=newest["nextToken"])
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=arn + ":5")
    sfn.delete_state_machine(stateMachineArn=arn)


def test_a_version_an_alias_routes_to_cannot_be_deleted(sfn):
    arn = sfn.create_state_machine(
        name=unique("routed"), definition=definition(), roleArn=ROLE, publish=True
    )["stateMachineArn"]
    alias = sfn.create_state_machine_alias(
        name="prod", routingConfiguration=[{"stateMachineVersionArn": arn + ":1", "weight": 100}]
    )["stateMachineAliasArn"]
    with pytest.raises(sfn.exceptions.ConflictException) as raised:
        sfn.delete_state_machine_version(stateMachineVersionArn=arn + ":1")
    assert error_of(raised)[1] == (
        "Version to be deleted must not be referenced by an alias. "
        f"Current list of aliases referencing this version: [{alias}]"
    )
    sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
    sfn.delete_state_machine_version(stateMachineVersionArn=arn + ":1")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.delete_state_machine_version(stateMachineVersionArn=arn)
    sfn.delete_state_machine(stateMachineArn=arn)
