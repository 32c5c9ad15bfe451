//! Per-pane aggregates and their merge into window results.
//!
//! A pane holds the partial aggregate of one channel over one slide; a window result
//! is the merge of its panes. Each aggregate is exact (unique chatters are a set,
//! not an estimate) and merging is order-independent, so the result of a window does
//! not depend on the order its events arrived in.

use std::collections::HashSet;

mod chat;
mod money;
mod viewer;

use telemetra_types::{
    ChannelId, Event, ModerationCounts, StreamEventType, Timestamp, WindowMetrics,
};

use crate::{Sentiment, SentimentClass};

const NEUTRAL: Sentiment = Sentiment {
    compound: 0.0,
    class: SentimentClass::Neutral,
};

pub use chat::{ChatAccumulator, ChatPane};
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

/// The key under which a pane remembers an event: its kind and id (a chat message and
/// a viewer sample may share an id).
pub fn id_key(event: &Event) -> u64 {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    h.write_u8(event.kind() as u8);
    h.write(event.id().as_bytes());
    h.finish()
}

/// Whether an event counts in windows: every kind does but lifecycle events, except
/// moderation.
pub fn has_window_aggregate(event: &Event) -> bool {
    match event {
        Event::StreamMeta(m) => m.event_type == StreamEventType::Moderation,
        Event::Chat(_) | Event::Viewer(_) | Event::Transaction(_) => true,
    }
}

impl Pane {
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
    pub fn add(&mut self, event: &Event, sentiment: Option<Sentiment>) {
        match event {
            Event::Chat(m) => self.chat.add(m, sentiment.unwrap_or(NEUTRAL)),
            Event::Viewer(v) => self.viewers.add(v),
            Event::Transaction(t) => self.money.add(t),
            Event::StreamMeta(m) => {
                if let Some(action) = m.action.filter(|_| has_window_aggregate(event)) {
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
    let mut chat = ChatAccumulator::default();
    let mut viewers = ViewerPane::default();
    let mut money = MoneyPane::default();
    let mut moderation = ModerationCounts::default();
    for pane in panes {
        chat.merge(&pane.chat);
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
