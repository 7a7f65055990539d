"""TestState: one state run alone, through boto3 and the AWS CLI.

The expected answers follow what AWS answers for the same states and requests
(recorded against AWS): the status, the next state, the output, and at the DEBUG
level the data-flow steps AWS shows for the state's type and query language."""

import json
import time

import botocore.exceptions
import pytest

from conftest import ROLE, aws

IO_PASS = {
    "Type": "Pass",
    "InputPath": "$.initialData",
    "Parameters": {"staticValue": "some value", "inputValue.$": "$.fieldFromInput"},
    "ResultPath": "$.modifiedData",
    "End": True,
}
IO_INPUT = {
    "initialData": {"fieldFromInput": "value from input", "otherField": "other"},
    "unrelatedData": {"someOtherField": 1234},
}
MOCK_ERROR = {"errorOutput": {"error": "MockException", "cause": "Mock the cause of the error."}}


def run(sfn, state, **request):
    """TestState of `state` (a dict, or definition text); the answer with each JSON
    text member parsed."""
    definition = state if isinstance(state, str) else json.dumps(state)
    if "input" in request and not isinstance(request["input"], str):
        request["input"] = json.dumps(request["input"])
    answer = sfn.test_state(definition=definition, **request)
    answer.pop("ResponseMetadata", None)
    if "output" in answer:
        answer["output"] = json.loads(answer["output"])
    data = answer.get("inspectionData", {})
    for member, value in data.items():
        if isinstance(value, str):
            data[member] = json.loads(value)
    return answer


def refused(sfn, state, **request):
    """The error code and message TestState refuses `state` with."""
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        run(sfn, state, **request)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_a_pass_state_shows_each_step_of_its_data_flow(sfn):
    expected = dict(IO_INPUT, modifiedData={"staticValue": "some value", "inputValue": "value from input"})
    info = run(sfn, IO_PASS, input=IO_INPUT)
    assert info == {"output": expected, "status": "SUCCEEDED"}
    debug = run(sfn, IO_PASS, input=IO_INPUT, inspectionLevel="DEBUG")
    assert debug["output"] == expected
    assert debug["inspectionData"] == {
        "input": IO_INPUT,
        "afterInputPath": IO_INPUT["initialData"],
        "afterParameters": expected["modifiedData"],
        "afterResultSelector": expected["modifiedData"],
        "afterResultPath": expected,
    }


def test_a_pass_result_replaces_the_steps_before_it(sfn):
    state = {"Type": "Pass", "Result": {"resultKey": "result value"}, "End": True}
    answer = run(sfn, state, input={"Value": "HelloWorld"}, inspectionLevel="TRACE")
    assert answer["output"] == {"resultKey": "result value"}
    assert answer["inspectionData"] == {
        "input": {"Value": "HelloWorld"},
        "result": {"resultKey": "result value"},
        "afterResultSelector": {"resultKey": "result value"},
        "afterResultPath": {"resultKey": "result value"},
    }


def test_choice_succeed_fail_and_wait(sfn):
    choice = {
        "Type": "Choice",
        "Choices": [
            {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
            {
                "And": [
                    {"Variable": "$.value", "NumericGreaterThanEquals": 20},
                    {"Variable": "$.value", "NumericLessThan": 30},
                ],
                "Next": "ValueInTwenties",
            },
        ],
        "Default": "DefaultState",
    }
    chosen = run(sfn, choice, input={"type": "Private", "value": 22}, inspectionLevel="DEBUG")
    assert chosen["nextState"] == "ValueInTwenties"
    assert chosen["status"] == "SUCCEEDED"
    assert chosen["inspectionData"] == {
        "input": {"type": "Private", "value": 22},
        "afterInputPath": {"type": "Private", "value": 22},
    }
    assert run(sfn, choice, input={"type": "Public"})["nextState"] == "Public"
    assert run(sfn, choice, input={"type": "Private", "value": 3})["nextState"] == "DefaultState"

    succeeded = run(sfn, {"Type": "Succeed", "OutputPath": "$.a"}, input={"a": [1]})
    assert succeeded == {"output": [1], "status": "SUCCEEDED"}

    fail = {"Type": "Fail", "Error": "SomeFailure", "Cause": "It failed."}
    failed = run(sfn, fail, input={"Value": 1}, inspectionLevel="DEBUG")
    assert (failed["status"], failed["error"], failed["cause"]) == ("FAILED", "SomeFailure", "It failed.")
    assert "output" not in failed and "nextState" not in failed

    # TestState does not wait.
    started = time.monotonic()
    waited = run(sfn, {"Type": "Wait", "Seconds": 3600, "Next": "After"}, input={"a": 1})
    assert time.monotonic() - started < 60
    assert waited == {"output": {"a": 1}, "nextState": "After", "status": "SUCCEEDED"}


def test_a_mocked_task_runs_its_data_flow_on_the_mocked_result(sfn):
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName.$": "$.function", "Payload.$": "$.payload"},
        "ResultSelector": {"answer.$": "$.Payload"},
        "ResultPath": "$.lambda",
        "OutputPath": "$.lambda",
        "Next": "Then",
    }
    given = {"function": "f", "payload": {"n": 1}}
    mocked = {"Payload": {"n": 2}, "StatusCode": 200}
    answer = run(
        sfn, state, input=given, inspectionLevel="DEBUG", mock={"result": json.dumps(mocked)}
    )
    assert answer["status"] == "SUCCEEDED"
    assert answer["nextState"] == "Then"
    assert answer["output"] == {"answer": {"n": 2}}
    assert answer["inspectionData"] == {
        "input": given,
        "afterInputPath": given,
        "afterParameters": {"FunctionName": "f", "Payload": {"n": 1}},
        "result": mocked,
        "afterResultSelector": {"answer": {"n": 2}},
        "afterResultPath": dict(given, **{"lambda": {"answer": {"n": 2}}}),
    }


