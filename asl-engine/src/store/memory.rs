//! The in-memory store: checkpoints kept in the process, gone when it ends.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use super::{Ack, Checkpoint, Committed, Created, ExecutionRecord, Store, StoreError};
use crate::history::HistoryEvent;

/// Keeps executions in memory, with the same rules as a durable store: a first
/// checkpoint of an existing ARN writes nothing, and checkpoint `n` must follow
/// `n - 1`.
#[derive(Debug, Default)]
pub struct MemoryStore {
    executions: Mutex<Executions>,
}

#[derive(Debug, Default)]
struct Executions {
    order: Vec<String>,
    callbacks: HashMap<String, String>,
    notes: BTreeMap<String, String>,
    by_arn: HashMap<String, (ExecutionRecord, Vec<HistoryEvent>)>,
    /// Each checkpoint applied, in order: its execution and the range of its
    /// events in that execution's history.
    log: Vec<(String, std::ops::Range<usize>)>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Executions> {
        // A panic elsewhere cannot leave a half-applied checkpoint: each is applied
        // by one assignment or push after every check.
        self.executions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Store for MemoryStore {
    fn commit(&self, checkpoint: Checkpoint) -> Ack {
        Ack::ready(self.lock().apply(checkpoint))
    }

    fn execution(&self, arn: &str) -> Result<Option<ExecutionRecord>, StoreError> {
        Ok(self
            .lock()
            .by_arn
            .get(arn)
            .map(|(record, _)| record.clone()))
    }

    fn executions(&self) -> Result<Vec<ExecutionRecord>, StoreError> {
        let executions = self.lock();
        Ok(executions
            .order
            .iter()
            .map(|arn| executions.by_arn[arn].0.clone())
            .collect())
    }

    fn history(&self, arn: &str) -> Result<Vec<HistoryEvent>, StoreError> {
        Ok(self
            .lock()
            .by_arn
            .get(arn)
            .map(|(_, events)| events.clone())
            .unwrap_or_default())
    }

    fn record_callback(&self, token: &str, outcome: &str) -> Result<bool, StoreError> {
        let mut executions = self.lock();
        if executions.callbacks.contains_key(token) {
            return Ok(false);
        }
        executions
            .callbacks
            .insert(token.to_owned(), outcome.to_owned());
        Ok(true)
    }

    fn callback(&self, token: &str) -> Result<Option<String>, StoreError> {
        Ok(self.lock().callbacks.get(token).cloned())
    }

    fn note(&self, key: String, value: String) -> Ack {
        self.lock().notes.insert(key, value);
        Ack::ready(Ok(Created::New))
    }

    fn noted(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.lock().notes.get(key).cloned())
    }

    fn committed_after(&self, cursor: u64, limit: usize) -> Result<Vec<Committed>, StoreError> {
        let executions = self.lock();
        let first = usize::try_from(cursor).unwrap_or(usize::MAX);
        Ok(executions
            .log
            .iter()
            .enumerate()
            .skip(first)
            .take(limit)
            .map(|(index, (arn, range))| Committed {
                cursor: index as u64 + 1,
                arn: arn.clone(),
                events: executions.by_arn[arn].1[range.clone()].to_vec(),
            })
            .collect())
    }

    fn notes_under(&self, prefix: &str) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self
            .lock()
            .notes
            .range(prefix.to_owned()..)
            .take_while(|(key, _)| key.starts_with(prefix))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect())
    }
}

impl Executions {
    fn apply(&mut self, checkpoint: Checkpoint) -> Result<Created, StoreError> {
        let Checkpoint {
            arn,
            start,
            position,
            events,
        } = checkpoint;
        let conflict = || StoreError::Conflict {
            arn: arn.clone(),
            seq: position.seq,
        };
        match start {
            Some(identity) => {
                if let Some((record, _)) = self.by_arn.get(&arn) {
                    return Ok(Created::Existing(Box::new(record.clone())));
                }
                if position.seq != 0 {
                    return Err(conflict());
                }
                self.order.push(arn.clone());
                self.log.push((arn.clone(), 0..events.len()));
                let record = ExecutionRecord { identity, position };
                self.by_arn.insert(arn, (record, events));
            }
            None => {
                let Some((record, history)) = self.by_arn.get_mut(&arn) else {
                    return Err(conflict());
                };
                if position.seq != record.position.seq + 1 {
                    return Err(conflict());
                }
                let kept = record.position.variables.take();
                record.position = position;
                record.position.variables = record.position.variables.take().or(kept);
                let added = history.len()..history.len() + events.len();
                history.extend(events);
                self.log.push((arn, added));
            }
        }
        Ok(Created::New)
    }
}
