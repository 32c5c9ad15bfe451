//! The processing loop's state: decode, run the engine, write, publish.
//!
//! Shared by `run` (records from the in-process bus) and `replay` (lines from a
//! file), so both store exactly the same results for the same input. Writes happen
//! before publishing, so a client that reloads after an update finds it stored.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use telemetra_api::metrics;
use telemetra_engine::{Engine, EngineStats, Output, Verdict};
use telemetra_live::{LiveHub, LiveMessage};
use telemetra_store::{Checkpoint, DeadLetter, ShardLease, Store, WriteBatch};
use telemetra_types::{
    decode_event_view, decode_line_view, ChannelId, RejectReason, Rejected, StreamState,
    StreamSummary, Topic, WindowMetrics,
};

/// What a channel looks like to live clients.
#[derive(Default)]
struct ChannelView {
    state: Option<StreamState>,
    viewers: Option<u64>,
    chat_rate: Option<f64>,
    /// The lifecycle state last published, to publish only real changes.
    published: Option<StreamState>,
}

/// Counters for the summary line.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcessorStats {
    /// Records read.
    pub records: u64,
    /// Records sent to the dead-letter path.
    pub rejected: u64,
    /// Engine counters.
    pub engine: EngineStats,
}

/// Somewhere besides the store that rejected input goes (the Kafka dead-letter topic).
pub trait DeadLetterSink: Send + Sync {
    /// Forwards one rejected record; must not block for long.
    fn send(&self, letter: &DeadLetter);
}

/// Engine plus its outputs' destinations.
pub struct Processor {
    engine: Engine,
    store: Arc<dyn Store>,
    hub: Option<Arc<dyn LiveHub>>,
    lease: Option<ShardLease>,
    dead_letter_sink: Option<Arc<dyn DeadLetterSink>>,
    batch: WriteBatch,
    views: HashMap<ChannelId, ChannelView>,
    records: u64,
    rejected: u64,
}

impl Processor {
    /// A processor writing to `store` and, if given, publishing to `hub`.
    pub fn new(engine: Engine, store: Arc<dyn Store>, hub: Option<Arc<dyn LiveHub>>) -> Self {
        Self {
            engine,
            store,
            hub,
            lease: None,
            dead_letter_sink: None,
            batch: WriteBatch::default(),
            views: HashMap::new(),
            records: 0,
            rejected: 0,
        }
    }

    /// Distributed mode: every write is checked against `lease`, so that results stop
    /// the moment another processor takes the shard over.
    pub fn with_lease(mut self, lease: ShardLease) -> Self {
        self.lease = Some(lease);
        self
    }

    /// Also forwards rejected input to `sink`.
    pub fn with_dead_letter_sink(mut self, sink: Arc<dyn DeadLetterSink>) -> Self {
        self.dead_letter_sink = Some(sink);
        self
    }

    /// Decodes and processes one raw record. `topic` is `None` for a file line.
    /// Invalid input is queued for the dead-letter table with its reason and bytes.
    pub fn ingest(
        &mut self,
        source: &str,
        position: u64,
        topic: Option<Topic>,
        partition: u32,
        raw: &[u8],
        now_ms: i64,
    ) {
        self.records += 1;
        metrics::EVENTS_RECEIVED
            .with_label_values(&[topic.map_or("file", |t| t.label())])
            .inc();
        let decoded = match topic {
            Some(t) => decode_event_view(t, raw),
            None => decode_line_view(raw),
        };
        let rejected = match decoded {
            Ok(event) => match self.engine.process_view(partition, &event, now_ms) {
                Verdict::Applied => return,
                Verdict::Corrected => {
                    return metrics::EVENTS_LATE.with_label_values(&["corrected"]).inc()
                }
                Verdict::Late => return metrics::EVENTS_LATE.with_label_values(&["dropped"]).inc(),
                Verdict::TooFarAhead => Rejected::new(
                    RejectReason::FutureTimestamp,
                    format!(
                        "timestamp {} is more than {} ms ahead of the clock",
                        event.timestamp(),
                        self.engine.config().max_skew_ms
                    ),
                    Some(event.kind().topic()),
                    raw,
                ),
                Verdict::Duplicate => Rejected::new(
                    RejectReason::DuplicateId,
                    format!(
                        "{} `{}` was already counted",
                        event.kind().as_str(),
                        event.id()
                    ),
                    Some(event.kind().topic()),
                    raw,
                ),
            },
            Err(r) => r,
        };
        self.rejected += 1;
        metrics::EVENTS_REJECTED
            .with_label_values(&[rejected.reason.as_str()])
            .inc();
        let letter = DeadLetter {
            source: source.to_owned(),
            position,
            rejected,
        };
        if let Some(sink) = &self.dead_letter_sink {
            sink.send(&letter);
        }
        self.batch.dead_letters.push(letter);
    }

    /// Announces input `partition` before its first event.
    pub fn register_partition(&mut self, partition: u32, now_ms: i64) {
        self.engine.register_partition(partition, now_ms);
    }

    /// Says that input `partition` has been read to its end for now.
    pub fn partition_drained(&mut self, partition: u32) {
        self.engine.partition_drained(partition);
    }

    /// Moves the watermark, then writes and publishes whatever became final.
    pub async fn flush(&mut self, now_ms: i64) -> Result<()> {
        self.engine.advance(now_ms);
        self.write_and_publish().await
    }

    /// The once-a-second beat: also publishes running values of open windows.
    pub async fn tick(&mut self, now_ms: i64) -> Result<()> {
        self.engine.advance(now_ms);
        self.engine.emit_running();
        self.write_and_publish().await
    }

