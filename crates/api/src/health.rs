//! Liveness and readiness.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
}

/// The process answers.
#[utoipa::path(get, path = "/health", tag = "operations", responses((status = 200, description = "Alive")))]
pub(crate) async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The process can do its job: the store answers and live updates flow.
#[utoipa::path(get, path = "/ready", tag = "operations",
    responses((status = 200, description = "Ready"), (status = 503, description = "A dependency is unreachable")))]
pub(crate) async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let store = match state.store.ping().await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "Store is not reachable.");
            false
        }
    };
    let live = state.hub.is_ready();
    let status = if store && live {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let word = |ok: bool| if ok { "ok" } else { "unreachable" };
    let body = json!({
        "status": if store && live { "ready" } else { "not_ready" },
        "store": word(store),
        "live": word(live),
    });
    (status, Json(body))
}
