//! Live updates across machines: Redis pub/sub between processors and API instances.
//!
//! A processor publishes each message once to Redis (`PUBLISH {prefix}live:{channel}`)
//! and keeps the channel's latest `metrics` message under `{prefix}latest:{channel}`
//! with a TTL; every API instance holds one pattern subscription and fans what it
//! receives out to its own WebSocket clients through a local [`MemoryHub`]. Publishing
//! never blocks the engine: messages go through a bounded queue, and when Redis is
//! unreachable they are dropped and counted (live updates are ephemeral; the store has
//! the durable results).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use telemetra_types::ChannelId;
use tokio::sync::mpsc;

use crate::{LiveHub, LiveMessage, MemoryHub, Subscription};

/// Messages waiting for Redis before new ones are dropped.
const PUBLISH_QUEUE: usize = 4_096;
/// How long the latest snapshot of a channel stays in Redis without updates.
const LATEST_TTL_SECS: u64 = 300;
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// A [`LiveHub`] relaying through Redis.
pub struct RedisHub {
    local: Arc<MemoryHub>,
    outgoing: Option<mpsc::Sender<(ChannelId, Arc<str>, bool)>>,
    prefix: String,
    subscribed: Arc<AtomicBool>,
    dropped: Arc<AtomicU64>,
}

impl RedisHub {
    /// A hub that publishes to Redis (processors) and, with `subscribe`, also relays
    /// every channel's messages from Redis to local subscribers (API instances).
    /// Returns at once; connections are made, and remade, in the background.
    pub fn start(
        url: &str,
        prefix: &str,
        publish: bool,
        subscribe: bool,
    ) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let local = Arc::new(MemoryHub::new());
        let subscribed = Arc::new(AtomicBool::new(!subscribe));
        let dropped = Arc::new(AtomicU64::new(0));
        let outgoing = publish.then(|| {
            let (tx, rx) = mpsc::channel(PUBLISH_QUEUE);
            tokio::spawn(publisher(client.clone(), prefix.to_owned(), rx));
            tx
        });
        if subscribe {
            tokio::spawn(subscriber(
                client,
                prefix.to_owned(),
                local.clone(),
                subscribed.clone(),
            ));
        }
        Ok(Self {
            local,
            outgoing,
            prefix: prefix.to_owned(),
            subscribed,
            dropped,
        })
    }

    /// Messages dropped because Redis could not take them in time.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

impl LiveHub for RedisHub {
    fn publish(&self, channel: &ChannelId, message: &LiveMessage) {
        let Some(tx) = &self.outgoing else { return };
        let is_metrics = matches!(message, LiveMessage::Metrics { .. });
        if tx
            .try_send((channel.clone(), Arc::from(message.to_json()), is_metrics))
            .is_err()
        {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn subscribe(&self, channel: &ChannelId) -> Subscription {
        self.local.subscribe(channel)
    }

    fn subscribers(&self) -> usize {
        self.local.subscribers()
    }

    fn is_ready(&self) -> bool {
        self.subscribed.load(Ordering::Relaxed)
    }
}

async fn publisher(
    client: redis::Client,
    prefix: String,
    mut rx: mpsc::Receiver<(ChannelId, Arc<str>, bool)>,
) {
    let mut backoff = Duration::from_millis(100);
    'connect: loop {
        let mut conn = match client.get_multiplexed_async_connection().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = backoff.as_millis() as u64, "Cannot reach Redis to publish live updates.");
                // Live updates are ephemeral: drop what queued up while Redis is away.
                while rx.try_recv().is_ok() {}
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        while let Some((channel, text, is_metrics)) = rx.recv().await {
            let mut pipe = redis::pipe();
            pipe.cmd("PUBLISH")
                .arg(format!("{prefix}live:{channel}"))
                .arg(text.as_ref())
                .ignore();
            if is_metrics {
                pipe.cmd("SET")
                    .arg(format!("{prefix}latest:{channel}"))
                    .arg(text.as_ref())
                    .arg("EX")
                    .arg(LATEST_TTL_SECS)
                    .ignore();
            }
            if let Err(e) = pipe.query_async::<()>(&mut conn).await {
                tracing::warn!(error = %e, "Publishing a live update to Redis failed; reconnecting.");
                continue 'connect;
            }
        }
        return; // the hub was dropped
    }
}

async fn subscriber(
    client: redis::Client,
    prefix: String,
    local: Arc<MemoryHub>,
    subscribed: Arc<AtomicBool>,
) {
    let pattern = format!("{prefix}live:*");
    let key_start = format!("{prefix}live:").len();
    let mut backoff = Duration::from_millis(100);
    loop {
        let pubsub = async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.psubscribe(&pattern).await?;
            Ok::<_, redis::RedisError>(pubsub)
        };
        let pubsub = match pubsub.await {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = backoff.as_millis() as u64, "Cannot subscribe to live updates in Redis.");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        subscribed.store(true, Ordering::Relaxed);
        tracing::info!(pattern = %pattern, "Receiving live updates from Redis.");
        let mut messages = pubsub.into_on_message();
        while let Some(msg) = messages.next().await {
            let Some(channel) = msg
                .get_channel_name()
                .get(key_start..)
                .and_then(|c| ChannelId::parse(c).ok())
            else {
                continue;
            };
            if let Ok(text) = std::str::from_utf8(msg.get_payload_bytes()) {
                local.deliver(&channel, Arc::from(text));
            }
        }
        subscribed.store(false, Ordering::Relaxed);
        tracing::warn!("Lost the Redis subscription; reconnecting.");
    }
}
