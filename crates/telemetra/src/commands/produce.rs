//! `telemetra produce`: generated events or a file → the Kafka input topics.
//!
//! Every message is keyed by its channel, so a channel's events stay in order in one
//! partition number of each topic. A file is sent as fast as Kafka takes it; the
//! generator plays in real time at `--rate`. Lines that are not valid events are sent
//! to the topic of the kind they claim (the chat topic when they claim none) as they are:
//! the processor dead-letters them for the same reason `replay` would.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use telemetra_gen::{GenConfig, Generator};
use telemetra_kafka::{ensure_topics, EventProducer, KafkaSettings};
use telemetra_types::{decode_line, now_ms, peek_channel, peek_kind, Timestamp, Topic};

use crate::cli::ProduceArgs;
use crate::input::{next_line, open_lines};

/// How often progress is reported.
const PROGRESS_EVERY: Duration = Duration::from_secs(2);

pub async fn produce(args: ProduceArgs) -> Result<()> {
    if args.input.is_none() {
        args.generator.channel_count()?;
    }
    let settings = args.kafka.settings();
    ensure_topics(&settings, args.partitions, args.replication_factor).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopper = stop.clone();
    tokio::spawn(async move {
        super::shutdown_signal().await;
        stopper.store(true, Ordering::Relaxed);
    });
    // librdkafka's queueing blocks: keep it off the async workers.
    let sent = tokio::task::spawn_blocking(move || send_all(&args, &settings, &stop))
        .await
        .context("the producer stopped abnormally")??;
    println!("produced {sent} events");
    Ok(())
}

fn send_all(args: &ProduceArgs, settings: &KafkaSettings, stop: &AtomicBool) -> Result<u64> {
    let producer = EventProducer::new(settings)?;
    let mut progress = Progress::new();
    let limit = args.events.unwrap_or(u64::MAX);
    match &args.input {
        Some(path) => {
            let mut lines = open_lines(path)?;
            let (mut line, mut line_no) = (Vec::new(), 0u64);
            while progress.sent < limit
                && !stop.load(Ordering::Relaxed)
                && next_line(lines.as_mut(), &mut line, &mut line_no)?
            {
                let topic = match decode_line(&line) {
                    Ok(event) => event.kind().topic(),
                    Err(_) => peek_kind(&line).map_or(Topic::Chat, |k| k.topic()),
                };
                let key = peek_channel(&line).unwrap_or_default();
                producer.send(settings.topics.name(topic), key.as_bytes(), &line, &[])?;
                progress.tick(&producer);
            }
        }
        None => {
            let cfg = args
                .generator
                .config(Timestamp(now_ms()), GenConfig::default());
            let origin_ms = cfg.start.0;
            let origin = Instant::now();
            let mut generator = Generator::new(cfg);
            while progress.sent < limit && !stop.load(Ordering::Relaxed) {
                let (at, event) = generator.next_timed();
                let due = origin + Duration::from_millis((at - origin_ms).max(0) as u64);
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                let topic = settings.topics.name(event.kind().topic());
                let key = event.channel().as_str().as_bytes();
                producer.send(topic, key, &event.to_json(), &[])?;
                progress.tick(&producer);
            }
        }
    }
    producer.flush(Duration::from_secs(120))?;
    tracing::info!(
        sent = progress.sent,
        acknowledged = producer.acked(),
        "Done."
    );
    Ok(progress.sent)
}

/// Counts messages and reports the rate now and then.
struct Progress {
    sent: u64,
    started: Instant,
    last: Instant,
    last_sent: u64,
}

impl Progress {
    fn new() -> Self {
        let now = Instant::now();
        Self {
            sent: 0,
            started: now,
            last: now,
            last_sent: 0,
        }
    }

    fn tick(&mut self, producer: &EventProducer) {
        self.sent += 1;
        if self.sent.is_multiple_of(1024) && self.last.elapsed() >= PROGRESS_EVERY {
            let rate = (self.sent - self.last_sent) as f64 / self.last.elapsed().as_secs_f64();
            tracing::info!(
                sent = self.sent,
                acknowledged = producer.acked(),
                events_per_s = rate.round() as u64,
                elapsed_s = self.started.elapsed().as_secs(),
                "Producing."
            );
            self.last = Instant::now();
            self.last_sent = self.sent;
        }
    }
}
