//! Execution history: the events AWS records for an execution, shaped as
//! `GetExecutionHistory` returns them (`{timestamp, type, id, previousEventId,
//! <type>EventDetails}`).
//!
//! The durable [`Engine`](crate::Engine) records them as it goes: `ExecutionStarted`,
//! then for each state `<Type>StateEntered`, for each attempt of a Task
//! `TaskScheduled`, `TaskStarted` and `TaskSucceeded`, `TaskFailed` or `TaskTimedOut`,
//! a Parallel's `ParallelStateStarted` and
//! `ParallelStateSucceeded` or `ParallelStateFailed`, a Map's `MapStateStarted`, its
//! iterations' `MapIterationStarted` and `MapIterationSucceeded` or
//! `MapIterationFailed` and `MapStateSucceeded` or `MapStateFailed` (the events of
//! the states inside branches and iterations in between), `<Type>StateExited`, and
//! finally one of
//! `ExecutionSucceeded`, `ExecutionFailed`, `ExecutionTimedOut` or `ExecutionAborted`.
//! Ids count from 1 without a gap; each event's `previousEventId` is the event before
//! it (0 for the first), as AWS numbers a sequential execution.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

pub use asl_runtime::events::details::*;

/// One history event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEvent {
    /// When it happened, as the AWS CLI prints it (`2024-12-27T16:02:37.123000+00:00`).
    pub timestamp: String,
    /// The event type.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// Its id: 1 for `ExecutionStarted`, then one more for each event.
    pub id: u64,
    /// The id of the event before it (0 for the first).
    pub previous_event_id: u64,
    /// The details object AWS attaches to events of this type.
    #[serde(flatten)]
    pub details: Details,
}

/// Appends events with the next ids, each pointing at the one before.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recorder {
    last_id: u64,
    events: Vec<HistoryEvent>,
}

impl Recorder {
    /// A recorder whose next event gets id `last_id + 1`.
    pub fn after(last_id: u64) -> Recorder {
        Recorder {
            last_id,
            events: Vec::new(),
        }
    }

    /// The id of the last event recorded (or the one recorded before this recorder).
    pub fn last_id(&self) -> u64 {
        self.last_id
    }

    /// Records an event of `kind` with `details`, happening now.
    pub fn record(&mut self, kind: EventType, details: Details) {
        self.record_at(SystemTime::now(), kind, details);
    }

    /// Records an event of `kind` with `details`, at `time`.
    ///
    /// It points at the event before it, except where AWS's histories point at
    /// none (0): the first state entered, after `ExecutionStarted`, and
    /// `ExecutionAborted`.
    pub fn record_at(&mut self, time: SystemTime, kind: EventType, details: Details) {
        self.last_id += 1;
        let previous_event_id = match self.last_id - 1 {
            1 => 0,
            _ if kind == EventType::ExecutionAborted => 0,
            previous => previous,
        };
        self.events.push(HistoryEvent {
            timestamp: event_time(time),
            kind,
            id: self.last_id,
            previous_event_id,
            details,
        });
    }

    /// The events recorded since the last take.
    pub fn take(&mut self) -> Vec<HistoryEvent> {
        std::mem::take(&mut self.events)
    }
}

/// `time` as the AWS CLI prints event timestamps.
pub fn event_time(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time)
        .format("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        .to_string()
}

/// The time an event's `timestamp` (see [`event_time`]) names, in Unix
/// milliseconds; `None` when it is not such a time.
pub fn event_millis(timestamp: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(timestamp)
        .ok()
        .map(|time| time.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialize_as_get_execution_history_returns_them() {
        let mut recorder = Recorder::after(0);
        recorder.record_at(
            SystemTime::UNIX_EPOCH,
            EventType::PassStateEntered,
            Details::StateEntered(Entered {
                name: "Hello".into(),
                input: "{}".into(),
                input_details: Truncated::default(),
            }),
        );
        let events = recorder.take();
        assert_eq!(
            serde_json::to_value(&events[0]).unwrap(),
            serde_json::json!({
                "timestamp": "1970-01-01T00:00:00.000000+00:00",
                "type": "PassStateEntered",
                "id": 1,
                "previousEventId": 0,
                "stateEnteredEventDetails": {
                    "name": "Hello",
                    "input": "{}",
                    "inputDetails": {"truncated": false}
                }
            })
        );
        let back: HistoryEvent =
            serde_json::from_value(serde_json::to_value(&events[0]).unwrap()).unwrap();
        assert_eq!(back, events[0]);
        assert!(recorder.take().is_empty());
        assert_eq!(recorder.last_id(), 1);
    }
}
