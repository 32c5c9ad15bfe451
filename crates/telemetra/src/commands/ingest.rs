//! `telemetra ingest twitch`: Twitch chat (and Helix viewer counts) → the Kafka input
//! topics, keyed by channel like `produce`.

use std::time::Duration;

use anyhow::{Context, Result};
use telemetra_kafka::{ensure_topics, EventProducer};
use tokio::sync::watch;

use crate::cli::{IngestCommand, IngestTwitchArgs};

pub async fn ingest(cmd: IngestCommand) -> Result<()> {
    match cmd {
        IngestCommand::Twitch(args) => twitch(args).await,
    }
}

async fn twitch(args: IngestTwitchArgs) -> Result<()> {
    let settings = args.kafka.settings();
    ensure_topics(&settings, args.partitions, args.replication_factor).await?;
    let producer = EventProducer::new(&settings)?;
    let (shutdown_tx, shutdown) = watch::channel(false);
    let mut events = super::twitch::start(&args.twitch, args.channels.clone(), shutdown)?;
    tokio::spawn(async move {
        super::shutdown_signal().await;
        let _ = shutdown_tx.send(true);
    });
    // librdkafka's queueing blocks: keep it off the async workers.
    let sent = tokio::task::spawn_blocking(move || -> Result<u64> {
        let mut sent = 0u64;
        while let Some(event) = events.blocking_recv() {
            let topic = settings.topics.name(event.kind().topic());
            let key = event.channel().as_str().as_bytes();
            producer.send(topic, key, &event.to_json(), &[])?;
            sent += 1;
        }
        producer.flush(Duration::from_secs(60))?;
        Ok(sent)
    })
    .await
    .context("the Kafka producer stopped abnormally")??;
    tracing::info!(sent, "Stopped.");
    println!("produced {sent} events");
    Ok(())
}
