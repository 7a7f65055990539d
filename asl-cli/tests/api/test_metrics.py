"""`GET /metrics` of `asl serve`: after a known set of executions, every counter
and histogram count is what CloudWatch would show for them."""

import json
import re
import tempfile
import time
import urllib.request

import pytest

from conftest import ROLE, Server, client, finished

TASK = "arn:aws:states:::lambda:invoke"

METERED = {
    "StartAt": "Work",
    "States": {
        "Work": {"Type": "Task", "Resource": TASK, "Next": "Check"},
        "Check": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.outcome", "StringEquals": "fail", "Next": "Failed"},
                {"Variable": "$.outcome", "StringEquals": "wait", "Next": "Sleep"},
            ],
            "Default": "Done",
        },
        "Sleep": {"Type": "Wait", "Seconds": 60, "Next": "Done"},
        "Failed": {"Type": "Fail", "Error": "Refused"},
        "Done": {"Type": "Succeed"},
    },
}

FLAKY = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task", "Resource": TASK,
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 1}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recovered"}],
            "End": True,
        },
        "Recovered": {"Type": "Succeed"},
    },
}

SLOW = {"TimeoutSeconds": 1, "StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 30, "End": True}}}

QUICK = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}


@pytest.fixture(scope="module")
def server():
    with tempfile.TemporaryDirectory() as data_dir:
        bindings = f"{data_dir}/bindings.toml"
        with open(bindings, "w") as file:
            file.write('[states.Work]\ncommand = ["cat"]\n\n[states.Call]\ncommand = ["false"]\n')
        server = Server(data_dir, bindings=bindings)
        yield server
        server.stop()


def scrape(endpoint):
    """The page's samples: {(name, ((label, value), ...)): value}, and its text."""
    with urllib.request.urlopen(endpoint + "/metrics") as response:
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        found = re.fullmatch(r'([a-z_]+)(?:\{(.*)\})? (\S+)', line)
        assert found, line
        labels = tuple(sorted(re.findall(r'(\w+)="([^"]*)"', found.group(2) or "")))
        samples[(found.group(1), labels)] = float(found.group(3))
    return samples, text


def test_the_counters_match_the_executions_run(server):
    sfn = client(server.endpoint)
    arns = {}
    for name, definition, kind in [
        ("metered", METERED, "STANDARD"),
        ("flaky", FLAKY, "STANDARD"),
        ("slow", SLOW, "STANDARD"),
        ("quick", QUICK, "EXPRESS"),
    ]:
        arns[name] = sfn.create_state_machine(
            name=name, definition=json.dumps(definition), roleArn=ROLE, type=kind
        )["stateMachineArn"]
    runs = [("metered", {"outcome": "ok"}), ("metered", {"outcome": "ok"}), ("metered", {"outcome": "fail"}),
            ("flaky", {}), ("slow", {})]
    started = [
        sfn.start_execution(stateMachineArn=arns[machine], input=json.dumps(given))["executionArn"]
        for machine, given in runs
    ]
    waiting = sfn.start_execution(stateMachineArn=arns["metered"], input=json.dumps({"outcome": "wait"}))
    statuses = [finished(sfn, arn)["status"] for arn in started]
    assert statuses == ["SUCCEEDED", "SUCCEEDED", "FAILED", "SUCCEEDED", "TIMED_OUT"]
    deadline = time.monotonic() + 60
    while sfn.get_execution_history(executionArn=waiting["executionArn"])["events"][-1]["type"] != "WaitStateEntered":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    sfn.stop_execution(executionArn=waiting["executionArn"])
    assert finished(sfn, waiting["executionArn"])["status"] == "ABORTED"
    for _ in range(3):
        assert sfn.start_sync_execution(stateMachineArn=arns["quick"])["status"] == "SUCCEEDED"

    samples, text = scrape(server.endpoint)

    def value(name, machine, state=None):
        labels = [("state_machine_arn", arns[machine])]
        if state:
            labels.append(("state", state))
        return samples.get((name, tuple(sorted(labels))), 0.0)

    expected = {
        "metered": {"started": 4, "succeeded": 2, "failed": 1, "aborted": 1, "timed_out": 0, "transitions": 12},
        "flaky": {"started": 1, "succeeded": 1, "failed": 0, "aborted": 0, "timed_out": 0, "transitions": 2},
        "slow": {"started": 1, "succeeded": 0, "failed": 0, "aborted": 0, "timed_out": 1, "transitions": 1},
        "quick": {"started": 3, "succeeded": 3, "failed": 0, "aborted": 0, "timed_out": 0, "transitions": 0},
    }
    for machine, counts in expected.items():
        measured = {
            "started": value("asl_executions_started_total", machine),
            "succeeded": value("asl_executions_succeeded_total", machine),
            "failed": value("asl_executions_failed_total", machine),
            "aborted": value("asl_executions_aborted_total", machine),
            "timed_out": value("asl_executions_timed_out_total", machine),
            "transitions": value("asl_state_transitions_total", machine),
        }
        assert measured == counts, (machine, text)
        assert value("asl_executions_throttled_total", machine) == 0
        ended_count = counts["succeeded"] + counts["failed"] + counts["aborted"] + counts["timed_out"]
        assert value("asl_execution_time_seconds_count", machine) == ended_count, (machine, text)
    assert value("asl_task_attempts_total", "metered", "Work") == 4
    assert value("asl_task_failures_total", "metered", "Work") == 0
    assert value("asl_task_latency_seconds_count", "metered", "Work") == 4
    # The failing command, tried twice (one retry), then caught.
    assert value("asl_task_attempts_total", "flaky", "Call") == 2
    assert value("asl_task_failures_total", "flaky", "Call") == 2
    assert value("asl_task_latency_seconds_count", "flaky", "Call") == 2
    # The time out took its second; the histograms have buckets.
    assert value("asl_execution_time_seconds_sum", "slow") >= 1.0
    assert 'asl_execution_time_seconds_bucket{state_machine_arn="%s",le="+Inf"} 1' % arns["slow"] in text
    assert "# TYPE asl_executions_started_total counter" in text
    assert "# HELP asl_executions_started_total" in text

    # A scrape counts only what is new.
    again, _ = scrape(server.endpoint)
    assert again == samples
