//! `telemetra process`: one member of a consumer group, Kafka → engine → PostgreSQL
//! and Redis.
//!
//! The unit of work is a shard: one partition number of the four input topics,
//! which holds every event of its channels. Each shard has its own engine. Every
//! few seconds a shard saves a checkpoint (engine state plus the next offset of each
//! of its partitions) in the same PostgreSQL transaction as the results it accounts
//! for; a processor that takes a shard over, after a crash or a rebalance, restores
//! that state and reads on from those offsets. Results written after the last
//! checkpoint are written again identically on replay (idempotent upserts), so the
//! stored tables equal those of an uninterrupted run. Each takeover raises the
//! shard's epoch, and every write checks it: a processor that lost a shard cannot
//! write for it any more.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use telemetra_api::metrics;
use telemetra_engine::{Engine, EngineConfig};
use telemetra_kafka::{Delivery, EventProducer, KafkaSettings, ShardConsumer, StartOffsets};
use telemetra_live::{LiveHub, RedisHub};
use telemetra_store::{DeadLetter, SqlStore, Store};
use telemetra_types::{now_ms, Topic};

use crate::cli::ProcessArgs;
use crate::processor::{DeadLetterSink, Processor};

/// Records per delivery from the reader thread.
const BATCH: usize = 2_048;
/// Deliveries waiting for the processor before the reader pauses.
const BUFFER: usize = 8;
/// How often shards with new input move their watermark and write what became final:
/// results reach the store and live clients within this, in few transactions.
const FLUSH_EVERY: Duration = Duration::from_millis(200);
/// How long a revoked shard may take to save its state before it is let go anyway
/// (its next owner then resumes from the previous checkpoint: still exact).
const HANDOVER_TIMEOUT: Duration = Duration::from_secs(15);

pub async fn process(args: ProcessArgs) -> Result<()> {
    let engine_cfg = args.engine.engine_config();
    Engine::new(engine_cfg.clone()).context("invalid engine settings")?;
    let store = Arc::new(
        SqlStore::connect_postgres(&args.postgres.postgres_url)
            .context("invalid --postgres URL")?,
    );
    if args.migrate {
        super::migrate_with_retry(&store).await;
    }
    let hub: Arc<dyn LiveHub> = Arc::new(
        RedisHub::start(&args.redis.redis_url, &args.redis.redis_prefix, true, false)
            .context("invalid --redis URL")?,
    );
    let settings = args.kafka.settings();
    let dead_letters: Arc<dyn DeadLetterSink> = Arc::new(KafkaDeadLetters {
        producer: EventProducer::new(&settings)?,
        topic: settings.topics.dlq.clone(),
    });
    let ready = Arc::new(AtomicBool::new(false));
    let consumer =
        ShardConsumer::start(&settings, &args.group_id, args.stop_at_end, BATCH, BUFFER)?;
    if let Some(addr) = args.metrics_listen {
        serve_metrics(addr, store.clone(), ready.clone(), consumer.connected()).await?;
    }
    tracing::info!(group = %args.group_id, brokers = %settings.brokers, "Processing.");
    let mut member = Member {
        group_id: args.group_id.clone(),
        engine_cfg,
        store,
        hub,
        dead_letters,
        settings,
        checkpoint_interval: args.checkpoint_interval,
        shards: BTreeMap::new(),
        ready,
        records: 0,
        rejected: 0,
    };
    member.run(consumer, args.stop_at_end).await
}

/// One shard's engine and where its input stands.
struct Shard {
    processor: Processor,
    /// Next offset to read per topic.
    next: BTreeMap<Topic, i64>,
    /// Where its records come from, per topic, as dead letters name it.
    sources: BTreeMap<Topic, String>,
    /// Input processed since the last checkpoint.
    unsaved: bool,
    /// Input processed since the last flush.
    unflushed: bool,
    saved_at: Instant,
}

struct Member {
    group_id: String,
    engine_cfg: EngineConfig,
    store: Arc<SqlStore>,
    hub: Arc<dyn LiveHub>,
    dead_letters: Arc<dyn DeadLetterSink>,
    settings: KafkaSettings,
    checkpoint_interval: Duration,
    shards: BTreeMap<u32, Shard>,
    ready: Arc<AtomicBool>,
    /// Records read and rejected by this member, over every shard it held.
    records: u64,
    rejected: u64,
}