def test_a_retrier_with_attempts_left_makes_the_state_retriable(sfn):
    state = {
        "QueryLanguage": "JSONata",
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "foo", "Payload": "bar"},
        "Retry": [
            {"ErrorEquals": ["Other"]},
            {"ErrorEquals": ["MockException"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 2.0},
        ],
        "End": True,
    }
    retriable = run(
        sfn, state, input={"a": 1}, inspectionLevel="DEBUG", mock=MOCK_ERROR,
        stateConfiguration={"retrierRetryCount": 4},
    )
    assert retriable["status"] == "RETRIABLE"
    assert (retriable["error"], retriable["cause"]) == ("MockException", "Mock the cause of the error.")
    assert "nextState" not in retriable
    # The fifth attempt waits IntervalSeconds × BackoffRate^4.
    assert retriable["inspectionData"] == {
        "input": {"a": 1},
        "afterArguments": {"FunctionName": "foo", "Payload": "bar"},
        "errorDetails": {"retryIndex": 1, "retryBackoffIntervalSeconds": 16},
    }
    spent = run(
        sfn, state, input={"a": 1}, inspectionLevel="DEBUG", mock=MOCK_ERROR,
        stateConfiguration={"retrierRetryCount": 5},
    )
    assert spent["status"] == "FAILED"
    assert spent["inspectionData"]["errorDetails"] == {"retryIndex": 1}


def test_a_catcher_makes_the_state_caught_with_its_output_and_next(sfn):
    state = {
        "QueryLanguage": "JSONata",
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "foo", "Payload": "bar"},
        "Catch": [
            {"ErrorEquals": ["MockException"], "Output": "{% $states.errorOutput %}", "Next": "HandleMockError"},
            {"ErrorEquals": ["States.TaskFailed"], "Output": "{% $states %}", "Next": "HandleTaskFailed"},
        ],
        "End": True,
    }
    caught = run(sfn, state, roleArn=ROLE, input={"a": 1}, inspectionLevel="DEBUG", mock=MOCK_ERROR)
    assert caught["status"] == "CAUGHT_ERROR"
    assert caught["nextState"] == "HandleMockError"
    assert caught["output"] == {"Error": "MockException", "Cause": "Mock the cause of the error."}
    assert caught["inspectionData"]["errorDetails"] == {"catchIndex": 0}
    task_failed = {"errorOutput": {"error": "States.TaskFailed", "cause": "The task failed."}}
    second = run(sfn, state, input={"a": 1}, mock=task_failed)
    assert (second["status"], second["nextState"]) == ("CAUGHT_ERROR", "HandleTaskFailed")
    # `$states` whole holds the input, the Context object and the error output.
    assert second["output"]["input"] == {"a": 1}
    assert second["output"]["errorOutput"] == {"Error": "States.TaskFailed", "Cause": "The task failed."}
    assert second["output"]["context"]["State"]["Name"] == "StateName"
    assert second["output"]["context"]["Execution"]["Id"].startswith(
        "arn:aws:states:us-east-1:123456789012:express:"
    )


