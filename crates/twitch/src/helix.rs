//! Viewer counts from the Twitch Helix API (optional: needs an application's client id
//! and secret).
//!
//! An app access token comes from the client-credentials grant
//! (`POST https://id.twitch.tv/oauth2/token`); `GET /helix/streams?user_login=…`
//! (up to 100 logins per request) then gives each live channel's `viewer_count`.
//! A 401 means the token expired or was revoked: get a new one and retry once.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use telemetra_types::{now_ms, ChannelId, Event, Timestamp, ViewerCount};
use tokio::sync::{mpsc, watch};

/// Most logins Helix accepts in one `streams` request.
pub const MAX_LOGINS_PER_REQUEST: usize = 100;

/// Helix settings.
#[derive(Clone, Debug)]
pub struct HelixConfig {
    /// The application's client id.
    pub client_id: String,
    /// The application's client secret.
    pub client_secret: String,
    /// The token endpoint (`https://id.twitch.tv/oauth2/token`).
    pub token_url: String,
    /// The API base (`https://api.twitch.tv/helix`).
    pub api_url: String,
    /// Time between polls.
    pub interval: Duration,
    /// Channels to poll.
    pub channels: Vec<ChannelId>,
}

impl HelixConfig {
    /// Twitch's production endpoint for the token.
    pub const TOKEN_URL: &'static str = "https://id.twitch.tv/oauth2/token";
    /// Twitch's production API base.
    pub const API_URL: &'static str = "https://api.twitch.tv/helix";
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
}

#[derive(Deserialize)]
struct StreamsResponse {
    data: Vec<LiveStream>,
}

#[derive(Deserialize)]
struct LiveStream {
    user_login: String,
    viewer_count: u64,
    #[serde(default)]
    started_at: String,
}

/// A Helix client holding its app access token.
pub struct Helix {
    cfg: HelixConfig,
    http: reqwest::Client,
    token: Option<String>,
}

impl Helix {
    /// A client; no request is made yet.
    pub fn new(cfg: HelixConfig) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("telemetra/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("could not build the HTTP client")?;
        Ok(Self {
            cfg,
            http,
            token: None,
        })
    }

    async fn fetch_token(&mut self) -> Result<String> {
        let response = self
            .http
            .post(&self.cfg.token_url)
            .form(&[
                ("client_id", self.cfg.client_id.as_str()),
                ("client_secret", self.cfg.client_secret.as_str()),
                ("grant_type", "client_credentials"),
            ])
            .send()
            .await
            .context("the Twitch token request failed")?;
        let status = response.status();
        if !status.is_success() {
            bail!("Twitch refused the client credentials: HTTP {status}");
        }
        let token: TokenResponse = response.json().await.context("unreadable token response")?;
        self.token = Some(token.access_token.clone());
        Ok(token.access_token)
    }

    /// One poll: viewer events for the live channels among `channels`, stamped `at`.
    pub async fn poll(&mut self, at: Timestamp) -> Result<Vec<Event>> {
        let mut out = Vec::new();
        for chunk in self.cfg.channels.clone().chunks(MAX_LOGINS_PER_REQUEST) {
            for stream in self.streams(chunk).await? {
                let Ok(channel) = ChannelId::parse(&stream.user_login.to_ascii_lowercase()) else {
                    continue;
                };
                out.push(Event::Viewer(ViewerCount {
                    event_id: format!("helix-{channel}-{}-{}", stream.started_at, at.0),
                    channel,
                    viewer_count: stream.viewer_count,
                    timestamp: at,
                    chatter_count: None,
                }));
            }
        }
        Ok(out)
    }

    async fn streams(&mut self, logins: &[ChannelId]) -> Result<Vec<LiveStream>> {
        let query: Vec<(&str, &str)> = logins
            .iter()
            .map(|c| ("user_login", c.as_str()))
            .chain([("first", "100")])
            .collect();
        let url = format!("{}/streams", self.cfg.api_url.trim_end_matches('/'));
        for attempt in 0..2 {
            let token = match &self.token {
                Some(t) => t.clone(),
                None => self.fetch_token().await?,
            };
            let response = self
                .http
                .get(&url)
                .query(&query)
                .header("Client-Id", &self.cfg.client_id)
                .bearer_auth(&token)
                .send()
                .await
                .context("the Helix streams request failed")?;
            let status = response.status();
            if status == reqwest::StatusCode::UNAUTHORIZED && attempt == 0 {
                tracing::info!("The Helix token was refused; getting a new one.");
                self.token = None;
                continue;
            }
            if !status.is_success() {
                bail!("Helix streams request: HTTP {status}");
            }
            let body: StreamsResponse = response
                .json()
                .await
                .context("unreadable Helix streams response")?;
            return Ok(body.data);
        }
        bail!("Helix kept refusing a fresh token")
    }
}

/// Polls every `interval` until shutdown, sending viewer events. Failures are logged
/// and retried at the next poll: viewer counts are samples, a missed one is no loss.
pub async fn run(
    cfg: HelixConfig,
    events: mpsc::Sender<Event>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    let mut tick = tokio::time::interval(cfg.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut helix = Helix::new(cfg)?;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.wait_for(|stop| *stop) => return Ok(()),
        }
        match helix.poll(Timestamp(now_ms())).await {
            Ok(list) => {
                tracing::debug!(live = list.len(), "Polled Helix viewer counts.");
                for event in list {
                    if events.send(event).await.is_err() {
                        return Ok(());
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "Polling Helix failed; retrying at the next interval.")
            }
        }
    }
}