impl Member {
    async fn run(&mut self, mut consumer: ShardConsumer, stop_at_end: bool) -> Result<()> {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut flush = tokio::time::interval(FLUSH_EVERY);
        flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let shutdown = super::shutdown_signal();
        tokio::pin!(shutdown);
        let mut stopping = false;
        loop {
            tokio::select! {
                _ = &mut shutdown, if !stopping => {
                    tracing::info!("Stopping: saving every shard.");
                    stopping = true;
                    self.save_all().await?;
                    consumer.stop();
                }
                _ = tick.tick() => {
                    self.tick(&consumer).await?;
                }
                _ = flush.tick() => {
                    self.flush().await?;
                }
                delivery = consumer.next() => match delivery {
                    None => break,
                    Some(Delivery::Assigned { shards, reply }) => {
                        let starts = self.take_over(&shards).await?;
                        let _ = reply.send(starts);
                        self.ready.store(true, Ordering::Relaxed);
                    }
                    Some(Delivery::Revoked { shards, done }) => {
                        self.hand_over(&shards, &consumer).await;
                        let _ = done.send(());
                    }
                    Some(Delivery::Records(records)) => self.ingest(records),
                    Some(Delivery::Drained(partitions)) => {
                        for (topic, shard) in partitions {
                            if let Some(s) = self.shards.get_mut(&shard) {
                                s.processor.partition_drained(lane(topic));
                            }
                        }
                    }
                    Some(Delivery::CaughtUp) if stop_at_end && !stopping => {
                        tracing::info!("Input read to its end: closing all windows.");
                        self.flush().await?;
                        for shard in self.shards.values_mut() {
                            shard.processor.finish().await?;
                            shard.unsaved = true;
                        }
                        self.save_all().await?;
                        stopping = true;
                        consumer.stop();
                    }
                    Some(Delivery::CaughtUp) => {}
                },
            }
        }
        tracing::info!(records = self.records, rejected = self.rejected, "Stopped.");
        Ok(())
    }

    /// Claims newly assigned shards: restores each one's checkpoint and says where
    /// its partitions resume.
    async fn take_over(&mut self, shards: &[u32]) -> Result<StartOffsets> {
        let mut starts = StartOffsets::new();
        for &shard in shards {
            let (lease, checkpoint) = retry("claim a shard", || {
                self.store.claim_shard(&self.group_id, shard)
            })
            .await;
            let now = now_ms();
            let (engine, next) = match checkpoint {
                Some(c) => {
                    let engine = Engine::restore(self.engine_cfg.clone(), &c.state, now)
                        .with_context(|| format!("could not restore shard {shard}"))?;
                    let next: BTreeMap<Topic, i64> = serde_json::from_str(&c.offsets)
                        .with_context(|| format!("unreadable offsets of shard {shard}"))?;
                    (engine, next)
                }
                None => (Engine::new(self.engine_cfg.clone())?, BTreeMap::new()),
            };
            for (topic, offset) in &next {
                starts.insert((*topic, shard), *offset);
            }
            tracing::info!(shard, epoch = lease.epoch, resume = ?next, "Took over a shard.");
            let mut processor = Processor::new(engine, self.store.clone(), Some(self.hub.clone()))
                .with_lease(lease)
                .with_dead_letter_sink(self.dead_letters.clone());
            // Every topic of the shard holds the watermark back from the start: the
            // first records read may all come from one topic's backlog.
            for topic in Topic::ALL {
                processor.register_partition(lane(topic), now);
            }
            self.shards.insert(
                shard,
                Shard {
                    processor,
                    next,
                    sources: Topic::ALL
                        .iter()
                        .map(|t| {
                            (
                                *t,
                                format!("kafka:{}:{shard}", self.settings.topics.name(*t)),
                            )
                        })
                        .collect(),
                    unsaved: false,
                    unflushed: false,
                    saved_at: Instant::now(),
                },
            );
        }
        Ok(starts)
    }

