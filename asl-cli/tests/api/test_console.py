"""The web console in real headless Chromium: Debian's `chromium`, driven by
`playwright-core` (pinned by js/package-lock.json) running js/console.mjs against
a server whose bindings make `Approve` wait for its task token (handed out 2 s
after the state starts) and `Flaky` fail.

The script creates the machines, starts an execution from the page's form,
watches the graph color the states live, reads a state's input and output,
approves the callback from the page, filters the executions, checks a retried
and caught Task's colors, renders a hostile state name as text, and fits a
phone-sized screen. Without Chromium the test fails: `.ci/run` installs it."""

import os
import shutil
import subprocess
import uuid

import pytest

from conftest import Server, js_packages


def chromium():
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is needed (Debian: apt-get install chromium; or set CHROMIUM)")
    return found


def test_the_console_shows_executions_live_and_answers_callbacks(tmp_path):
    place = js_packages()
    bindings = tmp_path / "bindings.toml"
    bindings.write_text(
        # Approve hands its token out 2 s after the page shows it running: the page
        # finds it without a history event to redraw on (regression: CI once waited
        # for the form in vain).
        '[states.Approve]\ncommand = ["sh", "-c", "sleep 2; echo {}"]\n\n[states.Flaky]\ncommand = ["false"]\n'
    )
    server = Server(str(tmp_path / "data"), bindings=str(bindings))
    try:
        done = subprocess.run(
            ["node", "console.mjs"],
            cwd=place,
            capture_output=True,
            text=True,
            timeout=300,
            env=dict(
                os.environ,
                ASL_ENDPOINT=server.endpoint,
                ASL_SUFFIX=uuid.uuid4().hex[:8],
                CHROMIUM=chromium(),
            ),
        )
        print(done.stdout)
        assert done.returncode == 0, done.stdout + done.stderr + "".join(server.log)
        assert done.stdout.count("ok - ") == 11
    finally:
        server.stop()
