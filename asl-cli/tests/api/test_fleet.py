"""Several `asl serve` processes on one PostgreSQL database (`--db postgres://...`).

The database is the server ASL_TEST_POSTGRES names (`.ci/run` points it at the
machine's); each test works in a schema of its own. Without the variable the tests
are skipped, and say so; with it, a server that does not answer fails them.

- Any server answers any call: a machine created on one is seen by the others; an
  answer to a task token, a heartbeat or a stop sent to one reaches the execution
  that another runs (LISTEN/NOTIFY: in milliseconds, not at the next poll), and an
  activity task offered by an execution on one is handed out by another.
- A server killed by SIGKILL: the others take its executions over within the
  takeover bound, each its share, and they end as an undisturbed run would.
- Waiting executions (a Wait or a retry's backoff of at least 5 s, a Task waiting
  for its token's answer at least that long before it would time out) are parked
  as timer rows rather than kept in memory: the server that parked them may die,
  the others fire them when due; an answer to a parked Task's token, or a stop,
  wakes it on the server asked.
- A server paused by SIGSTOP past its lease: taken over the same way. Its workers
  stop themselves before the lease runs out, so that none starts a Task attempt once
  another server may run the execution; a write still on its way is refused by the
  store (fencing), and counted.
- The chaos test: the crash test's workload (test_crash.py: Waits, a fifth of them
  long enough to be parked as timers, command Tasks with retries, callbacks,
  activities, a Distributed Map whose children spread) on three servers, one killed and started again every
  few seconds, one paused past its lease, and PostgreSQL itself restarted once
  (ASL_TEST_POSTGRES_RESTART, the command that restarts it). ASL_FLEET_EXECUTIONS sets
  how many executions (CI runs a short form).
- A Distributed Map over a JSONL file: its children spread over the three servers,
  each running a share (its `/metrics` count), never more than MaxConcurrency at once
  across the fleet (UpdateMapRun sent to any server changes it), and the one killed
  mid-run leaves its children to the others.
  ASL_FLEET_MAP_ITEMS sets how many items (CI runs a short form; 100000 is the
  acceptance run).
"""

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter

import pytest

import test_crash
from conftest import ROLE, STATES, Server
from test_crash import Crashes, check_executions, client, free_port, names, wait_until

#: How long a dead server's executions wait at most before the others take over.
TAKEOVER = 3


def database_url():
    url = os.environ.get("ASL_TEST_POSTGRES")
    if not url:
        pytest.skip("set ASL_TEST_POSTGRES to a PostgreSQL URL to run the fleet tests")
    return url


def psql(url, sql):
    """Runs `sql` with psql; its output, unaligned."""
    done = subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.fail(f"psql {url}: {done.stderr}")
    return done.stdout.strip()


class Schema:
    """A schema of its own in the test server, and the URL that works in it."""

    def __init__(self):
        self.server = database_url()
        self.name = f"fleet_{uuid.uuid4().hex[:12]}"
        psql(self.server, f"CREATE SCHEMA {self.name}")
        separator = "&" if "?" in self.server else "?"
        self.url = f"{self.server}{separator}options=-csearch_path%3D{self.name}"

    def query(self, sql):
        return psql(self.url, sql)

    def drop(self):
        psql(self.server, f"DROP SCHEMA IF EXISTS {self.name} CASCADE")


@pytest.fixture
def schema():
    schema = Schema()
    yield schema
    schema.drop()


def serve(schema, base, index, bindings=None, port=None, environment=None):
    """Server `index` of a fleet on `schema`."""
    data_dir = os.path.join(base, f"node-{index}")
    bind = f"127.0.0.1:{port or 0}"
    return Server(
        data_dir,
        "--db",
        schema.url,
        "--takeover-seconds",
        str(TAKEOVER),
        bindings=bindings,
        bind=bind,
        environment=environment,
    )


def stop_all(servers):
    """Stops the servers still running (a test may have killed some)."""
    for server in servers:
        if server.process.poll() is None:
            server.stop()


def warm_up(sfns, machine, input_of):
    """Runs execution `warm-<index>` of `machine` with `input_of(index)` on each
    server until it succeeds: each has compiled the machine before the test's clock
    runs."""
    for index, sfn in enumerate(sfns):
        arn = sfn.start_execution(
            stateMachineArn=machine, name=f"warm-{index}", input=json.dumps(input_of(index))
        )["executionArn"]
        wait_until(lambda: sfn.describe_execution(executionArn=arn)["status"] == "SUCCEEDED", 60)


WAIT_THEN_PASS = {
    "StartAt": "Wait",
    "States": {
        "Wait": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Done"},
        "Done": {"Type": "Pass", "Parameters": {"n.$": "$.n", "twice.$": "States.MathAdd($.n, $.n)"}, "End": True},
    },
}


