"""The AWS SDK for JavaScript v3 against the server, set up as the README shows:
`@aws-sdk/client-sfn`, pinned by js/package-lock.json and installed with `npm ci`
into the build directory, runs js/sdk.mjs (creates machines, StartSyncExecution
through `disableHostPrefix`, StartExecution, lists, an error, TestState)."""

import filecmp
import json
import os
import pathlib
import shutil
import subprocess
import uuid

import pytest

HERE = pathlib.Path(__file__).parent / "js"


def installed():
    """A directory with the pinned SDK installed: beside the asl binary's build
    directory, installed again when the lock file changed."""
    binary = os.environ.get("ASL_BIN")
    if not binary:
        pytest.fail("ASL_BIN must name the asl binary (e.g. target/debug/asl)")
    place = pathlib.Path(binary).resolve().parent.parent / "js-sdk"
    lock = place / "package-lock.json"
    fresh = lock.exists() and filecmp.cmp(lock, HERE / "package-lock.json", shallow=False)
    if not (fresh and (place / "node_modules" / "@aws-sdk" / "client-sfn").is_dir()):
        shutil.rmtree(place, ignore_errors=True)
        place.mkdir(parents=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / name, place / name)
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=place,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            pytest.fail(f"npm ci failed: {done.stderr}")
    shutil.copy(HERE / "sdk.mjs", place / "sdk.mjs")
    return place


def test_the_javascript_sdk_drives_the_api(endpoint):
    place = installed()
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
