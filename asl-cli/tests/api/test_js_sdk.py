"""The AWS SDK for JavaScript v3 against the server, set up as the README shows:
`@aws-sdk/client-sfn`, pinned by js/package-lock.json and installed with `npm ci`
into the build directory, runs js/sdk.mjs (creates machines, StartSyncExecution
through `disableHostPrefix`, StartExecution, lists, an error, TestState)."""

import json
import os
import subprocess
import uuid

from conftest import js_packages


def test_the_javascript_sdk_drives_the_api(endpoint):
    place = js_packages()
    suffix = uuid.uuid4().hex[:8]
    done = subprocess.run(
        ["node", "sdk.mjs"],
        cwd=place,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, ASL_ENDPOINT=endpoint, ASL_SUFFIX=suffix),
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["sync"] == {"status": "SUCCEEDED", "output": {"greeting": "hello javascript"}}
    assert seen["standard"] == {
        "status": "SUCCEEDED",
        "output": {"greeting": "hello node"},
        "startDateIsDate": True,
    }
    assert seen["listed"] == [f"js-express-{suffix}", f"js-standard-{suffix}"]
    assert seen["missing"] == {"name": "StateMachineDoesNotExist", "status": 400}
    assert seen["tested"] == {
        "status": "SUCCEEDED",
        "output": {"greeting": "hello a test"},
        "afterParameters": {"greeting": "hello a test"},
    }
