//! Traces over OTLP: when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) names a collector, the spans of the
//! executions this process runs (`execution` → `state` → `attempt` → `http`) are
//! exported to it over OTLP/HTTP (protobuf), and the HTTP requests of Tasks carry
//! the W3C `traceparent`. The other `OTEL_*` variables of the OpenTelemetry SDK
//! apply (`OTEL_SERVICE_NAME`, by default `asl`; `OTEL_BSP_SCHEDULE_DELAY`...).
//!
//! Whether or not traces are exported, the warnings and errors of the PostgreSQL
//! store (retrying a lost connection, unable to write, a write refused to a node
//! that lost its lease) are printed on stderr, which a worker of `asl serve` shares
//! with its server.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt;

/// The variables that turn the export on.
const ENDPOINTS: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
];

/// The export, while the process runs; dropping it sends the spans not sent yet.
#[derive(Debug)]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Starts exporting when `var` names an endpoint (see the module); a
    /// collector that cannot be set up is reported on stderr and the process goes
    /// on without traces.
    pub fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Telemetry {
        // asl's own store warnings only: the SDKs' (a credential provider that
        // found nothing) are not the user's business.
        let warnings = tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .with_filter(
                tracing_subscriber::filter::Targets::new()
                    .with_target("asl_store_postgres", tracing::Level::WARN),
            );
        let provider = ENDPOINTS
            .iter()
            .any(|name| var(name).is_some_and(|value| !value.is_empty()))
            .then(|| provider(var))
            .flatten();
        let traces = provider
            .as_ref()
            .map(|provider| tracing_opentelemetry::layer().with_tracer(provider.tracer("asl")));
        let subscriber = tracing_subscriber::registry().with(warnings).with(traces);
        if tracing::subscriber::set_global_default(subscriber).is_err() {
            return Telemetry { provider: None };
        }
        if provider.is_some() {
            opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        }
        Telemetry { provider }
    }
}

/// The provider exporting to the collector the environment names; `None`, said on
/// stderr, when it cannot be set up.
fn provider(var: &dyn Fn(&str) -> Option<String>) -> Option<SdkTracerProvider> {
    // The exporter's blocking HTTP client may not be made on a tokio thread.
    let exporter = match std::thread::spawn(exporter).join() {
        Ok(Ok(exporter)) => exporter,
        Ok(Err(error)) => {
            eprintln!("asl: traces are not exported: {error}");
            return None;
        }
        Err(_) => return None,
    };
    let name = var("OTEL_SERVICE_NAME").unwrap_or_else(|| "asl".to_owned());
    Some(
        SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(Resource::builder().with_service_name(name).build())
            .build(),
    )
}

fn exporter() -> Result<opentelemetry_otlp::SpanExporter, opentelemetry_otlp::ExporterBuildError> {
    use opentelemetry_otlp::WithExportConfig as _;
    opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
        .build()
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take() {
            // Flushes on the processor's own thread.
            let _ = provider.shutdown();
        }
    }
}
