//! The fleet tests of `asl serve --db postgres://...` (`tests/api/test_fleet.py`):
//! several servers on one PostgreSQL database answer any call, take over the
//! executions of one killed or paused past its lease, refuse the late writes of the
//! paused one, and keep every execution right through kills, a pause and a restart
//! of PostgreSQL (the chaos test). Against the server `ASL_TEST_POSTGRES` names;
//! without it, pytest reports the tests as skipped. A target of its own: the chaos
//! test restarts PostgreSQL (`ASL_TEST_POSTGRES_RESTART`), which no other test in
//! this target uses.

use std::ffi::OsStr;

#[path = "common/api.rs"]
mod api_common;

use api_common::{passed, pytest, suite};

#[test]
fn servers_share_one_postgres_database_and_survive_each_others_deaths() {
    let test = suite().join("test_fleet.py");
    let output = pytest(
        [
            OsStr::new("-q"),
            OsStr::new("-s"),
            OsStr::new("-rs"),
            test.as_os_str(),
        ],
        [],
    );
    if std::env::var_os("ASL_TEST_POSTGRES").is_some() {
        let printed = String::from_utf8_lossy(&output.stdout);
        let summary = printed.lines().last().unwrap_or_default();
        assert!(
            passed(&output) && !summary.contains("skipped"),
            "the fleet tests failed or were skipped ({}): ASL_TEST_POSTGRES is set",
            output.status
        );
    } else {
        // pytest said which were skipped, and why.
        assert!(
            output.status.success(),
            "the fleet tests failed ({})",
            output.status
        );
    }
}
