"""Fixtures of the API tests: `asl serve` and real clients of it.

`cargo test -p asl-cli --test api` runs these tests against a server it started
(ASL_ENDPOINT) and gives the binary (ASL_BIN) for the tests that start their own.
Run by hand: `ASL_BIN=target/debug/asl target/python-venv/bin/pytest asl-cli/tests/api`.
"""

import filecmp
import http.server
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from botocore.config import Config

ROLE = "arn:aws:iam::123456789012:role/service-role/asl-tests"
STATES = "arn:aws:states:us-east-1:123456789012"


def client(endpoint_url):
    """A boto3 client of the server at `endpoint_url`, set up as the README shows."""
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        # StartSyncExecution and TestState would go to sync-<host> otherwise.
        config=Config(inject_host_prefix=False),
    )


class Server:
    """An `asl serve` process, its log collected: on a free port unless `bind` names
    one, its Tasks bound by the TOML file `bindings` if given, `arguments` added to
    its command line, and `environment` added to (or, where None, removed from) the
    environment it inherits (and so its workers' and their commands')."""

    def __init__(self, data_dir, *arguments, bindings=None, bind="127.0.0.1:0", environment=None):
        binary = os.environ.get("ASL_BIN")
        if not binary:
            pytest.fail("ASL_BIN must name the asl binary (e.g. target/debug/asl)")
        command = [binary, "serve", "--bind", bind, "--data-dir", data_dir, *arguments]
        if bindings:
            command += ["--bindings", bindings]
        inherited = dict(os.environ)
        # The servers under test reach no AWS account: whoever runs the tests may
        # have credentials or endpoints set, which Tasks naming AWS services would use.
        for name in list(inherited):
            if name.startswith(("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY", "AWS_SECRET", "AWS_SESSION", "AWS_CONTAINER")):
                del inherited[name]
        for name in ("AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "ASL_S3"):
            inherited.pop(name, None)
        inherited.update(
            AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true",
        )
        for name, value in (environment or {}).items():
            if value is None:
                inherited.pop(name, None)
            else:
                inherited[name] = value
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=inherited,
        )
        self.log = []
        first = self.process.stderr.readline()
        self.log.append(first)
        found = re.search(r"listening on (http://\S+)", first)
        if not found:
            self.process.kill()
            pytest.fail(f"asl serve did not start: {first}{self.process.stderr.read()}")
        self.endpoint = found.group(1)
        self._drained = threading.Thread(target=self._drain, daemon=True)
        self._drained.start()

    def _drain(self):
        for line in self.process.stderr:
            self.log.append(line)

    def stop(self):
        """Stops it as Ctrl-C or SIGTERM would; its exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def kill(self, timeout=10, then=None):
        """SIGKILLs it, as a crash would, and waits until its worker processes are
        gone too; how long they took (seconds).

        Nothing kills the workers: each reads the server's pipe to its stdin and
        exits when that pipe closes, which it does when the kernel closes the dead
        server's descriptors. The workers inherit the server's stderr, so the end of
        file on it means that the last of them exited; the processes under the
        server just before the kill are checked by pid as well (Linux), so that a
        survivor is named."""
        family = descendants(self.process.pid)
        self.process.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        self.process.wait(timeout=timeout)
        if then:
            then()
        self._drained.join(timeout=timeout)
        survivors = [process for process in family if alive(process)]
        while survivors and time.monotonic() < killed + timeout:
            time.sleep(0.01)
            survivors = [process for process in survivors if alive(process)]
        if self._drained.is_alive() or survivors:
            pytest.fail(
                f"processes of the asl serve killed by SIGKILL outlived it by {timeout} s: "
                f"{[process_command(pid) for pid, _ in survivors] or 'one holds its stderr'}"
            )
        return time.monotonic() - killed


def descendants(pid):
    """The processes under `pid`, each as (pid, start time), read from /proc
    (empty where there is none)."""
    children = {}
    entries = os.listdir("/proc") if os.path.isdir("/proc") else []
    for process in [int(entry) for entry in entries if entry.isdigit()]:
        stat = process_stat(process)
        if stat:
            children.setdefault(stat[0], []).append((process, stat[1]))
    found, parents = [], [pid]
    while parents:
        for child in children.get(parents.pop(), []):
            found.append(child)
            parents.append(child[0])
    return found


def process_stat(pid):
    """(parent pid, start time, state) of process `pid`, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # The name, in parentheses, may hold spaces: the fields follow its end.
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), fields[19], fields[0]


