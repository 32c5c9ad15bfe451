//! `/api/v1/streams`: channels, their window series and their moments.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use telemetra_store::{MoneySummary, Page, TopList, TransactionRecord, ViewerSample};
use telemetra_types::{ChannelId, CountEntry, Moment, StreamSummary, Timestamp, WindowMetrics};

use crate::{query, ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/streams", get(streams_list))
        .route("/api/v1/streams/{id}", get(stream_get))
        .route("/api/v1/streams/{id}/metrics", get(stream_metrics))
        .route("/api/v1/streams/{id}/moments", get(stream_moments))
        .route("/api/v1/streams/{id}/viewers", get(stream_viewers))
        .route(
            "/api/v1/streams/{id}/transactions",
            get(stream_transactions),
        )
        .route("/api/v1/streams/{id}/emotes", get(stream_emotes))
        .route("/api/v1/streams/{id}/chatters", get(stream_chatters))
}

type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

/// The `from`/`to` parameters (default: the last 15 minutes).
fn range(p: &HashMap<String, String>) -> Result<(Timestamp, Timestamp), ApiError> {
    query::range(
        p.get("from").map(String::as_str),
        p.get("to").map(String::as_str),
    )
}

fn limit(p: &HashMap<String, String>, default: u32, max: u32) -> Result<u32, ApiError> {
    query::bounded("limit", p.get("limit").map(String::as_str), default, max)
}

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
    let (from, to) = range(&p)?;
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
    let limit = limit(&p, 50, 500)?;
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

/// Viewer samples returned at most per request; longer ranges are thinned evenly.
const MAX_VIEWER_POINTS: u32 = 2_000;

#[derive(Serialize)]
struct ViewerSeries {
    stream_id: ChannelId,
    from: Timestamp,
    to: Timestamp,
    samples: Vec<ViewerSample>,
}

async fn stream_viewers(
    State(state): State<AppState>,
    Path(id): Path<String>,
    p: Params,
) -> Result<Json<ViewerSeries>, ApiError> {
    let p = params(p)?;
    let (from, to) = range(&p)?;
    let (id, _) = known_stream(&state, &id).await?;
    let samples = state
        .store
        .viewers(&id, from, to, MAX_VIEWER_POINTS)
        .await?;
    Ok(Json(ViewerSeries {
        stream_id: id,
        from,
        to,
        samples,
    }))
}

#[derive(Serialize)]
struct TransactionList {
    stream_id: ChannelId,
    from: Timestamp,
    to: Timestamp,
    transactions: Vec<TransactionRecord>,
    summary: MoneySummary,
}

async fn stream_transactions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    p: Params,
) -> Result<Json<TransactionList>, ApiError> {
    let p = params(p)?;
    let (from, to) = range(&p)?;
    let limit = limit(&p, 100, 1_000)?;
    let (id, _) = known_stream(&state, &id).await?;
    let (transactions, summary) = state.store.transactions(&id, from, to, limit).await?;
    Ok(Json(TransactionList {
        stream_id: id,
        from,
        to,
        transactions,
        summary,
    }))
}

/// Emotes or chatters with their counts over a range.
#[derive(Serialize)]
struct TopEntries {
    stream_id: ChannelId,
    from: Timestamp,
    to: Timestamp,
    #[serde(flatten)]
    entries: TopField,
}

/// The list under its resource's name: `emotes` or `chatters`.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum TopField {
    Emotes(Vec<CountEntry>),
    Chatters(Vec<CountEntry>),
}

async fn stream_emotes(
    state: State<AppState>,
    id: Path<String>,
    p: Params,
) -> Result<Json<TopEntries>, ApiError> {
    top_list(state, id, p, TopList::Emotes).await
}

async fn stream_chatters(
    state: State<AppState>,
    id: Path<String>,
    p: Params,
) -> Result<Json<TopEntries>, ApiError> {
    top_list(state, id, p, TopList::Chatters).await
}

async fn top_list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    p: Params,
    list: TopList,
) -> Result<Json<TopEntries>, ApiError> {
    let p = params(p)?;
    let (from, to) = range(&p)?;
    let limit = limit(&p, 50, 200)?;
    let (id, _) = known_stream(&state, &id).await?;
    let found = state.store.top(&id, list, from, to, limit).await?;
    let entries = match list {
        TopList::Emotes => TopField::Emotes(found),
        TopList::Chatters => TopField::Chatters(found),
    };
    Ok(Json(TopEntries {
        stream_id: id,
        from,
        to,
        entries,
    }))
}
