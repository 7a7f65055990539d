//! `asl serve`: the AWS Step Functions API over state machines compiled by asl.
#![deny(missing_docs)]

pub mod host;