    /// Saves and lets go of revoked shards.
    async fn hand_over(&mut self, shards: &[u32], consumer: &ShardConsumer) {
        for shard in shards {
            let Some(mut s) = self.shards.remove(shard) else {
                continue;
            };
            self.count(&s);
            match tokio::time::timeout(HANDOVER_TIMEOUT, save(*shard, &mut s)).await {
                Ok(Ok(offsets)) => consumer.commit(offsets),
                Ok(Err(e)) => tracing::warn!(shard, error = %e, "Could not save a revoked shard; its next owner resumes from the previous checkpoint."),
                Err(_) => tracing::warn!(shard, "Saving a revoked shard timed out; its next owner resumes from the previous checkpoint."),
            }
        }
        self.ready.store(!self.shards.is_empty(), Ordering::Relaxed);
    }

    fn ingest(&mut self, records: Vec<telemetra_bus::Record>) {
        let now = now_ms();
        for r in records {
            let (Some(topic), Some(shard)) = (r.topic, self.shards.get_mut(&r.partition)) else {
                // Read just before the shard was revoked: its next owner reads it again.
                continue;
            };
            // Offsets only grow within an assignment; an older one is a re-delivery.
            let next = shard.next.entry(topic).or_insert(0);
            if (r.offset as i64) < *next {
                continue;
            }
            *next = r.offset as i64 + 1;
            let source = shard.sources.get(&topic).map_or("kafka", String::as_str);
            shard
                .processor
                .ingest(source, r.offset, Some(topic), lane(topic), &r.payload, now);
            shard.unsaved = true;
            shard.unflushed = true;
        }
    }

    /// Moves the watermark of shards with new input and writes what became final.
    async fn flush(&mut self) -> Result<()> {
        let now = now_ms();
        let ids: Vec<u32> = self
            .shards
            .iter()
            .filter(|(_, s)| s.unflushed)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.write(id, now, false).await?;
            if let Some(shard) = self.shards.get_mut(&id) {
                shard.unflushed = false;
            }
        }
        Ok(())
    }

    /// The once-a-second beat: running values, and checkpoints that are due.
    async fn tick(&mut self, consumer: &ShardConsumer) -> Result<()> {
        let now = now_ms();
        for (topic, lag) in consumer.lag() {
            metrics::CONSUMER_LAG
                .with_label_values(&[topic.label()])
                .set(lag);
        }
        let ids: Vec<u32> = self.shards.keys().copied().collect();
        for id in ids {
            self.write(id, now, true).await?;
            let Some(shard) = self.shards.get_mut(&id) else {
                continue;
            };
            if shard.unsaved && shard.saved_at.elapsed() >= self.checkpoint_interval {
                match save(id, shard).await {
                    Ok(offsets) => consumer.commit(offsets),
                    Err(e) => self.lost_or_fail(id, e)?,
                }
            }
        }
        Ok(())
    }

    /// Checkpoints every shard that processed input since its last checkpoint.
    async fn save_all(&mut self) -> Result<()> {
        let ids: Vec<u32> = self.shards.keys().copied().collect();
        for id in ids {
            let Some(shard) = self.shards.get_mut(&id) else {
                continue;
            };
            if shard.unsaved {
                if let Err(e) = save(id, shard).await {
                    self.lost_or_fail(id, e)?;
                }
            }
        }
        Ok(())
    }

    /// Moves one shard's watermark and writes what became final (`running`: also
    /// the running values of open windows). A shard taken over by another processor
    /// is dropped; anything else that cannot be retried stops the processor.
    async fn write(&mut self, id: u32, now: i64, running: bool) -> Result<()> {
        let Some(shard) = self.shards.get_mut(&id) else {
            return Ok(());
        };
        let written = if running {
            shard.processor.tick(now).await
        } else {
            shard.processor.flush(now).await
        };
        match written {
            Ok(()) => Ok(()),
            Err(e) => self.lost_or_fail(id, e),
        }
    }

    /// Adds a shard's counters to the member's before the shard is let go.
    fn count(&mut self, shard: &Shard) {
        let stats = shard.processor.stats();
        self.records += stats.records;
        self.rejected += stats.rejected;
    }

    fn lost_or_fail(&mut self, id: u32, e: anyhow::Error) -> Result<()> {
        if matches!(
            e.downcast_ref::<telemetra_store::Error>(),
            Some(telemetra_store::Error::Fenced { .. })
        ) {
            tracing::warn!(
                shard = id,
                "Another processor took this shard over; letting it go."
            );
            if let Some(shard) = self.shards.remove(&id) {
                self.count(&shard);
            }
            return Ok(());
        }
        Err(e)
    }
}

