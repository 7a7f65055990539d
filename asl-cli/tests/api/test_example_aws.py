"""The README's AWS example, examples/aws/run.sh: the order flow against moto's
server and a local Lambda stand-in, an order served and one the stock cannot serve."""

import json
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[3]


def test_the_order_flow_runs_against_the_test_server():
    done = subprocess.run(
        [str(ROOT / "examples" / "aws" / "run.sh")],
        capture_output=True, text=True, timeout=900,
        env=dict(os.environ, ASL=os.environ["ASL_BIN"]),
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    served = json.loads(lines[1])
    assert served["reservation"] == {"stockLeft": "3"}
    assert served["payment"]["transactionId"] and served["confirmation"]["messageId"]
    refused = json.loads(lines[3])
    assert refused["error"] == "DynamoDB.ConditionalCheckFailedException"
    assert lines[4] == "(exit status 1)"
