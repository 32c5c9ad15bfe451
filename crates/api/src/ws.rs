//! `WS /ws/live/{id}`: a snapshot on connect, then the channel's live updates.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use telemetra_live::LiveMessage;
use telemetra_types::{now_ms, ChannelId, Timestamp};
use tokio::sync::broadcast::error::RecvError;

use crate::{query, ApiError, AppState};

const PING_EVERY: Duration = Duration::from_secs(15);
/// Moments included in the snapshot.
const SNAPSHOT_MOMENTS: u32 = 20;

pub fn router() -> Router<AppState> {
    Router::new().route("/ws/live/{id}", get(ws_live))
}

/// Live updates of one channel: a `snapshot` on connect, then `metrics` (at least once
/// a second while data flows), `viewers`, `moment` and `stream` messages, all JSON
/// text frames shaped as `LiveMessage`. The server pings every 15 s.
#[utoipa::path(get, path = "/ws/live/{id}", tag = "live",
    params(("id" = String, Path, description = "Channel login")),
    responses((status = 101, description = "Switching to the WebSocket protocol", body = LiveMessage),
        (status = 400, body = crate::error::ErrorBody)))]
pub(crate) async fn ws_live(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    // Unknown channels are fine: a client may wait for a stream to start.
    let id = query::channel(&id)?;
    let Ok(permit) = state.websockets.clone().try_acquire_owned() else {
        return Err(ApiError::Busy(
            "too many live connections; try again later".into(),
        ));
    };
    // Clients only send pongs and closes: a small read buffer instead of the 128 KiB
    // default cuts the memory of each connection tenfold (BENCHMARKS.md, "Load").
    Ok(ws
        .read_buffer_size(WS_READ_BUFFER)
        .max_message_size(WS_MAX_MESSAGE)
        .on_upgrade(move |socket| async move {
            live_session(socket, state, id).await;
            drop(permit);
        }))
}

/// Read buffer of a live connection.
const WS_READ_BUFFER: usize = 4 * 1024;
/// Largest message a live client may send (it has nothing to say but control frames).
const WS_MAX_MESSAGE: usize = 4 * 1024;

async fn live_session(socket: WebSocket, state: AppState, id: ChannelId) {
    crate::metrics::WEBSOCKET_CLIENTS.inc();
    live_loop(socket, &state, &id).await;
    crate::metrics::WEBSOCKET_CLIENTS.dec();
}

async fn live_loop(socket: WebSocket, state: &AppState, id: &ChannelId) {
    let (state, id) = (state.clone(), id.clone());
    // Subscribe before reading the snapshot, so nothing published in between is lost.
    let mut updates = state.hub.subscribe(&id);
    let (mut sender, mut receiver) = socket.split();
    let first = match snapshot(&state, &id).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(channel = %id, error = %e, "Could not build the live snapshot.");
            return;
        }
    };
    if sender
        .send(Message::Text(first.to_json().into()))
        .await
        .is_err()
    {
        return;
    }
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    loop {
        tokio::select! {
            update = updates.recv() => match update {
                Ok(text) => {
                    if sender.send(Message::Text(text.as_ref().into())).await.is_err() {
                        break;
                    }
                }
                // Too slow to keep up: skip ahead with a fresh snapshot instead of
                // holding back the publisher.
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(channel = %id, missed, "Live client lagged; resending a snapshot.");
                    let Ok(s) = snapshot(&state, &id).await else { break };
                    if sender.send(Message::Text(s.to_json().into())).await.is_err() {
                        break;
                    }
                }
                Err(RecvError::Closed) => break,
            },
            incoming = receiver.next() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {} // pongs and client chatter
            },
            _ = ping.tick() => {
                if sender.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
            }
        }
    }
    // Dropping both halves closes the socket for both directions together.
}

async fn snapshot(state: &AppState, id: &ChannelId) -> Result<LiveMessage, telemetra_store::Error> {
    let stream = state.store.stream(id).await?;
    let window = state.store.current_window(id).await?;
    let now = now_ms();
    let moments = state
        .store
        .moments(
            id,
            Timestamp(now - 24 * 3_600_000),
            Timestamp(now + 1),
            SNAPSHOT_MOMENTS,
        )
        .await?;
    Ok(LiveMessage::Snapshot {
        stream: stream.map(Box::new),
        window: window.map(Box::new),
        moments,
    })
}
