"""Traces over OTLP: `asl serve --otlp-endpoint` and `asl run --otlp-endpoint`
export a span per execution, state, Task attempt and HTTP request to an OTLP/HTTP
receiver started here (the protobuf decoded with `opentelemetry-proto`), and the
HTTP Task's request carries the W3C `traceparent` of its span, so that the trace
goes on in the service it calls."""

import json
import os
import subprocess
import threading
import time

import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from conftest import ROLE, Endpoint, Server, client, finished, serve, unique

CONNECTION = "arn:aws:events:us-east-1:123456789012:connection/orders/1"
BINDINGS = f"""
[connections."{CONNECTION}"]
authorization_type = "API_KEY"
api_key_name = "x-api-key"
api_key_value = "k-1"
"""


class Collector(Endpoint):
    """An OTLP/HTTP trace receiver: keeps every span posted to /v1/traces."""

    spans = []
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path != "/v1/traces" or self.headers.get("Content-Type") != "application/x-protobuf":
            return self.reply(404, {})
        request = trace_service_pb2.ExportTraceServiceRequest()
        request.ParseFromString(body)
        with self.lock:
            for resource in request.resource_spans:
                for scope in resource.scope_spans:
                    for span in scope.spans:
                        self.spans.append({
                            "trace": span.trace_id.hex(),
                            "id": span.span_id.hex(),
                            "parent": span.parent_span_id.hex(),
                            "name": span.name,
                            "kind": span.kind,
                            "attributes": {a.key: a.value.WhichOneof("value") and getattr(a.value, a.value.WhichOneof("value")) for a in span.attributes},
                        })
        reply = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
        self.reply(200, reply, {"Content-Type": "application/x-protobuf"})


class Api(Endpoint):
    """Answers every request, keeping the traceparent headers it received."""

    traceparents = []

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.traceparents.append(self.headers.get("traceparent"))
        self.reply(200, {"ok": True})


@pytest.fixture(scope="module")
def collector():
    yield from serve(Collector)


@pytest.fixture(scope="module")
def api():
    yield from serve(Api)


def definition(api):
    return {
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Pass", "Result": {"order": 7}, "Next": "Notify"},
            "Notify": {
                "Type": "Task",
                "Resource": "arn:aws:states:::http:invoke",
                "Parameters": {
                    "ApiEndpoint": api + "/notify",
                    "Method": "POST",
                    "Authentication": {"ConnectionArn": CONNECTION},
                    "RequestBody.$": "$",
                },
                "ResultSelector": {"status.$": "$.StatusCode"},
                "End": True,
            },
        },
    }


def trace_of(execution_name, timeout=60):
    """The spans of the trace whose root is the span of execution
    `execution_name`, once its HTTP span arrived."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Collector.lock:
            spans = list(Collector.spans)
        roots = [s for s in spans if s["name"] == execution_name and s["parent"] == ""]
        if roots:
            trace = [s for s in spans if s["trace"] == roots[0]["trace"]]
            if any(s["attributes"].get("http.request.method") == "POST" for s in trace):
                return roots[0], trace
        time.sleep(0.1)
    pytest.fail(f"no trace of {execution_name} in {spans}")


def check_tree(root, trace, machine):
    """execution → state (Prepare, Notify) → attempt → http, and the traceparent
    the API received names the HTTP span."""
    by_id = {span["id"]: span for span in trace}

    def children(span, name=None):
        return [s for s in trace if s["parent"] == span["id"] and (name is None or s["name"] == name)]

    assert root["attributes"]["state_machine"] == machine
    assert root["attributes"]["execution.arn"].endswith(":" + root["name"])
    states = {span["name"]: span for span in children(root)}
    assert set(states) == {"Prepare", "Notify"}, trace
    assert states["Notify"]["attributes"]["state.name"] == "Notify"
    (attempt,) = children(states["Notify"])
    assert attempt["attributes"]["retry_count"] == 0, attempt
    (request,) = children(attempt)
    assert request["name"] == "POST"
    assert request["kind"] == 3  # SPAN_KIND_CLIENT
    assert request["attributes"]["url.full"].endswith("/notify")
    assert request["attributes"]["http.response.status_code"] == 200
    assert children(states["Prepare"]) == []
    sent = [value for value in Api.traceparents if value and value.split("-")[2] == request["id"]]
    assert sent == [f"00-{root['trace']}-{request['id']}-01"], Api.traceparents
    assert all(span["id"] in by_id for span in trace)


def test_asl_serve_exports_the_span_tree_of_each_execution(tmp_path, collector, api):
    bindings = tmp_path / "bindings.toml"
    bindings.write_text(BINDINGS)
    server = Server(
        str(tmp_path / "data"), "--otlp-endpoint", collector, bindings=str(bindings),
        environment={"OTEL_BSP_SCHEDULE_DELAY": "100"},
    )
    try:
        sfn = client(server.endpoint)
        name = unique("traced")
        machine = sfn.create_state_machine(name=name, definition=json.dumps(definition(api)), roleArn=ROLE)
        execution = unique("run")
        arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name=execution)["executionArn"]
        described = finished(sfn, arn)
        assert described["status"] == "SUCCEEDED", described
        assert json.loads(described["output"]) == {"status": 200}
        root, trace = trace_of(execution)
        check_tree(root, trace, name)
    finally:
        server.stop()


def test_asl_run_exports_its_execution_s_trace(tmp_path, collector, api):
    (tmp_path / "flow.asl.json").write_text(json.dumps(definition(api)))
    (tmp_path / "bindings.toml").write_text(BINDINGS)
    execution = unique("standalone")
    done = subprocess.run(
        [os.environ["ASL_BIN"], "run", str(tmp_path / "flow.asl.json"), "--name", execution,
         "--bindings", str(tmp_path / "bindings.toml"), "--otlp-endpoint", collector],
        capture_output=True, text=True, timeout=600,
        env={k: v for k, v in os.environ.items() if not k.startswith("OTEL_")},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"status": 200}
    # The binary sent its spans before it exited.
    with Collector.lock:
        names = {span["name"] for span in Collector.spans}
    assert execution in names
    root, trace = trace_of(execution, timeout=1)
    check_tree(root, trace, "flow")
