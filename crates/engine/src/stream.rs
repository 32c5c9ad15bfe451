//! Stream lifecycle: live status, title, category and room settings per channel.
//!
//! Every field follows event time, not arrival order: an older event that arrives
//! late never overwrites what a newer one set.

use telemetra_types::{
    ChannelId, RoomSettings, StreamEventType, StreamMeta, StreamState, Timestamp,
};

/// Event times of the values a channel's state holds, so that a late event can tell
/// whether it is newer than what it would replace.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct SetAt {
    title: Option<Timestamp>,
    category: Option<Timestamp>,
    room: RoomSetAt,
}

/// Event time of each room setting.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
struct RoomSetAt {
    emote_only: Option<Timestamp>,
    subs_only: Option<Timestamp>,
    followers_only_minutes: Option<Timestamp>,
    slow_seconds: Option<Timestamp>,
    unique_chat: Option<Timestamp>,
}

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
        room_state: RoomSettings::default(),
    }
}

/// Sets `value` from `update` if the update is at least as new as what set it.
fn set_if_newer<T: Clone>(
    value: &mut Option<T>,
    at: &mut Option<Timestamp>,
    update: &Option<T>,
    t: Timestamp,
) {
    if update.is_some() && at.is_none_or(|prev| t >= prev) {
        value.clone_from(update);
        *at = Some(t);
    }
}

/// Applies a lifecycle event; returns whether anything but `last_seen` changed.
///
/// Start and end are applied only if newer than the opposite transition, so that a
/// late `stream_start` cannot reopen a stream that has since ended.
pub fn apply(state: &mut StreamState, set_at: &mut SetAt, m: &StreamMeta) -> bool {
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
        | StreamEventType::RaidIncoming
        | StreamEventType::Moderation
        | StreamEventType::RoomState => {}
    }
    set_if_newer(&mut state.title, &mut set_at.title, &m.title, t);
    set_if_newer(&mut state.category, &mut set_at.category, &m.category, t);
    if let Some(update) = &m.room_state {
        let (room, at) = (&mut state.room_state, &mut set_at.room);
        set_if_newer(
            &mut room.emote_only,
            &mut at.emote_only,
            &update.emote_only,
            t,
        );
        set_if_newer(&mut room.subs_only, &mut at.subs_only, &update.subs_only, t);
        set_if_newer(
            &mut room.followers_only_minutes,
            &mut at.followers_only_minutes,
            &update.followers_only_minutes,
            t,
        );
        set_if_newer(
            &mut room.slow_seconds,
            &mut at.slow_seconds,
            &update.slow_seconds,
            t,
        );
        set_if_newer(
            &mut room.unique_chat,
            &mut at.unique_chat,
            &update.unique_chat,
            t,
        );
    }
    state.last_seen = state.last_seen.max(t);
    let mut b = before;
    b.last_seen = state.last_seen;
    b != *state
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemetra_types::StreamEventType::*;

    fn meta(t: i64, kind: StreamEventType) -> StreamMeta {
        StreamMeta::new(
            format!("m{t}"),
            ChannelId::parse("a").unwrap(),
            kind,
            Timestamp(t),
        )
    }

    #[test]
    fn title_and_category_follow_event_time_not_arrival() {
        let mut state = new_state(&ChannelId::parse("a").unwrap(), Timestamp(0));
        let mut at = SetAt::default();
        let newer = StreamMeta {
            title: Some("Finals".into()),
            category: Some("Chess".into()),
            ..meta(2_000, TitleChange)
        };
        let older = StreamMeta {
            title: Some("Warm-up".into()),
            category: Some("Just Chatting".into()),
            ..meta(1_000, TitleChange)
        };
        assert!(apply(&mut state, &mut at, &newer));
        assert!(
            !apply(&mut state, &mut at, &older),
            "an older title must not win"
        );
        assert_eq!(state.title.as_deref(), Some("Finals"));
        assert_eq!(state.category.as_deref(), Some("Chess"));
        // Same result in arrival order.
        let mut in_order = new_state(&ChannelId::parse("a").unwrap(), Timestamp(0));
        let mut at = SetAt::default();
        apply(&mut in_order, &mut at, &older);
        apply(&mut in_order, &mut at, &newer);
        assert_eq!(in_order, state);
    }

    #[test]
    fn room_settings_merge_per_setting_by_event_time() {
        let mut state = new_state(&ChannelId::parse("a").unwrap(), Timestamp(0));
        let mut at = SetAt::default();
        let room = |t: i64, r: RoomSettings| StreamMeta {
            room_state: Some(r),
            ..meta(t, RoomState)
        };
        apply(
            &mut state,
            &mut at,
            &room(
                3_000,
                RoomSettings {
                    slow_seconds: Some(30),
                    ..RoomSettings::default()
                },
            ),
        );
        // Older, arriving late: its emote-only setting is news, its slow mode is stale.
        apply(
            &mut state,
            &mut at,
            &room(
                1_000,
                RoomSettings {
                    emote_only: Some(true),
                    slow_seconds: Some(0),
                    ..RoomSettings::default()
                },
            ),
        );
        assert_eq!(
            state.room_state,
            RoomSettings {
                emote_only: Some(true),
                slow_seconds: Some(30),
                ..RoomSettings::default()
            }
        );
    }
}
