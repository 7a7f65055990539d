"""`asl serve --mock-config FILE`: executions started as `stateMachineArn#TestCase`
run that test case of an AWS Step Functions Local mock configuration, through
boto3 and the AWS CLI, and keep it across a restart of the server."""

import json
import pathlib
import tempfile

import botocore.exceptions
import pytest

from conftest import ROLE, Server, aws, client, finished

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "mocks"
# The machine the mock configuration's test cases are written for.
NAME = "order-flow"
OUTPUT = {
    "order": "o-7",
    "payment": {"charged": True},
    "notification": {"messageId": "00000000-0000-0000-0000-000000000001"},
}


@pytest.fixture(scope="module")
def server():
    with tempfile.TemporaryDirectory() as data_dir:
        server = Server(data_dir, "--mock-config", str(FIXTURES / "MockConfigFile.json"))
        yield server
        server.stop()


@pytest.fixture(scope="module")
def order_flow(server):
    sfn = client(server.endpoint)
    definition = (FIXTURES / "order-flow.asl.json").read_text()
    standard = sfn.create_state_machine(name=NAME, definition=definition, roleArn=ROLE)
    return standard["stateMachineArn"]


def test_an_execution_runs_the_test_case_its_arn_names(server, order_flow):
    sfn = client(server.endpoint)
    started = sfn.start_execution(
        stateMachineArn=order_flow + "#HappyPath", input=json.dumps({"order": "o-7"})
    )
    # The execution's ARN is the machine's, without the test case.
    assert started["executionArn"].startswith(order_flow.replace(":stateMachine:", ":execution:") + ":")
    described = finished(sfn, started["executionArn"])
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == OUTPUT


def test_retries_take_the_next_mocked_invocations(server, order_flow):
    sfn = client(server.endpoint)
    arn = sfn.start_execution(
        stateMachineArn=order_flow + "#FlakyPayment", input=json.dumps({"order": "o-7"})
    )["executionArn"]
    assert json.loads(finished(sfn, arn)["output"]) == OUTPUT
    events = sfn.get_execution_history(executionArn=arn)["events"]
    failed = [event["taskFailedEventDetails"] for event in events if event["type"] == "TaskFailed"]
    assert [(failure["error"], failure["cause"]) for failure in failed] == [
        ("Lambda.TooManyRequestsException", "slow down")
    ] * 2


def test_a_thrown_error_is_caught_and_an_unknown_test_case_refused(server, order_flow):
    sfn = client(server.endpoint)
    arn = sfn.start_execution(stateMachineArn=order_flow + "#Declined", input='{"order": 1}')[
        "executionArn"
    ]
    output = json.loads(finished(sfn, arn)["output"])
    assert output["failure"] == {"Error": "CardDeclined", "Cause": "insufficient funds"}
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        sfn.start_execution(stateMachineArn=order_flow + "#Nope")
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidName"
    assert "Invalid mock test case name 'Nope' for state machine 'order-flow'" in error["Message"]
    # Without a test case, nothing is mocked: ChargeCard calls Lambda, which without
    # credentials fails, and its catcher takes the failure branch.
    plain = sfn.start_execution(stateMachineArn=order_flow, input='{"order": 1}')["executionArn"]
    output = json.loads(finished(sfn, plain)["output"])
    assert output["failure"]["Error"] == "Lambda.SdkClientException"
    assert "arn:aws:states:::lambda:invoke" in output["failure"]["Cause"]


def test_the_cli_takes_a_test_case(server, order_flow):
    status, started, stderr = aws(
        server.endpoint, "start-execution",
        "--state-machine-arn", order_flow + "#HappyPath",
        "--input", json.dumps({"order": "o-7"}),
    )
    assert status == 0, stderr
    described = finished(client(server.endpoint), started["executionArn"])
    assert json.loads(described["output"]) == OUTPUT


def test_an_express_machine_runs_a_test_case_synchronously():
    with tempfile.TemporaryDirectory() as data_dir:
        server = Server(data_dir, "--mock-config", str(FIXTURES / "MockConfigFile.json"))
        try:
            sfn = client(server.endpoint)
            arn = sfn.create_state_machine(
                name=NAME, definition=(FIXTURES / "order-flow.asl.json").read_text(),
                roleArn=ROLE, type="EXPRESS",
            )["stateMachineArn"]
            answer = sfn.start_sync_execution(
                stateMachineArn=arn + "#FlakyPayment", input=json.dumps({"order": "o-7"})
            )
            assert answer["status"] == "SUCCEEDED", answer
            assert json.loads(answer["output"]) == OUTPUT
        finally:
            server.stop()


def test_a_resumed_execution_keeps_its_test_case():
    waiting = json.loads((FIXTURES / "order-flow.asl.json").read_text())
    waiting["StartAt"] = "Wait"
    waiting["States"]["Wait"] = {"Type": "Wait", "Seconds": 2, "Next": "ChargeCard"}
    with tempfile.TemporaryDirectory() as data_dir:
        first = Server(data_dir, "--mock-config", str(FIXTURES / "MockConfigFile.json"))
        sfn = client(first.endpoint)
        arn = sfn.create_state_machine(name=NAME, definition=json.dumps(waiting), roleArn=ROLE)[
            "stateMachineArn"
        ]
        execution = sfn.start_execution(
            stateMachineArn=arn + "#HappyPath", input=json.dumps({"order": "o-7"})
        )["executionArn"]
        first.kill()
        second = Server(data_dir, "--mock-config", str(FIXTURES / "MockConfigFile.json"))
        try:
            described = finished(client(second.endpoint), execution)
            assert described["status"] == "SUCCEEDED", described
            assert json.loads(described["output"]) == OUTPUT
        finally:
            second.stop()


def test_a_mocked_callback_task_ends_with_its_mocked_response(server):
    """A `.waitForTaskToken` Task of a durable execution answers its own token with
    the mocked response, as in Step Functions Local: no SendTaskSuccess needed."""
    sfn = client(server.endpoint)
    definition = {
        "StartAt": "AskApproval",
        "States": {
            "AskApproval": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
                               "MessageBody": {"token.$": "$$.Task.Token"}},
                "TimeoutSeconds": 60,
                "Catch": [{"ErrorEquals": ["Rejected"], "ResultPath": "$.rejection", "Next": "Done"}],
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    arn = sfn.create_state_machine(name="approval-flow", definition=json.dumps(definition), roleArn=ROLE)[
        "stateMachineArn"
    ]
    approved = sfn.start_execution(stateMachineArn=arn + "#Approved", input="{}")["executionArn"]
    described = finished(sfn, approved, timeout=30)
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == {"approved": True, "by": "mock"}
    rejected = sfn.start_execution(stateMachineArn=arn + "#Rejected", input="{}")["executionArn"]
    output = json.loads(finished(sfn, rejected, timeout=30)["output"])
    assert output["rejection"] == {"Error": "Rejected", "Cause": "not today"}
