//! Stream lifecycle: live status, title, category per channel.

use telemetra_types::{ChannelId, StreamEventType, StreamMeta, StreamState, Timestamp};

/// Creates the state of a channel first seen at `t`. A channel that sends events is
/// assumed live until a `stream_end` says otherwise.
pub fn new_state(channel: &ChannelId, t: Timestamp) -> StreamState {
    StreamState {
        stream_id: channel.clone(),
        title: None,
        category: None,
        is_live: true,
        started_at: None,
        ended_at: None,
        last_seen: t,
    }
}

/// Applies a lifecycle event; returns whether anything but `last_seen` changed.
///
/// Start and end are applied only if newer than the opposite transition, so that a
/// late `stream_start` cannot reopen a stream that has since ended.
pub fn apply(state: &mut StreamState, m: &StreamMeta) -> bool {
    let t = m.timestamp;
    let before = state.clone();
    match m.event_type {
        StreamEventType::StreamStart => {
            if state.ended_at.is_none_or(|end| t >= end) {
                state.is_live = true;
                state.started_at = Some(t);
                state.ended_at = None;
            }
        }
        StreamEventType::StreamEnd => {
            if state.started_at.is_none_or(|start| t >= start) {
                state.is_live = false;
                state.ended_at = Some(t);
            }
        }
        StreamEventType::TitleChange
        | StreamEventType::CategoryChange
        | StreamEventType::RaidIncoming => {}
    }
    if let Some(title) = &m.title {
        state.title = Some(title.clone());
    }
    if let Some(category) = &m.category {
        state.category = Some(category.clone());
    }
    state.last_seen = state.last_seen.max(t);
    let mut b = before;
    b.last_seen = state.last_seen;
    b != *state
}
