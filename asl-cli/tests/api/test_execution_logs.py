"""Execution logs of `asl serve --execution-logs FILE`: for each level of a state
machine's loggingConfiguration (ALL, ERROR, FATAL, OFF) and each
includeExecutionData, exactly the lines AWS sends to CloudWatch Logs for the same
executions (as recorded on AWS by LocalStack's snapshot tests,
tests/aws/services/stepfunctions/v2/logs/test_logs.snapshot.json)."""

import json
import tempfile
import time

import pytest

from conftest import ROLE, Server, client, finished, unique

PASS_RESULT = {"StartAt": "State_1", "States": {"State_1": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": True}}}
RAISE_FAILURE = {
    "StartAt": "FailState",
    "States": {"FailState": {"Type": "Fail", "Error": "SomeFailure", "Cause": "This state machines raises a 'SomeFailure' failure."}},
}
CAUSE = "This state machines raises a 'SomeFailure' failure."

# The lines AWS logged, as (type, id, previous id, details); input and output as
# JSON values.
ALL_EVENTS = {
    "pass_result": [
        ("ExecutionStarted", 1, 0, {"input": {}, "inputDetails": {"truncated": False}, "roleArn": ROLE}),
        ("PassStateEntered", 2, 0, {"input": {}, "inputDetails": {"truncated": False}, "name": "State_1"}),
        ("PassStateExited", 3, 2, {"name": "State_1", "output": {"Arg1": "argument1"}, "outputDetails": {"truncated": False}}),
        ("ExecutionSucceeded", 4, 3, {"output": {"Arg1": "argument1"}, "outputDetails": {"truncated": False}}),
    ],
    "raise_failure": [
        ("ExecutionStarted", 1, 0, {"input": {}, "inputDetails": {"truncated": False}, "roleArn": ROLE}),
        ("FailStateEntered", 2, 0, {"input": {}, "inputDetails": {"truncated": False}, "name": "FailState"}),
        ("ExecutionFailed", 3, 2, {"cause": CAUSE, "error": "SomeFailure"}),
    ],
}
LEVELS = {
    "ALL": None,
    "ERROR": {"FailStateEntered", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"},
    "FATAL": {"ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"},
    "OFF": set(),
}


@pytest.fixture(scope="module")
def server():
    with tempfile.TemporaryDirectory() as data_dir:
        logs = f"{data_dir}/execution-logs.jsonl"
        server = Server(data_dir, "--execution-logs", logs)
        server.logs = logs
        yield server
        server.stop()


def expected(definition, level, include):
    """The lines AWS logs for `definition` at `level`, as (type, id, previous, details)."""
    wanted = LEVELS[level]
    lines = []
    for kind, event_id, previous, details in ALL_EVENTS[definition]:
        if wanted is not None and kind not in wanted:
            continue
        if not include:
            details = {k: v for k, v in details.items() if k not in ("input", "inputDetails", "output", "outputDetails")}
        lines.append((kind, event_id, previous, details))
    return lines


def logged(path, arn, count, timeout=20):
    """The lines logged for execution `arn`, once there are `count` of them (and a
    moment more, so that one too many shows)."""
    deadline = time.monotonic() + timeout
    while True:
        with open(path) as file:
            lines = [json.loads(line) for line in file if line.strip()]
        mine = [line for line in lines if line["execution_arn"] == arn]
        if len(mine) >= count or time.monotonic() > deadline:
            time.sleep(0.5)
            with open(path) as file:
                return [line for line in map(json.loads, filter(str.strip, file)) if line["execution_arn"] == arn]
        time.sleep(0.1)


@pytest.mark.parametrize("level", ["ALL", "ERROR", "FATAL", "OFF"])
@pytest.mark.parametrize("include", [True, False])
@pytest.mark.parametrize("definition", ["pass_result", "raise_failure"])
def test_each_level_logs_the_events_aws_logs(server, definition, level, include):
    sfn = client(server.endpoint)
    logging = {"level": level, "includeExecutionData": include}
    if level != "OFF":
        logging["destinations"] = [
            {"cloudWatchLogsLogGroup": {"logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:sfn-logs:*"}}
        ]
    machine = sfn.create_state_machine(
        name=unique(f"logs-{definition.replace('_', '-')}-{level}"),
        definition=json.dumps(PASS_RESULT if definition == "pass_result" else RAISE_FAILURE),
        roleArn=ROLE,
        loggingConfiguration=logging,
    )["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    assert finished(sfn, arn)["status"] != "RUNNING"
    # The role of the execution as its history gives it.
    history = sfn.get_execution_history(executionArn=arn)["events"]
    role = history[0]["executionStartedEventDetails"]["roleArn"]
    want = [
        (kind, event_id, previous, {**details, "roleArn": role} if "roleArn" in details else details)
        for kind, event_id, previous, details in expected(definition, level, include)
    ]
    lines = logged(server.logs, arn, len(want), timeout=20 if want else 1)
    got = []
    for line in lines:
        assert set(line) == {"id", "type", "details", "previous_event_id", "event_timestamp", "execution_arn", "redrive_count"}, line
        assert line["event_timestamp"].isdigit() and line["redrive_count"] == "0", line
        details = dict(line["details"])
        for field in ("input", "output"):
            if field in details:
                details[field] = json.loads(details[field])
        got.append((line["type"], int(line["id"]), int(line["previous_event_id"]), details))
    assert got == want