/// The engine's input partition for a topic within a shard: each topic's partition
/// is read independently, so each has its own watermark.
fn lane(topic: Topic) -> u32 {
    Topic::ALL.iter().position(|t| *t == topic).unwrap_or(0) as u32
}

/// Saves a shard's checkpoint; returns the offsets to commit to the group.
async fn save(id: u32, shard: &mut Shard) -> Result<Vec<(Topic, u32, i64)>> {
    let offsets = serde_json::to_string(&shard.next).expect("offsets serialize");
    shard.processor.checkpoint(offsets).await?;
    shard.unsaved = false;
    shard.saved_at = Instant::now();
    Ok(shard.next.iter().map(|(t, o)| (*t, id, *o)).collect())
}

/// Retries `op` with backoff until it succeeds (PostgreSQL may be restarting).
async fn retry<T, F, Fut>(what: &str, mut op: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = telemetra_store::Result<T>>,
{
    let mut delay = Duration::from_millis(100);
    loop {
        match op().await {
            Ok(v) => return v,
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = delay.as_millis() as u64, "Could not {what}; retrying.");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
        }
    }
}

/// Rejected input goes to the dead-letter topic: the original bytes as the value,
/// the reason and origin in headers, keyed by origin so duplicates are recognisable.
struct KafkaDeadLetters {
    producer: EventProducer,
    topic: String,
}

impl DeadLetterSink for KafkaDeadLetters {
    fn send(&self, letter: &DeadLetter) {
        let key = format!("{}:{}", letter.source, letter.position);
        let position = letter.position.to_string();
        let headers: [(&str, &[u8]); 4] = [
            ("reason", letter.rejected.reason.as_str().as_bytes()),
            ("detail", letter.rejected.detail.as_bytes()),
            ("source", letter.source.as_bytes()),
            ("position", position.as_bytes()),
        ];
        if let Err(e) =
            self.producer
                .send(&self.topic, key.as_bytes(), &letter.rejected.raw, &headers)
        {
            metrics::DEAD_LETTER_SEND_FAILURES.inc();
            tracing::error!(error = %e, "Could not send to the dead-letter topic (the record is in the dead_letters table).");
        }
    }
}

/// /health, /ready and /metrics. Ready: a shard is held, PostgreSQL answers, and the
/// consumer is in contact with Kafka (its group coordinator and partition leaders, as
/// of librdkafka's statistics every half second).
async fn serve_metrics(
    addr: SocketAddr,
    store: Arc<SqlStore>,
    ready: Arc<AtomicBool>,
    kafka: Arc<AtomicBool>,
) -> Result<()> {
    use axum::http::StatusCode;
    use axum::routing::get;
    metrics::init();
    let app = axum::Router::new()
        .route("/health", get(|| async { "ok" }))
        .route(
            "/ready",
            get(move || {
                let (store, ready, kafka) = (store.clone(), ready.clone(), kafka.clone());
                async move {
                    let db = store.ping().await.is_ok();
                    let shards = ready.load(Ordering::Relaxed);
                    let kafka = kafka.load(Ordering::Relaxed);
                    let status = if db && shards && kafka {
                        StatusCode::OK
                    } else {
                        StatusCode::SERVICE_UNAVAILABLE
                    };
                    (
                        status,
                        axum::Json(serde_json::json!({
                            "postgres": db,
                            "kafka": kafka,
                            "shards_assigned": shards,
                        })),
                    )
                }
            }),
        )
        .route("/metrics", get(telemetra_api::metrics::metrics_get));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("could not listen on {addr}"))?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(())
}
