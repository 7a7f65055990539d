//! The crash test of `asl serve` (`tests/api/test_crash.py`): STANDARD executions
//! with Waits, command Tasks, callbacks and activities go on, each to its right
//! output, while the server is killed by SIGKILL at random moments and started
//! again. A target of its own, so that it runs beside the other API tests rather
//! than after them. `ASL_CRASH_SEED` repeats a run (its seed is printed).

use std::ffi::OsStr;

#[path = "common/api.rs"]
mod api_common;

use api_common::{passed, pytest, suite};

#[test]
fn executions_survive_the_server_killed_at_random_moments() {
    let test = suite().join("test_crash.py");
    let output = pytest([OsStr::new("-q"), OsStr::new("-s"), test.as_os_str()], []);
    assert!(passed(&output), "the crash test failed ({})", output.status);
}
