"""The crash test: STANDARD executions survive `asl serve` killed by SIGKILL.

200 executions of one machine start while the server is killed (SIGKILL, its
workers going with it) at random moments at least 20 times and started again on the
same data directory and port. Each execution waits (0 to 2 s), runs a Task bound to
a command (`compute.py`, which fails its first attempt for some inputs: Retry runs
it again), a `.waitForTaskToken` Task whose handler (a command too) hands its token
to a thread of this test that answers through SendTaskSuccess, and an activity Task
that threads of this test take with GetActivityTask and answer, and a Distributed
Map of three children; a Pass state then gathers the results, so that each output
follows from the input. The clients retry
through the restarts, as clients of a server that crashes would.

Then every execution must have succeeded with its output, its history must count
ids from 1 without a gap or a duplicate, each event's previousEventId the one
before (0 for the first state entered, as on AWS), each state entered once, each Task attempt (those that failed before a
restart too); and nothing committed ran twice:

- a Task is at least once (docs/durable-executions.md): the attempt in flight when
  the server dies runs again after the restart. So each attempt of the command Task
  runs at most once per life of the server (the command logs in which it ran), and
  none runs after the state's exit (the transition, committed) nor again once a
  later attempt ran; the callback Task's handler likewise, and never in a life of
  the server after the one that recorded the answer to its token (committed
  first, the answer is found on resume);
- an activity task taken is leased durably: never handed out twice. A lease whose
  GetActivityTask response a kill cut off is lost with it (the worker never got the
  token), as on AWS: that attempt times out (TimeoutSeconds) and Retry runs another.
  An attempt may time out only so: never one whose token a worker got.

ASL_CRASH_SEED=<n> repeats a run's random choices (inputs, kill moments); the seed
is printed, with the figures of the run.
"""

import base64
import json
import os
import random
import socket
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from conftest import ROLE, STATES, Server, pages

#: Besides the first, which runs while the machine compiles.
EXECUTIONS = 200
KILLS = 24
#: Seconds between a restart and the next kill.
KILL_AFTER = (0.4, 2.5)
#: How long the executions may take to end once the last server runs.
SETTLE = 120
MACHINE = "crash"
ACTIVITY = f"{STATES}:activity:crash-work"
ACTIVITY_WORKERS = 3

DEFINITION = {
    "Comment": "a Wait, a command Task with Retry, a callback, an activity, a Distributed Map, data flow",
    "StartAt": "Pause",
    "States": {
        "Pause": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Compute"},
        "Compute": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:compute",
            "Parameters": {"n.$": "$.n", "flaky.$": "$.flaky"},
            "ResultSelector": {"square.$": "$.square", "attempt.$": "$.attempt"},
            "ResultPath": "$.computed",
            "Retry": [
                {"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 1}
            ],
            "Next": "Approve",
        },
        "Approve": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "MessageBody": {
                    "token.$": "$$.Task.Token",
                    "n.$": "$.n",
                    "execution.$": "$$.Execution.Name",
                }
            },
            "ResultPath": "$.approval",
            "Next": "Work",
        },
        "Work": {
            "Type": "Task",
            "Resource": ACTIVITY,
            "Parameters": {"n.$": "$.n"},
            "TimeoutSeconds": 20,
            "Retry": [
                {
                    "ErrorEquals": ["States.Timeout"],
                    "IntervalSeconds": 1,
                    "MaxAttempts": 3,
                    "BackoffRate": 1,
                }
            ],
            "ResultPath": "$.work",
            "Next": "Fan",
        },
        # Children that run anywhere (on a fleet, on every server).
        "Fan": {
            "Type": "Map",
            "ItemsPath": "$.parts",
            "ItemSelector": {"n.$": "$.n", "part.$": "$$.Map.Item.Value"},
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Part",
                "States": {
                    "Part": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.n, $.part)"}, "End": True}
                },
            },
            "ResultPath": "$.fanned",
            "Next": "Gather",
        },
        "Gather": {
            "Type": "Pass",
            "Parameters": {
                "n.$": "$.n",
                "square.$": "$.computed.square",
                "attempt.$": "$.computed.attempt",
                "double.$": "$.approval.double",
                "cube.$": "$.work.cube",
                "sum.$": "States.MathAdd($.computed.square, $.approval.double)",
                "fanned.$": "$.fanned",
            },
            "End": True,
        },
    },
}