def history(sfn, arn):
    events, token = [], None
    while True:
        page = sfn.get_execution_history(executionArn=arn, **({"nextToken": token} if token else {}))
        events += page["events"]
        token = page.get("nextToken")
        if not token:
            return events


def assert_whole(sfn, arn, states):
    """The history of `arn` counts ids from 1 without a gap or a duplicate, and
    enters `states` once each, in order."""
    events = history(sfn, arn)
    assert [event["id"] for event in events] == list(range(1, len(events) + 1)), events
    entered = [
        event["stateEnteredEventDetails"]["name"] for event in events if "stateEnteredEventDetails" in event
    ]
    assert entered == states, entered


def test_any_server_answers_and_a_killed_servers_executions_are_taken_over(schema):
    with tempfile.TemporaryDirectory() as base:
        servers = [serve(schema, base, index) for index in range(3)]
        try:
            sfns = [client(server.endpoint, read_timeout=600) for server in servers]
            machine = sfns[0].create_state_machine(
                name="takeover", definition=json.dumps(WAIT_THEN_PASS), roleArn=ROLE
            )["stateMachineArn"]
            for sfn in sfns[1:]:
                assert sfn.describe_state_machine(stateMachineArn=machine)["name"] == "takeover"
            # Compiled (by each server, from the same cache) before the clock runs.
            warm_up(sfns, machine, lambda index: {"n": index, "wait": 0})
            started = []
            for index in range(30):
                started.append(
                    sfns[0].start_execution(
                        stateMachineArn=machine, name=f"e{index}", input=json.dumps({"n": index, "wait": 2})
                    )["executionArn"]
                )
            node = schema.query("SELECT DISTINCT owner FROM asl_executions WHERE status = 'RUNNING'")
            assert node and "\n" not in node, f"one node runs them all: {node}"
            time.sleep(0.5)
            servers[0].kill()
            killed = time.monotonic()
            survivor = sfns[1]
            wait_until(lambda: not names(survivor, machine, statusFilter="RUNNING"), 2 + TAKEOVER + 20)
            ended = time.monotonic() - killed
            for index, arn in enumerate(started):
                described = sfns[2].describe_execution(executionArn=arn)
                assert described["status"] == "SUCCEEDED", described
                assert json.loads(described["output"]) == {"n": index, "twice": 2 * index}
                assert_whole(survivor, arn, ["Wait", "Done"])
            owners = Counter(
                schema.query(
                    "SELECT owner FROM asl_executions WHERE name LIKE 'e%' ORDER BY owner"
                ).split()
            )
            assert len(owners) == 2 and min(owners.values()) >= 5, f"both live servers took a share: {owners}"
            print(f"\nfleet: 30 executions of a killed server ended {ended:.1f} s after the kill; split {dict(owners)}")
            assert ended < 2 + TAKEOVER + 5
        finally:
            stop_all(servers)


#: Waits `$.wait` seconds, then retries a Parallel whose branch always fails after a
#: 6 s backoff, and catches its second failure: a Wait and a backoff long enough to
#: be parked (asl_store_postgres::timers::PARK_AFTER is 5 s). `$.warm` skips both.
PARKED = {
    "StartAt": "Warm?",
    "States": {
        "Warm?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.warm", "IsPresent": True, "Next": "Warmed"}],
            "Default": "Nap",
        },
        "Warmed": {"Type": "Succeed"},
        "Nap": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Try"},
        "Try": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Fail", "States": {"Fail": {"Type": "Fail", "Error": "Flaky", "Cause": "always"}}}
            ],
            "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 6, "MaxAttempts": 1}],
            "Catch": [{"ErrorEquals": ["Flaky"], "ResultPath": "$.caught", "Next": "Done"}],
            "Next": "Done",
        },
        "Done": {"Type": "Pass", "Parameters": {"n.$": "$.n", "error.$": "$.caught.Error"}, "End": True},
    },
}


def metric_children(server):
    """How many Distributed Map children `server` ran for the fleet (its metric)."""
    return metric(server, "asl_map_children_run_total")


def metric(server, name):
    """The value of counter `name` on `server`'s `/metrics` (0 before any)."""
    with urllib.request.urlopen(f"{server.endpoint}/metrics", timeout=30) as page:
        text = page.read().decode()
    found = re.search(rf"^{name} (\d+)", text, re.MULTILINE)
    return int(found.group(1)) if found else 0


