"""TagResource, UntagResource and ListTagsForResource, and tags given at creation."""

import pytest

from conftest import ROLE, STATES, definition, error_of, unique


def test_tags_are_set_replaced_listed_and_removed(sfn, machine):
    arn = machine["arn"]
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == []
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "a"}, {"key": "env", "value": "dev"}])
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "b"}])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "team", "value": "b"},
        {"key": "env", "value": "dev"},
    ]
    sfn.untag_resource(resourceArn=arn, tagKeys=["team", "absent"])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "env", "value": "dev"}]


def test_tags_given_at_creation(sfn):
    tags = [{"key": "owner", "value": "me"}]
    machine = sfn.create_state_machine(
        name=unique("tagged"), definition=definition(), roleArn=ROLE, tags=tags
    )["stateMachineArn"]
    activity = sfn.create_activity(name=unique("tagged"), tags=tags)["activityArn"]
    for arn in [machine, activity]:
        assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == tags
    sfn.delete_state_machine(stateMachineArn=machine)
    sfn.delete_activity(activityArn=activity)
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.list_tags_for_resource(resourceArn=activity)


def test_at_most_fifty_tags(sfn, machine):
    fifty = [{"key": f"k{n}", "value": "v"} for n in range(50)]
    sfn.tag_resource(resourceArn=machine["arn"], tags=fifty)
    with pytest.raises(sfn.exceptions.TooManyTags) as raised:
        sfn.tag_resource(resourceArn=machine["arn"], tags=[{"key": "one-more", "value": ""}])
    assert raised.value.response["resourceName"] == machine["arn"]
    with pytest.raises(sfn.exceptions.TooManyTags):
        sfn.create_activity(name=unique("many"), tags=fifty + [{"key": "x", "value": ""}])


def test_tags_are_checked(sfn, machine):
    with pytest.raises(sfn.exceptions.ValidationException) as raised:
        sfn.tag_resource(resourceArn=machine["arn"], tags=[{"key": "k" * 129, "value": ""}])
    assert "at 'tags.1.member.key'" in error_of(raised)[1]
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.tag_resource(resourceArn=machine["arn"], tags=[{"key": "bad#key", "value": ""}])
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.tag_resource(resourceArn=machine["arn"], tags=[{"key": "aws:reserved", "value": ""}])


def test_tags_of_missing_or_malformed_resources(sfn):
    missing = f"{STATES}:stateMachine:{unique('missing')}"
    with pytest.raises(sfn.exceptions.ResourceNotFound) as raised:
        sfn.tag_resource(resourceArn=missing, tags=[{"key": "k", "value": "v"}])
    assert raised.value.response["resourceName"] == missing
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.untag_resource(resourceArn="nope", tagKeys=["k"])
