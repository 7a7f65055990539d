//! wait (in progress)
