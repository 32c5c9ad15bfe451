//! The service's own metrics, exposed at `GET /metrics` in Prometheus text format.
//!
//! One process-wide registry: every component of a process (processor, API, live
//! fan-out) records into the same set, whichever subcommand runs. Label values come
//! from closed sets (topics, reject reasons, moment types, route templates, status
//! classes), so the number of series stays bounded whatever the input.

use std::sync::LazyLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus::{
    Encoder, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

/// The registry behind `/metrics`.
pub static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::new);

fn register<T: prometheus::core::Collector + Clone + 'static>(metric: T) -> T {
    REGISTRY
        .register(Box::new(metric.clone()))
        .expect("metric names are unique");
    metric
}

fn counter_vec(name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    register(IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric"))
}

/// Input records read, by topic.
pub static EVENTS_RECEIVED: LazyLock<IntCounterVec> = LazyLock::new(|| {
    counter_vec(
        "telemetra_events_received_total",
        "Input records read, by topic.",
        &["topic"],
    )
});
/// Input records rejected to the dead-letter path, by reason.
pub static EVENTS_REJECTED: LazyLock<IntCounterVec> = LazyLock::new(|| {
    counter_vec(
        "telemetra_events_rejected_total",
        "Input records sent to the dead-letter path, by reason.",
        &["reason"],
    )
});
/// Events older than the watermark, by what became of them.
pub static EVENTS_LATE: LazyLock<IntCounterVec> = LazyLock::new(|| {
    counter_vec(
        "telemetra_events_late_total",
        "Events older than the watermark, corrected or dropped.",
        &["outcome"],
    )
});
/// Window results emitted, running or final.
pub static WINDOWS_EMITTED: LazyLock<IntCounterVec> = LazyLock::new(|| {
    counter_vec(
        "telemetra_windows_emitted_total",
        "Window results written, running or final.",
        &["kind"],
    )
});
/// Moments opened, by type.
pub static MOMENTS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    counter_vec(
        "telemetra_moments_total",
        "Moments opened, by type.",
        &["type"],
    )
});
/// Wall clock minus watermark.
pub static WATERMARK_DELAY: LazyLock<Gauge> = LazyLock::new(|| {
    register(
        Gauge::new(
            "telemetra_watermark_delay_seconds",
            "How far the engine's watermark trails the wall clock.",
        )
        .expect("valid metric"),
    )
});
/// Time to write one batch to the store.
pub static STORE_WRITE_SECONDS: LazyLock<Histogram> = LazyLock::new(|| {
    register(
        Histogram::with_opts(
            HistogramOpts::new(
                "telemetra_store_write_seconds",
                "Time to write one batch of results to the store.",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ]),
        )
        .expect("valid metric"),
    )
});
/// Open live WebSocket connections.
pub static WEBSOCKET_CLIENTS: LazyLock<IntGauge> = LazyLock::new(|| {
    register(
        IntGauge::new(
            "telemetra_websocket_clients",
            "Open live WebSocket connections.",
        )
        .expect("valid metric"),
    )
});
/// HTTP requests served, by route template and status.
pub static HTTP_REQUESTS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    counter_vec(
        "telemetra_http_requests_total",
        "HTTP requests served, by route and status.",
        &["route", "status"],
    )
});
/// HTTP request latency, by route template.
pub static HTTP_DURATION: LazyLock<HistogramVec> = LazyLock::new(|| {
    register(
        HistogramVec::new(
            HistogramOpts::new(
                "telemetra_http_request_duration_seconds",
                "HTTP request latency, by route.",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
            ]),
            &["route"],
        )
        .expect("valid metric"),
    )
});

/// Records not yet read by this processor, by input topic (distributed mode).
pub static CONSUMER_LAG: LazyLock<IntGaugeVec> = LazyLock::new(|| {
    register(
        IntGaugeVec::new(
            Opts::new(
                "telemetra_consumer_lag",
                "Records in the assigned Kafka partitions not yet read, by topic.",
            ),
            &["topic"],
        )
        .expect("valid metric"),
    )
});
/// Rejected records that could not be sent to the dead-letter topic.
pub static DEAD_LETTER_SEND_FAILURES: LazyLock<IntCounter> = LazyLock::new(|| {
    register(
        IntCounter::new(
            "telemetra_dead_letter_send_failures_total",
            "Rejected records that could not be queued for the Kafka dead-letter topic.",
        )
        .expect("valid metric"),
    )
});

/// Makes every metric exist from the start (at zero), so dashboards and alerts never
/// see a missing series.
pub fn init() {
    LazyLock::force(&WATERMARK_DELAY);
    LazyLock::force(&STORE_WRITE_SECONDS);
    LazyLock::force(&WEBSOCKET_CLIENTS);
    LazyLock::force(&HTTP_DURATION);
    for topic in ["chat", "viewer", "transactions", "stream_meta", "file"] {
        EVENTS_RECEIVED.with_label_values(&[topic]);
    }
    for topic in ["chat", "viewer", "transactions", "stream_meta"] {
        CONSUMER_LAG.with_label_values(&[topic]);
    }
    LazyLock::force(&DEAD_LETTER_SEND_FAILURES);
    for reason in [
        "malformed_json",
        "invalid_utf8",
        "schema_violation",
        "oversize",
        "unknown_kind",
        "future_timestamp",
        "duplicate_id",
    ] {
        EVENTS_REJECTED.with_label_values(&[reason]);
    }
    for outcome in ["corrected", "dropped"] {
        EVENTS_LATE.with_label_values(&[outcome]);
    }
    for kind in ["running", "final"] {
        WINDOWS_EMITTED.with_label_values(&[kind]);
    }
    for t in [
        "chat_spike",
        "viewer_spike",
        "viewer_drop",
        "donation_burst",
        "sentiment_shift",
        "raid_incoming",
    ] {
        MOMENTS.with_label_values(&[t]);
    }
    LazyLock::force(&HTTP_REQUESTS);
}

/// `GET /metrics`.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain")))]
pub async fn metrics_get() -> Response {
    let mut body = Vec::new();
    let encoder = TextEncoder::new();
    if let Err(e) = encoder.encode(&REGISTRY.gather(), &mut body) {
        tracing::error!(error = %e, "Could not encode metrics.");
    }
    (
        [(header::CONTENT_TYPE, encoder.format_type().to_owned())],
        body,
    )
        .into_response()
}

/// Counts and times every request under its route template (never the raw path, so
/// ids in URLs cannot blow up the label set).
pub async fn track_http(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "dashboard".to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = format!("{}xx", response.status().as_u16() / 100);
    HTTP_REQUESTS
        .with_label_values(&[route.as_str(), status.as_str()])
        .inc();
    HTTP_DURATION
        .with_label_values(&[route.as_str()])
        .observe(started.elapsed().as_secs_f64());
    response
}
