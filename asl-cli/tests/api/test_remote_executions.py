"""`states:startExecution` of a machine asl does not run itself goes to the Step
Functions endpoint the environment names: here `asl serve`, called by a workflow
that `asl run` runs, waiting for the child (`.sync`, `.sync:2`) or not."""

import json
import os
import pathlib
import subprocess
import tempfile

from conftest import ROLE, unique

CHILD = {
    "StartAt": "Double",
    "States": {"Double": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": True}},
}


def run(definition, endpoint, given):
    with tempfile.TemporaryDirectory() as place:
        path = pathlib.Path(place) / "parent.asl.json"
        path.write_text(json.dumps(definition))
        environment = dict(
            os.environ,
            AWS_ENDPOINT_URL_SFN=endpoint,
            AWS_ACCESS_KEY_ID="test",
            AWS_SECRET_ACCESS_KEY="test",
            AWS_REGION="us-east-1",
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        )
        done = subprocess.run(
            [os.environ["ASL_BIN"], "run", str(path), "--input", json.dumps(given)],
            capture_output=True, text=True, env=environment, timeout=600,
        )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_a_parent_starts_and_waits_for_a_child_of_another_endpoint(sfn, endpoint):
    child = sfn.create_state_machine(name=unique("child"), definition=json.dumps(CHILD), roleArn=ROLE)[
        "stateMachineArn"
    ]
    start = "arn:aws:states:::states:startExecution"
    parent = {
        "StartAt": "Fire",
        "States": {
            "Fire": {
                "Type": "Task", "Resource": start,
                "Parameters": {"StateMachineArn": child, "Input": {"n": 1}},
                "ResultSelector": {"arn.$": "$.ExecutionArn"},
                "ResultPath": "$.fired", "Next": "Wait",
            },
            "Wait": {
                "Type": "Task", "Resource": start + ".sync",
                "Parameters": {"StateMachineArn": child, "Input": {"n.$": "$.n"}},
                "ResultSelector": {"status.$": "$.Status", "output.$": "$.Output"},
                "ResultPath": "$.waited", "Next": "Parsed",
            },
            "Parsed": {
                "Type": "Task", "Resource": start + ".sync:2",
                "Parameters": {"StateMachineArn": child, "Input": {"n": 5}},
                "ResultSelector": {"output.$": "$.Output"},
                "ResultPath": "$.parsed", "Next": "Missing",
            },
            "Missing": {
                "Type": "Task", "Resource": start,
                "Parameters": {"StateMachineArn": child + "-nope"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.missing", "Next": "Done"}],
                "End": True,
            },
            "Done": {"Type": "Succeed"},
        },
    }
    status, output = run(parent, endpoint, {"n": 21})
    assert status == 0, output
    assert output["fired"]["arn"].startswith(child.replace(":stateMachine:", ":execution:"))
    assert output["waited"] == {"status": "SUCCEEDED", "output": '{"doubled":42}'}
    assert output["parsed"] == {"output": {"doubled": 10}}
    assert output["missing"]["Error"] == "StepFunctions.StateMachineDoesNotExistException"
    assert "(Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist;" in output["missing"]["Cause"]
