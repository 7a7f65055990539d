"""The HTTP Task (`arn:aws:states:::http:invoke`) through `asl run`, against a
local HTTP server: methods, query parameters, headers, a URL-encoded body, the
API-key, Basic and OAuth client-credentials connections of the bindings file, and
a 4xx answer caught by its `States.Http.StatusCode.<status>` error."""

import base64
import json
import os
import pathlib
import subprocess
import tempfile
import urllib.parse

import pytest

from conftest import Endpoint, serve

HTTP = "arn:aws:states:::http:invoke"
API_KEY = "arn:aws:events:us-east-1:123456789012:connection/orders/1"
BASIC = "arn:aws:events:us-east-1:123456789012:connection/forms/2"
OAUTH = "arn:aws:events:us-east-1:123456789012:connection/partner/3"


class Api(Endpoint):
    """Answers every request with what it received, as JSON; `/token` grants an
    OAuth token to client `c` (secret `s`); `/missing` is a 404."""

    def answer(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode()
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/token":
            granted = self.headers["Authorization"] == "Basic " + base64.b64encode(b"c:s").decode()
            reply = {"access_token": "tok-1", "token_type": "bearer"} if granted else {"error": "no"}
            return self.reply(200 if granted else 401, reply)
        if url.path == "/missing":
            return self.reply(404, {"message": "no such order"})
        self.reply(200, {
            "method": self.command,
            "path": url.path,
            "query": urllib.parse.parse_qs(url.query),
            "headers": {name.lower(): value for name, value in self.headers.items()},
            "body": body,
        })

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = answer


@pytest.fixture(scope="module")
def api():
    yield from serve(Api)


def test_the_http_task(api):
    definition = {
        "StartAt": "Get",
        "States": {
            "Get": {
                "Type": "Task", "Resource": HTTP,
                "Parameters": {
                    "ApiEndpoint": api + "/orders", "Method": "GET",
                    "Authentication": {"ConnectionArn": API_KEY},
                    "QueryParameters": {"id.$": "$.id", "tags": ["a", "b"]},
                    "Headers": {"x-trace": "t-1"},
                },
                "ResultSelector": {"seen.$": "$.ResponseBody", "status.$": "$.StatusCode", "text.$": "$.StatusText"},
                "ResultPath": "$.get", "Next": "Post",
            },
            "Post": {
                "Type": "Task", "Resource": HTTP,
                "Parameters": {
                    "ApiEndpoint": api + "/forms", "Method": "POST",
                    "Authentication": {"ConnectionArn": BASIC},
                    "RequestBody": {"name": "a b", "items": ["x", "y"]},
                    "Transform": {"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "BRACKETS"}},
                },
                "ResultSelector": {"seen.$": "$.ResponseBody"},
                "ResultPath": "$.post", "Next": "Put",
            },
            "Put": {
                "Type": "Task", "Resource": HTTP,
                "Parameters": {
                    "ApiEndpoint": api + "/partner", "Method": "PUT",
                    "Authentication": {"ConnectionArn": OAUTH},
                    "RequestBody": {"order.$": "$.id"},
                },
                "ResultSelector": {"seen.$": "$.ResponseBody"},
                "ResultPath": "$.put", "Next": "Missing",
            },
            "Missing": {
                "Type": "Task", "Resource": HTTP,
                "Parameters": {"ApiEndpoint": api + "/missing", "Method": "GET"},
                "Catch": [{"ErrorEquals": ["States.Http.StatusCode.404"], "ResultPath": "$.missing", "Next": "Done"}],
                "End": True,
            },
            "Done": {"Type": "Succeed"},
        },
    }
    bindings = f"""
[connections."{API_KEY}"]
authorization_type = "API_KEY"
api_key_name = "x-api-key"
api_key_value = "k-1"
headers = {{ x-tenant = "acme" }}
query = {{ region = "eu" }}

[connections."{BASIC}"]
authorization_type = "BASIC"
username = "u"
password = "p"

[connections."{OAUTH}"]
authorization_type = "OAUTH_CLIENT_CREDENTIALS"
authorization_endpoint = "{api}/token"
client_id = "c"
client_secret = "s"
body = {{ source = "asl" }}
"""
    with tempfile.TemporaryDirectory() as place:
        path = pathlib.Path(place)
        (path / "flow.asl.json").write_text(json.dumps(definition))
        (path / "bindings.toml").write_text(bindings)
        done = subprocess.run(
            [os.environ["ASL_BIN"], "run", str(path / "flow.asl.json"),
             "--bindings", str(path / "bindings.toml"), "--input", json.dumps({"id": "7"})],
            capture_output=True, text=True, timeout=600,
        )
    assert done.returncode == 0, done.stderr + done.stdout
    output = json.loads(done.stdout)
    get = output["get"]
    assert (get["status"], get["text"]) == (200, "OK")
    assert get["seen"]["method"] == "GET"
    assert get["seen"]["query"] == {"id": ["7"], "tags": ["a", "b"], "region": ["eu"]}
    headers = get["seen"]["headers"]
    assert (headers["x-api-key"], headers["x-trace"], headers["x-tenant"]) == ("k-1", "t-1", "acme")
    post = output["post"]["seen"]
    assert post["headers"]["authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    assert post["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert urllib.parse.parse_qs(post["body"]) == {"name": ["a b"], "items[]": ["x", "y"]}
    put = output["put"]["seen"]
    assert put["headers"]["authorization"] == "Bearer tok-1"
    assert json.loads(put["body"]) == {"order": "7", "source": "asl"}
    missing = output["missing"]
    assert missing["Error"] == "States.Http.StatusCode.404"
    cause = json.loads(missing["Cause"])
    assert (cause["StatusCode"], cause["ResponseBody"]) == (404, {"message": "no such order"})


def test_test_state_traces_the_http_exchange(sfn, api):
    from conftest import ROLE

    state = {
        "Type": "Task", "Resource": HTTP,
        "Parameters": {"ApiEndpoint": api + "/orders", "Method": "POST", "RequestBody": {"n": 1},
                       "Headers": {"x-trace": "t-2"}},
        "ResultSelector": {"method.$": "$.ResponseBody.method"},
        "End": True,
    }
    answer = sfn.test_state(definition=json.dumps(state), roleArn=ROLE, input="{}", inspectionLevel="TRACE")
    assert answer["status"] == "SUCCEEDED", answer
    assert json.loads(answer["output"]) == {"method": "POST"}
    request = answer["inspectionData"]["request"]
    assert (request["method"], request["url"], request["protocol"]) == ("POST", api + "/orders", "HTTP/1.1")
    assert "x-trace: t-2" in request["headers"]
    assert json.loads(request["body"]) == {"n": 1}
    response = answer["inspectionData"]["response"]
    assert (response["statusCode"], response["statusMessage"]) == ("200", "OK")
    assert json.loads(response["body"])["path"] == "/orders"
    # DEBUG shows the data flow, not the exchange.
    debug = sfn.test_state(definition=json.dumps(state), roleArn=ROLE, input="{}", inspectionLevel="DEBUG")
    assert "request" not in debug["inspectionData"]
