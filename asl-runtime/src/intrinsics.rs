//! intrinsics (in progress)
