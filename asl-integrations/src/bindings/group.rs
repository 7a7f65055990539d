//! The process group a command runs in, and what ends it.
//!
//! A command must not outlive the execution that started it, even when that
//! process is SIGKILLed and runs no code of its own on the way out. So each command
//! joins a process group led by a watchdog: a `sh` that waits to read from a pipe
//! only this process writes to (never writing), and kills its whole group when that
//! read returns. The read returns once every copy of the pipe's write end is
//! closed, which happens when this process dies however it dies: the kernel closes
//! its files. The write end is close-on-exec, so commands do not hold it; a child
//! forked but not yet exec'ed does hold it until its exec, by which time it has
//! joined the group, so no command starts outside the group it would be killed
//! with. Unlike a parent-death signal (`PR_SET_PDEATHSIG`, which fires when the
//! forking *thread* ends and reaches only the direct child), this kills everything
//! in the group, needs no `unsafe` `pre_exec`, and works on every Unix.
//!
//! When the command ends, only the watchdog is killed: what the command left
//! running in the background is its business. When the Task is abandoned (its
//! timeout or heartbeat ran out, or its execution was dropped), the whole group is.

#[cfg(unix)]
pub(super) use unix::Group;

#[cfg(not(unix))]
pub(super) use other::Group;

#[cfg(unix)]
mod unix {
    use std::io;
    use std::process::Stdio;

    use nix::sys::signal::{Signal, killpg};
    use nix::unistd::Pid;

    /// The watchdog: its group is killed when its stdin reaches end of file, which
    /// happens only when this process has died (it is killed first otherwise).
    const WATCHDOG: &str = "read -r line; kill -9 0";

    /// A process group for one command, led by a watchdog. Dropped before
    /// [`Group::ended`], it kills the whole group.
    #[derive(Debug)]
    pub(crate) struct Group {
        /// The group's id (the watchdog's pid) while the group is to be killed on drop.
        id: Option<Pid>,
        watchdog: tokio::process::Child,
        /// The write end of the watchdog's stdin: held, never written.
        _lifeline: Option<tokio::process::ChildStdin>,
    }

    impl Group {
        /// Starts the watchdog, leading a new process group.
        pub(crate) fn start() -> io::Result<Group> {
            let mut watchdog = tokio::process::Command::new("sh")
                .arg("-c")
                .arg(WATCHDOG)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                // Reaped in the background once killed.
                .kill_on_drop(false)
                .spawn()?;
            let lifeline = watchdog.stdin.take();
            let id = watchdog
                .id()
                .and_then(|id| i32::try_from(id).ok())
                .map(Pid::from_raw)
                .ok_or_else(|| io::Error::other("the watchdog has no process id"))?;
            Ok(Group {
                id: Some(id),
                watchdog,
                _lifeline: lifeline,
            })
        }

        /// Makes `command` join the group when it is spawned.
        pub(crate) fn join(&self, command: &mut tokio::process::Command) {
            if let Some(id) = self.id {
                command.process_group(id.as_raw());
            }
        }

        /// The command ended: the watchdog goes, and nothing else.
        pub(crate) fn ended(mut self) {
            self.id = None;
            // Killed before its pipe closes (when `self` drops), so that it cannot
            // read the end of file and kill the group. Already gone, it has nothing
            // left to do.
            let _ = self.watchdog.start_kill();
        }
    }

    impl Drop for Group {
        fn drop(&mut self) {
            if let Some(id) = self.id {
                // The watchdog, unreaped, keeps the group's id from being reused; the
                // group may hold nothing else by now.
                let _ = killpg(id, Signal::SIGKILL);
            }
        }
    }
}

#[cfg(not(unix))]
mod other {
    use std::io;

    /// Without process groups, a command is only killed when its Task is
    /// abandoned (its child handle kills it on drop).
    #[derive(Debug)]
    pub(crate) struct Group;

    impl Group {
        pub(crate) fn start() -> io::Result<Group> {
            Ok(Group)
        }

        pub(crate) fn join(&self, _command: &mut tokio::process::Command) {}

        pub(crate) fn ended(self) {}
    }
}
