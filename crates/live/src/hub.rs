//! In-process fan-out with bounded per-channel buffers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use telemetra_types::ChannelId;
use tokio::sync::broadcast;

use crate::LiveMessage;

/// Messages buffered per channel for slow subscribers. A subscriber that falls
/// further behind skips ahead (it is told how many it missed) instead of slowing
/// the publisher or the other subscribers.
const CHANNEL_BUFFER: usize = 256;

/// A stream of serialized messages for one channel.
pub type Subscription = broadcast::Receiver<Arc<str>>;

/// Publishes live messages and hands out subscriptions.
pub trait LiveHub: Send + Sync + 'static {
    /// Sends a message to every current subscriber of `channel`.
    fn publish(&self, channel: &ChannelId, message: &LiveMessage);
    /// Subscribes to `channel`'s messages from now on.
    fn subscribe(&self, channel: &ChannelId) -> Subscription;
    /// Number of live subscriptions across channels.
    fn subscribers(&self) -> usize;
    /// Whether live updates can flow (a remote hub is connected).
    fn is_ready(&self) -> bool {
        true
    }
}

/// The in-process hub of the embedded default.
#[derive(Default)]
pub struct MemoryHub {
    channels: Mutex<HashMap<ChannelId, broadcast::Sender<Arc<str>>>>,
}

impl MemoryHub {
    /// An empty hub.
    pub fn new() -> Self {
        Self::default()
    }
}

impl MemoryHub {
    /// Delivers an already serialized message to `channel`'s local subscribers.
    pub fn deliver(&self, channel: &ChannelId, text: Arc<str>) {
        let channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = channels.get(channel) {
            // No subscriber left is not an error: nobody is watching.
            let _ = tx.send(text);
        }
    }

    fn has_subscribers(&self, channel: &ChannelId) -> bool {
        let channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        channels
            .get(channel)
            .is_some_and(|tx| tx.receiver_count() > 0)
    }
}

impl LiveHub for MemoryHub {
    fn publish(&self, channel: &ChannelId, message: &LiveMessage) {
        // Serialize only for an audience.
        if self.has_subscribers(channel) {
            self.deliver(channel, Arc::from(message.to_json()));
        }
    }

    fn subscribe(&self, channel: &ChannelId) -> Subscription {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        // Drop senders nobody listens to any more, so the map stays bounded by the
        // channels being watched.
        channels.retain(|_, tx| tx.receiver_count() > 0);
        channels
            .entry(channel.clone())
            .or_insert_with(|| broadcast::channel(CHANNEL_BUFFER).0)
            .subscribe()
    }

    fn subscribers(&self) -> usize {
        let channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        channels.values().map(|tx| tx.receiver_count()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemetra_types::Timestamp;

    #[tokio::test]
    async fn subscribers_get_their_channel_only() {
        let hub = MemoryHub::new();
        let a = ChannelId::parse("a").unwrap();
        let b = ChannelId::parse("b").unwrap();
        let mut sub_a = hub.subscribe(&a);
        let mut sub_b = hub.subscribe(&b);
        hub.publish(
            &a,
            &LiveMessage::Viewers {
                viewer_count: 5,
                timestamp: Timestamp(0),
            },
        );
        let got = sub_a.recv().await.unwrap();
        assert!(
            got.contains("\"type\":\"viewers\"") && got.contains("\"viewer_count\":5"),
            "{got}"
        );
        assert!(sub_b.try_recv().is_err());
        assert_eq!(hub.subscribers(), 2);
    }

    #[tokio::test]
    async fn a_slow_subscriber_skips_ahead_instead_of_blocking() {
        let hub = MemoryHub::new();
        let a = ChannelId::parse("a").unwrap();
        let mut sub = hub.subscribe(&a);
        for i in 0..(CHANNEL_BUFFER as u64 + 10) {
            hub.publish(
                &a,
                &LiveMessage::Viewers {
                    viewer_count: i,
                    timestamp: Timestamp(0),
                },
            );
        }
        assert!(matches!(
            sub.recv().await,
            Err(broadcast::error::RecvError::Lagged(10))
        ));
        assert!(sub.recv().await.unwrap().contains("\"viewer_count\":10"));
    }
}
