"""CreateStateMachineAlias, DescribeStateMachineAlias, UpdateStateMachineAlias,
DeleteStateMachineAlias and ListStateMachineAliases."""

import datetime

import pytest

from conftest import ROLE, definition, error_of, pages, unique


@pytest.fixture
def versions(sfn):
    """A state machine with versions 1 and 2: its ARN."""
    arn = sfn.create_state_machine(
        name=unique("aliased"), definition=definition("1"), roleArn=ROLE, publish=True
    )["stateMachineArn"]
    sfn.update_state_machine(stateMachineArn=arn, definition=definition("2"), publish=True)
    yield arn
    sfn.delete_state_machine(stateMachineArn=arn)


def route(arn, weight):
    return {"stateMachineVersionArn": arn, "weight": weight}


def test_an_alias_is_created_described_updated_and_deleted(sfn, versions):
    routing = [route(versions + ":1", 90), route(versions + ":2", 10)]
    created = sfn.create_state_machine_alias(
        name="prod", description="live traffic", routingConfiguration=routing
    )
    alias = created["stateMachineAliasArn"]
    assert alias == versions + ":prod"
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert described["name"] == "prod"
    assert described["description"] == "live traffic"
    assert described["routingConfiguration"] == routing
    assert described["creationDate"] == created["creationDate"]
    assert isinstance(described["updateDate"], datetime.datetime)
    again = sfn.create_state_machine_alias(
        name="prod", description="live traffic", routingConfiguration=routing
    )
    assert again["stateMachineAliasArn"] == alias
    with pytest.raises(sfn.exceptions.ConflictException):
        sfn.create_state_machine_alias(name="prod", routingConfiguration=[route(versions + ":2", 100)])
    sfn.update_state_machine_alias(
        stateMachineAliasArn=alias, routingConfiguration=[route(versions + ":2", 100)]
    )
    updated = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert updated["routingConfiguration"] == [route(versions + ":2", 100)]
    assert updated["description"] == "live traffic"
    sfn.update_state_machine_alias(stateMachineAliasArn=alias, description="all on 2")
    assert sfn.describe_state_machine_alias(stateMachineAliasArn=alias)["description"] == "all on 2"
    sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
    sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
    with pytest.raises(sfn.exceptions.ResourceNotFound) as raised:
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert raised.value.response["resourceName"] == alias
    assert sfn.describe_state_machine(stateMachineArn=versions + ":1")


@pytest.mark.parametrize(
    "routing",
    [
        [(":1", 50), (":2", 40)],
        [(":1", 50), (":1", 50)],
        [("", 100)],
        [(":prod", 100)],
    ],
)
def test_routing_is_checked(sfn, versions, routing):
    with pytest.raises(sfn.exceptions.ValidationException) as raised:
        sfn.create_state_machine_alias(
            name="bad", routingConfiguration=[route(versions + q, w) for q, w in routing]
        )
    assert raised.value.response["reason"] == "INVALID_ROUTING_CONFIGURATION"


def test_routing_has_one_or_two_entries_of_one_machine(sfn, versions):
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.create_state_machine_alias(
            name="three",
            routingConfiguration=[route(versions + ":1", 30), route(versions + ":2", 30), route(versions + ":3", 40)],
        )
    other = sfn.create_state_machine(
        name=unique("other"), definition=definition(), roleArn=ROLE, publish=True
    )["stateMachineArn"]
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.create_state_machine_alias(
            name="mixed", routingConfiguration=[route(versions + ":1", 50), route(other + ":1", 50)]
        )
    sfn.delete_state_machine(stateMachineArn=other)


def test_an_alias_needs_existing_versions_and_a_good_name(sfn, versions):
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.create_state_machine_alias(name="later", routingConfiguration=[route(versions + ":9", 100)])
    with pytest.raises(sfn.exceptions.ValidationException) as raised:
        sfn.create_state_machine_alias(name="42", routingConfiguration=[route(versions + ":1", 100)])
    assert "Member must satisfy regular expression pattern" in error_of(raised)[1]
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_state_machine_alias(stateMachineAliasArn=versions + ":1")
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.update_state_machine_alias(stateMachineAliasArn=versions + ":prod")


def test_aliases_list_newest_first_in_pages_and_by_version(sfn, versions):
    for name in ["a", "b", "c"]:
        sfn.create_state_machine_alias(name=name, routingConfiguration=[route(versions + ":1", 100)])
    sfn.create_state_machine_alias(name="d", routingConfiguration=[route(versions + ":2", 100)])
    listed = pages(
        sfn.list_state_machine_aliases, "stateMachineAliases", stateMachineArn=versions, maxResults=3
    )
    assert len(listed) == 2
    seen = [item["stateMachineAliasArn"] for page in listed for item in page]
    assert sorted(seen) == [versions + f":{n}" for n in "abcd"]
    assert seen[0] == versions + ":d"
    by_version = sfn.list_state_machine_aliases(stateMachineArn=versions + ":2")
    assert [a["stateMachineAliasArn"] for a in by_version["stateMachineAliases"]] == [versions + ":d"]
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.list_state_machine_aliases(stateMachineArn=versions, nextToken="x")
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.list_state_machine_aliases(stateMachineArn=versions + "-gone")