def test_waiting_executions_are_parked_as_timers_that_any_live_server_fires(schema):
    with tempfile.TemporaryDirectory() as base:
        servers = [serve(schema, base, index) for index in range(3)]
        try:
            sfns = [client(server.endpoint, read_timeout=600) for server in servers]
            machine = sfns[0].create_state_machine(
                name="parked", definition=json.dumps(PARKED), roleArn=ROLE
            )["stateMachineArn"]
            warm_up(sfns, machine, lambda index: {"warm": True})
            started = [
                sfns[0].start_execution(
                    stateMachineArn=machine, name=f"p{index}", input=json.dumps({"n": index, "wait": 6})
                )["executionArn"]
                for index in range(30)
            ]
            long = sfns[0].start_execution(
                stateMachineArn=machine, name="long", input=json.dumps({"n": -1, "wait": 3600})
            )["executionArn"]
            # Parked: a timer each, and no owner; nothing of them in the server's memory.
            wait_until(lambda: schema.query("SELECT count(*) FROM asl_timers") == "31", 10)
            assert schema.query(
                "SELECT count(*) FROM asl_executions WHERE status = 'RUNNING' AND owner IS NOT NULL"
            ) == "0"
            # The server that parked them dies; the others fire their timers when due.
            servers[0].kill()
            killed = time.monotonic()
            survivor = sfns[1]
            wait_until(lambda: names(survivor, machine, statusFilter="RUNNING") == {"long"}, 30)
            ended = time.monotonic() - killed
            late = []
            for index, arn in enumerate(started):
                described = sfns[2].describe_execution(executionArn=arn)
                assert described["status"] == "SUCCEEDED", described
                assert json.loads(described["output"]) == {"n": index, "error": "Flaky"}
                assert_whole(survivor, arn, ["Warm?", "Nap", "Try", "Fail", "Fail", "Done"])
                # 6 s of Wait and 6 s of backoff: late only by the time it takes to
                # fire a timer and go on.
                took = described["stopDate"] - described["startDate"]
                late.append(took.total_seconds() - 12)
            fired = [metric(server, "asl_timers_fired_total") for server in servers[1:]]
            print(f"\nfleet: 30 executions parked twice by a server killed at once ended "
                  f"{ended:.1f} s after the kill; timers fired {fired}; late by at most {max(late):.2f} s")
            # Each Wait and each backoff fired by a live server (warm-up excluded).
            assert sum(fired) == 60, fired
            assert max(late) < 2.5, late

            # Stopped on any server while parked: woken there, aborted at once.
            sfns[2].stop_execution(executionArn=long, error="Enough", cause="no more waiting")
            described = survivor.describe_execution(executionArn=long)
            assert (described["status"], described["error"]) == ("ABORTED", "Enough")
            kinds = [event["type"] for event in history(survivor, long)]
            assert kinds[-2:] == ["WaitStateEntered", "ExecutionAborted"], kinds
            assert schema.query("SELECT count(*) FROM asl_timers") == "0"
        finally:
            stop_all(servers)


#: A Distributed Map whose children (Standard executions, a Choice and a Pass) each
#: double an item; the results go to a JSONL file.
SPREAD_MAP = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "JSONL"},
                "Parameters": {"Bucket": "items", "Key.$": "$.items"},
            },
            "MaxConcurrency": 300,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Odd",
                "States": {
                    "Odd": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$.odd", "BooleanEquals": True, "Next": "Double"}],
                        "Default": "Double",
                    },
                    "Double": {
                        "Type": "Pass",
                        "Parameters": {"id.$": "$.id", "double.$": "States.MathAdd($.id, $.id)"},
                        "End": True,
                    },
                },
            },
            "ResultWriter": {
                "Resource": "arn:aws:states:::s3:putObject",
                "Parameters": {"Bucket": "out", "Prefix": "doubled"},
                "WriterConfig": {"OutputType": "JSONL", "Transformation": "COMPACT"},
            },
            "End": True,
        }
    },
}



