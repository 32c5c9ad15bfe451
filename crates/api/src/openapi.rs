//! The OpenAPI 3 document, generated from the handlers, and the interactive docs page.
//!
//! `openapi.json` at the repository root is this document, committed: a test fails
//! when it is stale, and the dashboard's types are checked against it.

use axum::response::{Html, IntoResponse};
use axum::Json;
use utoipa::OpenApi;

use crate::{error, health, metrics, streams, ws};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Telemetra API",
        description = "Real-time analytics for live streams: channels, windowed metrics, moments and live updates.",
        license(name = "Apache-2.0")
    ),
    paths(
        health::health,
        health::ready,
        metrics::metrics_get,
        streams::streams_list,
        streams::stream_get,
        streams::stream_metrics,
        streams::stream_moments,
        streams::stream_viewers,
        streams::stream_transactions,
        streams::stream_emotes,
        streams::stream_chatters,
        ws::ws_live,
    ),
    components(schemas(error::ErrorBody, telemetra_live::LiveMessage)),
    tags(
        (name = "streams", description = "Channels and their analytics"),
        (name = "live", description = "Live updates over WebSocket"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
/// The API's OpenAPI description.
pub struct ApiDoc;

/// The document as pretty JSON (what `GET /openapi.json` serves and the repository keeps).
pub fn document() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .expect("the API description serializes")
}

/// `GET /openapi.json`.
pub async fn openapi_json() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}

/// `GET /docs`: a self-contained docs page: lists every operation from `/openapi.json` and lets
/// the reader try GET requests. No CDN, no build step, so it works offline.
pub async fn docs_page() -> Html<&'static str> {
    Html(include_str!("docs.html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `openapi.json` at the repository root is generated, never edited by hand.
    /// Regenerate it with `UPDATE_OPENAPI=1 cargo test -p telemetra-api openapi`.
    #[test]
    fn committed_openapi_document_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.json");
        let current = document() + "\n";
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(path, &current).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == current,
            "openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p telemetra-api openapi` and commit it"
        );
    }

    #[test]
    fn every_route_is_documented() {
        let doc: serde_json::Value = serde_json::from_str(&document()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for route in [
            "/health",
            "/ready",
            "/metrics",
            "/api/v1/streams",
            "/api/v1/streams/{id}",
            "/api/v1/streams/{id}/metrics",
            "/api/v1/streams/{id}/moments",
            "/api/v1/streams/{id}/viewers",
            "/api/v1/streams/{id}/transactions",
            "/api/v1/streams/{id}/emotes",
            "/api/v1/streams/{id}/chatters",
            "/ws/live/{id}",
        ] {
            assert!(
                paths.contains_key(route),
                "{route} is not in the OpenAPI document"
            );
        }
        assert_eq!(
            doc["openapi"].as_str().map(|v| v.starts_with("3.")),
            Some(true)
        );
        let window = &doc["components"]["schemas"]["WindowMetrics"]["properties"];
        assert!(
            window["message_count"].is_object() && window["top_emotes"].is_object(),
            "{window}"
        );
    }
}
