"""CreateActivity, DescribeActivity, DeleteActivity and ListActivities."""

import pytest

from conftest import STATES, error_of, pages, unique


def test_an_activity_is_created_described_listed_and_deleted(sfn):
    name = unique("activity")
    created = sfn.create_activity(name=name)
    arn = created["activityArn"]
    assert arn == f"{STATES}:activity:{name}"
    again = sfn.create_activity(name=name)
    assert (again["activityArn"], again["creationDate"]) == (arn, created["creationDate"])
    described = sfn.describe_activity(activityArn=arn)
    assert (described["activityArn"], described["name"]) == (arn, name)
    assert described["creationDate"] == created["creationDate"]
    listed = sfn.get_paginator("list_activities").paginate().build_full_result()["activities"]
    assert [a for a in listed if a["activityArn"] == arn] == [
        {"activityArn": arn, "name": name, "creationDate": created["creationDate"]}
    ]
    sfn.delete_activity(activityArn=arn)
    sfn.delete_activity(activityArn=arn)
    with pytest.raises(sfn.exceptions.ActivityDoesNotExist) as raised:
        sfn.describe_activity(activityArn=arn)
    assert error_of(raised)[1] == f"Activity Does Not Exist: '{arn}'"


def test_an_activity_with_another_encryption_already_exists(sfn):
    name = unique("encrypted")
    sfn.create_activity(name=name)
    with pytest.raises(sfn.exceptions.ActivityAlreadyExists):
        sfn.create_activity(
            name=name,
            encryptionConfiguration={"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": "key"},
        )


def test_activity_names_and_arns_are_checked(sfn):
    with pytest.raises(sfn.exceptions.InvalidName):
        sfn.create_activity(name="no spaces")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_activity(activityArn=f"{STATES}:stateMachine:x")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.delete_activity(activityArn="activity")
    with pytest.raises(sfn.exceptions.InvalidEncryptionConfiguration):
        sfn.create_activity(
            name=unique("key"), encryptionConfiguration={"type": "CUSTOMER_MANAGED_KMS_KEY"}
        )


def test_activities_list_in_pages(sfn):
    prefix = unique("paged")
    arns = {sfn.create_activity(name=f"{prefix}-{n}")["activityArn"] for n in range(5)}
    listed = pages(sfn.list_activities, "activities", maxResults=2)
    assert all(len(page) <= 2 for page in listed)
    seen = [a["activityArn"] for page in listed for a in page]
    assert len(seen) == len(set(seen)) and arns <= set(seen)
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.list_activities(nextToken="bad")
    for arn in arns:
        sfn.delete_activity(activityArn=arn)