def process_command(pid):
    """The command line of process `pid`, as far as it can be read."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return f"{pid}: " + cmdline.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return f"{pid}: gone"


def alive(process):
    """Whether `process` (pid, start time) still runs: neither gone, nor a zombie,
    nor its pid reused."""
    pid, started = process
    stat = process_stat(pid)
    return stat is not None and stat[1] == started and stat[2] != "Z"


@pytest.fixture(scope="session")
def endpoint():
    """The server under test: ASL_ENDPOINT, or one started here."""
    given = os.environ.get("ASL_ENDPOINT")
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory() as data_dir:
        server = Server(data_dir)
        yield server.endpoint
        server.stop()


@pytest.fixture(scope="session")
def sfn(endpoint):
    return client(endpoint)


def unique(prefix):
    """A name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def definition(comment="a pass", resource=None):
    """A one-state definition: a Pass, or a Task of `resource`."""
    state = {"Type": "Pass", "End": True}
    if resource:
        state = {"Type": "Task", "Resource": resource, "End": True}
    return json.dumps({"Comment": comment, "StartAt": "Only", "States": {"Only": state}})


@pytest.fixture
def machine(sfn):
    """A new STANDARD state machine: its name and ARN; deleted after the test."""
    name = unique("machine")
    arn = sfn.create_state_machine(name=name, definition=definition(), roleArn=ROLE)[
        "stateMachineArn"
    ]
    yield {"name": name, "arn": arn}
    sfn.delete_state_machine(stateMachineArn=arn)


def pages(list_call, key, **arguments):
    """Every page of a list action, following `nextToken` by hand: the list of
    each page's items under `key`."""
    found = []
    while True:
        page = list_call(**arguments)
        found.append(page[key])
        if "nextToken" not in page:
            return found
        arguments["nextToken"] = page["nextToken"]


def error_of(raised):
    """The code and message of a botocore ClientError."""
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def raw(endpoint, target, body, content_type="application/x-amz-json-1.0"):
    """POSTs `body` (bytes) with X-Amz-Target `target` (None: no header); the
    status, headers and JSON body of the answer."""
    headers = {"Content-Type": content_type}
    if target is not None:
        headers["X-Amz-Target"] = target
    request = urllib.request.Request(endpoint + "/", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def aws(endpoint, *arguments, key="test", secret="test"):
    """Runs `aws stepfunctions ARGUMENTS --endpoint-url ENDPOINT` with access key
    `key` and `secret`: its exit status, its output as JSON (None when empty) and
    its stderr."""
    environment = dict(
        os.environ,
        AWS_ACCESS_KEY_ID=key,
        AWS_SECRET_ACCESS_KEY=secret,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_DISABLE_HOST_PREFIX_INJECTION="true",
    )
    for inherited in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE"):
        environment.pop(inherited, None)
    done = subprocess.run(
        ["aws", "stepfunctions", *arguments, "--endpoint-url", endpoint, "--output", "json"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    output = json.loads(done.stdout) if done.stdout.strip() else None
    return done.returncode, output, done.stderr


class Endpoint(http.server.BaseHTTPRequestHandler):
    """A handler of a test endpoint: `reply` answers with a JSON body, nothing is
    logged."""

    def reply(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        for header, value in (headers or {"Content-Type": "application/json"}).items():
            self.send_header(header, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_):
        pass


def serve(handler):
    """Serves `handler` on a free local port in a thread; yields its URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def finished(sfn, arn, timeout=120):
    """DescribeExecution of `arn` once it is no longer RUNNING (or `timeout`
    seconds passed)."""
    deadline = time.monotonic() + timeout
    while True:
        described = sfn.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            return described
        time.sleep(0.1)


JS = pathlib.Path(__file__).parent / "js"


def js_packages():
    """A directory with js/'s pinned packages installed (`npm ci`) and its
    scripts: beside the asl binary's build directory, installed again when the
    lock file changed."""
    binary = os.environ.get("ASL_BIN")
    if not binary:
        pytest.fail("ASL_BIN must name the asl binary (e.g. target/debug/asl)")
    place = pathlib.Path(binary).resolve().parent.parent / "js-sdk"
    lock = place / "package-lock.json"
    fresh = lock.exists() and filecmp.cmp(lock, JS / "package-lock.json", shallow=False)
    if not (fresh and (place / "node_modules" / "playwright-core").is_dir()):
        shutil.rmtree(place, ignore_errors=True)
        place.mkdir(parents=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(JS / name, place / name)
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=place,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            pytest.fail(f"npm ci failed: {done.stderr}")
    for script in JS.glob("*.mjs"):
        shutil.copy(script, place / script.name)
    return place
