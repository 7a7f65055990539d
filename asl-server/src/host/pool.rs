//! The compiled binaries and their workers: one worker process per binary, started
//! on the first call, started again when it dies, stopped when idle.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use asl_standalone::worker::protocol::{Answer, Call, definition_key};

use super::worker::Worker;
use super::{DefinitionId, Host, HostError, Inner, RESTART_DELAY, lock};

/// How long a worker has to say how many executions it runs before it counts as
/// busy.
const RUNNING_ANSWER: Duration = Duration::from_secs(5);

/// A compiled binary and its worker.
#[derive(Debug)]
pub(super) struct Binary {
    path: PathBuf,
    /// The worker, once started: `None` before, and after it was stopped as idle;
    /// a dead one until another replaces it.
    worker: tokio::sync::Mutex<Option<Arc<Worker>>>,
    /// The calls in flight to its worker.
    in_flight: AtomicUsize,
    /// When its last call ended (or began).
    last_used: Mutex<Instant>,
    /// When its worker last started, and how many of its workers in a row died
    /// before [`STEADY`]: what the next restart waits (see [`restart_delay`]).
    starts: Mutex<(Instant, u32)>,
}

/// How long a worker must have run for its death not to count as a crash loop.
const STEADY: Duration = Duration::from_secs(10);

/// The longest wait before a worker is started again.
const MOST_RESTART_DELAY: Duration = Duration::from_secs(30);

/// How long to wait before starting a worker again after `crashes` workers of its
/// binary in a row died young: [`RESTART_DELAY`], doubled for each, at most
/// [`MOST_RESTART_DELAY`]; so a binary that dies at once (a machine that crashes on
/// resume) does not take the host with it.
fn restart_delay(crashes: u32) -> Duration {
    RESTART_DELAY
        .saturating_mul(2u32.saturating_pow(crashes.min(16)))
        .min(MOST_RESTART_DELAY)
}

/// A call in flight to the worker of a binary: while it lives, the worker is not
/// stopped as idle.
pub(super) struct Busy {
    binary: Arc<Binary>,
    pub(super) worker: Arc<Worker>,
    /// Whether the call counts as a use that keeps the worker from being idle.
    uses: bool,
}

