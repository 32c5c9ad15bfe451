//! One error type for every handler, rendered as `{"error": "..."}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// The body of every error response.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in words that say how to fix the request.
    pub error: String,
}

/// What went wrong, and whose fault it is.
#[derive(Debug)]
pub enum ApiError {
    /// The request is invalid; the message says how to fix it.
    BadRequest(String),
    /// The thing asked for does not exist.
    NotFound(String),
    /// A token is required and was missing or wrong.
    Unauthorized,
    /// A limit is reached (e.g. live connections); try again later.
    Busy(String),
    /// This client made too many requests; `Retry-After` says when to come back.
    TooManyRequests,
    /// A dependency (the store) failed. The detail is logged, never sent: it may
    /// reveal internals.
    Internal(telemetra_store::Error),
}

impl From<telemetra_store::Error> for ApiError {
    fn from(e: telemetra_store::Error) -> Self {
        ApiError::Internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "a valid API token is required: send `Authorization: Bearer <token>`".to_owned(),
            ),
            ApiError::Busy(m) => (StatusCode::SERVICE_UNAVAILABLE, m),
            ApiError::TooManyRequests => (
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests from this address; slow down and retry after the \
                 `Retry-After` seconds"
                    .to_owned(),
            ),
            ApiError::Internal(e) => {
                tracing::error!(error = %e, source = ?std::error::Error::source(&e), "Request failed in the store.");
                let status = if e.is_retryable() {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                };
                (status, "internal error; see the server log".to_owned())
            }
        };
        (status, Json(ErrorBody { error: message })).into_response()
    }
}
