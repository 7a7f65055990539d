"""Fixtures of the API tests: `asl serve` and real clients of it.

`cargo test -p asl-cli --test api` runs these tests against a server it started
(ASL_ENDPOINT) and gives the binary (ASL_BIN) for the tests that start their own.
Run by hand: `ASL_BIN=target/debug/asl target/python-venv/bin/pytest asl-cli/tests/api`.
"""

import json
import os
import re
import signal
import subprocess
import tempfile
import threading
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
    """An `asl serve` process on a free port, its log collected: `arguments` are
    added to its command line, `environment` to (or, where None, removed from)
    the environment it inherits."""

    def __init__(self, data_dir, *arguments, environment=None):
        binary = os.environ.get("ASL_BIN")
        if not binary:
            pytest.fail("ASL_BIN must name the asl binary (e.g. target/debug/asl)")
        inherited = dict(os.environ)
        for name, value in (environment or {}).items():
            if value is None:
                inherited.pop(name, None)
            else:
                inherited[name] = value
        self.process = subprocess.Popen(
            [binary, "serve", "--bind", "127.0.0.1:0", "--data-dir", data_dir, *arguments],
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
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.process.stderr:
            self.log.append(line)

    def stop(self):
        """Stops it as Ctrl-C or SIGTERM would; its exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


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
