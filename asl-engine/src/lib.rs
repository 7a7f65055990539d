//! Durable executions of state machines compiled by asl.
//!
//! - [`Engine`]: runs executions of one compiled machine, checkpointing every
//!   transition to a [`Store`](store::Store), resuming them after a restart,
//!   stopping and redriving them, and answering callback and activity Tasks.
//! - [`store`]: the `Store` trait, [`MemoryStore`](store::MemoryStore), and (feature
//!   `test-util`) the conformance suite every store passes.
//! - [`history`]: execution histories as `GetExecutionHistory` returns them.
//! - [`Machines`]: the machines of one process, so that one can start executions of
//!   another.
//!
//! The engine implements the hooks of [`asl_runtime`] (its journal's
//! [`Notes`](asl_runtime::journal::Notes), [`TaskTokens`](asl_runtime::task::callback::TaskTokens),
//! [`Activities`](asl_runtime::task::callback::Activities) and
//! [`nested::Machines`](asl_runtime::task::nested::Machines)); it does no network
//! I/O of its own.
#![deny(missing_docs)]

pub mod callbacks;
mod drive;
mod engine;
mod error;
pub mod history;
mod machines;
pub mod store;

pub use callbacks::{ActivityQueue, TokenRegistry};
pub use engine::{Engine, check_token};
pub use error::{EngineError, valid_name};
pub use machines::Machines;
