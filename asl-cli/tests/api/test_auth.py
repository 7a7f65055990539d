"""`asl serve --auth sigv4`: every request signed (AWS Signature Version 4) with a
key of the --credentials file or of the server's environment, refused with AWS's
exceptions otherwise."""

import datetime
import os
import subprocess
import tempfile
from unittest import mock

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import Server, aws, error_of, raw, unique

KEY, SECRET = "AKIDASLTEST", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TEMPORARY, TEMPORARY_SECRET, TOKEN = "ASIAASLTEST", "temporary-secret", "session+token/=="
ENV_KEY, ENV_SECRET = "AKIDFROMENV", "secret-from-env"

CREDENTIALS = f"""\
# the keys asl serve accepts
[default]
aws_access_key_id = {KEY}
aws_secret_access_key = {SECRET}

[temporary]
aws_access_key_id = {TEMPORARY}
aws_secret_access_key = {TEMPORARY_SECRET}
aws_session_token = {TOKEN}
"""


@pytest.fixture(scope="module")
def signed():
    """A server with --auth sigv4: its endpoint."""
    with tempfile.TemporaryDirectory() as data_dir:
        credentials = os.path.join(data_dir, "credentials")
        with open(credentials, "w") as file:
            file.write(CREDENTIALS)
        server = Server(
            os.path.join(data_dir, "data"),
            "--auth", "sigv4", "--credentials", credentials,
            environment={
                "AWS_ACCESS_KEY_ID": ENV_KEY,
                "AWS_SECRET_ACCESS_KEY": ENV_SECRET,
                "AWS_SESSION_TOKEN": None,
                "AWS_REGION": "us-east-1",
            },
        )
        assert "SigV4 for us-east-1 with 3 access key(s)" in server.log[0]
        yield server.endpoint
        assert server.stop() == 0


def client(endpoint_url, key, secret, token=None, region="us-east-1"):
    """A boto3 client of the server signing with `key`, `secret` and `token`."""
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(inject_host_prefix=False),
    )


def refusal(call):
    """The code, message and HTTP status of the ClientError `call` raises."""
    with pytest.raises(ClientError) as raised:
        call()
    code, message = error_of(raised)
    return code, message, raised.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_requests_signed_with_a_key_of_the_file_or_the_environment_are_answered(signed):
    # Activities, not state machines: nothing to compile, so the server stops at once.
    sfn = client(signed, KEY, SECRET)
    name = unique("signed")
    arn = sfn.create_activity(name=name)["activityArn"]
    assert sfn.describe_activity(activityArn=arn)["name"] == name
    from_env = client(signed, ENV_KEY, ENV_SECRET)
    assert name in [a["name"] for a in from_env.list_activities()["activities"]]
    temporary = client(signed, TEMPORARY, TEMPORARY_SECRET, TOKEN)
    temporary.delete_activity(activityArn=arn)


def test_a_wrong_secret_is_an_invalid_signature(signed):
    code, message, status = refusal(client(signed, KEY, "not-the-secret").list_state_machines)
    assert (code, status) == ("InvalidSignatureException", 400)
    assert message.startswith(
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method."
    )


def test_an_unknown_key_or_a_wrong_token_is_an_unrecognized_client(signed):
    code, message, status = refusal(client(signed, "AKIDUNKNOWN", SECRET).list_state_machines)
    assert (code, message, status) == (
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
        400,
    )
    code, _, _ = refusal(client(signed, TEMPORARY, TEMPORARY_SECRET, "other").list_activities)
    assert code == "UnrecognizedClientException"
    code, _, _ = refusal(client(signed, TEMPORARY, TEMPORARY_SECRET).list_activities)
    assert code == "UnrecognizedClientException"


def test_a_request_dated_more_than_five_minutes_off_has_expired(signed):
    sfn = client(signed, KEY, SECRET)
    then = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(
        minutes=6
    )
    with mock.patch("botocore.auth.get_current_datetime", lambda *_, **__: then):
        code, message, status = refusal(sfn.list_state_machines)
    assert (code, status) == ("InvalidSignatureException", 400)
    stamp = then.strftime("%Y%m%dT%H%M%SZ")
    assert message.startswith(f"Signature expired: {stamp} is now earlier than "), message
    assert message.endswith(" - 5 min.)"), message


def test_a_scope_of_another_region_is_refused(signed):
    code, message, status = refusal(
        client(signed, KEY, SECRET, region="eu-west-1").list_state_machines
    )
    assert (code, message, status) == (
        "InvalidSignatureException",
        "Credential should be scoped to a valid region, not 'eu-west-1'.",
        400,
    )


def test_an_unsigned_request_is_refused_before_its_action_is_read(signed):
    status, headers, body = raw(signed, "AWSStepFunctions.NoSuchAction", b"not json")
    assert status == 400
    assert body == {
        "__type": "MissingAuthenticationTokenException",
        "message": "Request is missing Authentication Token",
    }
    assert headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"


def test_the_aws_cli_signs_with_its_keys(signed):
    status, output, _ = aws(signed, "list-activities", key=KEY, secret=SECRET)
    assert status == 0 and "activities" in output
    status, output, stderr = aws(signed, "list-activities", key=KEY, secret="wrong")
    assert status != 0 and output is None
    assert "An error occurred (InvalidSignatureException)" in stderr, stderr
    status, _, stderr = aws(signed, "list-activities", key="AKIDUNKNOWN", secret=SECRET)
    assert status != 0
    assert "An error occurred (UnrecognizedClientException)" in stderr, stderr


def test_sigv4_needs_keys_and_credentials_need_sigv4():
    binary = os.environ["ASL_BIN"]
    with tempfile.TemporaryDirectory() as data_dir:
        environment = {
            name: value for name, value in os.environ.items() if not name.startswith("AWS_")
        }
        done = subprocess.run(
            [binary, "serve", "--bind", "127.0.0.1:0", "--data-dir", data_dir, "--auth", "sigv4"],
            capture_output=True, text=True, env=environment, timeout=60,
        )
        assert done.returncode == 2
        assert "--auth sigv4 needs access keys" in done.stderr
        done = subprocess.run(
            [binary, "serve", "--bind", "127.0.0.1:0", "--data-dir", data_dir,
             "--credentials", os.path.join(data_dir, "missing")],
            capture_output=True, text=True, env=environment, timeout=60,
        )
        assert done.returncode == 2
        assert "add --auth sigv4" in done.stderr
