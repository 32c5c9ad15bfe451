//! Access control and hardening: the optional bearer token, CORS, security headers.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::{ApiError, AppState};

/// Security settings of the HTTP server.
#[derive(Clone, Debug, Default)]
pub struct SecurityConfig {
    /// When set, `/api/*` and `/ws/*` require `Authorization: Bearer <token>`
    /// (WebSockets, which browsers cannot give headers, may pass `?access_token=`).
    pub api_token: Option<String>,
    /// Origins allowed to call the API from a browser. Empty: same origin only (no
    /// CORS headers at all), never `*`.
    pub cors_origins: Vec<String>,
    /// Most live WebSocket connections at once; more are refused with 503.
    pub max_websockets: usize,
    /// Requests per second each client address may make to `/api` and `/ws`, with
    /// bursts of twice that; 0 turns the limit off.
    pub rate_limit_per_second: u32,
}

/// The per-client request budget: one GCRA state per client address.
pub type ClientLimiter = governor::DefaultKeyedRateLimiter<IpAddr>;

/// The limiter for `config`, if it limits anything.
pub fn client_limiter(config: &SecurityConfig) -> Option<Arc<ClientLimiter>> {
    let rate = NonZeroU32::new(config.rate_limit_per_second)?;
    let burst = rate.saturating_mul(NonZeroU32::new(2).expect("non-zero"));
    let quota = governor::Quota::per_second(rate).allow_burst(burst);
    Some(Arc::new(governor::RateLimiter::keyed(quota)))
}

/// Answers 429 with `Retry-After` to a client over its budget on `/api` or `/ws`.
/// Dashboard files, health checks and metrics are not limited.
pub async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (Some(limiter), Some(ConnectInfo(peer))) = (
        state.limiter.as_deref(),
        request.extensions().get::<ConnectInfo<SocketAddr>>(),
    ) else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    if !(path.starts_with("/api/") || path.starts_with("/ws/")) {
        return next.run(request).await;
    }
    if let Err(not_until) = limiter.check_key(&peer.ip()) {
        let wait = not_until.wait_time_from(governor::clock::Clock::now(
            &governor::clock::DefaultClock::default(),
        ));
        let mut response = ApiError::TooManyRequests.into_response();
        let seconds = wait.as_secs() + 1;
        if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return response;
    }
    // Forget clients that have been quiet long enough to have a full budget again.
    if limiter.len() > 10_000 {
        limiter.retain_recent();
    }
    next.run(request).await
}

/// Rejects requests to protected paths that lack the configured token.
pub async fn require_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(expected) = state.security.api_token.as_deref() else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    if !(path.starts_with("/api/") || path.starts_with("/ws/")) {
        return next.run(request).await;
    }
    let from_header = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    // Query values arrive percent-encoded (the dashboard encodes the token).
    let from_query = path
        .starts_with("/ws/")
        .then(|| request.uri().query())
        .flatten()
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "access_token")
                .map(|(_, v)| v.into_owned())
        });
    let given = from_header
        .map(str::to_owned)
        .or(from_query)
        .unwrap_or_default();
    // Constant time: the comparison must not reveal how much of a guess was right.
    if given.as_bytes().ct_eq(expected.as_bytes()).into() {
        next.run(request).await
    } else {
        ApiError::Unauthorized.into_response()
    }
}

/// Headers every response carries. The content policy allows only this origin's
/// scripts, styles and connections (the WebSocket included); inline styles are
/// allowed because the chart library sets element styles.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let docs = request.uri().path() == "/docs";
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    // The docs page is one self-contained file with its own inline script.
    let policy = if docs {
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
    } else {
        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
    };
    h.insert("content-security-policy", HeaderValue::from_static(policy));
    response
}

/// CORS for the configured origins only.
pub fn cors(config: &SecurityConfig) -> Option<CorsLayer> {
    if config.cors_origins.is_empty() {
        return None;
    }
    let origins: Vec<HeaderValue> = config
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET])
            .allow_headers([header::AUTHORIZATION]),
    )
}
