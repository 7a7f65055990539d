"""The AWS CLI (`aws stepfunctions ... --endpoint-url`) against the server."""

import json

from conftest import ROLE, aws, definition, unique


def test_state_machines_through_the_cli(endpoint):
    name = unique("cli")
    status, created, _ = aws(
        endpoint,
        "create-state-machine",
        "--name", name,
        "--definition", definition(),
        "--role-arn", ROLE,
        "--publish",
        "--version-description", "first",
        "--tags", "key=made-by,value=cli",
    )
    assert status == 0
    arn = created["stateMachineArn"]
    assert created["stateMachineVersionArn"] == arn + ":1"
    status, described, _ = aws(endpoint, "describe-state-machine", "--state-machine-arn", arn)
    assert (status, described["name"], described["definition"]) == (0, name, definition())
    status, updated, _ = aws(
        endpoint, "update-state-machine", "--state-machine-arn", arn,
        "--definition", definition("second"), "--publish",
    )
    assert (status, updated["stateMachineVersionArn"]) == (0, arn + ":2")
    status, versions, _ = aws(endpoint, "list-state-machine-versions", "--state-machine-arn", arn)
    assert [v["stateMachineVersionArn"] for v in versions["stateMachineVersions"]] == [arn + ":2", arn + ":1"]
    status, alias, _ = aws(
        endpoint, "create-state-machine-alias", "--name", "live",
        "--routing-configuration", f"stateMachineVersionArn={arn}:2,weight=100",
    )
    assert (status, alias["stateMachineAliasArn"]) == (0, arn + ":live")
    status, aliases, _ = aws(endpoint, "list-state-machine-aliases", "--state-machine-arn", arn)
    assert [a["stateMachineAliasArn"] for a in aliases["stateMachineAliases"]] == [arn + ":live"]
    status, tags, _ = aws(endpoint, "list-tags-for-resource", "--resource-arn", arn)
    assert tags["tags"] == [{"key": "made-by", "value": "cli"}]
    assert aws(endpoint, "delete-state-machine-alias", "--state-machine-alias-arn", arn + ":live")[0] == 0
    assert aws(endpoint, "delete-state-machine-version", "--state-machine-version-arn", arn + ":1")[0] == 0
    assert aws(endpoint, "delete-state-machine", "--state-machine-arn", arn)[0] == 0


def test_the_cli_reports_an_invalid_definition_with_its_line_and_column(endpoint):
    text = '{"StartAt": "A",\n "States": {"A": {"Type": "Pass"}}}'
    status, _, stderr = aws(
        endpoint, "create-state-machine", "--name", unique("bad"),
        "--definition", text, "--role-arn", ROLE,
    )
    assert status != 0
    assert "(InvalidDefinition)" in stderr
    assert "(line 2, column" in stderr


def test_the_cli_pages_and_reports_bad_tokens(endpoint):
    prefix = unique("cli-paged")
    for n in range(3):
        assert aws(endpoint, "create-activity", "--name", f"{prefix}-{n}")[0] == 0
    # --page-size makes the CLI follow nextToken page by page.
    status, listed, _ = aws(endpoint, "list-activities", "--page-size", "1")
    assert status == 0
    names = [a["name"] for a in listed["activities"]]
    assert len(names) == len(set(names))
    assert {f"{prefix}-{n}" for n in range(3)} <= set(names)
    status, _, stderr = aws(endpoint, "list-activities", "--starting-token", "garbage", "--max-items", "1")
    assert status != 0
    status, _, stderr = aws(endpoint, "list-state-machines", "--no-paginate", "--next-token", "garbage")
    assert status != 0 and "(InvalidToken)" in stderr


def test_validate_and_activities_through_the_cli(endpoint):
    status, answer, _ = aws(
        endpoint, "validate-state-machine-definition", "--definition", '{"StartAt": "A"}'
    )
    assert status == 0 and answer["result"] == "FAIL"
    name = unique("cli-activity")
    status, created, _ = aws(endpoint, "create-activity", "--name", name)
    arn = created["activityArn"]
    status, described, _ = aws(endpoint, "describe-activity", "--activity-arn", arn)
    assert described["name"] == name
    assert aws(endpoint, "tag-resource", "--resource-arn", arn, "--tags", "key=a,value=b")[0] == 0
    assert aws(endpoint, "untag-resource", "--resource-arn", arn, "--tag-keys", "a")[0] == 0
    assert aws(endpoint, "delete-activity", "--activity-arn", arn)[0] == 0
    status, _, stderr = aws(endpoint, "describe-activity", "--activity-arn", arn)
    assert status != 0 and "(ActivityDoesNotExist)" in stderr
    status, _, stderr = aws(endpoint, "describe-state-machine", "--state-machine-arn", "nope")
    assert status != 0 and "(InvalidArn)" in stderr
    assert json.loads(definition())
