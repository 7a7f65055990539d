//! Where a Parallel branch or Map iteration runs, as Task idempotency keys and the
//! durable engine's journal name it.

use std::sync::Arc;

use crate::events::Events;

/// Where a Parallel branch or Map iteration runs: which branch or item of which
/// entry (and attempt) of which state, inside the branch or iteration around it.
/// Task idempotency keys and the durable engine's [`Journal`](crate::journal::Journal)
/// name it, so that the same state run in two iterations, or in two entries of the
/// Map around it, differs.
#[derive(Debug, Clone)]
pub struct Place {
    around: Around,
    part: Part,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Branch(usize),
    Item(usize),
}

/// The entry of a Parallel or Map state whose branches or items are run: what their
/// [`Place`]s are made from (see [`Run::around`](crate::exec::Run::around)).
#[derive(Debug, Clone)]
pub struct Around {
    outer: Option<Arc<Place>>,
    state: &'static str,
    entered: u64,
    attempt: u32,
    /// Where the state records its history events, under the durable engine.
    events: Option<Arc<Events>>,
}

impl Around {
    /// The entry `entered` (attempt `attempt`) of the Parallel or Map state `state`,
    /// inside the branch or iteration `outer`, recording its events in `events`.
    pub(crate) fn new(
        outer: Option<Arc<Place>>,
        state: &'static str,
        entered: u64,
        attempt: u32,
        events: Option<Arc<Events>>,
    ) -> Around {
        Around {
            outer,
            state,
            entered,
            attempt,
            events,
        }
    }

    /// The place of branch `index` (from 0) of the Parallel state.
    pub fn branch(&self, index: usize) -> Arc<Place> {
        Arc::new(Place {
            around: self.clone(),
            part: Part::Branch(index),
        })
    }

    /// The place of the iteration of item `index` (from 0) of the Map state.
    pub fn item(&self, index: usize) -> Arc<Place> {
        Arc::new(self.item_place(index))
    }

    pub(crate) fn item_place(&self, index: usize) -> Place {
        Place {
            around: self.clone(),
            part: Part::Item(index),
        }
    }
}

impl Place {
    /// The Map state's name and the item's index, for a Map iteration.
    pub(crate) fn item(&self) -> Option<(&'static str, usize)> {
        match self.part {
            Part::Item(index) => Some((self.around.state, index)),
            Part::Branch(_) => None,
        }
    }

    /// The history event id before the events of this branch or iteration, counted
    /// as in [`Run::history_event_id`](crate::exec::Run::history_event_id): a branch's first state is entered two
    /// events after its Parallel (`ParallelStateStarted` between), an iteration's
    /// three after its Map (`MapStateStarted`, `MapIterationStarted`); a branch's own
    /// ids count from 2 (after `ExecutionStarted`).
    pub(crate) fn first_event_id(&self) -> u64 {
        let entered = match &self.around.outer {
            None => self.around.entered,
            Some(outer) => outer.first_event_id() + self.around.entered,
        };
        match self.part {
            Part::Branch(_) => entered,
            Part::Item(_) => entered + 1,
        }
    }

    /// Where the state running this branch or iteration records its history
    /// events, under the durable engine.
    pub(crate) fn around_events(&self) -> Option<&Arc<Events>> {
        self.around.events.as_ref()
    }
}

impl std::fmt::Display for Place {
    /// From the outermost state in, each as `<state>@<StateEntered id>.<retry
    /// count>` and `[<item index>]` or `(<branch index>)`:
    /// `Fulfil@5.0(1)/Lines@2.0[3]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.around)?;
        match self.part {
            Part::Branch(index) => write!(f, "({index})"),
            Part::Item(index) => write!(f, "[{index}]"),
        }
    }
}

impl std::fmt::Display for Around {
    /// `[<place>/]<state>@<StateEntered id>.<retry count>` (see [`Place`]).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Around {
            outer,
            state,
            entered,
            attempt,
            events: _,
        } = self;
        if let Some(outer) = outer {
            write!(f, "{outer}/")?;
        }
        write!(f, "{state}@{entered}.{attempt}")
    }
}

/// The entry whose branches and iterations a redriven state takes over: the
/// `StateEntered` id and retry count of the attempt that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    /// The failed entry's `StateEntered` id.
    pub entered: u64,
    /// The retry count of its failed attempt.
    pub attempt: u32,
}

/// `<execution ARN>/[<place>/]<state>/<StateEntered id>`: the key of an entry of
/// `state`.
pub fn entry_key(arn: &str, place: Option<&Place>, state: &str, entered: u64) -> String {
    match place {
        Some(place) => format!("{arn}/{place}/{state}/{entered}"),
        None => format!("{arn}/{state}/{entered}"),
    }
}