STATE_NAMES = ["Pause", "Compute", "Approve", "Work", "Fan", "Gather"]

#: The items of the Distributed Map of every execution.
PARTS = [1, 2, 3]

#: The command of the Compute Task: logs its run, fails the first attempt of a
#: flaky input, squares n.
COMPUTE = """
import json, os, sys, time
start = time.time()
task = json.load(sys.stdin)
attempt = int(os.environ["ASL_RETRY_COUNT"])
run = {"attempt": attempt, "start": start, "life": int(os.environ["CRASH_LIFE"])}
path = os.path.join(os.environ["CRASH_RUNS"], os.environ["ASL_EXECUTION_NAME"] + ".compute")
log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
os.write(log, (json.dumps(run) + "\\n").encode())
os.close(log)
if task["flaky"] and attempt == 0:
    print(json.dumps({"error": "Flaky", "cause": "the first attempt fails"}))
    sys.exit(1)
print(json.dumps({"square": task["n"] ** 2, "attempt": attempt}))
"""

#: The handler of the Approve callback: logs its run and hands the token to the
#: test (a file in the spool directory, renamed into place whole).
APPROVE = """
import json, os, sys, time
start = time.time()
message = json.load(sys.stdin)["MessageBody"]
name = os.environ["ASL_EXECUTION_NAME"]
run = {"start": start, "life": int(os.environ["CRASH_LIFE"])}
path = os.path.join(os.environ["CRASH_RUNS"], name + ".approve")
log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
os.write(log, (json.dumps(run) + "\\n").encode())
os.close(log)
spool = os.environ["CRASH_SPOOL"]
temporary = os.path.join(spool, ".%s-%d" % (name, os.getpid()))
with open(temporary, "w") as out:
    json.dump(message, out)
os.rename(temporary, os.path.join(spool, "%s-%d.json" % (name, time.time_ns())))
print(json.dumps({"MessageId": name}))
"""


def expected(n, flaky):
    return {
        "n": n,
        "square": n * n,
        "attempt": 1 if flaky else 0,
        "double": 2 * n,
        "cube": n**3,
        "sum": n * n + 2 * n,
        "fanned": [{"sum": n + part} for part in PARTS],
    }


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def client(endpoint, read_timeout=70):
    """A boto3 client that does not retry by itself: the test retries, and counts."""
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(
            inject_host_prefix=False,
            retries={"total_max_attempts": 1},
            connect_timeout=2,
            # GetActivityTask long-polls 60 s.
            read_timeout=read_timeout,
            max_pool_connections=4,
        ),
    )


def token_attempt(token):
    """The execution name and the retry count a task token is of: a token is the
    URL-safe base64 of the idempotency key `<execution ARN>/<state>/<entered
    id>/<retry count>`."""
    key = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    arn, _state, _entered, retry = key.rsplit("/", 3)
    return arn.rsplit(":", 1)[1], int(retry)


