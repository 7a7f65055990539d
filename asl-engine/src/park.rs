//! Parking an execution that only waits (see [`asl_runtime::hooks::Park`]): its
//! store keeps a timer, and its run here ends until the timer fires.

use std::sync::Arc;
use std::time::SystemTime;

use tokio::sync::Notify;

use asl_runtime::hooks::{Boxed, Park};

use crate::store::Store;

/// The [`Park`] of one execution's run: asks the store for a timer and, once it
/// holds one, tells the run ([`Parker::parked`]) to end without a checkpoint.
#[derive(Debug)]
pub(crate) struct Parker {
    store: Arc<dyn Store>,
    arn: String,
    /// When the execution's `TimeoutSeconds` run out: a parked execution wakes then
    /// at the latest, to time out.
    deadline: Option<SystemTime>,
    parked: Arc<Notify>,
}

impl Parker {
    /// The parker of execution `arn` in `store`, which times out at `deadline`.
    pub(crate) fn new(store: Arc<dyn Store>, arn: String, deadline: Option<SystemTime>) -> Parker {
        Parker {
            store,
            arn,
            deadline,
            parked: Arc::new(Notify::new()),
        }
    }

    /// Notified once the execution is parked: its run ends there.
    pub(crate) fn parked(&self) -> Arc<Notify> {
        Arc::clone(&self.parked)
    }
}

impl Park for Parker {
    fn park(&self, due: SystemTime, awaiting: Option<&str>) -> Boxed<'static, ()> {
        let due = self.deadline.map_or(due, |deadline| due.min(deadline));
        let parking = self.store.park(&self.arn, due, awaiting);
        let (parked, arn) = (Arc::clone(&self.parked), self.arn.clone());
        Box::pin(async move {
            match parking.await {
                Ok(true) => {
                    parked.notify_one();
                    std::future::pending::<()>().await;
                }
                Ok(false) => {}
                // It waits here instead.
                Err(error) => tracing::warn!(%error, %arn, "cannot park a waiting execution"),
            }
        })
    }
}
