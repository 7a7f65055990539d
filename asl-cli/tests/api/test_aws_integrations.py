"""AWS service integrations over real HTTP: `asl run` of definitions whose Tasks
name DynamoDB, SQS, SNS and EventBridge against moto's server, and Lambda against
a Lambda-compatible stub, asserting each Task's result and its side effect."""

import json
import os
import pathlib
import socket
import subprocess
import tempfile
import time
import urllib.request

import boto3
import pytest

from conftest import Endpoint, serve

REGION = "us-east-1"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def moto():
    """moto's server (pinned in requirements.txt, first on PATH), on a free port:
    its URL."""
    port = free_port()
    process = subprocess.Popen(
        ["moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("moto_server did not start (is moto[server] installed?)")
            time.sleep(0.2)
    yield url
    process.kill()
    process.wait()


class Lambda(Endpoint):
    """A Lambda Invoke endpoint: `echo` returns its payload, `fails` fails as a
    function whose code raised."""

    def do_POST(self):
        name = self.path.split("/functions/")[1].split("/")[0]
        payload = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        headers = {"X-Amz-Executed-Version": "$LATEST", "Content-Type": "application/json"}
        if "fails" in name:
            headers["X-Amz-Function-Error"] = "Unhandled"
            payload = json.dumps({"errorType": "ValueError", "errorMessage": "bad order"}).encode()
        self.reply(200, payload, headers)


@pytest.fixture(scope="module")
def lambda_endpoint():
    yield from serve(Lambda)


class Web(Endpoint):
    """An API Gateway stage and a Bedrock model: echoes what it received, as JSON;
    `/prod/refused` answers 403; `/model/<id>/invoke` answers a completion."""

    def answer(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        if self.path.startswith("/model/"):
            reply, status = {"completion": "hello", "model": self.path.split("/")[2]}, 200
        else:
            reply = {
                "method": self.command,
                "path": self.path,
                "signed": self.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256"),
                "body": body,
            }
            status = 403 if "refused" in self.path else 200
        self.reply(status, reply)

    do_GET = do_POST = do_PUT = answer


@pytest.fixture(scope="module")
def web():
    yield from serve(Web)


def aws(moto, service):
    return boto3.client(
        service, endpoint_url=moto, region_name=REGION,
        aws_access_key_id="test", aws_secret_access_key="test",
    )


def run(definition, moto, lambda_endpoint, given=None, web=None, changes=None):
    """`asl run` of `definition` against the test endpoints: exit status, output.
    `changes` changes the environment (None: removes the variable)."""
    binary = os.environ.get("ASL_BIN")
    if not binary:
        pytest.fail("ASL_BIN must name the asl binary (e.g. target/debug/asl)")
    with tempfile.TemporaryDirectory() as place:
        path = pathlib.Path(place) / "flow.asl.json"
        path.write_text(json.dumps(definition))
        environment = dict(
            os.environ,
            AWS_ENDPOINT_URL=moto,
            AWS_ENDPOINT_URL_LAMBDA=lambda_endpoint,
            AWS_ENDPOINT_URL_BEDROCK_RUNTIME=web or lambda_endpoint,
            AWS_ACCESS_KEY_ID="test",
            AWS_SECRET_ACCESS_KEY="test",
            AWS_REGION=REGION,
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        )
        environment.pop("AWS_PROFILE", None)
        for name, value in (changes or {}).items():
            if value is None:
                environment.pop(name, None)
            else:
                environment[name] = value
        done = subprocess.run(
            [binary, "run", str(path), "--input", json.dumps(given or {})],
            capture_output=True, text=True, env=environment, timeout=600,
        )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_dynamodb_sqs_sns_and_eventbridge(moto, lambda_endpoint):
    dynamodb = aws(moto, "dynamodb")
    dynamodb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    sqs = aws(moto, "sqs")
    queue = sqs.create_queue(QueueName="shipments")["QueueUrl"]
    topic = aws(moto, "sns").create_topic(Name="orders")["TopicArn"]
    definition = {
        "StartAt": "Put",
        "States": {
            "Put": {
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": "orders", "Item": {"id": {"S.$": "$.id"}, "total": {"N": "70"}}},
                "ResultPath": "$.put", "Next": "Get",
            },
            "Get": {
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                "Parameters": {"TableName": "orders", "Key": {"id": {"S.$": "$.id"}}},
                "ResultSelector": {"item.$": "$.Item", "status.$": "$.SdkHttpMetadata.HttpStatusCode"},
                "ResultPath": "$.get", "Next": "Update",
            },
            "Update": {
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
                "Parameters": {
                    "TableName": "orders", "Key": {"id": {"S.$": "$.id"}},
                    "UpdateExpression": "SET shipped = :yes",
                    "ExpressionAttributeValues": {":yes": {"BOOL": True}},
                    "ReturnValues": "UPDATED_NEW",
                },
                "ResultSelector": {"attributes.$": "$.Attributes"},
                "ResultPath": "$.update", "Next": "Conditional",
            },
            "Conditional": {
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {
                    "TableName": "orders", "Item": {"id": {"S.$": "$.id"}},
                    "ConditionExpression": "attribute_not_exists(id)",
                },
                "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "ResultPath": "$.conditional", "Next": "Send"}],
                "End": True,
            },
            "Send": {
                "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": queue, "MessageBody": {"order.$": "$.id"}},
                "ResultSelector": {"messageId.$": "$.MessageId", "md5.$": "$.MD5OfMessageBody"},
                "ResultPath": "$.sent", "Next": "Publish",
            },
            "Publish": {
                "Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                "Parameters": {"TopicArn": topic, "Message": {"order.$": "$.id"}},
                "ResultSelector": {"messageId.$": "$.MessageId", "status.$": "$.SdkHttpMetadata.HttpStatusCode"},
                "ResultPath": "$.published", "Next": "Emit",
            },
            "Emit": {
                "Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                "Parameters": {"Entries": [{"Source": "asl.tests", "DetailType": "OrderShipped", "Detail": {"order.$": "$.id"}}]},
                "ResultPath": "$.events", "Next": "Missing",
            },
            "Missing": {
                "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": moto + "/123456789012/nope", "MessageBody": "lost"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.missing", "Next": "Delete"}],
                "End": True,
            },
            "Delete": {
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:deleteItem",
                "Parameters": {"TableName": "orders", "Key": {"id": {"S.$": "$.id"}}, "ReturnValues": "ALL_OLD"},
                "ResultSelector": {"old.$": "$.Attributes"},
                "ResultPath": "$.deleted", "End": True,
            },
        },
    }
    status, output = run(definition, moto, lambda_endpoint, {"id": "o-1"})
    assert status == 0, output
    assert output["put"]["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert output["put"]["SdkResponseMetadata"]["RequestId"]
    assert output["get"] == {"item": {"id": {"S": "o-1"}, "total": {"N": "70"}}, "status": 200}
    assert output["update"] == {"attributes": {"shipped": {"BOOL": True}}}
    assert output["conditional"]["Error"] == "DynamoDB.ConditionalCheckFailedException"
    assert "(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException" in output["conditional"]["Cause"]
    assert output["sent"]["messageId"] and len(output["sent"]["md5"]) == 32
    assert output["published"]["messageId"] and output["published"]["status"] == 200
    assert output["events"]["FailedEntryCount"] == 0 and output["events"]["Entries"][0]["EventId"]
    assert output["missing"]["Error"] == "SQS.QueueDoesNotExistException", output["missing"]
    assert output["deleted"]["old"]["shipped"] == {"BOOL": True}
    # The side effects: the message is in the queue, the item gone.
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(message["Body"]) for message in messages] == [{"order": "o-1"}]
    assert "Item" not in dynamodb.get_item(TableName="orders", Key={"id": {"S": "o-1"}})


def test_lambda_invoke_and_function_arns(moto, lambda_endpoint):
    definition = {
        "StartAt": "Invoke",
        "States": {
            "Invoke": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "echo", "Payload.$": "$"},
                "ResultPath": "$.invoked", "Next": "Direct",
            },
            "Direct": {
                "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:echo",
                "Parameters": {"direct.$": "$.order"},
                "ResultPath": "$.direct", "Next": "Failing",
            },
            "Failing": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "fails", "Payload": {}},
                "Catch": [{"ErrorEquals": ["ValueError"], "ResultPath": "$.failure", "Next": "Done"}],
                "End": True,
            },
            "Done": {"Type": "Succeed"},
        },
    }
    status, output = run(definition, moto, lambda_endpoint, {"order": 7})
    assert status == 0, output
    invoked = output["invoked"]
    assert invoked["Payload"] == {"order": 7}
    assert (invoked["StatusCode"], invoked["ExecutedVersion"]) == (200, "$LATEST")
    assert invoked["SdkHttpMetadata"]["HttpStatusCode"] == 200
    # A function ARN as the Resource: the result is the function's alone.
    assert output["direct"] == {"direct": 7}
    failure = output["failure"]
    assert failure["Error"] == "ValueError"
    assert json.loads(failure["Cause"]) == {"errorType": "ValueError", "errorMessage": "bad order"}


