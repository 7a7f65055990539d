//! How the SQLite store keeps a checkpoint small: a transition's history repeats its
//! payload (a state's output is the next state's input, a Task's result its state's
//! output, the current state is the last one entered), so only the first copy is
//! written and the others are rebuilt on reading. A payload is JSON text, never
//! empty, so an empty one marks a copy.

use asl_engine::history::{Details, HistoryEvent};

/// Blanks the copies in one checkpoint's events.
pub(super) fn compact(events: &mut [HistoryEvent]) {
    for index in 1..events.len() {
        let (before, after) = events.split_at_mut(index);
        let (previous, event) = (&mut before[index - 1], &mut after[0]);
        match (&mut previous.details, &mut event.details) {
            (Details::StateExited(exited), Details::StateEntered(entered))
                if exited.output == entered.input =>
            {
                entered.input.clear();
            }
            (Details::TaskSucceeded(task), Details::StateExited(exited))
                if task.output == exited.output =>
            {
                task.output.clear();
            }
            _ => {}
        }
    }
}

/// Fills in the copies [`compact`] blanked (each is next to its original, in the
/// same checkpoint).
pub(super) fn expand(events: &mut [HistoryEvent]) {
    for index in (1..events.len()).rev() {
        let (before, after) = events.split_at_mut(index);
        if let (Details::TaskSucceeded(task), Details::StateExited(exited)) =
            (&mut before[index - 1].details, &after[0].details)
            && task.output.is_empty()
        {
            task.output.clone_from(&exited.output);
        }
    }
    for index in 1..events.len() {
        let (before, after) = events.split_at_mut(index);
        if let (Details::StateExited(exited), Details::StateEntered(entered)) =
            (&before[index - 1].details, &mut after[0].details)
            && entered.input.is_empty()
        {
            entered.input.clone_from(&exited.output);
        }
    }
}

/// The state a checkpoint leaves the execution in, as the engine writes it
/// (`{"<name>": <input>}`), when its last event entered that state.
pub(super) fn entered_state(events: &[HistoryEvent]) -> Option<String> {
    match &events.last()?.details {
        Details::StateEntered(entered) => {
            let name = serde_json::to_string(&entered.name).ok()?;
            Some(format!("{{{name}:{}}}", entered.input))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;
    use asl_engine::history::{Entered, EventType, Exited, Recorder, TaskOutput, Truncated};

    fn transition() -> Vec<HistoryEvent> {
        let mut recorder = Recorder::after(3);
        let at = SystemTime::UNIX_EPOCH;
        recorder.record_at(
            at,
            EventType::TaskSucceeded,
            Details::TaskSucceeded(TaskOutput {
                resource_type: "lambda".into(),
                resource: "invoke".into(),
                output: r#"{"a":1}"#.into(),
                output_details: Truncated::default(),
            }),
        );
        recorder.record_at(
            at,
            EventType::TaskStateExited,
            Details::StateExited(Exited {
                name: "T".into(),
                output: r#"{"a":1}"#.into(),
                output_details: Truncated::default(),
            }),
        );
        recorder.record_at(
            at,
            EventType::PassStateEntered,
            Details::StateEntered(Entered {
                name: "Next \"one\"".into(),
                input: r#"{"a":1}"#.into(),
                input_details: Truncated::default(),
            }),
        );
        recorder.take()
    }

    #[test]
    fn copies_are_written_once_and_read_back_whole() {
        let original = transition();
        let mut stored = original.clone();
        compact(&mut stored);
        let written = serde_json::to_string(&stored).unwrap();
        assert_eq!(written.matches(r#"{\"a\":1}"#).count(), 1, "{written}");
        let mut read: Vec<HistoryEvent> = serde_json::from_str(&written).unwrap();
        expand(&mut read);
        assert_eq!(read, original);
        assert_eq!(
            entered_state(&read).as_deref(),
            Some(r#"{"Next \"one\"":{"a":1}}"#)
        );
    }

    #[test]
    fn different_payloads_are_kept() {
        let mut events = transition();
        if let Details::StateEntered(entered) = &mut events[2].details {
            entered.input = "2".into();
        }
        let original = events.clone();
        compact(&mut events);
        expand(&mut events);
        assert_eq!(events, original);
        assert_eq!(entered_state(&events[..2]), None);
    }
}