def test_a_mocked_map_reports_its_items_and_limits(sfn):
    state = {
        "Type": "Map",
        "ItemsPath": "$.values",
        "ItemProcessor": {"StartAt": "Upper", "States": {"Upper": {"Type": "Pass", "End": True}}},
        "MaxConcurrency": 1,
        "ResultPath": "$.results",
        "End": True,
    }
    answer = run(
        sfn, state, input={"values": ["a", "b"]}, inspectionLevel="DEBUG", mock={"result": '["A", "B"]'}
    )
    assert answer["output"] == {"values": ["a", "b"], "results": ["A", "B"]}
    assert answer["inspectionData"] == {
        "input": {"values": ["a", "b"]},
        "afterInputPath": {"values": ["a", "b"]},
        "afterItemsPath": ["a", "b"],
        "afterResultSelector": ["A", "B"],
        "afterResultPath": {"values": ["a", "b"], "results": ["A", "B"]},
        "maxConcurrency": 1,
    }
    not_items = run(sfn, state, input={"values": "x"}, mock={"result": "[]"})
    assert (not_items["status"], not_items["error"]) == ("FAILED", "States.Runtime")


def test_failed_iterations_past_the_tolerance_fail_a_mocked_map(sfn):
    state = {
        "Type": "Map",
        "QueryLanguage": "JSONata",
        "Items": "{% $states.input.values %}",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Each",
            "States": {"Each": {"Type": "Pass", "End": True}},
        },
        "Output": {"passed": "{% $count($states.result[$ = 1]) %}"},
        "ToleratedFailureCount": 1,
        "Retry": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "MaxAttempts": 2}],
        "End": True,
    }
    given = {"values": ["first", "second", "third"]}
    within = run(
        sfn, state, input=given, inspectionLevel="DEBUG", mock={"result": "[1, 1, 0]"},
        stateConfiguration={"mapIterationFailureCount": 1},
    )
    assert within["output"] == {"passed": 2}
    assert within["inspectionData"] == {"input": given, "maxConcurrency": 0, "toleratedFailureCount": 1}
    past = run(
        sfn, state, input=given, inspectionLevel="DEBUG", mock={"result": "[0, 0, 1]"},
        stateConfiguration={"mapIterationFailureCount": 2},
    )
    assert past["status"] == "RETRIABLE"
    assert past["error"] == "States.ExceedToleratedFailureThreshold"
    assert past["cause"] == "The specified tolerated failure threshold was exceeded"
    assert past["inspectionData"]["errorDetails"] == {"retryIndex": 0, "retryBackoffIntervalSeconds": 1}


def test_a_mocked_parallel_state(sfn):
    state = {
        "Type": "Parallel",
        "InputPath": "$.parallelInput",
        "ResultPath": "$.parallelResult",
        "Branches": [
            {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": True}}},
            {"StartAt": "B2", "States": {"B2": {"Type": "Pass", "End": True}}},
        ],
        "End": True,
    }
    results = [{"branch1": "result"}, {"branch2": "result"}]
    answer = run(
        sfn, state, input={"parallelInput": {"data": 1}}, inspectionLevel="DEBUG",
        mock={"result": json.dumps(results)},
    )
    assert answer["output"] == {"parallelInput": {"data": 1}, "parallelResult": results}
    assert answer["inspectionData"] == {
        "input": {"parallelInput": {"data": 1}},
        "afterResultSelector": results,
        "afterResultPath": answer["output"],
    }
    assert refused(sfn, state, mock={"result": "[1]"}) == (
        "ValidationException",
        "Mocked result must contain the same number of items as number of Parallel branches.",
    )
    assert refused(sfn, state, mock={"result": "{}"}) == (
        "ValidationException",
        "Mocked result must be an array.",
    )
    assert refused(sfn, state) == (
        "InvalidDefinition",
        "TestState API does not support Map or Parallel states. Supported state types include: "
        "[Task, Wait, Pass, Succeed, Fail, Choice]",
    )


def test_one_state_of_a_whole_machine_with_variables(sfn):
    machine = {
        "QueryLanguage": "JSONata",
        "StartAt": "First",
        "States": {
            "First": {"Type": "Pass", "Next": "Second"},
            "Second": {
                "Type": "Pass",
                "Assign": {"total": "{% $sum($states.input.values) + $offset %}"},
                "Output": {"total": "{% $sum($states.input.values) + $offset %}", "state": "{% $states.context.State.Name %}"},
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    answer = run(
        sfn, machine, stateName="Second", input={"values": [1, 2, 3]},
        variables=json.dumps({"offset": 10}), inspectionLevel="DEBUG",
    )
    assert answer["output"] == {"total": 16, "state": "Second"}
    assert answer["nextState"] == "Done"
    assert answer["inspectionData"] == {
        "input": {"values": [1, 2, 3]},
        "variables": {"offset": 10, "total": 16},
    }
    assert refused(sfn, machine, stateName="Third") == (
        "ValidationException",
        "State not found in definition",
    )


def test_a_mocked_context_object_replaces_dollar_dollar(sfn):
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"TaskToken.$": "$$.Task.Token", "Input.$": "$$.Execution.Input"}},
        "ResultPath": "$.sqs",
        "Next": "After",
    }
    context = {"Execution": {"Input": {"from": "context"}}, "Task": {"Token": "abcd123"}}
    answer = run(
        sfn, state, input={}, inspectionLevel="DEBUG", context=json.dumps(context),
        mock={"result": '{"ok": true}'},
    )
    assert answer["inspectionData"]["afterParameters"] == {
        "QueueUrl": "q",
        "MessageBody": {"TaskToken": "abcd123", "Input": {"from": "context"}},
    }
    assert answer["output"] == {"sqs": {"ok": True}}
    mock = {"result": "{}"}
    invalid = "Invalid Context object provided: "
    assert refused(sfn, state, context='{"Map": {}}', mock=mock)[1] == (
        invalid + "'Map' field is not supported when mocking a Context object"
    )
    assert refused(sfn, state, context='{"Pokedex": {}}', mock=mock)[1] == invalid + "Field 'Pokedex' is not allowed"
    assert refused(sfn, state, context='{"Execution": {"Id": 5}}', mock=mock)[1] == (
        invalid + "Execution.Id must be a string"
    )
    lambda_task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}
    assert refused(sfn, lambda_task, context='{"Task": {"Token": "t"}}', mock=mock)[1].startswith(
        invalid + "Context object contains 'Task' when state is not a Task state"
    )
    # A Task waiting for a token runs only with a mock.
    assert refused(sfn, state, roleArn=ROLE)[0] == "ValidationException"


