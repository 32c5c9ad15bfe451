//! `/api/v1/streams`: channels, their window series and their moments.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use telemetra_store::{MoneySummary, Page, TopList, TransactionRecord, ViewerSample};
use telemetra_types::{ChannelId, CountEntry, Moment, StreamSummary, Timestamp, WindowMetrics};
use utoipa::ToSchema;

use crate::error::ErrorBody;
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

#[derive(Serialize, ToSchema)]
pub struct StreamList {
    items: Vec<StreamSummary>,
    page: u32,
    page_size: u32,
    total: u64,
}

#[utoipa::path(get, path = "/api/v1/streams", tag = "streams", params(PageParams),
    responses((status = 200, body = StreamList), (status = 400, body = ErrorBody)))]
pub(crate) async fn streams_list(
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

#[utoipa::path(get, path = "/api/v1/streams/{id}", tag = "streams",
    params(("id" = ChannelId, Path, description = "Channel login")),
    responses((status = 200, body = StreamSummary), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn stream_get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<StreamSummary>, ApiError> {
    Ok(Json(known_stream(&state, &id).await?.1))
}

#[derive(Serialize, ToSchema)]
pub struct MetricsSeries {
    stream_id: ChannelId,
    from: Timestamp,
    to: Timestamp,
    windows: Vec<WindowMetrics>,
}

#[utoipa::path(get, path = "/api/v1/streams/{id}/metrics", tag = "streams",
    params(("id" = ChannelId, Path, description = "Channel login"), RangeParams),
    responses((status = 200, body = MetricsSeries), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn stream_metrics(
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

#[derive(Serialize, ToSchema)]
pub struct MomentList {
    stream_id: ChannelId,
    moments: Vec<Moment>,
}

#[utoipa::path(get, path = "/api/v1/streams/{id}/moments", tag = "streams",
    params(("id" = ChannelId, Path, description = "Channel login"), RangeParams, ("limit" = Option<u32>, Query, minimum = 1, maximum = 500, description = "Most items to return (default 50)")),
    responses((status = 200, body = MomentList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn stream_moments(
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

#[derive(Serialize, ToSchema)]
pub struct ViewerSeries {
    stream_id: ChannelId,
    from: Timestamp,
    to: Timestamp,
    samples: Vec<ViewerSample>,
}

#[utoipa::path(get, path = "/api/v1/streams/{id}/viewers", tag = "streams",
    params(("id" = ChannelId, Path, description = "Channel login"), RangeParams),
    responses((status = 200, body = ViewerSeries), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn stream_viewers(
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

#[derive(Serialize, ToSchema)]
pub struct TransactionList {
    stream_id: ChannelId,
    from: Timestamp,
    to: Timestamp,
    transactions: Vec<TransactionRecord>,
    summary: MoneySummary,
}

#[utoipa::path(get, path = "/api/v1/streams/{id}/transactions", tag = "streams",
    params(("id" = ChannelId, Path, description = "Channel login"), RangeParams, ("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "Most items to return (default 100)")),
    responses((status = 200, body = TransactionList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn stream_transactions(
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

/// The most used emotes over a range.
#[derive(Serialize, ToSchema)]
pub struct EmoteList {
    stream_id: ChannelId,
    from: Timestamp,
    to: Timestamp,
    /// Most used first. Summed from non-overlapping windows' top 10 lists, so counts of
    /// rare emotes are lower bounds.
    emotes: Vec<CountEntry>,
}

/// The most active chatters over a range.
#[derive(Serialize, ToSchema)]
pub struct ChatterList {
    stream_id: ChannelId,
    from: Timestamp,
    to: Timestamp,
    /// Most active first, summed like emotes.
    chatters: Vec<CountEntry>,
}

#[utoipa::path(get, path = "/api/v1/streams/{id}/emotes", tag = "streams",
    params(("id" = ChannelId, Path, description = "Channel login"), RangeParams, ("limit" = Option<u32>, Query, minimum = 1, maximum = 200, description = "Most items to return (default 50)")),
    responses((status = 200, body = EmoteList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn stream_emotes(
    state: State<AppState>,
    id: Path<String>,
    p: Params,
) -> Result<Json<EmoteList>, ApiError> {
    let (stream_id, from, to, emotes) = top_list(state, id, p, TopList::Emotes).await?;
    Ok(Json(EmoteList {
        stream_id,
        from,
        to,
        emotes,
    }))
}

#[utoipa::path(get, path = "/api/v1/streams/{id}/chatters", tag = "streams",
    params(("id" = ChannelId, Path, description = "Channel login"), RangeParams, ("limit" = Option<u32>, Query, minimum = 1, maximum = 200, description = "Most items to return (default 50)")),
    responses((status = 200, body = ChatterList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn stream_chatters(
    state: State<AppState>,
    id: Path<String>,
    p: Params,
) -> Result<Json<ChatterList>, ApiError> {
    let (stream_id, from, to, chatters) = top_list(state, id, p, TopList::Chatters).await?;
    Ok(Json(ChatterList {
        stream_id,
        from,
        to,
        chatters,
    }))
}

async fn top_list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    p: Params,
    list: TopList,
) -> Result<(ChannelId, Timestamp, Timestamp, Vec<CountEntry>), ApiError> {
    let p = params(p)?;
    let (from, to) = range(&p)?;
    let limit = limit(&p, 50, 200)?;
    let (id, _) = known_stream(&state, &id).await?;
    let found = state.store.top(&id, list, from, to, limit).await?;
    Ok((id, from, to, found))
}

/// `from` and `to` bounds of a time range.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the query string; parsed by `query::range`
struct RangeParams {
    /// Start, RFC 3339 (default: 15 minutes before `to`, or now).
    #[param(format = DateTime)]
    from: Option<String>,
    /// End, exclusive, RFC 3339 (default: now). After `from`, at most 31 days later.
    #[param(format = DateTime)]
    to: Option<String>,
}

/// Paging of the channel list.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the query string; parsed by `query::bounded`
struct PageParams {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u32>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    page_size: Option<u32>,
}
