"""Distributed Map runs through the API: ListMapRuns, DescribeMapRun (status,
settings, item and execution counts), UpdateMapRun while the run runs,
ListExecutions of a run's child executions, and the MapRun history events, as
boto3 and the AWS CLI see them."""

import json
import time

import pytest

from conftest import STATES, aws, pages
from test_executions import create, ended


def distributed(seconds, max_concurrency, tolerated=None):
    """A machine whose Distributed Map waits `seconds` in each child, over the
    input's `items`, `max_concurrency` at a time, tolerating `tolerated` failed
    children if given (an item `{"fail": true}` fails its child)."""
    processor = {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.fail", "IsPresent": True, "Next": "Break"}],
                "Default": "Nap",
            },
            "Break": {"Type": "Fail", "Error": "Item.Broken", "Cause": "asked to"},
            "Nap": {"Type": "Wait", "Seconds": seconds, "End": True},
        },
    }
    each = {
        "Type": "Map",
        "ItemsPath": "$.items",
        "MaxConcurrency": max_concurrency,
        "Label": "Each",
        "ItemProcessor": processor,
        "End": True,
    }
    if tolerated is not None:
        each["ToleratedFailureCount"] = tolerated
    return {"StartAt": "Each", "States": {"Each": each}}


def map_run_of(sfn, execution_arn, timeout=60):
    """The one Map Run of the execution, once it is listed."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        runs = sfn.list_map_runs(executionArn=execution_arn)["mapRuns"]
        if runs:
            assert len(runs) == 1
            return runs[0]
        time.sleep(0.05)
    pytest.fail(f"{execution_arn} started no Map Run")


def described_when(sfn, map_run_arn, predicate, timeout=60):
    """DescribeMapRun once `predicate` holds of it."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        described = sfn.describe_map_run(mapRunArn=map_run_arn)
        if predicate(described):
            return described
        time.sleep(0.05)
    pytest.fail(f"{map_run_arn} never got there: {described}")


def test_a_map_run_is_listed_described_updated_and_its_children_listed(sfn, endpoint):
    machine = create(sfn, distributed(seconds=2, max_concurrency=1))
    items = [{"n": n} for n in range(4)]
    started = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"items": items}))
    execution = started["executionArn"]

    listed = map_run_of(sfn, execution)
    name = machine.split(":")[-1]
    assert listed["executionArn"] == execution
    assert listed["stateMachineArn"] == f"{STATES}:stateMachine:{name}/Each"
    assert listed["mapRunArn"].startswith(f"{STATES}:mapRun:{name}/Each:")
    map_run = listed["mapRunArn"]

    # One child at a time, the other three pending.
    running = described_when(sfn, map_run, lambda d: d["executionCounts"]["running"] == 1)
    assert running["status"] == "RUNNING"
    assert running["executionArn"] == execution
    assert running["maxConcurrency"] == 1
    assert running["toleratedFailureCount"] == 0
    assert running["toleratedFailurePercentage"] == 0
    assert running["itemCounts"]["total"] == 4
    assert running["executionCounts"]["total"] == 4
    assert running["executionCounts"]["pending"] + running["executionCounts"]["succeeded"] == 3
    assert "stopDate" not in running

    # A higher MaxConcurrency starts the pending children at once.
    sfn.update_map_run(mapRunArn=map_run, maxConcurrency=4)
    wider = described_when(sfn, map_run, lambda d: d["executionCounts"]["running"] >= 2)
    assert wider["maxConcurrency"] == 4

    assert ended(sfn, execution)["status"] == "SUCCEEDED"
    done = described_when(sfn, map_run, lambda d: d["status"] != "RUNNING")
    assert done["status"] == "SUCCEEDED"
    assert done["startDate"] <= done["stopDate"]
    for counts in (done["itemCounts"], done["executionCounts"]):
        assert counts["succeeded"] == 4
        assert counts["total"] == 4
        assert counts["pending"] == counts["running"] == counts["failed"] == 0

    # Its children, in item order, as ListExecutions lists them.
    listed_pages = pages(sfn.list_executions, "executions", mapRunArn=map_run, maxResults=3)
    assert [len(page) for page in listed_pages] == [3, 1]
    children = [child for page in listed_pages for child in page]
    assert [child["status"] for child in children] == ["SUCCEEDED"] * 4
    assert [child["name"] for child in children] == [
        f"{map_run.split(':')[-1]}-{index}" for index in range(4)
    ]
    for child in children:
        assert child["mapRunArn"] == map_run
        assert child["stateMachineArn"] == listed["stateMachineArn"]
        assert child["executionArn"].endswith(f":execution:{name}/Each:{child['name']}")
        assert child["startDate"] <= child["stopDate"]
    failed = sfn.list_executions(mapRunArn=map_run, statusFilter="FAILED")["executions"]
    assert failed == []

    # The history shows the run.
    history = sfn.get_execution_history(executionArn=execution)["events"]
    types = [event["type"] for event in history]
    assert "MapRunStarted" in types and "MapRunSucceeded" in types
    started_event = history[types.index("MapRunStarted")]
    assert started_event["mapRunStartedEventDetails"]["mapRunArn"] == map_run

    # An ended run cannot be updated.
    with pytest.raises(sfn.exceptions.ValidationException) as raised:
        sfn.update_map_run(mapRunArn=map_run, maxConcurrency=2)
    assert raised.value.response["reason"] == "CANNOT_UPDATE_COMPLETED_MAP_RUN"

    # The AWS CLI sees the same.
    status, described, _ = aws(endpoint, "describe-map-run", "--map-run-arn", map_run)
    assert status == 0
    assert described["status"] == "SUCCEEDED"
    assert described["executionCounts"]["succeeded"] == 4