impl Busy {
    /// Counts a call to `worker`, the live worker of `binary`, which `uses` it or
    /// only looks (as `GetActivityTask` polls every live worker). Made while the
    /// binary's worker slot is locked, so that a worker being stopped gets none.
    fn new(binary: &Arc<Binary>, worker: &Arc<Worker>, uses: bool) -> Busy {
        binary.in_flight.fetch_add(1, Ordering::SeqCst);
        if uses {
            *lock(&binary.last_used) = Instant::now();
        }
        Busy {
            binary: Arc::clone(binary),
            worker: Arc::clone(worker),
            uses,
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if self.uses {
            *lock(&self.binary.last_used) = Instant::now();
        }
        self.binary.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Binary {
    /// A look at its worker if one runs now (none is started), which does not keep
    /// it from being idle.
    pub(super) async fn live_worker(self: &Arc<Binary>) -> Option<Busy> {
        let slot = self.worker.lock().await;
        let worker = slot.as_ref().filter(|worker| worker.is_alive())?;
        Some(Busy::new(self, worker, false))
    }

    /// Stops its worker if it runs no execution and no call, and got none for
    /// `idle`; returns whether it did. Never waits for the worker's slot: a slot in
    /// use means a call.
    async fn retire_if_idle(&self, idle: Duration) -> bool {
        let Ok(mut slot) = self.worker.try_lock() else {
            return false;
        };
        let Some(worker) = slot.as_ref().filter(|worker| worker.is_alive()) else {
            return false;
        };
        if self.in_flight.load(Ordering::SeqCst) > 0 || lock(&self.last_used).elapsed() < idle {
            return false;
        }
        // No call can begin while the slot is locked; a worker that does not say
        // soon counts as busy.
        let running = tokio::time::timeout(RUNNING_ANSWER, worker.call(None, Call::Running));
        match running.await {
            Ok(Ok(Answer::Running { count: 0 })) => {}
            _ => return false,
        }
        worker.retire();
        tracing::debug!(binary = %self.path.display(), "stopped an idle worker");
        *slot = None;
        true
    }

    /// Stops its worker, busy or not (its executions stop as in a crash).
    pub(super) async fn retire_now(&self) {
        let mut slot = self.worker.lock().await;
        if let Some(worker) = slot.take() {
            worker.retire();
            tracing::warn!(binary = %self.path.display(), "stopped a worker");
        }
    }

    /// Whether its worker runs, as far as a look without waiting tells.
    fn is_live(&self) -> bool {
        self.worker
            .try_lock()
            .map(|slot| slot.as_ref().is_some_and(|worker| worker.is_alive()))
            // Locked: being started or called.
            .unwrap_or(true)
    }
}

impl Host {
    /// The binary at `path`, with its worker if one runs.
    pub(super) fn binary_at(&self, path: PathBuf) -> Arc<Binary> {
        let mut binaries = lock(&self.inner.binaries);
        Arc::clone(binaries.entry(path.clone()).or_insert_with(|| {
            Arc::new(Binary {
                path,
                worker: tokio::sync::Mutex::new(None),
                in_flight: AtomicUsize::new(0),
                last_used: Mutex::new(Instant::now()),
                starts: Mutex::new((Instant::now(), 0)),
            })
        }))
    }

    pub(super) fn binaries(&self) -> Vec<Arc<Binary>> {
        lock(&self.inner.binaries).values().cloned().collect()
    }

    /// A call to the live worker of `binary`, started if none runs; a worker
    /// started after its predecessor died first resumes the executions it left, of
    /// all its machines.
    pub(super) async fn worker(&self, binary: &Arc<Binary>) -> Result<Busy, HostError> {
        let mut slot = binary.worker.lock().await;
        if let Some(worker) = slot.as_ref().filter(|worker| worker.is_alive()) {
            return Ok(Busy::new(binary, worker, true));
        }
        let restarted = slot.is_some();
        self.make_room(binary).await;
        let config = &self.inner.config;
        let worker = Arc::new(Worker::spawn(
            &binary.path,
            config,
            self.answering(),
            self.restarting(binary),
        )?);
        lock(&binary.starts).0 = Instant::now();
        *slot = Some(Arc::clone(&worker));
        let busy = Busy::new(binary, &worker, true);
        drop(slot);
        self.start_reaping();
        if restarted {
            tracing::warn!(binary = %binary.path.display(), "a worker exited; started another");
            for (key, arns) in self.running_of(binary).await {
                worker.call(Some(key), Call::Resume { arns }).await?;
            }
        }
        Ok(busy)
    }

    /// What to do when the worker of `binary` exits unexpectedly: unless the host
    /// is gone (the server stopped), start another after [`restart_delay`], which
    /// resumes the executions the dead one left, so that their timers fire even
    /// when no call comes for them.
    fn restarting(&self, binary: &Arc<Binary>) -> Box<dyn FnOnce() + Send> {
        let host = Arc::downgrade(&self.inner);
        let binary = Arc::downgrade(binary);
        Box::new(move || {
            let delay = binary.upgrade().map_or(RESTART_DELAY, |binary| {
                let mut starts = lock(&binary.starts);
                let (started, crashes) = &mut *starts;
                *crashes = if started.elapsed() < STEADY {
                    *crashes + 1
                } else {
                    0
                };
                restart_delay(crashes.saturating_sub(1))
            });
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let (Some(inner), Some(binary)) = (host.upgrade(), binary.upgrade()) else {
                    return;
                };
                if let Err(error) = (Host { inner }).worker(&binary).await {
                    tracing::error!(binary = %binary.path.display(), %error, "cannot start a worker again");
                }
            });
        })
    }

    /// The running executions of the machines of `binary` (that this server runs),
    /// by machine key.
    async fn running_of(&self, binary: &Arc<Binary>) -> HashMap<String, Vec<String>> {
        let mut running: HashMap<String, Vec<String>> = HashMap::new();
        let store = self.inner.control.store();
        let Ok(arns) = self.running().await else {
            return running;
        };
        let noted: Vec<(String, DefinitionId)> = arns
            .into_iter()
            .filter_map(|arn| {
                let id = store.noted(&definition_key(&arn)).ok()??;
                Some((arn, DefinitionId(id)))
            })
            .collect();
        let definitions = lock(&self.inner.definitions);
        for (arn, id) in noted {
            let Some(definition) = definitions.get(&id) else {
                continue;
            };
            if let Some(Ok(compiled)) = &*definition.compiled.borrow()
                && Arc::ptr_eq(&compiled.binary, binary)
            {
                running.entry(compiled.key.clone()).or_default().push(arn);
            }
        }
        running
    }

    /// Before a worker starts for `binary`: when [`Limits::workers`] run already,
    /// stops the idle ones, least recently called first, until there is room.
    ///
    /// [`Limits::workers`]: super::Limits::workers
    async fn make_room(&self, binary: &Arc<Binary>) {
        let limit = self.inner.config.limits.workers.max(1);
        let mut live: Vec<Arc<Binary>> = self
            .binaries()
            .into_iter()
            .filter(|other| !Arc::ptr_eq(other, binary) && other.is_live())
            .collect();
        if live.len() < limit {
            return;
        }
        live.sort_by_key(|other| *lock(&other.last_used));
        let mut running = live.len();
        for other in live {
            if running < limit {
                return;
            }
            if other.retire_if_idle(Duration::ZERO).await {
                running -= 1;
            }
        }
        if running >= limit {
            tracing::warn!(
                workers = running + 1,
                limit,
                "more workers than the limit run: the others are busy"
            );
        }
    }

    /// Starts the task that stops idle workers, once.
    fn start_reaping(&self) {
        if self.inner.reaping.swap(true, Ordering::SeqCst) {
            return;
        }
        let idle = self.inner.config.limits.worker_idle;
        let period = (idle / 4).clamp(Duration::from_millis(100), Duration::from_secs(15));
        let host = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(period).await;
                let Some(inner) = host.upgrade() else {
                    return;
                };
                reap(&inner, idle).await;
            }
        });
    }
}

/// Stops the workers of `inner` idle for `idle`.
async fn reap(inner: &Arc<Inner>, idle: Duration) {
    let binaries: Vec<Arc<Binary>> = lock(&inner.binaries).values().cloned().collect();
    for binary in binaries {
        binary.retire_if_idle(idle).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarts_back_off_while_workers_die_young() {
        let delays: Vec<Duration> = (0..10).map(restart_delay).collect();
        assert_eq!(delays[0], RESTART_DELAY);
        assert_eq!(delays[1], RESTART_DELAY * 2);
        assert_eq!(delays[3], RESTART_DELAY * 8);
        assert!(delays.windows(2).all(|pair| pair[0] <= pair[1]));
        assert_eq!(restart_delay(9), MOST_RESTART_DELAY);
        assert_eq!(restart_delay(u32::MAX), MOST_RESTART_DELAY);
    }
}
