//! `telemetra run`: the embedded default, everything in one process.
//!
//! generator, Twitch or a file → in-process bus → processor (engine → SQLite, live hub)
//!                                         API + dashboard ← SQLite, live hub

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use telemetra_api::AppState;
use telemetra_bus::memory::{self, MemoryConsumer, MemoryProducer};
use telemetra_engine::Engine;
use telemetra_gen::{GenConfig, Generator};
use telemetra_live::{LiveHub, MemoryHub};
use telemetra_types::{now_ms, peek_channel, Event, Timestamp};
use tokio::sync::{mpsc, watch};

use crate::cli::{Channels, RunArgs, Source};
use crate::input::{next_line, open_lines};
use crate::processor::Processor;

/// Records the bus holds before producers wait.
const BUS_CAPACITY: usize = 65_536;
/// Records the processor takes per batch.
const BATCH: usize = 2_048;

pub async fn run(args: RunArgs) -> Result<()> {
    match (&args.input, args.source, &args.generator.channels) {
        (Some(_), Source::Twitch, _) => {
            bail!("--input replays a file; it cannot be combined with --source twitch")
        }
        (None, Source::Generator, _) => {
            args.generator.channel_count()?;
        }
        (None, Source::Twitch, Channels::Count(_)) => {
            bail!("--source twitch needs the channels to watch: --channels name1,name2")
        }
        _ => {}
    }
    let engine_cfg = args.engine.engine_config();
    let engine = Engine::new(engine_cfg.clone()).context("invalid engine settings")?;
    let store = super::open_embedded_store(&args.data_dir).await?;
    let hub: Arc<dyn LiveHub> = Arc::new(MemoryHub::new());
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("could not listen on {}", args.listen))?;
    let (shutdown_tx, shutdown) = watch::channel(false);
    let (producer, consumer) = memory::bus(args.engine.partitions, BUS_CAPACITY);

    let source = match (&args.input, &args.generator.channels) {
        (Some(path), _) => tokio::spawn(feed_file(path.clone(), producer)),
        (None, Channels::Names(names)) if args.source == Source::Twitch => {
            let events = super::twitch::start(&args.twitch, names.clone(), shutdown.clone())?;
            tracing::info!(channels = names.len(), server = %args.twitch.irc_url, "Watching Twitch chat.");
            tokio::spawn(feed_events(events, producer))
        }
        (None, _) => {
            let cfg = args.generator.config(
                Timestamp(now_ms()),
                GenConfig::for_window(engine_cfg.window_ms, engine_cfg.slide_ms),
            );
            let episodes = args.data_dir.join("episodes.jsonl");
            tokio::spawn(feed_generator(cfg, producer, episodes, shutdown.clone()))
        }
    };
    let processor = Processor::new(engine, store.clone(), Some(hub.clone()));
    let processing = tokio::spawn(process(processor, consumer, shutdown.clone()));

    let state = AppState::new(store, hub, args.http.security());
    let mut server_shutdown = shutdown.clone();
    let server = tokio::spawn(telemetra_api::serve(listener, state, async move {
        let _ = server_shutdown.wait_for(|stop| *stop).await;
    }));
    tracing::info!(listen = %args.listen, data_dir = %args.data_dir.display(), "Telemetra is running: open http://{}/", args.listen);

    super::shutdown_signal().await;
    tracing::info!("Shutting down.");
    let _ = shutdown_tx.send(true);
    source.abort();
    processing
        .await
        .context("the processor stopped abnormally")??;
    server
        .await
        .context("the server stopped abnormally")?
        .context("the server failed")?;
    Ok(())
}

/// Reads records from the bus until shutdown; the end of a file input closes all
/// windows and leaves the results on display.
async fn process(
    mut processor: Processor,
    mut consumer: MemoryConsumer,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut input_open = true;
    loop {
        tokio::select! {
            biased;
            _ = shutdown.changed() => break,
            _ = tick.tick() => processor.tick(now_ms()).await?,
            batch = consumer.recv_batch(BATCH), if input_open => match batch {
                Some(records) => {
                    let now = now_ms();
                    for r in records {
                        let source = format!("bus:{}:{}", r.topic.map_or("file", |t| t.label()), r.partition);
                        processor.ingest(&source, r.offset, r.topic, r.partition, &r.payload, now);
                    }
                    processor.flush(now).await?;
                }
                None => {
                    input_open = false;
                    processor.finish().await?;
                    let s = processor.stats();
                    tracing::info!(records = s.records, rejected = s.rejected, late = s.engine.late, "Input finished; all windows closed.");
                }
            },
        }
    }
    // Leave the store with everything processed so far; open windows stay running rows.
    processor.flush(now_ms()).await
}

/// Plays the generator against the wall clock.
async fn feed_generator(
    cfg: GenConfig,
    producer: MemoryProducer,
    episodes_path: PathBuf,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    let origin_ms = cfg.start.0;
    let origin = Instant::now();
    let mut generator = Generator::new(cfg);
    let mut episodes_written = 0;
    loop {
        let (at, event) = generator.next_timed();
        let due = origin + Duration::from_millis((at - origin_ms).max(0) as u64);
        if due > Instant::now() {
            tokio::select! {
                _ = tokio::time::sleep_until(due.into()) => {}
                _ = shutdown.changed() => return Ok(()),
            }
        }
        if !put_event(&producer, &event).await {
            return Ok(()); // the processor is gone: shutting down
        }
        if generator.episodes().len() > episodes_written {
            let mut file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&episodes_path)
                .with_context(|| format!("could not write {}", episodes_path.display()))?;
            for episode in &generator.episodes()[episodes_written..] {
                writeln!(file, "{}", serde_json::to_string(episode)?)?;
            }
            episodes_written = generator.episodes().len();
        }
    }
}

/// Puts a live source's events on the bus until it closes.
async fn feed_events(mut events: mpsc::Receiver<Event>, producer: MemoryProducer) -> Result<()> {
    while let Some(event) = events.recv().await {
        if !put_event(&producer, &event).await {
            break; // the processor is gone: shutting down
        }
    }
    Ok(())
}

/// Puts one event on its topic, keyed by its channel; false once the bus is closed.
async fn put_event(producer: &MemoryProducer, event: &Event) -> bool {
    let key = event.channel().as_str().as_bytes();
    producer
        .send(
            Some(event.kind().topic()),
            key,
            Bytes::from(event.to_json()),
        )
        .await
        .is_ok()
}

/// Streams a file's lines onto the bus as fast as the processor takes them.
async fn feed_file(path: PathBuf, producer: MemoryProducer) -> Result<()> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4_096);
    // File reading blocks: keep it off the async workers.
    let reader = tokio::task::spawn_blocking(move || -> Result<()> {
        let mut lines = open_lines(&path)?;
        let (mut line, mut line_no) = (Vec::new(), 0u64);
        while next_line(lines.as_mut(), &mut line, &mut line_no)? {
            if tx.blocking_send(line.clone()).is_err() {
                break;
            }
        }
        Ok(())
    });
    while let Some(line) = rx.recv().await {
        let key = peek_channel(&line).unwrap_or_default();
        if producer
            .send(None, key.as_bytes(), Bytes::from(line))
            .await
            .is_err()
        {
            break;
        }
    }
    reader.await.context("the file reader stopped abnormally")?
}