def test_a_failing_map_run_counts_its_failures(sfn):
    machine = create(sfn, distributed(seconds=0, max_concurrency=0, tolerated=1))
    items = [{"n": 0}, {"fail": True}, {"n": 2}, {"fail": True}, {"n": 4}]
    started = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"items": items}))
    described = ended(sfn, started["executionArn"])
    assert described["status"] == "FAILED"
    assert described["error"] == "States.ExceedToleratedFailureThreshold"

    map_run = map_run_of(sfn, started["executionArn"])["mapRunArn"]
    done = described_when(sfn, map_run, lambda d: d["status"] != "RUNNING")
    assert done["status"] == "FAILED"
    assert done["toleratedFailureCount"] == 1
    counts = done["executionCounts"]
    assert counts["failed"] == 2
    assert counts["total"] == 5
    assert counts["succeeded"] + counts["aborted"] + counts["pending"] == 3
    failed = sfn.list_executions(mapRunArn=map_run, statusFilter="FAILED")["executions"]
    assert sorted(child["name"].rsplit("-", 1)[1] for child in failed) == ["1", "3"]
    types = [event["type"] for event in sfn.get_execution_history(executionArn=started["executionArn"])["events"]]
    assert "MapRunFailed" in types


def test_map_run_requests_get_aws_errors(sfn):
    unknown = f"{STATES}:mapRun:nothing/Each:5f2c4d1e-0000-4000-8000-000000000000"
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.describe_map_run(mapRunArn=unknown)
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.update_map_run(mapRunArn=unknown, maxConcurrency=1)
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.list_executions(mapRunArn=unknown)
    for bad in ["not-an-arn", f"{STATES}:execution:m:e", f"{STATES}:mapRun:m:id"]:
        with pytest.raises(sfn.exceptions.InvalidArn):
            sfn.describe_map_run(mapRunArn=bad)
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.list_map_runs(executionArn=f"{STATES}:execution:nothing:none")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.list_map_runs(executionArn="not-an-arn")
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.update_map_run(mapRunArn=unknown, toleratedFailurePercentage=101)