class Crashes:
    """The server under test, killed and started again; what the clients saw."""

    def __init__(self, base, seed):
        self.base = base
        self.data_dir = os.path.join(base, "data")
        self.runs = os.path.join(base, "runs")
        self.spool = os.path.join(base, "spool")
        for directory in (self.runs, self.spool):
            os.makedirs(directory)
        self.bindings = self.write_bindings()
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.random = random.Random(seed)
        self.life = 0
        self.logs = []
        self.kills = []  # (SIGKILL sent, workers gone, started again), time.time()
        self.gone_after = []
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.errors = []
        self.retries = Counter()
        self.started = {}  # name -> (ARN, input)
        # Execution name -> the life of the server by which the answer to its
        # callback was recorded, at the latest.
        self.answered = {}
        self.callback_refused = Counter()
        self.activity_tokens = Counter()  # token -> times handed out
        self.server = self.start()

    def write_bindings(self):
        scripts = {"compute.py": COMPUTE, "approve.py": APPROVE}
        for name, text in scripts.items():
            with open(os.path.join(self.base, name), "w") as script:
                script.write(text)
        environment = (
            f'env = {{ CRASH_RUNS = "{self.runs}", CRASH_SPOOL = "{self.spool}" }}'
        )
        path = os.path.join(self.base, "bindings.toml")
        with open(path, "w") as toml:
            toml.write(
                f'[states.Compute]\ncommand = ["{sys.executable}", "compute.py"]\n{environment}\n\n'
                f'[states.Approve]\ncommand = ["{sys.executable}", "approve.py"]\n{environment}\n'
            )
        return path

    def start(self):
        self.life += 1
        server = Server(
            self.data_dir,
            bindings=self.bindings,
            bind=f"127.0.0.1:{self.port}",
            environment={"CRASH_LIFE": str(self.life)},
        )
        self.logs.append(server.log)
        return server

    def crash(self):
        """SIGKILLs the server, waits until its workers are gone, starts another."""
        killed = time.time()
        # Half the restarts wait until the workers of the killed server are gone,
        # half do not (as a supervisor restarting at once), the workers then going
        # while the next server starts.
        at_once = self.random.random() < 0.5

        def restart():
            self.server = self.start()

        took = self.server.kill(then=restart if at_once else None)
        gone = time.time()
        if not at_once:
            self.gone_after.append(took)
            restart()
        self.kills.append((killed, gone, time.time()))

    def retrying(self, what, call, give_up=SETTLE * 2):
        """`call()`, again while the server cannot be reached (killed, starting)."""
        deadline = time.monotonic() + give_up
        while True:
            try:
                return call()
            except BotoCoreError:
                if time.monotonic() > deadline:
                    raise
                with self.lock:
                    self.retries[what] += 1
                time.sleep(0.05)

    def failed(self, message):
        with self.lock:
            self.errors.append(message)

    def thread(self, target, *arguments):
        """A thread running `target(*arguments)`, its exception kept as an error."""

        def guarded():
            try:
                target(*arguments)
            except Exception as error:  # noqa: BLE001 - reported by the test
                self.failed(f"{target.__name__}: {error!r}")

        thread = threading.Thread(target=guarded, daemon=True)
        thread.start()
        return thread

    def log_tail(self, lines=60):
        return "".join(line for log in self.logs for line in log)[-lines * 200 :]

    # The clients, each in a thread of its own.

    def start_executions(self, inputs, spread):
        sfn = client(self.endpoint)
        machine = f"{STATES}:stateMachine:{MACHINE}"
        for name, execution_input in inputs:
            text = json.dumps(execution_input)
            try:
                arn = self.retrying(
                    "StartExecution",
                    lambda: sfn.start_execution(stateMachineArn=machine, name=name, input=text)[
                        "executionArn"
                    ],
                )
            except ClientError as error:
                # A start whose answer a kill cut off, tried again once it ended.
                if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
                    self.failed(f"{name}: StartExecution: {error}")
                    continue
                arn = f"{STATES}:execution:{MACHINE}:{name}"
                described = self.retrying(
                    "DescribeExecution", lambda: sfn.describe_execution(executionArn=arn)
                )
                if json.loads(described["input"]) != execution_input:
                    self.failed(f"{name}: ExecutionAlreadyExists with another input")
            with self.lock:
                self.started[name] = (arn, execution_input)
            time.sleep(spread)

    def answer_callbacks(self):
        sfn = client(self.endpoint)
        while not self.done.is_set():
            files = sorted(f for f in os.listdir(self.spool) if not f.startswith("."))
            for file in files:
                path = os.path.join(self.spool, file)
                with open(path) as spooled:
                    message = json.load(spooled)
                output = json.dumps({"double": 2 * message["n"]})
                try:
                    self.retrying(
                        "SendTaskSuccess",
                        lambda: sfn.send_task_success(taskToken=message["token"], output=output),
                    )
                    refused = None
                except ClientError as error:
                    refused = error.response["Error"]["Code"]
                    # Answered before (a handler run again, an answer whose
                    # acknowledgement a kill cut off): the first answer counts.
                    if refused != "TaskTimedOut":
                        self.failed(f"SendTaskSuccess for {message['execution']}: {error}")
                # The answer is in the store (accepted now or before): it was
                # recorded by this life of the server or an earlier one.
                life = self.life
                with self.lock:
                    if refused:
                        self.callback_refused[refused] += 1
                    answered = self.answered.get(message["execution"], life)
                    self.answered[message["execution"]] = min(answered, life)
                os.remove(path)
            time.sleep(0.05)

    def work_activities(self, worker):
        sfn = client(self.endpoint)
        while not self.done.is_set():
            try:
                task = sfn.get_activity_task(activityArn=ACTIVITY, workerName=worker)
            except BotoCoreError:
                with self.lock:
                    self.retries["GetActivityTask"] += 1
                time.sleep(0.05)
                continue
            token = task.get("taskToken")
            if not token:
                continue
            with self.lock:
                self.activity_tokens[token] += 1
            n = json.loads(task["input"])["n"]
            try:
                output = json.dumps({"cube": n**3})
                self.retrying(
                    "SendTaskSuccess",
                    lambda: sfn.send_task_success(taskToken=token, output=output),
                )
            except ClientError as error:
                # TaskTimedOut: answered before, its acknowledgement cut off by a
                # kill (or the attempt timed out).
                if error.response["Error"]["Code"] != "TaskTimedOut":
                    self.failed(f"SendTaskSuccess of an activity task: {error}")