@pytest.mark.parametrize("killed", [2, 0], ids=["a-server-running-children", "the-parents-server"])
def test_a_distributed_maps_children_spread_over_the_fleet(schema, killed):
    """`killed`: the server killed mid-run and started again, the third (it runs
    children) or the first (it runs the parent too, which another server takes
    over: the children that had not ended are offered again, those with an outcome
    recorded are not run again)."""
    items = int(os.environ.get("ASL_FLEET_MAP_ITEMS", "3000"))
    with tempfile.TemporaryDirectory() as base:
        root = os.path.join(base, "s3")
        os.makedirs(os.path.join(root, "items"))
        for key, count in (("warm.jsonl", 900), ("items.jsonl", items)):
            with open(os.path.join(root, "items", key), "w") as out:
                for index in range(count):
                    out.write(json.dumps({"id": index, "odd": index % 2 == 1}) + "\n")
        environment = {"ASL_S3_ROOT": root}
        servers = [serve(schema, base, index, environment=environment) for index in range(3)]
        try:
            sfns = [client(server.endpoint, read_timeout=600) for server in servers]
            machine = sfns[0].create_state_machine(
                name="spread", definition=json.dumps(SPREAD_MAP), roleArn=ROLE
            )["stateMachineArn"]
            # Every server compiles the machine (from the same cache) for the children
            # of a first run, before the clock runs.
            warm = sfns[0].start_execution(
                stateMachineArn=machine, name="warm", input=json.dumps({"items": "warm.jsonl"})
            )["executionArn"]
            wait_until(lambda: sfns[0].describe_execution(executionArn=warm)["status"] != "RUNNING", 600)
            assert sfns[0].describe_execution(executionArn=warm)["status"] == "SUCCEEDED"
            warmed = [metric_children(server) for server in servers]
            shutil.rmtree(os.path.join(root, "out"))
            began = time.monotonic()
            arn = sfns[0].start_execution(
                stateMachineArn=machine, name="spread", input=json.dumps({"items": "items.jsonl"})
            )["executionArn"]
            # UpdateMapRun sent to a server that does not run the execution reaches
            # the one that does.
            wait_until(lambda: sfns[1].list_map_runs(executionArn=arn)["mapRuns"], 60)
            map_run = sfns[1].list_map_runs(executionArn=arn)["mapRuns"][0]["mapRunArn"]
            sfns[1].update_map_run(mapRunArn=map_run, maxConcurrency=250)
            assert sfns[2].describe_map_run(mapRunArn=map_run)["maxConcurrency"] == 250
            # Children in flight across the fleet, sampled while it runs.
            most, sampling = [0], threading.Event()

            def sample():
                while not sampling.is_set():
                    count = int(schema.query("SELECT count(*) FROM asl_map_children WHERE outcome IS NULL"))
                    most[0] = max(most[0], count)
                    time.sleep(0.1)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            # A server is killed once it ran a twentieth of them, and started again:
            # the others run those it had claimed, and it goes on with a share.
            wait_until(lambda: metric_children(servers[killed]) - warmed[killed] >= items // 20, 600)
            killed_after = metric_children(servers[killed]) - warmed[killed]
            servers[killed].kill()
            servers[killed] = serve(schema, base, killed, environment=environment)
            wait_until(lambda: sfns[1].describe_execution(executionArn=arn)["status"] != "RUNNING", 1800)
            took = time.monotonic() - began
            sampling.set()
            sampler.join()
            described = sfns[1].describe_execution(executionArn=arn)
            assert described["status"] == "SUCCEEDED", described
            split = [metric_children(server) - warmed[index] for index, server in enumerate(servers)]
            split[killed] = killed_after + metric_children(servers[killed])
            counts = sfns[1].describe_map_run(mapRunArn=map_run)["executionCounts"]
            assert counts["succeeded"] == items and counts["failed"] == 0, counts
            written = json.loads(described["output"])["ResultWriterDetails"]
            results = []
            for directory, _, files in os.walk(os.path.join(root, "out")):
                for name in files:
                    if name != "manifest.json":
                        with open(os.path.join(directory, name)) as lines:
                            results += [json.loads(line) for line in lines if line.strip()]
            assert written["Bucket"] == "out"
            assert sorted(result["id"] for result in results) == list(range(items))
            assert all(result["double"] == 2 * result["id"] for result in results)
            print(
                f"\nfleet: a Distributed Map of {items} items on 3 servers took {took:.1f} s "
                f"({items / took:.0f} children/s); children run per server {split} (server "
                f"{killed} killed after at least {killed_after} and started again); at most "
                f"{most[0]} in flight (MaxConcurrency 300, then 250)"
            )
            assert all(count >= items // 20 for count in split), split
            # What the killed server had claimed and not recorded ran again elsewhere;
            # and, when it ran the parent, those whose outcome the parent had taken
            # but not yet noted. Its count is the one read before the kill: what it
            # recorded in between (at most the 256 it runs at once) is not in it.
            assert items - 256 <= sum(split) <= items + 256 + 300, split
            assert most[0] <= 300, most[0]
            assert schema.query("SELECT count(*) FROM asl_map_children") == "0"
        finally:
            stop_all(servers)


def callback(**limits):
    """A machine of one callback Task whose handler (a command) hands the token to
    the test, with `limits` (TimeoutSeconds, HeartbeatSeconds...)."""
    ask = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"MessageBody": {"token.$": "$$.Task.Token", "name.$": "$$.Execution.Name"}},
        "End": True,
    }
    return {"StartAt": "Ask", "States": {"Ask": {**ask, **limits}}}


CALLBACK = callback(HeartbeatSeconds=30)

SPOOL = """
import json, os, sys
message = json.load(sys.stdin)["MessageBody"]
spool = os.environ["FLEET_SPOOL"]
temporary = os.path.join(spool, "." + message["name"])
with open(temporary, "w") as out:
    json.dump(message, out)
os.rename(temporary, os.path.join(spool, message["name"]))
with open(spool + ".calls", "a") as calls:
    calls.write(message["name"] + "\\n")
print(json.dumps({"MessageId": message["name"]}))
"""


def spool_bindings(base):
    spool = os.path.join(base, "spool")
    os.makedirs(spool)
    with open(os.path.join(base, "spool.py"), "w") as script:
        script.write(SPOOL)
    path = os.path.join(base, "bindings.toml")
    with open(path, "w") as toml:
        toml.write(
            f'[states.Ask]\ncommand = ["{sys.executable}", "spool.py"]\n'
            f'env = {{ FLEET_SPOOL = "{spool}" }}\n'
        )
    return spool, path


