//! The dashboard's static files, embedded in release builds (read from
//! `dashboard/dist` at run time in debug builds), with SPA fallback to `index.html`.

use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../../dashboard/dist"]
#[allow_missing = true]
struct Assets;

pub async fn serve_asset(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") || path.starts_with("ws/") {
        return crate::ApiError::NotFound(format!("no such endpoint: /{path}")).into_response();
    }
    if let Some(file) = Assets::get(path).filter(|_| !path.is_empty()) {
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        // Vite puts a content hash in every asset name: they can be cached for good.
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return (
            [
                (header::CONTENT_TYPE, mime.as_ref()),
                (header::CACHE_CONTROL, cache),
            ],
            file.data,
        )
            .into_response();
    }
    match Assets::get("index.html") {
        Some(index) => ([(header::CACHE_CONTROL, "no-cache")], Html(index.data)).into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            Html("<h1>Telemetra</h1><p>The dashboard has not been built. Run <code>npm ci &amp;&amp; npm run build</code> in <code>dashboard/</code> (or <code>make run</code>) and restart. The API is available under <code>/api/v1</code>.</p>"),
        )
            .into_response(),
    }
}
