//! `/api/v1/streams`: channels, their window series and their moments.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use telemetra_store::Page;
use telemetra_types::{ChannelId, Moment, StreamSummary, Timestamp, WindowMetrics};

use crate::{query, ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/streams", get(streams_list))
        .route("/api/v1/streams/{id}", get(stream_get))
        .route("/api/v1/streams/{id}/metrics", get(stream_metrics))
        .route("/api/v1/streams/{id}/moments", get(stream_moments))
}

type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

fn params(p: Params) -> Result<HashMap<String, String>, ApiError> {
    p.map(|Query(q)| q)
        .map_err(|e| ApiError::BadRequest(format!("invalid query string: {e}")))
}

#[derive(Serialize)]
struct StreamList {
    items: Vec<StreamSummary>,
    page: u32,
    page_size: u32,
    total: u64,
}

async fn streams_list(
    State(state): State<AppState>,
    p: Params,
) -> Result<Json<StreamList>, ApiError> {
    let p = params(p)?;
    let page = query::bounded("page", p.get("page").map(String::as_str), 1, 1_000_000)?;
    let page_size = query::bounded("page_size", p.get("page_size").map(String::as_str), 50, 200)?;
    let (items, total) = state.store.list_streams(Page { page, page_size }).await?;
    Ok(Json(StreamList {
        items,
        page,
        page_size,
        total,
    }))
}

async fn known_stream(state: &AppState, id: &str) -> Result<(ChannelId, StreamSummary), ApiError> {
    let id = query::channel(id)?;
    match state.store.stream(&id).await? {
        Some(s) => Ok((id, s)),
        None => Err(ApiError::NotFound(format!(
            "no stream \"{id}\" has been seen"
        ))),
    }
}

async fn stream_get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<StreamSummary>, ApiError> {
    Ok(Json(known_stream(&state, &id).await?.1))
}

#[derive(Serialize)]
struct MetricsSeries {
    stream_id: ChannelId,
    from: Timestamp,
    to: Timestamp,
    windows: Vec<WindowMetrics>,
}

async fn stream_metrics(
    State(state): State<AppState>,
    Path(id): Path<String>,
    p: Params,
) -> Result<Json<MetricsSeries>, ApiError> {
    let p = params(p)?;
    let (from, to) = query::range(
        p.get("from").map(String::as_str),
        p.get("to").map(String::as_str),
    )?;
    let (id, _) = known_stream(&state, &id).await?;
    let windows = state.store.windows(&id, from, to).await?;
    Ok(Json(MetricsSeries {
        stream_id: id,
        from,
        to,
        windows,
    }))
}

#[derive(Serialize)]
struct MomentList {
    stream_id: ChannelId,
    moments: Vec<Moment>,
}

async fn stream_moments(
    State(state): State<AppState>,
    Path(id): Path<String>,
    p: Params,
) -> Result<Json<MomentList>, ApiError> {
    let p = params(p)?;
    let limit = query::bounded("limit", p.get("limit").map(String::as_str), 50, 500)?;
    // Moments default to the last 24 hours: they are rare and worth seeing.
    let from = p.get("from").map(String::as_str);
    let to = p.get("to").map(String::as_str);
    let (from, to) = if from.is_none() && to.is_none() {
        let now = telemetra_types::now_ms();
        (Timestamp(now - 24 * 3_600_000), Timestamp(now + 1))
    } else {
        query::range(from, to)?
    };
    let (id, _) = known_stream(&state, &id).await?;
    let moments = state.store.moments(&id, from, to, limit).await?;
    Ok(Json(MomentList {
        stream_id: id,
        moments,
    }))
}