def test_requests_aws_refuses(sfn):
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}
    assert refused(sfn, task) == (
        "ValidationException",
        "RoleArn must be specified when testing a Task state",
    )
    assert refused(sfn, {"Type": "Pass", "End": True}, mock={"result": "{}"}) == (
        "ValidationException",
        "State type 'Pass' is not supported when a mock is specified",
    )
    assert refused(sfn, {"Type": "Succeed"}, mock=MOCK_ERROR)[1] == (
        "State type 'Succeed' is not supported when a mock is specified"
    )
    assert refused(sfn, task, mock={"result": "{}", "errorOutput": {"error": "e"}}) == (
        "ValidationException",
        "A test mock should have only one of the following fields: [result, errorOutput].",
    )
    assert refused(sfn, task, mock={"result": "{not json"}) == (
        "ValidationException",
        "Mocked result must be valid JSON",
    )
    assert refused(sfn, task, mock={"result": "{}"}, revealSecrets=True) == (
        "ValidationException",
        "TestState does not support RevealSecrets when a mock is specified.",
    )
    assert refused(sfn, task, roleArn=ROLE, stateConfiguration={"mapIterationFailureCount": 1}) == (
        "ValidationException",
        "TestState does not support MapIterationFailureCount when a mock is not specified.",
    )
    assert refused(sfn, {"Type": "Pass", "End": True}, input="{bad") [0] == "InvalidExecutionInput"
    # An invalid state is InvalidDefinition, located in the text given.
    code, message = refused(sfn, '{"Type": "Pass",\n "InputPath": 5, "End": true}')
    assert code == "InvalidDefinition"
    assert "/States/StateName/InputPath" in message and "(line 2, column 15)" in message
    code, message = refused(sfn, '{"Type": ')
    assert code == "InvalidDefinition" and "INVALID_JSON_DESCRIPTION" in message


def test_a_task_without_a_mock_runs_through_the_bindings(sfn):
    # The session's server binds no Task and has no AWS credentials: the state
    # fails, naming its Resource.
    task = {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:unbound", "End": True}
    answer = run(sfn, task, roleArn=ROLE, input={"a": 1}, inspectionLevel="DEBUG")
    assert answer["status"] == "FAILED"
    assert "arn:aws:lambda:us-east-1:123456789012:function:unbound" in answer["cause"]
    assert answer["inspectionData"]["afterParameters"] == {"a": 1}


def test_test_state_through_the_cli(endpoint):
    status, answer, stderr = aws(
        endpoint, "test-state",
        "--definition", json.dumps(IO_PASS),
        "--input", json.dumps(IO_INPUT),
        "--inspection-level", "DEBUG",
    )
    assert status == 0, stderr
    assert answer["status"] == "SUCCEEDED"
    assert json.loads(answer["inspectionData"]["afterInputPath"]) == IO_INPUT["initialData"]
    status, answer, stderr = aws(
        endpoint, "test-state",
        "--definition", json.dumps({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}),
        "--mock", json.dumps({"errorOutput": {"error": "Boom", "cause": "it broke"}}),
    )
    assert status == 0, stderr
    assert (answer["status"], answer["error"], answer["cause"]) == ("FAILED", "Boom", "it broke")