def token_of(spool, name, timeout=60):
    path = os.path.join(spool, name)
    wait_until(lambda: os.path.exists(path), timeout)
    with open(path) as spooled:
        return json.load(spooled)["token"]


def test_answers_heartbeats_and_stops_reach_the_server_running_the_execution(schema):
    with tempfile.TemporaryDirectory() as base:
        spool, bindings = spool_bindings(base)
        servers = [serve(schema, base, index, bindings=bindings) for index in range(2)]
        try:
            runner, other = (client(server.endpoint, read_timeout=600) for server in servers)
            machine = runner.create_state_machine(
                name="callbacks", definition=json.dumps(CALLBACK), roleArn=ROLE
            )["stateMachineArn"]
            latencies = []
            for index in range(6):
                name = f"answered-{index}"
                arn = runner.start_execution(stateMachineArn=machine, name=name)["executionArn"]
                token = token_of(spool, name)
                # The task waits (its TaskSubmitted is noted) before it is answered.
                time.sleep(0.3)
                other.send_task_heartbeat(taskToken=token)
                sent = time.monotonic()
                other.send_task_success(taskToken=token, output=json.dumps({"index": index}))
                while runner.describe_execution(executionArn=arn)["status"] == "RUNNING":
                    time.sleep(0.01)
                latencies.append(time.monotonic() - sent)
                described = other.describe_execution(executionArn=arn)
                assert described["status"] == "SUCCEEDED", described
                assert json.loads(described["output"]) == {"index": index}
            latencies.sort()
            print(f"\nfleet: SendTaskSuccess on one server to the end of the execution on another: "
                  f"median {latencies[3] * 1000:.0f} ms, most {latencies[-1] * 1000:.0f} ms")
            # Without the announcement, the waiting task would find the answer at its
            # next look at the store, a second later.
            assert latencies[3] < 0.5, latencies

            arn = runner.start_execution(stateMachineArn=machine, name="stopped")["executionArn"]
            token_of(spool, "stopped")
            other.stop_execution(executionArn=arn, error="Enough", cause="stopped elsewhere")
            described = runner.describe_execution(executionArn=arn)
            assert (described["status"], described["error"], described["cause"]) == (
                "ABORTED",
                "Enough",
                "stopped elsewhere",
            )
            assert history(runner, arn)[-1]["type"] == "ExecutionAborted"

            # An activity task offered by an execution that one server runs is handed
            # out by another.
            activity = other.create_activity(name="fleet-work")["activityArn"]
            work = {
                "StartAt": "Work",
                "States": {"Work": {"Type": "Task", "Resource": activity, "End": True}},
            }
            machine = runner.create_state_machine(
                name="work", definition=json.dumps(work), roleArn=ROLE
            )["stateMachineArn"]
            arn = runner.start_execution(stateMachineArn=machine, input='{"n": 7}')["executionArn"]
            task = other.get_activity_task(activityArn=activity, workerName="elsewhere")
            assert json.loads(task["input"]) == {"n": 7}, task
            other.send_task_success(taskToken=task["taskToken"], output='{"done": 7}')
            wait_until(lambda: runner.describe_execution(executionArn=arn)["status"] != "RUNNING", 30)
            described = runner.describe_execution(executionArn=arn)
            assert (described["status"], described["output"]) == ("SUCCEEDED", '{"done":7}')
            kinds = [event["type"] for event in history(other, arn)]
            assert kinds.count("ActivityStarted") == 1, kinds
        finally:
            for server in servers:
                server.stop()


#: A callback Task that waits long enough to be parked, unless its input's
#: heartbeat is short.
PARKED_CALLBACK = callback(HeartbeatSecondsPath="$.heartbeat", TimeoutSeconds=600)


