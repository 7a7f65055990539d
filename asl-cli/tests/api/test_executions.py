"""Executions through the API: started, described, listed, stopped, redriven, their
histories, EXPRESS runs, callbacks and activity workers, as boto3 and the AWS CLI
see them."""

import json
import threading
import time

import pytest

from conftest import ROLE, STATES, aws, error_of, pages, unique


def create(sfn, definition, machine_type="STANDARD", **extra):
    """A new state machine of `definition` (a dict): its ARN."""
    return sfn.create_state_machine(
        name=unique("exec"),
        definition=json.dumps(definition),
        roleArn=ROLE,
        type=machine_type,
        **extra,
    )["stateMachineArn"]


def ended(sfn, execution_arn, timeout=120):
    """DescribeExecution once the execution left RUNNING."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.05)
    pytest.fail(f"{execution_arn} still runs")


GREET = {
    "StartAt": "Greet",
    "States": {
        "Greet": {
            "Type": "Pass",
            "Parameters": {"greeting.$": "States.Format('hello {}', $.who)"},
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}

FAIL = {
    "StartAt": "Boom",
    "States": {"Boom": {"Type": "Fail", "Error": "Custom.Boom", "Cause": "it broke"}},
}

SLEEP = {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": True}}}


def test_a_standard_execution_runs_and_is_described(sfn):
    machine = create(sfn, GREET)
    started = sfn.start_execution(stateMachineArn=machine, name="first", input='{"who": "world"}')
    assert started["executionArn"] == machine.replace(":stateMachine:", ":execution:") + ":first"
    described = ended(sfn, started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"greeting": "hello world"}
    assert json.loads(described["input"]) == {"who": "world"}
    assert described["stateMachineArn"] == machine
    assert described["startDate"] <= described["stopDate"]
    assert described["redriveStatus"] == "NOT_REDRIVABLE"
    assert described["redriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven"

    # The definition the execution ran, and its history.
    for_execution = sfn.describe_state_machine_for_execution(executionArn=started["executionArn"])
    assert json.loads(for_execution["definition"]) == GREET
    history = sfn.get_execution_history(executionArn=started["executionArn"])["events"]
    assert [event["type"] for event in history] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "SucceedStateEntered",
        "SucceedStateExited",
        "ExecutionSucceeded",
    ]
    assert [event["id"] for event in history] == list(range(1, 7))
    assert history[0]["executionStartedEventDetails"]["input"] == '{"who":"world"}'


def test_start_execution_is_idempotent_while_it_runs_and_refuses_other_reuse(sfn):
    machine = create(sfn, SLEEP)
    first = sfn.start_execution(stateMachineArn=machine, name="sleeper", input="{}")
    again = sfn.start_execution(stateMachineArn=machine, name="sleeper", input="{}")
    assert again["executionArn"] == first["executionArn"]
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists) as raised:
        sfn.start_execution(stateMachineArn=machine, name="sleeper", input='{"other": 1}')
    assert error_of(raised)[1] == f"Execution Already Exists: '{first['executionArn']}'"
    sfn.stop_execution(executionArn=first["executionArn"])


def test_bad_starts_get_aws_errors(sfn):
    machine = create(sfn, GREET)
    with pytest.raises(sfn.exceptions.InvalidExecutionInput):
        sfn.start_execution(stateMachineArn=machine, input="{not json")
    with pytest.raises(sfn.exceptions.InvalidName):
        sfn.start_execution(stateMachineArn=machine, name="a/b")
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.start_execution(stateMachineArn=f"{STATES}:stateMachine:{unique('missing')}")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.start_execution(stateMachineArn="arn:aws:states:us-east-1:123456789012:activity:x")
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.describe_execution(executionArn=f"{STATES}:execution:{unique('m')}:nothing")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_execution(executionArn="not-an-arn")


def test_a_failed_execution_is_described_with_its_error_and_can_be_redriven(sfn):
    machine = create(sfn, FAIL)
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    described = ended(sfn, arn)
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "Custom.Boom",
        "it broke",
    )
    assert described["redriveStatus"] == "REDRIVABLE"
    redriven = sfn.redrive_execution(executionArn=arn)
    assert redriven["redriveDate"] >= described["stopDate"]
    again = ended(sfn, arn)
    assert again["redriveCount"] == 1
    assert again["status"] == "FAILED"


def test_stop_execution_aborts_a_running_one(sfn):
    machine = create(sfn, SLEEP)
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    stopped = sfn.stop_execution(executionArn=arn, error="Enough", cause="stopped by a test")
    described = sfn.describe_execution(executionArn=arn)
    assert described["status"] == "ABORTED"
    assert (described["error"], described["cause"]) == ("Enough", "stopped by a test")
    assert described["stopDate"] == stopped["stopDate"]
    events = sfn.get_execution_history(executionArn=arn, reverseOrder=True)["events"]
    assert events[0]["type"] == "ExecutionAborted"


def test_executions_are_listed_newest_first_by_status_and_page(sfn):
    machine = create(sfn, GREET)
    arns = [
        sfn.start_execution(stateMachineArn=machine, name=f"e{i}", input='{"who": "x"}')[
            "executionArn"
        ]
        for i in range(5)
    ]
    for arn in arns:
        ended(sfn, arn)
    listed = pages(sfn.list_executions, "executions", stateMachineArn=machine, maxResults=2)
    assert [len(page) for page in listed] == [2, 2, 1]
    assert [item["executionArn"] for page in listed for item in page] == arns[::-1]
    succeeded = sfn.list_executions(stateMachineArn=machine, statusFilter="SUCCEEDED")
    assert len(succeeded["executions"]) == 5
    assert sfn.list_executions(stateMachineArn=machine, statusFilter="FAILED")["executions"] == []
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.list_executions(stateMachineArn=machine, nextToken="bogus")


def test_history_pages_reverses_and_leaves_out_data(sfn):
    machine = create(sfn, GREET)
    arn = sfn.start_execution(stateMachineArn=machine, input='{"who": "x"}')["executionArn"]
    ended(sfn, arn)
    listed = pages(sfn.get_execution_history, "events", executionArn=arn, maxResults=4)
    assert [len(page) for page in listed] == [4, 2]
    newest = sfn.get_execution_history(executionArn=arn, reverseOrder=True)["events"]
    assert [event["id"] for event in newest] == list(range(6, 0, -1))
    bare = sfn.get_execution_history(executionArn=arn, includeExecutionData=False)["events"]
    assert "input" not in bare[0]["executionStartedEventDetails"]
    assert "output" not in bare[-1]["executionSucceededEventDetails"]


def test_executions_through_versions_and_aliases_keep_their_version(sfn):
    machine = create(sfn, GREET, publish=True)
    version = f"{machine}:1"
    sfn.update_state_machine(stateMachineArn=machine, definition=json.dumps(FAIL))
    alias = sfn.create_state_machine_alias(
        name="live", routingConfiguration=[{"stateMachineVersionArn": version, "weight": 100}]
    )["stateMachineAliasArn"]
    latest = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    assert ended(sfn, latest)["status"] == "FAILED"
    through_version = sfn.start_execution(stateMachineArn=version, input='{"who": "v1"}')
    described = ended(sfn, through_version["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert described["stateMachineVersionArn"] == version
    through_alias = sfn.start_execution(stateMachineArn=alias, input='{"who": "alias"}')
    described = ended(sfn, through_alias["executionArn"])
    assert (described["stateMachineVersionArn"], described["stateMachineAliasArn"]) == (
        version,
        alias,
    )
    listed = sfn.list_executions(stateMachineArn=version)["executions"]
    assert {item["executionArn"] for item in listed} == {
        through_version["executionArn"],
        through_alias["executionArn"],
    }


def test_express_machines_run_synchronously(sfn):
    machine = create(sfn, GREET, machine_type="EXPRESS")
    answer = sfn.start_sync_execution(stateMachineArn=machine, input='{"who": "sync"}')
    assert answer["status"] == "SUCCEEDED"
    assert json.loads(answer["output"]) == {"greeting": "hello sync"}
    assert answer["executionArn"].startswith(
        machine.replace(":stateMachine:", ":express:") + ":"
    )
    failing = create(sfn, FAIL, machine_type="EXPRESS")
    answer = sfn.start_sync_execution(stateMachineArn=failing)
    assert (answer["status"], answer["error"], answer["cause"]) == (
        "FAILED",
        "Custom.Boom",
        "it broke",
    )
    started = sfn.start_execution(stateMachineArn=machine)
    assert ":express:" in started["executionArn"]
    with pytest.raises(sfn.exceptions.InvalidArn) as raised:
        sfn.describe_execution(executionArn=started["executionArn"])
    assert "Resource type not valid in this context: express" in error_of(raised)[1]
    with pytest.raises(sfn.exceptions.StateMachineTypeNotSupported):
        sfn.list_executions(stateMachineArn=machine)
    standard = create(sfn, GREET)
    with pytest.raises(sfn.exceptions.StateMachineTypeNotSupported):
        sfn.start_sync_execution(stateMachineArn=standard)


def test_an_express_execution_knows_its_own_arn(sfn):
    # `$$.Execution.Id` of an EXPRESS execution is its `express:` ARN, random id
    # included, the one StartSyncExecution answers.
    machine = create(
        sfn,
        {
            "StartAt": "Who",
            "States": {
                "Who": {
                    "Type": "Pass",
                    "Parameters": {"id.$": "$$.Execution.Id", "name.$": "$$.Execution.Name"},
                    "End": True,
                }
            },
        },
        machine_type="EXPRESS",
    )
    answer = sfn.start_sync_execution(stateMachineArn=machine, name="me")
    output = json.loads(answer["output"])
    assert output == {"id": answer["executionArn"], "name": "me"}
    prefix = machine.replace(":stateMachine:", ":express:") + ":me:"
    assert answer["executionArn"].startswith(prefix)
    assert len(answer["executionArn"]) == len(prefix) + 36


def test_callbacks_are_answered_through_the_api(sfn):
    machine = create(
        sfn,
        {
            "StartAt": "Ask",
            "States": {
                "Ask": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {"MessageBody": {"token.$": "$$.Task.Token"}},
                    "End": True,
                }
            },
        },
    )
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    # The Task has no binding: it calls SQS, which without credentials fails,
    # naming its Resource, before any token.
    described = ended(sfn, arn)
    assert described["status"] == "FAILED"
    assert described["error"] == "SQS.SdkClientException"
    assert "sqs:sendMessage" in described["cause"]
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.send_task_success(taskToken="not-a-token", output="{}")


def test_activity_workers_get_tasks_and_answer_them(sfn, endpoint):
    activity = sfn.create_activity(name=unique("activity"))["activityArn"]
    machine = create(
        sfn,
        {
            "StartAt": "Work",
            "States": {
                "Work": {"Type": "Task", "Resource": activity, "HeartbeatSeconds": 30, "End": True}
            },
        },
    )
    arn = sfn.start_execution(stateMachineArn=machine, input='{"job": 1}')["executionArn"]
    task = sfn.get_activity_task(activityArn=activity, workerName="tester")
    assert json.loads(task["input"]) == {"job": 1}
    sfn.send_task_heartbeat(taskToken=task["taskToken"])
    sfn.send_task_success(taskToken=task["taskToken"], output='{"done": true}')
    assert json.loads(ended(sfn, arn)["output"]) == {"done": True}
    with pytest.raises(sfn.exceptions.TaskTimedOut):
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")

    # A worker in another process and language: the AWS CLI.
    arn = sfn.start_execution(stateMachineArn=machine, input='{"job": 2}')["executionArn"]
    status, task, _ = aws(endpoint, "get-activity-task", "--activity-arn", activity)
    assert status == 0 and json.loads(task["input"]) == {"job": 2}
    status, _, _ = aws(
        endpoint,
        "send-task-failure",
        "--task-token",
        task["taskToken"],
        "--error",
        "Worker.Failed",
        "--cause",
        "no luck",
    )
    assert status == 0
    described = ended(sfn, arn)
    assert (described["status"], described["error"]) == ("FAILED", "Worker.Failed")
    with pytest.raises(sfn.exceptions.InvalidOutput):
        sfn.send_task_success(taskToken=task["taskToken"], output="{not json")
    with pytest.raises(sfn.exceptions.ActivityDoesNotExist):
        sfn.get_activity_task(activityArn=f"{STATES}:activity:{unique('none')}")


def test_get_activity_task_long_polls_until_a_task_comes(sfn):
    activity = sfn.create_activity(name=unique("activity"))["activityArn"]
    machine = create(
        sfn,
        {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": activity, "End": True}}},
    )
    got = {}
    poller = threading.Thread(
        target=lambda: got.update(sfn.get_activity_task(activityArn=activity))
    )
    poller.start()
    time.sleep(0.5)
    arn = sfn.start_execution(stateMachineArn=machine, input='{"late": true}')["executionArn"]
    poller.join(timeout=60)
    assert json.loads(got["input"]) == {"late": True}
    sfn.send_task_success(taskToken=got["taskToken"], output="1")
    assert ended(sfn, arn)["output"] == "1"


def test_nested_executions_run_machines_of_the_server(sfn):
    child = create(
        sfn,
        {
            "StartAt": "Double",
            "States": {
                "Double": {
                    "Type": "Pass",
                    "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"},
                    "End": True,
                }
            },
        },
    )
    parent = create(
        sfn,
        {
            "StartAt": "Call",
            "States": {
                "Call": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution.sync:2",
                    "Parameters": {"StateMachineArn": child, "Input": {"n.$": "$.n"}},
                    "OutputPath": "$.Output",
                    "End": True,
                }
            },
        },
    )
    arn = sfn.start_execution(stateMachineArn=parent, input='{"n": 21}')["executionArn"]
    assert json.loads(ended(sfn, arn)["output"]) == {"twice": 42}
    children = sfn.list_executions(stateMachineArn=child)["executions"]
    assert len(children) == 1 and children[0]["status"] == "SUCCEEDED"


def test_the_aws_cli_starts_and_describes_executions(sfn, endpoint):
    machine = create(sfn, GREET)
    status, started, _ = aws(
        endpoint, "start-execution", "--state-machine-arn", machine, "--input", '{"who": "cli"}'
    )
    assert status == 0
    ended(sfn, started["executionArn"])
    status, described, _ = aws(
        endpoint, "describe-execution", "--execution-arn", started["executionArn"]
    )
    assert status == 0 and json.loads(described["output"]) == {"greeting": "hello cli"}
    status, history, _ = aws(
        endpoint, "get-execution-history", "--execution-arn", started["executionArn"]
    )
    assert status == 0 and history["events"][-1]["type"] == "ExecutionSucceeded"


def test_deleting_a_machine_stops_its_running_executions(sfn):
    machine = create(sfn, SLEEP)
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    sfn.delete_state_machine(stateMachineArn=machine)
    assert ended(sfn, arn)["status"] == "ABORTED"
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.start_execution(stateMachineArn=machine)
