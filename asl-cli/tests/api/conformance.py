#!/usr/bin/env python3
"""The conformance corpus through the Step Functions API: every case of
../shared/conformance/cases created as a state machine with boto3
(CreateStateMachine), run (StartExecution, or StartSyncExecution for the cases AWS
ran as EXPRESS), waited for (DescribeExecution) and compared with what AWS
recorded, as the corpus's own runner compares.

Usage: python conformance.py ENDPOINT CASES_DIR [--jobs N] [--filter SUBSTR]
Prints `FAIL name: reason` per failed case, then `N passed, M failed`; exits 1 if
any case failed.
"""

import argparse
import json
import pathlib
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

ROLE = "arn:aws:iam::123456789012:role/service-role/asl-conformance"


def client(endpoint):
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(
            inject_host_prefix=False,
            # Executions wait for their machine's compile: a first call may be slow.
            read_timeout=900,
            retries={"max_attempts": 1},
            max_pool_connections=64,
        ),
    )


def same(left, right):
    """JSON equality as the corpus runner defines it: key order ignored, numbers by
    value, booleans never numbers."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k]) for k in left)
    return left == right


def verdict(expected, status, output=None, error=None, cause=None):
    """None when the outcome is what AWS recorded, else why not."""
    if expected["status"] == "SUCCEEDED" and status == "SUCCEEDED":
        if same(expected["output"], json.loads(output)):
            return None
    elif expected["status"] == "FAILED" and status == "FAILED":
        if (expected.get("error"), expected.get("cause")) == (error, cause):
            return None
    got = {"status": status, "output": output, "error": error, "cause": cause}
    return f"expected {json.dumps(expected)}, got {json.dumps(got)}"


def create(sfn, index, case):
    express = "express" in case.get("tags", [])
    arn = sfn.create_state_machine(
        name=f"case-{index}",
        definition=json.dumps(case["definition"]),
        roleArn=ROLE,
        type="EXPRESS" if express else "STANDARD",
    )["stateMachineArn"]
    return arn, express


def run(sfn, arn, express, case):
    """The case's outcome as (status, output, error, cause)."""
    execution_input = json.dumps(case["input"])
    if express:
        answer = sfn.start_sync_execution(stateMachineArn=arn, input=execution_input)
        return answer["status"], answer.get("output"), answer.get("error"), answer.get("cause")
    execution = sfn.start_execution(stateMachineArn=arn, input=execution_input)["executionArn"]
    while True:
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            return (
                described["status"],
                described.get("output"),
                described.get("error"),
                described.get("cause"),
            )
        time.sleep(0.05)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("cases")
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--filter", action="append", default=[])
    arguments = parser.parse_args()
    sfn = client(arguments.endpoint)
    cases = []
    for path in sorted(pathlib.Path(arguments.cases).glob("*.json")):
        case = json.loads(path.read_text())
        if not arguments.filter or any(f in case["name"] for f in arguments.filter):
            cases.append(case)
    started = time.time()
    # Every machine first, so that the server compiles them together.
    machines = [create(sfn, index, case) for index, case in enumerate(cases)]
    print(f"created {len(machines)} state machines in {time.time() - started:.1f} s", flush=True)

    def one(item):
        (arn, express), case = item
        try:
            return case["name"], verdict(case["expected"], *run(sfn, arn, express, case))
        except Exception as error:  # a client error is a failed case, with its text
            return case["name"], f"{type(error).__name__}: {error}"

    with ThreadPoolExecutor(arguments.jobs) as pool:
        results = list(pool.map(one, zip(machines, cases)))
    failed = [(name, reason) for name, reason in results if reason]
    for name, reason in failed:
        print(f"FAIL {name}: {reason}")
    print(f"ran them in {time.time() - started:.1f} s")
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