def test_the_aws_sdk_integration(moto, lambda_endpoint):
    secrets = aws(moto, "secretsmanager")
    secrets.create_secret(Name="db-password", SecretString="hunter2")
    dynamodb = aws(moto, "dynamodb")
    dynamodb.create_table(
        TableName="sdk-items",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    queue = aws(moto, "sqs").create_queue(QueueName="sdk-queue")["QueueUrl"]
    topic = aws(moto, "sns").create_topic(Name="sdk-topic")["TopicArn"]
    sdk = "arn:aws:states:::aws-sdk:"
    definition = {
        "StartAt": "Secret",
        "States": {
            "Secret": {
                "Type": "Task", "Resource": sdk + "secretsmanager:getSecretValue",
                "Parameters": {"SecretId": "db-password"},
                "ResultSelector": {"value.$": "$.SecretString", "name.$": "$.Name"},
                "ResultPath": "$.secret", "Next": "Put",
            },
            "Put": {
                "Type": "Task", "Resource": sdk + "dynamodb:putItem",
                "Parameters": {"TableName": "sdk-items", "Item": {"id": {"S": "a"}, "lowercase": {"S": "kept"}}},
                "ResultPath": "$.put", "Next": "Scan",
            },
            "Scan": {
                "Type": "Task", "Resource": sdk + "dynamodb:scan",
                "Parameters": {"TableName": "sdk-items"},
                "ResultSelector": {"count.$": "$.Count", "items.$": "$.Items"},
                "ResultPath": "$.scan", "Next": "Queue",
            },
            "Queue": {
                "Type": "Task", "Resource": sdk + "sqs:sendMessage",
                "Parameters": {"QueueUrl": queue, "MessageBody": "from the sdk"},
                "ResultSelector": {"id.$": "$.MessageId"},
                "ResultPath": "$.queued", "Next": "Topic",
            },
            "Topic": {
                "Type": "Task", "Resource": sdk + "sns:publish",
                "Parameters": {"TopicArn": topic, "Message": "from the sdk"},
                "ResultPath": "$.published", "Next": "Parameter",
            },
            "Parameter": {
                "Type": "Task", "Resource": sdk + "ssm:putParameter",
                "Parameters": {"Name": "/asl/test", "Value": "v1", "Type": "String"},
                "ResultPath": "$.parameter", "Next": "Machines",
            },
            "Machines": {
                "Type": "Task", "Resource": sdk + "sfn:listStateMachines",
                "Parameters": {},
                "ResultPath": "$.machines", "Next": "Events",
            },
            "Events": {
                "Type": "Task", "Resource": sdk + "eventbridge:putEvents",
                "Parameters": {"Entries": [{"Source": "asl.sdk", "DetailType": "Tested", "Detail": "{\"n\": 1}"}]},
                "ResultPath": "$.events", "Next": "Missing",
            },
            "Missing": {
                "Type": "Task", "Resource": sdk + "secretsmanager:getSecretValue",
                "Parameters": {"SecretId": "nope"},
                "Catch": [{"ErrorEquals": ["SecretsManager.ResourceNotFoundException"], "ResultPath": "$.missing", "Next": "Done"}],
                "End": True,
            },
            "Done": {"Type": "Succeed"},
        },
    }
    status, output = run(definition, moto, lambda_endpoint)
    assert status == 0, output
    assert output["secret"] == {"value": "hunter2", "name": "db-password"}
    # No SDK envelope on aws-sdk results; member names as the service gives them.
    assert "SdkHttpMetadata" not in output["put"]
    assert output["scan"] == {"count": 1, "items": [{"id": {"S": "a"}, "lowercase": {"S": "kept"}}]}
    assert output["queued"]["id"]
    assert output["published"]["MessageId"]
    assert output["parameter"]["Version"] == 1
    # Step Functions' camelCase members come back in PascalCase.
    assert output["machines"] == {"StateMachines": []}
    assert output["events"]["FailedEntryCount"] == 0 and output["events"]["Entries"][0]["EventId"]
    assert output["missing"]["Error"] == "SecretsManager.ResourceNotFoundException"
    assert "(Service: SecretsManager, Status Code:" in output["missing"]["Cause"]
    assert aws(moto, "ssm").get_parameter(Name="/asl/test")["Parameter"]["Value"] == "v1"


def test_s3_actions(moto, lambda_endpoint):
    s3 = aws(moto, "s3")
    s3.create_bucket(Bucket="asl-data")
    s3.put_object(Bucket="asl-data", Key="in/orders.csv", Body=b"id,total\n1,70\n")
    sdk = "arn:aws:states:::aws-sdk:s3:"
    definition = {
        "StartAt": "Get",
        "States": {
            "Get": {
                "Type": "Task", "Resource": sdk + "getObject",
                "Parameters": {"Bucket": "asl-data", "Key": "in/orders.csv"},
                "ResultSelector": {"body.$": "$.Body", "length.$": "$.ContentLength"},
                "ResultPath": "$.got", "Next": "Put",
            },
            "Put": {
                "Type": "Task", "Resource": sdk + "putObject",
                "Parameters": {"Bucket": "asl-data", "Key": "out/report.json", "Body": {"total": 70}},
                "ResultSelector": {"etag.$": "$.ETag"},
                "ResultPath": "$.put", "Next": "Copy",
            },
            "Copy": {
                "Type": "Task", "Resource": sdk + "copyObject",
                "Parameters": {"Bucket": "asl-data", "Key": "out/copy.json", "CopySource": "asl-data/out/report.json"},
                "ResultPath": "$.copied", "Next": "List",
            },
            "List": {
                "Type": "Task", "Resource": sdk + "listObjectsV2",
                "Parameters": {"Bucket": "asl-data", "Prefix": "out/"},
                "ResultSelector": {"keys.$": "$.Contents[*].Key", "count.$": "$.KeyCount"},
                "ResultPath": "$.listed", "Next": "Delete",
            },
            "Delete": {
                "Type": "Task", "Resource": sdk + "deleteObject",
                "Parameters": {"Bucket": "asl-data", "Key": "out/copy.json"},
                "ResultPath": "$.deleted", "Next": "Missing",
            },
            "Missing": {
                "Type": "Task", "Resource": sdk + "getObject",
                "Parameters": {"Bucket": "asl-data", "Key": "nope"},
                "Catch": [{"ErrorEquals": ["S3.NoSuchKeyException"], "ResultPath": "$.missing", "Next": "Done"}],
                "End": True,
            },
            "Done": {"Type": "Succeed"},
        },
    }
    status, output = run(definition, moto, lambda_endpoint)
    assert status == 0, output
    assert output["got"] == {"body": "id,total\n1,70\n", "length": 14}
    assert output["put"]["etag"]
    assert output["copied"]["ETag"]
    assert output["listed"] == {"keys": ["out/copy.json", "out/report.json"], "count": 2}
    assert output["missing"]["Error"] == "S3.NoSuchKeyException"
    assert "(Service: S3, Status Code: 404," in output["missing"]["Cause"]
    assert json.loads(s3.get_object(Bucket="asl-data", Key="out/report.json")["Body"].read()) == {"total": 70}
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="asl-data", Prefix="out/")["Contents"]]
    assert keys == ["out/report.json"]


