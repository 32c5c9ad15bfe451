//! Per-pane aggregates and their merge into window results.
//!
//! A pane holds the partial aggregate of one channel over one slide; a window result
//! is the merge of its panes. Each aggregate is exact (unique chatters are a set,
//! not an estimate) and merging is order-independent, so the result of a window does
//! not depend on the order its events arrived in.

use std::collections::HashSet;

use smallvec::SmallVec;

mod chat;
mod money;
mod viewer;

use telemetra_types::{
    ChannelId, ChatView, EventKind, ModerationCounts, StreamEventType, StreamMeta, Timestamp,
    Transaction, ViewerCount, WindowMetrics,
};

use crate::{Sentiment, SentimentClass};

const NEUTRAL: Sentiment = Sentiment {
    compound: 0.0,
    class: SentimentClass::Neutral,
};

pub use chat::{ChatAccumulator, ChatPane, ChatTotals, SlidingChat};
pub use money::MoneyPane;
pub use viewer::ViewerPane;

/// Everything known about one channel during one slide.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Pane {
    chat: ChatPane,
    viewers: ViewerPane,
    money: MoneyPane,
    moderation: ModerationCounts,
    /// Ids of the events counted here, hashed (FNV-1a: stable across processes, so a
    /// restored snapshot still recognises them). A redelivered event carries its
    /// original time, so it lands in the same pane and is found here.
    seen: HashSet<u64, fnv::FnvBuildHasher>,
}

/// What the engine reads of one event: a chat message as a borrowed view, any other
/// kind as it was decoded. The view's own lifetime is separate: its emote list makes
/// it invariant, so it cannot be shortened to the borrow's.
#[derive(Clone, Copy, Debug)]
pub enum Input<'e, 'v> {
    /// A chat message.
    Chat(&'e ChatView<'v>),
    /// A viewer count sample.
    Viewer(&'e ViewerCount),
    /// A money event.
    Transaction(&'e Transaction),
    /// A stream lifecycle event.
    StreamMeta(&'e StreamMeta),
}

impl<'e> Input<'e, '_> {
    /// The event's channel, a valid login.
    pub fn channel(&self) -> &'e str {
        match *self {
            Input::Chat(m) => m.channel(),
            Input::Viewer(v) => v.channel.as_str(),
            Input::Transaction(t) => t.channel.as_str(),
            Input::StreamMeta(m) => m.channel.as_str(),
        }
    }

    /// The event's channel as an owned id.
    pub fn channel_id(&self) -> ChannelId {
        match *self {
            Input::Chat(m) => m.channel_id(),
            Input::Viewer(v) => v.channel.clone(),
            Input::Transaction(t) => t.channel.clone(),
            Input::StreamMeta(m) => m.channel.clone(),
        }
    }

    /// The event time.
    pub fn timestamp(&self) -> Timestamp {
        match *self {
            Input::Chat(m) => m.timestamp,
            Input::Viewer(v) => v.timestamp,
            Input::Transaction(t) => t.timestamp,
            Input::StreamMeta(m) => m.timestamp,
        }
    }

    /// The key under which a pane remembers the event: its kind and id (a chat
    /// message and a viewer sample may share an id).
    pub fn id_key(&self) -> u64 {
        use std::hash::Hasher;
        let (kind, id) = match *self {
            Input::Chat(m) => (EventKind::Chat, m.message_id.as_str()),
            Input::Viewer(v) => (EventKind::Viewer, v.event_id.as_str()),
            Input::Transaction(t) => (EventKind::Transaction, t.transaction_id.as_str()),
            Input::StreamMeta(m) => (EventKind::StreamMeta, m.event_id.as_str()),
        };
        let mut h = fnv::FnvHasher::default();
        h.write_u8(kind as u8);
        h.write(id.as_bytes());
        h.finish()
    }

    /// Whether the event counts in windows: every kind does but lifecycle events,
    /// except moderation.
    pub fn has_window_aggregate(&self) -> bool {
        match *self {
            Input::StreamMeta(m) => m.event_type == StreamEventType::Moderation,
            Input::Chat(_) | Input::Viewer(_) | Input::Transaction(_) => true,
        }
    }
}

/// How many chatters, emotes and event ids a pane holds: the room to give a channel's
/// next pane, whose tables then need not grow (and rehash) as it fills, since a
/// channel's next slide is usually much like its last.
#[derive(Clone, Copy, Debug, Default)]
pub struct Room {
    chatters: usize,
    emotes: usize,
    seen: usize,
}

impl Pane {
    /// An empty pane with `room`.
    pub fn with_room(room: Room) -> Self {
        Self {
            chat: ChatPane::with_room(room.chatters, room.emotes),
            seen: HashSet::with_capacity_and_hasher(room.seen, Default::default()),
            ..Self::default()
        }
    }

    /// What this pane holds, as room for the next.
    pub fn room(&self) -> Room {
        let (chatters, emotes) = self.chat.names();
        Room {
            chatters,
            emotes,
            seen: self.seen.len(),
        }
    }

    /// The pane's chat, for a [`SlidingChat`].
    pub fn chat(&self) -> &ChatPane {
        &self.chat
    }

    /// Whether an event with this id key was counted here.
    pub fn has_seen(&self, key: u64) -> bool {
        self.seen.contains(&key)
    }

    /// Remembers an event id key.
    pub fn remember(&mut self, key: u64) {
        self.seen.insert(key);
    }
    /// Adds an event to the pane; chat messages come with their sentiment. Stream
    /// lifecycle events other than moderation carry no window aggregate.
    pub fn add(&mut self, event: Input<'_, '_>, sentiment: Option<Sentiment>) {
        match event {
            Input::Chat(m) => self.chat.add(m, sentiment.unwrap_or(NEUTRAL)),
            Input::Viewer(v) => self.viewers.add(v),
            Input::Transaction(t) => self.money.add(t),
            Input::StreamMeta(m) => {
                if let Some(action) = m.action.filter(|_| event.has_window_aggregate()) {
                    self.moderation.add(action);
                }
            }
        }
    }
}

/// Merges panes into the metrics of the window `[start, end)`.
pub fn merge_window<'a>(
    channel: &ChannelId,
    start: i64,
    end: i64,
    panes: impl Iterator<Item = &'a Pane>,
    is_final: bool,
) -> WindowMetrics {
    let panes: SmallVec<[&Pane; 8]> = panes.collect();
    let mut chat = ChatAccumulator::for_panes(panes.iter().map(|p| &p.chat));
    for pane in &panes {
        chat.merge(&pane.chat);
    }
    window_with_chat(channel, start, end, panes, &chat, is_final)
}

/// The metrics of the window `[start, end)` whose chat, merged already, is `chat`:
/// the other aggregates are a few numbers a pane, merged here.
pub fn window_with_chat<'a, K: std::borrow::Borrow<str>>(
    channel: &ChannelId,
    start: i64,
    end: i64,
    panes: impl IntoIterator<Item = &'a Pane>,
    chat: &ChatTotals<K>,
    is_final: bool,
) -> WindowMetrics {
    let mut viewers = ViewerPane::default();
    let mut money = MoneyPane::default();
    let mut moderation = ModerationCounts::default();
    for pane in panes {
        viewers.merge(&pane.viewers);
        money.merge(&pane.money);
        moderation.merge(&pane.moderation);
    }
    let mut m = WindowMetrics::empty(channel.clone(), Timestamp(start), Timestamp(end), is_final);
    chat.finish(&mut m, end - start);
    viewers.finish(&mut m);
    money.finish(&mut m);
    m.moderation = moderation;
    m
}
