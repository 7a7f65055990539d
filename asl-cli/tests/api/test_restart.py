"""The catalog is durable: a server stopped by SIGTERM exits cleanly, and the next
one on the same data directory answers with everything the first kept."""

import tempfile
import threading
import time

from conftest import ROLE, Server, client, definition


def test_resources_survive_a_restart():
    with tempfile.TemporaryDirectory() as data_dir:
        first = Server(data_dir)
        sfn = client(first.endpoint)
        arn = sfn.create_state_machine(
            name="kept", definition=definition(), roleArn=ROLE, publish=True,
            tags=[{"key": "k", "value": "v"}],
        )["stateMachineArn"]
        sfn.update_state_machine(stateMachineArn=arn, definition=definition("2"), publish=True)
        sfn.delete_state_machine_version(stateMachineVersionArn=arn + ":2")
        sfn.create_state_machine_alias(
            name="prod", routingConfiguration=[{"stateMachineVersionArn": arn + ":1", "weight": 100}]
        )
        activity = sfn.create_activity(name="kept")["activityArn"]
        assert first.stop() == 0
        assert any("CreateStateMachine" in line for line in first.log)

        second = Server(data_dir)
        sfn = client(second.endpoint)
        described = sfn.describe_state_machine(stateMachineArn=arn)
        assert described["definition"] == definition("2")
        assert sfn.describe_state_machine_alias(stateMachineAliasArn=arn + ":prod")["name"] == "prod"
        assert sfn.describe_activity(activityArn=activity)["name"] == "kept"
        assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "k", "value": "v"}]
        sfn.update_state_machine(stateMachineArn=arn, definition=definition("3"))
        third = sfn.publish_state_machine_version(stateMachineArn=arn)
        assert third["stateMachineVersionArn"] == arn + ":3", "version 2 is never given again"
        assert second.stop() == 0


def test_a_sigterm_ends_the_long_polls_of_activity_workers():
    """Found by the crash test: a graceful stop waited up to 60 s for each
    GetActivityTask in flight. They end at once, without a task."""
    with tempfile.TemporaryDirectory() as data_dir:
        server = Server(data_dir)
        sfn = client(server.endpoint)
        activity = sfn.create_activity(name="polled")["activityArn"]
        polled = {}
        poller = threading.Thread(
            target=lambda: polled.update(sfn.get_activity_task(activityArn=activity))
        )
        poller.start()
        time.sleep(0.5)
        asked = time.monotonic()
        assert server.stop() == 0
        assert time.monotonic() - asked < 10
        poller.join(timeout=10)
        assert "taskToken" not in polled and polled["ResponseMetadata"]["HTTPStatusCode"] == 200