def test_a_distributed_map_reads_and_writes_s3(moto, lambda_endpoint):
    s3 = aws(moto, "s3")
    s3.create_bucket(Bucket="asl-map")
    s3.put_object(Bucket="asl-map", Key="in/orders.csv", Body=b"id,total\n1,70\n2,30\n3,5\n")
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                    "Parameters": {"Bucket": "asl-map", "Key": "in/orders.csv"},
                },
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    "StartAt": "Double",
                    "States": {"Double": {"Type": "Pass", "Parameters": {"id.$": "$.id", "doubled.$": "States.MathAdd(States.StringToJson($.total), States.StringToJson($.total))"}, "End": True}},
                },
                "ResultWriter": {
                    "Resource": "arn:aws:states:::s3:putObject",
                    "Parameters": {"Bucket": "asl-map", "Prefix": "out"},
                },
                "End": True,
            }
        },
    }
    status, output = run(definition, moto, lambda_endpoint)
    assert status == 0, output
    details = output["ResultWriterDetails"]
    assert details["Bucket"] == "asl-map" and details["Key"].endswith("/manifest.json")
    manifest = json.loads(s3.get_object(Bucket="asl-map", Key=details["Key"])["Body"].read())
    [succeeded] = manifest["ResultFiles"]["SUCCEEDED"]
    results = json.loads(s3.get_object(Bucket="asl-map", Key=succeeded["Key"])["Body"].read())
    outputs = sorted((json.loads(result["Output"]) for result in results), key=lambda o: o["id"])
    assert outputs == [{"id": "1", "doubled": 140}, {"id": "2", "doubled": 60}, {"id": "3", "doubled": 10}]


