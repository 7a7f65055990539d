//! choice (in progress)
