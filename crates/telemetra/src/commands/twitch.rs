//! The Twitch source shared by `run --source twitch` and `ingest twitch`: the chat
//! client and, when credentials are set, the Helix viewer poller, both sending events
//! into one channel.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use telemetra_twitch::{client, helix, ClientConfig, EmoteList, HelixConfig, Stats};
use telemetra_types::{ChannelId, Event};
use tokio::sync::{mpsc, watch};

use crate::cli::TwitchArgs;

/// Events waiting between the source and the bus or Kafka.
const QUEUE: usize = 4_096;
/// How often the client's counters are logged.
const REPORT_EVERY: Duration = Duration::from_secs(60);

/// Starts the source for `channels`; events arrive on the returned receiver until
/// `shutdown` turns true, after which it closes.
pub fn start(
    args: &TwitchArgs,
    channels: Vec<ChannelId>,
    shutdown: watch::Receiver<bool>,
) -> Result<mpsc::Receiver<Event>> {
    let emotes = match &args.emote_list {
        Some(path) => {
            let list = EmoteList::load(path)?;
            tracing::info!(emotes = list.len(), file = %path.display(), "Loaded the emote list.");
            list
        }
        None => EmoteList::default(),
    };
    let (tx, rx) = mpsc::channel(QUEUE);
    let cfg = ClientConfig::new(args.irc_url.clone(), channels.clone(), Arc::new(emotes));
    let stats = Arc::new(Stats::default());
    tokio::spawn(report(stats.clone(), shutdown.clone()));
    let chat_tx = tx.clone();
    let chat_shutdown = shutdown.clone();
    tokio::spawn(async move {
        if let Err(e) = client::run(cfg, chat_tx, stats, chat_shutdown).await {
            tracing::error!(error = %format!("{e:#}"), "The Twitch chat source stopped.");
        }
    });
    if let (Some(id), Some(secret)) = (&args.helix_client_id, &args.helix_client_secret) {
        let cfg = HelixConfig {
            client_id: id.clone(),
            client_secret: secret.clone(),
            token_url: args.helix_token_url.clone(),
            api_url: args.helix_api_url.clone(),
            interval: args.helix_interval,
            channels,
        };
        tracing::info!(
            interval_s = cfg.interval.as_secs(),
            "Polling Helix for viewer counts."
        );
        tokio::spawn(async move {
            if let Err(e) = helix::run(cfg, tx, shutdown).await {
                tracing::error!(error = %format!("{e:#}"), "The Helix viewer source stopped.");
            }
        });
    }
    Ok(rx)
}

/// Logs the client's counters now and then.
async fn report(stats: Arc<Stats>, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(REPORT_EVERY);
    tick.tick().await;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        let [lines, rejected, ignored, events, connections, reconnects] = stats.snapshot();
        tracing::info!(
            lines,
            rejected,
            ignored,
            events,
            connections,
            reconnect_requests = reconnects,
            "Twitch chat."
        );
    }
}
