//! Durable executions of state machines compiled by asl.
//!
//! - [`Engine`]: runs executions of one compiled machine, checkpointing every
//!   transition to a [`Store`](store::Store), resuming them after a restart,
//!   stopping and redriving them, and answering callback and activity Tasks.
//! - [`store`]: the `Store` trait, [`MemoryStore`](store::MemoryStore), and (feature
//!   `test-util`) the conformance suite every store passes.
//! - [`history`]: execution histories as `GetExecutionHistory` returns them.
//! - [`Control`]: the executions of a store and the engines of the process, driven
//!   by machine name and execution ARN without knowing the machines' types (what a
//!   server answering the Step Functions API holds); each engine a [`Runner`].
//! - [`Machines`]: the machines of one process, so that one can start executions of
//!   another.
//!
//! The engine implements the hooks of [`asl_runtime`] (its journal's
//! [`Notes`](asl_runtime::hooks::Notes), [`TaskTokens`](asl_runtime::hooks::TaskTokens),
//! [`Activities`](asl_runtime::hooks::Activities) and
//! [`Machines`](asl_runtime::hooks::Machines)); it does no network
//! I/O of its own.
#![deny(missing_docs)]

pub mod callbacks;
pub mod control;
mod drive;
mod engine;
mod error;
pub mod history;
mod machines;
mod park;
pub mod store;

pub use callbacks::{ActivityQueue, TokenRegistry};
pub use control::{Control, Runner};
pub use engine::Engine;
pub use error::{EngineError, valid_name};
pub use machines::{Machines, child_ended, child_started};