def test_tasks_waiting_for_their_tokens_are_parked_and_woken_by_an_answer_to_any_server(schema):
    with tempfile.TemporaryDirectory() as base:
        spool, bindings = spool_bindings(base)
        servers = [serve(schema, base, index, bindings=bindings) for index in range(3)]
        try:
            sfns = [client(server.endpoint, read_timeout=600) for server in servers]
            machine = sfns[0].create_state_machine(
                name="asks", definition=json.dumps(PARKED_CALLBACK), roleArn=ROLE
            )["stateMachineArn"]
            # Each server runs one to its end first (its worker started).
            for index, sfn in enumerate(sfns):
                name = f"warm-{index}"
                arn = sfn.start_execution(
                    stateMachineArn=machine, name=name, input='{"heartbeat": 60}'
                )["executionArn"]
                sfn.send_task_success(taskToken=token_of(spool, name), output="{}")
                wait_until(lambda: sfn.describe_execution(executionArn=arn)["status"] == "SUCCEEDED", 60)

            heartbeats = {f"ask-{index}": 60 for index in range(20)}
            # One goes silent, one keeps beating: 6 s of HeartbeatSeconds each.
            heartbeats.update(silent=6, beating=6)
            arns = {
                name: sfns[0].start_execution(
                    stateMachineArn=machine, name=name, input=json.dumps({"heartbeat": heartbeat})
                )["executionArn"]
                for name, heartbeat in heartbeats.items()
            }
            tokens = {name: token_of(spool, name) for name in arns}
            # Parked once the token is handed out: a timer each, awaiting its token,
            # and no server holds them. The server that parked them dies.
            wait_until(
                lambda: schema.query("SELECT count(*) FROM asl_timers WHERE token IS NOT NULL") == "22", 10
            )
            assert schema.query(
                "SELECT count(*) FROM asl_executions WHERE status = 'RUNNING' AND owner IS NOT NULL"
            ) == "0"
            servers[0].kill()

            beats = threading.Event()

            def beat():
                for index in range(7):
                    sfns[1 + index % 2].send_task_heartbeat(taskToken=tokens["beating"])
                    if beats.wait(2):
                        return

            beating = threading.Thread(target=beat)
            beating.start()
            latencies = []
            for index in range(20):
                name, sfn = f"ask-{index}", sfns[1 + index % 2]
                sent = time.monotonic()
                sfn.send_task_success(taskToken=tokens[name], output=json.dumps({"answer": index}))
                while sfn.describe_execution(executionArn=arns[name])["status"] == "RUNNING":
                    time.sleep(0.01)
                latencies.append(time.monotonic() - sent)
                described = sfns[2 - index % 2].describe_execution(executionArn=arns[name])
                assert described["status"] == "SUCCEEDED", described
                assert json.loads(described["output"]) == {"answer": index}
                assert_whole(sfn, arns[name], ["Ask"])
            latencies.sort()

            # The silent one times out when its heartbeat runs out, fired by a live
            # server; the beating one outlives it, and succeeds when answered.
            silent = arns["silent"]
            wait_until(lambda: sfns[1].describe_execution(executionArn=silent)["status"] != "RUNNING", 30)
            described = sfns[1].describe_execution(executionArn=silent)
            assert (described["status"], described["error"]) == ("FAILED", "States.Timeout"), described
            kinds = [event["type"] for event in history(sfns[2], silent)]
            assert kinds.count("TaskTimedOut") == 1, kinds
            beating.join()
            beaten = sfns[1].describe_execution(executionArn=arns["beating"])
            assert beaten["status"] == "RUNNING", beaten
            took = time.monotonic()
            sfns[2].send_task_success(taskToken=tokens["beating"], output='{"beaten": true}')
            wait_until(lambda: sfns[1].describe_execution(executionArn=arns["beating"])["status"] == "SUCCEEDED", 10)
            assert time.monotonic() - took < 5

            # Each token handed out once, however often its execution was resumed.
            with open(spool + ".calls") as calls:
                handed = Counter(line.strip() for line in calls)
            assert all(handed[name] == 1 for name in arns), handed
            for name, arn in arns.items():
                kinds = [event["type"] for event in history(sfns[1], arn)]
                assert kinds.count("TaskSubmitted") == 1, (name, kinds)
            assert schema.query("SELECT count(*) FROM asl_timers") == "0"
            print(f"\nfleet: SendTaskSuccess to a parked Task (its server killed) to the end of "
                  f"its execution: median {latencies[10] * 1000:.0f} ms, most {latencies[-1] * 1000:.0f} ms; "
                  f"silent for 6 s timed out {(described['stopDate'] - described['startDate']).total_seconds():.1f} s "
                  f"after its start")
            assert latencies[10] < 1, latencies
        finally:
            stop_all(servers)


#: Twenty Task attempts in a row, each a command that sleeps a little: the
#: executions outlast the pause.
LOOP = {
    "StartAt": "Step",
    "States": {
        "Step": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:step", "Next": "More?"},
        "More?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.i", "NumericLessThan": 20, "Next": "Step"}],
            "Default": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}

STEP = """
import json, sys, time
task = json.load(sys.stdin)
time.sleep(0.3)
print(json.dumps({"i": task["i"] + 1}))
"""