def names(sfn, machine, **status):
    """The names of the executions of `machine` (with `statusFilter=...`)."""
    listed = pages(sfn.list_executions, "executions", stateMachineArn=machine, **status)
    return {execution["name"] for page in listed for execution in page}


def inside(events, state):
    """The types of the events between `state`'s entry and exit."""
    kinds, within = [], False
    for event in events:
        if event.get("stateEnteredEventDetails", {}).get("name") == state:
            within = True
        elif event.get("stateExitedEventDetails", {}).get("name") == state:
            return kinds
        elif within:
            kinds.append(event["type"])
    return kinds


def read_runs(path):
    if not os.path.exists(path):
        return []
    with open(path) as log:
        return [json.loads(line) for line in log]


def test_executions_survive_the_server_killed_at_random_moments():
    seed = int(os.environ.get("ASL_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    print(f"\ncrash test: seed {seed} (ASL_CRASH_SEED={seed} repeats it)")
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as base:
        crashes = Crashes(base, seed)
        try:
            check_crashes(crashes, seed, began)
        except BaseException:
            print(f"crash test: seed {seed}; the servers' log ends with:\n{crashes.log_tail()}")
            crashes.done.set()
            crashes.server.process.kill()
            raise
        crashes.done.set()
        assert crashes.server.stop() == 0, "the last server did not stop cleanly on SIGTERM"


def check_crashes(crashes, seed, began):
    sfn = client(crashes.endpoint)
    machine = sfn.create_state_machine(
        name=MACHINE, definition=json.dumps(DEFINITION), roleArn=ROLE
    )["stateMachineArn"]
    sfn.create_activity(name="crash-work")
    # Compiled before the kills (a kill during a compile would test the compiler,
    # not the executions): StartExecution answers once it is.
    warm = {"n": 0, "wait": 0, "flaky": False, "parts": PARTS}
    crashes.started["warm-up"] = (
        client(crashes.endpoint, read_timeout=600).start_execution(
            stateMachineArn=machine, name="warm-up", input=json.dumps(warm)
        )["executionArn"],
        warm,
    )
    compiled = time.monotonic()

    rng = crashes.random
    inputs = []
    for index in range(EXECUTIONS):
        n = rng.randrange(1, 1000)
        wait, flaky = rng.choice([0, 0, 1, 2]), rng.random() < 0.3
        inputs.append((f"run-{index:03}", {"n": n, "wait": wait, "flaky": flaky, "parts": PARTS}))
    intervals = [rng.uniform(*KILL_AFTER) for _ in range(KILLS)]
    # The starts spread over about the first two thirds of the kills.
    spread = sum(intervals) * 2 / 3 / EXECUTIONS
    starting = crashes.thread(crashes.start_executions, inputs, spread)
    crashes.thread(crashes.answer_callbacks)
    for worker in range(ACTIVITY_WORKERS):
        crashes.thread(crashes.work_activities, f"worker-{worker}")

    for interval in intervals:
        time.sleep(interval)
        crashes.crash()
    chaos = time.monotonic()
    starting.join(timeout=SETTLE)
    assert not starting.is_alive(), "the executions did not all start"
    sfn = client(crashes.endpoint)
    wait_until(lambda: not names(sfn, machine, statusFilter="RUNNING"), SETTLE)
    settled = time.monotonic()
    crashes.done.set()
    assert not crashes.errors, crashes.errors

    check_executions(crashes, sfn)
    print(
        f"crash test: seed {seed}: {EXECUTIONS} executions, {len(crashes.kills)} kills "
        f"({len(crashes.gone_after)} waiting for the workers to go: gone "
        f"{max(crashes.gone_after, default=0):.2f} s after at most); compile "
        f"{compiled - began:.0f} s, kills {chaos - compiled:.0f} s, settling "
        f"{settled - chaos:.0f} s; client retries {dict(crashes.retries)}; callback answers "
        f"refused {dict(crashes.callback_refused)}"
    )


def wait_until(condition, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not done after {timeout} s")
        time.sleep(0.2)


def check_executions(crashes, sfn):
    problems = []
    timed_out = defaultdict(list)
    reruns = Counter()
    for name, (arn, execution_input) in sorted(crashes.started.items()):
        described = sfn.describe_execution(executionArn=arn)
        if described["status"] != "SUCCEEDED":
            error, cause = described.get("error"), described.get("cause")
            problems.append(f"{name}: {described['status']} {error} {cause}")
            continue
        want = expected(execution_input["n"], execution_input["flaky"])
        if json.loads(described["output"]) != want:
            problems.append(f"{name}: output {described['output']}, not {want}")

        events = [
            event
            for page in pages(sfn.get_execution_history, "events", executionArn=arn)
            for event in page
        ]
        ids = [event["id"] for event in events]
        if ids != list(range(1, len(events) + 1)):
            problems.append(f"{name}: event ids {ids}")
        # Each event points at the one before, except where AWS's point at none:
        # the first state entered.
        previous = [event["previousEventId"] for event in events]
        if previous != [0, 0] + list(range(2, len(events))):
            problems.append(f"{name}: previousEventIds {previous}")
        kinds = [event["type"] for event in events]
        if kinds[0] != "ExecutionStarted" or kinds[-1] != "ExecutionSucceeded":
            problems.append(f"{name}: history from {kinds[0]} to {kinds[-1]}")
        if Counter(kinds)["ExecutionStarted"] != 1:
            problems.append(f"{name}: {kinds}")
        entered = [
            event["stateEnteredEventDetails"]["name"]
            for event in events
            if "stateEnteredEventDetails" in event
        ]
        if entered != STATE_NAMES:
            problems.append(f"{name}: states entered {entered}")
        exits = {
            event["stateExitedEventDetails"]["name"]: event["timestamp"].timestamp()
            for event in events
            if "stateExitedEventDetails" in event
        }
        entries = {
            event["stateEnteredEventDetails"]["name"]: event["timestamp"].timestamp()
            for event in events
            if "stateEnteredEventDetails" in event
        }
        timed_out[name] = [
            (entries.get("Work", 0), event["timestamp"].timestamp())
            for event in events
            if event["type"] == "ActivityTimedOut"
        ]

        # Each attempt in the history, those that failed before a restart too.
        flaky = ["TaskFailed", "TaskScheduled", "TaskStarted"] if execution_input["flaky"] else []
        compute = ["TaskScheduled", "TaskStarted", *flaky, "TaskSucceeded"]
        if inside(events, "Compute") != compute:
            problems.append(f"{name}: Compute's events {inside(events, 'Compute')}")
        approve = [kind for kind in inside(events, "Approve") if kind != "TaskSubmitted"]
        if approve != ["TaskScheduled", "TaskStarted", "TaskSucceeded"]:
            # (TaskSubmitted is not recorded when the resumed state found its answer.)
            problems.append(f"{name}: Approve's events {inside(events, 'Approve')}")
        attempt = ["ActivityScheduled", "ActivityStarted"]
        work = [*attempt, "ActivityTimedOut"] * len(timed_out[name]) + [*attempt, "ActivitySucceeded"]
        if inside(events, "Work") != work:
            problems.append(f"{name}: Work's events {inside(events, 'Work')}")

        # The command Task: each attempt once per life of the server, none after
        # the state's exit, none again once a later attempt ran.
        attempts = 2 if execution_input["flaky"] else 1
        runs = read_runs(os.path.join(crashes.runs, name + ".compute"))
        ran = sorted({run["attempt"] for run in runs})
        if ran != list(range(attempts)):
            problems.append(f"{name}: Compute attempts {ran}, not {attempts}")
        lives = Counter((run["attempt"], run["life"]) for run in runs)
        if max(lives.values(), default=0) > 1:
            problems.append(f"{name}: Compute ran twice in one life of the server: {runs}")
        for run in runs:
            if run["start"] > exits.get("Compute", 0):
                problems.append(f"{name}: Compute ran after its exit was committed: {run}")
            earlier = [later for later in runs if later["start"] < run["start"]]
            if any(later["attempt"] > run["attempt"] for later in earlier):
                problems.append(f"{name}: attempt {run['attempt']} ran again after a later one: {runs}")
        reruns["Compute"] += len(runs) - attempts

        # The callback's handler: once per life of the server, never after the
        # state's exit, never in a life of the server that started after the answer
        # to its token was recorded (the resumed state finds it).
        runs = read_runs(os.path.join(crashes.runs, name + ".approve"))
        if not runs or max(Counter(run["life"] for run in runs).values()) > 1:
            problems.append(f"{name}: Approve's handler runs {runs}")
        answered = crashes.answered.get(name)
        if answered is None:
            problems.append(f"{name}: its callback was never answered")
        for run in runs:
            if run["start"] > exits.get("Approve", 0):
                problems.append(f"{name}: Approve's handler ran after its exit was committed: {run}")
            if answered is not None and run["life"] > answered:
                problems.append(
                    f"{name}: Approve's handler ran in life {run['life']} of the server, "
                    f"though its answer was recorded by life {answered}: {runs}"
                )
        reruns["Approve"] += len(runs) - 1

    # Activity tasks: each handed out once; an attempt times out only when its
    # lease was lost with a GetActivityTask answer a kill cut off: no worker got
    # its token, and a kill came while the state ran.
    twice = [token for token, count in crashes.activity_tokens.items() if count > 1]
    if twice:
        problems.append(f"activity tasks handed out twice: {[token_attempt(t) for t in twice]}")
    received = {token_attempt(token) for token in crashes.activity_tokens}
    for name, timeouts in timed_out.items():
        for retry, (entered, timed) in enumerate(timeouts):
            if (name, retry) in received:
                problems.append(f"{name}: activity attempt {retry} timed out though a worker got it")
            if not any(entered < killed < timed for killed, _, _ in crashes.kills):
                problems.append(f"{name}: activity attempt {retry} timed out with no kill")
    lost = sum(len(timeouts) for timeouts in timed_out.values())
    if lost > len(crashes.kills):
        problems.append(f"{lost} activity attempts timed out, more than the {len(crashes.kills)} kills")
    listed = names(sfn, f"{STATES}:stateMachine:{MACHINE}")
    if listed != set(crashes.started):
        problems.append(f"executions lost or added: {listed ^ set(crashes.started)}")
    print(
        f"crash test: runs again after a kill: {dict(reruns)}; activity attempts timed out "
        f"(their lease lost in a kill): {lost}"
    )
    assert not problems, "\n".join(problems[:40])
