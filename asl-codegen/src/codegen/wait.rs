//! Wait states' durations and instants.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::param::Param;
use crate::ir::state::WaitFor;
use crate::ir::timestamp::Timestamp;

use super::intrinsic;
use super::scope::Scope;

/// An `asl_runtime::timestamp::Timestamp` constant for `timestamp`.
pub(super) fn timestamp(timestamp: &Timestamp) -> TokenStream {
    let seconds = timestamp.instant.timestamp();
    let nanos = timestamp.instant.timestamp_subsec_nanos();
    quote!(timestamp::Timestamp::from_unix(#seconds, #nanos))
}

/// Statements that wait as `until` says, reading `*Path` values from `input`.
pub(super) fn wait(scope: &mut Scope, until: &WaitFor, input: &TokenStream) -> TokenStream {
    match until {
        WaitFor::Seconds(seconds) => {
            let seconds = match seconds {
                Param::Fixed(seconds) => {
                    let seconds = super::json::int(*seconds);
                    quote!(#seconds)
                }
                dynamic => read(
                    scope,
                    dynamic,
                    "SecondsPath",
                    quote!(wait::seconds_from),
                    input,
                ),
            };
            if scope.probes {
                // TestState does not wait.
                quote!(let _ = #seconds;)
            } else {
                quote!(wait::seconds(run, #seconds).await;)
            }
        }
        WaitFor::Timestamp(timestamp) => {
            let instant = match timestamp {
                Param::Fixed(timestamp) => self::timestamp(timestamp),
                dynamic => read(
                    scope,
                    dynamic,
                    "TimestampPath",
                    quote!(wait::timestamp_from),
                    input,
                ),
            };
            if scope.probes {
                quote!(let _ = #instant;)
            } else {
                quote!(wait::until(run, &#instant).await;)
            }
        }
    }
}

/// The value of a `SecondsPath` or `TimestampPath` (`field`) read from `input` and
/// checked by `convert` (`wait::seconds_from`, `wait::timestamp_from`).
fn read<T>(
    scope: &mut Scope,
    param: &Param<T>,
    field: &str,
    convert: TokenStream,
    input: &TokenStream,
) -> TokenStream {
    match param {
        Param::Path(path) => {
            let value = scope.read_reference(field, path, input);
            let text = &path.text;
            quote!(#convert(#value, #text)?)
        }
        Param::Intrinsic(call) => {
            let value = intrinsic::call(scope, call, field, input);
            quote!(#convert(&#value, #field)?)
        }
        Param::Fixed(_) => unreachable!("fixed values are handled by the caller"),
        Param::Jsonata(_) => unreachable!("JSONata is rejected before generation"),
    }
}