def test_a_paused_server_is_taken_over_and_its_late_writes_are_refused(schema):
    with tempfile.TemporaryDirectory() as base:
        with open(os.path.join(base, "step.py"), "w") as script:
            script.write(STEP)
        bindings = os.path.join(base, "bindings.toml")
        with open(bindings, "w") as toml:
            toml.write(f'[states.Step]\ncommand = ["{sys.executable}", "{os.path.join(base, "step.py")}"]\n')
        servers = [serve(schema, base, index, bindings=bindings) for index in range(2)]
        try:
            paused, other = (client(server.endpoint, read_timeout=600) for server in servers)
            machine = paused.create_state_machine(
                name="loop", definition=json.dumps(LOOP), roleArn=ROLE
            )["stateMachineArn"]
            warm = other.start_execution(stateMachineArn=machine, name="warm", input='{"i": 19}')["executionArn"]
            wait_until(lambda: other.describe_execution(executionArn=warm)["status"] != "RUNNING", 600)
            arns = [
                paused.start_execution(stateMachineArn=machine, name=f"p{index}", input='{"i": 0}')["executionArn"]
                for index in range(8)
            ]
            time.sleep(0.5)
            # The server stops; its workers go on, as on a host whose server process
            # hangs, until their writes are refused.
            servers[0].process.send_signal(signal.SIGSTOP)
            time.sleep(TAKEOVER + 2)
            servers[0].process.send_signal(signal.SIGCONT)
            wait_until(lambda: not names(other, machine, statusFilter="RUNNING"), 60)
            for arn in arns:
                described = other.describe_execution(executionArn=arn)
                assert described["status"] == "SUCCEEDED", described
                assert json.loads(described["output"]) == {"i": 20}
                assert_whole(other, arn, ["Step", "More?"] * 20 + ["Done"])
            # Its workers stopped themselves before the lease ran out (no Task attempt
            # of theirs starts once another server may run it); a write that was on
            # its way then is refused by the store.
            stopped = sum("may have lost its lease; stopping" in line for line in servers[0].log)
            refused = int(schema.query("SELECT count(*) FROM asl_refused_writes"))
            print(
                f"\nfleet: the paused server's workers that stopped themselves: {stopped}; "
                f"their late writes refused: {refused}"
            )
            assert stopped >= 1
            wait_until(lambda: any("lost its lease" in line for line in servers[0].log), 10)
        finally:
            for server in servers:
                server.stop()


class Fleet(Crashes):
    """The crash test's workload on three servers sharing `schema`: its clients
    spread over them (each thread talks to the next server), one server killed
    and started again at a time."""

    SERVERS = 3

    def __init__(self, base, seed, schema):
        self.schema = schema
        self.ports = [free_port() for _ in range(self.SERVERS)]
        self.endpoints = [f"http://127.0.0.1:{port}" for port in self.ports]
        self.servers = [None] * self.SERVERS
        self.turn = 0
        self.pauses = []
        super().__init__(base, seed)

    @property
    def endpoint(self):
        """Each client made gets the next server."""
        self.turn += 1
        return self.endpoints[self.turn % self.SERVERS]

    @endpoint.setter
    def endpoint(self, _):
        pass

    def start_one(self, index):
        self.life += 1
        server = Server(
            os.path.join(self.base, f"node-{index}"),
            "--db",
            self.schema.url,
            "--takeover-seconds",
            str(TAKEOVER),
            bindings=self.bindings,
            bind=f"127.0.0.1:{self.ports[index]}",
            environment={"CRASH_LIFE": str(self.life)},
        )
        self.logs.append(server.log)
        self.servers[index] = server
        return server

    def start(self):
        return [self.start_one(index) for index in range(self.SERVERS)][0]

    def crash(self):
        index = self.random.randrange(self.SERVERS)
        killed = time.time()
        self.servers[index].kill()
        gone = time.time()
        self.start_one(index)
        self.kills.append((killed, gone, time.time()))

    def busiest(self):
        """The server whose node runs the most executions now."""
        rows = self.schema.query(
            "SELECT owner, count(*) FROM asl_executions WHERE status = 'RUNNING' GROUP BY owner"
        )
        running = dict(row.split("|") for row in rows.split())

        def node(server):
            found = re.search(r"node (\d+) of the fleet", server.log[0])
            return found.group(1) if found else None

        return max(range(self.SERVERS), key=lambda index: int(running.get(node(self.servers[index]), 0)))

    def pause(self):
        """SIGSTOPs the busiest server past its lease, then lets it go on; once it
        noticed, starts it again (a new life)."""
        index = self.busiest()
        server = self.servers[index]
        stopped = time.time()
        server.process.send_signal(signal.SIGSTOP)
        time.sleep(TAKEOVER + 2)
        server.process.send_signal(signal.SIGCONT)
        wait_until(lambda: any("lost its lease" in line for line in server.log), 15)
        # Counted as a kill: an activity task handed out by the paused server may be
        # lost with it.
        self.kills.append((stopped, time.time(), time.time()))
        self.pauses.append(index)
        server.kill()
        self.start_one(index)

    def stop_all(self):
        return [server.stop() for server in self.servers]


