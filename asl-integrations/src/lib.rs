//! What serves the Task states of asl workflows: the [`Dispatch`] a compiled
//! machine calls for each Task that the generated code does not run itself.
//!
//! - [`Bindings`]: Task states bound to commands and HTTP endpoints, by state name or
//!   by Resource, read from a TOML file (see [`bindings`]).
//! - [`mock`]: mocked Task results in the mock configuration format of AWS Step
//!   Functions Local (`StateMachines` → `TestCases` → `MockedResponses`), selected
//!   per execution by test case.
//! - [`aws`]: the AWS service integrations (Lambda, DynamoDB, SQS, SNS,
//!   EventBridge, `aws-sdk:*`), on AWS or an AWS-compatible endpoint.
//! - [`http_task`]: the HTTP Task, its connections in the bindings file.
//! - [`Integrations`]: all of them together, in the order a Task is resolved: its
//!   test case's mock, else its state's binding, else its Resource's binding, else
//!   the AWS service its Resource names.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::path::Path;
//! use asl_integrations::mock::{MockConfig, MockRun};
//! use asl_integrations::{Bindings, Integrations};
//!
//! // In a Rust test: the machine's Tasks answered by test case `HappyPath`.
//! let config = MockConfig::load(Path::new("MockConfigFile.json"))?;
//! let case = config.test_case("OrderFlow", "HappyPath")?;
//! let tasks = Integrations::new(Bindings::default()).with_mocks(MockRun::new(case));
//! // order_flow::Machine::new(asl_runtime::Dynamic(tasks)).run(input).await
//! # Ok(())
//! # }
//! ```
//!
//! [`Dispatch`]: asl_runtime::task::Dispatch

#![deny(missing_docs)]

pub mod aws;
pub mod bindings;
pub mod http_task;
mod integrations;
pub mod mock;
mod transport;

pub use bindings::{Bindings, BindingsError, UnboundTasks};
pub use integrations::Integrations;