def test_athena_and_glue_jobs_run_to_their_end(moto, lambda_endpoint):
    aws(moto, "glue").create_job(
        Name="nightly", Role="arn:aws:iam::123456789012:role/glue",
        Command={"Name": "glueetl", "ScriptLocation": "s3://scripts/nightly.py"},
    )
    definition = {
        "StartAt": "Query",
        "States": {
            "Query": {
                "Type": "Task", "Resource": "arn:aws:states:::athena:startQueryExecution.sync",
                "Parameters": {
                    "QueryString": "SELECT 1",
                    "ResultConfiguration": {"OutputLocation": "s3://athena-results/"},
                },
                "ResultSelector": {"id.$": "$.QueryExecution.QueryExecutionId", "state.$": "$.QueryExecution.Status.State"},
                "ResultPath": "$.query", "Next": "Results",
            },
            "Results": {
                "Type": "Task", "Resource": "arn:aws:states:::athena:getQueryResults",
                "Parameters": {"QueryExecutionId.$": "$.query.id"},
                "ResultSelector": {"rows.$": "$.ResultSet.Rows"},
                "ResultPath": "$.results", "Next": "Start",
            },
            "Start": {
                "Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun",
                "Parameters": {"JobName": "nightly"},
                "ResultPath": "$.started", "Next": "Run",
            },
            "Run": {
                "Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync",
                "Parameters": {"JobName": "nightly", "Arguments": {"--day": "2026-12-07"}},
                "ResultSelector": {"state.$": "$.JobRunState", "job.$": "$.JobName"},
                "ResultPath": "$.run", "End": True,
            },
        },
    }
    status, output = run(definition, moto, lambda_endpoint)
    assert status == 0, output
    assert output["query"]["state"] == "SUCCEEDED" and output["query"]["id"]
    assert isinstance(output["results"]["rows"], list)
    assert output["started"]["JobName"] == "nightly" and output["started"]["JobRunId"]
    assert output["run"] == {"state": "SUCCEEDED", "job": "nightly"}