def test_executions_survive_servers_killed_paused_and_postgres_restarted(schema):
    executions = int(os.environ.get("ASL_FLEET_EXECUTIONS", "120"))
    restart = os.environ.get("ASL_TEST_POSTGRES_RESTART")
    seed = int(os.environ.get("ASL_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    print(f"\nfleet chaos: seed {seed}, {executions} executions")
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as base:
        fleet = Fleet(base, seed, schema)
        try:
            chaos(fleet, executions, restart, began)
        except BaseException:
            logs = os.path.join(tempfile.gettempdir(), f"fleet-chaos-{seed}.log")
            with open(logs, "w") as out:
                for index, log in enumerate(fleet.logs):
                    out.write(f"==== server life {index + 1}\n{''.join(log)}")
            print(f"fleet chaos: seed {seed}; the servers' logs are in {logs}")
            fleet.done.set()
            for server in fleet.servers:
                server.process.kill()
            raise
        fleet.done.set()
        assert fleet.stop_all() == [0] * Fleet.SERVERS


def chaos(fleet, executions, restart, began):
    sfn = client(fleet.endpoints[0], read_timeout=600)
    machine = sfn.create_state_machine(
        name=test_crash.MACHINE, definition=json.dumps(test_crash.DEFINITION), roleArn=ROLE
    )["stateMachineArn"]
    sfn.create_activity(name="crash-work")
    # Each server compiles (from the shared cache) before the chaos.
    for index, endpoint in enumerate(fleet.endpoints):
        warm = {"n": index, "wait": 0, "flaky": False, "parts": test_crash.PARTS}
        name = f"warm-{index}"
        fleet.started[name] = (
            client(endpoint, read_timeout=600).start_execution(
                stateMachineArn=machine, name=name, input=json.dumps(warm)
            )["executionArn"],
            warm,
        )
    compiled = time.monotonic()
    rng = fleet.random
    inputs = []
    for index in range(executions):
        n = rng.randrange(1, 1000)
        # A Wait of 6 s is parked as a timer (at least 5 s): fired by whichever server
        # lives when it is due.
        wait = rng.choice([0, 0, 1, 2, 6])
        execution_input = {"n": n, "wait": wait, "flaky": rng.random() < 0.3, "parts": test_crash.PARTS}
        inputs.append((f"run-{index:03}", execution_input))
    kills = max(6, executions // 25)
    intervals = [rng.uniform(1.0, 3.0) for _ in range(kills)]
    spread = sum(intervals) * 2 / 3 / executions
    starting = fleet.thread(fleet.start_executions, inputs, spread)
    fleet.thread(fleet.answer_callbacks)
    for worker in range(Fleet.SERVERS):
        fleet.thread(fleet.work_activities, f"worker-{worker}")
    pause_at, restart_at = kills // 3, 2 * kills // 3
    restarted = None
    for turn, interval in enumerate(intervals):
        time.sleep(interval)
        if turn == pause_at:
            fleet.pause()
        elif turn == restart_at and restart:
            stopped = time.time()
            subprocess.run(restart, shell=True, check=True)
            restarted = time.time() - stopped
            fleet.kills.append((stopped, time.time(), time.time()))
        else:
            fleet.crash()
    chaos_done = time.monotonic()
    starting.join(timeout=test_crash.SETTLE)
    assert not starting.is_alive(), "the executions did not all start"
    sfn = client(fleet.endpoints[1])
    try:
        wait_until(lambda: not names(sfn, machine, statusFilter="RUNNING"), test_crash.SETTLE)
    except BaseException:
        print(f"fleet chaos: nodes {fleet.schema.query('SELECT id, name, lease_until FROM asl_nodes')}")
        for name in sorted(names(sfn, machine, statusFilter="RUNNING")):
            arn = f"{STATES}:execution:{test_crash.MACHINE}:{name}"
            owner = fleet.schema.query(f"SELECT owner, seq FROM asl_executions WHERE arn = '{arn}'")
            last = [event["type"] for event in history(sfn, arn)[-3:]]
            print(f"fleet chaos: still running: {name} (owner, seq: {owner}) after {last}")
        raise
    settled = time.monotonic()
    fleet.done.set()
    assert not fleet.errors, fleet.errors
    check_executions(fleet, sfn)
    refused = int(fleet.schema.query("SELECT count(*) FROM asl_refused_writes"))
    assert fleet.schema.query("SELECT count(*) FROM asl_timers") == "0", "every timer fired"
    parked = sum(1 for _, execution_input in inputs if execution_input["wait"] == 6)
    owners = fleet.schema.query(
        "SELECT count(DISTINCT owner) FROM asl_executions"
    )
    print(
        f"fleet chaos: {len(fleet.started)} executions on {Fleet.SERVERS} servers ({owners} nodes "
        f"ended them), {len(fleet.kills)} disruptions (a server paused past its lease: "
        f"{len(fleet.pauses)}; PostgreSQL restarted: "
        f"{'in %.1f s' % restarted if restarted is not None else 'no, ASL_TEST_POSTGRES_RESTART is not set'}); "
        f"late writes of the paused server refused: {refused}; executions with a Wait "
        f"parked as a timer: {parked}; compile {compiled - began:.0f} s, chaos "
        f"{chaos_done - compiled:.0f} s, settling {settled - chaos_done:.0f} s; client retries "
        f"{dict(fleet.retries)}"
    )
    shutil.rmtree(fleet.spool, ignore_errors=True)
