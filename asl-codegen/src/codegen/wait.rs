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
    quote!(::asl_runtime::timestamp::Timestamp::from_unix(#seconds, #nanos))
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
                Param::Path(path) => {
                    let name = scope.reference("seconds_path", path);
                    let text = &path.text;
                    quote!(wait::seconds_from(
                        dataflow::reference(&#name, "SecondsPath", #input)?,
                        #text,
                    )?)
                }
                Param::Intrinsic(call) => {
                    let value = intrinsic::call(scope, call, "SecondsPath", input);
                    quote!(wait::seconds_from(&#value, "SecondsPath")?)
                }
                Param::Jsonata(_) => unreachable!("JSONata is rejected before generation"),
            };
            quote!(wait::seconds(#seconds).await;)
        }
        WaitFor::Timestamp(timestamp) => {
            let instant = match timestamp {
                Param::Fixed(timestamp) => self::timestamp(timestamp),
                Param::Path(path) => {
                    let name = scope.reference("timestamp_path", path);
                    let text = &path.text;
                    quote!(wait::timestamp_from(
                        dataflow::reference(&#name, "TimestampPath", #input)?,
                        #text,
                    )?)
                }
                Param::Intrinsic(call) => {
                    let value = intrinsic::call(scope, call, "TimestampPath", input);
                    quote!(wait::timestamp_from(&#value, "TimestampPath")?)
                }
                Param::Jsonata(_) => unreachable!("JSONata is rejected before generation"),
            };
            quote!(wait::until(&#instant).await;)
        }
    }
}
