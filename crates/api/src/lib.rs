//! The HTTP face of Telemetra: REST, the live WebSocket and the dashboard.
//!
//! [`app`] builds the router over an [`AppState`] (a store to read and a hub to
//! subscribe to), separate from [`serve`], so tests drive it in-process. One module
//! per resource; every error leaves through [`ApiError`] as JSON.

mod dashboard;
mod error;
mod health;
pub mod metrics;
pub mod openapi;
/// Parsing of path and query parameters; public so it can be fuzzed on its own.
pub mod query;
mod security;
mod streams;
mod ws;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::HeaderName;
use axum::Router;
use telemetra_live::LiveHub;
use telemetra_store::Store;
use tokio::net::TcpListener;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids: the process start time and a counter, unique without a random source.
#[derive(Clone, Default)]
struct RequestIds {
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        static EPOCH: std::sync::LazyLock<u64> =
            std::sync::LazyLock::new(|| telemetra_types::now_ms().max(0) as u64);
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        axum::http::HeaderValue::from_str(&format!("{:x}-{n:x}", *EPOCH))
            .ok()
            .map(RequestId::new)
    }
}

pub use error::ApiError;
pub use security::SecurityConfig;

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    /// Where metrics are read from.
    pub store: Arc<dyn Store>,
    /// Where live updates come from.
    pub hub: Arc<dyn LiveHub>,
    /// Access control and limits.
    pub security: SecurityConfig,
    /// Bounds concurrent live connections.
    pub websockets: Arc<tokio::sync::Semaphore>,
    /// Per-client request budget, when limited.
    pub limiter: Option<Arc<security::ClientLimiter>>,
}

impl AppState {
    /// State for a store, a hub and security settings.
    pub fn new(store: Arc<dyn Store>, hub: Arc<dyn LiveHub>, security: SecurityConfig) -> Self {
        let websockets = Arc::new(tokio::sync::Semaphore::new(security.max_websockets.max(1)));
        Self {
            limiter: security::client_limiter(&security),
            store,
            hub,
            security,
            websockets,
        }
    }
}

/// Largest request body accepted: the API takes no bodies; this bounds what a client
/// can make the server buffer.
const MAX_BODY_BYTES: usize = 16 * 1024;

/// The complete router.
pub fn app(state: AppState) -> Router {
    metrics::init();
    let cors = security::cors(&state.security);
    let router = Router::new()
        .route("/metrics", axum::routing::get(metrics::metrics_get))
        .route("/openapi.json", axum::routing::get(openapi::openapi_json))
        .route("/docs", axum::routing::get(openapi::docs_page))
        .merge(health::router())
        .merge(streams::router())
        .merge(ws::router())
        .fallback(dashboard::serve_asset)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::require_token,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::rate_limit,
        ))
        .layer(axum::middleware::from_fn(security::security_headers))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_BODY_BYTES,
        ))
        .layer(axum::middleware::from_fn(metrics::track_http))
        // Every request gets an id (or keeps the caller's `x-request-id`), logged in its
        // span and returned in the response, so a user's report can be found in the logs.
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), RequestIds::default()));
    let router = match cors {
        Some(cors) => router.layer(cors),
        None => router,
    };
    router.with_state(state)
}

/// Serves the app on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