def test_api_gateway_and_bedrock(moto, lambda_endpoint, web):
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task", "Resource": "arn:aws:states:::apigateway:invoke",
                "Parameters": {
                    "ApiEndpoint": web, "Method": "POST", "Stage": "prod", "Path": "orders",
                    "QueryParameters": {"page": ["2"]}, "Headers": {"x-trace": ["t"]},
                    "RequestBody": {"order": 7}, "AuthType": "IAM_ROLE",
                },
                "ResultSelector": {"seen.$": "$.ResponseBody", "status.$": "$.StatusCode"},
                "ResultPath": "$.called", "Next": "Model",
            },
            "Model": {
                "Type": "Task", "Resource": "arn:aws:states:::bedrock:invokeModel",
                "Parameters": {"ModelId": "anthropic.claude-v2", "Body": {"prompt": "hi"}},
                "ResultSelector": {"body.$": "$.Body"},
                "ResultPath": "$.model", "Next": "Refused",
            },
            "Refused": {
                "Type": "Task", "Resource": "arn:aws:states:::apigateway:invoke",
                "Parameters": {"ApiEndpoint": web, "Method": "GET", "Stage": "prod", "Path": "refused"},
                "Catch": [{"ErrorEquals": ["ApiGateway.403"], "ResultPath": "$.refused", "Next": "Done"}],
                "End": True,
            },
            "Done": {"Type": "Succeed"},
        },
    }
    status, output = run(definition, moto, lambda_endpoint, web=web)
    assert status == 0, output
    seen = output["called"]["seen"]
    assert (seen["method"], seen["path"], seen["signed"]) == ("POST", "/prod/orders?page=2", True)
    assert json.loads(seen["body"]) == {"order": 7}
    assert output["called"]["status"] == 200
    assert output["model"] == {"body": {"completion": "hello", "model": "anthropic.claude-v2"}}
    assert output["refused"]["Error"] == "ApiGateway.403"