    /// End of input: closes every window, writes and publishes.
    pub async fn finish(&mut self) -> Result<()> {
        self.engine.close_all();
        self.write_and_publish().await
    }

    /// Writes everything produced so far together with the engine's state and the
    /// input `offsets` it accounts for, in one transaction: after a crash, processing
    /// resumes from exactly here.
    pub async fn checkpoint(&mut self, offsets: String) -> Result<()> {
        let messages = self.collect();
        self.batch.checkpoint = Some(Checkpoint {
            offsets,
            state: self.engine.snapshot(),
        });
        self.write_and_publish_collected(messages).await
    }

    /// Counters so far.
    pub fn stats(&self) -> ProcessorStats {
        ProcessorStats {
            records: self.records,
            rejected: self.rejected,
            engine: self.engine.stats(),
        }
    }

    async fn write_and_publish(&mut self) -> Result<()> {
        let messages = self.collect();
        self.write_and_publish_collected(messages).await
    }

    async fn write_and_publish_collected(
        &mut self,
        messages: Vec<(ChannelId, LiveMessage)>,
    ) -> Result<()> {
        if !self.batch.is_empty() {
            self.batch.lease = self.lease.clone();
            let started = std::time::Instant::now();
            write_with_retry(self.store.as_ref(), &self.batch).await?;
            metrics::STORE_WRITE_SECONDS.observe(started.elapsed().as_secs_f64());
            for w in &self.batch.windows {
                metrics::WINDOWS_EMITTED
                    .with_label_values(&[if w.is_final { "final" } else { "running" }])
                    .inc();
            }
            for m in &self.batch.moments {
                metrics::MOMENTS
                    .with_label_values(&[m.moment_type.as_str()])
                    .inc();
            }
            self.batch = WriteBatch::default();
        }
        if let Some(wm) = self.engine.watermark() {
            metrics::WATERMARK_DELAY.set((telemetra_types::now_ms() - wm) as f64 / 1000.0);
        }
        if let Some(hub) = &self.hub {
            for (channel, message) in &messages {
                hub.publish(channel, message);
            }
        }
        Ok(())
    }

    /// Moves engine outputs into the write batch and picks what live clients see.
    fn collect(&mut self) -> Vec<(ChannelId, LiveMessage)> {
        let outputs = self.engine.drain();
        let mut messages = Vec::new();
        let mut current: HashMap<ChannelId, WindowMetrics> = HashMap::new();
        for output in outputs {
            match output {
                Output::Stream(s) => {
                    let view = self.views.entry(s.stream_id.clone()).or_default();
                    view.state = Some(s.clone());
                    self.batch.streams.push(s);
                }
                Output::Viewer(v) => {
                    self.views.entry(v.channel.clone()).or_default().viewers = Some(v.viewer_count);
                    messages.push((
                        v.channel.clone(),
                        LiveMessage::Viewers {
                            viewer_count: v.viewer_count,
                            timestamp: v.timestamp,
                        },
                    ));
                    self.batch.viewers.push(v);
                }
                Output::Transaction(t) => self.batch.transactions.push(t),
                Output::Moment(m) => {
                    messages.push((
                        m.stream_id.clone(),
                        LiveMessage::Moment { moment: m.clone() },
                    ));
                    self.batch.moments.push(m);
                }
                Output::Window(w) => {
                    if w.is_final {
                        messages.push((
                            w.stream_id.clone(),
                            LiveMessage::Metrics { window: w.clone() },
                        ));
                    } else {
                        // Of the open windows, live clients get the current one: the
                        // first to end after the channel's latest event.
                        let last_seen = self
                            .views
                            .get(&w.stream_id)
                            .and_then(|v| v.state.as_ref())
                            .map(|s| s.last_seen);
                        let is_candidate = last_seen.is_none_or(|t| w.window_end > t);
                        let better = current
                            .get(&w.stream_id)
                            .is_none_or(|c| w.window_end < c.window_end);
                        if is_candidate && better {
                            current.insert(w.stream_id.clone(), w.clone());
                        }
                    }
                    self.batch.windows.push(w);
                }
            }
        }
        for (channel, w) in current {
            self.views.entry(channel.clone()).or_default().chat_rate = Some(w.messages_per_min);
            messages.push((channel, LiveMessage::Metrics { window: w }));
        }
        // Lifecycle changes (not mere `last_seen` moves) go out as `stream` messages.
        for (channel, view) in self.views.iter_mut() {
            let Some(state) = &view.state else { continue };
            let changed = view.published.as_ref().is_none_or(|p| {
                (&p.title, &p.category, p.is_live, p.started_at, p.ended_at)
                    != (
                        &state.title,
                        &state.category,
                        state.is_live,
                        state.started_at,
                        state.ended_at,
                    )
            });
            if changed {
                view.published = Some(state.clone());
                let summary = StreamSummary {
                    state: state.clone(),
                    viewer_count: view.viewers,
                    chat_rate: view.chat_rate,
                };
                messages.push((channel.clone(), LiveMessage::Stream { stream: summary }));
            }
        }
        messages
    }
}

/// Writes a batch, waiting and retrying with backoff while the store is temporarily
/// unavailable; gives up at once on errors that retrying cannot fix.
async fn write_with_retry(store: &dyn Store, batch: &WriteBatch) -> Result<()> {
    let mut delay = Duration::from_millis(100);
    loop {
        match store.write(batch).await {
            Ok(()) => return Ok(()),
            Err(e) if e.is_retryable() => {
                tracing::warn!(error = %e, retry_in_ms = delay.as_millis() as u64, "Store write failed; retrying.");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
            Err(e) => return Err(e).context("could not write results to the store"),
        }
    }
}
