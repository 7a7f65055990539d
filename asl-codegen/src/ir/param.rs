//! Fields that take a constant, a reference path or an expression.

use super::intrinsic::IntrinsicCall;
use super::jsonata::Jsonata;
use super::path::ReferencePath;

/// A field such as `TimeoutSeconds`/`TimeoutSecondsPath`: fixed in the definition,
/// read from a path, computed by an intrinsic (`ErrorPath`/`CausePath` only) or by a
/// JSONata expression (JSONata mode).
#[derive(Debug, Clone, PartialEq)]
pub enum Param<T> {
    /// The value written in the definition.
    Fixed(T),
    /// The `...Path` variant: read at run time from this place.
    Path(ReferencePath),
    /// An intrinsic function call (`ErrorPath`, `CausePath`).
    Intrinsic(IntrinsicCall),
    /// A `{% %}` expression.
    Jsonata(Jsonata),
}