def test_credentials_from_an_assumed_role_and_a_credential_process(moto, lambda_endpoint, tmp_path):
    """Without keys in the environment, the AWS SDKs' chain signs the requests: a
    profile that assumes a role (through moto's STS) or runs a credential_process."""
    aws(moto, "dynamodb").create_table(
        TableName="signed",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    (tmp_path / "credentials").write_text("[base]\naws_access_key_id = base\naws_secret_access_key = base\n")
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"Version": 1, "AccessKeyId": "FROMPROCESS", "SecretAccessKey": "s"}))
    (tmp_path / "config").write_text(
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/asl-runner\nsource_profile = base\n\n"
        f"[profile process]\ncredential_process = cat {keys}\n"
    )
    definition = {
        "StartAt": "Who",
        "States": {
            "Who": {
                "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sts:getCallerIdentity",
                "ResultSelector": {"arn.$": "$.Arn"}, "ResultPath": "$.caller", "Next": "Put",
            },
            "Put": {
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": "signed", "Item": {"id": {"S.$": "$.profile"}}},
                "ResultPath": None, "End": True,
            },
        },
    }
    callers = {}
    for profile in ["role", "process"]:
        status, output = run(definition, moto, lambda_endpoint, given={"profile": profile}, changes={
            "AWS_ACCESS_KEY_ID": None,
            "AWS_SECRET_ACCESS_KEY": None,
            "AWS_PROFILE": profile,
            "AWS_CONFIG_FILE": str(tmp_path / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
            "AWS_ENDPOINT_URL_STS": moto,
            "AWS_EC2_METADATA_DISABLED": "true",
        })
        assert status == 0, output
        callers[profile] = output["caller"]["arn"]
    # moto names the caller by the access key that signed the request.
    assert callers["role"].startswith("arn:aws:sts::123456789012:assumed-role/asl-runner/"), callers
    assert not callers["process"].startswith("arn:aws:sts::123456789012:assumed-role/"), callers
    items = aws(moto, "dynamodb").scan(TableName="signed")["Items"]
    assert sorted(item["id"]["S"] for item in items) == ["process", "role"]
