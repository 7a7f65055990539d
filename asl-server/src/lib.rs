//! The Step Functions API over asl's durable engine: what `asl serve` runs.
//!
//! A [`Server`] answers the AWS JSON 1.0 protocol ([`protocol`]) the AWS SDKs, the
//! AWS CLI and boto3 speak, over the data directory of its [`Config`]: the
//! [`catalog`] of state machines, versions, aliases, activities and tags
//! (`catalog.db`), and the executions' store (`executions.db`) behind an
//! [`asl_engine::Control`].
//!
//! ```no_run
//! # async fn serve() -> Result<(), Box<dyn std::error::Error>> {
//! use asl_server::{Config, Server};
//!
//! let server = Server::open(Config::from_env("./asl-data")?)?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8083").await?;
//! // Serves until `stop.send(())` (or `stop` is dropped).
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! server.serve(listener, async { stopped.await.ok(); }).await?;
//! # drop(stop);
//! # Ok(())
//! # }
//! ```
//!
//! The actions are [`api::actions`], a table of typed handlers; see [`api`] for
//! how to add one.
#![deny(missing_docs)]

pub mod api;
pub mod arn;
pub mod catalog;
pub mod console;
pub mod execution_logs;
pub mod fleet;
pub mod host;
pub mod metrics;
pub mod protocol;
mod server;
pub mod time;

pub use server::{AppState, Config, OpenError, Server};
